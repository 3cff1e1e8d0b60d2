"""Concurrent editing on SQLite and PostgreSQL: a save on a record someone else changed since
it was opened is refused with both versions, and the user's choice is then carried out."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from desktop.models import audit
from desktop.models.database import current_database
from desktop.models.errors import ValidationError
from desktop.models.schema import AuditEntry
from desktop.models.services import (
    actions,
    bridge,
    codebook,
    instrument_library,
    participants,
    professionals,
    responses,
    studies,
)
from desktop.models.services.conflicts import NOT_STORED, ConflictError

PILLARS = ["gezinsstabiliteit", "sociaal_netwerk", "huisvesting", "opleiding", "gezondheid",
           "schulden", "sparen", "inkomen"]


@pytest.fixture(autouse=True)
def _no_user():
    yield
    audit.set_current_user(None)


def _edit(participant, **changes) -> participants.ParticipantInput:
    data = participants.participant_input(participant)
    for key, value in changes.items():
        setattr(data, key, value)
    return data


def _in_thread(action):
    """Run `action` on a connection of its own (peewee keeps one per thread), as a
    colleague's app would; returns what it returned or raised."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(action())
        except Exception as error:  # noqa: BLE001 - handed back to the test to assert on
            outcome.append(error)
        finally:
            current_database().close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    return outcome[0]


def test_a_participant_changed_meanwhile_shows_both_versions(study, participant):
    opened = participants.get_participant(participant.id)  # Anna opens the form: version 1

    def colleague_saves() -> None:
        audit.set_current_user("bram")
        participants.update_participant(participant.id, _edit(
            opened, study_group="beloning", remarks="belde af"), expected_version=1)

    assert _in_thread(colleague_saves) is None
    audit.set_current_user("anna")
    with pytest.raises(ConflictError) as refused:
        participants.update_participant(participant.id, _edit(
            opened, study_group="controle", site_id=study.sites[1].id),
            expected_version=opened.version)
    conflict = refused.value
    assert (conflict.version, conflict.changed_by, conflict.field) == (2, "bram", "code")
    assert conflict.changed_at is not None
    shown = {(d.label, d.mine, d.theirs) for d in conflict.differences}
    assert shown == {("Groep", "controle", "beloning"),
                     ("Locatie", "Leiden", "Alphen aan den Rijn"),
                     ("Opmerkingen", "—", "belde af")}
    assert "iemand anders" in conflict.message.lower()
    stored = participants.get_participant(participant.id)
    assert (stored.study_group, stored.version) == ("beloning", 2)  # nothing overwritten

    # Anna keeps her version on purpose: a save from the version she was shown.
    participants.update_participant(participant.id, _edit(opened, study_group="controle"),
                                    expected_version=conflict.version)
    stored = participants.get_participant(participant.id)
    assert (stored.study_group, stored.remarks, stored.version) == ("controle", "", 3)
    users = [row.user for row in AuditEntry.select().where(
        (AuditEntry.table == "participant") & (AuditEntry.field == "study_group"))
        .order_by(AuditEntry.id)]
    assert users == ["bram", "anna"]


def test_two_saves_at_once_never_both_pass(study, participant):
    """Both start from version 1 at the same moment: exactly one is stored, the other gets a
    conflict (never a silent overwrite), ten rounds in a row."""
    for round_number in range(10):
        version = participants.get_participant(participant.id).version
        start = threading.Barrier(2)

        def save(group: str, version: int = version, start: threading.Barrier = start):
            start.wait()
            record = participants.get_participant(participant.id)
            participants.update_participant(participant.id, _edit(record, study_group=group),
                                            expected_version=version)
            return group

        outcomes: list[object] = []
        threads = [threading.Thread(target=lambda g=g, out=outcomes: out.append(_run(save, g)))
                   for g in (f"a{round_number}", f"b{round_number}")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        stored = participants.get_participant(participant.id)
        winners = [o for o in outcomes if isinstance(o, str)]
        assert len(winners) == 1, outcomes
        assert all(isinstance(o, ConflictError) for o in outcomes if o not in winners), outcomes
        assert (stored.study_group, stored.version) == (winners[0], version + 1)


def _run(action, *args):
    try:
        return action(*args)
    except Exception as error:  # noqa: BLE001 - asserted on by the caller
        return error
    finally:
        current_database().close()


def test_a_bridge_assessment_changed_meanwhile_shows_both_levels(study, participant):
    moment = study.moments[0].id
    bridge.save_assessment(participant.id, moment, "2018-01-15", dict.fromkeys(PILLARS, 2))
    opened = bridge.get_assessment(participant.id, moment)
    _in_thread(lambda: bridge.save_assessment(
        participant.id, moment, "2018-01-15", {**dict.fromkeys(PILLARS, 2), "schulden": 4},
        expected_version=opened.version))
    with pytest.raises(ConflictError) as refused:
        bridge.save_assessment(participant.id, moment, "2018-01-16",
                               {**dict.fromkeys(PILLARS, 2), "sparen": 1},
                               expected_version=opened.version)
    shown = {(d.field, d.mine, d.theirs) for d in refused.value.differences}
    assert shown == {("assessed_on", "16-01-2018", "15-01-2018"), ("schulden", "2", "4"),
                     ("sparen", "1", "2")}
    labels = {d.field: d.label for d in refused.value.differences}
    assert labels["assessed_on"] == "Datum afname" and labels["schulden"] == "Schulden"
    assert bridge.get_assessment(participant.id, moment).values["schulden"] == 4


def test_a_questionnaire_missing_reason_is_shown_by_its_label(db):
    study = studies.get_study(studies.create_study(studies.StudyInput(
        name="Vragenlijsten", instrument_keys=("bridge", "financial_scarcity"))))
    participant = participants.get_participant(participants.add_participant(
        study.id, participants.ParticipantInput("AL-001", None, "consented",
                                                dt.date(2018, 1, 8))))
    moment = study.moments[0].id
    linked = instrument_library.study_questionnaires(study.id)[0]
    key, items = linked.definition.key, linked.definition.item_keys
    answers = dict.fromkeys(items, 3)
    responses.save_response(participant.id, moment, key, "2018-01-15", answers)
    opened = responses.get_response(participant.id, moment, key)
    _in_thread(lambda: responses.save_response(
        participant.id, moment, key, "2018-01-15", {**answers, items[0]: "not_answered"},
        expected_version=opened.version))
    with pytest.raises(ConflictError) as refused:
        responses.save_response(participant.id, moment, key, "2018-01-15",
                                {**answers, items[0]: 5}, expected_version=opened.version)
    (difference,) = refused.value.differences
    assert difference.mine == "5" and "niet ingevuld" in difference.theirs.lower()


def test_actions_professionals_and_codes_refuse_a_stale_save(study, participant):
    kind = actions.action_types(study.id)[0]
    action_id = actions.add_action(participant.id, actions.ActionInput(kind.id, "2018-01-20"))
    actions.update_action(action_id, actions.ActionInput(kind.id, "2018-01-21"), 1)
    with pytest.raises(ConflictError) as refused:
        actions.update_action(action_id, actions.ActionInput(kind.id, "2018-01-22"), 1)
    assert {(d.field, d.mine, d.theirs) for d in refused.value.differences} == {
        ("agreed_on", "22-01-2018", "21-01-2018")}

    pro = professionals.add_professional(study.id, professionals.ProfessionalInput("PRO-1"))
    professionals.update_professional(pro, professionals.ProfessionalInput(
        "PRO-1", role="mentor"), 1)
    with pytest.raises(ConflictError) as refused:
        professionals.update_professional(pro, professionals.ProfessionalInput(
            "PRO-1", role="access_worker"), 1)
    assert [(d.mine, d.theirs) for d in refused.value.differences] == [
        ("access_worker", "mentor")]

    code = codebook.add_code(study.id, "Contact")
    codebook.update_code(code, "Vast contact", "", None, None, 1)
    with pytest.raises(ConflictError) as refused:
        codebook.update_code(code, "Contact met mentor", "", None, None, 1)
    assert [(d.mine, d.theirs) for d in refused.value.differences] == [
        ("Contact met mentor", "Vast contact")]
    assert codebook.codebook(study.id).codes[0].name == "Vast contact"


def test_a_form_opened_empty_is_not_saved_over_a_colleagues_new_record(study, participant):

    moment = study.moments[0].id
    assert bridge.get_assessment(participant.id, moment) is None  # both open an empty form
    _in_thread(lambda: bridge.save_assessment(participant.id, moment, "2018-01-15",
                                              dict.fromkeys(PILLARS, 2)))
    with pytest.raises(ConflictError) as refused:
        bridge.save_assessment(participant.id, moment, "2018-01-15", dict.fromkeys(PILLARS, 3),
                               expected_version=NOT_STORED)
    assert refused.value.version == 1
    assert ("schulden", "3", "2") in {(d.field, d.mine, d.theirs)
                                      for d in refused.value.differences}
    assert set(bridge.get_assessment(participant.id, moment).values.values()) == {2}


def test_a_form_whose_record_was_deleted_meanwhile_is_not_saved_back(study, participant):
    """A colleague moved the assessment to the bin while it was open: saving refuses (it would
    quietly bring the record back, and the bin could no longer restore it)."""
    moment = study.moments[0].id
    bridge.save_assessment(participant.id, moment, "2018-01-15", dict.fromkeys(PILLARS, 2))
    opened = bridge.get_assessment(participant.id, moment)
    _in_thread(lambda: bridge.delete_assessment(participant.id, moment, "dubbel ingevoerd"))
    with pytest.raises(ValidationError) as refused:
        bridge.save_assessment(participant.id, moment, "2018-01-15", dict.fromkeys(PILLARS, 3),
                               expected_version=opened.version)
    assert refused.value.key == "error.record_deleted" and "verwijderd" in refused.value.message
    assert bridge.get_assessment(participant.id, moment) is None
    # a form opened empty, or a save without a version (an import), still stores
    bridge.save_assessment(participant.id, moment, "2018-01-15", dict.fromkeys(PILLARS, 3),
                           expected_version=NOT_STORED)
    assert bridge.get_assessment(participant.id, moment).values["sparen"] == 3
