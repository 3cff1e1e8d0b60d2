"""Open the study database from a file path or URL, with clear errors instead of tracebacks."""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import peewee as pw
from playhouse.shortcuts import ReconnectMixin

from desktop.models import audit_guard
from desktop.models.backups import backup_if_due
from desktop.models.errors import BrugmeterError, DatabaseOpenError, StorageError
from desktop.models.migrations import ensure_schema
from desktop.models.schema import database
from desktop.models.server import ServerAddress, is_server_url, parse_server_url

log = logging.getLogger(__name__)

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    "cache_size": -32_000,
    "secure_delete": 1,  # freed space holds zeros: erased or replaced data leaves no trace
}


CONNECT_TIMEOUT = 8  # seconds before an unreachable server is reported as such
# What a PostgreSQL server (or libpq) says, in its own words, and which sentence we show.
SERVER_ERRORS = tuple((re.compile(pattern), key) for pattern, key in (
    (r"password authentication failed|role \".*\" does not exist", "error.server_password"),
    (r"no password supplied", "error.server_password_needed"),
    (r"database \".*\" does not exist", "error.server_unknown_database"),
    (r"permission denied|no pg_hba\.conf entry|must be owner", "error.server_no_permission"),
    (r"could not translate host name|connection refused|timeout expired|no such file or "
     r"directory|could not connect|server closed the connection|connection already closed|"
     r"terminating connection|network is unreachable|no route to host",
     "error.server_unreachable"),
    (r"no space left on device|could not extend file", "error.disk_full"),
    (r"lock timeout|canceling statement due to statement timeout", "error.db_locked"),
    (r"read-only transaction", "error.db_read_only"),
))


def is_url(target: str | Path) -> bool:
    return "://" in str(target)


def open_database(
    target: str | Path, *, create: bool = True, busy_timeout: float = 5.0,
    daily_backup: bool = True,
) -> pw.Database:
    """Open (and if asked, create) the database, bring its schema up to date and bind the models.
    A file gets its daily backup unless `daily_backup` is off (a file about to be replaced).

    Any reason the file cannot be used becomes a DatabaseOpenError with a sentence for the user.
    """
    if is_server_url(target):
        db = _server_database(parse_server_url(str(target)))
        location = describe(db)
    elif is_url(target):
        location = str(target).split("@")[-1]
        db = _connect_url(str(target), location)
    else:
        path = Path(target).expanduser()
        location = str(path)
        _check_file(path, create)
        db = pw.SqliteDatabase(
            str(path), pragmas=SQLITE_PRAGMAS, timeout=busy_timeout, check_same_thread=False
        )
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        ensure_schema(db, create=create)
    except DatabaseOpenError:
        close_database()
        raise
    except (pw.DatabaseError, pw.InterfaceError, sqlite3.DatabaseError) as error:
        close_database()
        raise translate_database_error(error, location) from None
    except pw.ImproperlyConfigured as error:  # e.g. the PostgreSQL driver is not installed
        close_database()
        if isinstance(db, pw.PostgresqlDatabase):
            raise DatabaseOpenError("error.server_driver_missing") from None
        raise DatabaseOpenError("error.db_connection", path=location, reason=str(error)) from None
    if not is_url(target):
        _make_private(Path(target).expanduser())
        if daily_backup:  # none for a new file either: it holds no study yet
            backup_if_due(db)
    log.info("opened database %s", location)
    return db


def check_connection(target: str | Path) -> None:
    """Whether `target` could be opened, without touching the database open now: for the
    settings dialog's "Test connection". Raises DatabaseOpenError with the sentence to show."""
    if not is_server_url(target):
        _check_file(Path(target).expanduser(), create=True)
        return
    db = _server_database(parse_server_url(str(target)))
    try:
        db.connect()
        db.execute_sql("SELECT 1")
    except (pw.DatabaseError, pw.InterfaceError) as error:
        raise translate_database_error(error, describe(db)) from None
    except pw.ImproperlyConfigured:
        raise DatabaseOpenError("error.server_driver_missing") from None
    finally:
        if not db.is_closed():
            db.close()


class ServerDatabase(ReconnectMixin, pw.PostgresqlDatabase):
    """A team's server over a long session: a connection the server or the network dropped (a
    restart, an idle timeout) is opened again for the next statement that starts outside a
    transaction; one lost inside a save fails that save whole, with its message."""

    reconnect_errors = (
        (pw.OperationalError, "server closed the connection"),
        (pw.OperationalError, "terminating connection"),
        (pw.OperationalError, "could not receive data from server"),
        (pw.OperationalError, "ssl connection has been closed"),
        (pw.InterfaceError, "connection already closed"),
    )


def _server_database(address: ServerAddress) -> pw.PostgresqlDatabase:
    """Team mode. Without a password in the URL, libpq takes it from ~/.pgpass (pgpass.py)."""
    return ServerDatabase(
        address.database, host=address.host, port=address.port, user=address.user,
        password=address.password or None, connect_timeout=CONNECT_TIMEOUT,
        application_name="Brugmeter")


def _connect_url(url: str, location: str) -> pw.Database:
    """A database server (team mode); an unknown scheme or missing driver is said plainly."""
    from playhouse.db_url import connect

    try:
        return connect(url)
    except (ImportError, RuntimeError, ValueError, KeyError) as error:
        raise DatabaseOpenError("error.db_connection", path=location,
                                reason=str(error) or type(error).__name__) from None


def _make_private(path: Path) -> None:
    """Participants' data: readable by the owner only, where the owner is us. The WAL holds
    the latest saves and was made with the file's mode of the moment, so it is included."""
    for part in (path, *(Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal"))):
        try:
            if part.stat().st_uid == os.getuid():
                part.chmod(0o600)
        except FileNotFoundError:
            continue
        except OSError as error:  # a shared file owned by someone else: theirs to protect
            log.warning("cannot restrict permissions of %s: %s", part, error)


def _check_file(path: Path, create: bool) -> None:
    if path.is_dir():
        raise DatabaseOpenError("error.db_is_folder", path=path)
    if not path.exists():
        if not create:
            raise DatabaseOpenError("error.db_missing", path=path)
        if not path.parent.exists():
            raise DatabaseOpenError("error.db_folder_missing", path=path.parent)
        if not os.access(path.parent, os.W_OK):
            raise DatabaseOpenError("error.db_read_only", path=path)
        return
    if not os.access(path, os.R_OK | os.W_OK) or not os.access(path.parent, os.W_OK):
        raise DatabaseOpenError("error.db_read_only", path=path)


def translate_database_error(error: Exception, location: str,
                             kind: type[BrugmeterError] = DatabaseOpenError) -> BrugmeterError:
    """Turn a driver error into a sentence the user can act on."""
    text = str(error).lower()
    cause = error.__context__
    if ("cannot rollback" in text or "no such savepoint" in text) and isinstance(cause,
                                                                               Exception):
        # SQLite gave the transaction up itself (a full disk, a failed write): say why; a
        # save nested in this one may have said so already
        return cause if isinstance(cause, BrugmeterError) else translate_database_error(
            cause, location, kind)
    if _is_server_error(error):
        for pattern, key in SERVER_ERRORS:
            if pattern.search(text):
                return kind(key, server=location, path=location)
    if "locked" in text or "busy" in text:
        return kind("error.db_locked", path=location)
    if "not a database" in text or "malformed" in text or "file is encrypted" in text:
        return kind("error.db_not_database", path=location)
    if "readonly" in text or "read-only" in text:
        return kind("error.db_read_only", path=location)
    if "disk" in text and "full" in text:
        return kind("error.disk_full", path=location)
    if "disk i/o error" in text:  # SQLite's word for a refused write, e.g. a file too large
        return kind("error.db_write_failed", path=location)
    if "password" in text or "could not connect" in text or "connection" in text:
        return kind("error.db_connection", path=location, reason=str(error).strip())
    return kind("error.db_other", path=location, reason=str(error).strip())


def _is_server_error(error: Exception) -> bool:
    cause = error.__cause__ or error.__context__ or error
    return type(cause).__module__.startswith("psycopg2") or isinstance(
        database.obj, pw.PostgresqlDatabase)


@contextmanager
def transaction() -> Iterator[None]:
    """One save, all or nothing; a locked or full database becomes a StorageError to show."""
    # SQLite: take the write lock at the start, so a save reads what it checks (the version)
    # after any save before it committed; a lock taken later could not wait, only fail.
    lock = {"lock_type": "IMMEDIATE"} if isinstance(database.obj, pw.SqliteDatabase) else {}
    try:
        with database.atomic(**lock):
            yield
    except (pw.OperationalError, pw.InterfaceError, sqlite3.OperationalError) as error:
        raise translate_database_error(error, describe(database.obj), StorageError) from None
    except pw.IntegrityError as error:  # e.g. two people saving the same new record at once
        log.warning("integrity error on save: %s", error)
        if audit_guard.is_refusal(error):
            raise StorageError("error.audit_append_only") from None
        raise StorageError("error.db_conflict") from None


def describe(db: pw.Database | None) -> str:
    """How a message names the database: its file, or its name and server in team mode."""
    if db is None:
        return ""
    if isinstance(db, pw.PostgresqlDatabase):
        params = db.connect_params
        host = params.get("host") or "localhost"
        server = host if host.startswith("/") else f"{host}:{params.get('port') or 5432}"
        return f"{db.database} ({server})"
    return str(db.database)


def current_database() -> pw.Database | None:
    """The database the models are bound to now (None before one is opened): a background job
    keeps it, so it closes its own connection even if the user opens another file meanwhile."""
    return database.obj


def close_database() -> None:
    db = database.obj
    if db is not None and not db.is_closed():
        db.close()
