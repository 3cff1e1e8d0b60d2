"""Double data entry of paper forms, as EpiData and REDCap do it: a second assistant types a
form that was entered once again, blind, and the two entries are compared field by field.

The second entry is stored apart (SecondEntry) and never changes the response by itself. When
both agree on the date and every item the response becomes "verified"; otherwise it is "to
resolve" until someone chooses, per difference, the first value, the second or the one on the
paper — each choice audited, the response then saved through save_response's own checks and
version. The second assistant is given nothing of the first entry before their own is saved,
and whoever wrote the first entry may not type the second.

Agreement per assistant counts, over their double-entered forms, the fields (the date and each
item) both entries agreed on — as counted when the second entry was saved, so a later
resolution or correction does not change it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from peewee import JOIN, fn

from desktop.models import audit
from desktop.models.database import transaction
from desktop.models.errors import NotFoundError, ValidationError
from desktop.models.instruments import InstrumentDefinition
from desktop.models.schema import (
    AuditEntry,
    Instrument,
    Moment,
    Participant,
    Response,
    ResponseValue,
    SecondEntry,
    SecondEntryValue,
)
from desktop.models.services import responses
from desktop.models.services.conflicts import display, field_label
from desktop.models.services.instrument_library import (
    linked_instrument,
    study_instrument,
    study_questionnaires,
)
from desktop.models.services.participants import find_participant
from desktop.models.services.validation import parse_date, require_past

SINGLE, TO_RESOLVE, VERIFIED = "single", "to_resolve", "verified"  # Response.verification
DATE_FIELD = "assessed_on"
WaitingState = Literal["second_entry", "resolution"]
Role = Literal["first", "second"]


@dataclass(frozen=True)
class BlankForm:
    """What the second assistant is given to type on: which form, and nothing of its values."""

    response_id: int
    code: str
    moment: str
    title: str


@dataclass(frozen=True)
class Difference:
    """A field the two entries disagree on: stored values ("3", "missing:<reason>", an ISO
    date or None) and as the forms show them."""

    field: str
    label: str
    first: str | None
    second: str | None
    first_shown: str
    second_shown: str


@dataclass(frozen=True)
class Comparison:
    """Both entries of one form side by side (only once the second is stored)."""

    response_id: int
    participant_id: int
    moment_id: int
    instrument_key: str
    code: str
    moment: str
    title: str
    first_by: str
    second_by: str
    version: int  # the response's version the differences were read from
    verification: str
    differences: tuple[Difference, ...]


@dataclass(frozen=True)
class SecondEntryResult:
    second_entry_id: int
    response_id: int
    fields: int
    agreed: int

    @property
    def verified(self) -> bool:
        return self.fields == self.agreed


@dataclass(frozen=True)
class WaitingForm:
    """A form still waiting for its second entry, or for its differences to be resolved."""

    response_id: int
    participant_id: int
    code: str
    moment_id: int
    moment: str
    instrument_key: str
    title: str
    first_by: str
    state: WaitingState


@dataclass(frozen=True)
class WaitingCount:
    """How many forms of one instrument, moment and first typist wait, and for what."""

    title: str
    moment: str
    first_by: str
    second_entry: int
    resolution: int


@dataclass(frozen=True)
class Agreement:
    """One assistant's double-entered forms as first or as second typist."""

    assistant: str
    role: Role
    forms: int
    fields: int
    agreed: int

    @property
    def rate(self) -> float:
        return self.agreed / self.fields if self.fields else 0.0


# starting and saving a second entry ---------------------------------------------------------
def _response(participant_id: int, moment_id: int,
              instrument_key: str) -> tuple[Response, InstrumentDefinition]:
    participant = find_participant(participant_id)
    linked = linked_instrument(participant.study_id, instrument_key)
    response = Response.get_or_none((Response.participant == participant_id)
                                    & (Response.moment == moment_id)
                                    & (Response.instrument == linked.id))
    if response is None:
        raise ValidationError("general", "double_entry.error.no_first_entry",
                              code=participant.code)
    return response, linked.definition


def first_entry_writers(response: Response) -> set[str]:
    """Everyone who has typed into the first entry: who saved it last and whoever the audit
    trail names for it. Each of them has seen its values, so none may enter it blind."""
    writers = set(AuditEntry.select(AuditEntry.user).where(
        (AuditEntry.table == "response") & (AuditEntry.record_id == response.id)
        & AuditEntry.action.in_(("insert", "update"))).scalars())
    return writers | {response.entered_by}


def _check_may_enter(response: Response) -> None:
    existing = SecondEntry.get_or_none(SecondEntry.response == response.id)
    if existing is not None:
        raise ValidationError("general", "double_entry.error.already_entered",
                              user=existing.entered_by,
                              date=display(_as_datetime(existing.entered_at)))
    user = audit.current_user()
    if user in first_entry_writers(response):
        raise ValidationError("general", "double_entry.error.same_assistant", user=user)


def start_second_entry(participant_id: int, moment_id: int, instrument_key: str) -> BlankForm:
    """May the current user type this form a second time? A BlankForm if so — holding no
    value and no date of the first entry — else a ValidationError saying why not."""
    response, definition = _response(participant_id, moment_id, instrument_key)
    _check_may_enter(response)
    return BlankForm(response.id, response.participant.code, response.moment.name,
                     definition.title())


def save_second_entry(participant_id: int, moment_id: int, instrument_key: str,
                      assessed_on: object, answers: Mapping[str, object]) -> SecondEntryResult:
    """Check the second entry as a first one is checked, store it apart and compare: all
    agreeing marks the response verified, else to resolve (both audited)."""
    response, definition = _response(participant_id, moment_id, instrument_key)
    for item in sorted(set(answers) - set(definition.item_keys))[:1]:
        responses.check_item(definition, item)
    date = parse_date(assessed_on, DATE_FIELD)
    if date is None:
        raise ValidationError(DATE_FIELD, "error.date_required")
    require_past(date, DATE_FIELD)
    checked = {item: responses.check_answer(definition, item, answers.get(item))
               for item in definition.item_keys}
    responses.check_filled(definition, checked)
    second = {item: _stored(*answer) for item, answer in checked.items()}
    with transaction():
        response = Response.get_by_id(response.id)  # as it is now, inside the lock
        _check_may_enter(response)
        first = _first_fields(response)
        mine = {DATE_FIELD: date.isoformat(), **second}
        agreed = sum(first.get(field) == value for field, value in mine.items())
        entry = SecondEntry.create(response=response.id, assessed_on=date,
                                   entered_by=audit.current_user(),
                                   first_entered_by=response.entered_by, fields=len(mine),
                                   agreed=agreed)
        SecondEntryValue.insert_many([
            {"second_entry": entry.id, "item": item, "value": value, "missing_reason": reason}
            for item, (value, reason) in checked.items()]).execute()
        audit.record("response", response.id, "second",
                     {field: (None, value) for field, value in mine.items()})
        state = VERIFIED if agreed == len(mine) else TO_RESOLVE
        _mark(response, state)
    return SecondEntryResult(entry.id, response.id, len(mine), agreed)


def _mark(response: Response, state: str) -> None:
    """The response's verification state, audited; its version stays (no value changed). The
    UPDATE holds only while the version read is still stored: a first entry changed by a save
    in between can no longer be called verified, so it is left to resolve."""
    if response.verification == state:
        return
    if not Response.update(verification=state).where(
            (Response.id == response.id) & (Response.version == response.version)).execute():
        state = TO_RESOLVE
        Response.update(verification=state).where(Response.id == response.id).execute()
    audit.record("response", response.id, "update",
                 {"verification": (response.verification, state)})


def _stored(value: int | None, reason: str | None) -> str | None:
    if value is not None:
        return str(value)
    return f"missing:{reason}" if reason else None


def _first_fields(response: Response) -> dict[str, str | None]:
    values = {item: _stored(value, reason) for item, value, reason in ResponseValue.select(
        ResponseValue.item, ResponseValue.value, ResponseValue.missing_reason
    ).where(ResponseValue.response == response.id).tuples()}
    return {DATE_FIELD: _iso(response.assessed_on), **values}


def _second_fields(entry: SecondEntry) -> dict[str, str | None]:
    values = {item: _stored(value, reason) for item, value, reason in SecondEntryValue.select(
        SecondEntryValue.item, SecondEntryValue.value, SecondEntryValue.missing_reason
    ).where(SecondEntryValue.second_entry == entry.id).tuples()}
    return {DATE_FIELD: _iso(entry.assessed_on), **values}


def _iso(value: object) -> str | None:
    date = parse_date(value, DATE_FIELD)
    return date.isoformat() if date else None


def _as_datetime(value: object) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


# comparing and resolving --------------------------------------------------------------------
def compare(response_id: int) -> Comparison:
    """Every field the two entries disagree on, in the form's order (date first). Only once a
    second entry is stored: before that the first entry's values are nobody's business here."""
    response = Response.get_or_none(Response.id == response_id)
    entry = SecondEntry.get_or_none(SecondEntry.response == response_id)
    if response is None or entry is None:
        raise NotFoundError("double_entry.error.no_second_entry", id=response_id)
    definition = _definition_of(response)
    first, second = _first_fields(response), _second_fields(entry)
    reasons = {f"missing:{reason.key}": f"missing:{reason.text()}"
               for reason in definition.missing_reasons}

    def shown(field: str, value: str | None) -> str:
        if field == DATE_FIELD:
            return display(parse_date(value, DATE_FIELD))
        return display(reasons.get(str(value), value))

    differences = tuple(
        Difference(field, _label(definition, field), first.get(field), second.get(field),
                   shown(field, first.get(field)), shown(field, second.get(field)))
        for field in (DATE_FIELD, *definition.item_keys)
        if first.get(field) != second.get(field))
    return Comparison(response.id, response.participant_id, response.moment_id,
                      definition.key, response.participant.code, response.moment.name,
                      definition.title(), entry.first_entered_by, entry.entered_by,
                      response.version, response.verification, differences)


def _definition_of(response: Response) -> InstrumentDefinition:
    instrument = Instrument.get_by_id(response.instrument_id)
    return linked_instrument(response.participant.study_id, instrument.key).definition


def _label(definition: InstrumentDefinition, field: str) -> str:
    return definition.item(field).text() if field in definition.item_keys else field_label(field)


def resolve(response_id: int, chosen: Mapping[str, object],
            expected_version: int | None = None) -> int:
    """Store the response with, for every difference, the value chosen (as typed: the first
    entry's, the second's, or the one on the paper; a missing-reason key; None for empty) and
    mark it verified. Each choice is audited with both entries' values and who typed them;
    the save goes through save_response, so its checks and the version apply."""
    comparison = compare(response_id)
    for difference in comparison.differences:
        if difference.field not in chosen:
            raise ValidationError(difference.field, "double_entry.error.unresolved",
                                  label=difference.label)
    first = _first_fields(Response.get_by_id(response_id))
    answers: dict[str, object] = {field: _typed(value) for field, value in first.items()}
    answers.update((d.field, chosen[d.field]) for d in comparison.differences)
    with transaction():
        responses.save_response(comparison.participant_id, comparison.moment_id,
                                comparison.instrument_key, answers.pop(DATE_FIELD), answers,
                                expected_version=expected_version)
        response = Response.get_by_id(response_id)
        stored = _first_fields(response)
        audit.record("response", response_id, "resolve", {
            d.field: (f"first={d.first or '-'} ({comparison.first_by}); "
                      f"second={d.second or '-'} ({comparison.second_by})",
                      stored.get(d.field))
            for d in comparison.differences})
        SecondEntry.update(resolved_by=audit.current_user(),
                           resolved_at=dt.datetime.now().replace(microsecond=0)).where(
            SecondEntry.response == response_id).execute()
        _mark(response, VERIFIED)
    return response_id


def _typed(stored: str | None) -> object:
    """A stored field as save_response takes it: "missing:x" → "x"; a value stays as text."""
    if stored is not None and stored.startswith("missing:"):
        return stored.removeprefix("missing:")
    return stored


def state_of(participant_id: int, moment_id: int,
             instrument_key: str) -> tuple[int, str] | None:
    """The response's id and double-entry state (single, to_resolve, verified); None when
    there is no response."""
    participant = find_participant(participant_id)
    linked = linked_instrument(participant.study_id, instrument_key)
    return (Response.select(Response.id, Response.verification)
            .where((Response.participant == participant_id) & (Response.moment == moment_id)
                   & (Response.instrument == linked.id)).tuples().first())


# lists and figures ---------------------------------------------------------------------------
def _titles(study_id: int) -> dict[int, InstrumentDefinition]:
    found: dict[int, InstrumentDefinition] = {}
    try:
        instrument_id, bridge = study_instrument(study_id, "bridge")
        found[instrument_id] = bridge
    except NotFoundError:
        pass
    found.update((linked.id, linked.definition) for linked in study_questionnaires(study_id))
    return found


def waiting_forms(study_id: int) -> list[WaitingForm]:
    """Forms of the study entered once (waiting for a second entry) or with differences not
    yet resolved, by instrument, moment and code."""
    definitions = _titles(study_id)
    query = (Response.select(Response.id, Response.participant, Participant.code,
                             Response.moment, Moment.name, Moment.position, Response.instrument,
                             Response.entered_by, Response.verification,
                             SecondEntry.first_entered_by)
             .join(Participant).switch(Response).join(Moment).switch(Response)
             .join(SecondEntry, JOIN.LEFT_OUTER)
             .where((Participant.study == study_id)
                    & Response.instrument.in_(list(definitions))
                    & (Response.verification != VERIFIED))
             .tuples())
    rows = []
    for (response_id, pid, code, moment_id, moment, position, instrument_id, entered_by,
         state, first_by) in query:
        definition = definitions[instrument_id]
        rows.append((list(definitions).index(instrument_id), position, code, WaitingForm(
            response_id, pid, code, moment_id, moment, definition.key, definition.title(),
            first_by or entered_by, "resolution" if state == TO_RESOLVE else "second_entry")))
    return [form for *_, form in sorted(rows, key=lambda row: row[:3])]


def waiting_summary(study_id: int) -> list[WaitingCount]:
    """The waiting forms counted per instrument, moment and first typist, in that order."""
    counts: dict[tuple[str, str], dict[str, dict[str, int]]] = {}  # (title, moment) → typist
    for form in waiting_forms(study_id):  # in instrument and moment order
        typists = counts.setdefault((form.title, form.moment), {})
        typists.setdefault(form.first_by, {"second_entry": 0, "resolution": 0})[form.state] += 1
    return [WaitingCount(title, moment, first_by, found["second_entry"], found["resolution"])
            for (title, moment), typists in counts.items()
            for first_by, found in sorted(typists.items())]


def in_use(study_id: int) -> bool:
    """Does the study enter forms twice: has any of its forms a second entry?"""
    return (SecondEntry.select(SecondEntry.id).join(Response).join(Participant)
            .where(Participant.study == study_id).exists())


def agreement(study_id: int) -> list[Agreement]:
    """Per assistant, as first and as second typist: forms, fields compared, fields agreed."""
    found: list[Agreement] = []
    for role, column in (("first", SecondEntry.first_entered_by),
                         ("second", SecondEntry.entered_by)):
        query = (SecondEntry.select(column, fn.COUNT(SecondEntry.id), fn.SUM(SecondEntry.fields),
                                    fn.SUM(SecondEntry.agreed))
                 .join(Response).join(Participant)
                 .where(Participant.study == study_id)
                 .group_by(column).order_by(column).tuples())
        found += [Agreement(name, role, forms, int(fields), int(agreed))
                  for name, forms, fields, agreed in query]
    return found
