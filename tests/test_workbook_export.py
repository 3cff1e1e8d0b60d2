"""The Excel workbook and the SPSS files of a real SQLite demo study, read back with openpyxl,
pyreadstat and (where installed) LibreOffice: every sheet, codes as text, real dates and
numbers, the frozen header and filter, a codebook entry per column, the findings' figures, the
charts, the split past the row limit, and no file at all after a cancel or a bad target."""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop import cli
from desktop.models.database import close_database, open_database
from desktop.models.demo import write_demo
from desktop.models.errors import StorageError
from desktop.models.migrations import CURRENT_VERSION
from desktop.models.services import bridge, participants, studies
from reports.findings import study_findings
from reports.workbook import WorkbookCancelled, write_sav, write_workbook

REMARK = "Ideeën over het café – naïef, € 25 ‘goed’"
DATA_SHEETS = ("participants", "bridge", "bridge_wide", "q_financial_scarcity",
               "q_financial_scarcity_wide", "q_quality_of_life", "q_quality_of_life_wide",
               "professionals", "survey", "survey_wide", "actions", "interviews", "qual_codes",
               "codings", "transcripts", "definitions")
FINDINGS_SHEETS = ("findings_response", "findings_flow", "findings_bridge", "findings_levels",
                   "findings_transitions", "findings_sites", "findings_questionnaires",
                   "findings_high", "findings_ranking", "findings_likert", "findings_fidelity",
                   "findings_rewards")
TYPES = {"integer": (int,), "number": (int, float), "date": (dt.datetime,),
         "datetime": (dt.datetime,), "boolean": (bool,), "text": (str,)}


@dataclass(frozen=True)
class Export:
    db: Path
    xlsx: Path
    study_id: int
    rows: dict[str, int]
    findings: dict
    sav: tuple[Path, ...]


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Export:
    """A demo study with a participant '007', exported once for the whole module."""
    folder = tmp_path_factory.mktemp("workbook")
    db = folder / "study.sqlite"
    open_database(db)
    try:
        study_id = write_demo(80, 2017, "nl")
        study = studies.get_study(study_id)
        pid = participants.add_participant(study_id, participants.ParticipantInput(
            "007", study.sites[0].id, "consented", dt.date(2018, 1, 8), "beloning", REMARK))
        bridge.save_assessment(pid, study.moments[0].id, dt.date(2018, 1, 15),
                               {"huisvesting": 2, "inkomen": 1, "schulden": "declined"})
        findings = study_findings(study_id, language="nl")
        result = write_workbook(study_id, folder / "study.xlsx")
        sav = write_sav(study_id, folder / "study.xlsx").paths
    finally:
        close_database()
    return Export(db, result.path, study_id, result.rows, findings, sav)


@pytest.fixture(scope="module")
def book(export):
    return load_workbook(export.xlsx)


def table(ws) -> tuple[list[str], list[tuple]]:
    """The header and the rows, padded to the header's width (read-only mode drops trailing
    empty cells)."""
    rows = list(ws.iter_rows(values_only=True))
    width = len(rows[0])
    return list(rows[0]), [tuple(row) + (None,) * (width - len(row)) for row in rows[1:]]


def records(ws) -> list[dict]:
    header, rows = table(ws)
    return [dict(zip(header, row, strict=True)) for row in rows]


def codebook(book) -> list[dict]:
    header, rows = table(book["codebook"])
    keys = ("sheet", "variable", "label", "type", "allowed", "value_labels", "instrument",
            "item_text", "note")
    assert len(header) == len(keys)
    return [dict(zip(keys, row, strict=True)) for row in rows]


def test_every_sheet_is_there_with_its_rows(export, book):
    assert book.sheetnames[0] == "info"
    assert set(DATA_SHEETS + FINDINGS_SHEETS + ("codebook",)) <= set(book.sheetnames)
    assert book.sheetnames.index("codebook") < book.sheetnames.index("participants")
    for name in book.sheetnames[1:]:
        assert book[name].max_row == export.rows[name] + 1, name  # the header row on top
    assert export.rows["participants"] == 175  # 80 taking part of 174 approached, and 007
    assert export.rows["bridge"] > 1000 and export.rows["actions"] > 100
    assert export.rows["survey"] > 100 and export.rows["professionals"] >= 16
    info = {row[0]: row[1] for row in book["info"].iter_rows(values_only=True) if row[0]}
    assert info["Onderzoek"] == "Demostudie Mobility Mentoring®"
    assert info["Versie van het databaseschema"] == CURRENT_VERSION
    assert isinstance(info["Geëxporteerd op"], dt.datetime)
    assert isinstance(info["Begin van de onderzoeksperiode"], dt.datetime)
    assert info["Versie van Brugmeter"] and info["Taal van de labels"] == "nl"
    for name in DATA_SHEETS:  # the overview lists every sheet with its rows
        assert info[name] == export.rows[name]


def test_codes_stay_text_with_their_leading_zeros(book):
    ws = book["participants"]
    cells = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    code = cells["007"][0]
    assert code.data_type == "s" and code.number_format == "@"
    assert cells["007"][5].value == REMARK  # Dutch characters, euro sign and quotes intact
    rows = [r for r in records(book["bridge"]) if r["participant"] == "007"]
    assert {(r["pillar"], r["level"], r["missing_reason"]) for r in rows} >= {
        ("huisvesting", 2, None), ("inkomen", 1, None), ("schulden", None, "declined")}
    wide = next(r for r in records(book["bridge_wide"]) if r["participant"] == "007")
    assert wide["huisvesting_intake"] == 2 and wide["schulden_intake"] is None
    assert wide["date_intake"] == dt.datetime(2018, 1, 15)


def test_every_column_is_in_the_codebook_and_holds_its_type(book):
    entries = codebook(book)
    for name in DATA_SHEETS:
        header, rows = table(book[name])
        listed = [e for e in entries if e["sheet"] == name]
        assert [e["variable"] for e in listed] == header, name
        for index, entry in enumerate(listed):
            assert entry["label"] and entry["type"] in TYPES, (name, entry)
            for row in rows:
                value = row[index]
                assert value is None or type(value) in TYPES[entry["type"]], (name, entry, value)
    by_name = {(e["sheet"], e["variable"]): e for e in entries}
    level = by_name["bridge_wide", "huisvesting_intake"]
    assert level["type"] == "integer" and level["allowed"] == "1–5"
    assert level["value_labels"].startswith("1 = ") and "5 = " in level["value_labels"]
    assert level["instrument"] == "Brug naar Zelfredzaamheid® (v1)"
    item = by_name["q_financial_scarcity_wide", "fs01"]
    assert item["item_text"] == "Ik kom geld tekort voor de noodzakelijke dingen."
    assert "7 = Helemaal mee eens" in item["value_labels"]
    assert "Omgekeerd" in by_name["q_financial_scarcity_wide", "fs03"]["note"]
    assert by_name["participants", "status"]["value_labels"].startswith("approached = ")
    assert by_name["bridge", "moment"]["value_labels"].startswith("intake = Intake")


def test_dates_are_dates_and_numbers_are_numbers(book):
    cell = book["participants"]["D2"]
    assert cell.is_date and cell.number_format == "yyyy-mm-dd"
    actions = records(book["actions"])
    done = [a for a in actions if a["done_on"]]
    assert done and all(a["days"] == (a["done_on"] - a["agreed_on"]).days for a in done)
    assert any(isinstance(a["reward_value"], float) for a in actions)
    scores = records(book["q_financial_scarcity_wide"])
    assert any(isinstance(r["score_total"], float) for r in scores)
    assert {type(r["high_total"]) for r in scores} <= {bool, type(None)}
    for name in book.sheetnames:  # no number anywhere stored as text
        for row in book[name].iter_rows(min_row=2, values_only=True):
            for value in row:
                if isinstance(value, str) and value != "007":
                    assert not value.replace(".", "", 1).isdigit(), (name, value)


def test_frozen_header_autofilter_and_widths_on_every_sheet(book):
    for ws in book.worksheets:
        assert ws.freeze_panes in ("A2", "B2"), ws.title
        if ws.title != "info":
            assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}" \
                                         f"{ws.max_row}", ws.title
        assert ws.column_dimensions["A"].width >= 8, ws.title
        assert all(ws.cell(1, c).font.b for c in range(1, ws.max_column + 1)), ws.title
    assert book["bridge_wide"].freeze_panes == "B2"  # the code stays in sight


def test_findings_sheets_show_the_findings_figures(export, book):
    found = export.findings
    rows = table(book["findings_bridge"])[1]
    assert len(rows) == len(found["bridge"]["pillars"]) == 8
    for row, pillar in zip(rows, found["bridge"]["pillars"], strict=True):
        assert row[:6] == (pillar["pillar"], pillar["label"], pillar["n"], pillar["improved"],
                           pillar["stable"], pillar["declined"])
        assert row[11] == pytest.approx(pillar["p"]) and row[12] == pytest.approx(
            pillar["p_holm"]) and row[14] is pillar["significant"]
    levels = records(book["findings_levels"])
    first = found["bridge"]["pillars"][0]
    mine = [r for r in levels if r["Pijler"] == first["pillar"]]
    assert [r["Intake"] for r in mine] == list(first["distribution"]["intake"].values())
    assert all(r["n"] == first["n"] for r in mine)
    response = {r["Maat"]: r["Waarde"] for r in records(book["findings_response"])}
    assert response["approached"] == found["response"]["approached"]
    assert response["percent"] == pytest.approx(found["response"]["percent"])
    top = [r["Element"] for r in records(book["findings_ranking"])][:5]
    assert top == [e["element"] for e in found["professionals"]["ranking"]["top_five"]][:5]
    scales = [r for r in records(book["findings_questionnaires"]) if r["Soort"] == "schaal"]
    assert scales[0]["n"] == found["questionnaires"][0]["scales"][0]["n"]
    rewards = records(book["findings_rewards"])
    overall = found["rewards"]["overall"]["groups"]
    assert [r["n"] for r in rewards[:len(overall)]] == [g["n"] for g in overall]


def test_native_charts_for_the_change_and_the_level_distributions(export, book):
    assert len(book["findings_bridge"]._charts) == 1
    assert len(book["findings_levels"]._charts) == 8  # one per pillar
    with zipfile.ZipFile(export.xlsx) as package:
        charts = [name for name in package.namelist() if name.startswith("xl/charts/chart")]
        assert len(charts) == 9
        xml = package.read(charts[0]).decode()
    assert "<barChart>" in xml and re.search(r'<grouping val="stacked"\s*/>', xml)
    assert "findings_bridge" in xml  # its series point at the sheet's own cells


def test_a_sheet_past_the_row_limit_is_split_and_the_codebook_says_so(export, tmp_path):
    open_database(export.db, create=False)
    result = write_workbook(export.study_id, tmp_path / "split.xlsx", max_rows=500)
    assert result.splits["bridge"] == tuple(f"bridge_{n}" for n in range(1, 5))
    assert sum(result.rows[name] for name in result.splits["bridge"]) == export.rows["bridge"]
    book = load_workbook(result.path, read_only=True)
    assert "bridge" not in book.sheetnames
    assert [book[name].max_row for name in result.splits["bridge"][:3]] == [500] * 3
    first = next(book["bridge_2"].iter_rows(values_only=True))
    assert first[:3] == ("participant", "moment", "date")  # every part has its header
    entries = codebook(book)
    level = next(e for e in entries if e["variable"] == "level" and "bridge_1" in e["sheet"])
    assert level["sheet"] == "bridge_1, bridge_2, bridge_3, bridge_4"
    assert "4 tabbladen" in level["note"] and "rijen 500–998 in bridge_2" in level["note"]


def _leftovers(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def _temporary_files() -> set[str]:
    return set(os.listdir(tempfile.gettempdir()))


@pytest.mark.parametrize("when", ["at the start", "among the data", "while saving"])
def test_a_cancel_leaves_no_file(export, tmp_path, when):
    open_database(export.db, create=False)
    seen: list[tuple[int, int]] = []

    def cancelled() -> bool:
        if not seen:
            return when == "at the start"
        done, total = seen[-1]
        return done > total // 3 if when == "among the data" else done >= total - 3

    before = _temporary_files()
    with pytest.raises(WorkbookCancelled):
        write_workbook(export.study_id, tmp_path / "out.xlsx",
                       progress=lambda done, total: seen.append((done, total)),
                       cancelled=cancelled)
    assert _leftovers(tmp_path) == set()
    assert {p for p in _temporary_files() - before if p.startswith("openpyxl")} == set()


def test_progress_runs_up_to_the_total(export, tmp_path):
    open_database(export.db, create=False)
    seen: list[tuple[int, int]] = []
    write_workbook(export.study_id, tmp_path / "out.xlsx",
                   progress=lambda done, total: seen.append((done, total)))
    assert len(seen) > 20 and len({total for _, total in seen}) == 1
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert seen[-1][0] == seen[-1][1]


def test_a_missing_folder_or_a_folder_in_the_way_leaves_no_file(export, tmp_path):
    open_database(export.db, create=False)
    with pytest.raises(StorageError) as missing:
        write_workbook(export.study_id, tmp_path / "nowhere" / "out.xlsx")
    assert "map bestaat niet" in missing.value.message
    (tmp_path / "taken.xlsx").mkdir()
    with pytest.raises(StorageError):
        write_workbook(export.study_id, tmp_path / "taken.xlsx")
    assert _leftovers(tmp_path) == {"taken.xlsx"} and not os.listdir(tmp_path / "taken.xlsx")


def test_english_labels_on_request(export, tmp_path):
    open_database(export.db, create=False)
    result = write_workbook(export.study_id, tmp_path / "en.xlsx", language="en")
    book = load_workbook(result.path, read_only=True)
    assert table(book["findings_bridge"])[0][:4] == ["Pillar", "Label", "n", "% improved"]
    labels = {e["variable"]: e["label"] for e in codebook(book) if e["sheet"] == "participants"}
    assert labels["code"] == "Participant code (pseudonymous)"
    assert table(book["participants"])[0][0] == "code"  # variable names stay the same


def test_spss_files_read_back_with_their_labels(export, book):
    pyreadstat = pytest.importorskip("pyreadstat")
    paths = {p.name: p for p in export.sav}
    assert set(paths) == {f"study-{name}.sav" for name in DATA_SHEETS}
    data, meta = pyreadstat.read_sav(str(paths["study-bridge_wide.sav"]), output_format="dict")
    assert meta.column_names == table(book["bridge_wide"])[0]
    labels = meta.column_names_to_labels
    assert labels["participant"] == "Code van de deelnemer (pseudoniem)"
    assert labels["huisvesting_intake"] == "Huisvesting – Intake"
    texts = meta.variable_value_labels["huisvesting_intake"]
    assert sorted(texts) == [1.0, 2.0, 3.0, 4.0, 5.0] and all(texts.values())
    assert meta.variable_measure["huisvesting_intake"] == "ordinal"
    at = data["participant"].index("007")
    assert data["huisvesting_intake"][at] == 2.0 and data["schulden_intake"][at] is None
    assert data["date_intake"][at] == dt.date(2018, 1, 15)
    sheet = records(book["bridge_wide"])
    assert [row["huisvesting_m12"] for row in sheet] == data["huisvesting_m12"]
    people, meta = pyreadstat.read_sav(str(paths["study-participants.sav"]),
                                       output_format="dict")
    at = people["code"].index("007")
    assert people["remarks"][at] == REMARK
    assert meta.variable_value_labels["status"]["consented"] == "Neemt deel"
    actions, meta = pyreadstat.read_sav(str(paths["study-actions.sav"]), output_format="dict")
    assert meta.variable_value_labels["rewardable"] == {0.0: "Nee", 1.0: "Ja"}
    assert all(isinstance(d, dt.date) for d in actions["agreed_on"])


def test_a_cancelled_spss_export_leaves_no_file(export, tmp_path):
    open_database(export.db, create=False)
    seen: list[int] = []

    def cancelled() -> bool:
        return len(seen) > 3

    with pytest.raises(WorkbookCancelled):
        write_sav(export.study_id, tmp_path / "out.xlsx",
                  progress=lambda done, _total: seen.append(done), cancelled=cancelled)
    assert _leftovers(tmp_path) == set()


def test_the_command_writes_the_workbook_and_the_spss_files(export, tmp_path, capsys):
    out = tmp_path / "export.xlsx"
    assert cli.main(["export-xlsx", "--db", str(export.db), "-o", str(out), "--sav"]) == 0
    printed = capsys.readouterr().out
    assert str(out) in printed and "SPSS" in printed
    assert out.exists() and (tmp_path / "export-bridge_wide.sav").exists()
    close_database()
    assert cli.main(["--lang", "en", "export-xlsx", "--db", str(export.db),
                     "-o", str(tmp_path / "missing" / "x.xlsx")]) == 1
    error = capsys.readouterr().err.strip()
    assert error.startswith("Error: ") and "folder does not exist" in error
    assert len(error.splitlines()) == 1


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_reads_the_same_values(export, book, tmp_path):
    """LibreOffice converts every sheet to UTF-8 CSV (sheet -1: all, one file each)."""
    home = tmp_path / "home"
    home.mkdir()
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{home}", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
         "--outdir", str(tmp_path), str(export.xlsx)],
        check=True, capture_output=True, timeout=120, env={**os.environ, "HOME": str(home)})
    written = {p.stem.removeprefix("study-"): p for p in tmp_path.glob("*.csv")}
    # cells as shown: texts, whole numbers, dates (yyyy-mm-dd) and percentages (0.0) compare
    # as written; p-values are shown rounded, so findings_bridge is compared up to the counts
    for name, width in (("participants", 6), ("bridge", 6), ("actions", 7),
                        ("findings_bridge", 9)):
        with open(written[name], encoding="utf-8", newline="") as handle:
            rows = [row[:width] for row in csv.reader(handle)]
        expected = [["" if v is None else _shown(v) for v in row[:width]]
                    for row in book[name].iter_rows(values_only=True)]
        assert rows == expected, name


def _shown(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def test_an_empty_study_exports_its_headers(study, tmp_path):
    result = write_workbook(study.id, tmp_path / "empty.xlsx")
    book = load_workbook(result.path)
    assert not any(name.startswith("q_") for name in book.sheetnames)  # the Bridge only
    for name in (name for name in DATA_SHEETS
                 if not name.startswith("q_") and name != "definitions"):
        assert book[name].max_row == 1 and result.rows[name] == 0, name
    assert study.name in [row[4] for row in table(book["definitions"])[1]]  # its settings
    assert table(book["participants"])[0][0] == "code"
    assert len(book["findings_levels"]._charts) == 8 and len(book["findings_bridge"]._charts) == 1
    assert [row[2] for row in table(book["findings_bridge"])[1]] == [0] * 8  # n, no figures
    sav = write_sav(study.id, tmp_path / "empty.xlsx")
    assert all(path.exists() for path in sav.paths)


# -- cells as Excel and SPSS take them ---------------------------------------------------------
def _sheet_xml(path: Path, title: str) -> str:
    """The XML of the sheet with this title, as written in the package."""
    with zipfile.ZipFile(path) as package:
        book = package.read("xl/workbook.xml").decode()
        rels = package.read("xl/_rels/workbook.xml.rels").decode()
        rid = re.search(rf'<sheet [^>]*name="{re.escape(title)}"[^>]*r:id="([^"]+)"', book)[1]
        target = re.search(rf'<Relationship [^>]*Id="{rid}"[^>]*/>', rels)[0]
        target = re.search(r'Target="([^"]+)"', target)[1].lstrip("/")
        return package.read(target if target.startswith("xl/") else f"xl/{target}").decode()


def test_text_and_date_columns_carry_their_format_on_the_column(book):
    """The column itself is formatted, not only its written cells: what is typed later below
    the data keeps its leading zeros (007), and 1-3 or 1E5 stay text."""
    participants = book["participants"]
    assert participants.column_dimensions["A"].number_format == "@"  # code
    assert participants.column_dimensions["F"].number_format == "@"  # remarks
    assert participants.column_dimensions["D"].number_format == "yyyy-mm-dd"  # inclusion_date
    assert book["bridge"].column_dimensions["C"].number_format == "yyyy-mm-dd"
    assert book["bridge"].column_dimensions["E"].number_format == "General"  # level: a number


def test_characters_xml_cannot_hold_are_dropped_not_fatal(study, tmp_path):
    """U+FFFF and U+FFFE (like control characters) are no XML: one in any text, or in the
    study's name in the file's properties, made the whole workbook unreadable."""
    from desktop.models.schema import Study

    participants.add_participant(study.id, participants.ParticipantInput(
        "P-1", study.sites[0].id, "consented", dt.date(2018, 1, 8), "", "a\uffffb"))
    participants.add_participant(study.id, participants.ParticipantInput(
        "P-2", study.sites[0].id, "consented", dt.date(2018, 1, 8), "", "c\ufffed\x01e"))
    Study.update(name="Pilot\uffff Alphen").where(Study.id == study.id).execute()
    result = write_workbook(study.id, tmp_path / "odd.xlsx")
    fast = load_workbook(result.path, read_only=True)
    remarks = {row[0]: row[5] for row in fast["participants"].iter_rows(min_row=2,
                                                                         values_only=True)}
    assert remarks == {"P-1": "ab", "P-2": "cde"}
    fast.close()
    assert load_workbook(result.path).properties.title == "Pilot Alphen"
    from reports.workbook.stream import excel_text
    assert excel_text("x\ud800y\udfffz") == "xyz"  # a lone surrogate: no UTF-8, no XML


def test_carriage_returns_and_escape_lookalikes_are_written_as_excel_reads_them(study,
                                                                                 tmp_path):
    """Excel reads _xHHHH_ in a cell's text as a character: a carriage return is written as
    its escape _x000D_ (a bare one reads back as a line feed) and typed text that looks like
    an escape has its "_" escaped, so Excel shows it as typed."""
    for code, remark in (("P-1", "crlf\r\nline"), ("P-2", "_x0041_"),
                         ("P-3", "a_x000D\rb"), ("P-4", "_X005f_x00e9_")):
        participants.add_participant(study.id, participants.ParticipantInput(
            code, study.sites[0].id, "consented", dt.date(2018, 1, 8), "", remark))
    xml = _sheet_xml(write_workbook(study.id, tmp_path / "cr.xlsx").path, "participants")
    assert "<t>crlf_x000D_\nline</t>" in xml
    assert "<t>_x005F_x0041_</t>" in xml
    assert "<t>a_x005F_x000D_x000D_b</t>" in xml
    assert "<t>_X005f_x005F_x00e9_</t>" in xml  # only _x (lower case) is an escape
    assert "\r" not in xml


def test_long_passages_fit_an_excel_cell_and_an_spss_string(study, tmp_path):
    """Excel counts a cell's 32,767 characters in UTF-16 code units (an emoji takes two), SPSS
    its 32,767-byte strings in bytes (ë, é and € take two or three): a passage cut at 32,767
    characters passed both, and the .sav could not be read at all."""
    pyreadstat = pytest.importorskip("pyreadstat")
    from desktop.models.services import codebook, codings, interviews

    person = participants.add_participant(study.id, participants.ParticipantInput(
        "P-1", study.sites[0].id, "consented", dt.date(2018, 1, 8)))
    code = codebook.add_code(study.id, "Lang", "Een lange passage")
    texts = {"ëé€" * 16_000: "Codeur A", "😀" * 20_000: "Codeur B"}
    for text, coder in texts.items():
        interview = interviews.add_interview(study.id, interviews.InterviewInput(
            participant_id=person, held_on=dt.date(2019, 3, 1), interviewer="M. de Vries",
            transcript=text))
        codings.add_coding(interview, code, coder, 0, len(text))
    result = write_workbook(study.id, tmp_path / "long.xlsx")
    by_coder = {r["coder"]: r["passage"] for r in records(load_workbook(
        result.path, read_only=True)["codings"])}
    for text, coder in texts.items():
        passage = by_coder[coder]
        assert text.startswith(passage)
        assert 32_000 < len(passage.encode("utf-16-le")) // 2 <= 32_767, coder
    sav = {p.name: p for p in write_sav(study.id, tmp_path / "long.xlsx").paths}
    data, _meta = pyreadstat.read_sav(str(sav["long-codings.sav"]), output_format="dict")
    for passage, coder in zip(data["passage"], data["coder"], strict=True):
        text = next(t for t, c in texts.items() if c == coder)
        assert text.startswith(passage) and 32_760 < len(passage.encode("utf-8")) <= 32_767
