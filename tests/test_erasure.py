"""The GDPR right to erasure: a participant's data gone from every table, from the audit
trail's old values, from the file's free space and from backups made afterwards."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from desktop.cli import main
from desktop.models.database import current_database
from desktop.models.errors import NotFoundError, ValidationError
from desktop.models.schema import AuditEntry, DeletedRecord, Participant, Response
from desktop.models.services import (
    actions,
    bridge,
    codebook,
    codings,
    erasure,
    interviews,
    participants,
    recycle_bin,
    users,
)

PILLARS = ["gezinsstabiliteit", "sociaal_netwerk", "huisvesting", "opleiding", "gezondheid",
           "schulden", "sparen", "inkomen"]
# Strings found nowhere else in the file, to look for in its bytes after the erasure.
SECRET_REMARK = "QZXW-remark-only-this-participant"
SECRET_TRANSCRIPT = "QZXW kreeg hulp van haar buurvrouw Marietje uit de Dorpsstraat."
SECRET_MEMO = "QZXW-memo-about-the-passage"
ERASED_CODE = "ZQ-77"


@pytest.fixture
def two_participants(study):
    """One participant with data of every kind, one who must stay exactly as they are."""
    users.session_user()  # the OS login, the database's first user: its lead, who may erase
    site = study.sites[0].id
    erased = participants.add_participant(study.id, participants.ParticipantInput(
        ERASED_CODE, site, "consented", dt.date(2018, 1, 8), "", SECRET_REMARK))
    kept = participants.add_participant(study.id, participants.ParticipantInput(
        "AL-002", site, "consented", dt.date(2018, 1, 9), "", "blijft"))
    participants.update_participant(erased, participants.ParticipantInput(
        ERASED_CODE, site, "consented", dt.date(2018, 1, 8), "groep", SECRET_REMARK + "!"))
    for pid in (erased, kept):
        bridge.save_assessment(pid, study.moments[0].id, "2018-01-15", dict.fromkeys(PILLARS, 2))
        bridge.save_assessment(pid, study.moments[1].id, "2018-07-15", dict.fromkeys(PILLARS, 3))
        kind = actions.action_types(study.id)[0]
        actions.add_action(pid, actions.ActionInput(kind.id, "2018-01-20", remarks="stap"))
    code = codebook.add_code(study.id, "Steun uit het netwerk")
    for pid, text in ((erased, SECRET_TRANSCRIPT), (kept, "Het ging goed met de planning.")):
        interview = interviews.add_interview(study.id, interviews.InterviewInput(
            participant_id=pid, held_on="2018-08-01", transcript=text))
        codings.add_coding(interview, code, "A", 0, 10,
                           SECRET_MEMO if pid == erased else "gewoon")
    return erased, kept


def _counts(participant_id: int) -> dict[str, int]:
    return {"responses": Response.select().where(Response.participant == participant_id)
            .count(), "participant": Participant.select().where(
                Participant.id == participant_id).count()}


def _file_bytes(db_path) -> bytes:
    return b"".join(path.read_bytes() for path in (
        db_path, db_path.with_name(db_path.name + "-wal")) if path.exists())


def test_the_scope_is_shown_before_anything_is_erased(two_participants):
    erased, _ = two_participants
    scope = erasure.erasure_scope(erased)
    assert (scope.code, scope.responses, scope.actions, scope.interviews, scope.codings) == (
        ERASED_CODE, 2, 1, 1, 1)
    assert scope.audit_entries > 20  # the participant's fields, 2 × 9 answers, the rest
    assert _counts(erased) == {"responses": 2, "participant": 1}


def test_erasure_needs_the_code_typed_exactly(two_participants):
    erased, _ = two_participants
    for typed in ("", "zq-77", "ZQ-7", None):
        with pytest.raises(ValidationError) as refused:
            erasure.erase_participant(erased, typed)
        assert refused.value.field == "confirmation" and "ZQ-77" in refused.value.message
    assert _counts(erased) == {"responses": 2, "participant": 1}


def test_erasure_removes_the_data_everywhere_and_leaves_one_audit_entry(two_participants,
                                                                       backend, db_path,
                                                                       tmp_path):
    erased, kept = two_participants
    kept_before = (participants.get_participant(kept), erasure.erasure_scope(kept))
    entries_before = AuditEntry.select().count()
    if backend == "sqlite":
        assert SECRET_TRANSCRIPT.encode() in _file_bytes(db_path)
    scope = erasure.erase_participant(erased, ERASED_CODE)
    assert AuditEntry.select().count() == entries_before - scope.audit_entries + 1

    with pytest.raises(NotFoundError):
        participants.get_participant(erased)
    assert _counts(erased) == {"responses": 0, "participant": 0}
    assert (participants.get_participant(kept), erasure.erasure_scope(kept)) == kept_before
    left = list(AuditEntry.select().where(
        (AuditEntry.table == "participant") & (AuditEntry.record_id == erased)).dicts())
    assert len(left) == 1
    assert (left[0]["action"], left[0]["field"], left[0]["old_value"], left[0]["new_value"]) \
        == ("erase", "", None, None)
    assert left[0]["user"] and left[0]["at"].date() == dt.date.today()
    for text in (SECRET_REMARK, SECRET_TRANSCRIPT, SECRET_MEMO):
        assert not AuditEntry.select().where(
            AuditEntry.old_value.contains(text) | AuditEntry.new_value.contains(text)).exists()
    if backend != "sqlite":
        return
    with sqlite3.connect(db_path) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    # Nothing of it in the file's bytes (free pages, WAL), nor in a backup made now.
    backup = tmp_path / "after.sqlite"
    with sqlite3.connect(db_path) as source, sqlite3.connect(backup) as target:
        source.backup(target)
    for data in (_file_bytes(db_path), backup.read_bytes()):
        for text in (SECRET_REMARK, SECRET_TRANSCRIPT, SECRET_MEMO, "Marietje"):
            assert text.encode() not in data, text
        assert b"Het ging goed met de planning." in data  # the other participant's is kept


def test_the_cli_shows_the_scope_and_erases_only_with_yes(two_participants, db_path, capsys):
    erased, _ = two_participants
    assert main(["erase", ERASED_CODE, "--db", str(db_path)]) == 1
    shown = capsys.readouterr().out
    assert "antwoorden: 2;" in shown and "interviews: 1," in shown and "Er is niets gewist" in shown
    assert main(["--lang", "en", "erase", "NO-SUCH", "--db", str(db_path)]) == 1
    assert "no participant with code NO-SUCH" in capsys.readouterr().err
    assert main(["erase", ERASED_CODE, "--db", str(db_path), "--yes"]) == 0
    assert "zijn gewist" in capsys.readouterr().out
    assert not Participant.select().where(Participant.code == ERASED_CODE).exists()


def test_the_erased_participants_deleted_records_go_too(two_participants, study, backend,
                                                       db_path):
    """A deleted assessment and interview wait in the recycle bin with their values and
    transcript: the erasure empties the participant's part of the bin and the audit trail."""
    erased, kept = two_participants
    bridge.delete_assessment(erased, study.moments[0].id, "verkeerd moment")
    bridge.delete_assessment(kept, study.moments[0].id, "verkeerd moment")
    [interview] = [row.id for row in interviews.interview_rows(study.id)
                   if row.subject == ERASED_CODE]
    interviews.delete_interview(interview, "op verzoek")
    binned = {(d.table, d.record_id) for d in recycle_bin.deleted_records(study.id)
              if d.code == ERASED_CODE}
    assert {table for table, _ in binned} == {"response", "interview"}
    erasure.erase_participant(erased, ERASED_CODE)
    assert [d.code for d in recycle_bin.deleted_records(study.id)] == ["AL-002"]
    assert not DeletedRecord.select().where(DeletedRecord.participant == erased).exists()
    for table, record_id in binned:
        assert not AuditEntry.select().where((AuditEntry.table == table)
                                             & (AuditEntry.record_id == record_id)).exists()
    if backend == "sqlite":
        for text in (SECRET_TRANSCRIPT, SECRET_MEMO):
            assert text.encode() not in _file_bytes(db_path), text


@pytest.mark.sqlite_only(reason="free pages of the SQLite file")
def test_text_replaced_before_an_erasure_is_not_left_in_free_pages(two_participants, study,
                                                                    db_path):
    """A transcript replaced earlier leaves its old pages free; with secure_delete on for every
    connection (not only during an erasure, and not switched off after one) they hold zeros,
    so a later erasure leaves nothing of it in the file or in a backup made from it."""
    erased, kept = two_participants
    assert current_database().execute_sql("PRAGMA secure_delete").fetchone() == (1,)
    erasure.erase_participant(erased, ERASED_CODE)
    assert current_database().execute_sql("PRAGMA secure_delete").fetchone() == (1,)
    old = "QZXW old transcript, replaced before the erasure. " * 200  # overflow pages
    interview = interviews.add_interview(study.id, interviews.InterviewInput(
        participant_id=kept, held_on="2018-09-01", transcript=old))
    interviews.update_interview(interview, interviews.InterviewInput(
        participant_id=kept, held_on="2018-09-01", transcript="kort"), expected_version=1)
    erasure.erase_participant(kept, "AL-002")
    assert b"QZXW old transcript" not in _file_bytes(db_path)


def test_no_dead_row_of_the_participant_is_left_on_postgresql(two_participants, backend):
    """PostgreSQL keeps a deleted row as a dead tuple until a vacuum: every table the erasure
    deletes from is vacuumed, the participant's own (code, remarks) and the bin's included."""
    if backend != "postgresql":
        pytest.skip("dead tuples are PostgreSQL's")
    erased, _ = two_participants
    erasure.erase_participant(erased, ERASED_CODE)
    db = current_database()
    db.execute_sql("CREATE EXTENSION IF NOT EXISTS pageinspect")
    for table in ("participant", "deleted_record", "response", "response_value", "audit_entry",
                  "interview", "coding", "action"):
        pages = db.execute_sql("SELECT pg_relation_size(%s) / current_setting('block_size')::int",
                               (table,)).fetchone()[0]
        for page in range(pages):
            rows = db.execute_sql(
                "SELECT t_data FROM heap_page_items(get_raw_page(%s, %s)) "
                "WHERE t_data IS NOT NULL", (table, page)).fetchall()
            for (data,) in rows:
                for text in (ERASED_CODE, SECRET_REMARK, SECRET_TRANSCRIPT, SECRET_MEMO):
                    assert text.encode() not in bytes(data), (table, text)
