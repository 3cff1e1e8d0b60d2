"""Professionals: pseudonymous codes with role, site and organisation, for the survey."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import peewee as pw

from desktop.i18n import tr
from desktop.models import audit
from desktop.models.database import transaction
from desktop.models.errors import NotFoundError, ValidationError
from desktop.models.schema import Interview, Professional, Site, SurveyResponse, database
from desktop.models.services.conflicts import update_versioned
from desktop.models.services.participants import check_code, site_name
from desktop.models.services.recycle_bin import Owner, check_reason, discard
from desktop.models.services.users import require_lead
from desktop.models.services.validation import clean_free_text, clean_text

# Suggestions for the role field; any other role may be typed.
ROLES = ("access_worker", "mentor", "team_lead", "policy_officer")


def role_text(role: str, language: str | None = None) -> str:
    """A suggested role in the user's language; a role typed by hand as it was typed."""
    return tr(f"role.{role}", language=language) if role in ROLES else role


@dataclass
class ProfessionalInput:
    code: object
    role: object = ""
    site_id: int | None = None
    organisation: object = ""
    remarks: object = ""


@dataclass(frozen=True)
class ProfessionalRecord:
    id: int
    study_id: int
    code: str
    role: str
    site_id: int | None
    organisation: str
    remarks: str
    version: int


@dataclass(frozen=True)
class ProfessionalRow:
    """One line of the professionals list."""

    id: int
    code: str
    role: str
    site: str
    organisation: str
    surveyed: bool
    complete: bool


# One rule per typed field, for the form (through _checked) and the workbook import.
FIELD_CHECKS: dict[str, Callable[[object], object]] = {
    "code": check_code,
    "role": lambda raw: clean_text(raw, "role", 60),
    "organisation": lambda raw: clean_text(raw, "organisation", 200),
    "remarks": lambda raw: clean_free_text(raw, "remarks", 2000),
}


def _checked(study_id: int, data: ProfessionalInput) -> dict[str, object]:
    if data.site_id is not None and not Site.select().where(
        (Site.id == data.site_id) & (Site.study == study_id)
    ).exists():
        raise ValidationError("site", "error.site_unknown")
    return {
        "code": check_code(data.code),
        "role": FIELD_CHECKS["role"](data.role),
        "site": data.site_id,
        "organisation": FIELD_CHECKS["organisation"](data.organisation),
        "remarks": FIELD_CHECKS["remarks"](data.remarks),
    }


def _refuse_duplicate(study_id: int, code: str, exclude: int | None = None) -> None:
    query = Professional.select().where(
        (Professional.study == study_id) & (pw.fn.LOWER(Professional.code) == code.lower())
    )
    if exclude is not None:
        query = query.where(Professional.id != exclude)
    if query.exists():
        raise ValidationError("code", "error.professional_duplicate", code=code)


def add_professional(study_id: int, data: ProfessionalInput) -> int:
    fields = _checked(study_id, data)
    with transaction():
        _refuse_duplicate(study_id, str(fields["code"]))
        professional = Professional.create(study=study_id, **fields)
        audit.record("professional", professional.id, "insert",
                     {k: (None, v) for k, v in fields.items() if v not in (None, "")})
    return professional.id


def update_professional(professional_id: int, data: ProfessionalInput,
                        expected_version: int | None = None) -> None:
    """Save changes; with expected_version, refuse if someone else saved in between."""
    with transaction():
        current = find_professional(professional_id)
        fields = _checked(current.study_id, data)
        _refuse_duplicate(current.study_id, str(fields["code"]), exclude=professional_id)
        update_versioned(current, "professional", expected_version, fields, _stored_fields,
                         "code", lambda shown: {**shown, "site": site_name(shown["site"])})


def _stored_fields(professional: Professional) -> dict[str, object]:
    return {"code": professional.code, "role": professional.role,
            "site": professional.site_id, "organisation": professional.organisation,
            "remarks": professional.remarks}


def delete_professional(professional_id: int, reason: object) -> None:
    """Move a professional who has no survey response or interview to the recycle bin (a
    lead's task, with a reason); one with answers is kept, so a finding never loses a
    respondent by a slip of the keyboard."""
    require_lead()
    reason = check_reason(reason)
    with transaction():
        current = find_professional(professional_id)
        if SurveyResponse.select().where(SurveyResponse.professional == professional_id).exists():
            raise ValidationError("code", "error.professional_has_survey", code=current.code)
        if Interview.select().where(Interview.professional == professional_id).exists():
            raise ValidationError("code", "error.professional_has_interview", code=current.code)
        discard(current, Owner.professional(current), reason, {"code": (current.code, None)})


def find_professional(professional_id: int) -> Professional:
    professional = Professional.get_or_none(Professional.id == professional_id)
    if professional is None:
        raise NotFoundError("error.professional_missing", id=professional_id)
    return professional


def get_professional(professional_id: int) -> ProfessionalRecord:
    p = find_professional(professional_id)
    return ProfessionalRecord(p.id, p.study_id, p.code, p.role, p.site_id, p.organisation,
                              p.remarks, p.version)


def professional_input(record: ProfessionalRecord) -> ProfessionalInput:
    """The editable fields of a stored professional, ready to change and save back."""
    return ProfessionalInput(record.code, record.role, record.site_id, record.organisation,
                             record.remarks)


def professional_rows(study_id: int) -> list[ProfessionalRow]:
    """Every professional of the study, with whether (and how fully) they answered the survey."""
    query = (
        Professional.select(Professional.id, Professional.code, Professional.role, Site.name,
                            Professional.organisation, SurveyResponse.complete)
        .join(Site, pw.JOIN.LEFT_OUTER, on=(Professional.site == Site.id))
        .switch(Professional)
        .join(SurveyResponse, pw.JOIN.LEFT_OUTER,
              on=(SurveyResponse.professional == Professional.id))
        .where(Professional.study == study_id)
        .order_by(Professional.code)
    )
    return [
        ProfessionalRow(pid, code, role, site or "", organisation, complete is not None,
                        bool(complete))
        for pid, code, role, site, organisation, complete in database.execute(query)
    ]
