"""Importing a workbook (issue 7), on real SQLite files and real .xlsx files: the round trip of
a demo study into an empty database (every sheet and the findings equal), the template, a
filled-in template for a new study, an import into an existing study, the command line, and
bad input — each refused with a clear report and nothing written."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop import cli
from desktop.models.database import close_database, open_database, transaction
from desktop.models.demo import write_demo
from desktop.models.schema import (
    Action,
    AuditEntry,
    Code,
    Coding,
    Instrument,
    Interview,
    Participant,
    Professional,
    Response,
    ResponseValue,
    Study,
    SurveyResponse,
)
from desktop.models.services import (
    codebook,
    codings,
    instrument_library,
    interviews,
    narratives,
    participants,
    responses,
    studies,
)
from reports.findings import study_findings
from reports.workbook import write_template, write_workbook
from reports.workbook.importer import ImportCancelled, import_workbook
from reports.workbook.importer.report import write_report

TABLES = (Study, Instrument, Participant, Response, ResponseValue, Professional, SurveyResponse,
          Action, Interview, Code, Coding, AuditEntry)
LONG_TEXT = ("Interviewer: Hoe gaat het met de schulden?\nDeelnemer: "
             + "Het gaat beter, écht. " * 3500)
FORM_FEED = "Deelnemer: eerste pagina.\x0cDeelnemer: tweede pagina, na een pagina-einde."


@dataclass(frozen=True)
class Source:
    db: Path
    xlsx: Path
    study_id: int
    findings: dict


def _enrich(study_id: int) -> None:
    """What the demo lacks: a long transcript and one with a form feed, both coded; a nested
    category; the study's own cut-off and norm; a narrative and an edited sentence."""
    study = studies.get_study(study_id)
    person = participants.participant_rows(study_id)[0]
    book = codebook.codebook(study_id)
    sub = codebook.add_category(study_id, "Sub / thema", book.categories[0].id)
    code = codebook.add_code(study_id, "Geneste code", "Een code onder een subcategorie", sub)
    for text, start in ((LONG_TEXT, len(LONG_TEXT) - 60), (FORM_FEED, 28)):
        interview = interviews.add_interview(study_id, interviews.InterviewInput(
            participant_id=person.id, held_on=dt.date(2019, 3, 1), interviewer="M. de Vries",
            transcript=text, source="gesprek.txt"))
        codings.add_coding(interview, code, "Codeur A", start, start + 20, "memo met ‘quotes’")
    instrument_library.set_instrument_settings(study_id, "financial_scarcity", "4,5", 120, 35)
    narratives.save_narrative(study_id, "introduction", "nl", "Onze eigen inleiding.\n\nTwee.")
    narratives.save_sentence(study_id, "nl", study.sites[1].id, "bridge_intro",
                             "Een eigen zin.", "De zin van de app.")


def _export(folder: Path, participants_taking_part: int, seed: int, enrich: bool) -> Source:
    db = folder / "source.sqlite"
    open_database(db)
    try:
        study_id = write_demo(participants_taking_part, seed)
        if enrich:
            _enrich(study_id)
        findings = study_findings(study_id)
        xlsx = write_workbook(study_id, folder / "source.xlsx").path
    finally:
        close_database()
    return Source(db, xlsx, study_id, findings)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Source:
    return _export(tmp_path_factory.mktemp("import-demo"), 60, 7, enrich=True)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Source:
    """A small demo study's workbook, the base of the bad-input tests."""
    return _export(tmp_path_factory.mktemp("import-small"), 6, 3, enrich=False)


@pytest.fixture
def empty(tmp_path):
    open_database(tmp_path / "empty.sqlite")
    yield tmp_path / "empty.sqlite"
    close_database()


def edited(source: Path, target: Path, edit: Callable) -> Path:
    """The workbook changed by `edit(book)` (openpyxl's normal mode), saved as `target`."""
    book = load_workbook(source)
    edit(book)
    book.save(target)
    return target


def column(sheet, name: str) -> int:
    return [cell.value for cell in sheet[1]].index(name) + 1


def nothing_written() -> bool:
    return all(model.select().count() == 0 for model in TABLES)


def reasons(report) -> list[str]:
    return [f"{r.sheet}!{r.cell} {r.column}: {r.reason}" for r in report.rejected]


def sheets(path: Path) -> dict[str, list[tuple]]:
    """Every sheet's rows but the audit trail's (and its lines in the info sheet and the
    codebook): that is the database's own history, which an import never copies and a template
    does not hold (test_audit_trail checks it)."""
    book = load_workbook(path, read_only=True)
    found = {name: [tuple(row) for row in book[name].iter_rows(values_only=True)
                    if not (name in ("info", "codebook") and row and row[0] == "audit")]
             for name in book.sheetnames if name != "audit"}
    book.close()
    return found


# -- the round trip --------------------------------------------------------------------------
def test_an_export_imported_into_an_empty_database_recreates_the_study(demo, empty, tmp_path):
    report = import_workbook(demo.xlsx)
    assert report.imported and report.created, reasons(report)
    assert report.rows["participants"] == 130 and report.rows["transcripts"] > 14
    again = write_workbook(report.study_id, tmp_path / "again.xlsx").path
    assert study_findings(report.study_id) == demo.findings
    before, after = sheets(demo.xlsx), sheets(again)
    assert list(before) == list(after)
    for name in before:
        rows, rows_again = before[name], after[name]
        if name == "info":  # the export time differs, nothing else
            rows = [row for row in rows if not isinstance(row[1], dt.datetime)
                    or row[0] != "Geëxporteerd op"]
            rows_again = [row for row in rows_again if not isinstance(row[1], dt.datetime)
                          or row[0] != "Geëxporteerd op"]
        assert rows == rows_again, name
    stored = Interview.select().where(Interview.transcript.contains("\x0c")).get()
    assert stored.transcript == FORM_FEED and stored.source == "gesprek.txt"
    long = Interview.select().where(Interview.transcript == LONG_TEXT).get()
    passage = Coding.get(Coding.interview == long.id)
    assert LONG_TEXT[passage.start:passage.end] == LONG_TEXT[-60:-40]


def test_long_and_unusual_transcripts_go_over_parts(demo):
    book = load_workbook(demo.xlsx, read_only=True)
    parts = [row for row in book["transcripts"].iter_rows(min_row=2, values_only=True)]
    long = [row for row in parts if row[4] and row[4].startswith("Interviewer: Hoe gaat")]
    numbers = {row[0] for row in parts if row[0] == long[0][0]}
    assert len(numbers) == 1 and len([r for r in parts if r[0] == long[0][0]]) == 3
    assert all(len(row[4]) <= 32_767 for row in parts)
    assert any(row[3] is True and row[4].startswith('"') for row in parts)  # JSON, marked
    kinds = {row[0] for row in book["definitions"].iter_rows(min_row=2, values_only=True)}
    assert kinds >= {"study", "site", "moment", "instrument", "instrument_settings", "survey",
                     "action_type", "code_category", "narrative"}


def test_the_same_workbook_twice_is_refused_whole(small, tmp_path):
    work = tmp_path / "twice.sqlite"
    open_database(work)
    assert import_workbook(small.xlsx).imported
    counts = {model: model.select().count() for model in TABLES}
    report = import_workbook(small.xlsx)
    assert not report.imported and report.rejected_count > 10
    assert any("bestaat al" in text for text in reasons(report))
    assert {model: model.select().count() for model in TABLES} == counts  # nothing added
    close_database()


# -- the template ----------------------------------------------------------------------------
def test_the_template_has_the_exports_sheets_headers_and_codebook(small, tmp_path):
    open_database(small.db, create=False)
    template = write_template(small.study_id, tmp_path / "template.xlsx").path
    close_database()
    exported, empty_book = sheets(small.xlsx), sheets(template)
    data = [name for name in exported if name not in ("info", "codebook")
            and not name.startswith("findings_")]
    assert [name for name in empty_book if name not in ("info", "codebook")] == data
    for name in data:
        assert empty_book[name][0] == exported[name][0], name  # the same header
        if name != "definitions":
            assert len(empty_book[name]) == 1, name  # and no rows
    assert empty_book["definitions"] == exported["definitions"]
    assert empty_book["codebook"] == exported["codebook"]


def _fill(book) -> None:
    """A new study typed into the template: Dutch dates as text, a code with leading zeros."""
    definitions = book["definitions"]
    for row in definitions.iter_rows(min_row=2):
        if (row[0].value, row[1].value) == ("study", "name"):
            row[4].value = "Pilot Gouda"
    definitions.append(["site", "Gouda", None, 1, None])
    book["participants"].append(["007", "Gouda", "consented", "15-01-2018", "beloning", ""])
    book["participants"].append(["A-2", None, "declined", None, None, None])
    for pillar, level in (("huisvesting", 2), ("inkomen", "3"), ("schulden", None)):
        book["bridge"].append(["007", "intake", "31-12-2018", pillar, level,
                               "declined" if level is None else None])
    book["actions"].append(["007", "budget_plan", None, "sparen", "2018-02-01", "01-03-2018",
                            None, None, None, "eerste actie"])


def test_a_filled_in_template_makes_a_new_study(empty, tmp_path):
    template = write_template(None, tmp_path / "new.xlsx").path
    report = import_workbook(edited(template, tmp_path / "filled.xlsx", _fill))
    assert report.imported and report.created and report.study_name == "Pilot Gouda", \
        reasons(report)
    study = studies.get_study(report.study_id)
    assert [m.key for m in study.moments] == ["intake", "m6", "m12"]
    assert [s.name for s in study.sites] == ["Gouda"]
    person = Participant.get(Participant.code == "007")
    assert person.inclusion_date == dt.date(2018, 1, 15) and person.site.name == "Gouda"
    stored = responses.get_response(person.id, study.moments[0].id, "bridge")
    assert stored.assessed_on == dt.date(2018, 12, 31)
    assert stored.values["huisvesting"] == 2 and stored.values["inkomen"] == 3
    assert stored.missing["schulden"] == "declined"
    action = Action.get()
    assert (action.agreed_on, action.done_on) == (dt.date(2018, 2, 1), dt.date(2018, 3, 1))
    assert report.rows == {**report.rows, "participants": 2, "bridge": 3, "actions": 1}


def test_a_new_study_needs_a_name(empty, tmp_path):
    template = write_template(None, tmp_path / "new.xlsx").path
    report = import_workbook(template)
    assert not report.imported and nothing_written()
    assert "noemt geen onderzoek" in report.rejected[0].reason
    report = import_workbook(template, study_name="Pilot Leiden")
    assert report.imported and report.created and report.study_name == "Pilot Leiden"


def test_an_import_into_an_existing_study_adds_to_it(small, tmp_path):
    work = tmp_path / "existing.sqlite"
    work.write_bytes(small.db.read_bytes())
    open_database(work, create=False)
    template = write_template(small.study_id, tmp_path / "t.xlsx").path
    moments = studies.get_study(small.study_id).moments
    known, moment = next(
        (person, moment) for person in Participant.select().where(
            Participant.status == "consented") for moment in moments[1:]
        if not Response.select().where((Response.participant == person.id)
                                       & (Response.moment == moment.id)).exists())
    before = Response.select().count()

    def add(book) -> None:
        book["participants"].append(["N-1", None, "consented", "2018-05-01", None, None])
        book["bridge"].append(["N-1", "intake", dt.datetime(2018, 5, 2), "huisvesting", 4, None])
        book["bridge"].append([known.code, moment.key, dt.datetime(2019, 5, 2), "inkomen", 5,
                               None])

    report = import_workbook(edited(template, tmp_path / "add.xlsx", add))
    assert report.imported and not report.created, reasons(report)
    assert report.study_id == small.study_id and Response.select().count() == before + 2
    assert any("bestaat al" in notice.text for notice in report.notices)  # definitions kept
    close_database()


# -- bad input: the file ---------------------------------------------------------------------
def _not_a_zip(path: Path, _source: Path) -> None:
    path.write_bytes(b"code;status\n007;consented\n")


def _zip_not_a_workbook(path: Path, _source: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "not a workbook")


def _word_document(path: Path, _source: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", '<Types><Override ContentType="application/'
                         'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"'
                         '/></Types>')


def _password(path: Path, source: Path) -> None:
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:  # an encrypted OOXML file is a compound file with this stream
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
                         + "EncryptionInfo".encode("utf-16-le") + bytes(64))
        return
    with open(source, "rb") as plain, open(path, "wb") as out:
        OOXMLFile(plain).encrypt("geheim", out)


def _old_xls(path: Path, _source: Path) -> None:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))


def _damaged(path: Path, source: Path) -> None:
    data = source.read_bytes()
    path.write_bytes(data[:len(data) // 2])


@pytest.mark.parametrize(("make", "words"), [
    (_not_a_zip, "geen Excel-werkmap (.xlsx)"),
    (_zip_not_a_workbook, "geen Excel-werkmap"),
    (_word_document, "geen Excel-werkmap"),
    (_password, "beveiligd met een wachtwoord"),
    (_old_xls, "Excel 97–2003"),
    (_damaged, "geen Excel-werkmap"),
])
def test_a_file_that_is_no_workbook_gets_one_clear_reason(small, empty, tmp_path, make, words):
    path = tmp_path / "input.xlsx"
    make(path, small.xlsx)
    started = time.perf_counter()
    report = import_workbook(path)
    assert time.perf_counter() - started < 10
    assert not report.imported and len(report.rejected) == 1
    assert words in report.rejected[0].reason and report.rejected[0].sheet == ""
    assert nothing_written()


def test_a_missing_file_is_said_so(empty, tmp_path):
    report = import_workbook(tmp_path / "nowhere.xlsx")
    assert "bestaat niet" in report.rejected[0].reason and nothing_written()


# -- bad input: sheets and cells -------------------------------------------------------------
def _import_edited(small: Source, tmp_path: Path, edit: Callable):
    report = import_workbook(edited(small.xlsx, tmp_path / "edited.xlsx", edit))
    assert nothing_written() or report.imported
    return report


def test_a_missing_sheet_is_refused(small, empty, tmp_path):
    report = _import_edited(small, tmp_path, lambda book: book.remove(book["actions"]))
    assert not report.imported and nothing_written()
    assert reasons(report) == ["actions! : Tabblad 'actions' ontbreekt: elk tabblad van het "
                               "sjabloon is nodig, ook als het leeg is. Niet herkende "
                               "tabbladen: –."]


def test_a_renamed_sheet_is_refused_and_named(small, empty, tmp_path):
    def rename(book) -> None:
        book["participants"].title = "Deelnemers"

    report = _import_edited(small, tmp_path, rename)
    assert not report.imported and nothing_written()
    found = reasons(report)
    assert any("'participants' ontbreekt" in text and "Deelnemers" in text for text in found)
    assert any(text.startswith("Deelnemers") and "hernoemd" in text for text in found)


def test_extra_columns_are_ignored_and_noted(small, empty, tmp_path):
    def extra(book) -> None:
        sheet = book["participants"]
        sheet.cell(1, sheet.max_column + 1, "telefoon")
        sheet.cell(2, sheet.max_column, "06-12345678")

    report = _import_edited(small, tmp_path, extra)
    assert report.imported, reasons(report)
    assert any(n.column == "telefoon" and "overgeslagen" in n.text for n in report.notices)
    assert "06-12345678" not in str([p.remarks for p in Participant.select()])


def _set(sheet_name: str, name: str, value: object, row: int = 2) -> Callable:
    def edit(book) -> None:
        sheet = book[sheet_name]
        sheet.cell(row, column(sheet, name), value)
    return edit


def _first_filled(small: Source, sheet: str, name: str) -> int:
    """The first data row whose `name` cell holds a value."""
    book = load_workbook(small.xlsx, read_only=True)
    rows = list(book[sheet].iter_rows(values_only=True))
    index = list(rows[0]).index(name)
    return next(number for number, row in enumerate(rows[1:], start=2)
                if row[index] is not None)


def test_text_in_a_number_column_is_refused(small, empty, tmp_path):
    row = _first_filled(small, "bridge", "level")
    report = _import_edited(small, tmp_path, _set("bridge", "level", "drie", row))
    assert not report.imported and nothing_written()
    assert reasons(report) == [f"bridge!E{row} level: 'drie' is geen niveau; typ een cijfer."]


def test_an_out_of_range_bridge_level_is_refused(small, empty, tmp_path):
    row = _first_filled(small, "bridge", "level")
    report = _import_edited(small, tmp_path, _set("bridge", "level", 7, row))
    assert not report.imported and nothing_written()
    assert reasons(report) == [f"bridge!E{row} level: Niveau 7 bestaat niet; kies 1 tot en "
                               "met 5."]


def test_a_formula_is_refused(small, empty, tmp_path):
    report = _import_edited(small, tmp_path, _set("participants", "remarks", "=1+1"))
    assert not report.imported and nothing_written()
    assert reasons(report) == ["participants!F2 remarks: Een formule: typ de waarde zelf, of "
                               "kopieer de kolom en plak die als waarden."]


def test_merged_cells_are_refused(small, empty, tmp_path):
    report = _import_edited(small, tmp_path,
                            lambda book: book["participants"].merge_cells("E2:F3"))
    assert not report.imported and nothing_written()
    assert "Samengevoegde cellen E2:F3" in reasons(report)[0]


def test_a_duplicate_participant_code_is_refused(small, empty, tmp_path):
    first = load_workbook(small.xlsx, read_only=True)["participants"]["A2"].value
    report = _import_edited(small, tmp_path, _set("participants", "code", first.lower(), 3))
    assert not report.imported and nothing_written()
    assert reasons(report)[0] == (f"participants!A3 code: Code '{first.lower()}' staat twee "
                                  "keer in dit tabblad (ook in rij 2).")


def test_dutch_dates_typed_as_text_are_read_and_impossible_ones_refused(small, empty,
                                                                         tmp_path):
    row = _first_filled(small, "participants", "inclusion_date")
    report = _import_edited(small, tmp_path, _set("participants", "inclusion_date",
                                                  "31-02-2019", row))
    assert not report.imported and nothing_written()
    assert reasons(report) == [f"participants!D{row} inclusion_date: '31-02-2019' is geen "
                               "geldige datum (gebruik dd-mm-jjjj)."]
    book = load_workbook(small.xlsx, read_only=True)
    day = list(book["participants"].iter_rows(values_only=True))[row - 1][3]
    report = _import_edited(small, tmp_path, _set("participants", "inclusion_date",
                                                  day.strftime("%d-%m-%Y"), row))
    assert report.imported, reasons(report)
    code = list(book["participants"].iter_rows(values_only=True))[row - 1][0]
    assert Participant.get(Participant.code == code).inclusion_date == day.date()


def test_a_sheet_the_template_lacks_that_holds_rows_is_refused(small, empty, tmp_path):
    def scratch(book) -> None:
        book.create_sheet("aantekeningen").append(["bel de gemeente"])
        book.create_sheet("Blad1")

    report = _import_edited(small, tmp_path, scratch)
    assert not report.imported and nothing_written()
    assert [r.sheet for r in report.rejected] == ["aantekeningen"]
    assert any(n.sheet == "Blad1" for n in report.notices)


def test_a_hundred_thousand_participants(tmp_path):
    """A participants-only study of 100,000 rows: read in openpyxl's read-only mode, checked
    cell by cell and written in bulk, in seconds (timings: tests/benchmarks/workbook.py)."""
    open_database(tmp_path / "big.sqlite")
    study_id = studies.create_study(studies.StudyInput("Groot", sites=["Alphen", "Leiden"]))
    site = studies.get_study(study_id).sites[0].id
    with transaction():
        rows = [(study_id, f"P{n:06d}", site, "consented" if n % 2 else "approached",
                 dt.date(2018, 1, 1 + n % 28) if n % 2 else None) for n in range(100_000)]
        for start in range(0, len(rows), 5000):
            Participant.insert_many(rows[start:start + 5000], fields=[
                Participant.study, Participant.code, Participant.site, Participant.status,
                Participant.inclusion_date]).execute()
    xlsx = write_workbook(study_id, tmp_path / "big.xlsx").path
    close_database()
    open_database(tmp_path / "into.sqlite")
    seen: list[tuple[int, int]] = []
    started = time.perf_counter()
    report = import_workbook(xlsx, progress=lambda done, total: seen.append((done, total)))
    seconds = time.perf_counter() - started
    assert report.imported and report.rows["participants"] == 100_000, reasons(report)
    assert Participant.select().count() == 100_000 and seconds < 60
    assert len(seen) >= 50 and seen[-1][0] == seen[-1][1]
    close_database()


def test_a_cancel_writes_nothing(small, empty):
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 1

    with pytest.raises(ImportCancelled):
        import_workbook(small.xlsx, cancelled=cancelled)
    assert nothing_written()


# -- the report and the command line ---------------------------------------------------------
def test_the_report_file_lists_each_refused_cell(small, empty, tmp_path):
    report = _import_edited(small, tmp_path, _set("bridge", "level", 9,
                                                  _first_filled(small, "bridge", "level")))
    rows = load_workbook(write_report(report, tmp_path / "r.xlsx")).active
    assert [c.value for c in rows[1]] == ["Soort", "Tabblad", "Rij", "Kolom", "Cel", "Waarde",
                                          "Reden"]
    assert rows[2][0].value == "geweigerd" and rows[2][5].value == "9"
    text = write_report(report, tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert "Niveau 9 bestaat niet" in text


def test_the_import_and_template_commands(small, tmp_path, capsys):
    template = tmp_path / "template.xlsx"
    assert cli.main(["template", "-o", str(template)]) == 0
    assert "Sjabloon geschreven" in capsys.readouterr().out and template.exists()
    target = tmp_path / "new.sqlite"
    assert cli.main(["import", str(small.xlsx), "--db", str(target), "--report",
                     str(tmp_path / "ok.csv")]) == 0
    out = capsys.readouterr().out
    assert "gemaakt uit source.xlsx" in out and "participants" in out and "rijen" in out
    assert (tmp_path / "ok.csv").exists()
    assert cli.main(["import", str(small.xlsx), "--db", str(target)]) == 1
    err = capsys.readouterr().err
    assert "Er is niets geïmporteerd" in err and "participants!A2 (code)" in err
    assert (small.xlsx.parent / "source-import-report.csv").exists()
    (tmp_path / "plain.xlsx").write_text("geen werkmap")
    fresh = tmp_path / "fresh.sqlite"
    assert cli.main(["--lang", "en", "import", str(tmp_path / "plain.xlsx"), "--db",
                     str(fresh)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("Error: ") and len(err.splitlines()) == 1 and ".xlsx" in err
    assert not fresh.exists()  # no empty database left behind


# -- reading and writing cells as Excel does --------------------------------------------------
def test_the_templates_text_and_date_columns_are_formatted_as_such(empty, tmp_path):
    """Typed into the template, 007 stays 007 (not 7), 1-3 no date and 1E5 no number: the
    text columns are text-formatted as columns, not only in their written cells."""
    book = load_workbook(write_template(None, tmp_path / "new.xlsx").path)
    people = book["participants"]
    assert people.column_dimensions["A"].number_format == "@"  # code
    assert people.column_dimensions["E"].number_format == "@"  # study_group
    assert people.column_dimensions["D"].number_format == "yyyy-mm-dd"  # inclusion_date
    assert book["bridge"].column_dimensions["A"].number_format == "@"  # participant
    assert book["bridge"].column_dimensions["C"].number_format == "yyyy-mm-dd"


def _shared_strings(source: Path, target: Path, title: str) -> Path:
    """The workbook with the texts of one sheet in a shared string table, as Excel writes
    them (openpyxl writes inline strings)."""
    member = _sheet_member(source, title)
    table: list[str] = []

    def shared(found: re.Match) -> str:
        table.append(found[3])
        return f'<c r="{found[1]}"{found[2]} t="s"><v>{len(table) - 1}</v></c>'

    with zipfile.ZipFile(source) as package, zipfile.ZipFile(target, "w") as out:
        for item in package.infolist():
            data = package.read(item)
            if item.filename == member:
                data = re.sub(r'<c r="([A-Z]+[0-9]+)"([^>]*?) t="inlineStr"><is>'
                              r'<t(?: xml:space="preserve")?>(.*?)</t></is></c>', shared,
                              data.decode(), flags=re.DOTALL).encode()
            elif item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", (
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
                    b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", (
                    b'<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/sharedStrings" '
                    b'Target="sharedStrings.xml"/></Relationships>'))
            out.writestr(item, data)
        items = "".join(f'<si><t xml:space="preserve">{text}</t></si>' for text in table)
        out.writestr("xl/sharedStrings.xml", (
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{len(table)}" uniqueCount="{len(table)}">{items}</sst>'))
    return target


def test_excels_escapes_are_read_as_the_characters_they_stand_for(small, empty, tmp_path):
    """Excel saves a carriage return as _x000D_ and typed text "_x0041_" as _x005F_x0041_,
    in shared strings and in inline strings alike; openpyxl leaves them as they are."""
    def typed(book) -> None:
        sheet = book["participants"]
        sheet.cell(2, column(sheet, "remarks"), "geen_x000D_\nbeloning")
        sheet.cell(3, column(sheet, "remarks"), "_x005F_x0041_ en _x00e9_")
        sheet.cell(4, column(sheet, "remarks"), "_xD83D__xDE00_")  # a pair: one character
        sheet.cell(1, column(sheet, "study_group"), "study_x005F_group")  # a header too

    inline = edited(small.xlsx, tmp_path / "inline.xlsx", typed)
    shared = _shared_strings(inline, tmp_path / "shared.xlsx", "participants")
    book = load_workbook(shared, read_only=True)
    rows = list(book["participants"].iter_rows(max_row=4, values_only=True))
    assert rows[1][5] == "geen_x000D_\nbeloning"  # openpyxl: as saved
    book.close()
    with zipfile.ZipFile(shared) as package:
        assert b"geen_x000D_" in package.read("xl/sharedStrings.xml")
    for path in (shared, inline):
        close_database()
        open_database(tmp_path / f"{path.stem}.sqlite")
        report = import_workbook(path)
        assert report.imported, reasons(report)
        assert not any(n.column.startswith("study_x") for n in report.notices)
        remarks = {p.code: p.remarks for p in Participant.select()}
        assert remarks[rows[1][0]] == "geen\r\nbeloning"
        assert remarks[rows[2][0]] == "_x0041_ en é"
        assert remarks[rows[3][0]] == "😀"


def test_carriage_returns_and_escape_lookalikes_survive_a_round_trip(tmp_path):
    open_database(tmp_path / "source.sqlite")
    study_id = studies.create_study(studies.StudyInput("Ronde", sites=["Alphen"]))
    site = studies.get_study(study_id).sites[0].id
    typed = {"P-1": "crlf\r\nline", "P-2": "_x0041_", "P-3": "a_x000D\rb",
             "P-4": "_x005F_x0041_", "P-5": "tab\tmid\rend"}
    for code, remark in typed.items():
        participants.add_participant(study_id, participants.ParticipantInput(
            code, site, "consented", dt.date(2018, 1, 8), "", remark))
    xlsx = write_workbook(study_id, tmp_path / "ronde.xlsx").path
    close_database()
    open_database(tmp_path / "into.sqlite")
    report = import_workbook(xlsx)
    assert report.imported, reasons(report)
    assert {p.code: p.remarks for p in Participant.select()} == typed
    close_database()


def test_a_chart_sheet_is_skipped_with_a_notice(small, empty, tmp_path):
    from openpyxl.chart import BarChart, Reference

    def chart(book) -> None:
        data = book["participants"]
        bars = BarChart()
        bars.add_data(Reference(data, min_col=1, min_row=1, max_row=3))
        book.create_chartsheet("Grafiek").add_chart(bars)

    report = import_workbook(edited(small.xlsx, tmp_path / "chart.xlsx", chart))
    assert report.imported, reasons(report)
    assert any(n.sheet == "Grafiek" for n in report.notices)


def _sheet_member(path: Path, title: str) -> str:
    """The zip member holding the sheet with this title."""
    with zipfile.ZipFile(path) as package:
        book = package.read("xl/workbook.xml").decode()
        rels = package.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet [^>]*name="{title}"[^>]*r:id="([^"]+)"', book)[1]
    target = re.search(r'Target="([^"]+)"', re.search(
        rf'<Relationship [^>]*Id="{rid}"[^>]*/>', rels)[0])[1].lstrip("/")
    return target if target.startswith("xl/") else f"xl/{target}"


def _formatted_to_the_last_row(source: Path, target: Path) -> Path:
    """The workbook with its participants sheet formatted down to Excel's last row, as a
    whole column formatted in Excel is saved: a styled, empty <row> for each."""
    member = _sheet_member(source, "participants")
    with zipfile.ZipFile(source) as package, zipfile.ZipFile(
            target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for item in package.infolist():
            data = package.read(item)
            if item.filename == member:
                xml = data.decode()
                last = max(int(n) for n in re.findall(r'<row r="(\d+)"', xml))
                empty = "".join(f'<row r="{n}" s="1" customFormat="1"/>'
                                for n in range(last + 1, 1_048_577))
                data = xml.replace("</sheetData>", empty + "</sheetData>").encode()
            out.writestr(item, data)
    return target


def test_a_sheet_formatted_to_the_last_row_is_read_in_little_memory_and_can_be_cancelled(
        small, empty, tmp_path):
    """A million formatted empty rows: openpyxl's parser kept a dict per row (160 MB more
    for this sheet alone), and the cancel was not asked until the sheet was through."""
    path = _formatted_to_the_last_row(small.xlsx, tmp_path / "formatted.xlsx")
    script = (
        "import resource, sys\n"
        "from reports.workbook.importer.package import Package\n"
        "rows = 0\n"
        "with Package(sys.argv[1]) as package:\n"
        "    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "    for _number, cells in package.rows('participants'):\n"
        "        rows += any(cell['value'] is not None for cell in cells)\n"
        "    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(rows, (after - before) // 1024)\n")
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True,
                          text=True, timeout=120, cwd=Path(__file__).parent.parent,
                          check=False)
    assert done.returncode == 0, done.stderr
    rows, grown = (int(word) for word in done.stdout.split())
    assert rows == len(sheets(small.xlsx)["participants"])  # the header and the data rows
    assert grown < 100, f"{grown} MB"  # megabytes more at the peak than before reading
    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 100  # well inside the participants sheet's empty rows

    with pytest.raises(ImportCancelled):
        import_workbook(path, cancelled=cancelled)
    assert nothing_written()
