"""Double data entry on SQLite and PostgreSQL: a blind second entry by another assistant, the
exact list of differences, their resolution (stored, audited, verified) and the agreement
figures per assistant."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from desktop.cli import main
from desktop.models import audit
from desktop.models.database import close_database
from desktop.models.errors import NotFoundError, ValidationError
from desktop.models.schema import AuditEntry, Response, SecondEntry
from desktop.models.services import (
    double_entry,
    participants,
    quality,
    responses,
    studies,
)
from desktop.models.services.conflicts import ConflictError
from desktop.models.services.double_entry import Agreement, Difference, WaitingForm

QOL = ("gezondheid", "zorgen", "wonen", "financien", "dagbesteding", "sociaal", "gezin",
       "vrije_tijd", "veiligheid", "leven")
PILLARS = ("gezinsstabiliteit", "sociaal_netwerk", "huisvesting", "opleiding", "gezondheid",
           "schulden", "sparen", "inkomen")
DAY = dt.date(2018, 3, 15)


@pytest.fixture
def dstudy(db) -> studies.StudyInfo:
    study_id = studies.create_study(studies.StudyInput(
        name="Dubbel", sites=["Alphen"], instrument_keys=("bridge", "quality_of_life")))
    return studies.get_study(study_id)


@pytest.fixture(autouse=True)
def _no_user():
    yield
    audit.set_current_user(None)


def _person(study: studies.StudyInfo, code: str) -> int:
    return participants.add_participant(study.id, participants.ParticipantInput(
        code, study.sites[0].id, "consented", dt.date(2018, 1, 8)))


def _moment(study: studies.StudyInfo, key: str = "intake") -> int:
    return next(moment.id for moment in study.moments if moment.key == key)


def _as(user: str) -> None:
    audit.set_current_user(user)


def _first(study, pid, user="anna", key="quality_of_life", moment="intake", day=DAY,
           **answers) -> int:
    _as(user)
    items = QOL if key == "quality_of_life" else PILLARS
    return responses.save_response(pid, _moment(study, moment), key, day,
                                   {item: answers.get(item, 3) for item in items})


def _second(study, pid, user="bram", key="quality_of_life", moment="intake", day=DAY,
            **answers) -> double_entry.SecondEntryResult:
    _as(user)
    items = QOL if key == "quality_of_life" else PILLARS
    return double_entry.save_second_entry(pid, _moment(study, moment), key, day,
                                          {item: answers.get(item, 3) for item in items})


def test_the_second_entry_is_blind_and_never_by_whoever_typed_the_first(dstudy):
    pid = _person(dstudy, "AL-001")
    intake = _moment(dstudy)
    with pytest.raises(ValidationError) as none_yet:
        double_entry.start_second_entry(pid, intake, "quality_of_life")
    assert none_yet.value.key == "double_entry.error.no_first_entry"
    assert "AL-001" in none_yet.value.message

    response_id = _first(dstudy, pid, gezondheid=5, zorgen="unreadable")
    with pytest.raises(ValidationError) as same:
        double_entry.start_second_entry(pid, intake, "quality_of_life")
    assert same.value.key == "double_entry.error.same_assistant"
    assert same.value.message.startswith("anna, u hebt de eerste invoer")
    _as("carla")  # carla corrects one answer of the first entry: she has seen it too
    responses.save_response(pid, intake, "quality_of_life", DAY,
                            {item: 4 if item == "wonen" else 3 for item in QOL}
                            | {"gezondheid": 5, "zorgen": "unreadable"})
    with pytest.raises(ValidationError, match="carla, u hebt"):
        double_entry.start_second_entry(pid, intake, "quality_of_life")
    with pytest.raises(ValidationError, match="carla, u hebt"):
        _second(dstudy, pid, user="carla")

    _as("bram")
    blank = double_entry.start_second_entry(pid, intake, "quality_of_life")
    # what the second assistant is given: which form, nothing of its values or date
    assert dataclasses.asdict(blank) == {"response_id": response_id, "code": "AL-001",
                                         "moment": "Intake", "title": "Kwaliteit van leven"}
    with pytest.raises(NotFoundError):  # the first values stay hidden until bram's is stored
        double_entry.compare(response_id)
    stored = Response.get_by_id(response_id)
    assert (stored.verification, stored.version) == ("single", 2)


def test_every_difference_item_by_item_and_the_date_with_who_typed_it(dstudy):
    pid = _person(dstudy, "AL-001")
    response_id = _first(dstudy, pid, gezondheid=5, zorgen="unreadable", wonen=2)
    before = responses.get_response(pid, _moment(dstudy), "quality_of_life")
    result = _second(dstudy, pid, day=dt.date(2018, 3, 16), gezondheid=4,
                     zorgen="not_answered", wonen="not_answered", veiligheid=1)
    assert (result.response_id, result.fields, result.agreed, result.verified) == (
        response_id, 11, 6, False)
    comparison = double_entry.compare(response_id)
    assert (comparison.first_by, comparison.second_by, comparison.verification,
            comparison.code, comparison.moment) == ("anna", "bram", "to_resolve", "AL-001",
                                                    "Intake")
    assert comparison.differences == (
        Difference("assessed_on", "Datum afname", "2018-03-15", "2018-03-16",
                   "15-03-2018", "16-03-2018"),
        Difference("gezondheid", "Uw lichamelijke en geestelijke gezondheid", "5", "4",
                   "5", "4"),
        Difference("zorgen", "De hoeveelheid zorgen in uw leven", "missing:unreadable",
                   "missing:not_answered", "ontbreekt: Onleesbaar of meer dan één antwoord",
                   "ontbreekt: Niet ingevuld"),
        Difference("wonen", "Uw woonsituatie", "2", "missing:not_answered", "2",
                   "ontbreekt: Niet ingevuld"),
        Difference("veiligheid", "Hoe veilig u zich voelt", "3", "1", "3", "1"),
    )
    # the second entry changed nothing of the first
    assert responses.get_response(pid, _moment(dstudy), "quality_of_life") == before
    assert Response.get_by_id(response_id).verification == "to_resolve"
    with pytest.raises(ValidationError) as again:
        _second(dstudy, pid, user="carla")
    assert again.value.key == "double_entry.error.already_entered"
    assert "door bram op" in again.value.message


def test_agreeing_entries_verify_the_response_and_the_audit_says_so(dstudy):
    pid = _person(dstudy, "AL-001")
    response_id = _first(dstudy, pid, key="bridge", opleiding="not_discussed", sparen=None)
    result = _second(dstudy, pid, key="bridge", opleiding="not_discussed", sparen=None)
    assert (result.fields, result.agreed, result.verified) == (9, 9, True)
    stored = Response.get_by_id(response_id)
    assert (stored.verification, stored.version, stored.entered_by) == ("verified", 1, "anna")
    assert double_entry.compare(response_id).differences == ()
    trail = [(row.action, row.field, row.old_value, row.new_value, row.user)
             for row in AuditEntry.select().where(
                 (AuditEntry.table == "response") & (AuditEntry.record_id == response_id)
                 & (AuditEntry.user == "bram")).order_by(AuditEntry.id)]
    assert trail[-1] == ("update", "verification", "single", "verified", "bram")
    assert ("second", "opleiding", None, "missing:not_discussed", "bram") in trail
    assert ("second", "assessed_on", None, "2018-03-15", "bram") in trail
    assert len([row for row in trail if row[0] == "second"]) == 9


def test_resolving_stores_the_chosen_values_audits_each_choice_and_verifies(dstudy):
    pid = _person(dstudy, "AL-001")
    intake = _moment(dstudy)
    response_id = _first(dstudy, pid, gezondheid=5, zorgen="unreadable", wonen=2)
    _second(dstudy, pid, day=dt.date(2018, 3, 16), gezondheid=4, zorgen="not_answered",
            wonen="not_answered")
    comparison = double_entry.compare(response_id)
    _as("carla")
    with pytest.raises(ValidationError) as open_choice:  # every difference needs a choice
        double_entry.resolve(response_id, {"assessed_on": "2018-03-16", "gezondheid": "5"},
                             comparison.version)
    assert (open_choice.value.field, open_choice.value.key) == (
        "zorgen", "double_entry.error.unresolved")
    with pytest.raises(ValidationError) as wild:  # a typed value gets save_response's checks
        double_entry.resolve(response_id, {"assessed_on": "16-03-2018", "gezondheid": "5",
                                           "zorgen": "not_answered", "wonen": 9},
                             comparison.version)
    assert (wild.value.field, wild.value.key) == ("wonen", "error.answer_range")
    assert Response.get_by_id(response_id).verification == "to_resolve"

    # the second's date, the first's answer, the second's reason, and the paper's value
    double_entry.resolve(response_id, {"assessed_on": "16-03-2018", "gezondheid": "5",
                                       "zorgen": "not_answered", "wonen": 1},
                         comparison.version)
    stored = responses.get_response(pid, intake, "quality_of_life")
    assert stored.assessed_on == dt.date(2018, 3, 16)
    assert (stored.values["gezondheid"], stored.values["zorgen"], stored.missing["zorgen"],
            stored.values["wonen"], stored.values["leven"]) == (5, None, "not_answered", 1, 3)
    row = Response.get_by_id(response_id)
    assert (row.verification, row.version) == ("verified", 2)
    resolutions = [(r.field, r.old_value, r.new_value, r.user) for r in AuditEntry.select().where(
        (AuditEntry.record_id == response_id) & (AuditEntry.action == "resolve"))
        .order_by(AuditEntry.id)]
    assert resolutions == [
        ("assessed_on", "first=2018-03-15 (anna); second=2018-03-16 (bram)", "2018-03-16",
         "carla"),
        ("gezondheid", "first=5 (anna); second=4 (bram)", "5", "carla"),
        ("zorgen", "first=missing:unreadable (anna); second=missing:not_answered (bram)",
         "missing:not_answered", "carla"),
        ("wonen", "first=2 (anna); second=missing:not_answered (bram)", "1", "carla"),
    ]
    entry = SecondEntry.get(SecondEntry.response == response_id)
    assert (entry.resolved_by, entry.fields, entry.agreed) == ("carla", 11, 7)


def test_a_resolution_from_an_older_version_is_a_conflict(dstudy):
    pid = _person(dstudy, "AL-001")
    response_id = _first(dstudy, pid, gezondheid=5)
    _second(dstudy, pid, gezondheid=4)
    seen = double_entry.compare(response_id)
    _first(dstudy, pid, user="anna", gezondheid=2)  # anna corrects the first entry meanwhile
    _as("carla")
    with pytest.raises(ConflictError):
        double_entry.resolve(response_id, {"gezondheid": "4"}, seen.version)
    assert Response.get_by_id(response_id).verification == "to_resolve"
    fresh = double_entry.compare(response_id)
    assert [(d.first, d.second) for d in fresh.differences] == [("2", "4")]
    double_entry.resolve(response_id, {"gezondheid": "4"}, fresh.version)
    assert Response.get_by_id(response_id).verification == "verified"


def test_a_verified_form_changed_afterwards_is_to_resolve_again(dstudy):
    pid = _person(dstudy, "AL-001")
    response_id = _first(dstudy, pid)
    assert _second(dstudy, pid).verified
    _first(dstudy, pid, user="carla", wonen=5)  # a correction after the verification
    comparison = double_entry.compare(response_id)
    assert comparison.verification == "to_resolve"
    assert [(d.field, d.first, d.second) for d in comparison.differences] == [("wonen", "5", "3")]
    assert ("update", "verification", "verified", "to_resolve", "carla") in [
        (r.action, r.field, r.old_value, r.new_value, r.user) for r in AuditEntry.select()
        .where(AuditEntry.record_id == response_id)]
    double_entry.resolve(response_id, {"wonen": "5"}, comparison.version)  # the paper says 5
    assert Response.get_by_id(response_id).verification == "verified"


def _plant(study) -> None:
    """Anna and bram type first entries; bram, carla and anna the second ones."""
    one, two, three = (_person(study, code) for code in ("AL-001", "AL-002", "AL-003"))
    _first(study, one, user="anna")
    _second(study, one, user="bram", gezondheid=4, zorgen=4)  # 9 of 11 agree
    _first(study, two, user="anna", key="bridge")
    _second(study, two, user="carla", key="bridge")  # 9 of 9
    _first(study, three, user="bram")
    _second(study, three, user="carla", day=dt.date(2018, 3, 1), leven=1)  # 9 of 11
    _first(study, one, user="bram", key="bridge")
    _second(study, one, user="anna", key="bridge", inkomen=1)  # 8 of 9
    _first(study, one, user="anna", moment="m6", day=dt.date(2018, 7, 2))  # waiting
    _first(study, three, user="bram", key="bridge", moment="m6", day=dt.date(2018, 7, 2))
    _first(study, two, user="bram", key="bridge", moment="m6", day=dt.date(2018, 7, 3))


def test_agreement_per_assistant_and_the_forms_still_waiting(dstudy):
    _plant(dstudy)
    assert double_entry.agreement(dstudy.id) == [
        Agreement("anna", "first", 2, 20, 18),
        Agreement("bram", "first", 2, 20, 17),
        Agreement("anna", "second", 1, 9, 8),
        Agreement("bram", "second", 1, 11, 9),
        Agreement("carla", "second", 2, 20, 18),
    ]
    assert f"{double_entry.agreement(dstudy.id)[1].rate:.3f}" == "0.850"
    waiting = double_entry.waiting_forms(dstudy.id)
    bridge_title, qol_title = "Brug naar Zelfredzaamheid®", "Kwaliteit van leven"
    assert [(w.code, w.moment, w.title, w.first_by, w.state) for w in waiting] == [
        ("AL-001", "Intake", bridge_title, "bram", "resolution"),
        ("AL-002", "6 maanden", bridge_title, "bram", "second_entry"),
        ("AL-003", "6 maanden", bridge_title, "bram", "second_entry"),
        ("AL-001", "Intake", qol_title, "anna", "resolution"),
        ("AL-003", "Intake", qol_title, "bram", "resolution"),
        ("AL-001", "6 maanden", qol_title, "anna", "second_entry"),
    ]
    assert all(isinstance(w, WaitingForm) for w in waiting)
    other = studies.create_study(studies.StudyInput(name="Ander", sites=["Leiden"]))
    assert double_entry.agreement(other) == [] and double_entry.waiting_forms(other) == []
    assert [dataclasses.astuple(row) for row in double_entry.waiting_summary(dstudy.id)] == [
        (bridge_title, "Intake", "bram", 0, 1),
        (bridge_title, "6 maanden", "bram", 2, 0),
        (qol_title, "Intake", "anna", 0, 1),
        (qol_title, "Intake", "bram", 0, 1),
        (qol_title, "6 maanden", "anna", 1, 0),
    ]


def test_the_quality_report_gives_agreement_per_assistant_and_what_waits(dstudy):
    checks = ("double_entry_agreement", "double_entry_waiting")
    _first(dstudy, _person(dstudy, "AL-009"))
    assert quality.run_checks(dstudy.id, only=checks).findings == ()  # no double entry here
    _plant(dstudy)
    report = quality.run_checks(dstudy.id, only=checks)
    bridge, qol = "Brug naar Zelfredzaamheid®", "Kwaliteit van leven"
    differ = "De twee invoeren verschillen (eerste invoer door {}); kies per verschil de juiste " \
             "waarde."
    wait = "{} formulier(en) van deze invoerder wachten op een tweede invoer."
    agree = "Als {} invoerder: {} van {} velden ({}%) gelijk aan de {} invoer, over {} " \
            "formulieren."
    assert [(f.check, f.severity, f.subject, f.moment, f.instrument, f.text)
            for f in report.findings] == [
        ("double_entry_agreement", "warning", "anna", "", "",
         agree.format("eerste", 18, 20, 90, "tweede", 2)),
        ("double_entry_agreement", "warning", "anna", "", "",
         agree.format("tweede", 8, 9, 88, "eerste", 1)),
        ("double_entry_agreement", "warning", "bram", "", "",
         agree.format("eerste", 17, 20, 85, "tweede", 2)),
        ("double_entry_agreement", "warning", "bram", "", "",
         agree.format("tweede", 9, 11, 81, "eerste", 1)),
        ("double_entry_agreement", "warning", "carla", "", "",
         agree.format("tweede", 18, 20, 90, "eerste", 2)),
        ("double_entry_waiting", "warning", "AL-001", "Intake", qol, differ.format("anna")),
        ("double_entry_waiting", "warning", "AL-001", "Intake", bridge, differ.format("bram")),
        ("double_entry_waiting", "warning", "AL-003", "Intake", qol, differ.format("bram")),
        ("double_entry_waiting", "review", "anna", "Intake", qol, wait.format(1)),
        ("double_entry_waiting", "review", "anna", "6 maanden", qol, wait.format(1)),
        ("double_entry_waiting", "review", "bram", "6 maanden", bridge, wait.format(2)),
    ]
    resolve = report.findings[5]
    assert resolve.record == ("response", double_entry.compare(resolve.record[1]).response_id)
    assert (resolve.instrument_key, resolve.moment_id) == ("quality_of_life", _moment(dstudy))


def test_status_on_the_command_line(dstudy, db_path, capsys):
    _plant(dstudy)
    close_database()
    assert main(["double-entry", "status", "--db", str(db_path)]) == 0
    assert capsys.readouterr().out == (
        "Wacht op tweede invoer of oplossing:\n"
        "  Instrument                  Meting     Eerste invoer door  Wacht op 2e invoer  "
        "Op te lossen\n"
        "  Brug naar Zelfredzaamheid®  Intake     bram                                 0  "
        "           1\n"
        "  Brug naar Zelfredzaamheid®  6 maanden  bram                                 2  "
        "           0\n"
        "  Kwaliteit van leven         Intake     anna                                 0  "
        "           1\n"
        "  Kwaliteit van leven         Intake     bram                                 0  "
        "           1\n"
        "  Kwaliteit van leven         6 maanden  anna                                 1  "
        "           0\n"
        "\n"
        "Overeenstemming per invoerder (datum en items):\n"
        "  Invoerder  Als            Formulieren  Velden  Gelijk     %\n"
        "  anna       eerste invoer            2      20      18  90.0\n"
        "  bram       eerste invoer            2      20      17  85.0\n"
        "  anna       tweede invoer            1       9       8  88.9\n"
        "  bram       tweede invoer            1      11       9  81.8\n"
        "  carla      tweede invoer            2      20      18  90.0\n"
        "\n")
    assert main(["--lang", "en", "double-entry", "status", "--db", str(db_path),
                 "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["waiting"][1] == {"instrument": "Bridge to Self-Sufficiency®",
                                   "moment": "6 maanden", "first_entry_by": "bram",
                                   "second_entry": 2, "resolution": 0}
    assert found["agreement"][2] == {"assistant": "anna", "role": "second", "forms": 1,
                                     "fields": 9, "agreed": 8, "rate": 0.8889}
