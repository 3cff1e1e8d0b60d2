"""The answers: the Bridge and each questionnaire in long format (participant × moment × item),
and the professionals' survey (professional × item). Each cell goes through the responses' and
the survey's own checks; then each response as a whole — its date against the inclusion and
the other moments, a questionnaire answered or marked missing item by item, a ranking without
doubles or gaps — as the forms check it before they save."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial
from typing import NoReturn

from desktop.models.errors import ValidationError
from desktop.models.instruments import InstrumentDefinition
from desktop.models.schema import Response, ResponseValue, SurveyAnswer, SurveyResponse
from desktop.models.services import surveys
from desktop.models.services.instrument_library import LinkedInstrument
from desktop.models.services.participants import is_participating
from desktop.models.services.responses import (
    check_answer,
    check_filled,
    check_item,
    check_response_date,
)
from desktop.models.services.validation import parse_date
from desktop.models.surveys import SurveyDefinition
from reports.workbook.importer.base import REFUSED, Memo, Run, checked
from reports.workbook.importer.state import Colleague, Person
from reports.workbook.importer.tables import Row, Table

REFUSED_ANSWER = (-1, None, 0)  # an answer whose cell was refused: it counts as given
BATCH = 50_000  # answers written at a time


@dataclass
class Pending:
    """A response gathered from its rows: item → (value, reason, row number)."""

    person: Person
    moment_id: int
    position: int
    moment_name: str
    title: str
    first: int  # the row it starts on
    date: dt.date | None = None
    date_row: int = 0
    items: dict[str, tuple[int | None, str | None, int]] = field(default_factory=dict)


def _at(title: str, number: int) -> Row:
    """A row to point a refusal at once the sheet has been read (its values are gone)."""
    return Row(title, number, {})


def _answer(table: Table, row: Row, definition: InstrumentDefinition, check: Memo,
            value_column: str) -> object:
    """(value, reason) from the value and missing-reason cells, or REFUSED; `check` is the
    responses' check of an answer to the row's item."""
    value, reason = row[value_column], row["missing_reason"]
    if value is not None and reason is not None:
        table.refuse(row, "missing_reason", ValidationError("missing_reason",
                                                            "import.value_and_reason"))
        return REFUSED
    if reason is not None:
        key = str(reason).strip()
        if key not in definition.missing_reason_keys:
            table.refuse(row, "missing_reason", ValidationError(
                "missing_reason", "import.reason_unknown", reason=key,
                reasons=", ".join(definition.missing_reason_keys) or "–"))
            return REFUSED
        return None, key
    return checked(table, row, value_column, check)


def import_responses(run: Run, name: str, instrument_id: int, definition: InstrumentDefinition,
                     item_column: str, value_column: str) -> None:
    """One instrument's long sheet (`bridge` or `q_<key>`)."""
    table = run.table(name, ("participant", "moment", "date", item_column, value_column,
                             "missing_reason"))
    if table is None:
        return
    known = run.known
    moments = ", ".join(known.moments)
    pending: dict[tuple[int, int], Pending] = {}
    item_check = Memo(lambda raw: check_item(definition, str(raw).strip()) if raw is not None
                      else _required(item_column))
    answer_checks = {key: Memo(partial(check_answer, definition, key))
                     for key in definition.item_keys}
    date_check = Memo(lambda raw: parse_date(raw, "assessed_on"))
    code, person = object(), None  # a sheet by participant: look each up once
    for row in table.rows():
        if row["participant"] != code:
            code = row["participant"]
            person = known.person(code)
        if person is None:
            table.refuse(row, "participant", ValidationError(
                "participant", "import.participant_unknown", code=code or ""))
        moment = known.moments.get(str(row["moment"]).strip()) if row["moment"] else None
        if moment is None:
            table.refuse(row, "moment", ValidationError("moment", "import.moment_unknown",
                                                        moment=row["moment"] or "",
                                                        moments=moments))
        item = checked(table, row, item_column, item_check)
        answer = _answer(table, row, definition, answer_checks[item], value_column) \
            if item is not REFUSED else REFUSED
        date = checked(table, row, "date", date_check)
        if person is None or moment is None or item is REFUSED:
            continue
        entry = pending.get((person.id, moment.id))
        if entry is None:
            entry = pending[person.id, moment.id] = Pending(
                person, moment.id, moment.position, moment.name, row.title, row.number)
        if item in entry.items:
            table.refuse(row, item_column, ValidationError(item_column, "import.row_twice",
                                                           row=entry.items[item][2]))
            continue
        entry.items[item] = (*answer, row.number) if answer is not REFUSED else REFUSED_ANSWER
        if date is not REFUSED and date is not None:
            if entry.date is None:
                entry.date, entry.date_row = date, row.number
            elif date != entry.date:
                table.refuse(row, "date", ValidationError(
                    "date", "import.date_differs", row=entry.date_row,
                    date=entry.date.isoformat()))
    _store_responses(run, table, pending, instrument_id, definition, item_column)
    run.done(table)


def _required(column: str) -> NoReturn:
    raise ValidationError(column, "error.required")


def _store_responses(run: Run, table: Table, pending: dict[tuple[int, int], Pending],
                     instrument_id: int, definition: InstrumentDefinition,
                     item_column: str) -> None:
    """Check each response as a whole, then write them and their answers (a batch at a
    time, so the rows to write never pile up)."""
    stored = run.known.stored_responses(instrument_id)
    by_person: dict[int, list[Pending]] = {}
    for entry in pending.values():
        by_person.setdefault(entry.person.id, []).append(entry)
    keys = definition.item_keys
    responses: list[tuple] = []
    values: list[tuple] = []
    for entry in pending.values():
        first = _at(entry.title, entry.first)
        person = entry.person
        earlier = stored.get(person.id, [])
        if any(position == entry.position for position, _, _ in earlier):
            table.refuse(first, "moment", ValidationError("moment", "import.response_stored",
                                                          code=person.code,
                                                          moment=entry.moment_name), "")
            continue
        if person.status is not None and not is_participating(person.status):
            table.refuse(first, "participant", ValidationError(
                "participant", "error.not_participating", code=person.code), person.code)
        given = {item: entry.items.get(item, (None, None, 0))[:2] for item in keys}
        try:
            check_filled(definition, given)
        except ValidationError as error:
            number = entry.items.get(error.field, (None, None, entry.first))[2] or entry.first
            table.refuse(_at(entry.title, number), item_column, error, error.field)
        if entry.date is None:
            table.refuse(first, "date", ValidationError("date", "error.date_required"), "")
            continue
        others = [(p, n, d) for p, n, d in earlier] + [
            (other.position, other.moment_name, other.date) for other in by_person[person.id]
            if other is not entry]
        try:
            check_response_date(entry.date, person.inclusion, entry.position, others)
        except ValidationError as error:
            table.refuse(_at(entry.title, entry.date_row), "date", error, entry.date)
        if not run.store.writing:
            continue
        rid = run.store.reserve(Response)
        responses.append((rid, person.id, entry.moment_id, instrument_id, entry.date,
                          run.user, run.now))
        values += [(rid, item, *given[item]) for item in keys]
        if len(values) >= BATCH:
            _write_responses(run, responses, values)
    _write_responses(run, responses, values)


def _write_responses(run: Run, responses: list[tuple], values: list[tuple]) -> None:
    run.store.insert(Response, ("id", "participant", "moment", "instrument", "assessed_on",
                                "entered_by", "entered_at"), responses)
    run.store.insert(ResponseValue, ("response", "item", "value", "missing_reason"), values)
    responses.clear()
    values.clear()


def import_questionnaires(run: Run, questionnaires: list[LinkedInstrument]) -> None:
    for linked in questionnaires:
        import_responses(run, f"q_{linked.definition.key}", linked.id, linked.definition,
                         "item", "value")


# -- the professionals' survey ---------------------------------------------------------------
@dataclass
class Given:
    colleague: Colleague
    title: str
    first: int
    items: dict[str, tuple[object, int]] = field(default_factory=dict)  # key → raw, row


def import_survey(run: Run) -> None:
    table = run.table("survey", ("professional", "item", "value"))
    if table is None:
        return
    known = run.known
    given: dict[int, Given] = {}
    for row in table.rows():
        colleague = known.colleague(row["professional"])
        if colleague is None:
            table.refuse(row, "professional", ValidationError(
                "professional", "import.professional_unknown", code=row["professional"] or ""))
        key = checked(table, row, "item", lambda raw: str(raw).strip() if raw is not None
                      else _required("item"))
        if colleague is None or key is REFUSED or row["value"] is None:
            continue
        entry = given.setdefault(colleague.id, Given(colleague, row.title, row.number))
        if key in entry.items:
            table.refuse(row, "item", ValidationError("item", "import.row_twice",
                                                      row=entry.items[key][1]))
            continue
        entry.items[key] = (row["value"], row.number)
    if given or any(c.answered_row is not None for c in known.professionals.values()):
        definition = surveys.study_survey(known.study.id)
        _store_survey(run, table, given, definition.id, definition.definition)
    run.done(table)


def _check_parts(table: Table, entry: Given, definition: SurveyDefinition
                 ) -> dict[str, int] | None:
    """Every answer checked by its part's rules, cell by cell, then the ranking as a whole;
    None when a cell was refused."""
    ranks: dict[str, object] = {}
    values: dict[str, int] = {}
    refused = False
    checks = {**dict.fromkeys(definition.element_keys, "ranking"),
              **dict.fromkeys(definition.likert_keys, "likert"),
              **dict.fromkeys(definition.step_keys, "fidelity")}
    for key, (raw, number) in entry.items.items():
        row = _at(entry.title, number)
        part = checks.get(key)
        try:
            if part is None:
                raise ValidationError("item", "error.answer_unknown", item=key)
            if part == "ranking":
                ranks[key] = surveys.check_rank(definition, key, raw)
            elif part == "likert":
                values.update(surveys.check_likert(definition, {key: raw}))
            else:
                values.update(surveys.check_fidelity(definition, {key: raw}))
        except ValidationError as error:
            table.refuse(row, "item" if part is None else "value", error,
                         key if part is None else raw)
            refused = True
    if not refused and ranks:
        try:
            values.update(surveys.check_ranking(definition, ranks)[0])
        except ValidationError as error:
            raw, number = entry.items.get(error.field, (None, entry.first))
            table.refuse(_at(entry.title, number), "value", error, raw)
            refused = True
    return None if refused else values


def _store_survey(run: Run, table: Table, given: dict[int, Given], survey_id: int,
                  definition: SurveyDefinition) -> None:
    responses: list[tuple] = []
    answers: list[tuple] = []
    for entry in given.values():
        colleague = entry.colleague
        if colleague.surveyed:
            table.refuse(_at(entry.title, entry.first), "professional", ValidationError(
                "professional", "import.survey_stored", code=colleague.code), colleague.code)
            continue
        values = _check_parts(table, entry, definition)
        if values is None or not run.store.writing:
            continue
        rid = run.store.reserve(SurveyResponse)
        responses.append((rid, survey_id, colleague.id, colleague.answered_on,
                          surveys.is_complete(definition, values), run.user, run.now))
        answers += [(rid, key, value) for key, value in values.items()]
    for colleague in run.known.professionals.values():
        row = colleague.answered_row
        if isinstance(row, Row) and colleague.id not in given and not colleague.surveyed:
            run.tables.get("professionals", table).refuse(
                row, "answered_on", ValidationError("answered_on", "error.survey_empty"))
    run.store.insert(SurveyResponse, ("id", "survey", "professional", "answered_on", "complete",
                                      "entered_by", "entered_at"), responses)
    run.store.insert(SurveyAnswer, ("response", "item", "value"), answers)
