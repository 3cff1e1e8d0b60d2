"""A data sheet as the import reads it: found under the title the export gives it (or in its
numbered parts past Excel's row limit), its header matched by name to the columns the export
describes (reports/workbook/columns.py: one source of truth), and its rows as values by
column — with formulas, error values and merged cells refused on the way.

Columns are matched by name, in any order, whatever their case; a column the export does not
have is ignored and noted; a column the import reads and the sheet lacks is refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator, Sequence

from openpyxl.utils import get_column_letter

from desktop.i18n import tr
from desktop.models.errors import BrugmeterError
from reports.workbook.columns import TEXT, Column
from reports.workbook.importer.package import Cells, Package
from reports.workbook.importer.report import ImportReport
from reports.workbook.writer import _FORBIDDEN, _Run


def sheet_titles(names: Sequence[str]) -> dict[str, str]:
    """The title the export gives each data sheet: the writer's own rule (31 characters at
    most, none of []:*?/\\, no two alike), applied in the writer's order."""
    run = _Run(None, None, 1, None, None)  # type: ignore[arg-type] - titles only
    run.title("info")
    return {name: run.title(name) for name in names}


def part_titles(name: str, found: Collection[str]) -> list[str]:
    """The numbered parts (name_1, name_2, …) of a sheet split past Excel's row limit."""
    base, parts = name.translate(_FORBIDDEN), []
    while True:
        suffix = f"_{len(parts) + 1}"
        title = base[:31 - len(suffix)] + suffix
        if title not in found:
            return parts
        parts.append(title)


def astr(value: object) -> object:
    """A value in a text column as text: a code typed as a number stays its digits (7, not
    7.0); a date as yyyy-mm-dd."""
    if isinstance(value, str) or value is None:
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    return str(value)


class Row:
    """One data row: its sheet (part), Excel's row number and its non-empty values by
    column name."""

    __slots__ = ("number", "title", "values")

    def __init__(self, title: str, number: int, values: dict[str, object]) -> None:
        self.title = title
        self.number = number
        self.values = values

    def __getitem__(self, name: str) -> object:
        return self.values.get(name)


class Table:
    """A data sheet to read once, part after part; `ok` is False when its header cannot be
    read (then it yields no rows)."""

    def __init__(self, package: Package, report: ImportReport, name: str, titles: list[str],
                 columns: Sequence[Column], read: Collection[str],
                 tick: Callable[[int], None]) -> None:
        self.package = package
        self.report = report
        self.name = name
        self.titles = titles
        self.columns = {column.name.casefold(): column for column in columns}
        self.read = set(read)
        self._tick = tick
        self._letters: dict[str, dict[str, str]] = {}  # title → column name → letter
        self.count = 0  # data rows read
        self.ok = True

    @property
    def title(self) -> str:
        return self.titles[0]

    # -- refusing cells ---------------------------------------------------------------------
    def letter(self, title: str, column: str) -> str:
        return self._letters.get(title, {}).get(column, "")

    def refuse(self, row: Row, column: str, error: BrugmeterError,
               value: object = ...) -> None:
        """Refuse the cell of `row` in `column` (its value unless another is given)."""
        letter = self.letter(row.title, column)
        shown = row[column] if value is ... else value
        self.report.refuse(row.title, row.number, column,
                           f"{letter}{row.number}" if letter else "", shown, error)

    # -- reading ----------------------------------------------------------------------------
    def _header(self, title: str, number: int, cells: Cells) -> dict[int, Column] | None:
        found: dict[int, Column] = {}
        seen: dict[str, int] = {}
        for cell in cells:
            text = astr(cell["value"])
            if not isinstance(text, str) or not text.strip():
                continue
            letter = get_column_letter(cell["column"])
            column = self.columns.get(text.strip().casefold())
            if column is None:
                self.report.note(title, text.strip(), "import.column_ignored",
                                 column=text.strip(), cell=f"{letter}{number}")
                continue
            if column.name in seen:
                self.report.reject(title, number, column.name, f"{letter}{number}", text,
                                   tr("import.column_twice", column=column.name,
                                         first=seen[column.name]))
                self.ok = False
                continue
            seen[column.name] = cell["column"]
            found[cell["column"]] = column
        self._letters[title] = {column.name: get_column_letter(index)
                                for index, column in found.items()}
        for name in sorted(self.read - {column.name for column in found.values()},
                           key=list(self.columns).index):
            self.report.reject(title, number, name, "", "", tr("import.column_missing",
                                                                 column=name))
            self.ok = False
        return found if self.ok else None

    def rows(self) -> Iterator[Row]:
        for title in self.titles:
            header: dict[int, Column] | None = None
            # progress and cancel go by the rows parsed, empty ones too (see Package.rows)
            for number, cells in self.package.rows(title, self._tick):
                if header is None:
                    header = self._header(title, number, cells)
                    if header is None:
                        break
                    continue
                values = self._values(title, number, cells, header)
                if values:
                    self.count += 1
                    yield Row(title, number, values)
            if header is None and self.ok:  # a sheet without even a header row
                for name in sorted(self.read, key=list(self.columns).index):
                    self.report.reject(title, 1, name, "", "", tr("import.column_missing",
                                                                    column=name))
                self.ok = False
            for area in self.package.merged(title):
                self.report.reject(title, _first_row(area), "", area.split(":")[0], "",
                                   tr("import.merged", area=area))

    def _values(self, title: str, number: int, cells: Cells,
                header: dict[int, Column]) -> dict[str, object]:
        values: dict[str, object] = {}
        for cell in cells:
            value = cell["value"]
            if value is None:
                continue
            column = header.get(cell["column"])
            if column is None:
                continue
            kind = cell["data_type"]
            if kind == "s":
                if not value.strip():
                    continue
            elif kind == "f":
                self.report.reject(title, number, column.name,
                                   f"{get_column_letter(cell['column'])}{number}", value,
                                   tr("import.formula"))
                continue
            elif kind == "e":
                self.report.reject(title, number, column.name,
                                   f"{get_column_letter(cell['column'])}{number}", value,
                                   tr("import.error_value", value=value))
                continue
            values[column.name] = astr(value) if column.kind == TEXT else value
        return values


def _first_row(area: str) -> int:
    digits = "".join(ch for ch in area.split(":")[0] if ch.isdigit())
    return int(digits) if digits else 0
