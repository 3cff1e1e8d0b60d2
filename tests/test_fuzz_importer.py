"""Fuzzing the workbook import: workbooks written by openpyxl — the template filled with random
rows, an export with cells changed to random types, rows dropped or duplicated and sheets
renamed — and random bytes or truncated packages. Each import either imports the whole
workbook, or refuses it with a report naming every refused cell (a report that can itself be
written) and leaves the database exactly as it was. Never another exception.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest
from helpers.fuzzing import HEAVY
from hypothesis import event, example, given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from desktop.models.database import close_database, open_database
from desktop.models.demo import write_demo
from desktop.models.schema import MODELS
from reports.workbook import write_template, write_workbook
from reports.workbook.importer import import_workbook, write_report

Grid = dict[str, list[list[object]]]
DATA_SHEETS = ("participants", "bridge", "q_financial_scarcity", "q_quality_of_life",
               "professionals", "survey", "actions", "interviews", "qual_codes", "codings",
               "transcripts", "definitions", "info")
TEXTS = st.text(max_size=30).filter(lambda text: not ILLEGAL_CHARACTERS_RE.search(text))
CELLS = (st.none() | st.booleans() | st.integers(-(10**20), 10**20)
         | st.floats(allow_nan=False, allow_infinity=False) | TEXTS
         | st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(9999, 12, 31))
         | st.dates(dt.date(1900, 3, 1), dt.date(9999, 12, 31)) | st.times()
         | st.sampled_from(["=1+1", "=HYPERLINK(\"x\")", "_x0001_", "_x000D_", "1-1-2018",
                           "31-2-2018", "-", "²", " ", "ja", "nee", "x" * 40_000]))
TITLES = st.text("abcdefghijklmnopqrstuvwxyz_0123456789 -", min_size=1, max_size=31)


def _grid(path: Path) -> Grid:
    book = load_workbook(path, read_only=True)
    grid = {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)]
            for sheet in book.worksheets}
    book.close()
    return grid


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> dict[str, Grid]:
    """The cell values of a small demo study's export and of the template for a new study."""
    folder = tmp_path_factory.mktemp("fuzz-import")
    open_database(folder / "source.sqlite")
    try:
        study_id = write_demo(3, 3)
        write_workbook(study_id, folder / "export.xlsx")
        write_template(None, folder / "template.xlsx")
    finally:
        close_database()
    return {"export": _grid(folder / "export.xlsx"), "template": _grid(folder / "template.xlsx")}


def _written(grid: Grid, path: Path) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in grid.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def _snapshot() -> dict[str, int]:
    return {model.__name__: model.select().count() for model in MODELS}


def _imports_whole_or_not_at_all(path: Path, folder: Path) -> None:
    """Import `path` into a new, empty database: all of it, or nothing and a report."""
    database = folder / "target.sqlite"
    for leftover in folder.glob("target.sqlite*"):
        leftover.unlink()
    open_database(database)
    try:
        before = _snapshot()
        report = import_workbook(path)
        event("imported" if report.imported else "refused")
        if report.imported:
            assert report.rows and _snapshot() != before
        else:
            assert report.rejected_count and report.rejected
            assert all(rejection.reason.strip() for rejection in report.rejected)
            assert _snapshot() == before, "a refused import wrote something"
            write_report(report, folder / "report.xlsx")
            write_report(report, folder / "report.csv")
            assert len(load_workbook(folder / "report.xlsx", read_only=True).sheetnames) == 1
    finally:
        close_database()


def test_an_unchanged_export_imports_whole(sources, tmp_path):
    """The base of the mutations: rewritten cell by cell, the export imports."""
    path = _written(sources["export"], tmp_path / "export.xlsx")
    open_database(tmp_path / "check.sqlite")
    try:
        assert import_workbook(path).imported
    finally:
        close_database()


CHANGES = st.tuples(
    st.sampled_from(["cell", "cell", "cell", "drop", "duplicate", "rename", "remove"]),
    st.sampled_from(DATA_SHEETS) | st.sampled_from(["codebook", "bridge_wide", "findings_bridge"]),
    st.integers(0, 10**6),  # the row, modulo the sheet's rows
    st.integers(0, 12),  # the column
    CELLS,  # the new value of a cell
    TITLES,  # the new title of a sheet
)


def _changed(grid: Grid, changes: list[tuple]) -> Grid:
    """The export with changes: a cell set to a value, a row dropped or duplicated, a sheet
    renamed or removed."""
    grid = copy.deepcopy(grid)
    for change, title, row_number, column, value, new_title in changes:
        rows = grid.get(title)
        if rows is None:  # renamed or removed by an earlier change
            continue
        if change == "cell" and rows:
            row = rows[row_number % len(rows)]
            row.extend([None] * (column + 1 - len(row)))
            row[column] = value
        elif change in ("drop", "duplicate") and len(rows) > 1:
            index = 1 + row_number % (len(rows) - 1)
            if change == "drop":
                del rows[index]
            else:
                rows.insert(index, list(rows[index]))
        elif change == "rename" and new_title not in grid:
            grid[new_title] = grid.pop(title)
        elif change == "remove":
            del grid[title]
    return grid


@HEAVY
@given(changes=st.lists(CHANGES, min_size=1, max_size=4))
@example([("cell", "participants", 1, 2, "_x0001_", "")])  # the report could not be written
def test_changed_exports(sources, tmp_path, changes):
    grid = _changed(sources["export"], changes)
    _imports_whole_or_not_at_all(_written(grid, tmp_path / "changed.xlsx"), tmp_path)


def _column_values(grid: Grid, title: str) -> list[list[object]]:
    """Per column of a sheet, the values the export holds there: plausible cell values."""
    rows = grid.get(title, [])[1:]
    width = max((len(row) for row in rows), default=0)
    return [[row[index] for row in rows if index < len(row)] for index in range(width)]


@st.composite
def _filled_template(draw: st.DrawFn, template: Grid, export: Grid) -> Grid:
    """The template with the study's name and a few rows per data sheet, each cell a value the
    export has in that column or a random one."""
    grid = copy.deepcopy(template)
    info = grid["info"]
    info[1] = [info[1][0], draw(st.sampled_from(["Nieuw onderzoek", None]) | TEXTS),
               *info[1][2:]]
    for title in DATA_SHEETS[:-2]:
        header = grid[title][0]
        plausible = _column_values(export, title)
        for _ in range(draw(st.integers(0, 3))):
            grid[title].append([
                draw(st.sampled_from(plausible[index]) if index < len(plausible)
                     and plausible[index] and draw(st.integers(0, 5)) else CELLS)
                for index in range(len(header))])
    return grid


@HEAVY
@given(data=st.data())
def test_filled_in_templates(sources, tmp_path, data):
    grid = data.draw(_filled_template(sources["template"], sources["export"]))
    _imports_whole_or_not_at_all(_written(grid, tmp_path / "filled.xlsx"), tmp_path)


@HEAVY
@given(content=st.binary(max_size=2000))
@example(b"PK\x03\x04")
@example(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
def test_random_bytes(tmp_path, content):
    path = tmp_path / "random.xlsx"
    path.write_bytes(content)
    _imports_whole_or_not_at_all(path, tmp_path)


@pytest.fixture(scope="module")
def package(sources, tmp_path_factory) -> bytes:
    """The export as written by openpyxl: the bytes to cut short or damage."""
    return _written(sources["export"], tmp_path_factory.mktemp("package") / "whole.xlsx"
                    ).read_bytes()


@HEAVY
@given(cut=st.none() | st.integers(0, 10**6),
       damage=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8))
def test_truncated_and_damaged_packages(package, tmp_path, cut, damage):
    """Cut short at some point, or with a few bytes overwritten somewhere inside."""
    content = bytearray(package if cut is None else package[:cut % len(package)])
    for position, value in damage:
        if content:
            content[position % len(content)] = value
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(content))
    _imports_whole_or_not_at_all(path, tmp_path)
