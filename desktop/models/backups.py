"""Backups of a SQLite study file, and putting one back.

Copies are made with SQLite's online backup API, so they are consistent even while the app
writes (the WAL included). A backup's name carries the database's stem, a kind and a timestamp,
so several databases can share one folder. A retention rule thins the automatic ones; a restore
checks the backup first, keeps the current file aside and never leaves a half file in its place.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import peewee as pw

from desktop import settings
from desktop.i18n import tr
from desktop.models import migrations
from desktop.models.errors import BrugmeterError, DatabaseOpenError
from desktop.models.files import write_atomically
from desktop.models.schema import PARTICIPATING_STATUSES, database

log = logging.getLogger(__name__)

DAILY = "daily"
MANUAL = "manual"
BEFORE_RESTORE = "before-restore"
_BEFORE_MIGRATION = re.compile(r"before-v(\d+)")
_NAME = re.compile(r"(?P<stem>.+)-(?P<kind>daily|manual|before-restore|before-v\d+)"
                   r"-(?P<stamp>\d{8}T\d{6})(?:-\d+)?\.sqlite")
_STAMP = "%Y%m%dT%H%M%S"
_SIDECARS = ("-wal", "-shm", "-journal")  # SQLite's files beside a database
MIN_FREE = 64 * 1024 * 1024  # free bytes an automatic backup always leaves on the disk
SHOWN = "%d-%m-%Y %H:%M"  # a backup's time as the user reads it


class BackupError(BrugmeterError):
    """A backup cannot be made, read or restored; nothing was changed."""


class ErasedDataError(BackupError):
    """Restoring would bring back participants erased after the backup was made."""


# names ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BackupName:
    """What a backup's file name says: whose, what kind, when."""

    stem: str
    kind: str
    made_at: dt.datetime


def parse_name(name: str) -> BackupName | None:
    """The parts of one of our backup names; None for any other file."""
    match = _NAME.fullmatch(name)
    if match is None:
        return None
    return BackupName(match["stem"], match["kind"],
                      dt.datetime.strptime(match["stamp"], _STAMP))


def _free_name(folder: Path, stem: str, kind: str, now: dt.datetime) -> Path:
    """A name not used yet: two backups in the same second get -2, -3, …"""
    base = f"{stem}-{kind}-{now.strftime(_STAMP)}"
    path, number = folder / f"{base}.sqlite", 1
    while path.exists():
        number += 1
        path = folder / f"{base}-{number}.sqlite"
    return path


# retention -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Retention:
    """How many to keep: automatic (daily) backups as the newest of each of the last days,
    ISO weeks and months that have one; of the other kinds the newest few."""

    days: int = 7
    weeks: int = 4
    months: int = 12
    before_migration: int = 3
    manual: int = 10
    before_restore: int = 5


RETENTION = Retention()


def expired(backups: Iterable[tuple[str, dt.datetime]],
            rule: Retention = RETENTION) -> set[str]:
    """The backups to delete, from (file name, time made); a name that is not one of our backup
    names is never chosen. Each database (name stem) is thinned on its own."""
    groups: dict[tuple[str, str], list[tuple[dt.datetime, str]]] = {}
    for name, made_at in backups:
        parsed = parse_name(name)
        if parsed is not None:
            kind = "migration" if _BEFORE_MIGRATION.fullmatch(parsed.kind) else parsed.kind
            groups.setdefault((parsed.stem, kind), []).append((made_at, name))
    keep: set[str] = set()
    doomed: set[str] = set()
    for (_, kind), members in groups.items():
        members.sort(reverse=True)  # newest first
        names = [name for _, name in members]
        doomed.update(names)
        if kind == DAILY:
            keep.update(_newest_per_period(members, rule.days, lambda t: t.date()))
            keep.update(_newest_per_period(members, rule.weeks, lambda t: t.isocalendar()[:2]))
            keep.update(_newest_per_period(members, rule.months, lambda t: (t.year, t.month)))
        else:
            count = {"migration": rule.before_migration, MANUAL: rule.manual,
                     BEFORE_RESTORE: rule.before_restore}[kind]
            keep.update(names[:count])
    return doomed - keep


def _newest_per_period(newest_first: list[tuple[dt.datetime, str]], periods: int,
                       period_of) -> list[str]:
    kept: list[str] = []
    seen: set[object] = set()
    for made_at, name in newest_first:
        period = period_of(made_at)
        if period in seen:
            continue
        if len(seen) == periods:
            break
        seen.add(period)
        kept.append(name)
    return kept


# where ---------------------------------------------------------------------------------------
def backup_folder(database_file: Path) -> Path:
    """The folder the user chose, else backups/ beside the database (the data folder's for the
    default database)."""
    chosen = settings.value(settings.BACKUP_FOLDER)
    return Path(str(chosen)).expanduser() if chosen else Path(database_file).parent / "backups"


def set_backup_folder(folder: Path | None) -> None:
    """Remember the folder for backups, made now (0700) so that a folder that cannot be used
    is said at once; None goes back to the default."""
    if folder is not None:
        folder = _ensure_folder(Path(folder).expanduser())
    settings.set_value(settings.BACKUP_FOLDER, str(folder) if folder else None)


@dataclass(frozen=True)
class Backup:
    """One backup of a database in the folder, as the lists show it."""

    path: Path
    kind: str
    made_at: dt.datetime
    size: int


def list_backups(database_file: Path, folder: Path | None = None) -> list[Backup]:
    """This database's backups in the folder, newest first."""
    folder = folder or backup_folder(database_file)
    found = []
    for path in folder.glob("*.sqlite") if folder.is_dir() else ():
        parsed = parse_name(path.name)
        if parsed is not None and parsed.stem == Path(database_file).stem:
            found.append(Backup(path, parsed.kind, parsed.made_at, path.stat().st_size))
    return sorted(found, key=lambda backup: (backup.made_at, backup.path.name), reverse=True)


def prune(database_file: Path, folder: Path | None = None) -> list[Path]:
    """Delete what the retention rule lets go of; returns the deleted files."""
    backups = list_backups(database_file, folder)
    doomed = expired((backup.path.name, backup.made_at) for backup in backups)
    deleted = []
    for backup in backups:
        if backup.path.name in doomed:
            try:
                backup.path.unlink(missing_ok=True)
            except OSError as error:  # kept one more round; the new backup stands
                log.warning("cannot remove old backup %s: %s", backup.path, error)
                continue
            deleted.append(backup.path)
    deleted += _remove_leftovers(database_file, folder or backup_folder(database_file))
    if deleted:
        log.info("retention removed %d old backup(s)", len(deleted))
    return deleted


LEFTOVER_AGE = dt.timedelta(hours=1)


def _remove_leftovers(database_file: Path, folder: Path) -> list[Path]:
    """Half-written copies of a backup whose process was killed (their temporary `.part`
    files, never listed nor restored), once they are old enough not to be in progress."""
    before = (dt.datetime.now() - LEFTOVER_AGE).timestamp()
    removed = []
    for leftover in folder.glob(f".{database_file.stem}-*.part"):
        try:
            if leftover.stat().st_mtime < before:
                leftover.unlink()
                _remove_sidecars(leftover)
                removed.append(leftover)
        except OSError as error:
            log.warning("cannot remove the leftover %s: %s", leftover, error)
    return removed


# making one ----------------------------------------------------------------------------------
def make_backup(source: pw.SqliteDatabase | Path, kind: str, folder: Path | None = None, *,
                now: dt.datetime | None = None, thin: bool = True) -> Path:
    """Copy an open database (or a closed file) into the backup folder, then apply the
    retention rule there (unless `thin` is off: a restore thins once it has read its backup).
    The copy is one self-contained file, readable by the user only."""
    path = Path(source.database) if isinstance(source, pw.SqliteDatabase) else Path(source)
    if not path.is_file():
        raise BackupError("backup.source_missing", path=path)
    folder = _ensure_folder(folder or backup_folder(path))
    target = _free_name(folder, path.stem, kind, now or dt.datetime.now())

    def copy_into(copy: sqlite3.Connection) -> None:
        if isinstance(source, pw.SqliteDatabase):
            source.connection().backup(copy)
        else:
            with closing(_live(path)) as original:
                original.backup(copy)

    _write_copy(target, copy_into)
    log.info("backup written to %s", target)
    if thin:
        prune(path, folder)
    return target


def backup_open_database(kind: str = MANUAL) -> Path:
    """Back up the database open now (File → Back up now, `brugmeter backup`)."""
    return make_backup(_open_sqlite(), kind)


def before_migration(db: pw.SqliteDatabase, version: int) -> Path:
    """The backup before migrating to `version`; without it the file is not migrated."""
    try:
        return make_backup(db, f"before-v{version}")
    except BrugmeterError as error:
        raise DatabaseOpenError("backup.before_migration_failed", path=db.database,
                                reason=error.message) from None


def automatic_backup(db: pw.Database | None, *, now: dt.datetime | None = None) -> Path | None:
    """The daily backup, when this database holds a study and its newest backup (of any kind)
    was made before today, or there is none; None when nothing was due. By calendar day, not
    24 hours, so that whoever starts work at nine every day gets one every day."""
    if not isinstance(db, pw.SqliteDatabase) or not _holds_a_study(db):
        return None
    now = now or dt.datetime.now()
    path = Path(db.database)
    folder = backup_folder(path)
    try:
        newest = list_backups(path, folder)
        if newest and newest[0].made_at.date() >= now.date():
            return None
        if not _room_for_a_copy(path, folder):
            log.warning("no daily backup of %s: too little free disk space left", path)
            return None
    except OSError as error:  # the folder cannot be read (a network drive gone, …)
        raise BackupError("backup.folder_unusable", path=folder,
                          reason=error.strerror or str(error)) from None
    return make_backup(db, DAILY, folder, now=now)


def _room_for_a_copy(database_file: Path, folder: Path) -> bool:
    """An automatic copy must not take the space the next saves need: after it, at least as
    much as the database's size (and MIN_FREE) must be left on the folder's disk."""
    existing = next(parent for parent in (folder, *folder.parents) if parent.exists())
    size = sum(Path(f"{database_file}{suffix}").stat().st_size
               for suffix in ("", "-wal") if Path(f"{database_file}{suffix}").exists())
    return shutil.disk_usage(existing).free - size >= max(size, MIN_FREE)


def backup_if_due(db: pw.Database) -> None:
    """automatic_backup on opening a file: a backup that fails is logged, and the study opens."""
    try:
        automatic_backup(db)
    except (BrugmeterError, OSError) as error:
        log.warning("daily backup of %s failed: %s", getattr(db, "database", "?"), error)


def open_database_file() -> Path:
    """The SQLite file open now; a server database has none to copy."""
    return Path(_open_sqlite().database)


def _open_sqlite() -> pw.SqliteDatabase:
    db = database.obj
    if not isinstance(db, pw.SqliteDatabase):
        raise BackupError("backup.not_sqlite")
    return db


def _holds_a_study(db: pw.SqliteDatabase) -> bool:
    try:
        return db.execute_sql("SELECT 1 FROM study LIMIT 1").fetchone() is not None
    except (pw.DatabaseError, sqlite3.DatabaseError):
        return False


def _ensure_folder(folder: Path) -> Path:
    """The backup folder, made private (0700) when we create it."""
    try:
        if not folder.exists():
            folder.mkdir(parents=True, mode=0o700)
    except OSError as error:
        raise BackupError("backup.folder_unusable", path=folder,
                          reason=error.strerror or str(error)) from None
    if not folder.is_dir():
        raise BackupError("backup.folder_unusable", path=folder,
                          reason=tr("backup.reason_not_folder"))
    if not os.access(folder, os.W_OK):
        raise BackupError("backup.folder_unusable", path=folder,
                          reason=tr("backup.reason_read_only"))
    return folder


# checking one --------------------------------------------------------------------------------
@dataclass(frozen=True)
class BackupContents:
    """What a backup holds, for the restore dialog and the CLI."""

    path: Path
    kind: str | None  # None: a file not named by us
    made_at: dt.datetime
    schema_version: int
    studies: int
    participants: int
    responses: int
    size: int


def describe(path: Path) -> BackupContents:
    """What a backup holds, read quickly (for lists); check_backup before restoring it."""
    with _reading(path) as connection:
        return _contents(connection, Path(path))


def check_backup(path: Path) -> BackupContents:
    """Refuse a backup that is missing, not SQLite, damaged, not ours or from a newer
    Brugmeter; else say what it holds."""
    with _reading(path) as connection:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        if problems != ["ok"]:
            raise BackupError("backup.damaged", path=path, problem=problems[0])
        return _contents(connection, Path(path))


@contextmanager
def _reading(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to a file that looks like SQLite; errors become BackupErrors."""
    path = Path(path)
    if not path.is_file():
        raise BackupError("backup.missing", path=path)
    with path.open("rb") as handle:
        if handle.read(16) != b"SQLite format 3\x00":
            raise BackupError("backup.not_database", path=path)
    try:
        with closing(_read_only(path)) as connection:
            yield connection
    except sqlite3.Error as error:
        raise BackupError("backup.damaged", path=path, problem=str(error)) from None


def _contents(connection: sqlite3.Connection, path: Path) -> BackupContents:
    tables = {row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {"schema_version", "study", "participant", "response"} <= tables:
        raise BackupError("backup.foreign", path=path)
    row = connection.execute("SELECT version FROM schema_version").fetchone()
    if row is None:
        raise BackupError("backup.damaged", path=path, problem="schema_version")
    if row[0] > migrations.CURRENT_VERSION:
        raise BackupError("backup.too_new", path=path, found=row[0],
                          supported=migrations.CURRENT_VERSION)

    def count(table: str, where: str = "") -> int:
        return connection.execute(f"SELECT count(*) FROM {table} {where}").fetchone()[0]

    parsed = parse_name(path.name)
    made_at = parsed.made_at if parsed else dt.datetime.fromtimestamp(path.stat().st_mtime)
    return BackupContents(path, parsed.kind if parsed else None, made_at.replace(microsecond=0),
                          row[0], count("study"), count("participant", _TAKING_PART),
                          count("response"),
                          path.stat().st_size)


# Participants as the app counts them (taking part: consented, or withdrawn later), not the
# people only approached or who declined.
_TAKING_PART = "WHERE status IN ({})".format(
    ", ".join(f"'{status}'" for status in PARTICIPATING_STATUSES))


def _read_only(path: Path) -> sqlite3.Connection:
    """For backups: read, never written."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _live(path: Path) -> sqlite3.Connection:
    """For a database in use: an ordinary connection, used for reading only. Unlike a read-only
    one, closing it tidies the -wal and -shm files it needed, as the app's own connection does."""
    return sqlite3.connect(path, timeout=5)


def erasures_since(backup: Path, target: Path) -> list[dt.datetime]:
    """When the target recorded erasures of participants that the backup does not know of:
    restoring it would bring their data back. Empty when the target cannot be read."""
    query = "SELECT record_id, at FROM audit_entry WHERE action = 'erase' AND \"table\" = ?"
    if not Path(target).is_file():
        return []
    try:
        with closing(_live(Path(target))) as current:
            erased = set(current.execute(query, ("participant",)))
        with closing(_read_only(Path(backup))) as old:
            known = set(old.execute(query, ("participant",)))
    except sqlite3.Error as error:
        log.info("cannot compare erasures of %s and %s: %s", target, backup, error)
        return []
    return sorted(dt.datetime.fromisoformat(str(at)) for _, at in erased - known)


# restoring one -------------------------------------------------------------------------------
@dataclass(frozen=True)
class RestoreResult:
    restored: BackupContents
    kept_aside: Path | None  # the replaced file, in the backup folder; None if there was none


def restore(backup: Path, target: Path, *, bring_back_erased: bool = False,
            folder: Path | None = None) -> RestoreResult:
    """Put a backup in the place of the (closed) target database.

    The backup is checked and the target's use by others ruled out before anything changes;
    the current file is kept aside in the backup folder; the copy is written beside the target,
    flushed to disk and renamed over it, so a crash leaves the old file or the new, never half.
    """
    backup, target = Path(backup), Path(target).expanduser()
    contents = check_backup(backup)
    if target.exists() and target.resolve() == backup.resolve():
        raise BackupError("backup.same_file", path=target)
    erased = [] if bring_back_erased else erasures_since(backup, target)
    if erased:
        raise ErasedDataError("backup.erased_data", count=len(erased),
                              latest=erased[-1].strftime(SHOWN))
    kept = None
    folder = folder or backup_folder(target)
    if target.exists():
        _ensure_sole_use(target)
        kept = _keep_aside(target, folder)
    _remove_sidecars(target)  # an old WAL or journal must never be applied to the new file

    def copy_into(copy: sqlite3.Connection) -> None:
        with closing(_read_only(backup)) as source:
            source.backup(copy)

    _write_copy(target, copy_into)
    log.info("restored %s over %s (previous file kept at %s)", backup, target, kept)
    if kept is not None:  # only now: the backup being restored may be the one to go
        prune(target, folder)
    return RestoreResult(contents, kept)


def _ensure_sole_use(target: Path) -> None:
    """No other connection may have the file open: leaving WAL mode needs sole use, so it
    tells (and folds the WAL into the file). A damaged file has nothing left to protect."""
    try:
        with closing(sqlite3.connect(target, timeout=0.5)) as connection:
            mode = connection.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise BackupError("backup.target_in_use", path=target) from None
        return
    except sqlite3.DatabaseError:
        return
    if str(mode).lower() != "delete":
        raise BackupError("backup.target_in_use", path=target)


def _keep_aside(target: Path, folder: Path) -> Path:
    """The file about to be replaced, as a before-restore backup; a file SQLite cannot read
    any more is copied byte for byte (with its WAL), since a restore is how one escapes it."""
    try:
        return make_backup(target, BEFORE_RESTORE, folder, thin=False)
    except BackupError as error:
        if error.key != "backup.write_failed":
            raise
    aside = _free_name(_ensure_folder(folder), target.stem, BEFORE_RESTORE, dt.datetime.now())
    for suffix in ("", "-wal"):
        original = Path(f"{target}{suffix}")
        if original.exists():
            write_atomically(Path(f"{aside}{suffix}"),
                             lambda temporary, source=original: shutil.copyfile(source,
                                                                                temporary))
    return aside


def _write_copy(target: Path, copy_into: Callable[[sqlite3.Connection], None]) -> None:
    """A database copied into a temporary file beside `target`, made one self-contained file
    (no WAL to carry along), flushed to disk and only then renamed to `target`."""

    def write(temporary: Path) -> None:
        try:
            with closing(sqlite3.connect(temporary)) as copy:
                copy_into(copy)
                copy.execute("PRAGMA journal_mode = DELETE")
            _fsync(temporary)
        finally:
            _remove_sidecars(temporary)

    try:
        write_atomically(target, write)
    except sqlite3.Error as error:
        raise BackupError("backup.write_failed", path=target, reason=str(error)) from None
    _fsync_folder(target.parent)


def _remove_sidecars(path: Path) -> None:
    for suffix in _SIDECARS:
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _fsync_folder(folder: Path) -> None:
    """The rename itself on disk too (POSIX; Windows cannot open a folder this way)."""
    if os.name == "posix":
        _fsync(folder)


def kind_label(kind: str | None) -> str:
    """A backup's kind in words; None for a file not named by us."""
    if kind is None:
        return tr("backup.kind.file")
    migration = _BEFORE_MIGRATION.fullmatch(kind)
    if migration:
        return tr("backup.kind.before_migration", version=migration[1])
    return tr(f"backup.kind.{kind}")


def contents_text(contents: BackupContents) -> str:
    """One line on what a backup holds and when it was made."""
    return tr("backup.holds", studies=contents.studies, participants=contents.participants,
              responses=contents.responses, made=contents.made_at.strftime(SHOWN),
              version=contents.schema_version)


def size_text(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB"
