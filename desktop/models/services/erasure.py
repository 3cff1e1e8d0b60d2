"""The GDPR right to erasure: a participant's data removed everywhere in the database.

Everything that belongs to the participant goes — the participant row, assessments with their
answers, goal-action plan actions, interviews with their transcripts and codings — and so do
the audit trail's entries about those records (their old and new values would keep what was
erased). One audit entry remains: that an erasure took place, when and by whom, without the
code. SQLite's secure_delete overwrites the freed space, and the WAL is checkpointed, so the
file and every backup made from it afterwards no longer hold the data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import peewee as pw

from desktop.models import audit, audit_guard
from desktop.models.database import transaction
from desktop.models.errors import ValidationError
from desktop.models.schema import (
    Action,
    AuditEntry,
    Coding,
    DeletedRecord,
    Interview,
    Participant,
    Response,
    ResponseValue,
    SecondEntry,
    SecondEntryValue,
    database,
)
from desktop.models.services import recycle_bin
from desktop.models.services.participants import find_participant
from desktop.models.services.users import require_lead

log = logging.getLogger(__name__)

ERASE_ACTION = "erase"  # the one audit entry an erasure leaves, on table "participant"


@dataclass(frozen=True)
class ErasureScope:
    """What erasing a participant removes, shown to the user before they confirm."""

    participant_id: int
    code: str
    responses: int
    actions: int
    interviews: int
    codings: int
    audit_entries: int


@dataclass(frozen=True)
class _Records:
    responses: list[int]
    actions: list[int]
    interviews: list[int]
    codings: list[int]
    binned: dict[str, list[int]]  # in the recycle bin: table → ids

    def by_table(self, participant_id: int) -> dict[str, list[int]]:
        """The audit trail's table names for each kind of record, live or in the bin."""
        live = {"participant": [participant_id], "response": self.responses,
                "action": self.actions, "interview": self.interviews, "coding": self.codings}
        return {table: live.get(table, []) + self.binned.get(table, [])
                for table in live.keys() | self.binned.keys()}


def _records(participant_id: int) -> _Records:
    interviews = _ids(Interview.select(Interview.id)
                      .where(Interview.participant == participant_id))
    return _Records(
        responses=_ids(Response.select(Response.id)
                       .where(Response.participant == participant_id)),
        actions=_ids(Action.select(Action.id).where(Action.participant == participant_id)),
        interviews=interviews,
        codings=_ids(Coding.select(Coding.id).where(Coding.interview.in_(interviews)))
        if interviews else [],
        binned=recycle_bin.erased_records(participant_id),
    )


def _ids(query: pw.Select) -> list[int]:
    return [row_id for (row_id,) in query.tuples()]


def _audit_condition(records: _Records, participant_id: int) -> pw.Expression | None:
    condition = None
    for table, ids in records.by_table(participant_id).items():
        if not ids:
            continue
        part = (AuditEntry.table == table) & AuditEntry.record_id.in_(ids)
        condition = part if condition is None else condition | part
    return condition


def erasure_scope(participant_id: int) -> ErasureScope:
    participant = find_participant(participant_id)
    records = _records(participant_id)
    condition = _audit_condition(records, participant_id)
    return ErasureScope(
        participant_id, participant.code, len(records.responses), len(records.actions),
        len(records.interviews), len(records.codings),
        AuditEntry.select().where(condition).count() if condition is not None else 0)


def erase_participant(participant_id: int, confirmation: object) -> ErasureScope:
    """Remove the participant's data everywhere; `confirmation` must repeat the code, as the
    user typed it, so a slip of the keyboard never erases the wrong person. A lead's task."""
    require_lead()
    scope = erasure_scope(participant_id)
    if str(confirmation or "").strip() != scope.code:
        raise ValidationError("confirmation", "error.erase_confirmation", code=scope.code)
    sqlite = isinstance(database.obj, pw.SqliteDatabase)
    if sqlite:  # on for every connection (database.py); never switched off after this
        database.execute_sql("PRAGMA secure_delete = ON")
    with transaction():
        records = _records(participant_id)
        condition = _audit_condition(records, participant_id)
        for model, ids in ((Coding, records.codings), (Interview, records.interviews),
                           (Action, records.actions)):
            if ids:
                model.delete().where(model.id.in_(ids)).execute()
        if records.responses:
            ResponseValue.delete().where(
                ResponseValue.response.in_(records.responses)).execute()
            Response.delete().where(Response.id.in_(records.responses)).execute()
        find_participant(participant_id).delete_instance()
        recycle_bin.forget_participant(participant_id)
        if condition is not None:
            with audit_guard.erasure_permitted():  # the trail's one allowed deletion
                AuditEntry.delete().where(condition).execute()
        audit.record("participant", participant_id, ERASE_ACTION, {})
    _flush_freed_space(sqlite)
    log.info("participant %d erased", participant_id)
    return scope


def _flush_freed_space(sqlite: bool) -> None:
    """Old page images may still sit in the WAL (SQLite) or in dead tuples (PostgreSQL)."""
    if sqlite:
        database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return
    for model in (Coding, Interview, Action, SecondEntryValue, SecondEntry, ResponseValue,
                  Response, Participant, DeletedRecord, AuditEntry):
        database.execute_sql(f'VACUUM "{model._meta.table_name}"')
