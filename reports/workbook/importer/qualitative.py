"""The interviews with their transcripts (joined from their parts), the codebook's codes and
the codings. Each through the interviews', codebook's and codings' own checks; a coding's
passage must lie inside its transcript. An interview keeps its number as its id where the
database has that id free (as in an empty database), so the codings and what researchers
cite ("interview 12") stay the same; otherwise the interviews are numbered on, and noted."""

from __future__ import annotations

import json
from dataclasses import dataclass

from desktop.models.errors import BrugmeterError, ValidationError
from desktop.models.schema import Code, Coding, Interview
from desktop.models.services import codebook, codings, interviews
from desktop.models.transcripts import check_transcript
from reports.workbook.importer.base import REFUSED, Run, checked, whole_number
from reports.workbook.importer.study_setup import ensure_category
from reports.workbook.importer.tables import Row
from reports.workbook.transcript_sheet import JSON_FLAGS

KINDS = ("participant", "professional")


@dataclass
class Transcript:
    parts: dict[int, tuple[str, Row]]
    source: object = ""
    used: bool = False


def import_transcripts(run: Run) -> dict[int, Transcript]:
    """Interview number → its transcript's parts, as read; joined by import_interviews."""
    table = run.table("transcripts", ("interview", "part", "source", "json", "text"))
    found: dict[int, Transcript] = {}
    if table is None:
        return found
    for row in table.rows():
        number = whole_number(table, row, "interview")
        part = whole_number(table, row, "part", required=False) or 1  # one cell: part 1
        text = "" if row["text"] is None else str(row["text"])
        if str(row["json"]).strip().casefold() in JSON_FLAGS:
            try:
                text = json.loads(text)
                if not isinstance(text, str):
                    raise ValueError(text)
            except ValueError:
                table.refuse(row, "text", ValidationError("text", "import.transcript_json"))
                continue
        if number is None or part is None:
            continue
        transcript = found.setdefault(number, Transcript({}))
        if part in transcript.parts:
            table.refuse(row, "part", ValidationError("part", "import.row_twice",
                                                      row=transcript.parts[part][1].number))
            continue
        transcript.parts[part] = (text, row)
        if part == 1 and row["source"] is not None:
            transcript.source = row["source"]
    run.done(table)
    return found


def _joined(run: Run, transcript: Transcript) -> str | None:
    """The transcript's text, its parts 1, 2, … in order; None when one is missing."""
    table = run.tables["transcripts"]
    numbers = sorted(transcript.parts)
    for expected, number in enumerate(numbers, start=1):
        if number != expected:
            table.refuse(transcript.parts[number][1], "part", ValidationError(
                "part", "import.definition_part", expected=expected))
            return None
    return "".join(text for text, _ in (transcript.parts[n] for n in numbers))


def import_interviews(run: Run, transcripts: dict[int, Transcript]) -> None:
    table = run.table("interviews", ("interview", "subject", "subject_kind", "held_on",
                                     "interviewer"))
    if table is None:
        return
    checks = interviews.FIELD_CHECKS
    planned: list[tuple] = []
    seen: dict[int, int] = {}
    for row in table.rows():
        number = whole_number(table, row, "interview")
        held_on = checked(table, row, "held_on", checks["held_on"])
        interviewer = checked(table, row, "interviewer", checks["interviewer"])
        subject = _subject(run, table, row)
        if number is None:
            continue
        if number in seen:
            table.refuse(row, "interview", ValidationError("interview", "import.row_twice",
                                                           row=seen[number]))
            continue
        seen[number] = row.number
        transcript = transcripts.get(number)
        if transcript is None:
            table.refuse(row, "interview", ValidationError(
                "interview", "import.transcript_missing", number=number))
            continue
        transcript.used = True
        text = _joined(run, transcript)
        if text is None:
            continue
        try:
            text = check_transcript(text, f"{run.tables['transcripts'].title} {number}")
            source = checks["source"](transcript.source)
        except ValidationError as error:
            table.refuse(row, "interview", error)
            continue
        if REFUSED in (held_on, interviewer) or subject is REFUSED:
            continue
        planned.append((number, *subject, held_on, interviewer, source, text))
    for number, transcript in transcripts.items():
        if not transcript.used and number not in seen:
            text, row = min(transcript.parts.items())[1]
            run.tables["transcripts"].refuse(row, "interview", ValidationError(
                "interview", "import.interview_unknown", number=number))
    _store_interviews(run, planned)
    run.done(table)


def _subject(run: Run, table, row: Row) -> object:
    """(participant id, professional id) of the interview's subject, or REFUSED."""
    kind = str(row["subject_kind"] or "").strip()
    if kind and kind not in KINDS:
        table.refuse(row, "subject_kind", ValidationError(
            "subject_kind", "import.subject_kind", kinds=", ".join(KINDS)))
        return REFUSED
    code = row["subject"]
    if code is None:
        table.refuse(row, "subject", ValidationError("subject", "error.interview_subject"))
        return REFUSED
    person = run.known.person(code) if kind in ("", "participant") else None
    if person is not None:
        return person.id, None
    colleague = run.known.colleague(code) if kind in ("", "professional") else None
    if colleague is not None:
        return None, colleague.id
    table.refuse(row, "subject", ValidationError("subject", "error.subject_code_unknown",
                                                 code=code))
    return REFUSED


def _store_interviews(run: Run, planned: list[tuple]) -> None:
    numbers = [entry[0] for entry in planned]
    taken = {i for (i,) in Interview.select(Interview.id).where(Interview.id.in_(numbers))
             .tuples()} if numbers else set()
    if taken:
        run.report.note(run.tables["interviews"].title, "interview",
                        "import.interviews_renumbered")
    rows = []
    for number, participant, professional, held_on, interviewer, source, text in planned:
        interview_id = run.store.reserve(Interview) if taken else number
        run.known.interviews[number] = (interview_id, len(text))
        rows.append((interview_id, run.known.study.id, participant, professional, held_on,
                     interviewer, source, text, run.user, run.now))
    if not taken and numbers:
        run.store.claim(Interview, max(numbers))
    run.store.insert(Interview, ("id", "study", "participant", "professional", "held_on",
                                 "interviewer", "source", "transcript", "entered_by",
                                 "entered_at"), rows)


# -- the codebook and the codings ------------------------------------------------------------
def import_codes(run: Run) -> None:
    table = run.table("qual_codes", ("code", "category", "definition", "colour"))
    if table is None:
        return
    known, checks = run.known, codebook.FIELD_CHECKS
    paths = {" / ".join(path): category for path, category in known.categories.items()}
    seen: dict[str, int] = {}
    rows: list[tuple] = []
    count = len(known.codes)
    for row in table.rows():
        name = checked(table, row, "code", checks["name"])
        definition = checked(table, row, "definition", checks["definition"])
        colour = checked(table, row, "colour", checks["colour"])
        category = _category(run, table, row, paths)
        if name is REFUSED:
            continue
        lower = str(name).lower()
        if lower in seen:
            table.refuse(row, "code", ValidationError("code", "import.code_twice", code=name,
                                                      row=seen[lower]))
            continue
        if lower in known.codes:
            table.refuse(row, "code", ValidationError("code", "error.codebook_duplicate",
                                                      name=name))
            continue
        seen[lower] = row.number
        code_id = run.store.reserve(Code)
        known.codes[lower] = code_id
        if REFUSED not in (definition, colour, category):
            rows.append((code_id, known.study.id, category, name, definition,
                         colour or codebook.default_colour(count), count))
        count += 1
    run.store.insert(Code, ("id", "study", "category", "name", "definition", "colour",
                            "position"), rows)
    run.done(table)


def _category(run: Run, table, row: Row, paths: dict[str, int]) -> object:
    """The category's id from its path ("Begeleiding / Contact"), made where missing."""
    text = row["category"]
    if text is None:
        return None
    text = str(text).strip()
    if text in paths:
        return paths[text]
    try:
        found = ensure_category(run.known.study.id, [name.strip() for name in text.split("/")],
                                run.known.categories)
    except BrugmeterError as error:
        table.refuse(row, "category", error)
        return REFUSED
    paths[text] = found
    return found


def import_codings(run: Run) -> None:
    table = run.table("codings", ("interview", "code", "coder", "start", "end", "memo"))
    if table is None:
        return
    known, checks = run.known, codings.FIELD_CHECKS
    seen: dict[tuple, int] = {}
    rows: list[tuple] = []
    for row in table.rows():
        number = whole_number(table, row, "interview")
        interview = _interview(run, number) if number is not None else None
        if number is not None and interview is None:
            table.refuse(row, "interview", ValidationError(
                "interview", "import.interview_unknown", number=number))
        code = known.codes.get(str(row["code"]).strip().lower()) if row["code"] else None
        if code is None:
            table.refuse(row, "code", ValidationError("code", "import.code_unknown",
                                                      code=row["code"] or ""))
        coder = checked(table, row, "coder", checks["coder"])
        memo = checked(table, row, "memo", checks["memo"])
        if interview is None or code is None:
            continue
        try:
            span = codings.check_span(interview[1], row["start"], row["end"])
        except ValidationError as error:
            table.refuse(row, "start", error)
            continue
        if REFUSED in (coder, memo):
            continue
        key = (interview[0], code, coder, *span)
        if key in seen or (interview[0] in known.stored_interviews and _stored_coding(key)):
            table.refuse(row, "code", ValidationError("code", "error.coding_duplicate",
                                                      code=row["code"]))
            continue
        seen[key] = row.number
        if run.store.writing:
            rows.append((run.store.reserve(Coding), interview[0], code, coder, *span, memo,
                         run.now))
    run.store.insert(Coding, ("id", "interview", "code", "coder", "start", "end", "memo",
                              "created_at"), rows)
    run.done(table)


def _interview(run: Run, number: int) -> tuple[int, int] | None:
    found = run.known.interviews.get(number)
    if found is None and number not in run.known.interviews:
        found = run.known.interviews[number] = run.known.stored_interview(number)
    return found


def _stored_coding(key: tuple) -> bool:
    interview, code, coder, start, end = key
    span = ((Coding.start.is_null() & Coding.end.is_null()) if start is None
            else ((Coding.start == start) & (Coding.end == end)))
    return Coding.select().where((Coding.interview == interview) & (Coding.code == code)
                                 & (Coding.coder == coder) & span).exists()
