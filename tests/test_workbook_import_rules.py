"""Rules the workbook import keeps beyond single cells: answers never stored under another
instrument version, codings of interviews the study already has, whole-number passages, and
a report whose refused values Excel cannot run."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook

from desktop.models.demo import write_demo
from desktop.models.errors import ValidationError
from desktop.models.schema import Coding, Response
from desktop.models.services import codebook, codings, interviews
from reports.findings import response_figures
from reports.workbook import write_template, write_workbook
from reports.workbook.importer import import_workbook
from reports.workbook.importer.report import ImportReport, write_report


def _rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_answers_on_another_instrument_version_are_refused_whole(db, tmp_path):
    study_id = write_demo(30, 4, "nl")
    target = tmp_path / "study.xlsx"
    write_workbook(study_id, target)
    book = load_workbook(target)
    definitions = book["definitions"]
    header = [cell.value for cell in definitions[1]]
    kind, key, version = (header.index(name) for name in ("kind", "key", "version"))
    for row in definitions.iter_rows(min_row=2):
        if row[kind].value == "instrument" and row[key].value == "financial_scarcity":
            row[version].value = 2
    book.save(target)
    responses = Response.select().count()
    report = import_workbook(target)
    assert not report.imported
    assert any("versie 2" in rejection.reason for rejection in report.rejected)
    assert Response.select().count() == responses


def test_a_coding_of_an_interview_the_study_already_has(db, tmp_path):
    study_id = write_demo(30, 4, "nl")
    interview = interviews.interview_rows(study_id)[0]
    code = codebook.codebook(study_id).codes[0]
    target = tmp_path / "template.xlsx"
    write_template(study_id, target)
    book = load_workbook(target)
    book["codings"].append([interview.id, None, code.name, "Codeur C", 0, 10])
    book.save(target)
    report = import_workbook(target)
    assert report.imported, [r.reason for r in report.rejected]
    assert Coding.select().where(Coding.coder == "Codeur C").count() == 1


@pytest.mark.parametrize("start,end", [(0.5, 10), (0, 10.9), (True, 10), ("a", 10)])
def test_passages_are_whole_positions(start, end):
    with pytest.raises(ValidationError):
        codings.check_span(100, start, end)
    assert codings.check_span(100, "3", 10.0) == (3, 10)


def test_the_report_never_runs_a_refused_formula(tmp_path):
    report = ImportReport(tmp_path / "in.xlsx")
    report.reject("participants", 2, "remarks", "F2", "=HYPERLINK(\"http://x\")", "formule")
    report.reject("participants", 3, "remarks", "F3", "@SUM(A1)", "formule")
    xlsx = write_report(report, tmp_path / "report.xlsx")
    cells = [cell for row in load_workbook(xlsx).active.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert "=HYPERLINK(\"http://x\")" in [cell.value for cell in cells]
    text = write_report(report, tmp_path / "report.csv")
    values = [value for row in csv.reader(text.open(encoding="utf-8-sig")) for value in row]
    assert "'=HYPERLINK(\"http://x\")" in values and "'@SUM(A1)" in values


def test_statuses_are_listed_in_one_order_whatever_the_rows_order():
    first = response_figures({"declined": 3, "consented": 5, "approached": 1})
    second = response_figures({"approached": 1, "consented": 5, "declined": 3})
    assert list(first["statuses"]) == list(second["statuses"]) == \
        ["approached", "consented", "declined"]


def test_a_sheet_the_template_lacks_is_read_with_the_cancel_asked(db, tmp_path, monkeypatch):
    from reports.workbook.importer import package as package_module

    study_id = write_demo(20, 4, "nl")
    target = tmp_path / "template.xlsx"
    write_template(study_id, target)
    book = load_workbook(target)
    book.create_sheet("eigen blad").append(["iets"])
    book.save(target)
    ticks: dict[str, object] = {}
    rows = package_module.Package.rows

    def recording(self, title, tick=None):
        ticks[title] = tick
        return rows(self, title, tick)

    monkeypatch.setattr(package_module.Package, "rows", recording)
    report = import_workbook(target)
    assert not report.imported  # an unknown sheet with values is refused …
    assert ticks["eigen blad"] is not None  # … after a read that a cancel can stop
