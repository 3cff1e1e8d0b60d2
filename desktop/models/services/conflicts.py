"""Concurrent editing: a save on a record someone else changed since it was opened is refused
with both versions side by side, so the user chooses — never a silent overwrite.

Every versioned record carries a `version` that each save raises by one. A save says which
version it started from; `claim_version` raises it in the UPDATE itself (WHERE version = the
expected one), so two saves at once can never both pass, on SQLite or PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import peewee as pw

from desktop.i18n import tr
from desktop.models import audit
from desktop.models.errors import ValidationError
from desktop.models.schema import AuditEntry

# The expected version of a form opened while its record was not stored yet. Versions start at
# 1, so a record someone stored meanwhile is a conflict to show, not one to overwrite.
NOT_STORED = 0


@dataclass(frozen=True)
class Difference:
    """One field as the user typed it and as it is stored now."""

    field: str
    label: str
    mine: str
    theirs: str


class ConflictError(ValidationError):
    """Someone else saved the record since it was opened. `version` is the stored version: a
    save with it as the expected version overwrites theirs on purpose."""

    def __init__(self, field: str, *, version: int, changed_by: str,
                 changed_at: dt.datetime | None, differences: tuple[Difference, ...]) -> None:
        super().__init__(field, "error.record_changed")
        self.version = version
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.differences = differences


def display(value: object) -> str:
    """A stored or typed value as the forms show it (dates as dd-mm-yyyy, nothing as —)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return tr("conflict.yes") if value else tr("conflict.no")
    if isinstance(value, dt.datetime):
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    text = str(value)
    if text.startswith("missing:"):
        return tr("conflict.missing", reason=text.removeprefix("missing:"))
    return text


def field_label(field: str) -> str:
    """The field's name in the user's language; a questionnaire item keeps its own key."""
    text = tr(f"conflict.field.{field}")
    return field if text == f"conflict.field.{field}" else text


def last_change(table: str, record_id: int) -> tuple[str, dt.datetime | None]:
    """Who saved the record last, and when, from the audit trail."""
    row = (AuditEntry.select(AuditEntry.user, AuditEntry.at)
           .where((AuditEntry.table == table) & (AuditEntry.record_id == record_id))
           .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).first())
    return (row.user, row.at) if row is not None else ("", None)


def conflict(field: str, table: str, record_id: int, version: int,
             mine: Mapping[str, object], theirs: Mapping[str, object],
             label: Callable[[str], str] = field_label) -> ConflictError:
    """The error for a save that started from an older version: every field whose stored
    value differs from what the user typed, both shown."""
    changed_by, changed_at = last_change(table, record_id)
    differences = tuple(
        Difference(key, label(key), display(mine.get(key)), display(theirs.get(key)))
        for key in dict.fromkeys([*mine, *theirs])
        if display(mine.get(key)) != display(theirs.get(key)))
    return ConflictError(field, version=version, changed_by=changed_by, changed_at=changed_at,
                         differences=differences)


def claim_version(model: type[pw.Model], record_id: int, expected_version: int | None,
                  **fields: object) -> bool:
    """Write `fields` and the next version; with an expected version only while the stored
    one is still it. False when another save came first (the caller raises its conflict)."""
    query = model.update(version=model.version + 1, **fields).where(model.id == record_id)
    if expected_version is not None:
        query = query.where(model.version == expected_version)
    return query.execute() == 1


Fields = Mapping[str, object]


def update_versioned(current: pw.Model, table: str, expected_version: int | None,
                     fields: Fields, stored: Callable[[pw.Model], Fields], field: str,
                     shown: Callable[[Fields], Fields] = dict,
                     logged: Callable[[audit.Changes], audit.Changes] = dict,
                     **extra: object) -> bool:
    """Save a record's changed fields with the next version and audit them (as `logged`
    words them), inside the caller's transaction; a conflict shows what the user typed beside
    what is stored now (`shown` turns ids into the names the form shows). False when nothing
    changed."""
    model = type(current)
    if expected_version is not None and current.version != expected_version:
        raise conflict(field, table, current.id, current.version, shown(fields),
                       shown(stored(current)))
    changes = audit.changes_between(stored(current), fields)
    if not changes:
        return False
    if not claim_version(model, current.id, expected_version, **fields, **extra):
        fresh = model.get_by_id(current.id)
        raise conflict(field, table, fresh.id, fresh.version, shown(fields), shown(stored(fresh)))
    audit.record(table, current.id, "update", logged(changes))
    return True


def refuse_if_deleted(expected_version: int | None, field: str) -> None:
    """A form opened on a stored record (version 1 or more) finds it gone: a colleague
    deleted it meanwhile. Saving would quietly bring it back, so the save is refused; the
    typed values stay in the form, and the deleted record can be restored from the bin."""
    if expected_version not in (None, NOT_STORED):
        raise ValidationError(field, "error.record_deleted")

