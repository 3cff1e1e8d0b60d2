"""The data-quality report: each check on a real study with planted problems (exact rows), a
clean study without findings, the seed-2017 demo, and `brugmeter check` as text and JSON.

Problems the forms refuse (an assessment dated before the one of the moment before it, an
action done before it was agreed, an answer missing without its reason) are planted straight
into the tables, as an older version of the app or another tool could have left them.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from desktop import i18n
from desktop.cli import main
from desktop.models.database import close_database
from desktop.models.demo import write_demo
from desktop.models.schema import Action, Participant, Response, ResponseValue
from desktop.models.services import (
    actions,
    participants,
    professionals,
    quality,
    responses,
    studies,
    surveys,
)
from desktop.models.services.instrument_library import study_instrument

BRIDGE = "Brug naar Zelfredzaamheid®"
QOL = "Kwaliteit van leven"
INTAKE, M6, M12 = "Intake", "6 maanden", "12 maanden / laatste contact"


@pytest.fixture
def qstudy(db) -> studies.StudyInfo:
    """A study using the Bridge and the quality-of-life questionnaire, at two sites."""
    study_id = studies.create_study(studies.StudyInput(
        name="Kwaliteit", sites=["Alphen", "Leiden"],
        instrument_keys=("bridge", "quality_of_life")))
    return studies.get_study(study_id)


def _moment(study: studies.StudyInfo, key: str) -> int:
    return next(moment.id for moment in study.moments if moment.key == key)


def _person(study: studies.StudyInfo, code: str, included: dt.date | None = dt.date(2018, 1, 8),
            status: str = "consented", site: int = 0) -> int:
    return participants.add_participant(study.id, participants.ParticipantInput(
        code, study.sites[site].id, status, included))


def _bridge(study: studies.StudyInfo, pid: int, moment: str, day: dt.date,
            **levels: int | None) -> int:
    _, definition = study_instrument(study.id, "bridge")
    answers = {item: levels.get(item, 3) for item in definition.item_keys}
    return responses.save_response(pid, _moment(study, moment), "bridge", day, answers)


QOL_ITEMS = ("gezondheid", "zorgen", "wonen", "financien", "dagbesteding", "sociaal", "gezin",
             "vrije_tijd", "veiligheid", "leven")


def _qol(study: studies.StudyInfo, pid: int, moment: str, day: dt.date,
         missing: tuple[str, ...] = ()) -> int:
    answers = {item: "not_answered" if item in missing else 4 for item in QOL_ITEMS}
    return responses.save_response(pid, _moment(study, moment), "quality_of_life", day, answers)


def _rows(report: quality.QualityReport, check: str | None = None) -> list[tuple]:
    return [(f.severity, f.subject, f.moment, f.instrument, f.text) for f in report.findings
            if check is None or f.check == check]


# missing moments ----------------------------------------------------------------------------
def test_missing_moments_are_the_due_ones_of_those_taking_part(qstudy):
    complete = _person(qstudy, "AL-001")
    _bridge(qstudy, complete, "intake", dt.date(2018, 1, 10))
    _qol(qstudy, complete, "intake", dt.date(2018, 1, 10))
    _bridge(qstudy, complete, "m6", dt.date(2018, 7, 9))  # the questionnaire was skipped
    nothing = _person(qstudy, "AL-002", dt.date(2018, 3, 1))  # 6 months due on the day
    not_yet = _person(qstudy, "AL-003", dt.date(2018, 3, 2))  # 6 months due tomorrow
    withdrew = _person(qstudy, "AL-004", dt.date(2018, 1, 15), "withdrawn")
    _bridge(qstudy, withdrew, "intake", dt.date(2018, 1, 20))
    _qol(qstudy, withdrew, "intake", dt.date(2018, 1, 20))  # then left: 6 months not due
    came_back = _person(qstudy, "AL-005", dt.date(2018, 1, 15), "withdrawn")
    _bridge(qstudy, came_back, "m6", dt.date(2018, 7, 20))  # measured later: intake was due
    _qol(qstudy, came_back, "m6", dt.date(2018, 7, 20))
    _person(qstudy, "AL-006", None)
    _person(qstudy, "AL-007", None, "declined")
    report = quality.run_checks(qstudy.id, dt.date(2018, 9, 1))
    assert _rows(report) == [
        ("warning", "AL-002", INTAKE, f"{BRIDGE}, {QOL}",
         "2 van 2 instrumenten niet ingevuld; de meting was te verwachten vanaf 01-03-2018."),
        ("warning", "AL-002", M6, f"{BRIDGE}, {QOL}",
         "2 van 2 instrumenten niet ingevuld; de meting was te verwachten vanaf 01-09-2018."),
        ("warning", "AL-003", INTAKE, f"{BRIDGE}, {QOL}",
         "2 van 2 instrumenten niet ingevuld; de meting was te verwachten vanaf 02-03-2018."),
        ("warning", "AL-005", INTAKE, f"{BRIDGE}, {QOL}",
         "2 van 2 instrumenten niet ingevuld; de meting was te verwachten vanaf 15-01-2018."),
        ("warning", "AL-006", "", "", "Geen inclusiedatum: niet te zeggen welke metingen al "
         "hadden moeten plaatsvinden."),
        ("review", "AL-001", M6, QOL,
         "1 van 2 instrumenten niet ingevuld; de meting was te verwachten vanaf 08-07-2018."),
    ]
    assert report.counts == {"missing_moments": 6, "date_order": 0, "impossible_jumps": 0,
                             "duplicate_codes": 0, "incomplete_responses": 0,
                             "double_entry_agreement": 0, "double_entry_waiting": 0}
    first = report.findings[0]
    assert (first.participant_ids, first.moment_id, first.instrument_key) == (
        (nothing,), _moment(qstudy, "intake"), "bridge")
    assert report.findings[-1].instrument_key == "quality_of_life"
    assert not_yet not in {f.participant_ids[0] for f in report.findings if f.moment == M6}
    assert not report.has_errors


def test_a_month_later_runs_to_the_last_day_of_a_shorter_month():
    assert quality.add_months(dt.date(2018, 8, 31), 6) == dt.date(2019, 2, 28)
    assert quality.add_months(dt.date(2019, 8, 31), 6) == dt.date(2020, 2, 29)
    assert quality.add_months(dt.date(2018, 7, 15), 6) == dt.date(2019, 1, 15)
    assert quality.add_months(dt.date(2018, 1, 8), 0) == dt.date(2018, 1, 8)


# dates out of order -------------------------------------------------------------------------
def test_dates_out_of_order_before_inclusion_and_actions_done_before_agreed(qstudy):
    early = _person(qstudy, "AL-001")  # included 08-01-2018
    _bridge(qstudy, early, "intake", dt.date(2018, 1, 10))
    six = _bridge(qstudy, early, "m6", dt.date(2018, 7, 10))
    _bridge(qstudy, early, "m12", dt.date(2019, 1, 10))
    Response.update(assessed_on=dt.date(2018, 1, 5)).where(Response.id == six).execute()
    same = _person(qstudy, "AL-002", dt.date(2018, 2, 1))
    _bridge(qstudy, same, "intake", dt.date(2018, 2, 5))
    _bridge(qstudy, same, "m6", dt.date(2018, 2, 5))  # the form lets one day through
    moved = _person(qstudy, "AL-003", dt.date(2018, 2, 1))
    intake = _qol(qstudy, moved, "intake", dt.date(2018, 2, 20))
    Participant.update(inclusion_date=dt.date(2018, 3, 1)).where(
        Participant.id == moved).execute()
    fine = _person(qstudy, "AL-004")
    _bridge(qstudy, fine, "intake", dt.date(2018, 1, 9))
    _bridge(qstudy, fine, "m6", dt.date(2018, 7, 9))
    kind = actions.action_types(qstudy.id)[0]
    done_early = actions.add_action(fine, actions.ActionInput(
        kind.id, dt.date(2018, 5, 1), dt.date(2018, 5, 20)))
    Action.update(done_on=dt.date(2018, 4, 20)).where(Action.id == done_early).execute()
    agreed_early = actions.add_action(fine, actions.ActionInput(kind.id, dt.date(2018, 2, 1)))
    Action.update(agreed_on=dt.date(2017, 12, 24)).where(Action.id == agreed_early).execute()
    actions.add_action(fine, actions.ActionInput(kind.id, dt.date(2018, 3, 1),
                                                 dt.date(2018, 3, 1)))  # same day: fine
    report = quality.run_checks(qstudy.id, dt.date(2018, 3, 1), only=["date_order"])
    label = kind.label["nl"]
    assert _rows(report) == [
        ("error", "AL-001", M6, BRIDGE,
         "Gedateerd 05-01-2018, 3 dagen vóór de inclusiedatum 08-01-2018."),
        ("error", "AL-001", M6, BRIDGE,
         "Gedateerd 05-01-2018, 5 dagen vóór de meting Intake van 10-01-2018."),
        ("error", "AL-003", INTAKE, QOL,
         "Gedateerd 20-02-2018, 9 dagen vóór de inclusiedatum 01-03-2018."),
        ("error", "AL-004", "", "",
         f"Actie '{label}' gedaan op 20-04-2018, 11 dagen vóór de afspraak op 01-05-2018."),
        ("error", "AL-004", "", "",
         f"Actie '{label}' afgesproken op 24-12-2017, 15 dagen vóór de inclusiedatum "
         "08-01-2018."),
        ("warning", "AL-002", M6, BRIDGE, "Gedateerd 05-02-2018, dezelfde dag als de meting "
         "Intake."),
    ]
    assert [f.record for f in report.findings] == [
        ("response", six), ("response", six), ("response", intake), ("action", done_early),
        ("action", agreed_early), ("response", report.findings[-1].record[1])]
    assert report.has_errors and list(report.counts) == list(quality.CHECKS)


# impossible jumps ---------------------------------------------------------------------------
def test_jumps_of_three_levels_within_seven_months_are_flagged_for_a_second_look(qstudy):
    jumper = _person(qstudy, "AL-001")
    _bridge(qstudy, jumper, "intake", dt.date(2018, 1, 10), huisvesting=1, gezondheid=5,
            sparen=2)
    later = _bridge(qstudy, jumper, "m6", dt.date(2018, 7, 9), huisvesting=5, gezondheid=2,
                    sparen=4)
    slow = _person(qstudy, "AL-002")  # 1 → 4 over a year, with the pillar skipped between
    _bridge(qstudy, slow, "intake", dt.date(2018, 1, 10), huisvesting=1)
    _bridge(qstudy, slow, "m6", dt.date(2018, 7, 10), huisvesting=None)
    _bridge(qstudy, slow, "m12", dt.date(2019, 1, 10), huisvesting=4)
    early = _person(qstudy, "AL-003")  # the 12-month conversation held after 7 months
    _bridge(qstudy, early, "intake", dt.date(2018, 1, 10), schulden=1)
    _bridge(qstudy, early, "m12", dt.date(2018, 8, 12), schulden=4)  # 214 days: still flagged
    edge = _person(qstudy, "AL-004")
    _bridge(qstudy, edge, "intake", dt.date(2018, 1, 10), schulden=1)
    _bridge(qstudy, edge, "m6", dt.date(2018, 8, 13), schulden=4)  # 215 days: not
    report = quality.run_checks(qstudy.id, dt.date(2018, 1, 8), only=["impossible_jumps"])
    assert _rows(report) == [
        ("review", "AL-001", M6, BRIDGE, "Gezondheid: van niveau 5 (Intake) naar 2 in 180 "
         "dagen; kijk het papieren formulier na."),
        ("review", "AL-001", M6, BRIDGE, "Huisvesting: van niveau 1 (Intake) naar 5 in 180 "
         "dagen; kijk het papieren formulier na."),
        ("review", "AL-003", M12, BRIDGE, "Schulden: van niveau 1 (Intake) naar 4 in 214 "
         "dagen; kijk het papieren formulier na."),
    ]
    assert report.findings[0].record == ("response", later)
    assert not report.has_errors


# duplicate-looking codes --------------------------------------------------------------------
@pytest.mark.parametrize(("first", "second"), [
    ("AL-001", "al_001"), ("AL-001", "AL 001"), ("AL.001", "AL001"), ("BX-1O", "BX-10"),
    ("KI-7", "Kl-7"), ("KI-7", "K1-7"), ("O1", "0I"),
])
def test_codes_that_fold_to_one_skeleton(first, second):
    assert quality.fold_code(first) == quality.fold_code(second)


def test_look_alike_pairs_leave_numbered_neighbours_alone():
    codes = [(1, "D00012", 1), (2, "D00013", 1), (3, "D00112", 1), (4, "GH-1", 1),
             (5, "GH-11", 1), (6, "EF-01", 1), (7, "EF-1", 1), (8, "MNP-12", 1),
             (9, "MP-12", 1), (10, "MNQ-12", 1), (11, "MNR-12", 2), (12, "AL-001", 1),
             (13, "al001", 2), (14, "D0001O", 1), (15, "D00011", 1)]
    pairs = [(reason, a.code, b.code) for reason, a, b in quality.look_alike_pairs(codes)]
    assert pairs == [  # D0001O reads as D00010, not as a slip away from D00011
        ("folded", "AL-001", "al001"),
        ("one_apart", "EF-01", "EF-1"),
        ("one_apart", "MNP-12", "MNQ-12"),
        ("one_apart", "MNP-12", "MP-12"),
    ]


def test_duplicate_codes_of_participants_and_professionals_each_pair_once(qstudy):
    alphen, leiden = 0, 1
    for code, site in (("AL-001", alphen), ("al_001", leiden), ("AL.0O1", leiden),
                       ("MNP-12", alphen), ("MP-12", alphen), ("MNR-12", leiden),
                       ("D00012", alphen), ("D00013", alphen)):
        _person(qstudy, code, site=site)
    for code in ("P0001", "PO001", "P0002"):
        professionals.add_professional(qstudy.id, professionals.ProfessionalInput(
            code, site_id=qstudy.sites[0].id))
    report = quality.run_checks(qstudy.id, dt.date(2017, 1, 1), only=["duplicate_codes"])
    folded = ("{a} en {b} ({kind}) zijn gelijk als hoofdletters, spaties, streepjes, punten "
              "en O/0, I/1/l niet tellen.")
    assert _rows(report) == [
        ("warning", "AL-001 / AL.0O1", "", "",
         folded.format(a="AL-001", b="AL.0O1", kind="deelnemers")),
        ("warning", "AL-001 / al_001", "", "",
         folded.format(a="AL-001", b="al_001", kind="deelnemers")),
        ("warning", "AL.0O1 / al_001", "", "",
         folded.format(a="AL.0O1", b="al_001", kind="deelnemers")),
        ("warning", "MNP-12 / MP-12", "", "", "MNP-12 en MP-12 (deelnemers) verschillen één "
         "teken, bij dezelfde locatie (Alphen)."),
        ("warning", "P0001 / PO001", "", "",
         folded.format(a="P0001", b="PO001", kind="professionals")),
    ]
    assert report.findings[-1].professional_ids and not report.findings[-1].participant_ids
    assert len(report.findings[0].participant_ids) == 2


# incomplete responses -----------------------------------------------------------------------
def test_incomplete_questionnaires_and_partial_surveys(qstudy):
    pid = _person(qstudy, "AL-001")
    _bridge(qstudy, pid, "intake", dt.date(2018, 1, 10), sparen=None, inkomen=None)
    one = _qol(qstudy, pid, "intake", dt.date(2018, 1, 10), missing=("zorgen",))
    three = _qol(qstudy, pid, "m6", dt.date(2018, 7, 10), missing=("zorgen", "wonen", "gezin"))
    ResponseValue.update(missing_reason=None).where(
        (ResponseValue.response == three) & (ResponseValue.item == "gezin")).execute()
    other = _person(qstudy, "AL-002")
    _qol(qstudy, other, "intake", dt.date(2018, 1, 10))  # complete
    professional = professionals.add_professional(qstudy.id, professionals.ProfessionalInput(
        "P0001"))
    definition = surveys.study_survey(qstudy.id).definition
    first, second = definition.element_keys[:2]
    surveys.save_survey_response(professional, surveys.SurveyAnswers(
        ranks={first: 1, second: 2}, likert={definition.likert_keys[0]: 4}))
    report = quality.run_checks(qstudy.id, dt.date(2018, 1, 8), only=["incomplete_responses"])
    assert _rows(report) == [
        ("warning", "AL-001", M6, QOL, "3 van 10 vragen niet beantwoord (2 met reden); niet "
         "te berekenen: Kwaliteit van leven (totaal)."),
        ("review", "AL-001", INTAKE, QOL, "1 van 10 vragen niet beantwoord (1 met reden); "
         "alle schalen zijn te berekenen."),
        ("review", "P0001", "", definition.title(),
         f"Gedeeltelijk ingevuld: 2 van {definition.places} plaatsen gerangschikt, 1 van "
         f"{len(definition.likert_keys)} stellingen, 0 van {len(definition.step_keys)} "
         "stappen."),
    ]
    assert [f.record[0] for f in report.findings] == ["response", "response",
                                                      "survey_response"]
    assert report.findings[0].record == ("response", three)
    assert report.findings[1].record == ("response", one)


# clean data, the demo -----------------------------------------------------------------------
def test_a_clean_study_has_no_findings_in_either_language(qstudy, capsys):
    pid = _person(qstudy, "AL-001")
    for key, day in (("intake", dt.date(2018, 1, 10)), ("m6", dt.date(2018, 7, 10)),
                     ("m12", dt.date(2019, 1, 10))):
        _bridge(qstudy, pid, key, day)
        _qol(qstudy, pid, key, day)
    _person(qstudy, "AL-002", None, "declined")
    report = quality.run_checks(qstudy.id, dt.date(2019, 3, 1))
    assert report.findings == () and set(report.counts.values()) == {0}
    assert quality.run_checks(qstudy.id).findings == ()  # due today: no more moments
    from desktop.cli_check import report_text

    assert report_text("Kwaliteit", report).endswith("Geen problemen gevonden.\n")
    i18n.set_language("en")
    assert report_text("Kwaliteit", report) == (
        "Data quality of Kwaliteit (as of 2019-03-01)\n\nNo problems found.\n")


def test_the_seed_2017_demo_shows_only_its_genuine_gaps(db):
    study_id = write_demo(120, 2017)
    report = quality.run_checks(study_id)
    counts = report.counts
    # its dates are in order, its jumps at most two levels, its codes D00001… numbered
    assert counts["date_order"] == counts["impossible_jumps"] == counts["duplicate_codes"] == 0
    study = studies.get_study(study_id)
    keys = {moment.id: moment for moment in study.moments}
    for finding in report.findings:
        if finding.message == "quality.missing.moment":  # drop-out: truly not there
            (pid,) = finding.participant_ids
            assert responses.get_response(pid, finding.moment_id, finding.instrument_key) is None
            assert keys[finding.moment_id].name == finding.moment
        elif finding.record and finding.record[0] == "response":  # an answer truly missing
            assert ResponseValue.select().where(
                (ResponseValue.response == finding.record[1])
                & ResponseValue.value.is_null()).exists()
        else:
            assert finding.message == "quality.incomplete.survey"
    assert counts["missing_moments"] > 0 and counts["incomplete_responses"] > 0
    assert not report.has_errors


# the command line ---------------------------------------------------------------------------
@pytest.fixture
def planted(qstudy, db_path):
    """A study with one error (an assessment before the inclusion) and one warning."""
    pid = _person(qstudy, "AL-001", dt.date(2018, 1, 8))
    response = _bridge(qstudy, pid, "intake", dt.date(2018, 1, 10))
    _qol(qstudy, pid, "intake", dt.date(2018, 1, 10))
    Response.update(assessed_on=dt.date(2018, 1, 2)).where(Response.id == response).execute()
    close_database()
    return str(db_path), pid, response


def test_check_prints_the_report_grouped_with_counts_and_exits_3_on_errors(planted, capsys):
    path, _, _ = planted
    assert main(["check", "--db", path, "--as-of", "2018-03-01"]) == 3
    assert capsys.readouterr().out == (
        "Datakwaliteit van Kwaliteit (peildatum 01-03-2018)\n\n"
        "Ontbrekende metingen: 0\n\n"
        "Datums in de verkeerde volgorde: 1\n"
        f"  fout  AL-001  Intake  {BRIDGE}: Gedateerd 02-01-2018, 6 dagen vóór de "
        "inclusiedatum 08-01-2018.\n\n"
        "Onwaarschijnlijke sprongen op de Brug: 0\n\n"
        "Codes die op elkaar lijken: 0\n\n"
        "Onvolledig ingevulde instrumenten: 0\n\n"
        "Overeenstemming bij dubbele invoer: 0\n\n"
        "Wacht op tweede invoer of oplossing: 0\n\n"
        "Samenvatting: 1 fouten, 0 waarschuwingen, 0 om na te kijken.\n")
    assert main(["check", "--db", path, "--as-of", "1-8-2018", "--lang", "en"]) == 3
    text = capsys.readouterr().out
    assert text.startswith("Data quality of Kwaliteit (as of 2018-08-01)\n\nMissing moments: 1\n"
                           "  warning  AL-001  6 maanden  Bridge to Self-Sufficiency®, Quality "
                           "of life: 2 of 2 instruments "
                           "not filled in; the moment was due from 2018-07-08.\n")
    assert "Summary: 1 errors, 1 warnings, 0 to look at.\n" in text


def test_check_json_for_scripts(planted, capsys):
    path, pid, response = planted
    assert main(["--lang", "en", "check", "--db", path, "--json", "--as-of", "2018-08-01"]) == 3
    found = json.loads(capsys.readouterr().out)
    assert found["study"] == "Kwaliteit" and found["as_of"] == "2018-08-01"
    assert found["counts"] == {"missing_moments": 1, "date_order": 1, "impossible_jumps": 0,
                               "duplicate_codes": 0, "incomplete_responses": 0,
                               "double_entry_agreement": 0, "double_entry_waiting": 0}
    assert found["severities"] == {"error": 1, "warning": 1, "review": 0}
    missing, early = found["findings"]
    assert early == {
        "check": "date_order", "severity": "error", "subject": "AL-001", "moment": "Intake",
        "instrument": "Bridge to Self-Sufficiency®",
        "explanation": "Dated 2018-01-02, 6 days before the inclusion date 2018-01-08.",
        "message": "quality.order.before_inclusion",
        "figures": {"date": "2018-01-02", "inclusion": "2018-01-08", "days": 6},
        "participant_ids": [pid], "professional_ids": [],
        "moment_id": early["moment_id"], "instrument_key": "bridge",
        "record": {"table": "response", "id": response}}
    assert missing["figures"] == {"missing": 2, "total": 2, "due": "2018-07-08"}


def test_check_exits_0_when_only_warnings_and_1_when_it_cannot_run(qstudy, db_path, tmp_path,
                                                                    capsys):
    _person(qstudy, "AL-001")  # no intake: a warning, no error
    close_database()
    assert main(["check", "--db", str(db_path), "--as-of", "2018-02-01"]) == 0
    assert "Samenvatting: 0 fouten, 1 waarschuwingen, 0 om na te kijken." in \
        capsys.readouterr().out
    assert main(["check", "--db", str(tmp_path / "nope.sqlite")]) == 1
    assert "niet gevonden" in capsys.readouterr().err
    assert main(["check", "--db", str(db_path), "--as-of", "morgen"]) == 1
    assert "morgen" in capsys.readouterr().err

