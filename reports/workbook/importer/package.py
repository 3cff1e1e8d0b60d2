"""The file to import: first what kind of file it is, so that anything but an .xlsx workbook
gets a clear word (another kind of file, an old .xls, a password-protected workbook); then its
sheets, read row by row in openpyxl's read-only mode, each cell with its type, so formulas,
error values and merged cells can be refused where they are.

The sheets are parsed with openpyxl's own WorkSheetParser (what its read-only worksheets use)
rather than their padded rows: a sheet's stated size is not trusted, formulas stay visible as
formulas, and the merged ranges come with the rows.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.chartsheet import Chartsheet
from openpyxl.packaging.manifest import Manifest
from openpyxl.utils import coordinate_to_tuple
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import (
    FORMULA_TAG,
    INLINE_STRING,
    VALUE_TAG,
    WorkSheetParser,
    _cast_number,
)
from openpyxl.xml.constants import ARC_CONTENT_TYPES, SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import fromstring, iterparse

from desktop.models.errors import BrugmeterError

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: .xls, or an encrypted .xlsx
ENCRYPTED = "EncryptionInfo".encode("utf-16-le")  # the stream an encrypted OOXML file holds
WORKBOOK_TYPES = (b"spreadsheetml.sheet.main", b"spreadsheetml.template.main",
                  b"ms-excel.sheet.macroEnabled.main")
SCAN_BYTES = 64 << 20  # how much of a compound file is searched for its encryption stream

Cells = list[dict[str, Any]]  # openpyxl's parsed cells: column, value, data_type, …
_TEXT = f"{{{SHEET_MAIN_NS}}}t"
_RUN = f"{{{SHEET_MAIN_NS}}}r"
_STRING = f"{{{SHEET_MAIN_NS}}}si"
_DIGITS = "0123456789"
_FAST = ("n", "s", "inlineStr", "b")  # the cell types parsed here; others by openpyxl
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")  # Excel's escape of a character: _x000D_ is \r
_SURROGATE = re.compile("[\ud800-\udfff]")
TICK_ROWS = 2000  # rows parsed (empty ones too) between two calls of `rows`' tick


def unescape(text: str) -> str:
    """A text as Excel means it: its escapes _xHHHH_ as the characters (Excel saves a carriage
    return as _x000D_, and text typed as "_x0041_" as _x005F_x0041_); openpyxl leaves them."""
    if "_x" not in text:
        return text
    text = _ESCAPE.sub(lambda found: chr(int(found[1], 16)), text)
    if _SURROGATE.search(text):  # a character past U+FFFF escaped as its UTF-16 pair
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


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


def _text(element: Any) -> str:
    """The text of an inline string or a shared string: its plain text, or its rich-text runs'
    texts joined (as openpyxl joins them; phonetic runs left out)."""
    plain = element.find(_TEXT)
    value = plain.text or "" if plain is not None else ""
    if element.find(_RUN) is not None:
        value += "".join(part.text or "" for run in element.iterfind(_RUN)
                         for part in run.iterfind(_TEXT))
    return value


def _shared_strings(archive: zipfile.ZipFile) -> list[str] | None:
    """The workbook's shared strings, unescaped, or None when it has none. openpyxl's own
    reading half-undoes the escapes (it drops every "x005F_", so "_x005F_x0041_", typed text
    "_x0041_", becomes "_x0041_" and can no longer be told from an "A")."""
    manifest = Manifest.from_tree(fromstring(archive.read(ARC_CONTENT_TYPES)))
    part = manifest.find(SHARED_STRINGS)
    if part is None:
        return None
    strings: list[str] = []
    with archive.open(part.PartName[1:]) as source:
        for _, element in iterparse(source):
            if element.tag == _STRING:
                strings.append(unescape(_text(element)))
                element.clear()
    return strings


class _Parser(WorkSheetParser):
    """openpyxl's parser, faster on the cells a data sheet is made of: inline strings (what
    Brugmeter's export writes) read straight from their text elements, where openpyxl builds a
    rich-text object per cell; a cell's column from a cache of column letters; each distinct
    date serial converted once. Formulas, errors and the rarer types go to openpyxl's own
    parse_cell. Texts come with Excel's escapes undone (`unescape`; the shared strings are
    given unescaped). Rows keep no dimensions: a sheet formatted down to row 1,048,576 would
    hold a dict per row."""

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

    def parse_row(self, row: Any) -> tuple[int, Cells]:
        """openpyxl's parse_row, without keeping the row's dimensions (height, style)."""
        number = row.get("r")
        if number:
            try:
                self.row_counter = int(number)
            except ValueError:
                value = float(number)
                if not value.is_integer():
                    raise ValueError(f"{number} is not a valid row number") from None
                self.row_counter = int(value)
        else:
            self.row_counter += 1
        self.col_counter = 0
        return self.row_counter, [self.parse_cell(element) for element in row]

    def parse_cell(self, element: Any) -> dict[str, Any]:
        kind = element.get("t", "n")
        if kind not in _FAST or element.find(FORMULA_TAG) is not None:
            cell = super().parse_cell(element)
            if kind == "str" and cell["data_type"] == "s" and isinstance(cell["value"], str):
                cell["value"] = unescape(cell["value"])
            return cell
        style = element.get("s")
        style_id = int(style) if style else 0
        if kind == "inlineStr":
            text = element.find(INLINE_STRING)
            row, column = self._position(element)
            if text is None:
                return {"row": row, "column": column, "value": None, "data_type": kind,
                        "style_id": style_id}
            return {"row": row, "column": column, "value": unescape(_text(text)),
                    "data_type": "s", "style_id": style_id}
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
                with zipfile.ZipFile(self.path) as archive:
                    strings = _shared_strings(archive)
        except Exception as error:  # noqa: BLE001 - any fault of a foreign file is its own
            raise WorkbookFileError("import.unreadable", file=self.path.name,
                              problem=str(error) or type(error).__name__) from None
        if strings is not None:  # every read-only sheet holds the reader's one list
            for sheet in self.book.worksheets:
                if isinstance(sheet, ReadOnlyWorksheet):
                    sheet._shared_strings[:] = strings  # openpyxl's reading replaced
                    break
        self.titles: list[str] = list(self.book.sheetnames)  # chart sheets too: no rows
        self._merged: dict[str, list[str]] = {}

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.book.close()

    def size(self, title: str) -> int:
        """The rows the sheet says it has (for progress only: it may be wrong or missing)."""
        sheet = self.book[title]
        return 0 if isinstance(sheet, Chartsheet) else sheet.max_row or 0

    def rows(self, title: str, tick: Callable[[int], None] | None = None
             ) -> Iterator[tuple[int, Cells]]:
        """(row number, cells) of each row that has cells; afterwards `merged(title)` holds
        the sheet's merged ranges. A chart sheet has no rows. `tick(n)` is called after every
        TICK_ROWS rows parsed, empty ones too (a sheet formatted down to Excel's last row is a
        million of them), and with the rest at the end: it may raise to stop the reading.
        A damaged sheet raises WorkbookFileError."""
        sheet = self.book[title]
        if isinstance(sheet, Chartsheet):  # a chart on a sheet of its own: no cells to read
            self._merged[title] = []
            return
        parsed = 0
        try:
            source = sheet._get_source()  # openpyxl's own reading of a read-only sheet
        except Exception as error:  # noqa: BLE001 - a missing or broken zip member
            raise self._damaged(title, error) from None
        with source:
            parser = _Parser(source, sheet._shared_strings, data_only=False,
                             epoch=self.book.epoch, date_formats=self.book._date_formats,
                             timedelta_formats=self.book._timedelta_formats)
            found = parser.parse()
            while True:
                try:
                    row = next(found, None)
                except BrugmeterError:
                    raise
                except Exception as error:  # noqa: BLE001 - damaged XML, a broken member, …
                    raise self._damaged(title, error) from None
                if row is None:
                    break
                parsed += 1
                if tick is not None and parsed % TICK_ROWS == 0:
                    tick(TICK_ROWS)  # outside the try: a cancel is no damage
                if row[1]:
                    yield row
            merged = parser.merged_cells
        self._merged[title] = [str(cell.ref) for cell in merged.mergeCell] if merged else []
        if tick is not None and parsed % TICK_ROWS:
            tick(parsed % TICK_ROWS)

    def _damaged(self, title: str, error: Exception) -> WorkbookFileError:
        return WorkbookFileError("import.sheet_unreadable", file=self.path.name, sheet=title,
                                 problem=str(error) or type(error).__name__)

    def merged(self, title: str) -> list[str]:
        return self._merged.get(title, [])
