"""Who may do what. Each session's user (the operating-system login, or the PostgreSQL role in
team mode: see audit.current_user) is registered in the database the first time it meets them:
the first user of a database becomes its lead, anyone after that joins as an assistant.

An assistant enters and edits data. A lead may also define and import instruments, change the
study and the survey definition, delete and restore records, manage users, erase participants
and restore backups. The services check this themselves (require_lead), so the CLI, the
workbook import and the GUI are held to the same rule; the GUI only greys out what would be
refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop.models import audit
from desktop.models.database import transaction
from desktop.models.errors import (
    NotFoundError,
    PermissionDeniedError,
    StorageError,
    ValidationError,
)
from desktop.models.schema import USER_ROLES, User
from desktop.models.services.validation import clean_text

ROLES = USER_ROLES
ASSISTANT, LEAD = ROLES


@dataclass(frozen=True)
class UserInfo:
    id: int
    name: str
    role: str
    active: bool
    added_by: str
    added_at: dt.datetime

    @property
    def is_lead(self) -> bool:
        return self.active and self.role == LEAD


def _info(row: User) -> UserInfo:
    return UserInfo(row.id, row.name, row.role, bool(row.active), row.added_by, row.added_at)


def session_user() -> UserInfo:
    """The session's user as this database knows them, registered on first sight."""
    name = audit.current_user()
    row = User.get_or_none(User.name == name)
    if row is None:
        try:
            row = _register(name)
        except StorageError:  # the same user registered by another session just now
            row = User.get_or_none(User.name == name)
            if row is None:
                raise
    return _info(row)


def _register(name: str) -> User:
    """The database's first user becomes its lead (its creator, or the first to open a file
    made before users existed); anyone after that an assistant. Audited either way."""
    with transaction():
        role = ASSISTANT if User.select().exists() else LEAD
        row = User.create(name=name, role=role, added_by=name)
        audit.record("user", row.id, "insert", {"name": (None, name), "role": (None, role)})
    return row


def is_lead() -> bool:
    """For the GUI: whether lead-only actions should be offered."""
    return session_user().is_lead


def require_lead() -> UserInfo:
    """Refuse, with the user's name in the message, unless the session's user is an active
    lead. Call before anything is written."""
    user = session_user()
    if not user.is_lead:
        raise PermissionDeniedError("error.lead_only", user=user.name)
    return user


def list_users() -> list[UserInfo]:
    """Every user the database knows, active ones first, by name (the session's user among
    them: who asks is registered first)."""
    session_user()
    return [_info(row) for row in User.select().order_by(User.active.desc(), User.name)]


def check_role(raw: object) -> str:
    role = str(raw or "").strip().lower()
    if role not in USER_ROLES:
        raise ValidationError("role", "error.user_role_unknown", role=role)
    return role


def add_user(name: object, role: object = ASSISTANT) -> int:
    """Register a colleague before they first open the database (a lead's task)."""
    lead = require_lead()
    name = clean_text(name, "name", 100, required=True)
    role = check_role(role)
    with transaction():
        if User.select().where(User.name == name).exists():
            raise ValidationError("name", "error.user_exists", name=name)
        row = User.create(name=name, role=role, added_by=lead.name)
        audit.record("user", row.id, "insert", {"name": (None, name), "role": (None, role)})
    return row.id


def set_role(name: str, role: object) -> None:
    """Make a user a lead or an assistant; the last active lead stays a lead."""
    require_lead()
    role = check_role(role)
    with transaction():
        row = _find(name)
        if row.role == role:
            return
        if row.role == LEAD and row.active:
            _refuse_last_lead(row)
        User.update(role=role).where(User.id == row.id).execute()
        audit.record("user", row.id, "update", {"role": (row.role, role)})


def set_active(name: str, active: bool) -> None:
    """Deactivate (or activate again) a user. Users are never deleted: the audit trail and
    the records they entered keep naming them."""
    require_lead()
    with transaction():
        row = _find(name)
        if bool(row.active) == active:
            return
        if not active and row.role == LEAD:
            _refuse_last_lead(row)
        # audited first: a lead deactivating themselves may still write this entry
        audit.record("user", row.id, "update", {"active": (bool(row.active), active)})
        User.update(active=active).where(User.id == row.id).execute()


def _refuse_last_lead(row: User) -> None:
    others = User.select().where((User.role == LEAD) & User.active & (User.id != row.id))
    if not others.exists():
        raise ValidationError("role", "error.user_last_lead", name=row.name)


def _find(name: str) -> User:
    row = User.get_or_none(User.name == str(name).strip())
    if row is None:
        raise NotFoundError("error.user_missing", name=name)
    return row
