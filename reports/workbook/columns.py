"""What a sheet holds, described once: its columns (name, label, type, allowed values, value
labels, source instrument and item text) and its rows. The writer, the codebook and the SPSS
export all read these descriptions, so a column can never be in one and missing from another.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

# A column's type as the codebook names it (stable words, documented in docs/workbook.md).
TEXT, INTEGER, NUMBER, DATE, DATETIME, BOOLEAN = (
    "text", "integer", "number", "date", "datetime", "boolean")
TYPES = (TEXT, INTEGER, NUMBER, DATE, DATETIME, BOOLEAN)

# How a type shows in Excel: dates in ISO form whatever the reader's locale, text as text (so
# a code typed later into the column keeps its leading zeros too).
NUMBER_FORMATS = {TEXT: "@", DATE: "yyyy-mm-dd", DATETIME: "yyyy-mm-dd hh:mm:ss"}

ValueLabels = tuple[tuple[object, str], ...]


@dataclass(frozen=True)
class Column:
    """One variable. `name` is the header of a data sheet and the variable name in SPSS and R
    (letters, digits and underscores); `label` is in the export's language."""

    name: str
    label: str
    kind: str = TEXT
    allowed: str = ""  # the allowed values in words: "1–5", a list, "≥ 0"
    value_labels: ValueLabels = ()
    instrument: str = ""
    item_text: str = ""
    note: str = ""
    number_format: str | None = None  # a display format over the type's own ("0.00")

    @property
    def display_format(self) -> str | None:
        return self.number_format or NUMBER_FORMATS.get(self.kind)


Rows = Callable[[], Iterable[Sequence[object]]]


@dataclass(frozen=True)
class Sheet:
    """A sheet to write: its columns and a function giving its rows (called once, so a reader
    can stream them from the database). `expected_rows` is for the progress bar only."""

    name: str
    description: str
    columns: tuple[Column, ...]
    rows: Rows
    expected_rows: int = 0
    human_header: bool = False  # findings: the labels as header; data sheets: the names
    freeze: str = "A2"
    charts: Callable[[object, int], None] | None = None  # (worksheet, rows written)

    def header(self) -> list[str]:
        return [column.label if self.human_header else column.name for column in self.columns]


def value_label_text(labels: ValueLabels) -> str:
    """Value labels as the codebook shows them: "1 = Strongly disagree; 2 = Disagree"."""
    return "; ".join(f"{value} = {label}" for value, label in labels)


def keyed(texts: Iterable[tuple[str, str]]) -> ValueLabels:
    return tuple((key, text) for key, text in texts)


def chunks(rows: Iterable[Sequence[object]], size: int) -> Iterator[list[Sequence[object]]]:
    """Rows in lists of `size`: the writer checks for a cancel between them."""
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def variable_name(*parts: str) -> str:
    """A name SPSS, R and Stata accept: letters, digits and underscores, starting with a letter,
    at most 64 characters ("huisvesting_intake")."""
    name = "_".join(re.sub(r"\W+", "_", part, flags=re.ASCII).strip("_") for part in parts)
    name = name or "v"
    if not name[0].isalpha():
        name = f"v_{name}"
    return name[:64]
