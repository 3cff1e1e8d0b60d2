"""Every interview's transcript, whole, so that a workbook recreates the interviews and the
codings keep pointing at the same characters: a transcript longer than a cell goes on over
numbered parts, and one holding characters no Excel cell can hold (form feeds, other control
characters) is written as a JSON string, marked so."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from desktop.models.schema import Interview
from reports.workbook.columns import BOOLEAN, INTEGER, Column, Sheet
from reports.workbook.context import ExportContext
from reports.workbook.definition_sheet import PART_BYTES, split_text

CELL_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\r\ufffe\uffff]")  # not kept by a cell
JSON_FLAGS = ("true", "1", "waar", "ja", "yes")  # the json column's yes, as read back
JSON_PART_BYTES = PART_BYTES // 6  # in ASCII JSON a byte of text takes at most six (\u000c)


def transcript_parts(transcript: str) -> tuple[bool, list[str]]:
    """Whether the parts are JSON strings, and the parts as written in the cells."""
    if not CELL_UNSAFE.search(transcript):
        return False, split_text(transcript)
    return True, [json.dumps(part) for part in split_text(transcript, JSON_PART_BYTES)]


def transcripts_sheet(ctx: ExportContext) -> Sheet:
    study_id = ctx.study.id
    columns = (
        Column("interview", ctx.t("workbook.var.interview"), INTEGER,
               note=ctx.t("workbook.note.see_sheet", sheet="interviews")),
        Column("part", ctx.t("workbook.var.transcript_part"), INTEGER, allowed="≥ 1",
               note=ctx.t("workbook.note.transcript_part")),
        Column("source", ctx.t("workbook.var.transcript_source")),
        Column("json", ctx.t("workbook.var.transcript_json"), BOOLEAN,
               note=ctx.t("workbook.note.transcript_json")),
        Column("text", ctx.t("workbook.var.transcript_text")),
    )
    query = (Interview.select(Interview.id, Interview.source, Interview.transcript)
             .where(Interview.study == study_id).order_by(Interview.held_on, Interview.id))

    def rows() -> Iterator[tuple]:
        for interview_id, source, transcript in query.tuples().iterator():
            encoded, parts = transcript_parts(transcript)
            for number, part in enumerate(parts, start=1):
                yield (interview_id, number, source if number == 1 else "", encoded, part)

    return Sheet("transcripts", ctx.t("workbook.sheet.transcripts"), columns, rows,
                 query.count())
