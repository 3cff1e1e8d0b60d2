"""Filled-in instruments: per participant, moment and instrument one dated response holding a
value (or the reason it is missing) per item, stored as typed from the paper form.

The Bridge and every questionnaire go through here; reverse scoring and scale scores are
computed from these raw answers (desktop/models/scoring.py), never stored in their place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from desktop.models import audit
from desktop.models.database import transaction
from desktop.models.errors import NotFoundError, ValidationError
from desktop.models.instruments import InstrumentDefinition
from desktop.models.schema import (
    PARTICIPATING_STATUSES,
    Moment,
    Participant,
    Response,
    ResponseValue,
)
from desktop.models.services.conflicts import (
    ConflictError,
    claim_version,
    conflict,
    field_label,
    refuse_if_deleted,
)
from desktop.models.services.instrument_library import LinkedInstrument, linked_instrument
from desktop.models.services.participants import find_participant
from desktop.models.services.recycle_bin import Owner, check_reason, discard
from desktop.models.services.users import require_lead
from desktop.models.services.validation import as_date, parse_date, parse_level, require_past


@dataclass(frozen=True)
class StoredResponse:
    """A stored response: a value per item, or None with the reason it is missing."""

    response_id: int
    assessed_on: dt.date
    values: dict[str, int | None]
    missing: dict[str, str | None] = field(default_factory=dict)
    entered_by: str = ""
    version: int = 1


def check_answer(definition: InstrumentDefinition, item: str,
                 raw: object) -> tuple[int | None, str | None]:
    """A level, a missing reason, or (None, None) for a pillar left empty on purpose."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    if isinstance(raw, str) and raw.strip() in definition.missing_reason_keys:
        return None, raw.strip()
    noun = "level" if definition.kind == "bridge" else "answer"
    return parse_level(raw, item, definition.minimum, definition.maximum, noun), None


def check_item(definition: InstrumentDefinition, item: str) -> str:
    """An item (a Bridge pillar, a question) of the instrument, by key."""
    if item not in definition.item_keys:
        raise ValidationError(item, "error.item_unknown" if definition.kind == "bridge"
                              else "error.answer_unknown", item=item)
    return item


def check_filled(definition: InstrumentDefinition,
                 checked: Mapping[str, tuple[int | None, str | None]]) -> None:
    """A response holds something; a questionnaire every item, answered or with the reason it
    is missing (a Bridge pillar may stay empty: not every pillar is discussed every time)."""
    bridge = definition.kind == "bridge"
    if all(value is None and reason is None for value, reason in checked.values()):
        raise ValidationError(definition.item_keys[0],
                              "error.assessment_empty" if bridge else "error.answer_empty")
    if not bridge:
        for number, item in enumerate(definition.item_keys, start=1):
            value, reason = checked.get(item, (None, None))
            if value is None and reason is None:
                raise ValidationError(item, "error.item_unanswered", number=number)


def check_response_date(assessed_on: dt.date, inclusion: dt.date | None, position: int,
                        others: Iterable[tuple[int, str, dt.date | None]]) -> None:
    """The date of a response at the moment in `position`: not in the future, not before the
    inclusion, and in order with the participant's other responses on the instrument
    (`others`: their moment's position, name and date)."""
    require_past(assessed_on, "assessed_on")
    if inclusion and assessed_on < inclusion:
        raise ValidationError("assessed_on", "error.date_before_inclusion",
                              date=inclusion.isoformat())
    for other_position, name, other in others:
        if other_position < position and other and assessed_on < other:
            raise ValidationError("assessed_on", "error.date_before_moment", moment=name,
                                  date=other.isoformat())
        if other_position > position and other and assessed_on > other:
            raise ValidationError("assessed_on", "error.date_after_moment", moment=name,
                                  date=other.isoformat())


def _check_date(participant: Participant, moment: Moment, instrument_id: int,
                assessed_on: dt.date) -> None:
    others = (
        Response.select(Response.assessed_on, Moment.name, Moment.position)
        .join(Moment)
        .where((Response.participant == participant.id) & (Response.instrument == instrument_id)
               & (Response.moment != moment.id))
        .tuples()
    )
    check_response_date(assessed_on, as_date(participant.inclusion_date), moment.position,
                        ((position, name, parse_date(other, "assessed_on"))
                         for other, name, position in others))


def _stored(value: int | None, reason: str | None) -> str | None:
    if value is not None:
        return str(value)
    return f"missing:{reason}" if reason else None


def save_response(participant_id: int, moment_id: int, instrument_key: str,
                  assessed_on: object, answers: Mapping[str, object],
                  expected_version: int | None = None) -> int:
    """Check and store a whole response in one transaction; returns the response id.

    `answers` maps item keys to a value (int or digits), a missing-reason key, or None. A
    questionnaire needs every item answered or marked missing with a reason; a Bridge pillar
    may stay empty (not every pillar is discussed at every moment).
    """
    participant, linked = _instrument_of(participant_id, instrument_key)
    moment = Moment.get_or_none((Moment.id == moment_id) & (Moment.study == participant.study_id))
    if moment is None:
        raise NotFoundError("error.moment_missing", id=moment_id)
    if participant.status not in PARTICIPATING_STATUSES:
        raise ValidationError("participant", "error.not_participating", code=participant.code)
    instrument_id, definition = linked.id, linked.definition
    for item in sorted(set(answers) - set(definition.item_keys))[:1]:
        check_item(definition, item)
    date = parse_date(assessed_on, "assessed_on")
    if date is None:
        raise ValidationError("assessed_on", "error.date_required")
    checked = {item: check_answer(definition, item, answers.get(item))
               for item in definition.item_keys}
    check_filled(definition, checked)
    user = audit.current_user()
    with transaction():
        _check_date(participant, moment, instrument_id, date)
        response = Response.get_or_none((Response.participant == participant_id)
                                        & (Response.moment == moment_id)
                                        & (Response.instrument == instrument_id))
        if response is None:
            refuse_if_deleted(expected_version, "assessed_on")
            response = Response.create(participant=participant_id, moment=moment_id,
                                       instrument=instrument_id, assessed_on=date, entered_by=user)
            old_values: dict[str, str | None] = {}
            old_date = None
            action = "insert"
        else:
            old_values = _stored_answers(response.id)
            old_date = parse_date(response.assessed_on, "assessed_on")
            action = "update"
        new_values = {item: _stored(*answer) for item, answer in checked.items()}
        if action == "update" and expected_version not in (None, response.version):
            raise _conflict(response, definition, (date, new_values), (old_date, old_values))
        changes = {item: (old_values.get(item), new) for item, new in new_values.items()
                   if old_values.get(item) != new}
        if old_date != date:
            changes["assessed_on"] = (old_date, date)
        if action == "update" and not changes:
            return response.id
        if action == "update":
            # a verified form changed afterwards is checked against its second entry again
            reopened = {"verification": "to_resolve"} if response.verification == "verified" \
                else {}
            if not claim_version(Response, response.id, expected_version, assessed_on=date,
                                 entered_by=user,
                                 entered_at=dt.datetime.now().replace(microsecond=0),
                                 **reopened):
                stored = Response.get_by_id(response.id)
                raise _conflict(stored, definition, (date, new_values),
                                (parse_date(stored.assessed_on, "assessed_on"),
                                 _stored_answers(response.id)))
            ResponseValue.delete().where(ResponseValue.response == response.id).execute()
            if reopened:
                changes["verification"] = ("verified", "to_resolve")
        ResponseValue.insert_many([
            {"response": response.id, "item": item, "value": value, "missing_reason": reason}
            for item, (value, reason) in checked.items()
        ]).execute()
        audit.record("response", response.id, action, changes)
    return response.id


def _stored_answers(response_id: int) -> dict[str, str | None]:
    return {item: _stored(value, reason) for item, value, reason in ResponseValue.select(
        ResponseValue.item, ResponseValue.value, ResponseValue.missing_reason
    ).where(ResponseValue.response == response_id).tuples()}


Answers = tuple[dt.date | None, dict[str, str | None]]


def _conflict(stored: Response, definition: InstrumentDefinition, mine: Answers,
              theirs: Answers) -> ConflictError:
    """Both versions item by item, a missing answer by its reason's label."""
    reasons = {f"missing:{reason.key}": f"missing:{reason.text()}"
               for reason in definition.missing_reasons}

    def shown(answers: Answers) -> dict[str, object]:
        date, values = answers
        return {"assessed_on": date,
                **{item: reasons.get(str(value), value) for item, value in values.items()}}

    def label(key: str) -> str:
        return definition.item(key).text() if key in definition.item_keys else field_label(key)

    return conflict("assessed_on", "response", stored.id, stored.version, shown(mine),
                    shown(theirs), label)


def _instrument_of(participant_id: int,
                   instrument_key: str) -> tuple[Participant, LinkedInstrument]:
    """The participant and the instrument as the participant's study uses it."""
    participant = find_participant(participant_id)
    return participant, linked_instrument(participant.study_id, instrument_key)


def _response_row(participant_id: int, moment_id: int,
                  instrument_key: str) -> tuple[Response | None, InstrumentDefinition]:
    _, linked = _instrument_of(participant_id, instrument_key)
    response = Response.get_or_none((Response.participant == participant_id)
                                    & (Response.moment == moment_id)
                                    & (Response.instrument == linked.id))
    return response, linked.definition


def get_response(participant_id: int, moment_id: int,
                 instrument_key: str) -> StoredResponse | None:
    response, definition = _response_row(participant_id, moment_id, instrument_key)
    if response is None:
        return None
    values: dict[str, int | None] = dict.fromkeys(definition.item_keys)
    missing: dict[str, str | None] = {}
    for item, value, reason in ResponseValue.select(
        ResponseValue.item, ResponseValue.value, ResponseValue.missing_reason
    ).where(ResponseValue.response == response.id).tuples():
        values[item] = value
        if value is None:
            missing[item] = reason
    return StoredResponse(response.id, parse_date(response.assessed_on, "assessed_on"), values,
                          missing, response.entered_by, response.version)


def response_dates(participant_id: int, instrument_key: str) -> dict[int, dt.date]:
    """moment id → date of this participant's response on the instrument, for the moment tabs."""
    _, linked = _instrument_of(participant_id, instrument_key)
    return {
        moment_id: parse_date(assessed_on, "assessed_on")
        for moment_id, assessed_on in Response.select(Response.moment, Response.assessed_on)
        .where((Response.participant == participant_id) & (Response.instrument == linked.id))
        .tuples()
    }


def delete_response(participant_id: int, moment_id: int, instrument_key: str,
                    reason: object) -> None:
    """Move a response with its answers to the recycle bin: a lead's task, with a reason."""
    require_lead()
    reason = check_reason(reason)
    existing = get_response(participant_id, moment_id, instrument_key)
    if existing is None:
        return
    with transaction():
        response = Response.get_or_none(Response.id == existing.response_id)
        if response is None:  # deleted by someone else meanwhile
            return
        discard(response, Owner.participant(find_participant(participant_id)), reason,
                {item: (_stored(v, existing.missing.get(item)), None)
                 for item, v in existing.values.items()})
