"""What the sheets refer to while they are read — the study's participants, professionals,
moments, sites, codes and interviews, those already stored and those the workbook adds — and
the bulk writer that stores the workbook's rows.

Rows are written with their ids chosen up front (as the demo study is written), so a later
sheet can point at a row of an earlier one; once any cell has been refused nothing more is
written, and the transaction around the whole import is rolled back at the end."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import peewee as pw

from desktop.models.schema import (
    Interview,
    Moment,
    Participant,
    Professional,
    Response,
    SurveyResponse,
    database,
)
from desktop.models.services.codebook import codebook
from desktop.models.services.studies import MomentInfo, StudyInfo, get_study
from desktop.models.services.validation import as_date
from reports.workbook.importer.report import ImportReport

CHUNK = 10_000  # rows per executemany


@dataclass
class Person:
    """A participant the sheets may name: its id, and what the checks of its responses and
    actions need (None where its own cell was refused)."""

    id: int
    code: str
    status: str | None
    inclusion: dt.date | None


@dataclass
class Colleague:
    """A professional the sheets may name."""

    id: int
    code: str
    surveyed: bool  # has a stored survey response
    answered_on: dt.date | None = None
    answered_row: object = None  # the professionals sheet's row giving answered_on


@dataclass
class Known:
    """The study as the sheets see it; the sheets add to it as they are read."""

    study: StudyInfo
    sites: dict[str, int]  # casefolded name → id
    moments: dict[str, MomentInfo]  # key → moment
    participants: dict[str, Person]  # lower-case code → participant
    professionals: dict[str, Colleague]  # lower-case code → professional
    codes: dict[str, int]  # lower-case name → code id
    categories: dict[tuple[str, ...], int]  # names from the top → id
    # interview number → (id, transcript length); None for a number that is no interview
    interviews: dict[int, tuple[int, int] | None] = field(default_factory=dict)
    stored_interviews: set[int] = field(default_factory=set)  # ids of stored interviews named
    _responses: dict[int, dict[int, list[tuple[int, str, dt.date | None]]]] = field(
        default_factory=dict)

    @classmethod
    def load(cls, study_id: int) -> Known:
        study = get_study(study_id)
        people = {code.lower(): Person(pid, code, status, as_date(included))
                  for pid, code, status, included in Participant.select(
                      Participant.id, Participant.code, Participant.status,
                      Participant.inclusion_date)
                  .where(Participant.study == study_id).tuples().iterator()}
        surveyed = {pid for (pid,) in SurveyResponse.select(SurveyResponse.professional)
                    .join(Professional).where(Professional.study == study_id).tuples()}
        colleagues = {code.lower(): Colleague(pid, code, pid in surveyed)
                      for pid, code in Professional.select(Professional.id, Professional.code)
                      .where(Professional.study == study_id).tuples()}
        book = codebook(study_id)
        parents = {category.id: (category.parent_id, category.name)
                   for category in book.categories}

        def path(category_id: int | None) -> tuple[str, ...]:
            names: list[str] = []
            while category_id in parents:
                category_id, name = parents[category_id]
                names.insert(0, name)
            return tuple(names)

        return cls(study, {site.name.casefold(): site.id for site in study.sites},
                   {moment.key: moment for moment in study.moments}, people, colleagues,
                   {code.name.lower(): code.id for code in book.codes},
                   {path(category.id): category.id for category in book.categories})

    def person(self, code: object) -> Person | None:
        return self.participants.get(str(code).strip().lower()) if code is not None else None

    def colleague(self, code: object) -> Colleague | None:
        return self.professionals.get(str(code).strip().lower()) if code is not None else None

    def stored_responses(self, instrument_id: int
                         ) -> dict[int, list[tuple[int, str, dt.date | None]]]:
        """participant id → (moment position, moment name, date) of the responses stored on
        the instrument, read once."""
        found = self._responses.get(instrument_id)
        if found is None:
            found = self._responses[instrument_id] = {}
            for pid, position, name, day in (
                    Response.select(Response.participant, Moment.position, Moment.name,
                                    Response.assessed_on)
                    .join(Moment).switch(Response).join(Participant)
                    .where((Participant.study == self.study.id)
                           & (Response.instrument == instrument_id)).tuples().iterator()):
                found.setdefault(pid, []).append((position, name, as_date(day)))
        return found

    def stored_interview(self, number: int) -> tuple[int, int] | None:
        """(id, transcript length) of a stored interview of the study with this id."""
        row = (Interview.select(Interview.id, pw.fn.LENGTH(Interview.transcript).coerce(False))
               .where((Interview.id == number) & (Interview.study == self.study.id))
               .tuples().first())
        if row is None:
            return None
        self.stored_interviews.add(row[0])
        return row[0], row[1]


class Store:
    """Writes rows in bulk; stops writing as soon as the report holds a refused cell."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self._next: dict[type[pw.Model], int] = {}

    @property
    def writing(self) -> bool:
        return not self.report.rejected_count

    def reserve(self, model: type[pw.Model], count: int = 1) -> int:
        """The first of `count` new ids for `model`'s rows."""
        first = self._next.get(model)
        if first is None:
            if isinstance(database.obj, pw.PostgresqlDatabase):  # a colleague's insert waits
                database.obj.execute_sql(  # till the import commits: our ids stay ours
                    f'LOCK TABLE "{model._meta.table_name}" IN EXCLUSIVE MODE')
            first = (model.select(pw.fn.MAX(model.id)).scalar() or 0) + 1
        self._next[model] = first + count
        return first

    def claim(self, model: type[pw.Model], highest: int) -> None:
        """Ids up to `highest` are taken by rows written with ids of their own."""
        self._next[model] = max(self.reserve(model, 0), highest + 1)

    def insert(self, model: type[pw.Model], fields: tuple[str, ...],
               rows: list[tuple]) -> None:
        """Rows of plain values (ints, texts, dates, decimals) in `fields`' order, written by
        the driver's executemany: peewee's insert_many would spend most of an import building
        its SQL, a row at a time."""
        if not rows or not self.writing:
            return
        db = database.obj
        # the model's defaults (version 1, …) are peewee's, not the table's: give them here
        defaults = {name: field.default() if callable(field.default) else field.default
                    for name, field in model._meta.fields.items()
                    if name not in fields and field.default is not None}
        extra = tuple(defaults.values())
        names = [*fields, *defaults]
        columns = ", ".join(f'"{model._meta.fields[name].column_name}"' for name in names)
        sql = (f'INSERT INTO "{model._meta.table_name}" ({columns}) '
               f'VALUES ({", ".join([db.param] * len(names))})')
        with pw.__exception_wrapper__:  # driver errors as peewee's, as execute_sql gives them
            cursor = db.cursor()
            for start in range(0, len(rows), CHUNK):
                chunk = rows[start:start + CHUNK]
                cursor.executemany(sql, [row + extra for row in chunk] if extra else chunk)

    def finish(self) -> None:
        """On PostgreSQL, move each table's id sequence past the ids written here."""
        if not isinstance(database.obj, pw.PostgresqlDatabase):
            return
        for model in self._next:
            table = model._meta.table_name
            database.obj.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))")
