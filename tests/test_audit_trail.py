"""The audit trail: append-only in the database itself, browsed with filters and pages, in the
workbook and on the command line — on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path

import openpyxl
import peewee as pw
import pytest

from desktop.cli import main
from desktop.models import audit
from desktop.models.database import close_database, open_database, transaction
from desktop.models.errors import StorageError
from desktop.models.schema import AuditEntry, ErasurePermit, database
from desktop.models.services import (
    actions,
    audit_trail,
    bridge,
    codebook,
    codings,
    erasure,
    interviews,
    participants,
    professionals,
    studies,
    users,
)
from desktop.models.services.audit_trail import TrailFilter
from reports.workbook import write_workbook
from reports.workbook.importer import import_workbook

PILLARS = ["gezinsstabiliteit", "sociaal_netwerk", "huisvesting", "opleiding", "gezondheid",
           "schulden", "sparen", "inkomen"]
OLD_DAY = dt.datetime(2018, 3, 5, 10, 30)


@pytest.fixture
def planted(study):
    """Two assistants' work on two participants and a professional, with a coding removed
    since and an action in the recycle bin, and two entries of a third user recorded (in the
    order of their days) with the time of earlier days."""
    site = study.sites[0].id
    users.session_user()  # the OS login, the database's first user: its lead, who may delete
    audit.set_current_user("anna")
    first = participants.add_participant(study.id, participants.ParticipantInput(
        "AL-001", site, "consented", dt.date(2018, 1, 8)))
    second = participants.add_participant(study.id, participants.ParticipantInput(
        "AL-002", site, "consented", dt.date(2018, 1, 9)))
    audit.set_current_user("bram")
    response = bridge.save_assessment(first, study.moments[0].id, "2018-01-15",
                                      dict.fromkeys(PILLARS, 2))
    kind = actions.action_types(study.id)[0]
    action = actions.add_action(first, actions.ActionInput(kind.id, "2018-01-20",
                                                           remarks="sollicitatie"))
    doubled = actions.add_action(first, actions.ActionInput(kind.id, "2018-01-21",
                                                            remarks="dubbel ingevoerd"))
    participants.update_participant(second, participants.ParticipantInput(
        "AL-002", site, "consented", dt.date(2018, 1, 9), "", "belt terug"))
    professional = professionals.add_professional(
        study.id, professionals.ProfessionalInput("PR-1"))
    audit.set_current_user("anna")
    code = codebook.add_code(study.id, "Steun")
    interview = interviews.add_interview(study.id, interviews.InterviewInput(
        participant_id=first, held_on="2018-08-01", transcript="Het ging goed met de baan."))
    kept = codings.add_coding(interview, code, "A", 0, 6, "")
    removed = codings.add_coding(interview, code, "A", 7, 12, "")
    codings.remove_coding(removed)
    AuditEntry.insert_many([
        {"table": "participant", "record_id": first, "action": "update", "field": "remarks",
         "old_value": None, "new_value": "nog ouder", "user": "carla",
         "at": OLD_DAY - dt.timedelta(days=1)},
        {"table": "participant", "record_id": second, "action": "update", "field": "remarks",
         "old_value": None, "new_value": "oud bericht", "user": "carla", "at": OLD_DAY},
    ]).execute()
    audit.set_current_user(None)
    actions.delete_action(doubled, "twee keer ingevoerd")  # by the lead, into the recycle bin
    return {"first": first, "second": second, "response": response, "action": action,
            "professional": professional, "interview": interview, "kept": kept,
            "removed": removed, "doubled": doubled, "study": study}


def _all() -> list[AuditEntry]:
    return list(AuditEntry.select().order_by(AuditEntry.id.desc()))


def _keys(rows) -> list[tuple[int, str, int]]:
    return [(row.id, row.table, row.record_id) for row in rows]


def test_the_participant_filter_gives_every_entry_about_them_and_their_records(planted):
    first = planted["first"]
    mine = {("participant", first), ("response", planted["response"]),
            ("action", planted["action"]), ("interview", planted["interview"]),
            ("coding", planted["kept"]), ("coding", planted["removed"]),
            ("action", planted["doubled"])}
    expected = [(e.id, e.table, e.record_id) for e in _all() if (e.table, e.record_id) in mine]
    page = audit_trail.browse(TrailFilter(participant_id=first), limit=1000)
    assert _keys(page.rows) == expected and page.next_before is None
    assert {row.owner for row in page.rows} == {"AL-001"}
    assert ("coding", planted["removed"]) in {(row.table, row.record_id) for row in page.rows}
    assert any(row.action == "delete" and row.table == "coding" for row in page.rows)
    deleted = [row for row in page.rows if row.record_id == planted["doubled"]
               and row.table == "action" and row.action == "delete"]
    assert deleted and {row.owner for row in deleted} == {"AL-001"}  # from the recycle bin


def test_the_user_table_period_and_text_filters(planted):
    entries = _all()
    by_user = audit_trail.browse(TrailFilter(user="bram"), limit=1000).rows
    assert _keys(by_user) == [(e.id, e.table, e.record_id) for e in entries if e.user == "bram"]
    assert {row.user for row in by_user} == {"bram"}
    actions_only = audit_trail.browse(TrailFilter(table="action"), limit=1000).rows
    assert _keys(actions_only) == [(e.id, e.table, e.record_id) for e in entries
                                   if e.table == "action"]
    day = audit_trail.browse(TrailFilter(since=OLD_DAY.date(), until=OLD_DAY.date())).rows
    assert [(row.user, row.new, row.owner) for row in day] == [("carla", "oud bericht", "AL-002")]
    before = audit_trail.browse(TrailFilter(until=OLD_DAY.date())).rows
    assert [row.new for row in before] == ["oud bericht", "nog ouder"]
    found = audit_trail.browse(TrailFilter(text="BELT TERUG")).rows
    assert [(row.table, row.field, row.old, row.new, row.owner) for row in found] == [
        ("participant", "remarks", "", "belt terug", "AL-002")]
    both = audit_trail.browse(TrailFilter(participant_id=planted["second"], user="carla")).rows
    assert [row.new for row in both] == ["oud bericht"]


def test_rows_say_what_in_words_and_whose(planted):
    professional = audit_trail.browse(TrailFilter(table="professional")).rows
    assert [(row.what, row.action_label, row.field_label) for row in professional] == [
        ("Professional · PR-1", "toegevoegd", "code")]
    response = audit_trail.browse(TrailFilter(table="response")).rows[0]
    assert response.what == "Brug/vragenlijst · AL-001"


def test_pages_follow_each_other_newest_first_without_gaps_or_doubles(planted):
    seen, before = [], None
    while True:
        page = audit_trail.browse(TrailFilter(), limit=7, before=before)
        seen += _keys(page.rows)
        if page.next_before is None:
            break
        before = page.next_before
    assert seen == [(e.id, e.table, e.record_id) for e in _all()]


def test_the_users_to_filter_on(planted):
    assert audit_trail.trail_users() == sorted({e.user for e in _all()})
    assert set(audit_trail.trail_users()) >= {"anna", "bram", "carla"}


def test_a_participant_without_entries_gives_none(study):
    assert audit_trail.browse(TrailFilter(participant_id=999)).rows == []


@pytest.mark.parametrize("statement", [
    "UPDATE audit_entry SET new_value = 'vervalst'",
    "DELETE FROM audit_entry",
    "UPDATE audit_entry SET \"user\" = 'niemand' WHERE id = 1",
])
def test_the_database_refuses_to_change_the_trail(planted, statement):
    before = [(e.id, e.user, e.new_value) for e in _all()]
    with pytest.raises(pw.IntegrityError, match="append-only"), database.atomic():
        database.execute_sql(statement)
    assert [(e.id, e.user, e.new_value) for e in _all()] == before


def test_a_refusal_reaching_a_save_is_a_clear_error(planted):
    count = AuditEntry.select().count()
    with pytest.raises(StorageError) as refused, transaction():
        AuditEntry.delete().where(AuditEntry.user == "carla").execute()
    assert refused.value.key == "error.audit_append_only"
    assert "auditlogboek" in refused.value.message
    assert AuditEntry.select().count() == count


@pytest.mark.sqlite_only("PostgreSQL: TRUNCATE is its own statement")
def test_sqlite_drop_of_the_guard_is_the_only_way_around_it(planted):
    triggers = {name for (name,) in database.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()}
    assert {"audit_entry_no_update", "audit_entry_no_delete"} <= triggers


@pytest.mark.sqlite_only("an older file: SQLite's own")
def test_a_file_of_an_older_schema_gets_the_guard_when_migrated(tmp_path, backend):
    path = tmp_path / "oud.sqlite"
    shutil.copy(Path(__file__).parent / "data" / "brugmeter-schema-v1.sqlite", path)
    open_database(path)
    audit.record("study", 1, "update", {"name": ("Pilot v1", "Pilot v1 (gemigreerd)")})
    count = AuditEntry.select().count()
    with pytest.raises(pw.IntegrityError, match="append-only"), database.atomic():
        database.execute_sql("DELETE FROM audit_entry")
    with pytest.raises(pw.IntegrityError, match="append-only"), database.atomic():
        database.execute_sql("UPDATE audit_entry SET \"user\" = 'x'")
    assert AuditEntry.select().count() == count
    close_database()
    raw = sqlite3.connect(path)  # another program, the same refusal
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("DELETE FROM audit_entry")
    raw.close()


@pytest.mark.postgresql_only
def test_postgres_refuses_truncate_too(planted, backend):
    with pytest.raises(pw.IntegrityError, match="append-only"), database.atomic():
        database.execute_sql("TRUNCATE audit_entry")
    assert AuditEntry.select().count() > 0


def test_the_erasure_still_removes_the_participants_entries_and_leaves_no_permit(planted):
    first, second = planted["first"], planted["second"]
    others = _keys(audit_trail.browse(TrailFilter(participant_id=second), limit=1000).rows)
    erasure.erase_participant(first, "AL-001")
    left = audit_trail.browse(TrailFilter(participant_id=first), limit=1000).rows
    assert [(row.table, row.record_id, row.action, row.owner) for row in left] == [
        ("participant", first, "erase", "")]
    assert _keys(audit_trail.browse(TrailFilter(participant_id=second), limit=1000).rows) \
        == others
    assert ErasurePermit.select().count() == 0
    with pytest.raises(pw.IntegrityError), database.atomic():
        database.execute_sql("DELETE FROM audit_entry")


def test_the_whole_trail_streams_oldest_first(planted, monkeypatch):
    monkeypatch.setattr(audit_trail, "CHUNK", 5)
    streamed = list(audit_trail.entries())
    assert _keys(streamed) == list(reversed([(e.id, e.table, e.record_id) for e in _all()]))
    assert len(list(audit_trail.entries(TrailFilter(user="bram"), limit=3))) == 3


def test_the_workbook_has_the_trail_and_its_import_ignores_it(planted, tmp_path):
    target = tmp_path / "studie.xlsx"
    write_workbook(planted["study"].id, target)
    book = openpyxl.load_workbook(target, read_only=True)
    rows = list(book["audit"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:3] == ("id", "at", "user")
    assert [row[0] for row in body] == sorted(e.id for e in _all())
    codebook_names = {row[1] for row in book["codebook"].iter_rows(values_only=True)
                      if row[0] == "audit"}
    assert set(header) <= codebook_names
    book.close()
    users.add_user("importeur", users.LEAD)
    last = AuditEntry.select(pw.fn.MAX(AuditEntry.id)).scalar()
    audit.set_current_user("importeur")
    try:
        report = import_workbook(target, study_name="Kopie")
    finally:
        audit.set_current_user(None)
    assert report.imported
    copied = participants.participant_rows(report.study_id)
    assert sorted(row.code for row in copied) == ["AL-001", "AL-002"]
    written = AuditEntry.select().where(AuditEntry.id > last)
    assert written.count() > 0  # the import's own records and the import itself
    assert {entry.user for entry in written} == {"importeur"}  # never the file's entries

def test_the_cli_lists_the_trail_filtered(planted, db_path, capsys):
    assert main(["--db", str(db_path), "audit", "--participant", "AL-002", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [row["id"] for row in listed] == [
        row.id for row in audit_trail.browse(TrailFilter(participant_id=planted["second"]),
                                             limit=1000).rows]
    assert {row["owner"] for row in listed} == {"AL-002"}
    assert main(["--db", str(db_path), "audit", "--user", "carla", "--since", "2018-03-05",
                 "--limit", "5"]) == 0
    text = capsys.readouterr().out
    assert "oud bericht" in text and "nog ouder" not in text


def test_the_workbook_of_one_study_holds_only_its_own_trail(study, participant, tmp_path):
    """In a database of several studies (a team's municipalities) the workbook's audit sheet
    holds the entries about its own study's records, never another study's codes or values."""
    other = studies.create_study(studies.StudyInput(name="Andere gemeente", sites=["Gouda"]))
    other_participant = participants.add_participant(other, participants.ParticipantInput(
        "GOUDA-7", None, "consented", dt.date(2018, 2, 1), "", "alleen van Gouda"))
    kind = actions.action_types(study.id)[0]
    action = actions.add_action(participant.id, actions.ActionInput(kind.id, "2018-01-20"))
    actions.delete_action(action, "dubbel")  # in the bin: its entries still belong here
    target = tmp_path / "alphen.xlsx"
    write_workbook(study.id, target)
    sheet = openpyxl.load_workbook(target, read_only=True)["audit"]
    header = next(sheet.iter_rows(max_row=1, values_only=True))
    rows = [dict(zip(header, row, strict=False))
            for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "GOUDA-7" not in repr(rows) and "alleen van Gouda" not in repr(rows)
    about = {(r["table"], r["record_id"]) for r in rows}
    assert about >= {("participant", participant.id), ("action", action), ("study", study.id)}
    assert ("participant", other_participant) not in about


def test_the_cli_refuses_an_unknown_kind_of_record(db_path, study, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["audit", "--db", str(db_path), "--table", "deelnemer"])
    assert stopped.value.code == 2
    assert "invalid choice: 'deelnemer'" in capsys.readouterr().err
