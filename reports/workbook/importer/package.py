"""The file to import: first what kind of file it is, so that anything but an .xlsx workbook
gets a clear word (another kind of file, an old .xls, a password-protected workbook); then its
sheets, read row by row in openpyxl's read-only mode, each cell with its type, so formulas,
error values and merged cells can be refused where they are.

The sheets are parsed with openpyxl's own WorkSheetParser (what its read-only worksheets use)
rather than their padded rows: a sheet's stated size is not trusted, formulas stay visible as
formulas, and the merged ranges come with the rows.
"""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import coordinate_to_tuple
from openpyxl.worksheet._reader import (
    FORMULA_TAG,
    INLINE_STRING,
    VALUE_TAG,
    WorkSheetParser,
    _cast_number,
)
from openpyxl.xml.constants import SHEET_MAIN_NS

from desktop.models.errors import BrugmeterError

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: .xls, or an encrypted .xlsx
ENCRYPTED = "EncryptionInfo".encode("utf-16-le")  # the stream an encrypted OOXML file holds
WORKBOOK_TYPES = (b"spreadsheetml.sheet.main", b"spreadsheetml.template.main",
                  b"ms-excel.sheet.macroEnabled.main")
SCAN_BYTES = 64 << 20  # how much of a compound file is searched for its encryption stream

Cells = list[dict[str, Any]]  # openpyxl's parsed cells: column, value, data_type, …
_TEXT = f"{{{SHEET_MAIN_NS}}}t"
_RUN = f"{{{SHEET_MAIN_NS}}}r"
_DIGITS = "0123456789"
_FAST = ("n", "s", "inlineStr", "b")  # the cell types parsed here; others by openpyxl


class WorkbookFileError(BrugmeterError):
    """The file is not a workbook the import can read; nothing was read from it."""


def _kind_of(path: Path) -> None:
    """Refuse what is not an .xlsx package, saying what it is."""
    if not path.exists():
        raise WorkbookFileError("import.file_missing", file=path)
    if path.is_dir():
        raise WorkbookFileError("import.file_folder", file=path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(OLE))
            if head == OLE:
                handle.seek(0)
                encrypted = ENCRYPTED in handle.read(SCAN_BYTES)
                raise WorkbookFileError("import.encrypted" if encrypted else "import.old_xls",
                                  file=path.name)
    except OSError as error:
        raise WorkbookFileError("import.unreadable", file=path.name,
                          problem=error.strerror or str(error)) from None
    if not zipfile.is_zipfile(path):
        raise WorkbookFileError("import.not_zip", file=path.name)
    try:
        with zipfile.ZipFile(path) as archive:
            types = archive.read("[Content_Types].xml")
    except KeyError:
        raise WorkbookFileError("import.not_workbook", file=path.name) from None
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError) as error:
        raise WorkbookFileError("import.unreadable", file=path.name, problem=str(error)) from None
    if not any(kind in types for kind in WORKBOOK_TYPES):
        raise WorkbookFileError("import.not_workbook", file=path.name)


class _Parser(WorkSheetParser):
    """openpyxl's parser, faster on the cells a data sheet is made of: inline strings (what
    Brugmeter's export writes) read straight from their text elements, where openpyxl builds a
    rich-text object per cell; a cell's column from a cache of column letters; each distinct
    date serial converted once. Formulas, errors and the rarer types go to openpyxl's own
    parse_cell."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._columns: dict[str, int] = {}
        self._dates: dict[str, Any] = {}

    def _position(self, element: Any) -> tuple[int, int]:
        coordinate = element.get("r")
        if not coordinate:
            self.col_counter += 1
            return self.row_counter, self.col_counter
        letters = coordinate.rstrip(_DIGITS)
        column = self._columns.get(letters)
        if column is None:
            column = self._columns[letters] = coordinate_to_tuple(f"{letters}1")[1]
        self.col_counter = column
        return int(coordinate[len(letters):]), column

    def parse_cell(self, element: Any) -> dict[str, Any]:
        kind = element.get("t", "n")
        if kind not in _FAST or element.find(FORMULA_TAG) is not None:
            return super().parse_cell(element)
        style = element.get("s")
        style_id = int(style) if style else 0
        if kind == "inlineStr":
            text = element.find(INLINE_STRING)
            row, column = self._position(element)
            if text is None:
                return {"row": row, "column": column, "value": None, "data_type": kind,
                        "style_id": style_id}
            plain = text.find(_TEXT)
            value = plain.text or "" if plain is not None else ""
            if text.find(_RUN) is not None:  # rich text: the runs' texts, as openpyxl joins
                value += "".join(part.text or "" for run in text.iterfind(_RUN)
                                 for part in run.iterfind(_TEXT))
            return {"row": row, "column": column, "value": value, "data_type": "s",
                    "style_id": style_id}
        raw = element.findtext(VALUE_TAG)
        if kind == "n" and raw and style_id in self.date_formats:
            value = self._dates.get(raw)
            if value is None:
                cell = super().parse_cell(element)
                if cell["data_type"] == "d":
                    self._dates[raw] = cell["value"]
                return cell
            row, column = self._position(element)
            return {"row": row, "column": column, "value": value, "data_type": "d",
                    "style_id": style_id}
        row, column = self._position(element)
        if not raw:
            value = None
        elif kind == "n":
            value = _cast_number(raw)
        elif kind == "s":
            value = self.shared_strings[int(raw)]
        else:
            value = bool(int(raw))
        return {"row": row, "column": column, "value": value, "data_type": kind,
                "style_id": style_id}


class Package:
    """An open workbook, read sheet by sheet; close it (or use `with`) when done."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        _kind_of(self.path)
        try:
            with warnings.catch_warnings():  # extensions openpyxl skips are not our concern
                warnings.simplefilter("ignore")
                self.book = load_workbook(self.path, read_only=True, data_only=False,
                                          keep_links=False)
        except Exception as error:  # noqa: BLE001 - any fault of a foreign file is its own
            raise WorkbookFileError("import.unreadable", file=self.path.name,
                              problem=str(error) or type(error).__name__) from None
        self.titles: list[str] = list(self.book.sheetnames)
        self._merged: dict[str, list[str]] = {}

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.book.close()

    def size(self, title: str) -> int:
        """The rows the sheet says it has (for progress only: it may be wrong or missing)."""
        return self.book[title].max_row or 0

    def rows(self, title: str) -> Iterator[tuple[int, Cells]]:
        """(row number, cells) of each row that has cells; afterwards `merged(title)` holds
        the sheet's merged ranges. A damaged sheet raises WorkbookFileError."""
        sheet = self.book[title]
        try:
            with sheet._get_source() as source:  # openpyxl's own reading of a read-only sheet
                parser = _Parser(source, sheet._shared_strings, data_only=False,
                                 epoch=self.book.epoch, date_formats=self.book._date_formats,
                                 timedelta_formats=self.book._timedelta_formats)
                yield from parser.parse()
                merged = parser.merged_cells
        except BrugmeterError:
            raise
        except Exception as error:  # noqa: BLE001 - damaged XML, a broken zip member, …
            raise WorkbookFileError("import.sheet_unreadable", file=self.path.name, sheet=title,
                              problem=str(error) or type(error).__name__) from None
        self._merged[title] = [str(cell.ref) for cell in merged.mergeCell] if merged else []

    def merged(self, title: str) -> list[str]:
        return self._merged.get(title, [])
