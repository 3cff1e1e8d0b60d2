"""The audit trail: every insert, update and delete, with the user who made it."""

from __future__ import annotations

import datetime as dt
import getpass
import weakref
from collections.abc import Iterable, Mapping

import peewee as pw

from desktop.models.errors import PermissionDeniedError
from desktop.models.schema import AuditEntry, User, database

_user: str | None = None


def current_user() -> str:
    """The session's user: set explicitly (tests, a background job), the PostgreSQL role the
    session is connected as (team mode), or else the operating-system login. Never a name the
    user typed: nobody can act as someone else."""
    if _user:
        return _user
    if isinstance(database.obj, pw.PostgresqlDatabase):
        return _server_role(database.obj)
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def set_current_user(name: str | None) -> None:
    global _user
    _user = name


_roles: weakref.WeakKeyDictionary[pw.Database, str] = weakref.WeakKeyDictionary()


def _server_role(db: pw.PostgresqlDatabase) -> str:
    """`SELECT current_user`, asked once per database connection object."""
    if db not in _roles:
        _roles[db] = db.execute_sql("SELECT current_user").fetchone()[0]
    return _roles[db]


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


Changes = Mapping[str, tuple[object, object]]


def record(table: str, record_id: int, action: str, changes: Changes) -> None:
    """Write one entry per changed field; call inside the save's transaction. Every save
    passes here, so a user a lead has deactivated is refused here (the save rolls back)."""
    user = current_user()
    if User.select().where((User.name == user) & ~User.active).exists():
        raise PermissionDeniedError("error.user_inactive", user=user)
    now = dt.datetime.now().replace(microsecond=0)
    rows: Iterable[dict[str, object]] = [
        {
            "table": table,
            "record_id": record_id,
            "action": action,
            "field": field,
            "old_value": _text(old),
            "new_value": _text(new),
            "user": user,
            "at": now,
        }
        for field, (old, new) in changes.items()
    ] or [
        {"table": table, "record_id": record_id, "action": action, "field": "",
         "old_value": None, "new_value": None, "user": user, "at": now}
    ]
    AuditEntry.insert_many(list(rows)).execute()


def changes_between(old: Mapping[str, object], new: Mapping[str, object]) -> dict[str, tuple]:
    """The fields whose value differs, as (old, new), ready for record()."""
    return {key: (old.get(key), value) for key, value in new.items() if old.get(key) != value}
