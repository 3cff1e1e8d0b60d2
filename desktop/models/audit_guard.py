"""The audit trail is append-only, and the database itself enforces it: triggers refuse every
UPDATE of an audit entry, and every DELETE unless the session's own transaction holds an
erasure permit (the GDPR erasure, the one change the trail allows). A refusal raised by any
tool — the app, a script, an SQL console — carries REFUSAL in its message, so a service that
meets it can say so in words."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import peewee as pw

from desktop.models.schema import ErasurePermit

REFUSAL = "audit trail is append-only"

_SQLITE = (
    "CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON audit_entry "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON audit_entry "
    "WHEN NOT EXISTS (SELECT 1 FROM erasure_permit) "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END",
)

# SQLSTATE 23000 (integrity constraint violation): the driver raises an IntegrityError, as
# SQLite's RAISE(ABORT) does, so both backends reach a service the same way.
_POSTGRES = (
    "CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM erasure_permit) THEN RETURN OLD; END IF; "
    f"RAISE EXCEPTION '{REFUSAL}' USING ERRCODE = '23000'; END $$",
    "DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry",
    "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
    "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()",
    "DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_entry",
    "CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()",
)


def install(db: pw.Database) -> None:
    """Create the guard (again): safe to run on a database that has it."""
    for statement in _SQLITE if isinstance(db, pw.SqliteDatabase) else _POSTGRES:
        db.execute_sql(statement)


@contextmanager
def erasure_permitted() -> Iterator[None]:
    """Audit entries may be deleted inside this block; use it inside the erasure's transaction,
    so the permit is never seen by another session and never outlives a failure (the
    rollback takes it away)."""
    permit = ErasurePermit.create()
    yield
    ErasurePermit.delete().where(ErasurePermit.id == permit.id).execute()


def is_refusal(error: Exception) -> bool:
    """Whether a driver error is the guard refusing a change to the trail."""
    return REFUSAL in str(error)
