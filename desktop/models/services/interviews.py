"""Interviews with participants and professionals: who, when, by whom, and the transcript,
imported from a file or pasted. The transcript is fixed once coded: the codings' positions
point into it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import peewee as pw

from desktop.models import audit
from desktop.models.database import transaction
from desktop.models.errors import NotFoundError, ValidationError
from desktop.models.schema import Coding, Interview, Participant, Professional
from desktop.models.services.conflicts import update_versioned
from desktop.models.services.recycle_bin import Owner, check_reason, discard
from desktop.models.services.users import require_lead
from desktop.models.services.validation import as_date, clean_text, parse_date, require_past
from desktop.models.transcripts import check_transcript, read_transcript


@dataclass
class InterviewInput:
    participant_id: int | None = None
    professional_id: int | None = None
    held_on: object = None
    interviewer: object = ""
    transcript: str = ""
    source: str = ""


@dataclass(frozen=True)
class InterviewRecord:
    id: int
    study_id: int
    participant_id: int | None
    professional_id: int | None
    subject: str  # the participant's or professional's code
    held_on: dt.date | None
    interviewer: str
    source: str
    transcript: str
    version: int


@dataclass(frozen=True)
class InterviewRow:
    """One line of the interviews list."""

    id: int
    subject: str
    kind: str  # "participant" or "professional"
    held_on: dt.date | None
    interviewer: str
    characters: int
    codings: int
    coders: tuple[str, ...]


def subject_by_code(study_id: int, participant: str | None,
                    professional: str | None) -> tuple[int | None, int | None]:
    """The participant's or professional's id from the code typed (case does not matter)."""
    if participant:
        found = Participant.get_or_none((Participant.study == study_id)
                                        & (pw.fn.LOWER(Participant.code) == participant.lower()))
        if found is None:
            raise NotFoundError("error.subject_code_unknown", code=participant)
        return found.id, None
    if professional:
        found = Professional.get_or_none(
            (Professional.study == study_id)
            & (pw.fn.LOWER(Professional.code) == professional.lower()))
        if found is None:
            raise NotFoundError("error.subject_code_unknown", code=professional)
        return None, found.id
    raise ValidationError("subject", "error.interview_subject")


def check_held_on(raw: object) -> dt.date | None:
    held_on = parse_date(raw, "held_on")
    return require_past(held_on, "held_on") if held_on else None


# One rule per typed field, for the interview form and the workbook import (the transcript's
# own rules are check_transcript's).
FIELD_CHECKS: dict[str, Callable[[object], object]] = {
    "held_on": check_held_on,
    "interviewer": lambda raw: clean_text(raw, "interviewer", 100),
    "source": lambda raw: clean_text(raw, "source", 260),
}


def _checked(study_id: int, data: InterviewInput) -> dict[str, object]:
    if (data.participant_id is None) == (data.professional_id is None):
        raise ValidationError("subject", "error.interview_subject")
    if data.participant_id is not None and not Participant.select().where(
            (Participant.id == data.participant_id)
            & (Participant.study == study_id)).exists():
        raise ValidationError("subject", "error.participant_missing", id=data.participant_id)
    if data.professional_id is not None and not Professional.select().where(
            (Professional.id == data.professional_id)
            & (Professional.study == study_id)).exists():
        raise ValidationError("subject", "error.professional_missing", id=data.professional_id)
    return {
        "participant": data.participant_id,
        "professional": data.professional_id,
        "held_on": check_held_on(data.held_on),
        "interviewer": FIELD_CHECKS["interviewer"](data.interviewer),
        "source": FIELD_CHECKS["source"](data.source),
        "transcript": check_transcript(str(data.transcript or ""), data.source),
    }


def add_interview(study_id: int, data: InterviewInput) -> int:
    """Store an interview and its transcript in one audited transaction."""
    fields = _checked(study_id, data)
    with transaction():
        interview = Interview.create(study=study_id, entered_by=audit.current_user(), **fields)
        logged = {k: (None, v) for k, v in fields.items() if k != "transcript"}
        logged["transcript"] = (None, f"{len(str(fields['transcript']))} characters")
        audit.record("interview", interview.id, "insert", logged)
    return interview.id


def import_interview(study_id: int, path: Path, data: InterviewInput) -> int:
    """Read a .txt or .docx transcript and store it with the interview's details; a file
    that cannot be read stores nothing."""
    path = Path(path)
    text = read_transcript(path)
    return add_interview(study_id, InterviewInput(
        data.participant_id, data.professional_id, data.held_on, data.interviewer, text,
        data.source or path.name))


def update_interview(interview_id: int, data: InterviewInput,
                     expected_version: int | None = None) -> None:
    """Change the details, and the transcript while nothing in it is coded yet."""
    with transaction():
        current = _find(interview_id)
        fields = _checked(current.study_id, data)
        stale = expected_version not in (None, current.version)
        if not stale and fields["transcript"] != current.transcript and Coding.select().where(
                Coding.interview == interview_id).exists():
            raise ValidationError("transcript", "error.transcript_coded")
        update_versioned(current, "interview", expected_version, fields, _stored_fields,
                         "transcript", _shown, _logged)


def _stored_fields(interview: Interview) -> dict[str, object]:
    return {"participant": interview.participant_id, "professional": interview.professional_id,
            "held_on": as_date(interview.held_on), "interviewer": interview.interviewer,
            "source": interview.source, "transcript": interview.transcript}


def _logged(changes: audit.Changes) -> audit.Changes:
    """The audit trail notes a transcript's length, not the text."""
    if "transcript" not in changes:
        return changes
    old, new = changes["transcript"]
    return {**changes, "transcript": (f"{len(str(old))} characters",
                                      f"{len(str(new))} characters")}


def _shown(fields: Mapping[str, object]) -> dict[str, object]:
    """Codes for the subject; a transcript by its length and first words (the whole text
    would not fit beside the other)."""
    participant = Participant.get_or_none(Participant.id == fields["participant"])
    professional = Professional.get_or_none(Professional.id == fields["professional"])
    transcript = str(fields["transcript"])
    return {**fields, "participant": participant.code if participant else "",
            "professional": professional.code if professional else "",
            "transcript": f"{len(transcript)}: {transcript[:60]}…"}


def delete_interview(interview_id: int, reason: object) -> None:
    """Move an interview with its codings to the recycle bin: a lead's task, with a reason."""
    require_lead()
    reason = check_reason(reason)
    with transaction():
        current = _find(interview_id)
        codings = Coding.select().where(Coding.interview == interview_id).count()
        owner = (Owner.participant(current.participant) if current.participant_id
                 else Owner.professional(current.professional))
        discard(current, owner, reason,
                {"transcript": (f"{len(current.transcript)} characters", None),
                 "codings": (codings, None)})


def _find(interview_id: int) -> Interview:
    interview = Interview.get_or_none(Interview.id == interview_id)
    if interview is None:
        raise NotFoundError("error.interview_missing", id=interview_id)
    return interview


def get_interview(interview_id: int) -> InterviewRecord:
    row = _find(interview_id)
    subject = (Participant.get_by_id(row.participant_id).code if row.participant_id
               else Professional.get_by_id(row.professional_id).code)
    return InterviewRecord(row.id, row.study_id, row.participant_id, row.professional_id,
                           subject, as_date(row.held_on), row.interviewer, row.source,
                           row.transcript, row.version)


def at_site(site_id: int) -> pw.Expression:
    """Interviews with a participant or professional of one site."""
    return (Interview.participant.in_(Participant.select(Participant.id)
                                      .where(Participant.site == site_id))
            | Interview.professional.in_(Professional.select(Professional.id)
                                         .where(Professional.site == site_id)))


def interview_rows(study_id: int, site_id: int | None = None) -> list[InterviewRow]:
    """Every interview of the study (or of one site) with its size and how far its coding
    is."""
    codings: dict[int, int] = {}
    coders: dict[int, set[str]] = {}
    for interview_id, coder, number in (  # per coder, as both SQLite and PostgreSQL count
            Coding.select(Coding.interview, Coding.coder, pw.fn.COUNT(Coding.id))
            .join(Interview).where(Interview.study == study_id)
            .group_by(Coding.interview, Coding.coder).tuples()):
        codings[interview_id] = codings.get(interview_id, 0) + number
        coders.setdefault(interview_id, set()).add(coder)
    query = (Interview.select(Interview.id, Participant.code, Professional.code.alias("pro"),
                              Interview.held_on, Interview.interviewer,
                              pw.fn.LENGTH(Interview.transcript).coerce(False))
             .join(Participant, pw.JOIN.LEFT_OUTER, on=Interview.participant == Participant.id)
             .switch(Interview)
             .join(Professional, pw.JOIN.LEFT_OUTER,
                   on=Interview.professional == Professional.id)
             .where(Interview.study == study_id).order_by(Interview.held_on, Interview.id))
    if site_id is not None:
        query = query.where(at_site(site_id))
    rows = []
    for interview_id, participant, professional, held_on, interviewer, size in query.tuples():
        rows.append(InterviewRow(interview_id, participant or professional,
                                 "participant" if participant else "professional",
                                 as_date(held_on), interviewer, size,
                                 codings.get(interview_id, 0),
                                 tuple(sorted(coders.get(interview_id, ())))))
    return rows
