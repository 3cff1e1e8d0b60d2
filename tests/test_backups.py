"""Backups and restore on real SQLite files: made while others write, thinned by the retention
rule, checked before a restore, and a restore that keeps the current file and never half-writes."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from desktop import settings
from desktop.cli import main
from desktop.models import audit, backups
from desktop.models.backups import BackupError, ErasedDataError
from desktop.models.database import close_database, current_database, open_database, transaction
from desktop.models.errors import DatabaseOpenError
from desktop.models.migrations import CURRENT_VERSION
from desktop.models.services import participants, studies

pytestmark = pytest.mark.sqlite_only(reason="backups are copies of SQLite files")

V1_FILE = Path(__file__).parent / "data" / "brugmeter-schema-v1.sqlite"
ROOT = Path(__file__).resolve().parent.parent


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def add(study_id: int, code: str) -> int:
    site = studies.get_study(study_id).sites[0].id
    return participants.add_participant(study_id, participants.ParticipantInput(
        code, site, "consented", dt.date(2018, 1, 8)))


def codes(path: Path) -> list[str]:
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as connection:
        found = [row[0] for row in connection.execute("SELECT code FROM participant ORDER BY 1")]
    connection.close()
    return found


def file_state(path: Path) -> dict[str, bytes]:
    """The bytes of a database and its WAL files, to prove nothing was touched."""
    return {suffix: Path(f"{path}{suffix}").read_bytes()
            for suffix in ("", "-wal", "-shm") if Path(f"{path}{suffix}").exists()}


@pytest.fixture
def closed_study(db_path, study, participant) -> Path:
    """A study file with participant AL-001, closed again."""
    close_database()
    return db_path


# making backups ------------------------------------------------------------------------------
def test_backup_of_the_open_database_is_a_private_self_contained_copy(db_path, study,
                                                                      participant):
    participants.add_participant(study.id, participants.ParticipantInput(
        "AL-002", None, "declined"))  # approached only: not counted as taking part
    written = backups.backup_open_database()
    assert written.parent == db_path.parent / "backups"
    assert mode(written) == 0o600 and mode(written.parent) == 0o700
    name = backups.parse_name(written.name)
    assert (name.stem, name.kind) == ("study", "manual")
    assert abs(name.made_at - dt.datetime.now()) < dt.timedelta(minutes=1)
    assert not Path(f"{written}-wal").exists()
    assert [path.name for path in written.parent.iterdir()] == [written.name]  # no temp left
    held = backups.check_backup(written)
    assert (held.studies, held.participants, held.responses) == (1, 1, 0)
    assert held.schema_version == CURRENT_VERSION and held.kind == "manual"
    assert codes(written) == ["AL-001", "AL-002"]
    # a second one in the same second gets its own name
    again = backups.make_backup(db_path, "manual", now=name.made_at)
    assert again != written and again.name.endswith("-2.sqlite")


def test_backup_while_another_connection_writes_is_always_consistent(db_path, study):
    close_database()
    stop = threading.Event()
    written_rows: list[int] = []

    def writer() -> None:
        connection = sqlite3.connect(db_path, timeout=10)
        number = 0
        while not stop.is_set():
            number += 1
            connection.execute("INSERT INTO participant (study_id, code, status, study_group, "
                               "remarks, version) VALUES (?, ?, 'consented', '', '', 1)",
                               (study.id, f"W-{number:05d}"))
            connection.commit()
            written_rows.append(number)
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        made = []
        while len(made) < 8:
            if len(written_rows) > 20 * len(made):
                made.append(backups.make_backup(db_path, "manual"))
    finally:
        stop.set()
        thread.join()
    counts = []
    for path in made:
        held = backups.check_backup(path)  # integrity_check passes on every copy
        found = codes(path)
        assert found == [f"W-{n:05d}" for n in range(1, len(found) + 1)]  # whole commits only
        counts.append(held.participants)
    assert counts == sorted(counts) and counts[0] > 0 and counts[-1] <= len(written_rows)


def test_the_backup_folder_is_a_setting_written_privately(db_path, study, tmp_path):
    chosen = tmp_path / "elsewhere" / "copies"
    backups.set_backup_folder(chosen)
    stored = settings.settings_file()
    assert json.loads(stored.read_text(encoding="utf-8")) == {"backup_folder": str(chosen)}
    assert mode(stored) == 0o600 and mode(stored.parent) == 0o700
    assert stored.is_relative_to(Path(os.environ["XDG_CONFIG_HOME"]))
    written = backups.backup_open_database()
    assert written.parent == chosen and mode(chosen) == 0o700
    assert backups.list_backups(db_path)[0].path == written
    settings.set_value("another", 3)
    backups.set_backup_folder(None)
    assert settings.value(settings.BACKUP_FOLDER) is None and settings.value("another") == 3
    assert backups.backup_folder(db_path) == db_path.parent / "backups"


def test_an_unreadable_settings_file_counts_as_defaults_and_is_replaced(db_path):
    stored = settings.settings_file()
    stored.parent.mkdir(parents=True)
    stored.write_text("{not json", encoding="utf-8")
    assert settings.value(settings.BACKUP_FOLDER, "default") == "default"
    settings.set_value("key", "value")
    assert json.loads(stored.read_text(encoding="utf-8")) == {"key": "value"}


def test_a_backup_folder_that_is_a_file_is_refused_clearly(db_path, study, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(BackupError) as error:
        backups.set_backup_folder(blocker)
    assert error.value.key == "backup.folder_unusable" and str(blocker) in error.value.message
    assert "geen map" in error.value.message
    assert settings.value(settings.BACKUP_FOLDER) is None
    settings.set_value(settings.BACKUP_FOLDER, str(blocker))  # e.g. a USB stick taken out
    with pytest.raises(BackupError, match="geen map"):
        backups.backup_open_database()


def test_no_migration_without_its_backup(tmp_path):
    path = tmp_path / "old.sqlite"
    shutil.copy(V1_FILE, path)
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    settings.set_value(settings.BACKUP_FOLDER, str(blocker))
    with pytest.raises(DatabaseOpenError) as error:
        open_database(path)
    assert error.value.key == "backup.before_migration_failed"
    assert "niet bijgewerkt" in error.value.message
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT version FROM schema_version").fetchone()[0] == 1
    connection.close()
    backups.set_backup_folder(tmp_path / "copies")  # a usable folder: migrated after its backup
    open_database(path)
    assert [b.kind for b in backups.list_backups(path)] == [f"before-v{CURRENT_VERSION}"]


@pytest.mark.postgresql_only
def test_a_server_database_is_left_to_pg_dump(db, study):
    with pytest.raises(BackupError, match="pg_dump"):
        backups.backup_open_database()
    assert backups.automatic_backup(db) is None


# the daily backup ----------------------------------------------------------------------------
def test_daily_backup_once_a_day_and_not_for_a_new_file(db_path, tmp_path):
    open_database(db_path)  # a file created just now: no backup
    close_database()
    open_database(db_path)  # still no study in it: nothing worth a backup
    assert not (tmp_path / "backups").exists()
    studies.create_study(studies.StudyInput(name="Pilot", sites=["Leiden"]))
    close_database()
    open_database(db_path)
    first = backups.list_backups(db_path)
    assert [backup.kind for backup in first] == ["daily"]
    close_database()
    for _ in range(3):  # opened again the same day: no new backup
        open_database(db_path)
        close_database()
    assert backups.list_backups(db_path) == first
    # the next day (the backup's name says when it was made) the next open makes one
    old = first[0].path
    yesterday = first[0].made_at - dt.timedelta(days=1)
    old.rename(old.with_name(f"study-daily-{yesterday:%Y%m%dT%H%M%S}.sqlite"))
    open_database(db_path)
    assert [backup.kind for backup in backups.list_backups(db_path)] == ["daily", "daily"]


def _daily_backups_on_a_tmpfs(study_file: Path, folder: Path, size: str) -> str:
    """Open a copy of the study on a tmpfs of `size` (in a private mount namespace) and say
    how many backups it has then; skip where the container cannot mount one."""
    opener = ("import sys; from pathlib import Path; "
              "from desktop.models.database import open_database; "
              "from desktop.models.backups import list_backups; "
              "open_database(sys.argv[1]); print(len(list_backups(Path(sys.argv[1]))))")
    script = (f"mount -t tmpfs -o size={size} brugmeter-small {folder} && "
              f"cp {study_file} {folder}/ && "
              f"{sys.executable} -c '{opener}' {folder}/{study_file.name}")
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1",
                   "BRUGMETER_DATA_DIR": str(folder.parent),
                   "XDG_CONFIG_HOME": str(folder.parent / "config")}
    try:
        run = subprocess.run(["unshare", "--mount", "sh", "-c", script], capture_output=True,
                             text=True, timeout=120, env=environment)
    except (OSError, subprocess.SubprocessError) as error:
        pytest.skip(f"cannot mount a tmpfs here: {error}")
    if "mount" in run.stderr or "unshare" in run.stderr:
        pytest.skip(f"cannot mount a tmpfs here: {run.stderr.strip()}")
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def test_no_daily_backup_that_would_take_the_last_free_space(closed_study, tmp_path):
    """On a nearly full disk the study opens without its daily copy; with room, it gets one."""
    small, large = tmp_path / "small", tmp_path / "large"
    small.mkdir()
    large.mkdir()
    assert _daily_backups_on_a_tmpfs(closed_study, small, "4m") == "0"
    assert _daily_backups_on_a_tmpfs(closed_study, large, "100m") == "1"


def test_automatic_backup_follows_the_clock_and_thins_the_folder(db_path, study):
    start = dt.datetime(2026, 1, 1, 9, 0)
    made = [backups.automatic_backup(current_database(), now=start + dt.timedelta(hours=hour))
            for hour in range(0, 24 * 40, 6)]  # every six hours for forty days
    assert made[:5] == [made[0], None, None, made[3], None]  # 9:00, 15:00, 21:00; 3:00 next day
    assert sum(path is not None for path in made) == 41  # 1 January to 10 February
    kept = backups.list_backups(db_path)
    assert len(kept) == len({backup.made_at.date() for backup in kept})  # never two a day
    assert backups.expired((b.path.name, b.made_at) for b in kept) == set()  # pruned already
    assert kept[0].made_at == dt.datetime(2026, 2, 10, 3, 0)  # the day's first; the newest kept
    assert len(kept) <= 7 + 4 + 12


# retention -----------------------------------------------------------------------------------
def two_years_of_daily_backups(end: dt.date, per_day: int = 1) -> list[tuple[str, dt.datetime]]:
    found = []
    day = end - dt.timedelta(days=729)
    while day <= end:
        for number in range(per_day):
            made = dt.datetime.combine(day, dt.time(9 + 4 * number, 15))
            found.append((f"study-daily-{made:%Y%m%dT%H%M%S}.sqlite", made))
        day += dt.timedelta(days=1)
    return found


def kept_days(found: list[tuple[str, dt.datetime]], doomed: set[str]) -> list[dt.date]:
    return sorted({made.date() for name, made in found if name not in doomed})


def test_retention_over_a_two_year_calendar_keeps_7_daily_4_weekly_12_monthly():
    end = dt.date(2026, 11, 23)  # a Monday, ISO week 48
    found = two_years_of_daily_backups(end)
    kept = kept_days(found, backups.expired(found))
    d = dt.date
    last_seven = [d(2026, 11, day) for day in range(17, 24)]
    weekly = [d(2026, 11, 8), d(2026, 11, 15)]  # newest of weeks 46 and 45 (47, 48: above)
    monthly = [d(2025, 12, 31), d(2026, 1, 31), d(2026, 2, 28), d(2026, 3, 31),
               d(2026, 4, 30), d(2026, 5, 31), d(2026, 6, 30), d(2026, 7, 31),
               d(2026, 8, 31), d(2026, 9, 30), d(2026, 10, 31)]  # and November: the 23rd
    assert kept == sorted(monthly + weekly + last_seven)


def test_retention_keeps_one_a_day_however_many_were_made():
    found = two_years_of_daily_backups(dt.date(2026, 11, 23), per_day=3)
    doomed = backups.expired(found)
    kept = [(name, made) for name, made in found if name not in doomed]
    assert len(kept) == len({made.date() for _, made in kept}) == 20
    assert all(made.hour == 17 for _, made in kept)  # the newest of each day


def test_pruning_every_day_ends_where_pruning_once_does_and_never_grows():
    found = two_years_of_daily_backups(dt.date(2026, 11, 23))
    folder: list[tuple[str, dt.datetime]] = []
    largest = 0
    for backup in found:  # the app: a backup a day, then the rule
        folder.append(backup)
        doomed = backups.expired(folder)
        folder = [item for item in folder if item[0] not in doomed]
        largest = max(largest, len(folder))
    assert sorted(folder) == sorted(item for item in found
                                    if item[0] not in backups.expired(found))
    assert largest <= 7 + 4 + 12


def test_retention_of_the_other_kinds_and_of_other_databases():
    start = dt.datetime(2026, 1, 1, 12, 0)
    found = []
    for number in range(15):
        made = start + dt.timedelta(days=number)
        found += [(f"study-manual-{made:%Y%m%dT%H%M%S}.sqlite", made),
                  (f"study-before-restore-{made:%Y%m%dT%H%M%S}.sqlite", made),
                  (f"study-before-v{number + 1}-{made:%Y%m%dT%H%M%S}.sqlite", made),
                  (f"other-manual-{made:%Y%m%dT%H%M%S}.sqlite", made),
                  (f"notes-{number}.sqlite", made)]
    doomed = backups.expired(found)
    kept = [name for name, _ in found if name not in doomed]
    newest = [start + dt.timedelta(days=number) for number in range(14, -1, -1)]
    assert [n for n in kept if n.startswith("study-manual")] == sorted(
        f"study-manual-{made:%Y%m%dT%H%M%S}.sqlite" for made in newest[:10])
    assert len([n for n in kept if n.startswith("study-before-restore")]) == 5
    assert sorted(n.split("-")[2] for n in kept if n.startswith("study-before-v")) == [
        "v13", "v14", "v15"]
    assert len([n for n in kept if n.startswith("other-manual")]) == 10
    assert all(f"notes-{number}.sqlite" in kept for number in range(15))  # not ours: kept


# checking backups ----------------------------------------------------------------------------
def bad_backups(closed_study: Path, folder: Path) -> list[tuple[str, Path]]:
    """Files a restore must refuse, each with the reason it must give."""
    good = backups.make_backup(closed_study, "manual")
    data = good.read_bytes()
    truncated = folder / "truncated.sqlite"
    truncated.write_bytes(data[: len(data) // 3])
    noise = folder / "noise.sqlite"
    noise.write_bytes(os.urandom(200_000))
    empty = folder / "empty.sqlite"
    empty.write_bytes(b"")
    foreign = folder / "foreign.sqlite"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    connection.close()
    too_new = folder / "too-new.sqlite"
    shutil.copy(good, too_new)
    with sqlite3.connect(too_new) as connection:
        connection.execute("UPDATE schema_version SET version = ?", (CURRENT_VERSION + 1,))
    connection.close()
    return [("backup.damaged", truncated), ("backup.not_database", noise),
            ("backup.not_database", empty), ("backup.foreign", foreign),
            ("backup.too_new", too_new), ("backup.missing", folder / "absent.sqlite")]


def test_check_refuses_truncated_random_foreign_too_new_and_missing_files(closed_study,
                                                                          tmp_path):
    for key, path in bad_backups(closed_study, tmp_path):
        with pytest.raises(BackupError) as error:
            backups.check_backup(path)
        assert error.value.key == key, path
        assert str(path) in error.value.message
    from desktop import i18n

    i18n.set_language("en")
    with pytest.raises(BackupError, match="newer Brugmeter"):
        backups.check_backup(tmp_path / "too-new.sqlite")


def test_restore_of_a_bad_backup_changes_nothing(closed_study, tmp_path):
    open_database(closed_study)  # open and closed again: the file as the app leaves it
    close_database()
    before = file_state(closed_study)
    for key, path in bad_backups(closed_study, tmp_path):
        aside = {p.name for p in (tmp_path / "backups").iterdir()}
        with pytest.raises(BackupError) as error:
            backups.restore(path, closed_study)
        assert error.value.key == key
        assert file_state(closed_study) == before
        assert {p.name for p in (tmp_path / "backups").iterdir()} == aside


# restoring -----------------------------------------------------------------------------------
def test_restore_keeps_the_current_file_aside_and_the_database_opens_with_the_backup(
        db_path, study, participant):
    backup = backups.backup_open_database()
    add(study.id, "AL-002")
    close_database()
    result = backups.restore(backup, db_path)
    assert result.restored.participants == 1
    assert backups.parse_name(result.kept_aside.name).kind == "before-restore"
    assert codes(result.kept_aside) == ["AL-001", "AL-002"]
    for path in (db_path, result.kept_aside):
        assert mode(path) == 0o600
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["backups", "study.sqlite"]
    open_database(db_path)
    assert [row.code for row in participants.participant_rows(study.id)] == ["AL-001"]
    # and the kept file can be restored in turn: the change is back
    close_database()
    backups.restore(result.kept_aside, db_path)
    open_database(db_path)
    assert [row.code for row in participants.participant_rows(study.id)] == [
        "AL-001", "AL-002"]


def test_restore_over_a_file_with_wal_content_keeps_that_content_aside(closed_study):
    backup = backups.make_backup(closed_study, "manual")
    # another process commits a participant and dies before SQLite folds the WAL into the file
    script = ("import os, sqlite3, sys\n"
              "connection = sqlite3.connect(sys.argv[1])\n"
              "connection.execute('PRAGMA wal_autocheckpoint = 0')\n"
              "study = connection.execute('SELECT id FROM study').fetchone()[0]\n"
              "connection.execute(\"INSERT INTO participant (study_id, code, status, study_group,"
              " remarks, version) VALUES (?, 'AL-WAL', 'consented', '', '', 1)\", (study,))\n"
              "connection.commit()\n"
              "os._exit(0)\n")
    subprocess.run([sys.executable, "-c", script, str(closed_study)], check=True)
    wal = Path(f"{closed_study}-wal")
    assert wal.stat().st_size > 0
    with open(closed_study, "rb") as handle:
        assert b"AL-WAL" not in handle.read()  # only in the WAL
    result = backups.restore(backup, closed_study)
    assert codes(result.kept_aside) == ["AL-001", "AL-WAL"]
    assert not wal.exists() and not Path(f"{closed_study}-shm").exists()
    assert codes(closed_study) == ["AL-001"]
    open_database(closed_study)
    assert len(participants.participant_rows(studies.list_studies()[0].id)) == 1


def test_restore_over_an_open_database_is_refused_and_changes_nothing(db_path, study):
    backup = backups.backup_open_database()
    before = file_state(db_path)
    with pytest.raises(BackupError) as error:
        backups.restore(backup, db_path)  # still open here
    assert error.value.key == "backup.target_in_use"
    assert file_state(db_path) == before
    assert len(backups.list_backups(db_path)) == 1  # no before-restore copy either


def test_restore_over_a_damaged_file_keeps_its_bytes_aside(closed_study, tmp_path):
    backup = backups.make_backup(closed_study, "manual")
    damaged = os.urandom(8192)
    closed_study.write_bytes(damaged)
    result = backups.restore(backup, closed_study)
    assert result.kept_aside.read_bytes() == damaged
    assert codes(closed_study) == ["AL-001"]


def test_restore_into_a_missing_file_creates_it(closed_study, tmp_path):
    backup = backups.make_backup(closed_study, "manual")
    target = tmp_path / "new" / "restored.sqlite"
    target.parent.mkdir()
    result = backups.restore(backup, target)
    assert result.kept_aside is None and codes(target) == ["AL-001"] and mode(target) == 0o600


def test_restoring_the_oldest_kept_before_restore_backup_does_not_thin_it_away(closed_study):
    """Keeping the current file aside adds a before-restore backup; the retention rule must not
    then delete the one being restored (the sixth of five would go)."""
    start = dt.datetime(2026, 1, 1, 9)
    kept = [backups.make_backup(closed_study, backups.BEFORE_RESTORE,
                                now=start + dt.timedelta(hours=hour))
            for hour in range(backups.RETENTION.before_restore)]
    oldest = kept[0]
    result = backups.restore(oldest, closed_study)
    assert result.restored.participants == 1 and codes(closed_study) == ["AL-001"]
    assert result.kept_aside.exists()
    left = [backup.path for backup in backups.list_backups(closed_study)
            if backup.kind == backups.BEFORE_RESTORE]
    assert len(left) == backups.RETENTION.before_restore  # thinned after the restore


def test_restore_warns_before_bringing_back_erased_participants(db_path, study, participant):
    backup = backups.backup_open_database()
    with transaction():  # the entry an erasure leaves behind
        audit.record("participant", participant.id, "erase", {})
    after = backups.make_backup(db_path, "manual", now=dt.datetime.now() + dt.timedelta(1))
    close_database()
    before = file_state(db_path)
    with pytest.raises(ErasedDataError) as error:
        backups.restore(backup, db_path)
    assert "1 verwijdering" in error.value.message
    assert file_state(db_path) == before
    assert backups.erasures_since(after, db_path) == []  # made after the erasure: no warning
    backups.restore(backup, db_path, bring_back_erased=True)
    assert codes(db_path) == ["AL-001"]


# the command line ----------------------------------------------------------------------------
def test_cli_backup_list_and_restore_round_trip(closed_study, capsys):
    assert main(["backup", "--db", str(closed_study), "--list"]) == 0
    assert "Nog geen reservekopieën" in capsys.readouterr().out
    assert main(["backup", "--db", str(closed_study)]) == 0
    out = capsys.readouterr().out
    written = Path(out.splitlines()[0].split(": ", 1)[1])
    assert written.exists() and "1 deelnemers" in out
    open_database(closed_study)
    add(studies.list_studies()[0].id, "AL-002")
    close_database()
    assert main(["--lang", "en", "backup", "--db", str(closed_study), "--list"]) == 0
    listing = capsys.readouterr().out
    assert "newest first" in listing and "manual" in listing and written.name in listing
    assert main(["restore", str(written), "--db", str(closed_study)]) == 0
    out = capsys.readouterr().out
    assert "teruggezet" in out and "before-restore" in out
    assert codes(closed_study) == ["AL-001"]


def test_cli_restore_needs_yes_to_bring_back_erased_data(closed_study, capsys):
    open_database(closed_study)
    backup = backups.backup_open_database()
    with transaction():
        audit.record("participant", 1, "erase", {})
    close_database()
    assert main(["restore", str(backup), "--db", str(closed_study)]) == 1
    assert "--yes" in capsys.readouterr().err
    assert main(["restore", str(backup), "--db", str(closed_study), "--yes"]) == 0


def test_cli_restore_of_the_oldest_monthly_backup_is_not_thinned_away_first(closed_study,
                                                                            capsys):
    """`brugmeter restore` asks the database who the user is; that opening must not make
    today's daily backup, whose thinning would take the 12th month's one being restored."""
    today = dt.date.today()
    monthly = []
    for back in range(1, backups.RETENTION.months + 1):
        year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
        monthly.append(backups.make_backup(closed_study, backups.DAILY,
                                           now=dt.datetime(year, month + 1, 1, 9)))
    assert main(["restore", str(monthly[-1]), "--db", str(closed_study)]) == 0
    assert "teruggezet" in capsys.readouterr().out
    assert codes(closed_study) == ["AL-001"]


def test_cli_refuses_a_server_database_and_a_bad_backup(closed_study, tmp_path, capsys):
    assert main(["backup", "--db", "postgresql://team@db.example.org/brug"]) == 1
    assert "pg_dump" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "absent.sqlite"), "--db", str(closed_study)]) == 1
    assert "niet gevonden" in capsys.readouterr().err
    foreign = tmp_path / "foreign.sqlite"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE t (x)")
    connection.close()
    assert main(["backup", "--db", str(foreign)]) == 1
    assert "niet van Brugmeter" in capsys.readouterr().err
    assert not (tmp_path / "backups").exists() or not list((tmp_path / "backups").glob(
        "foreign-*"))


def test_cli_backup_names_the_database_it_cannot_copy(tmp_path, capsys):
    missing = tmp_path / "absent.sqlite"
    assert main(["--lang", "en", "backup", "--db", str(missing)]) == 1
    assert f"Database {missing} not found" in capsys.readouterr().err
    text = tmp_path / "notes.sqlite"
    text.write_text("not a database")
    assert main(["--lang", "en", "backup", "--db", str(text)]) == 1
    error = capsys.readouterr().err
    assert f"{text} is not a Brugmeter database" in error and "Brugmeter backup" not in error
    assert not (tmp_path / "backups").exists()


def test_cli_backup_in_the_installed_command(closed_study, tmp_path):
    """The real `python -m desktop` entry writes its backup where asked."""
    folder = tmp_path / "usb"
    run = subprocess.run([sys.executable, "-m", "desktop", "--lang", "en", "backup", "--db",
                          str(closed_study), "--folder", str(folder)],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    assert run.stdout.startswith("Backup written: " + str(folder))
    assert len(list(folder.glob("study-manual-*.sqlite"))) == 1


def test_a_backup_killed_halfway_leaves_no_leftover_for_long(db_path, study, participant):
    """A process killed while writing a backup leaves its temporary `.part` file; the next
    backup's thinning removes it once it is an hour old (a younger one may be in progress),
    and never touches another database's."""
    folder = backups.backup_folder(Path(db_path))
    backups.make_backup(Path(db_path), "manual")
    old, young, other = (folder / ".study-manual-20250101T000000.sqlite.a1b2.part",
                         folder / ".study-manual-20250102T000000.sqlite.c3d4.part",
                         folder / ".andere-manual-20250101T000000.sqlite.e5f6.part")
    for leftover in (old, young, other):
        leftover.write_bytes(b"half a copy")
    hours_ago = (dt.datetime.now() - dt.timedelta(hours=2)).timestamp()
    os.utime(old, (hours_ago, hours_ago))
    os.utime(other, (hours_ago, hours_ago))
    backups.make_backup(Path(db_path), "manual")
    assert not old.exists() and young.exists() and other.exists()
    assert not [p for p in folder.iterdir() if p.name.endswith(".part") and p != young
                and p != other]
