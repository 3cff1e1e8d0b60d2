"""A write-only worksheet whose rows are turned into XML here, in one string per row.

openpyxl's write-only mode builds a cell object and an XML element per value: about 10 µs a
cell (60 µs a row of six), so a 20,000-participant study (1.3 million rows) would spend well
over a minute on it. Here a row costs a few string joins (about 3 µs). Everything around the
rows — the sheet view with its frozen header, column widths, autofilter, charts and their
relationships, styles and the package itself — stays openpyxl's: at save time the sheet lets
openpyxl write it with no rows and splices the streamed rows into its empty <sheetData>.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from reports import palette
from reports.workbook.columns import DATE, DATETIME, NUMBER_FORMATS, Column

EXCEL_MAX_ROWS = 1_048_576  # rows per sheet, the header included
MAX_TEXT = 32_767  # characters per cell, as Excel counts them: UTF-16 code units
_EPOCH = dt.date(1899, 12, 30).toordinal()  # Excel's day 0 (1900 date system)
# not allowed in XML 1.0: control characters, U+FFFE and U+FFFF, and surrogates (in a Python
# string a surrogate is always a lone one: it cannot be written as UTF-8 either)
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# text that Excel would read as one of its escapes (_x000D_ is a carriage return): its "_" is
# written as _x005F_; a carriage return counts as the closing "_", since it becomes _x000D_
_LOOKS_ESCAPED = re.compile(r"_(?=x[0-9A-Fa-f]{4}[_\r])")
_EMPTY_DATA = re.compile(r"<sheetData\s*/>|<sheetData>\s*</sheetData>")
_WIDTH_SAMPLE = 500  # rows looked at for the column widths
_CACHE_LIMIT = 200_000  # distinct strings kept ready-escaped (codes, pillars, moments, …)


def xml_safe(text: str) -> str:
    """The text without the characters XML 1.0 cannot hold (a file holding one is unreadable
    to Excel and to every XML reader): dropped, as a cell cannot keep them."""
    return _ILLEGAL.sub("", text) if _ILLEGAL.search(text) else text


def clip_cell(text: str, limit: int = MAX_TEXT) -> str:
    """At most `limit` UTF-16 code units (what Excel counts: a character beyond U+FFFF takes
    two), never cutting a character in two."""
    if len(text) <= limit // 2:
        return text
    data = text.encode("utf-16-le", "surrogatepass")
    if len(data) <= 2 * limit:
        return text
    return data[:2 * limit].decode("utf-16-le", "ignore")  # a half pair at the end is dropped


def excel_text(text: str) -> str:
    """The text as a cell holds it in the file, before XML's own escaping: a carriage return as
    Excel's escape _x000D_ (in XML a bare one would read back as a line feed) and text that
    looks like such an escape ("_x0041_") with its "_" escaped (_x005F_), so Excel shows it as
    typed. Characters XML cannot hold are dropped and the text is cut at Excel's limit."""
    text = clip_cell(xml_safe(text))
    if "_x" in text:
        text = _LOOKS_ESCAPED.sub("_x005F_", text)
    if "\r" in text:
        text = text.replace("\r", "_x000D_")
    return text


def _escape(text: str) -> str:
    text = excel_text(text)
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<is><t{space}>{escaped}</t></is>'


def excel_serial(value: dt.date | dt.datetime) -> float | int:
    """Days since Excel's epoch: what a date cell holds, whatever the reader's locale."""
    if isinstance(value, dt.datetime):
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return value.toordinal() - _EPOCH + seconds / 86_400
    return value.toordinal() - _EPOCH


class StreamedSheet(WriteOnlyWorksheet):
    """Rows go to a temporary file as they come; `close` (called by openpyxl while saving)
    puts them into the sheet."""

    def __init__(self, workbook: Workbook, title: str, columns: Sequence[Column],
                 header: Sequence[str], on_close: Callable[[], None] | None = None,
                 folder: str | os.PathLike[str] | None = None) -> None:
        """`folder`: where the rows wait for the save — the target's folder, so a large
        export fills the disk it goes to rather than a small (memory-backed) /tmp."""
        super().__init__(workbook, title)
        self._on_close = on_close
        workbook._add_sheet(self)  # the workbook's own way to take a sheet
        handle, self._rows_path = tempfile.mkstemp(prefix=".brugmeter-rows-", suffix=".part",
                                                   dir=folder)
        self._rows_file = os.fdopen(handle, "w", encoding="utf-8", errors="replace")
        self._buffer: list[str] = []
        self._texts: dict[str, str] = {}
        self._serials: dict[dt.date, str] = {}
        self._letters = [get_column_letter(index + 1) for index in range(len(columns))]
        self._formats = [column.display_format for column in columns]
        self._styles = [self._style(number_format) for number_format in self._formats]
        self._date_style = self._style(NUMBER_FORMATS[DATE])  # a date in a column of any type
        self._datetime_style = self._style(NUMBER_FORMATS[DATETIME])
        self._widths = [len(str(text)) for text in header]
        self.rows_written = 0  # data rows, the header not counted
        self._row = 0
        self._write(header, [self._header_style()] * len(header))

    # -- styles: registered in the workbook through openpyxl, referred to by number ----------
    def _style(self, number_format: str | None) -> str:
        if not number_format or number_format == "General":  # dates still get a date format
            return ""
        cell = WriteOnlyCell(self)
        cell.number_format = number_format
        return f' s="{cell.style_id}"'

    def _header_style(self) -> str:
        cell = WriteOnlyCell(self)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=palette.PRIMARY_LIGHT.lstrip("#"))
        cell.alignment = Alignment(vertical="top")
        return f' s="{cell.style_id}"'

    # -- rows -------------------------------------------------------------------------------
    def append_rows(self, rows: Sequence[Sequence[object]]) -> None:
        for values in rows:
            self._write(values, self._styles)
            self.rows_written += 1
            if self._row <= _WIDTH_SAMPLE:
                self._measure(values)
        if len(self._buffer) >= 1000:
            self._flush()

    def _measure(self, values: Sequence[object]) -> None:
        for index, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, dt.datetime):
                size = 19
            elif isinstance(value, dt.date):
                size = 10
            elif isinstance(value, float):
                size = min(len(f"{value:.4g}"), 12)
            else:
                size = len(str(value))
            if size > self._widths[index]:
                self._widths[index] = size

    def _write(self, values: Sequence[object], styles: Sequence[str]) -> None:
        """One row as XML. The hot loop of the export: a few million cells, so the usual
        types are tested first and repeated texts and dates come ready-made from caches."""
        self._row += 1
        row = str(self._row)
        letters, texts, serials = self._letters, self._texts, self._serials
        parts = ['<row r="', row, '">']
        append = parts.append
        for index, value in enumerate(values):
            if value is None:
                continue
            kind = type(value)
            if kind is str:
                if not value:
                    continue
                text = texts.get(value)
                if text is None:
                    text = _escape(value)
                    if len(texts) < _CACHE_LIMIT:
                        texts[value] = text
                append(f'<c r="{letters[index]}{row}"{styles[index]} t="inlineStr">{text}</c>')
            elif kind is int:
                append(f'<c r="{letters[index]}{row}"{styles[index]}><v>{value}</v></c>')
            elif kind is dt.date:
                serial = serials.get(value)
                if serial is None:
                    serial = serials[value] = str(excel_serial(value))
                append(f'<c r="{letters[index]}{row}"{styles[index] or self._date_style}>'
                       f'<v>{serial}</v></c>')
            else:
                append(self._other(value, f"{letters[index]}{row}", styles[index]))
        append("</row>")
        self._buffer.append("".join(parts))

    def _other(self, value: object, ref: str, style: str) -> str:
        """A cell of the less frequent types: numbers with decimals, booleans, date-times."""
        if isinstance(value, float):
            return f'<c r="{ref}"{style}><v>{value!r}</v></c>' if math.isfinite(value) else ""
        if isinstance(value, bool):
            return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, dt.datetime):
            return (f'<c r="{ref}"{style or self._datetime_style}>'
                    f'<v>{excel_serial(value)!r}</v></c>')
        if isinstance(value, dt.date):
            return f'<c r="{ref}"{style or self._date_style}><v>{excel_serial(value)}</v></c>'
        if isinstance(value, numbers.Integral):  # numpy's integers among them
            return f'<c r="{ref}"{style}><v>{int(value)}</v></c>'
        if isinstance(value, Decimal | numbers.Real):
            number = float(value)
            return f'<c r="{ref}"{style}><v>{number!r}</v></c>' if math.isfinite(number) else ""
        return f'<c r="{ref}"{style} t="inlineStr">{_escape(str(value))}</c>'

    def _flush(self) -> None:
        self._rows_file.write("".join(self._buffer))
        self._buffer.clear()

    # -- layout, then the save ---------------------------------------------------------------
    def finish_layout(self, freeze: str = "A2", autofilter: bool = True) -> None:
        """Frozen header, autofilter over the table, widths that fit what was written and
        each column's number format (text, date) on the column itself."""
        self.freeze_panes = freeze
        last = self._letters[-1] if self._letters else "A"
        if autofilter and self._letters:
            self.auto_filter.ref = f"A1:{last}{self._row}"
        for letter, width, number_format in zip(self._letters, self._widths, self._formats,
                                                strict=True):
            dimension = self.column_dimensions[letter]
            dimension.width = max(8, min(width + 2, 60))
            if number_format and number_format != "General":
                # the column's own style (<col style=…>): what is typed later into an empty
                # cell of it takes the format too — a code 007 stays text, not 7, and "1-3"
                # or 1E5 are not turned into a date or a number
                dimension.number_format = number_format

    def calculate_dimension(self) -> str:
        """The <dimension> openpyxl writes at the top: readers in read-only mode need it."""
        last = self._letters[-1] if self._letters else "A"
        return f"A1:{last}{max(self._row, 1)}"

    def close(self) -> None:
        if self._on_close is not None:
            self._on_close()  # a cancel is honoured while the package is being written too
        self._flush()
        self._rows_file.close()
        super().close()  # openpyxl writes the sheet, with an empty <sheetData>
        skeleton_path = self._writer.out
        with open(skeleton_path, encoding="utf-8") as handle:
            skeleton = handle.read()
        match = _EMPTY_DATA.search(skeleton)
        if match is None:
            raise RuntimeError("openpyxl wrote a sheet without an empty <sheetData>")
        joined = skeleton_path + ".joined"
        with open(joined, "wb") as out, open(self._rows_path, "rb") as rows:
            out.write(skeleton[:match.start()].encode("utf-8") + b"<sheetData>")
            shutil.copyfileobj(rows, out, 1 << 20)
            out.write(b"</sheetData>" + skeleton[match.end():].encode("utf-8"))
        os.replace(joined, skeleton_path)
        self.discard_rows()

    def discard_rows(self) -> None:
        """Remove the temporary rows (also after a cancel or a failure)."""
        if not self._rows_file.closed:
            self._rows_file.close()
        if os.path.exists(self._rows_path):
            os.unlink(self._rows_path)

    def discard(self) -> None:
        """Remove every temporary file of the sheet, saved or not."""
        self.discard_rows()
        writer = self._writer
        if writer is not None and getattr(writer, "out", None) and os.path.exists(writer.out):
            os.unlink(writer.out)
