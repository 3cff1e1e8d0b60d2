"""Participants: pseudonymous codes, recruitment status and study group."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass

import peewee as pw

from desktop.i18n import tr
from desktop.models import audit
from desktop.models.database import transaction
from desktop.models.errors import NotFoundError, ValidationError
from desktop.models.schema import (
    PARTICIPATING_STATUSES,
    RECRUITMENT_STATUSES,
    Action,
    Participant,
    Response,
    Site,
    database,
)
from desktop.models.services.conflicts import update_versioned
from desktop.models.services.validation import (
    as_date,
    clean_free_text,
    clean_text,
    looks_like_bsn,
    looks_like_email,
    parse_date,
    require_past,
)

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


@dataclass(frozen=True)
class ParticipantRecord:
    id: int
    study_id: int
    code: str
    site_id: int | None
    status: str
    inclusion_date: dt.date | None
    study_group: str
    remarks: str
    version: int


@dataclass(frozen=True)
class ParticipantRow:
    """One line of the participant list."""

    id: int
    code: str
    site: str
    status: str
    study_group: str
    inclusion_date: dt.date | None
    moments_measured: int


@dataclass
class ParticipantInput:
    code: object
    site_id: int | None = None
    status: str = "consented"
    inclusion_date: object = None
    study_group: object = ""
    remarks: object = ""


def is_participating(status: str) -> bool:
    """Only participants who consented (or later withdrew) can have assessments."""
    return status in PARTICIPATING_STATUSES


def check_code(raw: object) -> str:
    code = clean_text(raw, "code", 40, required=True)
    if looks_like_email(code):
        raise ValidationError("code", "error.code_email")
    if not _CODE.match(code):
        raise ValidationError("code", "error.code_format", value=code)
    if looks_like_bsn(re.sub(r"[._-]", "", code)):  # also as written: 1234.56.782
        raise ValidationError("code", "error.code_bsn")
    return code


def check_status(raw: object) -> str:
    if raw not in RECRUITMENT_STATUSES:
        raise ValidationError("status", "error.status", value=raw)
    return str(raw)


def check_inclusion_date(raw: object) -> dt.date | None:
    inclusion = parse_date(raw, "inclusion_date")
    if inclusion:
        require_past(inclusion, "inclusion_date")
    return inclusion


# One rule per typed field, for the form (through _checked) and the workbook import, which
# checks a sheet cell by cell so that its report names every refused cell.
FIELD_CHECKS: dict[str, Callable[[object], object]] = {
    "code": check_code,
    "status": check_status,
    "inclusion_date": check_inclusion_date,
    "study_group": lambda raw: clean_free_text(raw, "study_group", 60),
    "remarks": lambda raw: clean_free_text(raw, "remarks", 2000),
}


def _checked(study_id: int, data: ParticipantInput) -> dict[str, object]:
    status = check_status(data.status)
    if data.site_id is not None and not Site.select().where(
        (Site.id == data.site_id) & (Site.study == study_id)
    ).exists():
        raise ValidationError("site", "error.site_unknown")
    inclusion = check_inclusion_date(data.inclusion_date)
    return {
        "code": check_code(data.code),
        "site": data.site_id,
        "status": status,
        "inclusion_date": inclusion,
        "study_group": FIELD_CHECKS["study_group"](data.study_group),
        "remarks": FIELD_CHECKS["remarks"](data.remarks),
    }


def _duplicate(study_id: int, code: str, exclude: int | None = None) -> bool:
    query = Participant.select().where(
        (Participant.study == study_id) & (pw.fn.LOWER(Participant.code) == code.lower())
    )
    if exclude is not None:
        query = query.where(Participant.id != exclude)
    return query.exists()


def add_participant(study_id: int, data: ParticipantInput) -> int:
    fields = _checked(study_id, data)
    with transaction():
        if _duplicate(study_id, str(fields["code"])):
            raise ValidationError("code", "error.code_duplicate", code=fields["code"])
        participant = Participant.create(study=study_id, **fields)
        audit.record("participant", participant.id, "insert",
                     {k: (None, v) for k, v in fields.items() if v not in (None, "")})
    return participant.id


def update_participant(participant_id: int, data: ParticipantInput,
                       expected_version: int | None = None) -> None:
    """Save changes; with expected_version, refuse if someone else saved in between."""
    with transaction():
        current = find_participant(participant_id)
        fields = _checked(current.study_id, data)
        if _duplicate(current.study_id, str(fields["code"]), exclude=participant_id):
            raise ValidationError("code", "error.code_duplicate", code=fields["code"])
        if expected_version in (None, current.version):
            _check_against_assessments(participant_id, fields)
        update_versioned(current, "participant", expected_version, fields, _stored_fields,
                         "code", _shown)


def _stored_fields(participant: Participant) -> dict[str, object]:
    return {"code": participant.code, "site": participant.site_id,
            "status": participant.status, "inclusion_date": as_date(participant.inclusion_date),
            "study_group": participant.study_group, "remarks": participant.remarks}


def _shown(fields: Mapping[str, object]) -> dict[str, object]:
    """A conflict shows the site's name and the status in words, as the form does."""
    return {**fields, "site": site_name(fields["site"]),
            "status": tr(f"status.{fields['status']}")}


def site_name(site_id: object) -> str:
    site = Site.get_or_none(Site.id == site_id) if site_id else None
    return site.name if site else ""


def _check_against_assessments(participant_id: int, fields: dict[str, object]) -> None:
    """A participant with assessments or actions keeps a participating status and an inclusion
    date on or before the first of them: otherwise findings would count what the forms
    refuse, and the refused records could no longer be edited."""
    firsts = [as_date(value) for value in (
        Response.select(pw.fn.MIN(Response.assessed_on))
        .where(Response.participant == participant_id).scalar(),
        Action.select(pw.fn.MIN(Action.agreed_on))
        .where(Action.participant == participant_id).scalar()) if value is not None]
    if not firsts:
        return
    if not is_participating(str(fields["status"])):
        raise ValidationError("status", "error.status_has_assessments")
    inclusion = fields["inclusion_date"]
    first_date = min(firsts)
    if isinstance(inclusion, dt.date) and first_date and inclusion > first_date:
        raise ValidationError("inclusion_date", "error.inclusion_after_assessment",
                              date=first_date.isoformat())


def find_participant(participant_id: int) -> Participant:
    """The participant's row, or NotFoundError (deleted meanwhile, or never there)."""
    participant = Participant.get_or_none(Participant.id == participant_id)
    if participant is None:
        raise NotFoundError("error.participant_missing", id=participant_id)
    return participant


def participant_by_code(study_id: int, code: str) -> int:
    """The id of the study's participant with exactly this code."""
    found = Participant.get_or_none((Participant.study == study_id) & (Participant.code == code))
    if found is None:
        raise NotFoundError("error.participant_code_unknown", code=code)
    return found.id


def get_participant(participant_id: int) -> ParticipantRecord:
    p = find_participant(participant_id)
    return ParticipantRecord(p.id, p.study_id, p.code, p.site_id, p.status, p.inclusion_date,
                             p.study_group, p.remarks, p.version)


def participant_input(record: ParticipantRecord) -> ParticipantInput:
    """The editable fields of a stored participant, ready to change and save back."""
    values = asdict(record)
    return ParticipantInput(values["code"], values["site_id"], values["status"],
                            values["inclusion_date"], values["study_group"], values["remarks"])


def participant_rows(study_id: int) -> list[ParticipantRow]:
    """Every participant of the study with the number of moments measured, in one query read
    through a plain cursor (model rows would cost most of a second on 40,000 participants)."""
    measured = (
        Response.select(Response.participant, pw.fn.COUNT(pw.fn.DISTINCT(Response.moment))
                        .alias("n"))
        .group_by(Response.participant)
        .alias("measured")
    )
    query = (
        Participant.select(Participant.id, Participant.code, Site.name, Participant.status,
                           Participant.study_group, Participant.inclusion_date, measured.c.n)
        .join(Site, pw.JOIN.LEFT_OUTER, on=(Participant.site == Site.id))
        .switch(Participant)
        .join(measured, pw.JOIN.LEFT_OUTER, on=(Participant.id == measured.c.participant_id))
        .where(Participant.study == study_id)
        .order_by(Participant.code)
    )
    return [
        ParticipantRow(pid, code, site or "", status, group, as_date(inclusion), n or 0)
        for pid, code, site, status, group, inclusion, n in database.execute(query)
    ]

