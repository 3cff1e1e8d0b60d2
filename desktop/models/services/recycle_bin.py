"""The recycle bin: deleting a record is a lead's task, needs a reason, and moves the record with
its child rows (a response with its answers, an interview with its codings) into DeletedRecord
in the delete's own transaction. The live tables keep no deleted rows, so every finding and
export reads them as before; a lead can list the bin and put a record back under its own ids.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import json
import operator
from collections.abc import Mapping
from dataclasses import dataclass

import peewee as pw

from desktop.i18n import tr
from desktop.models import audit
from desktop.models.database import transaction
from desktop.models.errors import NotFoundError, ValidationError
from desktop.models.instruments import parse_definition
from desktop.models.schema import (
    MODELS,
    BaseModel,
    DeletedRecord,
    Instrument,
    Moment,
    Participant,
    Professional,
)
from desktop.models.services.users import require_lead
from desktop.models.services.validation import clean_text, refuse_identifiers

TABLES: dict[str, type[BaseModel]] = {model._meta.table_name: model for model in MODELS}
REASON_LENGTH = 500


@dataclass(frozen=True)
class Owner:
    """Whose record it is: the study, and the participant or professional by id and code."""

    study_id: int
    code: str
    participant_id: int | None = None
    professional_id: int | None = None

    @classmethod
    def participant(cls, row: Participant) -> Owner:
        return cls(row.study_id, row.code, participant_id=row.id)

    @classmethod
    def professional(cls, row: Professional) -> Owner:
        return cls(row.study_id, row.code, professional_id=row.id)


@dataclass(frozen=True)
class DeletedInfo:
    id: int
    table: str
    record_id: int
    code: str
    detail: str
    reason: str
    deleted_by: str
    deleted_at: dt.datetime
    restored_by: str | None
    restored_at: dt.datetime | None


def check_reason(raw: object) -> str:
    """Why a record is deleted: required, and free text without what identifies a person."""
    return refuse_identifiers(clean_text(raw, "reason", REASON_LENGTH, required=True), "reason")


def _plain(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    raise TypeError(type(value).__name__)


def _fields(row: BaseModel) -> dict[str, object]:
    return {field.name: row.__data__.get(field.name) for field in row._meta.sorted_fields}


def dependents(row: BaseModel) -> list[BaseModel]:
    """The rows that would go with `row`: those whose key points at it, and theirs in turn
    (a response's answers and second entry; an interview's codings), parents first."""
    found: list[BaseModel] = []
    for key, model in type(row)._meta.backrefs.items():
        if model is type(row):
            continue
        for child in model.select().where(key == row.id).order_by(model.id):
            found += [child, *dependents(child)]
    return found


def discard(row: BaseModel, owner: Owner, reason: str, changes: audit.Changes) -> None:
    """Move `row` with its dependents into the bin and audit the delete with its reason. Call
    inside the delete's transaction, after require_lead() and check_reason()."""
    children = dependents(row)
    table = row._meta.table_name
    data = {"row": _fields(row),
            "children": [{"table": child._meta.table_name, "row": _fields(child)}
                         for child in children]}
    DeletedRecord.create(table=table, record_id=row.id, study=owner.study_id,
                         participant=owner.participant_id, professional=owner.professional_id,
                         code=owner.code, data=json.dumps(data, default=_plain),
                         reason=reason, deleted_by=audit.current_user())
    for doomed in [*reversed(children), row]:
        type(doomed).delete().where(type(doomed).id == doomed.id).execute()
    audit.record(table, row.id, "delete", {**changes, "reason": (None, reason)})


def deleted_records(study_id: int, include_restored: bool = False) -> list[DeletedInfo]:
    """The study's bin, newest first (a lead's view: it holds the deleted data)."""
    require_lead()
    query = DeletedRecord.select().where(DeletedRecord.study == study_id)
    if not include_restored:
        query = query.where(DeletedRecord.restored_at.is_null())
    return [_info(entry) for entry in query.order_by(DeletedRecord.deleted_at.desc(),
                                                     DeletedRecord.id.desc())]


def _info(entry: DeletedRecord) -> DeletedInfo:
    return DeletedInfo(entry.id, entry.table, entry.record_id, entry.code,
                       _detail(entry.table, json.loads(entry.data)["row"]), entry.reason,
                       entry.deleted_by, entry.deleted_at, entry.restored_by, entry.restored_at)


def _detail(table: str, row: Mapping[str, object]) -> str:
    """A few words saying which record it was: the instrument and moment of a response, the
    date of an action, an interview or a survey; a professional's role."""
    if table == "response":
        instrument = Instrument.get_or_none(Instrument.id == row["instrument"])
        moment = Moment.get_or_none(Moment.id == row["moment"])
        title = parse_definition(instrument.definition).title() if instrument else ""
        return " · ".join(part for part in (title, moment.name if moment else "",
                                             _date(row["assessed_on"])) if part)
    dates = {"action": "agreed_on", "interview": "held_on", "survey_response": "answered_on"}
    if table in dates:
        return _date(row[dates[table]])
    return str(row.get("role") or "")


def _date(stored: object) -> str:
    """A stored date as the app shows dates (dd-mm-yyyy in Dutch)."""
    if not stored:
        return ""
    day = dt.date.fromisoformat(str(stored))
    return tr("quality.date", day=day.day, month=day.month, year=day.year)


def restore(deleted_id: int) -> DeletedInfo:
    """Put a deleted record back with its children and original ids; refused, with the reason,
    when its participant or professional is gone or its place has been taken meanwhile."""
    lead = require_lead()
    with transaction():
        entry = DeletedRecord.get_or_none((DeletedRecord.id == deleted_id)
                                          & DeletedRecord.restored_at.is_null())
        if entry is None:
            raise NotFoundError("error.deleted_missing", id=deleted_id)
        data = json.loads(entry.data)
        rows = [(TABLES[entry.table], data["row"])] + [
            (TABLES[child["table"]], child["row"]) for child in data["children"]]
        for model, row in rows:  # parents first: a child's key finds its parent back
            _check_free(model, row, entry)
            model.insert(**row).execute()
        now = dt.datetime.now().replace(microsecond=0)
        DeletedRecord.update(restored_by=lead.name, restored_at=now).where(
            DeletedRecord.id == entry.id).execute()
        audit.record(entry.table, entry.record_id, "restore", {"reason": (entry.reason, None)})
    return _info(DeletedRecord.get_by_id(deleted_id))


def _check_free(model: type[BaseModel], row: Mapping[str, object], entry: DeletedRecord) -> None:
    """What the record points at is still there, and nothing has taken its id or its slot."""
    for field in model._meta.sorted_fields:
        value = row.get(field.name)
        if not isinstance(field, pw.ForeignKeyField) or value is None:
            continue
        if not field.rel_model.select().where(field.rel_model.id == value).exists():
            key = ("error.restore_owner_gone" if field.rel_model in (Participant, Professional)
                   else "error.restore_reference_gone")
            raise ValidationError("record", key, code=entry.code, field=field.name)
    if model.select().where(model.id == row["id"]).exists():
        raise ValidationError("record", "error.restore_taken", code=entry.code)
    unique_keys = [index[0] for index in model._meta.indexes
                   if isinstance(index, tuple) and index[1]]  # (fields, unique)
    unique_keys += [(field.name,) for field in model._meta.sorted_fields if field.unique]
    for names in unique_keys:
        condition = functools.reduce(operator.and_, [
            getattr(model, name) == row[name] for name in names])
        if model.select().where(condition).exists():
            raise ValidationError("record", "error.restore_taken", code=entry.code)


def erased_records(participant_id: int) -> dict[str, list[int]]:
    """For the GDPR erasure: the participant's records in the bin, table → ids (children
    included), so their audit entries go too."""
    found: dict[str, list[int]] = {}
    for table, text in DeletedRecord.select(DeletedRecord.table, DeletedRecord.data).where(
            DeletedRecord.participant == participant_id).tuples():
        data = json.loads(text)
        found.setdefault(table, []).append(data["row"]["id"])
        for child in data["children"]:
            found.setdefault(child["table"], []).append(child["row"]["id"])
    return found


def forget_participant(participant_id: int) -> None:
    """The GDPR erasure removes the participant's bin too."""
    DeletedRecord.delete().where(DeletedRecord.participant == participant_id).execute()
