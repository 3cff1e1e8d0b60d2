"""What every sheet's import shares: the open workbook, the report, the study's known records,
the bulk writer, and small helpers to run a service's check on a cell."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from desktop.models.errors import ValidationError
from desktop.models.services.validation import parse_count
from reports.workbook.columns import Sheet
from reports.workbook.importer.package import Package
from reports.workbook.importer.report import ImportReport
from reports.workbook.importer.state import Known, Store
from reports.workbook.importer.tables import Row, Table


class Refused:
    """A cell whose check failed (and was reported): its value is unknown."""

    def __repr__(self) -> str:
        return "REFUSED"


REFUSED = Refused()


@dataclass
class Run:
    package: Package
    report: ImportReport
    known: Known
    store: Store
    sheets: dict[str, Sheet]  # the export's data sheets, by name
    located: dict[str, list[str]]  # sheet name → its title(s) in the workbook
    tick: Callable[[int], None]
    user: str
    now: dt.datetime
    tables: dict[str, Table] = field(default_factory=dict)  # the sheets read, by name

    def table(self, name: str, read: Sequence[str]) -> Table | None:
        """The sheet to read, or None where it is not in the workbook (already reported)."""
        titles = self.located.get(name)
        if not titles:
            return None
        table = self.tables[name] = Table(self.package, self.report, name, titles,
                                          self.sheets[name].columns, read, self.tick)
        return table

    def done(self, table: Table) -> None:
        self.report.rows[table.name] = table.count


class Memo:
    """A service's check of a single value, run once per distinct value: a long sheet repeats
    a few items, moments, answers and dates hundreds of thousands of times, and such a check
    depends on the value alone. A refusal is remembered as its reason and raised anew."""

    def __init__(self, check: Callable[[object], object]) -> None:
        self.check = check
        self.seen: dict[tuple[type, object], object] = {}

    def __call__(self, raw: object) -> object:
        key = (type(raw), raw)  # 1, 1.0 and True are one key to a dict, not to a check
        found = self.seen.get(key, self)
        if found is self:
            try:
                found = self.check(raw)
            except ValidationError as error:
                found = _Refusal(error.field, error.key, error.params)
            self.seen[key] = found
        if isinstance(found, _Refusal):
            raise ValidationError(found.field, found.key, **found.params)
        return found


@dataclass(frozen=True)
class _Refusal:
    field: str
    key: str
    params: dict[str, object]


def checked(table: Table, row: Row, column: str, check: Callable[[object], object],
            raw: object = ...) -> object:
    """The service's check of the cell (or of `raw`): its value, or REFUSED (reported)."""
    try:
        return check(row[column] if raw is ... else raw)
    except ValidationError as error:
        table.refuse(row, column, error)
        return REFUSED


def whole_number(table: Table, row: Row, column: str, required: bool = True) -> int | None:
    """A positive whole number in the cell (a workbook's own numbering: interview, part)."""
    try:
        value = parse_count(row[column], column, "import.whole_number")
        if value is None and required:
            raise ValidationError(column, "error.required")
        if value is not None and value < 1:
            raise ValidationError(column, "import.whole_number")
    except ValidationError as error:
        table.refuse(row, column, error)
        return None
    return value
