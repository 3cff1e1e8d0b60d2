"""The study's stored records for the workbook, read with plain cursors in batches: an export
of 20,000 participants streams well over a million rows, where peewee model objects would
cost most of the time. Codes, not ids: the sheets join on participant and professional codes.

Placeholders only in WHERE clauses (as in services/progress.py), so PostgreSQL prepares these
as SQLite does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from desktop.models.schema import database
from desktop.models.services.validation import as_date

BATCH = 5000


def _cursor_rows(sql: str, params: tuple[object, ...]) -> Iterator[tuple]:
    cursor = database.obj.execute_sql(sql, params)
    try:
        while True:
            batch = cursor.fetchmany(BATCH)
            if not batch:
                return
            yield from batch
    finally:
        cursor.close()


def count(sql: str, params: tuple[object, ...]) -> int:
    return int(database.obj.execute_sql(sql, params).fetchone()[0] or 0)


def _sql(template: str) -> str:
    return template.format(p=database.obj.param)


class Dates:
    """Dates as the driver gives them (text in SQLite) turned into dates once per distinct
    value: a study has a few thousand distinct dates over hundreds of thousands of rows."""

    def __init__(self) -> None:
        self._seen: dict[object, dt.date | None] = {}

    def __call__(self, value: object) -> dt.date | None:
        found = self._seen.get(value, False)
        if found is False:
            found = self._seen[value] = as_date(value)
        return found  # type: ignore[return-value]


PARTICIPANTS = """
SELECT p.id, p.code, s.name, p.status, p.inclusion_date, p.study_group, p.remarks
FROM participant p LEFT JOIN site s ON s.id = p.site_id
WHERE p.study_id = {p}
ORDER BY p.code
"""


def participants(study_id: int) -> Iterator[tuple[int, str, str, str, dt.date | None, str, str]]:
    """(id, code, site, status, inclusion date, study group, remarks), by code."""
    dates = Dates()
    for pid, code, site, status, included, group, remarks in _cursor_rows(
            _sql(PARTICIPANTS), (study_id,)):
        yield pid, code, site or "", status, dates(included), group or "", remarks or ""


def participant_count(study_id: int) -> int:
    return count(_sql("SELECT COUNT(*) FROM participant WHERE study_id = {p}"), (study_id,))


RESPONSE_VALUES = """
SELECT r.id, r.participant_id, p.code, m.key, r.assessed_on, v.item, v.value, v.missing_reason
FROM response r
JOIN participant p ON p.id = r.participant_id
JOIN moment m ON m.id = r.moment_id
JOIN response_value v ON v.response_id = r.id
WHERE p.study_id = {p} AND r.instrument_id = {p}
"""
BY_CODE = "ORDER BY p.code, m.position, r.id, v.id"


def response_values(study_id: int, instrument_id: int, ordered: bool = True
                    ) -> Iterator[tuple[int, int, str, str, dt.date | None, str, int | None,
                                        str | None]]:
    """(response id, participant id, code, moment key, date, item, value, missing reason) of
    every answer on an instrument; `ordered`: by participant code and moment, within a
    response in the order the answers were stored (else in no order, which is cheaper)."""
    seen: dict[object, dt.date | None] = {}
    sql = _sql(RESPONSE_VALUES) + (BY_CODE if ordered else "")
    for rid, pid, code, moment, day, item, value, reason in _cursor_rows(
            sql, (study_id, instrument_id)):
        date = seen.get(day, False)
        if date is False:
            date = seen[day] = as_date(day)
        yield rid, pid, code, moment, date, item, value, reason


def response_value_count(study_id: int, instrument_id: int) -> int:
    return count(_sql("""
        SELECT COUNT(*) FROM response_value v
        JOIN response r ON r.id = v.response_id
        JOIN participant p ON p.id = r.participant_id
        WHERE p.study_id = {p} AND r.instrument_id = {p}"""), (study_id, instrument_id))


def response_count(study_id: int, instrument_id: int) -> int:
    return count(_sql("""
        SELECT COUNT(*) FROM response r JOIN participant p ON p.id = r.participant_id
        WHERE p.study_id = {p} AND r.instrument_id = {p}"""), (study_id, instrument_id))


ACTIONS = """
SELECT p.code, t.key, t.rewardable, a.pillar, a.agreed_on, a.done_on, a.reward_kind,
       a.reward_value, a.remarks
FROM action a
JOIN participant p ON p.id = a.participant_id
JOIN action_type t ON t.id = a.action_type_id
WHERE p.study_id = {p}
ORDER BY p.code, a.agreed_on, a.id
"""


def actions(study_id: int) -> Iterator[tuple[str, str, bool, str, dt.date | None,
                                             dt.date | None, str, Decimal | None, str]]:
    """(code, action type key, rewardable, pillar, agreed, done, reward kind, reward value,
    remarks) of every action, by participant code and date agreed."""
    dates = Dates()
    for code, kind, rewardable, pillar, agreed, done, reward, value, remarks in _cursor_rows(
            _sql(ACTIONS), (study_id,)):
        yield (code, kind, bool(rewardable), pillar or "", dates(agreed), dates(done),
               reward or "", None if value is None else Decimal(str(value)), remarks or "")


def action_count(study_id: int) -> int:
    return count(_sql("""
        SELECT COUNT(*) FROM action a JOIN participant p ON p.id = a.participant_id
        WHERE p.study_id = {p}"""), (study_id,))


def action_types(study_id: int) -> list[tuple[str, str, bool]]:
    """(key, label as stored JSON, rewardable) of the study's action types, in their order;
    reading never writes (the service would store the template's types on first use)."""
    return list(_cursor_rows(_sql(
        "SELECT key, label, rewardable FROM action_type WHERE study_id = {p} ORDER BY position"),
        (study_id,)))


PROFESSIONALS = """
SELECT pr.id, pr.code, pr.role, s.name, pr.organisation, pr.remarks, sr.id, sr.complete,
       sr.answered_on
FROM professional pr
LEFT JOIN site s ON s.id = pr.site_id
LEFT JOIN survey_response sr ON sr.professional_id = pr.id
WHERE pr.study_id = {p}
ORDER BY pr.code
"""


def professionals(study_id: int) -> Iterator[tuple[int, str, str, str, str, str, int | None,
                                                   bool | None, dt.date | None]]:
    """(id, code, role, site, organisation, remarks, survey response id, complete, answered
    on) of every professional, by code; the survey fields are None without a response."""
    dates = Dates()
    for pid, code, role, site, organisation, remarks, rid, complete, answered in _cursor_rows(
            _sql(PROFESSIONALS), (study_id,)):
        yield (pid, code, role or "", site or "", organisation or "", remarks or "", rid,
               None if rid is None else bool(complete), dates(answered))


SURVEY_ANSWERS = """
SELECT a.response_id, a.item, a.value
FROM survey_answer a
JOIN survey_response r ON r.id = a.response_id
JOIN survey s ON s.id = r.survey_id
WHERE s.study_id = {p}
"""


def survey_answers(study_id: int) -> dict[int, dict[str, int]]:
    """Survey response id → every answer by key (a study has at most a few hundred
    professionals, so this is small)."""
    answers: dict[int, dict[str, int]] = {}
    for rid, item, value in _cursor_rows(_sql(SURVEY_ANSWERS), (study_id,)):
        answers.setdefault(rid, {})[item] = value
    return answers
