"""Reading the audit trail: who changed what, filtered and paged for the window and the CLI,
streamed whole for the workbook. Entries name a table and a record id; each row read here says
in words what the record is and which participant or professional it belongs to, resolved
through the tables, or for a record since deleted through the trail's own values.

The trail of a large study holds millions of entries, so every read is newest first by id
(ids grow with time) in pages: the next page starts below the last id seen (keyset paging,
served by the indexes of schema v9), never by an OFFSET that rereads what came before.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import peewee as pw

from desktop.i18n import catalogue
from desktop.i18n import language as current_language
from desktop.models.schema import (
    Action,
    AuditEntry,
    Coding,
    DeletedRecord,
    Interview,
    Participant,
    Professional,
    Response,
    Study,
    SurveyResponse,
    database,
)

# The tables the services write entries for, in the order the filter offers them.
TRAIL_TABLES = ("participant", "response", "action", "interview", "coding", "professional",
                "survey_response", "study", "site", "moment", "instrument", "study_instrument",
                "survey", "action_type", "code_category", "code", "narrative", "user")
CHUNK = 2000  # entries resolved together when the whole trail is streamed
_CODE_FIELDS = ("code", "participant", "professional", "interview")  # for deleted records

Key = tuple[str, int]  # (table, record id)


@dataclass(frozen=True)
class TrailFilter:
    """What to show; None or empty means no filter on that. `until` is inclusive."""

    participant_id: int | None = None
    user: str | None = None
    table: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    text: str = ""
    study_id: int | None = None  # entries about the study's records (its own and binned)


@dataclass(frozen=True)
class TrailRow:
    """One entry as a person reads it."""

    id: int
    at: dt.datetime
    user: str
    table: str
    record_id: int
    action: str
    field: str
    old: str
    new: str
    owner: str  # the participant's or professional's code, "" when none or not known

    @property
    def what(self) -> str:
        """The kind of record in words, with its owner: "Bridge/questionnaire · AL-001"."""
        label = table_label(self.table)
        return f"{label} · {self.owner}" if self.owner else label

    @property
    def field_label(self) -> str:
        return _label("audit.field.", self.field)

    @property
    def action_label(self) -> str:
        return action_label(self.action)


@dataclass(frozen=True)
class TrailPage:
    rows: list[TrailRow]
    next_before: int | None  # pass as `before` for the next page; None: this was the last


def table_label(table: str, language: str | None = None) -> str:
    return _label("audit.table.", table, language)


def action_label(action: str, language: str | None = None) -> str:
    return _label("audit.action.", action, language)


def _label(prefix: str, name: str, language: str | None = None) -> str:
    """A catalogue word where there is one; a name the catalogue does not know shows as is."""
    return catalogue(language or current_language()).get(prefix + name, name) if name else ""


def table_choices() -> list[tuple[str, str]]:
    """(table, its name in words) for the filter."""
    return [(table, table_label(table)) for table in TRAIL_TABLES]


def trail_users() -> list[str]:
    """Everyone who made an entry, sorted; a loose index scan (one index probe per user), so
    millions of entries cost no more than their handful of users."""
    cursor = database.execute_sql(
        'WITH RECURSIVE names(name) AS (SELECT MIN("user") FROM audit_entry UNION ALL '
        'SELECT (SELECT MIN("user") FROM audit_entry WHERE "user" > names.name) FROM names '
        "WHERE names.name IS NOT NULL) SELECT name FROM names WHERE name IS NOT NULL")
    return [name for (name,) in cursor.fetchall()]


def browse(criteria: TrailFilter, limit: int = 200, before: int | None = None) -> TrailPage:
    """One page of entries matching `criteria`, newest first, below id `before` if given."""
    condition = _condition(criteria)
    if condition is None:
        return TrailPage([], None)
    if before is not None:
        condition &= AuditEntry.id < before
    query = (_columns().where(condition).order_by(AuditEntry.id.desc()).limit(limit + 1))
    entries = list(query.tuples())
    more = len(entries) > limit
    rows = _rows(entries[:limit])
    return TrailPage(rows, rows[-1].id if more and rows else None)


def entries(criteria: TrailFilter | None = None, newest_first: bool = False,
            limit: int | None = None) -> Iterator[TrailRow]:
    """Every matching entry (all of them without criteria), streamed in chunks of CHUNK,
    oldest first unless asked otherwise, at most `limit`."""
    condition = _condition(criteria or TrailFilter())
    if condition is None:
        return
    order = AuditEntry.id.desc() if newest_first else AuditEntry.id.asc()
    last: int | None = None
    left = limit
    while left is None or left > 0:
        size = CHUNK if left is None else min(CHUNK, left)
        step = condition
        if last is not None:
            step &= (AuditEntry.id < last) if newest_first else (AuditEntry.id > last)
        chunk = list(_columns().where(step).order_by(order).limit(size).tuples())
        if not chunk:
            return
        yield from _rows(chunk)
        last = chunk[-1][0]
        left = None if left is None else left - len(chunk)


def count_entries(criteria: TrailFilter | None = None) -> int:
    condition = _condition(criteria or TrailFilter())
    return 0 if condition is None else AuditEntry.select().where(condition).count()


def _columns() -> pw.Select:
    return AuditEntry.select(AuditEntry.id, AuditEntry.at, AuditEntry.user, AuditEntry.table,
                             AuditEntry.record_id, AuditEntry.action, AuditEntry.field,
                             AuditEntry.old_value, AuditEntry.new_value)


def _condition(criteria: TrailFilter) -> pw.Expression | None:
    """The WHERE of `criteria`; None when nothing can match (a participant with no entries)."""
    condition: pw.Expression = AuditEntry.id > 0  # every entry (ids start at 1)
    if criteria.participant_id is not None:
        about = _about(participant_records(criteria.participant_id))
        if about is None:
            return None
        condition &= about
    if criteria.study_id is not None:
        condition &= _about_study(criteria.study_id)
    if criteria.user:
        condition &= AuditEntry.user == criteria.user
    if criteria.table:
        condition &= AuditEntry.table == criteria.table
    if criteria.since is not None:
        condition &= AuditEntry.at >= dt.datetime.combine(criteria.since, dt.time())
    if criteria.until is not None:
        condition &= AuditEntry.at < dt.datetime.combine(
            criteria.until + dt.timedelta(days=1), dt.time())
    if text := criteria.text.strip():
        condition &= (AuditEntry.old_value.contains(text)
                      | AuditEntry.new_value.contains(text))
    return condition


def _about(records: dict[str, set[int]]) -> pw.Expression | None:
    condition = None
    for table, ids in records.items():
        if ids:
            part = (AuditEntry.table == table) & AuditEntry.record_id.in_(sorted(ids))
            condition = part if condition is None else condition | part
    return condition


def _about_study(study_id: int) -> pw.Expression:
    """Entries about a record of the study — there now (found through its keys to the study)
    or in the recycle bin — as subqueries, so a large study's ids never travel to Python."""
    from desktop.models.study_copy import study_models, study_record_ids

    condition = pw.Tuple(AuditEntry.table, AuditEntry.record_id).in_(
        DeletedRecord.select(DeletedRecord.table, DeletedRecord.record_id)
        .where(DeletedRecord.study == study_id))
    for model in study_models():
        condition |= ((AuditEntry.table == model._meta.table_name)
                      & AuditEntry.record_id.in_(study_record_ids(model, study_id)))
    return condition


def studies_in_database() -> int:
    return Study.select().count()


def participant_records(participant_id: int) -> dict[str, set[int]]:
    """The ids, per table, of the participant and everything that is theirs: responses,
    actions, interviews and the codings of those interviews — the records there now, those in
    the recycle bin, and interviews and codings since deleted whose entries name the
    participant or interview."""
    ids = _ids
    binned: dict[str, set[int]] = defaultdict(set)
    for table, record_id in (DeletedRecord.select(DeletedRecord.table, DeletedRecord.record_id)
                             .where(DeletedRecord.participant == participant_id).tuples()):
        binned[table].add(record_id)
    interviews = ids(Interview.select(Interview.id).where(Interview.participant == participant_id))
    interviews |= binned["interview"] | _recorded("interview", "participant", {participant_id})
    codings = ids(Coding.select(Coding.id).where(Coding.interview.in_(sorted(interviews))))
    codings |= _recorded("coding", "interview", interviews)
    return {
        "participant": {participant_id},
        "response": binned["response"] | ids(Response.select(Response.id)
                                             .where(Response.participant == participant_id)),
        "action": binned["action"] | ids(Action.select(Action.id)
                                         .where(Action.participant == participant_id)),
        "interview": interviews,
        "coding": codings,
    }


def _ids(query: pw.Select) -> set[int]:
    return {row_id for (row_id,) in query.tuples()}


def _recorded(table: str, field: str, values: set[int]) -> set[int]:
    """Records of `table` whose entries set `field` to one of `values` (e.g. the interviews
    recorded with this participant, the record itself perhaps deleted since)."""
    if not values:
        return set()
    return _ids(AuditEntry.select(AuditEntry.record_id).distinct().where(
        (AuditEntry.table == table) & (AuditEntry.field == field)
        & AuditEntry.new_value.in_([str(value) for value in sorted(values)])))


def _rows(entries: list[tuple]) -> list[TrailRow]:
    owners = owner_codes({(table, record_id) for _, _, _, table, record_id, *_ in entries})
    return [TrailRow(entry_id, _as_datetime(at), user, table, record_id, action, field,
                     old or "", new or "", owners.get((table, record_id), ""))
            for entry_id, at, user, table, record_id, action, field, old, new in entries]


def _as_datetime(value: object) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def owner_codes(keys: Iterable[Key]) -> dict[Key, str]:
    """The code of the participant or professional each record belongs to, found through the
    tables; for records gone from them, through the recycle bin or what their own entries
    recorded."""
    keys = set(keys)
    wanted: dict[str, set[int]] = defaultdict(set)
    for table, record_id in keys:
        wanted[table].add(record_id)
    parent = _parents(wanted)
    ends = {}
    for key in keys:
        owner = key
        while owner in parent:  # coding → interview → participant or professional
            owner = parent[owner]
        ends[key] = owner
    people: dict[str, set[int]] = defaultdict(set)
    for table, record_id in ends.values():
        if table in ("participant", "professional"):
            people[table].add(record_id)
    codes = _codes(people)
    codes |= _binned_codes({end for end in ends.values()
                            if end not in codes and end[0] in _BINNED_TABLES})
    return {key: code for key, end in ends.items() if (code := codes.get(end))}


_BINNED_TABLES = ("response", "action", "interview", "survey_response", "professional")


def _binned_codes(keys: set[Key]) -> dict[Key, str]:
    """The owner's code of deleted records waiting in the recycle bin."""
    found: dict[Key, str] = {}
    by_table: dict[str, set[int]] = defaultdict(set)
    for table, record_id in keys:
        by_table[table].add(record_id)
    for table, ids in by_table.items():
        found |= {(table, record_id): code for record_id, code in (
            DeletedRecord.select(DeletedRecord.record_id, DeletedRecord.code)
            .where((DeletedRecord.table == table) & DeletedRecord.record_id.in_(sorted(ids))
                   & (DeletedRecord.code != "")).tuples())}
    return found


# (table, the column naming its owner): a record's owner one step up.
_OWNER_COLUMNS = (("response", Response.participant), ("action", Action.participant),
                  ("survey_response", SurveyResponse.professional),
                  ("coding", Coding.interview))


def _parents(wanted: dict[str, set[int]]) -> dict[Key, Key]:
    """Each record's owner one step up, as (table, id): from the tables, else from the trail
    (a deleted interview or coding recorded whose it was when it was added)."""
    parent: dict[Key, Key] = {}
    for table, column in _OWNER_COLUMNS:
        ids = wanted.get(table)
        if not ids:
            continue
        owner_table = column.rel_model._meta.table_name
        model = column.model
        for record_id, owner_id in (model.select(model.id, column)
                                    .where(model.id.in_(sorted(ids))).tuples()):
            parent[(table, record_id)] = (owner_table, owner_id)
    parent |= _from_trail({("coding", record_id) for record_id in wanted.get("coding", ())}
                          - parent.keys(), ("interview",))
    interviews = wanted.get("interview", set()) | {
        owner_id for owner_table, owner_id in parent.values() if owner_table == "interview"}
    return parent | _interview_owners(interviews)


def _interview_owners(ids: set[int]) -> dict[Key, Key]:
    if not ids:
        return {}
    found: dict[Key, Key] = {}
    for record_id, person, professional in (
            Interview.select(Interview.id, Interview.participant, Interview.professional)
            .where(Interview.id.in_(sorted(ids))).tuples()):
        found[("interview", record_id)] = (("participant", person) if person is not None
                                           else ("professional", professional))
    return found | _from_trail({("interview", record_id) for record_id in ids} - found.keys(),
                               ("participant", "professional"))


def _from_trail(keys: set[Key], fields: tuple[str, ...]) -> dict[Key, Key]:
    found: dict[Key, Key] = {}
    for key, field, value in _recorded_values(keys):
        if field in fields and value.isdigit():
            found.setdefault(key, (field, int(value)))
    return found


def _recorded_values(keys: set[Key]) -> Iterator[tuple[Key, str, str]]:
    """What the entries of these records set their linking fields to (or, for a field only
    recorded when the record was deleted, what it held)."""
    by_table: dict[str, set[int]] = defaultdict(set)
    for table, record_id in keys:
        by_table[table].add(record_id)
    for table, ids in by_table.items():
        query = (AuditEntry.select(AuditEntry.record_id, AuditEntry.field, AuditEntry.old_value,
                                   AuditEntry.new_value)
                 .where((AuditEntry.table == table) & AuditEntry.record_id.in_(sorted(ids))
                        & AuditEntry.field.in_(_CODE_FIELDS))
                 .order_by(AuditEntry.id))
        for record_id, field, old, new in query.tuples():
            if value := (new or old):
                yield (table, record_id), field, str(value)


def _codes(people: dict[str, set[int]]) -> dict[Key, str]:
    codes: dict[Key, str] = {}
    for table, model in (("participant", Participant), ("professional", Professional)):
        ids = people.get(table, set())
        if not ids:
            continue
        codes.update({(table, record_id): code for record_id, code in
                      model.select(model.id, model.code).where(model.id.in_(sorted(ids)))
                      .tuples()})
        gone = {(table, record_id) for record_id in ids if (table, record_id) not in codes}
        for key, field, value in _recorded_values(gone):
            if field == "code":
                codes[key] = value  # the newest recorded code wins (entries in id order)
    return codes

