"""Soft delete with a reason: a deleted record leaves the live tables (so findings and lists no
longer count it), waits in the recycle bin with its child rows, the reason and who deleted it,
is audited, and a lead can restore it exactly — or is told why not."""

from __future__ import annotations

import json

import pytest
from helpers.study_records import PILLARS, colleague, fill_as_lead, snapshot

from desktop import i18n
from desktop.models.errors import NotFoundError, ValidationError
from desktop.models.schema import Action, AuditEntry, DeletedRecord
from desktop.models.services import (
    actions,
    bridge,
    double_entry,
    interviews,
    participants,
    professionals,
    recycle_bin,
    surveys,
    users,
)
from desktop.models.services.progress import entry_progress
from reports.findings import study_findings

REASON = "dubbel ingevoerd"


@pytest.fixture
def records(study):
    return fill_as_lead(study)


DELETES = {
    "response": lambda r: bridge.delete_assessment(r.participant_id, r.intake_id, REASON),
    "action": lambda r: actions.delete_action(r.action_id, REASON),
    "interview": lambda r: interviews.delete_interview(r.interview_id, REASON),
    "survey_response": lambda r: surveys.delete_survey_response(r.respondent_id, REASON),
    "professional": lambda r: professionals.delete_professional(r.professional_id, REASON),
}
# what goes with each: its own row and its children, by table
MOVED = {"response": {"response": 1, "response_value": 8},
         "action": {"action": 1},
         "interview": {"interview": 1, "coding": 2},
         "survey_response": {"survey_response": 1, "survey_answer": len(
             surveys.builtin_surveys()["professionals"].likert_keys) + len(
             surveys.builtin_surveys()["professionals"].step_keys) + 5},
         "professional": {"professional": 1}}


def _changed_tables(before, after) -> dict[str, int]:
    """Rows gone per table (audit entries and the bin left out)."""
    return {table: len(set(before[table]) - set(after[table])) for table in before
            if table not in ("audit_entry", "deleted_record", "app_user")
            and set(before[table]) - set(after[table])}


@pytest.mark.parametrize("table", list(DELETES))
def test_a_delete_moves_the_record_and_its_children_to_the_bin_and_restore_puts_them_back(
        records, table):
    before = snapshot()
    DELETES[table](records)
    after = snapshot()
    assert _changed_tables(before, after) == MOVED[table]
    assert not set(after[table]) - set(before[table])  # nothing added to the live tables
    [binned] = recycle_bin.deleted_records(records.study_id)
    me = users.session_user().name
    assert (binned.table, binned.reason, binned.deleted_by) == (table, REASON, me)
    assert binned.code == ("PR-01" if table == "survey_response" else
                           "PR-02" if table == "professional" else "AL-001")
    entries = AuditEntry.select().where((AuditEntry.table == table)
                                        & (AuditEntry.action == "delete"))
    assert {(e.field, e.new_value, e.user) for e in entries if e.field == "reason"} == {
        ("reason", REASON, me)}
    restored = recycle_bin.restore(binned.id)
    assert (restored.restored_by, restored.restored_at is not None) == (me, True)
    assert {k: v for k, v in snapshot().items() if k not in ("audit_entry", "deleted_record")} \
        == {k: v for k, v in before.items() if k not in ("audit_entry", "deleted_record")}
    assert recycle_bin.deleted_records(records.study_id) == []
    assert [e.id for e in recycle_bin.deleted_records(records.study_id, include_restored=True)] \
        == [binned.id]
    assert AuditEntry.select().where((AuditEntry.table == table)
                                     & (AuditEntry.action == "restore")).count() == 1


def test_a_deleted_assessment_is_gone_from_findings_and_lists_and_back_after_restore(
        records, study):
    second = participants.add_participant(study.id, participants.ParticipantInput(
        "AL-002", study.sites[0].id, "consented", study.period_start))
    bridge.save_assessment(second, study.moments[0].id, "2018-01-15", dict.fromkeys(PILLARS, 1))
    bridge.save_assessment(second, study.moments[1].id, "2018-07-15", dict.fromkeys(PILLARS, 2))
    findings_before = study_findings(study.id, today=study.period_end)
    bridge.delete_assessment(records.participant_id, records.intake_id, REASON)
    assert bridge.get_assessment(records.participant_id, records.intake_id) is None
    rows = {row.code: row.moments_measured for row in participants.participant_rows(study.id)}
    assert rows == {"AL-001": 1, "AL-002": 2}
    assert entry_progress(study.id).moments[0].measured == 1
    findings = study_findings(study.id, today=study.period_end)
    assert [p["n"] for p in findings_before["bridge"]["pillars"]] == [2] * 8
    assert [p["n"] for p in findings["bridge"]["pillars"]] == [1] * 8
    recycle_bin.restore(recycle_bin.deleted_records(study.id)[0].id)
    assert study_findings(study.id, today=study.period_end) == findings_before


def test_a_reason_is_required_and_checked(records):
    for reason in ("", "   ", None):
        with pytest.raises(ValidationError) as refused:
            actions.delete_action(records.action_id, reason)
        assert (refused.value.field, refused.value.key) == ("reason", "error.required")
    with pytest.raises(ValidationError) as refused:
        actions.delete_action(records.action_id, "mail anna@example.org")
    assert refused.value.key == "error.text_email"
    with pytest.raises(ValidationError) as refused:
        actions.delete_action(records.action_id, "x" * 501)
    assert refused.value.key == "error.too_long"
    assert DeletedRecord.select().count() == 0
    assert Action.get_or_none(Action.id == records.action_id) is not None


def test_restore_is_refused_when_the_slot_was_taken_meanwhile(records):
    bridge.delete_assessment(records.participant_id, records.intake_id, REASON)
    bridge.save_assessment(records.participant_id, records.intake_id, "2018-01-16",
                           dict.fromkeys(PILLARS, 5))
    [binned] = recycle_bin.deleted_records(records.study_id)
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        recycle_bin.restore(binned.id)
    assert refused.value.key == "error.restore_taken" and "AL-001" in str(refused.value)
    assert snapshot() == before
    i18n.set_language("en")
    with pytest.raises(ValidationError, match="a new record has been entered in its place"):
        recycle_bin.restore(binned.id)


def test_restore_is_refused_when_the_professional_is_gone(records):
    surveys.delete_survey_response(records.respondent_id, REASON)
    professionals.delete_professional(records.respondent_id, "heeft het project verlaten")
    survey, professional = sorted(recycle_bin.deleted_records(records.study_id),
                                  key=lambda d: d.id)
    with pytest.raises(ValidationError) as refused:
        recycle_bin.restore(survey.id)
    assert refused.value.key == "error.restore_owner_gone" and "PR-01" in str(refused.value)
    recycle_bin.restore(professional.id)
    recycle_bin.restore(survey.id)
    assert surveys.get_survey_response(records.respondent_id).complete is True


def test_a_restored_record_cannot_be_restored_twice(records):
    actions.delete_action(records.action_id, REASON)
    [binned] = recycle_bin.deleted_records(records.study_id)
    recycle_bin.restore(binned.id)
    with pytest.raises(NotFoundError):
        recycle_bin.restore(binned.id)


def test_the_bin_keeps_the_rows_as_they_were(records):
    interviews.delete_interview(records.interview_id, REASON)
    stored = json.loads(DeletedRecord.get().data)
    assert stored["row"]["transcript"] == "Mijn buurvrouw hielp me met de formulieren."
    assert stored["row"]["held_on"] == "2018-08-01"
    assert sorted((c["table"], c["row"]["coder"]) for c in stored["children"]) == [
        ("coding", "A"), ("coding", "B")]
    [binned] = recycle_bin.deleted_records(records.study_id)
    assert binned.detail == "01-08-2018"
    bridge.delete_assessment(records.participant_id, records.intake_id, REASON)
    assert recycle_bin.deleted_records(records.study_id)[0].detail == \
        "Brug naar Zelfredzaamheid® · Intake · 15-01-2018"


def test_a_response_goes_with_its_second_entry_and_comes_back_with_it(records, study):
    """Every row pointing at a deleted record goes with it — here a blind second entry of the
    paper form (double data entry), typed by a colleague."""
    with colleague("bram"):
        double_entry.save_second_entry(records.participant_id, records.intake_id, "bridge",
                                       "2018-01-15", dict.fromkeys(PILLARS, 2))
    before = snapshot()
    assert len(before["second_entry"]) == 1 and len(before["second_entry_value"]) == 8
    bridge.delete_assessment(records.participant_id, records.intake_id, REASON)
    after = snapshot()
    assert after["second_entry"] == [] and after["second_entry_value"] == []
    recycle_bin.restore(recycle_bin.deleted_records(study.id)[0].id)
    restored = snapshot()
    for table in ("response", "response_value", "second_entry", "second_entry_value"):
        assert restored[table] == before[table], table
