"""SPSS files (.sav) of the workbook's data sheets, one per sheet, with variable labels, value
labels and measurement levels, so SPSS opens the data labelled without a syntax file.

The same sheet descriptions as the workbook (reports/workbook/registry.py): a new kind of data
is in the SPSS export as soon as it is in the workbook. pyreadstat writes from a pandas data
frame; both are imported only when an SPSS file is asked for.
"""

from __future__ import annotations

import datetime as dt
import os
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.models.errors import BrugmeterError
from desktop.models.files import write_atomically
from reports.workbook.columns import (
    BOOLEAN,
    DATE,
    DATETIME,
    INTEGER,
    NUMBER,
    TEXT,
    Column,
    Sheet,
    chunks,
)
from reports.workbook.context import export_context
from reports.workbook.registry import data_sheets
from reports.workbook.writer import CHUNK, Progress, WorkbookCancelled

VALUE_LABEL_BYTES = 120  # SPSS keeps at most this much of a value label
VARIABLE_LABEL_BYTES = 255
FILE_LABEL_BYTES = 64
PROBE_BYTES = 1 << 20  # written after ReadStat failed, to learn why (see _raise_write_fault)
NOTE_LINE_BYTES = 80  # a line of an SPSS file's documents
STRING_BYTES = 32_767  # the longest string SPSS holds (bytes of UTF-8, not characters)
_RESERVED = {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"}


@dataclass(frozen=True)
class SavResult:
    paths: tuple[Path, ...]
    rows: dict[str, int]  # sheet name → cases written


def sav_paths(prefix: Path | str, names: Sequence[str]) -> list[Path]:
    """Where each sheet's file goes: into `prefix` if it is a folder (bridge_wide.sav), else
    beside it, named after it (OUT.xlsx or OUT → OUT-bridge_wide.sav)."""
    prefix = Path(prefix)
    if prefix.is_dir():
        return [prefix / f"{name}.sav" for name in names]
    stem = prefix.stem if prefix.suffix.lower() in (".xlsx", ".sav") else prefix.name
    return [prefix.with_name(f"{stem}-{name}.sav") for name in names]


def _clip(text: str, limit: int) -> str:
    """At most `limit` bytes of UTF-8, never cutting a character in two."""
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[:limit].decode("utf-8", "ignore")


def _string(value: object) -> str:
    """A text cell as SPSS takes it: at most STRING_BYTES bytes (a longer one makes ReadStat
    write a file no reader opens)."""
    if value is None:
        return ""
    text = str(value)
    return text if len(text) <= STRING_BYTES // 4 else _clip(text, STRING_BYTES)


def spss_name(name: str) -> str:
    return f"{name}_" if name.upper() in _RESERVED else name


def _measure(column: Column) -> str:
    if column.kind in (TEXT, BOOLEAN):
        return "nominal"
    if column.kind == INTEGER and column.value_labels:
        return "ordinal"
    return "scale"


def _frame(sheet: Sheet, tick: Callable[[int], None],
           yes_no: tuple[str, str]) -> tuple[Any, dict[str, Any]]:
    """The sheet as a data frame, and pyreadstat's keyword arguments for its labels."""
    import pandas as pd

    values: list[list[object]] = [[] for _ in sheet.columns]
    for batch in chunks(sheet.rows(), CHUNK):
        tick(0)
        for row in batch:
            for index, value in enumerate(row):
                values[index].append(value)
        tick(len(batch))
    data: dict[str, Any] = {}
    labels: dict[str, str] = {}
    value_labels: dict[str, dict[object, str]] = {}
    formats: dict[str, str] = {}
    for column, found in zip(sheet.columns, values, strict=True):
        name = spss_name(column.name)
        labels[name] = _clip(column.label, VARIABLE_LABEL_BYTES)
        if column.kind == TEXT:
            data[name] = pd.Series([_string(v) for v in found], dtype=object)
        elif column.kind in (DATE, DATETIME) and any(isinstance(v, dt.date) for v in found):
            data[name] = pd.Series(found, dtype=object)  # SPSS DATE / DATETIME variables
        else:  # numbers, booleans as 0/1 and dates never given: numeric, empty = system missing
            data[name] = pd.Series([None if v is None else float(v) for v in found],
                                   dtype="float64")
            formats[name] = "F8.0" if column.kind in (INTEGER, BOOLEAN) else "F10.2"
        pairs = column.value_labels
        if column.kind == BOOLEAN:
            pairs = ((0, yes_no[1]), (1, yes_no[0]))
        if pairs:
            numeric = column.kind in (INTEGER, NUMBER, BOOLEAN)
            value_labels[name] = {(float(v) if numeric else str(v)): _clip(text, VALUE_LABEL_BYTES)
                                  for v, text in pairs if text}
    frame = pd.DataFrame(data) if data else pd.DataFrame()
    return frame, {"column_labels": labels, "variable_value_labels": value_labels,
                   "variable_measure": {spss_name(c.name): _measure(c) for c in sheet.columns},
                   "variable_format": formats,
                   "note": [_clip(line, NOTE_LINE_BYTES)
                            for line in textwrap.wrap(sheet.description, NOTE_LINE_BYTES - 8)]}


def write_sav(study_id: int, prefix: Path | str, progress: Progress | None = None,
              cancelled: Callable[[], bool] | None = None,
              language: str | None = None) -> SavResult:
    """Write one .sav file per data sheet (see `sav_paths`); all of them or, after a cancel or
    a failure, none."""
    import pyreadstat  # imported only for an SPSS export (it brings pandas)
    ctx = export_context(study_id, language)
    sheets = data_sheets(ctx)
    paths = sav_paths(prefix, [sheet.name for sheet in sheets])
    total = max(1, sum(sheet.expected_rows for sheet in sheets) + len(sheets))
    state = {"done": 0}
    report = progress or (lambda _done, _total: None)
    yes_no = (ctx.t("workbook.value.yes"), ctx.t("workbook.value.no"))
    rows: dict[str, int] = {}

    def tick(count: int) -> None:
        if cancelled is not None and cancelled():
            raise WorkbookCancelled
        state["done"] = min(total, state["done"] + count)
        report(state["done"], total)

    def writer(sheet: Sheet, path: Path) -> Callable[[Path], None]:
        def write(temporary: Path) -> None:
            frame, options = _frame(sheet, tick, yes_no)
            rows[sheet.name] = len(frame)
            label = _clip(f"{sheet.name} — {ctx.study.name}", FILE_LABEL_BYTES)
            try:
                pyreadstat.write_sav(frame, str(temporary), file_label=label, **options)
            except Exception as error:  # pyreadstat's own errors carry ReadStat's message
                _raise_write_fault(temporary)
                raise BrugmeterError("error.sav_write", file=str(path),
                                     problem=str(error)) from None
            tick(1)
        return write

    _all_or_nothing([(path, writer(sheet, path))
                     for path, sheet in zip(paths, sheets, strict=True)])
    return SavResult(tuple(paths), rows)


def _raise_write_fault(temporary: Path) -> None:
    """ReadStat says only "Unable to write data": writing on to the same file ourselves tells
    why — a full disk or a file-size limit raises its OSError here, which write_atomically
    words as such; if this write succeeds, the fault was ReadStat's own."""
    with open(temporary, "ab") as handle:
        handle.write(bytes(PROBE_BYTES))
        handle.flush()
        os.fsync(handle.fileno())


def _all_or_nothing(jobs: list[tuple[Path, Callable[[Path], None]]]) -> None:
    """Each file into its temporary file, the next ones written before this one is renamed:
    a failure anywhere removes every temporary file and renames none."""
    if not jobs:
        return
    (path, write), rest = jobs[0], jobs[1:]

    def this_then_rest(temporary: Path) -> None:
        write(temporary)
        _all_or_nothing(rest)

    write_atomically(path, this_then_rest)
