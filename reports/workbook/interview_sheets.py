"""The interviews, the qualitative codebook and every coding with its passage: what a
researcher needs to re-analyse the coding in another tool or check the agreement by hand."""

from __future__ import annotations

from collections.abc import Iterator

from desktop.models.services.codebook import codebook
from desktop.models.services.codings import coding_passages
from desktop.models.services.interviews import interview_rows
from reports.workbook.columns import DATE, INTEGER, Column, Sheet, keyed
from reports.workbook.context import ExportContext

CELL_CHARACTERS = 32_767  # no cell holds more: Excel counts UTF-16 units, SPSS bytes


def interview_sheets(ctx: ExportContext) -> list[Sheet]:
    study_id = ctx.study.id
    interviews = interview_rows(study_id)
    book = codebook(study_id)
    kinds = keyed((kind, ctx.t(f"workbook.value.subject_{kind}"))
                  for kind in ("participant", "professional"))
    interview_columns = (
        Column("interview", ctx.t("workbook.var.interview"), INTEGER),
        Column("subject", ctx.t("workbook.var.subject"), note=ctx.t("workbook.note.subject")),
        Column("subject_kind", ctx.t("workbook.var.subject_kind"), value_labels=kinds,
               allowed="participant, professional"),
        Column("held_on", ctx.t("workbook.var.held_on"), DATE),
        Column("interviewer", ctx.t("workbook.var.interviewer")),
        Column("characters", ctx.t("workbook.var.characters"), INTEGER, allowed="≥ 1"),
        Column("codings", ctx.t("workbook.var.codings"), INTEGER, allowed="≥ 0"),
        Column("coders", ctx.t("workbook.var.coders")),
    )

    def interview_lines() -> Iterator[tuple]:
        for row in interviews:
            yield (row.id, row.subject, row.kind, row.held_on, row.interviewer, row.characters,
                   row.codings, ", ".join(row.coders))

    code_columns = (
        Column("code", ctx.t("workbook.var.qual_code")),
        Column("category", ctx.t("workbook.var.qual_category"),
               note=ctx.t("workbook.note.qual_category")),
        Column("definition", ctx.t("workbook.var.qual_definition")),
        Column("colour", ctx.t("workbook.var.qual_colour"), allowed="#RRGGBB"),
    )

    def code_lines() -> Iterator[tuple]:
        for code in book.codes:
            yield (code.name, book.path(code.category_id), code.definition, code.colour)

    coding_columns = (
        Column("interview", ctx.t("workbook.var.interview"), INTEGER),
        Column("subject", ctx.t("workbook.var.subject")),
        Column("code", ctx.t("workbook.var.qual_code"),
               allowed=ctx.t("workbook.note.see_sheet", sheet="qual_codes")),
        Column("coder", ctx.t("workbook.var.coder")),
        Column("start", ctx.t("workbook.var.start"), INTEGER,
               note=ctx.t("workbook.note.start")),
        Column("end", ctx.t("workbook.var.end"), INTEGER),
        Column("passage", ctx.t("workbook.var.passage"), note=ctx.t("workbook.note.passage")),
        Column("memo", ctx.t("workbook.var.memo")),
    )
    passages = coding_passages(study_id)

    def coding_lines() -> Iterator[tuple]:
        for interview, participant, professional, code, coder, start, end, text, memo \
                in passages:
            # a first cut, by characters (never tighter than the writers' own): each writer
            # cuts again in its own unit — Excel at 32,767 UTF-16 code units, SPSS at 32,767
            # bytes of UTF-8 — so a passage of ë, é and € fits both
            yield (interview, participant or professional, code, coder, start, end,
                   (text or "")[:CELL_CHARACTERS], memo)

    return [
        Sheet("interviews", ctx.t("workbook.sheet.interviews"), interview_columns,
              interview_lines, len(interviews)),
        Sheet("qual_codes", ctx.t("workbook.sheet.qual_codes"), code_columns, code_lines,
              len(book.codes)),
        Sheet("codings", ctx.t("workbook.sheet.codings"), coding_columns, coding_lines,
              len(passages)),
    ]
