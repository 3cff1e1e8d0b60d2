"""The goal-action plans: each action through the actions service's own check (type, dates
after the inclusion and in order, the pillar, a reward only for a done rewardable action);
`rewardable` and `days` follow from the type and the dates, so they are not read."""

from __future__ import annotations

from desktop.models.errors import ValidationError
from desktop.models.schema import Action
from desktop.models.services import actions
from desktop.models.services.instrument_library import study_instrument
from desktop.models.services.participants import is_participating
from reports.workbook.importer.base import Run

READ = ("participant", "action_type", "pillar", "agreed_on", "done_on", "reward_kind",
        "reward_value", "remarks")


def _types(study_id: int) -> dict[str, actions.ActionTypeInfo]:
    """The study's action types by key; a study without any gets the template's, as the
    actions page gives it on first use."""
    return {kind.key: kind for kind in actions.action_types(study_id)}


def import_actions(run: Run) -> None:
    table = run.table("actions", READ)
    if table is None:
        return
    known = run.known
    study_id = known.study.id
    types: dict[str, actions.ActionTypeInfo] | None = None
    pillars = study_instrument(study_id)[1].item_keys
    rows: list[tuple] = []
    for row in table.rows():
        if types is None:
            types = _types(study_id)
        person = known.person(row["participant"])
        if person is None:
            table.refuse(row, "participant", ValidationError(
                "participant", "import.participant_unknown", code=row["participant"] or ""))
        elif person.status is not None and not is_participating(person.status):
            table.refuse(row, "participant", ValidationError(
                "participant", "error.not_participating", code=person.code))
        kind = types.get(str(row["action_type"]).strip()) if row["action_type"] else None
        if kind is None:
            table.refuse(row, "action_type", ValidationError(
                "action_type", "import.action_type_unknown", key=row["action_type"] or "",
                keys=", ".join(types) or "–"))
        if person is None or kind is None:
            continue
        try:
            fields = actions.check_action(kind, pillars, person.inclusion, actions.ActionInput(
                kind.id, row["agreed_on"], row["done_on"], str(row["pillar"] or ""),
                row["reward_kind"], row["reward_value"], row["remarks"]))
        except ValidationError as error:
            table.refuse(row, error.field if error.field in READ else "agreed_on", error)
            continue
        if run.store.writing:
            rows.append((run.store.reserve(Action), person.id, kind.id, fields["pillar"],
                         fields["agreed_on"], fields["done_on"], fields["reward_kind"],
                         fields["reward_value"], fields["remarks"], run.user, run.now))
    run.store.insert(Action, ("id", "participant", "action_type", "pillar", "agreed_on",
                              "done_on", "reward_kind", "reward_value", "remarks",
                              "entered_by", "entered_at"), rows)
    run.done(table)
