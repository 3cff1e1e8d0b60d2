"""The PDF factsheet read back with pdftotext: every section, the figures of the findings, the
sentences agreeing with the tests, both languages, sites, empty studies and unwritable targets."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from desktop import cli
from desktop.models.demo import write_demo
from desktop.models.errors import StorageError
from desktop.models.services import bridge, narratives, participants, studies
from reports.factsheet import (
    FactsheetCancelled,
    FactsheetRequest,
    result_sentences,
    write_factsheet,
)
from reports.factsheet.sections import MAX_THEMES
from reports.factsheet.sentences import generated_sentences, interview_themes
from reports.factsheet.words import percent
from reports.findings import study_findings

TODAY = dt.date(2019, 6, 1)
HEADINGS_NL = ("Wat is Mobility Mentoring®?", "Deelnemers", "De Brug naar Zelfredzaamheid®",
               "Vooruitgang op de Brug naar Zelfredzaamheid®", "Vooruitgang per locatie",
               "Vooruitgang per pijler", "Financiële schaarste en kwaliteit van leven",
               "Inzet van beloningen", "Wat werkt volgens professionals",
               "Wat hielp volgens deelnemers?",
               "Inzichten over de invoering", "Aanbevelingen", "Over het onderzoek")
HEADINGS_EN = ("What is Mobility Mentoring®?", "Participants", "The Bridge to Self-Sufficiency®",
               "Progress on the Bridge to Self-Sufficiency®", "Progress per site",
               "Progress per pillar", "Financial scarcity and quality of life",
               "Use of rewards", "What works according to professionals",
               "What helped according to participants?",
               "Insights into the implementation", "Recommendations", "About the study")

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (poppler-utils) is installed by `make test`")


def pct(count: int, total: int) -> str:
    """The share as a reader rounds it (half up), computed here, apart from the app's code."""
    return f"{int(100 * count / total + 0.5)}%"


def shares(pillar: dict) -> tuple[str, str, str]:
    return tuple(pct(pillar["counts"][kind], pillar["n"])
                 for kind in ("improved", "stable", "declined"))


def pdf_text(path: Path) -> str:
    """The PDF's text with every run of white space as one space (lines wrap anywhere)."""
    output = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                            capture_output=True, text=True).stdout
    return " ".join(output.split())


def pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                          text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines()
                    if line.startswith("Pages:")))


@pytest.fixture
def demo(db) -> int:
    return write_demo(120, 2017, "nl")


def _write(tmp_path: Path, study_id: int, language: str = "nl", site_id: int | None = None,
           name: str = "factsheet.pdf"):
    target = tmp_path / name
    result = write_factsheet(FactsheetRequest(study_id, language, site_id, today=TODAY), target)
    return result, pdf_text(target)


def test_demo_factsheet_has_every_section_and_the_findings_figures(demo, tmp_path):
    result, text = _write(tmp_path, demo)
    assert result.pages == pages(result.path) >= 6
    for heading in HEADINGS_NL:
        assert heading in text, heading
    findings = study_findings(demo, today=TODAY, language="nl")
    response = findings["response"]
    assert (f"Van de {response['approached']} inwoners die voor het onderzoek benaderd werden, "
            f"hebben {response['participated']} mensen ({percent(response['percent'])})") in text
    for pillar in findings["bridge"]["pillars"]:
        mark = (" ‡" if pillar["direction"] == "declined" else " *") \
            if pillar["significant"] else ""
        assert f"{pillar['label']} (n={pillar['n']}){mark}" in text
        improved, stable, declined = shares(pillar)
        assert (f"{improved} van de deelnemers ging vooruit, {stable} bleef gelijk en "
                f"{declined} ging achteruit (n={pillar['n']})") in text
    top_five = findings["professionals"]["ranking"]["top_five"]
    for row in top_five:
        assert row["label"] in text
    themes = findings["interviews"]
    total = themes["coded_participant_interviews"]
    for row in interview_themes(themes)[:MAX_THEMES]:
        if row["participant_interviews"]:
            assert (f"{row['code']} — in {row['participant_interviews']} van de {total} "
                    f"interviews ({percent(row['participant_percent'])})") in text
    norm = findings["questionnaires"][0]["high"]["norm"]
    assert f"N={norm['n']:,}".replace(",", ".") in text  # Dutch thousands: N=1.115
    assert "Gemaakt met Brugmeter op 1 juni 2019" in text
    assert "pagina 1 van" in text


def test_english_factsheet(demo, tmp_path):
    result, text = _write(tmp_path, demo, "en")
    for heading in HEADINGS_EN:
        assert heading in text, heading
    findings = study_findings(demo, today=TODAY, language="en")
    for pillar in findings["bridge"]["pillars"]:
        assert f"{pillar['label']} (n={pillar['n']})" in text
        improved, stable, _ = shares(pillar)
        assert f"{improved} of the participants improved, {stable} stayed the same" in text
    assert "N=1,115" in text and "Made with Brugmeter on 1 June 2019" in text
    assert "Vooruitgang" not in text


def test_the_font_is_embedded_and_dutch_characters_survive(demo, tmp_path):
    sample = "De deelnemers’ ideeën over het café, naïef of niet: Brug®."
    narratives.save_narrative(demo, "about_method", "nl", sample)
    result, text = _write(tmp_path, demo)
    fonts = subprocess.run(["pdffonts", str(result.path)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts)  # every font embedded
    for word in (sample, "Financiële", "Mobility Mentoring®", "continuïteitscorrectie"):
        assert word in text


def _significance_parts(sentence: str) -> tuple[str, str]:
    """The part naming pillars with significant progress, and the rest."""
    start = "Deelnemers boeken significante vooruitgang op de pijlers "
    if start not in sentence:
        return "", sentence
    head, tail = sentence.split(start, 1)
    listed, rest = tail.split(".", 1)
    return listed, head + rest


@pytest.mark.parametrize("seed,size", [(1, 40), (7, 60), (2017, 120), (42, 25)])
def test_sentences_never_call_a_result_significant_that_is_not(db, seed, size):
    study_id = write_demo(size, seed, "nl")
    findings = study_findings(study_id, today=TODAY, language="nl")
    sentences = {s.key: s.text for s in generated_sentences(findings, "nl")}
    listed, rest = _significance_parts(sentences["significance"])
    for pillar in findings["bridge"]["pillars"]:
        name = pillar["label"].lower()
        significant_progress = pillar["significant"] and pillar["direction"] == "improved"
        assert (name in listed) == significant_progress, (seed, name)
        if pillar["n"]:
            words = sentences[f"pillar.{pillar['pillar']}"]
            assert ("De vooruitgang is significant" in words) == significant_progress
            assert ("niet significant" in words) == (pillar["p_holm"] is not None
                                                     and not pillar["significant"])
            if pillar["p_holm"] is None:
                assert "Te weinig paren" in words and name in rest
    lead = "Er was een significante vooruitgang op "
    for questionnaire in findings["questionnaires"]:
        text = sentences[f"questionnaire.{questionnaire['instrument']}"]
        listed = text.split(lead, 1)[1].split(".")[0] if lead in text else ""
        for scale in questionnaire["scales"]:
            progress = scale["significant"] and scale["direction"] == "improved"
            assert (scale["label"] in listed) == progress, (seed, scale["label"])
    rewards = findings["rewards"]["overall"]
    if "rewards" in sentences and rewards["p"] is not None:
        assert ("is significant" in sentences["rewards"]) == rewards["significant"]


def test_progress_sentence_groups_pillars_by_the_printed_percentage(demo):
    findings = study_findings(demo, today=TODAY, language="nl")
    sentence = next(s.text for s in generated_sentences(findings, "nl") if s.key == "progress")
    large = sentence.split("boeken grote groepen")[0]
    for pillar in findings["bridge"]["pillars"]:
        shown = int(shares(pillar)[0][:-1])
        assert (pillar["label"].lower() in large) == (shown >= 33), pillar["label"]


def test_site_edition_and_the_comparison_of_sites(demo, tmp_path):
    study = studies.get_study(demo)
    gouda = next(site for site in study.sites if site.name == "Gouda")
    result, text = _write(tmp_path, demo, site_id=gouda.id, name="gouda.pdf")
    assert "locatie Gouda" in text
    assert "Vooruitgang per locatie" not in text  # one site: nothing to compare
    site_findings = study_findings(demo, today=TODAY, language="nl", site_id=gouda.id)
    for pillar in site_findings["bridge"]["pillars"]:
        assert f"{pillar['label']} (n={pillar['n']})" in text
    assert site_findings["response"]["participated"] < 120

    whole = study_findings(demo, today=TODAY, language="nl")
    _, text = _write(tmp_path, demo)
    for site in whole["sites"]:
        for cell in site["pillars"]:
            mark = "*" if cell["significant"] else ("†" if cell["p_holm"] is None else "")
            assert f"{pct(cell['counts']['improved'], cell['n'])} (n={cell['n']}){mark}" in text


def test_a_site_below_the_minimum_is_shown_without_a_test(study, tmp_path):
    """Leiden has three pairs: its cells carry † and no p; Alphen has enough for a test."""
    for index in range(12):
        site = study.sites[0] if index < 9 else study.sites[1]
        pid = participants.add_participant(study.id, participants.ParticipantInput(
            f"P{index:02}", site.id, "consented", dt.date(2018, 1, 8)))
        bridge.save_assessment(pid, study.moments[0].id, dt.date(2018, 1, 10),
                               {"huisvesting": 2})
        bridge.save_assessment(pid, study.moments[2].id, dt.date(2019, 1, 10),
                               {"huisvesting": 2 + index % 3})
    findings = study_findings(study.id, today=TODAY)
    leiden = next(site for site in findings["sites"] if site["site"] == "Leiden")
    housing = next(cell for cell in leiden["pillars"] if cell["pillar"] == "huisvesting")
    assert housing["n"] == 3 and housing["p"] is None and housing["test_note"]
    _, text = _write(tmp_path, study.id)
    assert f"{pct(housing['counts']['improved'], 3)} (n=3)†" in text


def test_an_empty_study_gives_a_short_factsheet_that_says_what_is_missing(study, tmp_path):
    result, text = _write(tmp_path, study.id)
    assert result.pages >= 1
    assert "Er zijn nog geen deelnemers ingevoerd." in text
    assert "Er zijn nog geen deelnemers met zowel een intake als een latere meting" in text
    assert "Niet opgenomen omdat er (nog) geen gegevens zijn" in text
    sections = text.split("Over het onderzoek")[0]
    assert "Vooruitgang per pijler" not in sections and "Inzet van beloningen" not in sections


def test_a_study_with_only_intake_data(study, tmp_path):
    for index in range(8):
        pid = participants.add_participant(study.id, participants.ParticipantInput(
            f"I{index}", study.sites[0].id, "consented", dt.date(2018, 1, 8)))
        bridge.save_assessment(pid, study.moments[0].id, dt.date(2018, 1, 10),
                               {"huisvesting": 2, "inkomen": 3})
    _, text = _write(tmp_path, study.id)
    assert "hebben 8 mensen (100%) daadwerkelijk meegedaan" in text
    assert "Er zijn nog geen deelnemers met zowel een intake als een latere meting" in text


def test_researchers_texts_and_edited_sentences(demo, tmp_path):
    narratives.save_narrative(demo, "introduction", "nl",
                              "In {municipality} begon de **pilot** in {period_start}.")
    narratives.save_narrative(demo, "recommendations", "nl", "")
    request = FactsheetRequest(demo, "nl", today=TODAY)
    row = next(r for r in result_sentences(request) if r.key == "progress")
    narratives.save_sentence(demo, "nl", None, "progress", "Onze eigen zin over de pijlers.",
                             row.generated)
    result, text = _write(tmp_path, demo)
    assert "In Alphen aan den Rijn begon de pilot in december 2017." in text
    assert "Onze eigen zin over de pijlers." in text
    assert "Aanbevelingen" not in text  # an empty text leaves the section out
    assert not any("Inleiding" in warning for warning in result.warnings)

    narratives.save_sentence(demo, "nl", None, "progress", "Onze eigen zin over de pijlers.",
                             "een zin bij andere cijfers")
    result, text = _write(tmp_path, demo, name="stale.pdf")
    assert "Onze eigen zin" not in text and row.generated.split(" (n=")[0] in text
    assert any("oudere cijfers" in warning for warning in result.warnings)
    stale = next(r for r in result_sentences(request) if r.key == "progress")
    assert stale.stale and stale.edited == "Onze eigen zin over de pijlers."


def test_a_cancel_leaves_no_file(demo, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    target = out / "cancelled.pdf"
    calls = []

    def cancel_after_some() -> bool:
        calls.append(1)
        return len(calls) > 5

    with pytest.raises(FactsheetCancelled):
        write_factsheet(FactsheetRequest(demo, today=TODAY), target,
                        cancelled=cancel_after_some)
    with pytest.raises(FactsheetCancelled):  # while the pages are laid out
        write_factsheet(FactsheetRequest(demo, today=TODAY), target,
                        cancelled=lambda: len(calls.append(1) or calls) > 25)
    assert list(out.iterdir()) == []


def test_progress_is_reported_to_the_end(demo, tmp_path):
    seen: list[tuple[int, int]] = []
    write_factsheet(FactsheetRequest(demo, today=TODAY), tmp_path / "f.pdf",
                    progress=lambda done, total: seen.append((done, total)))
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1]
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_a_target_that_cannot_be_written_gets_a_clear_message(demo, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    with pytest.raises(StorageError) as error:
        write_factsheet(FactsheetRequest(demo, today=TODAY), tmp_path / "missing" / "f.pdf")
    assert "bestaat niet" in error.value.message
    folder = tmp_path / "taken.pdf"
    folder.mkdir()  # a folder where the file should go
    with pytest.raises(StorageError):
        write_factsheet(FactsheetRequest(demo, today=TODAY), folder)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.pdf"]
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        with pytest.raises(StorageError):
            write_factsheet(FactsheetRequest(demo, today=TODAY), locked / "f.pdf")
        assert list(locked.iterdir()) == []


def test_long_names_and_texts_stay_inside_the_page(db, tmp_path):
    long_name = "Evaluatie van de gezamenlijke invoering van Mobility Mentoring® " * 3
    study_id = studies.create_study(studies.StudyInput(
        name=long_name.strip()[:200], municipality="Súdwest-Fryslân", sites=["Één", "Twee"]))
    narratives.save_narrative(study_id, "about_method", "nl",
                              "Ë" + "zeer lang woord" * 300)
    narratives.save_narrative(study_id, "recommendations", "nl", "Significant bij α = 0,05")
    result, text = _write(tmp_path, study_id)
    assert "Súdwest-Fryslân" in text and result.pages >= 1
    assert any("α" in warning for warning in result.warnings)  # Vera has no Greek


def test_cli_factsheet(demo, db_path, tmp_path, capsys):
    target = tmp_path / "cli.pdf"
    assert cli.main(["factsheet", "--db", str(db_path), "-o", str(target), "--lang", "en",
                     "--site", "leiden"]) == 0
    out = capsys.readouterr()
    assert str(target) in out.out and "Brugmeter's template" in out.err
    assert "site Leiden" in pdf_text(target)
    assert cli.main(["factsheet", "--db", str(db_path), "-o", str(target),
                     "--site", "Nergens"]) == 2
    assert "Nergens" in capsys.readouterr().err
    assert cli.main(["factsheet", "--db", str(db_path), "-o",
                     str(tmp_path / "no" / "x.pdf")]) == 1


def test_findings_json_carries_the_site_comparison(demo, db_path, capsys):
    assert cli.main(["findings", "--db", str(db_path), "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert [site["site"] for site in found["sites"]] == ["Alphen aan den Rijn", "Gouda",
                                                         "Leiden", "Zoetermeer"]
    for index, pillar in enumerate(found["bridge"]["pillars"]):
        assert sum(site["pillars"][index]["n"] for site in found["sites"]) == pillar["n"]


def test_long_category_labels_are_wrapped_or_shortened_to_their_room():
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from reports.factsheet import charts, style

    style.register_fonts()
    label = "Financiële zelfredzaamheid en schuldhulpverlening in het hele huishouden (n=100) *"
    fitted = charts.fit_label(label, 150, 8)
    lines = fitted.split("\n")
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(stringWidth(line, style.FONT, 8) <= 150 for line in lines)
    assert charts.fit_label("Inkomen (n=49) *", 150, 8) == "Inkomen (n=49) *"


def _pairs(study, plan: dict[str, list[tuple[int, int]]], site_of=lambda index: 0) -> None:
    """Participants with an intake and a 12-month level per pillar: plan[pillar] = pairs."""
    people = max(len(pairs) for pairs in plan.values())
    for index in range(people):
        pid = participants.add_participant(study.id, participants.ParticipantInput(
            f"S{index:03}", study.sites[site_of(index)].id, "consented", dt.date(2018, 1, 8)))
        intake = {pillar: pairs[index][0] for pillar, pairs in plan.items() if index < len(pairs)}
        last = {pillar: pairs[index][1] for pillar, pairs in plan.items() if index < len(pairs)}
        bridge.save_assessment(pid, study.moments[0].id, dt.date(2018, 1, 10), intake)
        bridge.save_assessment(pid, study.moments[2].id, dt.date(2019, 1, 10), last)


def test_a_significant_decline_is_called_a_decline_and_marked_apart(study, tmp_path):
    _pairs(study, {"huisvesting": [(4, 2)] * 10 + [(3, 3)] * 2,
                   "inkomen": [(2, 4)] * 11 + [(3, 2)],
                   "sparen": [(2, 2)] * 12})
    findings = study_findings(study.id, today=TODAY)
    housing = next(p for p in findings["bridge"]["pillars"] if p["pillar"] == "huisvesting")
    assert housing["significant"] and housing["direction"] == "declined"
    sentences = {s.key: s.text for s in generated_sentences(findings, "nl")}
    assert "Op huisvesting gaan deelnemers significant achteruit." in sentences["significance"]
    assert "op de pijler inkomen." in sentences["significance"]  # one pillar: singular
    assert "De achteruitgang is significant" in sentences["pillar.huisvesting"]
    assert "Op huisvesting en sparen ging niemand vooruit." in sentences["progress"]
    assert "kleine groep" not in sentences["progress"]  # 0% is nobody, not a small group
    _, text = _write(tmp_path, study.id)
    assert "Huisvesting (n=12) ‡" in text and "Inkomen (n=12) *" in text


def test_implementation_bullets_do_not_need_interviews(demo, tmp_path):
    from desktop.models.schema import Coding, Interview

    Coding.delete().execute()
    Interview.delete().execute()
    findings = study_findings(demo, today=TODAY)
    keys = [s.key for s in generated_sentences(findings, "nl")]
    assert "fidelity" in keys and any(key.startswith("likert.") for key in keys)
    assert "interviews" not in keys
    _, text = _write(tmp_path, demo)
    assert "Professionals pasten gemiddeld" in text
    assert "Wat hielp volgens deelnemers?" not in text.split("Over het onderzoek")[0]
    assert "de interviews met deelnemers." in text  # named among what was left out


def test_chart_labels_print_what_the_sentences_say(demo, tmp_path):
    findings = study_findings(demo, today=TODAY)
    high = findings["questionnaires"][0]["high"]
    printed = pct(high["intake"]["high"], high["intake"]["n"])
    sentences = {s.key: s.text for s in generated_sentences(findings, "nl")}
    assert f"bij de intake {printed} (n={high['intake']['n']})" in \
        sentences["questionnaire.financial_scarcity.high"]
    _, text = _write(tmp_path, demo)
    assert text.count(printed) >= 2  # the bar's label and the sentence
    rewards = findings["rewards"]["overall"]
    compared = sum(group["n"] for group in rewards["groups"])
    assert f"voor de {compared} acties van soorten waarvoor beloond kon worden" in text
    for group in rewards["groups"]:
        assert f"(n={group['done']} uitgevoerde acties)" in text


def test_more_sites_than_fit_one_table_get_a_second_table(db, tmp_path):
    study_id = studies.create_study(studies.StudyInput(
        name="Netwerk", sites=[f"Gemeente {letter}" for letter in "ABCDEFG"]))
    study = studies.get_study(study_id)
    _pairs(study, {"inkomen": [(2, 3), (2, 2), (3, 4)] * 7}, site_of=lambda index: index % 7)
    _, text = _write(tmp_path, study_id)
    for letter in "ABCDEFG":
        assert f"Gemeente {letter}" in text
    assert text.count("Pijler") >= 2  # two tables, each with its header


def test_the_footer_name_never_runs_into_the_date(db, tmp_path):
    name = "Een zeer lange naam van een studie naar Mobility Mentoring in vele gemeenten " * 2
    study_id = studies.create_study(studies.StudyInput(name=name.strip()[:200]))
    result, _ = _write(tmp_path, study_id)
    boxes = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(result.path), "-"],
                           check=True, capture_output=True, text=True).stdout
    footer = [line for line in boxes.splitlines() if 'yMin="80' in line]
    assert footer  # the footer line, 1 cm above the bottom of the page
    words = [(float(line.split('xMin="')[1].split('"')[0]),
              float(line.split('xMax="')[1].split('"')[0]), line.rsplit(">", 2)[-2][:-6])
             for line in footer]
    made = min(x for x, _, word in words if word == "Gemaakt")
    assert all(x_max < made for x_min, x_max, word in words if x_min < made)


@pytest.mark.parametrize("seed,size", [(5, 300), (1, 8), (3, 30)])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_catalogue_key_shows_through(db, tmp_path, seed, size, language):
    """Every text the factsheet asks for exists: a missing key would print as itself."""
    study_id = write_demo(size, seed, language)
    _, text = _write(tmp_path, study_id, language)
    assert "factsheet." not in text
