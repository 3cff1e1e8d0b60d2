"""Users and roles: the first user of a database is its lead, anyone after that joins as an
assistant; the services refuse a lead's tasks to an assistant and write nothing; the last
active lead stays a lead; in team mode the user is the PostgreSQL role."""

from __future__ import annotations

import dataclasses
import json

import pytest
from helpers.study_records import PILLARS, colleague, fill, fill_as_lead, snapshot

from desktop import i18n
from desktop.cli import main
from desktop.models import audit
from desktop.models.errors import NotFoundError, PermissionDeniedError, ValidationError
from desktop.models.schema import AuditEntry, User
from desktop.models.services import (
    actions,
    bridge,
    erasure,
    instrument_library,
    interviews,
    professionals,
    recycle_bin,
    studies,
    surveys,
    users,
)
from desktop.paths import INSTRUMENTS

REASON = "dubbel ingevoerd"


@pytest.fixture
def records(study):
    return fill_as_lead(study)


@pytest.fixture
def as_assistant(records):
    with colleague() as bram:
        assert bram.role == users.ASSISTANT
        yield records


def _update_study(r):
    info = studies.get_study(r.study_id)
    studies.update_study(r.study_id, studies.StudyInput(
        name=info.name + " II", sites=[s.name for s in info.sites],
        moments=[studies.MomentSpec(m.name, m.months, m.key, m.id) for m in info.moments]))


def _import_instrument(r):
    data = json.loads((INSTRUMENTS / "financial_scarcity.json").read_text(encoding="utf-8"))
    instrument_library.import_definition_text(json.dumps(data), "scarcity.json")


def _survey_definition(r):
    definition = surveys.study_survey(r.study_id).definition
    surveys.save_survey_definition(r.study_id, dataclasses.replace(definition, notes="nieuw"))


def _first_deleted(r):
    bridge.delete_assessment(r.participant_id, r.intake_id, REASON)
    return recycle_bin.deleted_records(r.study_id)[0].id


LEAD_TASKS = {
    "update_study": _update_study,
    "instrument_settings": lambda r: instrument_library.set_instrument_settings(
        r.study_id, "bridge", None, 200, 12.5),
    "import_instrument": _import_instrument,
    "survey_definition": _survey_definition,
    "delete_assessment": lambda r: bridge.delete_assessment(r.participant_id, r.intake_id,
                                                            REASON),
    "delete_action": lambda r: actions.delete_action(r.action_id, REASON),
    "delete_interview": lambda r: interviews.delete_interview(r.interview_id, REASON),
    "delete_survey": lambda r: surveys.delete_survey_response(r.respondent_id, REASON),
    "delete_professional": lambda r: professionals.delete_professional(r.professional_id,
                                                                       REASON),
    "erase_participant": lambda r: erasure.erase_participant(r.participant_id, "AL-001"),
    "add_user": lambda r: users.add_user("carla", "assistant"),
    "set_role": lambda r: users.set_role("bram", "lead"),
    "deactivate": lambda r: users.set_active("bram", False),
    "list_bin": lambda r: recycle_bin.deleted_records(r.study_id),
}


@pytest.mark.parametrize("task", list(LEAD_TASKS))
def test_an_assistant_is_refused_each_lead_task_and_nothing_is_written(as_assistant, task):
    before = snapshot()
    with pytest.raises(PermissionDeniedError) as refused:
        LEAD_TASKS[task](as_assistant)
    assert refused.value.key == "error.lead_only"
    assert "bram" in str(refused.value) and "onderzoeksleider" in str(refused.value)
    assert snapshot() == before


@pytest.mark.parametrize("task", [t for t in LEAD_TASKS if t != "list_bin"])
def test_the_lead_may_do_each_of_them(records, task):
    with colleague():  # bram is known, so set_role and deactivate have someone to change
        pass
    before = snapshot()
    LEAD_TASKS[task](records)
    assert snapshot() != before


def test_an_assistant_may_not_restore_from_the_bin(records):
    deleted = _first_deleted(records)
    with colleague(), pytest.raises(PermissionDeniedError):
        recycle_bin.restore(deleted)
    assert bridge.get_assessment(records.participant_id, records.intake_id) is None


def test_the_first_user_is_the_lead_and_a_newcomer_an_audited_assistant(study):
    first = users.session_user()
    assert (first.role, first.active, first.added_by) == (users.LEAD, True, first.name)
    with colleague() as newcomer:
        assert users.session_user() == newcomer  # registered once
    assert newcomer.role == users.ASSISTANT and not newcomer.is_lead
    assert [u.name for u in users.list_users()] == sorted([first.name, "bram"])
    registered = {(e.record_id, e.field, e.new_value, e.user) for e in AuditEntry.select().where(
        (AuditEntry.table == "user") & (AuditEntry.action == "insert"))}
    assert registered == {(first.id, "name", first.name, first.name),
                          (first.id, "role", "lead", first.name),
                          (newcomer.id, "name", "bram", "bram"),
                          (newcomer.id, "role", "assistant", "bram")}


def test_an_assistant_still_enters_and_edits_data(as_assistant):
    saved = bridge.save_assessment(as_assistant.participant_id, as_assistant.intake_id,
                                   "2018-01-16", dict.fromkeys(PILLARS, 4))
    stored = bridge.get_assessment(as_assistant.participant_id, as_assistant.intake_id)
    assert stored.response_id == saved and stored.entered_by == "bram"
    assert set(stored.values.values()) == {4}


def test_the_last_active_lead_cannot_be_demoted_or_deactivated(records):
    me = users.session_user().name
    for change in (lambda: users.set_role(me, "assistant"), lambda: users.set_active(me, False)):
        with pytest.raises(ValidationError) as refused:
            change()
        assert refused.value.key == "error.user_last_lead" and me in str(refused.value)
    assert users.session_user().is_lead
    users.add_user("anna", "lead")
    users.set_role(me, "assistant")  # anna leads now
    with pytest.raises(PermissionDeniedError):
        users.set_role(me, "lead")  # and only she can make me one again
    roles = {u.name: (u.role, u.active) for u in users.list_users()}
    assert roles == {me: ("assistant", True), "anna": ("lead", True)}
    changes = [(e.field, e.old_value, e.new_value) for e in AuditEntry.select().where(
        (AuditEntry.table == "user") & (AuditEntry.action == "update"))]
    assert changes == [("role", "lead", "assistant")]


def test_a_deactivated_lead_is_a_lead_no_more(records):
    me = users.session_user().name
    users.add_user("anna", "lead")
    users.set_active(me, False)
    assert not users.session_user().is_lead
    with pytest.raises(PermissionDeniedError):
        actions.delete_action(records.action_id, REASON)
    with colleague("anna"):
        users.set_active(me, True)
    actions.delete_action(records.action_id, REASON)
    assert [u.name for u in users.list_users() if not u.active] == []


def test_adding_and_changing_users_checks_what_is_typed(records):
    with pytest.raises(ValidationError) as refused:
        users.add_user("anna", "baas")
    assert refused.value.key == "error.user_role_unknown"
    with pytest.raises(ValidationError) as refused:
        users.add_user("  ", "lead")
    assert refused.value.field == "name"
    users.add_user("anna", "Lead")
    with pytest.raises(ValidationError) as refused:
        users.add_user("anna", "assistant")
    assert refused.value.key == "error.user_exists"
    with pytest.raises(NotFoundError):
        users.set_role("nobody", "lead")
    added = User.get(User.name == "anna")
    assert (added.role, added.added_by) == ("lead", users.session_user().name)
    i18n.set_language("en")
    with pytest.raises(ValidationError, match="already is a user anna"):
        users.add_user("anna")


def test_a_refusal_reads_in_english_too(as_assistant):
    i18n.set_language("en")
    with pytest.raises(PermissionDeniedError, match="Only a lead researcher may do this; bram"):
        actions.delete_action(as_assistant.action_id, REASON)


@pytest.mark.postgresql_only
def test_in_team_mode_the_user_is_the_postgresql_role(db, study):
    role = db.execute_sql("SELECT current_user").fetchone()[0]
    assert audit.current_user() == role
    assert users.session_user().name == role and users.is_lead()
    records = fill(study)
    assert bridge.get_assessment(records.participant_id, records.intake_id).entered_by == role


def test_the_cli_lists_adds_and_changes_users(records, db_path, capsys):
    me = users.session_user().name
    target = str(db_path)
    assert main(["--db", target, "user", "add", "anna", "--role", "lead"]) == 0
    assert main(["--db", target, "user", "add", "bram"]) == 0
    assert main(["--db", target, "user", "role", "bram", "lead"]) == 0
    assert main(["--db", target, "user", "deactivate", "anna"]) == 0
    capsys.readouterr()
    assert main(["--db", target, "user", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:3] for line in lines[1:]] == [
        ["bram", "onderzoeksleider", "ja"], [me, "onderzoeksleider", "ja"],
        ["anna", "onderzoeksleider", "nee"]]
    assert main(["--db", target, "user", "role", "nobody", "lead"]) == 1
    assert "geen gebruiker nobody" in capsys.readouterr().err
    assert main(["--db", target, "user", "role", "bram", "boss"]) == 1
    assert "Onbekende rol 'boss'" in capsys.readouterr().err


@pytest.mark.sqlite_only(reason="backups are copies of a SQLite file")
def test_an_assistant_may_not_restore_a_backup_from_the_cli(records, db_path, capsys):
    from desktop.models import backups
    from desktop.models.database import close_database

    backup = backups.backup_open_database()
    with colleague():
        close_database()
        before = db_path.read_bytes()
        assert main(["restore", str(backup), "--db", str(db_path)]) == 1
    assert "bram is onderzoeksassistent" in capsys.readouterr().err
    assert db_path.read_bytes() == before
    assert main(["restore", str(backup), "--db", str(db_path)]) == 0  # the lead may


def test_a_deactivated_user_can_save_nothing(records):
    with colleague():  # bram joins
        pass
    users.set_active("bram", False)  # the lead's doing
    before = snapshot()
    with colleague(), pytest.raises(PermissionDeniedError) as refused:
        bridge.save_assessment(records.participant_id, records.intake_id, "2018-01-16",
                               dict.fromkeys(PILLARS, 4))
    assert refused.value.key == "error.user_inactive" and "bram" in str(refused.value)
    assert snapshot() == before
    users.set_active("bram", True)
    with colleague():
        bridge.save_assessment(records.participant_id, records.intake_id, "2018-01-16",
                               dict.fromkeys(PILLARS, 4))
    assert bridge.get_assessment(records.participant_id, records.intake_id).entered_by == "bram"


def test_the_creator_of_a_new_database_is_its_lead(tmp_path):
    """A study made from the command line (a demo, a new file) registers who made it, so the
    creator — not whoever opens the app first — is the lead."""
    from desktop.models.database import close_database, open_database

    open_database(tmp_path / "new.sqlite")
    try:
        studies.create_study(studies.StudyInput(name="Nieuw"))
        assert [(user.name, user.role) for user in users.list_users()] == [
            (audit.current_user(), "lead")]
    finally:
        close_database()
