"""Opening databases: defaults, migrations with a backup, and a clear message for each bad file."""

from __future__ import annotations

import shutil
import sqlite3
import stat
from pathlib import Path

import peewee
import pytest

from desktop.models.database import close_database, open_database
from desktop.models.errors import DatabaseOpenError
from desktop.models.migrations import CURRENT_VERSION
from desktop.models.schema import Instrument, SchemaVersion, database
from desktop.models.services import bridge, participants, studies
from desktop.paths import default_database

V1_FILE = Path(__file__).parent / "data" / "brugmeter-schema-v1.sqlite"


@pytest.mark.sqlite_only(reason="WAL, foreign-key pragma and file permissions")
def test_new_database_has_wal_foreign_keys_private_file_and_current_version(db_path):
    db = open_database(db_path)
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert SchemaVersion.get().version == CURRENT_VERSION
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    for sidecar in ("-wal", "-shm"):  # the first session's saves sit in the WAL
        assert stat.S_IMODE(Path(f"{db_path}{sidecar}").stat().st_mode) == 0o600


def test_default_database_lives_in_the_data_folder(_private_data_dir):
    assert default_database().parent == _private_data_dir
    open_database(default_database())
    assert default_database().exists()


def test_older_schema_is_migrated_after_a_backup_and_keeps_its_data(tmp_path):
    path = tmp_path / "old.sqlite"
    shutil.copy(V1_FILE, path)
    open_database(path)
    assert SchemaVersion.get().version == CURRENT_VERSION
    backups = list((tmp_path / "backups").glob("old-before-v*.sqlite"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as copy:
        assert copy.execute("SELECT version FROM schema_version").fetchone()[0] == 1
        assert copy.execute("SELECT count(*) FROM response_value").fetchone()[0] == 8
    copy.close()
    study = studies.resolve_study()
    assert study.name == "Pilot v1"
    row = participants.participant_rows(study.id)[0]
    assert (row.code, row.moments_measured) == ("V1-001", 1)
    stored = bridge.get_assessment(row.id, study.moments[0].id)
    assert stored is not None and set(stored.values.values()) == {2} and stored.version == 1
    # the migrated file takes new saves with the new columns
    record = participants.get_participant(row.id)
    participants.update_participant(record.id, participants.ParticipantInput(
        "V1-001", record.site_id, "consented", record.inclusion_date, "beloning"),
        expected_version=1)
    assert participants.get_participant(row.id).version == 2
    # version 3: instruments are versioned, and a study keeps its own cut-off and norm
    from desktop.models.services import instrument_library

    bridge_row = Instrument.get(Instrument.key == "bridge")
    Instrument.create(key="bridge", kind="bridge", version=2, definition=bridge_row.definition)
    with pytest.raises(peewee.IntegrityError):
        Instrument.create(key="bridge", kind="bridge", version=2, definition="{}")
    assert instrument_library.linked_instrument(study.id, "bridge").cutoff is None
    # version 4: professionals and their survey
    from desktop.models.services import professionals, surveys

    pid = professionals.add_professional(study.id, professionals.ProfessionalInput("P-1"))
    assert surveys.save_survey_response(pid, surveys.SurveyAnswers(ranks={"small_steps": 1}))[1] \
        is False


def test_a_second_open_of_a_migrated_file_makes_no_new_backup(tmp_path):
    path = tmp_path / "old.sqlite"
    shutil.copy(V1_FILE, path)
    open_database(path)
    close_database()
    open_database(path)
    assert len(list((tmp_path / "backups").iterdir())) == 1


def test_newer_schema_is_refused_with_a_clear_message(db_path):
    open_database(db_path)
    SchemaVersion.update(version=CURRENT_VERSION + 5).execute()
    close_database()
    with pytest.raises(DatabaseOpenError) as error:
        open_database(db_path)
    assert "nieuwere Brugmeter" in error.value.message
    assert str(CURRENT_VERSION + 5) in error.value.message
    assert database.obj is None or database.obj.is_closed()


def test_missing_file_is_refused_when_not_creating(tmp_path):
    with pytest.raises(DatabaseOpenError, match="niet gevonden"):
        open_database(tmp_path / "nope.sqlite", create=False)


def test_missing_folder_is_named(tmp_path):
    with pytest.raises(DatabaseOpenError, match="bestaat niet"):
        open_database(tmp_path / "no" / "such" / "study.sqlite")


def test_a_folder_is_not_a_database(tmp_path):
    with pytest.raises(DatabaseOpenError, match="is een map"):
        open_database(tmp_path)


@pytest.mark.parametrize("content", [b"garbage that is no database" * 50, b"PK\x03\x04 zip"])
def test_a_file_that_is_not_a_database(tmp_path, content):
    path = tmp_path / "study.sqlite"
    path.write_bytes(content)
    with pytest.raises(DatabaseOpenError, match="geen Brugmeter-database"):
        open_database(path)
    assert path.read_bytes() == content  # nothing was written into it


def test_another_programs_database_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    other.close()
    with pytest.raises(DatabaseOpenError, match="ander programma"):
        open_database(path)
    with sqlite3.connect(path) as other:
        tables = [r[0] for r in other.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    other.close()
    assert tables == ["invoices"]


@pytest.mark.skipif(shutil.os.geteuid() == 0, reason="root may write to read-only files")
def test_read_only_file_is_refused(tmp_path):  # pragma: no cover - CI runs as root
    path = tmp_path / "study.sqlite"
    open_database(path)
    close_database()
    path.chmod(0o400)
    with pytest.raises(DatabaseOpenError, match="alleen-lezen"):
        open_database(path)


def test_read_only_file_is_refused_even_for_root(tmp_path, monkeypatch):
    """Root ignores file modes, so the check is driven through os.access as a user sees it."""
    path = tmp_path / "study.sqlite"
    open_database(path)
    close_database()
    import desktop.models.database as module

    monkeypatch.setattr(module.os, "access", lambda p, mode: Path(p) != path)
    with pytest.raises(DatabaseOpenError, match="alleen-lezen"):
        open_database(path)


def test_locked_database_gets_a_clear_message(tmp_path):
    path = tmp_path / "study.sqlite"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE x (id INTEGER)")
    other.close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseOpenError, match="vergrendeld"):
            open_database(path, busy_timeout=0.2)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@pytest.mark.sqlite_only(reason="another program holding the SQLite file's write lock")
def test_save_while_another_program_holds_the_write_lock_is_refused_and_loses_nothing(
        study, participant, db_path):
    from desktop.models.errors import BrugmeterError

    holder = sqlite3.connect(db_path, isolation_level=None, timeout=0.1)
    holder.execute("BEGIN IMMEDIATE")
    database.obj.execute_sql("PRAGMA busy_timeout = 100")
    try:
        with pytest.raises(BrugmeterError, match="vergrendeld"):
            bridge.save_assessment(participant.id, study.moments[0].id, "2018-01-15",
                                   {"huisvesting": 3})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert bridge.get_assessment(participant.id, study.moments[0].id) is None
    bridge.save_assessment(participant.id, study.moments[0].id, "2018-01-15", {"huisvesting": 3})
    assert bridge.get_assessment(participant.id, study.moments[0].id).values["huisvesting"] == 3


def test_a_path_with_a_tilde_is_expanded(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    open_database("~/study.sqlite")
    assert (tmp_path / "study.sqlite").exists()


@pytest.mark.parametrize("url", ["foo://somewhere/db", "postgresql://user:secret@localhost:1/x"])
def test_a_database_url_that_cannot_be_used_gets_a_clear_message(url):
    with pytest.raises(DatabaseOpenError) as error:
        open_database(url)
    assert "secret" not in error.value.message


def test_an_empty_file_is_not_filled_when_a_study_was_expected(tmp_path):
    path = tmp_path / "empty.sqlite"
    path.write_bytes(b"")
    with pytest.raises(DatabaseOpenError, match="leeg"):
        open_database(path, create=False)
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    raw.close()


def test_a_missing_version_row_is_called_damaged(db_path):
    open_database(db_path)
    SchemaVersion.delete().execute()
    close_database()
    with pytest.raises(DatabaseOpenError, match="beschadigd"):
        open_database(db_path)


def test_a_migrated_file_has_the_same_tables_and_indexes_as_a_new_one(tmp_path):
    def shape(path):
        with sqlite3.connect(path) as raw:
            rows = raw.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE "
                               "'sqlite_%' ORDER BY type, name").fetchall()
        raw.close()
        return rows

    fresh = tmp_path / "fresh.sqlite"
    open_database(fresh)
    close_database()
    old = tmp_path / "old.sqlite"
    shutil.copy(V1_FILE, old)
    open_database(old)
    close_database()
    assert shape(old) == shape(fresh)
