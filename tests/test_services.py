"""The service layer: what is stored, what is refused (with which message), what is audited."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.models.errors import StorageError, ValidationError
from desktop.models.schema import AuditEntry, Participant, Response, ResponseValue
from desktop.models.services import bridge, instrument_library, participants, studies
from desktop.models.services.progress import entry_progress

ALL_THREES = dict.fromkeys(
    ["gezinsstabiliteit", "sociaal_netwerk", "huisvesting", "opleiding", "gezondheid",
     "schulden", "sparen", "inkomen"], 3)


def _add(study, code, **fields):
    return participants.add_participant(study.id, participants.ParticipantInput(code, **fields))


def test_study_gets_default_moments_sites_and_the_bridge(study):
    assert [m.key for m in study.moments] == ["intake", "m6", "m12"]
    assert [m.name for m in study.moments][0] == "Intake"
    assert [s.name for s in study.sites] == ["Alphen aan den Rijn", "Leiden"]
    assert study.instrument_keys == ("bridge",)
    assert AuditEntry.select().where(AuditEntry.table == "study").count() >= 1


def test_english_study_gets_english_moment_names(db):
    study_id = studies.create_study(studies.StudyInput(name="Pilot", language="en"))
    assert [m.name for m in studies.get_study(study_id).moments][1] == "6 months"


@pytest.mark.parametrize(("data", "field", "words"), [
    (studies.StudyInput(name="  "), "name", "verplicht"),
    (studies.StudyInput(name="X", sites=["Gouda", "gouda"]), "sites", "één keer"),
    (studies.StudyInput(name="X", period_start="2019-01-01", period_end="2018-01-01"),
     "period_end", "vóór het begin"),
    (studies.StudyInput(name="X", period_start="31-02-2018"), "period_start", "geen geldige"),
    (studies.StudyInput(name="X", language="de"), "language", "Onbekende taal"),
    (studies.StudyInput(name="X", moments=[studies.MomentSpec("A", 0), studies.MomentSpec("B", 6),
                                           studies.MomentSpec("C", 3)]), "moments", "oplopen"),
])
def test_bad_study_input_is_refused(db, data, field, words):
    with pytest.raises(ValidationError) as error:
        studies.create_study(data)
    assert error.value.field == field and words in error.value.message
    assert studies.list_studies() == []


def test_study_edit_keeps_moments_with_data_and_refuses_removing_them(study, participant):
    bridge.save_assessment(participant.id, study.moments[0].id, "2018-01-15", ALL_THREES)
    bridge.save_assessment(participant.id, study.moments[1].id, "2018-07-15", ALL_THREES)
    specs = [studies.MomentSpec(m.name, m.months, m.key, m.id) for m in study.moments]
    specs.append(studies.MomentSpec("24 maanden", 24))
    data = studies.StudyInput(name="Pilot Alphen 2", sites=["Alphen aan den Rijn", "Leiden"],
                              moments=specs)
    studies.update_study(study.id, data)
    updated = studies.get_study(study.id)
    assert updated.name == "Pilot Alphen 2" and len(updated.moments) == 4
    data.moments = [specs[0], *specs[2:]]  # without the 6 months, which has an assessment
    with pytest.raises(ValidationError, match="heeft metingen"):
        studies.update_study(study.id, data)
    with pytest.raises(ValidationError, match="heeft deelnemers"):
        studies.update_study(study.id, studies.StudyInput(name="X", sites=["Leiden"],
                                                          moments=specs))
    assert studies.get_study(study.id).name == "Pilot Alphen 2"  # the failed edit changed nothing


def test_participant_is_stored_and_audited(study):
    pid = _add(study, "AL-002", site_id=study.sites[1].id, inclusion_date="8-1-2018",
               study_group="beloning")
    record = participants.get_participant(pid)
    assert (record.code, record.inclusion_date, record.study_group) == (
        "AL-002", dt.date(2018, 1, 8), "beloning")
    fields = {e.field for e in AuditEntry.select().where(
        (AuditEntry.table == "participant") & (AuditEntry.record_id == pid))}
    assert {"code", "site", "inclusion_date", "study_group"} <= fields


@pytest.mark.parametrize(("code", "words"), [
    ("AL-001", "bestaat al"),
    ("al-001", "bestaat al"),
    ("Jan Jansen", "zonder spaties"),
    ("", "verplicht"),
    ("123456782", "burgerservicenummer"),
    ("1234.56.782", "burgerservicenummer"),
    ("123-456-782", "burgerservicenummer"),
    ("x" * 41, "Te lang"),
])
def test_bad_participant_codes_are_refused(study, participant, code, words):
    with pytest.raises(ValidationError) as error:
        _add(study, code)
    assert error.value.field == "code" and words in error.value.message
    assert Participant.select().count() == 1


def test_future_inclusion_date_and_foreign_site_are_refused(study, db):
    with pytest.raises(ValidationError, match="toekomst"):
        _add(study, "F1", inclusion_date=dt.date.today() + dt.timedelta(days=1))
    other = studies.create_study(studies.StudyInput(name="Other", sites=["Gouda"]))
    with pytest.raises(ValidationError) as error:
        _add(study, "F2", site_id=studies.get_study(other).sites[0].id)
    assert error.value.field == "site"


def test_update_detects_a_concurrent_change(participant):
    data = participants.participant_input(participant)
    data.study_group = "beloning"
    participants.update_participant(participant.id, data, expected_version=participant.version)
    data.study_group = "geen beloning"
    with pytest.raises(ValidationError, match="Iemand anders"):
        participants.update_participant(participant.id, data, expected_version=participant.version)
    assert participants.get_participant(participant.id).study_group == "beloning"


def test_assessment_is_stored_with_levels_reasons_and_empties(study, participant):
    answers = dict(ALL_THREES, sparen="not_discussed", opleiding=None, inkomen="5")
    bridge.save_assessment(participant.id, study.moments[0].id, "15-01-2018", answers)
    stored = bridge.get_assessment(participant.id, study.moments[0].id)
    assert stored.assessed_on == dt.date(2018, 1, 15)
    assert stored.values["inkomen"] == 5 and stored.values["huisvesting"] == 3
    assert stored.values["sparen"] is None and stored.missing["sparen"] == "not_discussed"
    assert stored.values["opleiding"] is None and stored.missing["opleiding"] is None
    assert ResponseValue.select().count() == 8


def test_resaving_changes_only_what_changed_and_audits_it(study, participant):
    moment = study.moments[0].id
    bridge.save_assessment(participant.id, moment, "2018-01-15", ALL_THREES)
    bridge.save_assessment(participant.id, moment, "2018-01-15", dict(ALL_THREES, schulden=4),
                           expected_version=1)
    stored = bridge.get_assessment(participant.id, moment)
    assert stored.values["schulden"] == 4 and stored.version == 2
    update = AuditEntry.get((AuditEntry.table == "response") & (AuditEntry.action == "update"))
    assert (update.field, update.old_value, update.new_value) == ("schulden", "3", "4")
    with pytest.raises(ValidationError, match="Iemand anders"):
        bridge.save_assessment(participant.id, moment, "2018-01-15", ALL_THREES,
                               expected_version=1)


@pytest.mark.parametrize(("answers", "date", "field", "words"), [
    ({"huisvesting": 6}, "2018-01-15", "huisvesting", "bestaat niet"),
    ({"huisvesting": 0}, "2018-01-15", "huisvesting", "bestaat niet"),
    ({"huisvesting": "drie"}, "2018-01-15", "huisvesting", "geen niveau"),
    ({"huisvesting": 2.5}, "2018-01-15", "huisvesting", "geen niveau"),
    ({"huisvesting": True}, "2018-01-15", "huisvesting", "geen niveau"),
    ({"huisvesting": 3}, "2099-01-01", "assessed_on", "toekomst"),
    ({"huisvesting": 3}, "2018-01-01", "assessed_on", "inclusiedatum"),
    ({"huisvesting": 3}, "", "assessed_on", "datum"),
    ({"huisvesting": 3}, "15-13-2018", "assessed_on", "geen geldige"),
    ({}, "2018-01-15", "gezinsstabiliteit", "minstens één pijler"),
    ({"woonwijk": 3}, "2018-01-15", "woonwijk", "Onbekende pijler"),
])
def test_impossible_assessments_are_refused_and_nothing_is_stored(
        study, participant, answers, date, field, words):
    with pytest.raises(ValidationError) as error:
        bridge.save_assessment(participant.id, study.moments[0].id, date, answers)
    assert error.value.field == field and words in error.value.message
    assert Response.select().count() == 0 and ResponseValue.select().count() == 0


def test_later_moment_may_not_be_dated_before_the_intake_and_vice_versa(study, participant):
    intake, six = study.moments[0].id, study.moments[1].id
    bridge.save_assessment(participant.id, intake, "2018-02-01", ALL_THREES)
    with pytest.raises(ValidationError, match="vóór de meting 'Intake'"):
        bridge.save_assessment(participant.id, six, "2018-01-20", ALL_THREES)
    bridge.save_assessment(participant.id, six, "2018-08-01", ALL_THREES)
    with pytest.raises(ValidationError, match="na de latere meting '6 maanden'"):
        bridge.save_assessment(participant.id, intake, "2018-09-01", ALL_THREES)


def test_declined_participant_gets_no_assessment(study):
    pid = _add(study, "NO-1", status="declined")
    with pytest.raises(ValidationError, match="neemt niet deel"):
        bridge.save_assessment(pid, study.moments[0].id, "2018-01-15", ALL_THREES)


def test_delete_assessment_is_audited(study, participant):
    bridge.save_assessment(participant.id, study.moments[0].id, "2018-01-15", ALL_THREES)
    bridge.delete_assessment(participant.id, study.moments[0].id, "verkeerde moment")
    assert bridge.get_assessment(participant.id, study.moments[0].id) is None
    deleted = AuditEntry.select().where(AuditEntry.action == "delete")
    assert sorted(e.field for e in deleted) == sorted([*ALL_THREES, "reason"])
    assert {e.new_value for e in deleted if e.field == "reason"} == {"verkeerde moment"}


def test_participant_rows_and_progress_count_measured_moments(study, participant):
    _add(study, "AL-009", status="declined")
    bridge.save_assessment(participant.id, study.moments[0].id, "2018-01-15", ALL_THREES)
    rows = {row.code: row for row in participants.participant_rows(study.id)}
    assert rows["AL-001"].moments_measured == 1 and rows["AL-009"].moments_measured == 0
    assert rows["AL-001"].site == "Alphen aan den Rijn"
    progress = entry_progress(study.id)
    assert progress.statuses == {"consented": 1, "declined": 1}
    assert [(m.measured, m.missing) for m in progress.moments] == [(1, 0), (0, 1), (0, 1)]
    assert progress.by_site == {"Alphen aan den Rijn": {"Intake": 1}}


def test_a_failing_save_rolls_back_everything(study, participant, monkeypatch, backend):
    """If the audit write fails halfway, neither the response nor its values remain."""
    from desktop.models import audit

    said = {"sqlite": "database or disk is full",  # each driver's own words for a full disk
            "postgresql": 'could not extend file "base/16384/16385": No space left on device'}

    def broken(*args, **kwargs):
        import peewee

        raise peewee.OperationalError(said[backend])

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(StorageError, match="schijf met de database .* is vol"):
        bridge.save_assessment(participant.id, study.moments[0].id, "2018-01-15", ALL_THREES)
    assert Response.select().count() == 0 and ResponseValue.select().count() == 0


def test_status_of_a_participant_with_assessments_stays_participating(study, participant):
    bridge.save_assessment(participant.id, study.moments[0].id, "2018-01-15", ALL_THREES)
    data = participants.participant_input(participant)
    data.status = "declined"
    with pytest.raises(ValidationError) as error:
        participants.update_participant(participant.id, data)
    assert error.value.field == "status" and "Gestopt" in error.value.message
    data.status = "withdrawn"
    participants.update_participant(participant.id, data)
    assert participants.get_participant(participant.id).status == "withdrawn"


def test_inclusion_date_cannot_move_past_the_first_assessment(study, participant):
    bridge.save_assessment(participant.id, study.moments[0].id, "2018-01-15", ALL_THREES)
    data = participants.participant_input(participant)
    data.inclusion_date = "2018-02-01"
    with pytest.raises(ValidationError, match="na de eerste meting") as error:
        participants.update_participant(participant.id, data)
    assert error.value.field == "inclusion_date"
    assert participants.get_participant(participant.id).inclusion_date == dt.date(2018, 1, 8)


@pytest.mark.parametrize("specs", [
    [studies.MomentSpec("Voormeting", -3), studies.MomentSpec("Intake", 0)],
    [studies.MomentSpec("Intake", 1), studies.MomentSpec("Later", 6)],
])
def test_the_first_moment_is_the_intake_at_zero_months(db, specs):
    with pytest.raises(ValidationError, match="eerste meetmoment is de intake"):
        studies.create_study(studies.StudyInput(name="X", moments=specs))


def test_an_instrument_listed_twice_is_refused(db):
    with pytest.raises(ValidationError, match="twee keer"):
        studies.create_study(studies.StudyInput(name="X", instrument_keys=("bridge", "bridge")))


def test_a_conflicting_insert_becomes_a_clear_storage_error(study, participant):
    from desktop.models.database import transaction

    with pytest.raises(StorageError, match="tegelijk"), transaction():
        Participant.create(study=study.id, code="NEW-1")
        Participant.create(study=study.id, code=participant.code)  # unique (study, code)
    assert Participant.select().count() == 1  # the first insert was rolled back too


def test_a_study_keeps_its_bridge_instrument(study):
    assert ("bridge", "Brug naar Zelfredzaamheid®") in instrument_library.available_instruments()
    data = studies.StudyInput(name=study.name, sites=[s.name for s in study.sites],
                              moments=[studies.MomentSpec(m.name, m.months, m.key, m.id)
                                       for m in study.moments], instrument_keys=())
    with pytest.raises(ValidationError) as error:
        studies.update_study(study.id, data)
    assert error.value.field == "instruments" and "Brug" in error.value.message
    assert studies.get_study(study.id).instrument_keys == ("bridge",)
