"""Applying codes to interviews: to a passage or to the whole interview, each coding with its
coder. A coder may code blind, seeing only their own codings. Removing returns the coding so
an undo can restore it under its own id."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import peewee as pw

from desktop.models import audit
from desktop.models.database import transaction
from desktop.models.errors import NotFoundError, ValidationError
from desktop.models.schema import Code, Coding, Interview, Participant, Professional
from desktop.models.services.interviews import at_site
from desktop.models.services.validation import clean_free_text, clean_text


@dataclass(frozen=True)
class CodingInfo:
    id: int
    interview_id: int
    code_id: int
    coder: str
    start: int | None  # None with end: the whole interview
    end: int | None
    memo: str
    created_at: dt.datetime | None = None


def check_span(length: int, start: object, end: object) -> tuple[int | None, int | None]:
    """A passage of a transcript of `length` characters, or (None, None): the whole
    interview."""
    if start is None and end is None:
        return None, None
    if start is None or end is None:
        raise ValidationError("passage", "error.passage_incomplete")
    first, last = _position(start, length), _position(end, length)
    if not 0 <= first < last <= length:
        raise ValidationError("passage", "error.passage_range", length=length)
    return first, last


def check_coder(raw: object) -> str:
    """Who coded: as typed, or else the session's user."""
    return clean_text(raw if raw is not None else audit.current_user(), "coder", 100,
                      required=True)


# One rule per typed field, for add_coding and the workbook import.
FIELD_CHECKS: dict[str, Callable[[object], object]] = {
    "coder": check_coder,
    "memo": lambda raw: clean_free_text(raw, "memo", 4000),
}


def _position(raw: object, length: int) -> int:
    """A character position: a whole number (not 10.9, not True), as a number or digits."""
    if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
        raise ValidationError("passage", "error.passage_range", length=length)
    try:
        return int(str(raw).strip()) if isinstance(raw, str) else int(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValidationError("passage", "error.passage_range", length=length) from None


def _check_span(interview: Interview, start: object, end: object) -> tuple[int | None,
                                                                          int | None]:
    return check_span(len(interview.transcript), start, end)


def add_coding(interview_id: int, code_id: int, coder: object = None, start: object = None,
               end: object = None, memo: object = "") -> int:
    """Apply a code; the same code by the same coder on the same passage is refused."""
    with transaction():
        interview = Interview.get_or_none(Interview.id == interview_id)
        if interview is None:
            raise NotFoundError("error.interview_missing", id=interview_id)
        code = Code.get_or_none(Code.id == code_id)
        if code is None or code.study_id != interview.study_id:
            raise ValidationError("code", "error.code_missing", id=code_id)
        who = check_coder(coder)
        first, last = _check_span(interview, start, end)
        span = ((Coding.start.is_null() & Coding.end.is_null()) if first is None
                else ((Coding.start == first) & (Coding.end == last)))
        if Coding.select().where((Coding.interview == interview_id) & (Coding.code == code_id)
                                 & (Coding.coder == who) & span).exists():
            raise ValidationError("code", "error.coding_duplicate", code=code.name)
        coding = Coding.create(interview=interview_id, code=code_id, coder=who, start=first,
                               end=last, memo=FIELD_CHECKS["memo"](memo))
        audit.record("coding", coding.id, "insert",
                     {"interview": (None, interview_id), "code": (None, code.name),
                      "coder": (None, who), "start": (None, first), "end": (None, last)})
    return coding.id


def remove_coding(coding_id: int) -> CodingInfo:
    with transaction():
        coding = Coding.get_or_none(Coding.id == coding_id)
        if coding is None:
            raise NotFoundError("error.coding_missing", id=coding_id)
        info = _info(coding)
        coding.delete_instance()
        audit.record("coding", coding_id, "delete",
                     {"code": (coding.code_id, None), "coder": (coding.coder, None)})
    return info


def restore_coding(info: CodingInfo) -> None:
    """Undo of remove_coding: the same coding, under its own id, if its interview and code are
    still there and the passage still lies inside the transcript."""
    with transaction():
        interview = Interview.get_or_none(Interview.id == info.interview_id)
        if interview is None:
            raise NotFoundError("error.interview_missing", id=info.interview_id)
        if not Code.select().where(Code.id == info.code_id).exists():
            raise ValidationError("code", "error.code_missing", id=info.code_id)
        _check_span(interview, info.start, info.end)
        Coding.insert(id=info.id, interview=info.interview_id, code=info.code_id,
                      coder=info.coder, start=info.start, end=info.end, memo=info.memo,
                      created_at=info.created_at or dt.datetime.now().replace(microsecond=0)
                      ).execute()
        audit.record("coding", info.id, "insert", {"code": (None, info.code_id),
                                                   "coder": (None, info.coder)})


def _info(coding: Coding) -> CodingInfo:
    return CodingInfo(coding.id, coding.interview_id, coding.code_id, coding.coder,
                      coding.start, coding.end, coding.memo, coding.created_at)


def interview_codings(interview_id: int, coder: str | None = None) -> list[CodingInfo]:
    """The interview's codings in text order; with `coder`, only that coder's (blind
    coding: the other coder's work stays out of sight)."""
    query = Coding.select(Coding.id, Coding.interview, Coding.code, Coding.coder, Coding.start,
                          Coding.end, Coding.memo, Coding.created_at
                          ).where(Coding.interview == interview_id)
    if coder is not None:
        query = query.where(Coding.coder == coder)
    # plain tuples: an interview with thousands of codings is read in milliseconds
    return [CodingInfo(*row) for row in
            query.order_by(Coding.start.asc(nulls="first"), Coding.id).tuples()]


def coders(study_id: int) -> list[str]:
    """Everyone who has coded in this study."""
    return [coder for (coder,) in Coding.select(Coding.coder).distinct().join(Interview)
            .where(Interview.study == study_id).order_by(Coding.coder).tuples()]


@dataclass(frozen=True)
class CodingRow:
    """What the findings read: one coding, with the interview's subject."""

    interview_id: int
    participant_id: int | None
    code_id: int
    coder: str
    start: int | None
    end: int | None


def coding_rows(study_id: int, site_id: int | None = None) -> list[CodingRow]:
    query = (Coding.select(Coding.interview, Interview.participant, Coding.code, Coding.coder,
                           Coding.start, Coding.end)
             .join(Interview).where(Interview.study == study_id))
    if site_id is not None:
        query = query.where(at_site(site_id))
    return [CodingRow(*row) for row in query.tuples()]


def quotes(study_id: int, spans: list[tuple[int, int, int]]) -> dict[tuple[int, int, int], str]:
    """The text of passages (interview, start, end), cut out by the database, so a finding
    with a few quotes never reads whole transcripts."""
    found: dict[tuple[int, int, int], str] = {}
    for interview_id, start, end in spans:
        (text,) = (Interview.select(pw.fn.SUBSTR(Interview.transcript, start + 1, end - start))
                   .where((Interview.id == interview_id) & (Interview.study == study_id))
                   .tuples().get())
        found[interview_id, start, end] = text
    return found


def coding_passages(study_id: int) -> list[tuple]:
    """Every coding with its subject, code and passage text, in one query (the database cuts
    the passages): (interview, participant code, professional code, code, coder, start, end,
    passage or None, memo), in interview and text order."""
    passage = pw.fn.SUBSTR(Interview.transcript, Coding.start + 1, Coding.end - Coding.start)
    query = (Coding.select(Coding.interview, Participant.code, Professional.code.alias("pro"),
                           Code.name, Coding.coder, Coding.start, Coding.end, passage,
                           Coding.memo)
             .join(Interview).join(Participant, pw.JOIN.LEFT_OUTER,
                                   on=Interview.participant == Participant.id)
             .switch(Interview).join(Professional, pw.JOIN.LEFT_OUTER,
                                     on=Interview.professional == Professional.id)
             .switch(Coding).join(Code)
             .where(Interview.study == study_id)
             .order_by(Coding.interview, Coding.start.asc(nulls="first"), Coding.id))
    return list(query.tuples())
