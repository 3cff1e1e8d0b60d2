"""Goal-action plans: the study's action types (rewardable or not) and each participant's
actions — agreed, done or not yet, the Bridge pillar they serve, the reward given.

Validation lives here once, for the form, the importer and the CLI.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import NamedTuple

from desktop.i18n import LANGUAGES, pick
from desktop.models import audit
from desktop.models.database import transaction
from desktop.models.errors import NotFoundError, ValidationError
from desktop.models.schema import (
    PARTICIPATING_STATUSES,
    Action,
    ActionType,
    Participant,
    database,
)
from desktop.models.services.conflicts import update_versioned
from desktop.models.services.instrument_library import study_instrument
from desktop.models.services.participants import find_participant, is_participating
from desktop.models.services.recycle_bin import Owner, check_reason, discard
from desktop.models.services.users import require_lead
from desktop.models.services.validation import (
    as_date,
    clean_free_text,
    clean_text,
    parse_date,
    parse_number,
    require_past,
)
from desktop.paths import ACTION_TYPES

MAX_REWARD = Decimal("10000")
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,59}$")


@dataclass(frozen=True)
class ActionTypeInfo:
    id: int
    key: str
    label: dict[str, str]
    rewardable: bool
    position: int

    def text(self, language: str | None = None) -> str:
        return pick(self.label, language)


@dataclass
class ActionTypeInput:
    """A type as typed in the study's list: a name per language (the other language falls back
    to the one given), and whether the study rewards it."""

    name_nl: object = ""
    name_en: object = ""
    rewardable: bool = False


@dataclass
class ActionInput:
    action_type_id: int | None
    agreed_on: object
    done_on: object = None
    pillar: str = ""
    reward_kind: object = ""
    reward_value: object = None
    remarks: object = ""


@dataclass(frozen=True)
class ActionRecord:
    id: int
    participant_id: int
    action_type_id: int
    action_type: str
    rewardable: bool
    pillar: str
    agreed_on: dt.date
    done_on: dt.date | None
    reward_kind: str
    reward_value: Decimal | None
    remarks: str
    version: int

    @property
    def days(self) -> int | None:
        """Days from agreed to done; None while not done."""
        return (self.done_on - self.agreed_on).days if self.done_on else None


class ActionRow(NamedTuple):
    """One action as the findings read it (a tuple: studies have tens of thousands)."""

    group: str
    participant: int
    action_type: str
    rewardable: bool
    agreed_on: dt.date
    done_on: dt.date | None
    rewarded: bool


@cache
def template_action_types() -> tuple[dict, ...]:
    """The action types a new study starts with (resources/actions/action_types.json)."""
    return tuple(json.loads(ACTION_TYPES.read_text(encoding="utf-8"))["action_types"])


def action_types(study_id: int) -> list[ActionTypeInfo]:
    """The study's action types in their order; the first time asked, the template's."""
    if not ActionType.select().where(ActionType.study == study_id).exists():
        with transaction():
            for position, entry in enumerate(template_action_types()):
                row = ActionType.create(study=study_id, key=entry["key"],
                                        label=json.dumps(entry["label"], ensure_ascii=False),
                                        rewardable=entry["rewardable"], position=position)
                audit.record("action_type", row.id, "insert", {"key": (None, row.key)})
    return [_type_info(row) for row in
            ActionType.select().where(ActionType.study == study_id).order_by(ActionType.position)]


def _type_info(row: ActionType) -> ActionTypeInfo:
    return ActionTypeInfo(row.id, row.key, json.loads(row.label), bool(row.rewardable),
                          row.position)


def _type_key(name: str, taken: set[str]) -> str:
    base = re.sub(r"\W+", "_", name.lower()).strip("_") or "action"
    if base[0].isdigit():
        base = f"a_{base}"
    key, number = base[:50], 2
    while key in taken:
        key, number = f"{base[:50]}_{number}", number + 1
    return key


def save_action_type(study_id: int, data: ActionTypeInput, type_id: int | None = None, *,
                     key: str | None = None) -> int:
    """Add a type, or rename it and set whether it is rewardable. A type that already has
    rewards given cannot stop being rewardable: those rewards would become impossible. `key`
    (a new type only) keeps a key given elsewhere, as the workbook import does; else one is
    made from the name."""
    names = {lang: clean_text(getattr(data, f"name_{lang}"), f"name_{lang}", 200)
             for lang in LANGUAGES}
    if not any(names.values()):
        raise ValidationError("name_nl", "error.required")
    given = next(name for name in names.values() if name)
    label = {lang: name or given for lang, name in names.items()}
    existing = list(ActionType.select().where(ActionType.study == study_id))
    for other in existing:
        if other.id != type_id and any(
                name.lower() == text.lower() for name, text in zip(
                    label.values(), json.loads(other.label).values(), strict=False)):
            raise ValidationError("name_nl", "error.action_type_duplicate", name=given)
    taken = {t.key for t in existing}
    if key is not None and (not _KEY.match(key) or key in taken):
        raise ValidationError("key", "error.action_type_key", key=key)
    with transaction():
        if type_id is None:
            row = ActionType.create(study=study_id, key=key or _type_key(given, taken),
                                    label=json.dumps(label, ensure_ascii=False),
                                    rewardable=bool(data.rewardable),
                                    position=max((t.position for t in existing), default=-1) + 1)
            audit.record("action_type", row.id, "insert",
                         {"label": (None, row.label), "rewardable": (None, row.rewardable)})
            return row.id
        row = _find_type(study_id, type_id)
        if row.rewardable and not data.rewardable and Action.select().where(
                (Action.action_type == type_id) & (Action.reward_kind != "")).exists():
            raise ValidationError("rewardable", "error.action_type_rewards_given",
                                  name=pick(json.loads(row.label)))
        changes = audit.changes_between(
            {"label": row.label, "rewardable": bool(row.rewardable)},
            {"label": json.dumps(label, ensure_ascii=False), "rewardable": bool(data.rewardable)})
        if changes:
            ActionType.update(label=json.dumps(label, ensure_ascii=False),
                              rewardable=bool(data.rewardable)).where(
                ActionType.id == type_id).execute()
            audit.record("action_type", type_id, "update", changes)
        return type_id


def delete_action_type(study_id: int, type_id: int) -> None:
    with transaction():
        row = _find_type(study_id, type_id)
        if ActionType.select().where(ActionType.study == study_id).count() == 1:
            raise ValidationError("action_type", "error.action_type_last",
                                  name=pick(json.loads(row.label)))
        used = Action.select().where(Action.action_type == type_id).count()
        if used:
            raise ValidationError("action_type", "error.action_type_in_use",
                                  name=pick(json.loads(row.label)), count=used)
        row.delete_instance()
        audit.record("action_type", type_id, "delete", {"label": (row.label, None)})


def _find_type(study_id: int, type_id: int | None) -> ActionType:
    row = ActionType.get_or_none((ActionType.id == type_id) & (ActionType.study == study_id))
    if row is None:
        raise ValidationError("action_type", "error.action_type_unknown")
    return row


def check_action(kind: ActionTypeInfo, pillars: Collection[str], included: dt.date | None,
                 data: ActionInput) -> dict[str, object]:
    """An action of type `kind` for a participant included on `included`, whose study's Bridge
    has `pillars`: the form's rules, for the form and the workbook import alike."""
    agreed = parse_date(data.agreed_on, "agreed_on")
    if agreed is None:
        raise ValidationError("agreed_on", "error.date_required")
    require_past(agreed, "agreed_on")
    if included and agreed < included:
        raise ValidationError("agreed_on", "error.action_before_inclusion",
                              date=included.isoformat())
    done = parse_date(data.done_on, "done_on")
    if done is not None:
        require_past(done, "done_on")
        if done < agreed:
            raise ValidationError("done_on", "error.done_before_agreed",
                                  done=done.isoformat(), agreed=agreed.isoformat())
    pillar = (data.pillar or "").strip()
    if pillar and pillar not in pillars:
        raise ValidationError("pillar", "error.pillar_unknown", pillar=pillar)
    reward_kind = clean_text(data.reward_kind, "reward_kind", 60)
    value = parse_number(data.reward_value, "reward_value")
    reward_value = None if value is None else Decimal(str(round(value, 2)))
    if reward_value is not None and not 0 <= reward_value <= MAX_REWARD:
        raise ValidationError("reward_value", "error.reward_value", max=MAX_REWARD)
    if reward_kind or reward_value is not None:
        if not kind.rewardable:
            raise ValidationError("reward_kind", "error.reward_not_rewardable",
                                  action_type=kind.text())
        if not reward_kind:
            raise ValidationError("reward_kind", "error.reward_kind_required")
        if done is None:
            raise ValidationError("done_on", "error.reward_not_done")
    return {"action_type": kind.id, "pillar": pillar, "agreed_on": agreed, "done_on": done,
            "reward_kind": reward_kind, "reward_value": reward_value,
            "remarks": clean_free_text(data.remarks, "remarks", 2000)}


def _checked(participant: Participant, data: ActionInput) -> dict[str, object]:
    kind = _type_info(_find_type(participant.study_id, data.action_type_id))
    pillars = study_instrument(participant.study_id)[1].item_keys if data.pillar else ()
    return check_action(kind, pillars, as_date(participant.inclusion_date), data)


def add_action(participant_id: int, data: ActionInput) -> int:
    participant = find_participant(participant_id)
    if not is_participating(participant.status):
        raise ValidationError("participant", "error.not_participating", code=participant.code)
    fields = _checked(participant, data)
    with transaction():
        action = Action.create(participant=participant_id, entered_by=audit.current_user(),
                               **fields)
        audit.record("action", action.id, "insert",
                     {k: (None, v) for k, v in fields.items() if v not in (None, "")})
    return action.id


def update_action(action_id: int, data: ActionInput, expected_version: int | None = None) -> None:
    """Save changes; with expected_version, refuse if someone else saved in between."""
    with transaction():
        current = _find_action(action_id)
        fields = _checked(current.participant, data)
        update_versioned(current, "action", expected_version, fields,
                         lambda row: _stored_fields(row, fields), "agreed_on", _shown,
                         entered_by=audit.current_user())


def _stored_fields(action: Action, fields: Mapping[str, object]) -> dict[str, object]:
    stored = {key: getattr(action, key) for key in fields if key != "action_type"}
    stored["action_type"] = action.action_type_id
    stored["agreed_on"], stored["done_on"] = as_date(action.agreed_on), as_date(action.done_on)
    return stored


def _shown(fields: Mapping[str, object]) -> dict[str, object]:
    kind = ActionType.get_or_none(ActionType.id == fields["action_type"])
    return {**fields, "action_type": pick(json.loads(kind.label)) if kind else ""}


def delete_action(action_id: int, reason: object) -> None:
    """Move an action to the recycle bin: a lead's task, with a reason."""
    require_lead()
    reason = check_reason(reason)
    with transaction():
        current = _find_action(action_id)
        discard(current, Owner.participant(current.participant), reason,
                {"action_type": (current.action_type_id, None),
                 "agreed_on": (current.agreed_on, None)})


def _find_action(action_id: int) -> Action:
    action = Action.get_or_none(Action.id == action_id)
    if action is None:
        raise NotFoundError("error.action_missing", id=action_id)
    return action


def participant_actions(participant_id: int,
                        language: str | None = None) -> list[ActionRecord]:
    """The participant's actions, oldest agreement first."""
    query = (Action.select(Action, ActionType.id, ActionType.label, ActionType.rewardable)
             .join(ActionType).where(Action.participant == participant_id)
             .order_by(Action.agreed_on, Action.id))
    return [ActionRecord(a.id, a.participant_id, a.action_type_id,
                         pick(json.loads(a.action_type.label), language),
                         bool(a.action_type.rewardable), a.pillar, as_date(a.agreed_on),
                         as_date(a.done_on), a.reward_kind,
                         None if a.reward_value is None else Decimal(a.reward_value),
                         a.remarks, a.version)
            for a in query]


def action_rows(study_id: int, site_id: int | None = None) -> tuple[list[ActionTypeInfo],
                                                                    list[ActionRow]]:
    """The study's action types and every action with the participant's group, in one query;
    reading never writes (a study without types has no actions either)."""
    types = [_type_info(row) for row in ActionType.select()
             .where(ActionType.study == study_id).order_by(ActionType.position)]
    query = (Action.select(Participant.study_group, Participant.id, ActionType.key,
                           ActionType.rewardable, Action.agreed_on, Action.done_on,
                           Action.reward_kind)
             .join(ActionType).switch(Action).join(Participant)
             .where((Participant.study == study_id)
                    & Participant.status.in_(PARTICIPATING_STATUSES)))
    if site_id is not None:
        query = query.where(Participant.site == site_id)
    dates: dict[object, dt.date | None] = {}  # a study has a few hundred distinct dates

    def date(value: object) -> dt.date | None:
        if value not in dates:
            dates[value] = as_date(value)
        return dates[value]

    rows = [ActionRow(group, pid, key, bool(rewardable), date(agreed), date(done), bool(reward))
            for group, pid, key, rewardable, agreed, done, reward in database.execute(query)]
    return types, rows

