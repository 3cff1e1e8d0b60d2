"""What an import did, or why it did nothing: every refused cell by sheet, row, column and
reason (in the user's language), the notes (columns ignored, sheets not read) and the rows
imported per sheet — shown by the command line and written as CSV or as a workbook."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from desktop.i18n import tr
from desktop.models.errors import BrugmeterError
from desktop.models.files import write_atomically

MAX_LISTED = 100_000  # refused cells kept one by one; beyond that only counted
MAX_VALUE = 200  # characters of a refused value shown


@dataclass(frozen=True)
class Rejection:
    """A refused cell. `row` is Excel's row number (the header is row 1), 0 for the file as a
    whole; `column` the column's name in the header, `cell` its address ("C7")."""

    sheet: str
    row: int
    column: str
    cell: str
    value: str
    reason: str


@dataclass(frozen=True)
class Notice:
    """Something the import did not read, or read otherwise than it might seem."""

    sheet: str
    column: str
    text: str


def shown(value: object) -> str:
    """A cell's value as the report shows it."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE - 1] + "…"


@dataclass
class ImportReport:
    path: Path
    study_id: int | None = None  # set once the import is stored
    study_name: str = ""
    created: bool = False  # the study was created from the workbook
    rows: dict[str, int] = field(default_factory=dict)  # sheet → data rows imported
    rejected: list[Rejection] = field(default_factory=list)
    rejected_count: int = 0
    notices: list[Notice] = field(default_factory=list)
    _cells: set[tuple[str, int, str]] = field(default_factory=set, repr=False)

    @property
    def imported(self) -> bool:
        return self.study_id is not None and not self.rejected_count

    def reject(self, sheet: str, row: int, column: str, cell: str, value: object,
               reason: str) -> None:
        """Refuse a cell; a cell already refused keeps its first reason (one fault, one line)."""
        where = (sheet, row, cell or column)
        if where in self._cells:
            return
        self._cells.add(where)
        self.rejected_count += 1
        if len(self.rejected) < MAX_LISTED:
            self.rejected.append(Rejection(sheet, row, column, cell, shown(value), reason))

    def refuse(self, sheet: str, row: int, column: str, cell: str, value: object,
               error: BrugmeterError) -> None:
        self.reject(sheet, row, column, cell, value, error.message)

    def refuse_file(self, error: BrugmeterError) -> None:
        self.reject("", 0, "", "", "", error.message)

    def note(self, sheet: str, column: str, key: str, /, **params: object) -> None:
        notice = Notice(sheet, column, tr(key, **params))
        if notice not in self.notices:
            self.notices.append(notice)


def report_rows(report: ImportReport) -> list[list[object]]:
    """The report as a table: a header, then refused cells, notes and the rows imported."""
    rows: list[list[object]] = [[tr(f"import.report.{name}") for name in (
        "kind", "sheet", "row", "column", "cell", "value", "reason")]]
    refused, note, done = (tr(f"import.report.{kind}") for kind in ("refused", "note",
                                                                    "imported"))
    rows += [[refused, r.sheet, r.row or None, r.column, r.cell, r.value, r.reason]
             for r in report.rejected]
    if report.rejected_count > len(report.rejected):
        rows.append([refused, "", None, "", "", "", tr(
            "import.more_refused", count=report.rejected_count - len(report.rejected))])
    rows += [[note, n.sheet, None, n.column, "", "", n.text] for n in report.notices]
    if report.imported:
        rows += [[done, sheet, None, "", "", count, ""] for sheet, count in report.rows.items()]
    return rows


def _inert(value: object) -> object:
    """A CSV value Excel will not run as a formula (a refused "=HYPERLINK(…)" stays text)."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _cell_text(value: object) -> object:
    """A value a worksheet cell can hold: control characters (a refused cell may have held
    Excel's escape of one) written as that escape again, _x0001_, instead of failing."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub(lambda found: f"_x{ord(found.group()):04X}_", value)
    return value


def write_report(report: ImportReport, target: Path | str) -> Path:
    """The report as .csv (UTF-8 with a byte order mark, so Excel reads the accents) or, for
    any other name, as an .xlsx workbook; all or nothing."""
    target = Path(target)
    rows = report_rows(report)
    if target.suffix.lower() == ".csv":
        def write(temporary: Path) -> None:
            with open(temporary, "w", encoding="utf-8-sig", newline="") as handle:
                csv.writer(handle).writerows([_inert(v) for v in row] for row in rows)
    else:
        def write(temporary: Path) -> None:
            from openpyxl import Workbook
            from openpyxl.styles import Font

            book = Workbook()
            sheet = book.active
            sheet.title = tr("import.report.title")[:31]
            for number, row in enumerate(rows, start=1):
                for column, value in enumerate(row, start=1):
                    cell = sheet.cell(number, column, _cell_text(value))
                    if isinstance(value, str) and value.startswith("="):
                        cell.data_type = "s"  # a refused formula is shown, never run
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            sheet.freeze_panes = "A2"
            for letter, width in zip("ABCDEFG", (12, 22, 8, 20, 8, 30, 90), strict=True):
                sheet.column_dimensions[letter].width = width
            book.save(temporary)
    write_atomically(target, write)
    return target
