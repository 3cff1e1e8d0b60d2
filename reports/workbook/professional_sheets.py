"""The professionals and their survey: the ranking of the method's elements, the statements
on the implementation (Likert) and the fidelity steps, long and one row per professional."""

from __future__ import annotations

from collections.abc import Iterator

from desktop.models.surveys import APPLIED, NOT_APPLIED
from reports.workbook import readers
from reports.workbook.columns import BOOLEAN, DATE, INTEGER, Column, Sheet, keyed, variable_name
from reports.workbook.context import ExportContext

SECTIONS = ("ranking", "likert", "fidelity")


def _professional_column(ctx: ExportContext, name: str = "professional") -> Column:
    return Column(name, ctx.t("workbook.var.professional"), allowed=ctx.t("workbook.allowed.code"),
                  note=ctx.t("workbook.note.code_text"))


def _parts(ctx: ExportContext) -> list[tuple[str, str, str]]:
    """(section, key, text) of every question of the survey, in its order."""
    survey = ctx.survey
    return ([("ranking", e.key, e.text(ctx.language)) for e in survey.elements]
            + [("likert", i.key, i.text(ctx.language)) for i in survey.likert_items]
            + [("fidelity", s.key, s.text(ctx.language)) for s in survey.fidelity_steps])


def _likert_labels(ctx: ExportContext) -> tuple[tuple[object, str], ...]:
    survey = ctx.survey
    return tuple((v, survey.likert_label(v, ctx.language))
                 for v in range(survey.likert_min, survey.likert_max + 1)
                 if survey.likert_label(v, ctx.language))


def _step_labels(ctx: ExportContext) -> tuple[tuple[object, str], ...]:
    return ((NOT_APPLIED, ctx.t("workbook.value.not_applied")),
            (APPLIED, ctx.t("workbook.value.applied")))


def professionals_sheet(ctx: ExportContext) -> Sheet:
    columns = (
        _professional_column(ctx, "code"),
        Column("role", ctx.t("workbook.var.role"), value_labels=ctx.role_labels(),
               note=ctx.t("workbook.note.role")),
        Column("site", ctx.t("workbook.var.site"),
               allowed=", ".join(site.name for site in ctx.study.sites)),
        Column("organisation", ctx.t("workbook.var.organisation")),
        Column("remarks", ctx.t("workbook.var.remarks")),
        Column("surveyed", ctx.t("workbook.var.surveyed"), BOOLEAN),
        Column("complete", ctx.t("workbook.var.complete"), BOOLEAN,
               note=ctx.t("workbook.note.complete")),
        Column("answered_on", ctx.t("workbook.var.answered_on"), DATE),
    )
    people = list(readers.professionals(ctx.study.id))

    def rows() -> Iterator[tuple]:
        for _pid, code, role, site, organisation, remarks, rid, complete, answered in people:
            yield code, role, site, organisation, remarks, rid is not None, complete, answered

    return Sheet("professionals", ctx.t("workbook.sheet.professionals"), columns, rows,
                 len(people))


def survey_sheet(ctx: ExportContext) -> Sheet:
    survey = ctx.survey
    parts = _parts(ctx)
    columns = (
        _professional_column(ctx),
        Column("section", ctx.t("workbook.var.section"),
               value_labels=keyed((s, ctx.t(f"workbook.value.section_{s}")) for s in SECTIONS),
               allowed=", ".join(SECTIONS)),
        Column("item", ctx.t("workbook.var.survey_item"),
               value_labels=keyed((key, text) for _, key, text in parts),
               allowed=", ".join(key for _, key, _ in parts),
               instrument=survey.title(ctx.language)),
        Column("value", ctx.t("workbook.var.survey_value"), INTEGER,
               instrument=survey.title(ctx.language),
               note=ctx.t("workbook.note.survey_value", places=survey.places,
                          likert=f"{survey.likert_min}–{survey.likert_max}",
                          not_applied=NOT_APPLIED, applied=APPLIED)),
    )
    people = list(readers.professionals(ctx.study.id))
    answers = readers.survey_answers(ctx.study.id)

    def rows() -> Iterator[tuple]:
        for _pid, code, *_rest, rid, _complete, _answered in people:
            given = answers.get(rid, {}) if rid is not None else {}
            for section, key, _text in parts:
                if key in given:
                    yield code, section, key, given[key]

    return Sheet("survey", ctx.t("workbook.sheet.survey"), columns, rows,
                 sum(len(given) for given in answers.values()))


def survey_wide_sheet(ctx: ExportContext) -> Sheet:
    survey = ctx.survey
    title = survey.title(ctx.language)
    likert, steps = _likert_labels(ctx), _step_labels(ctx)
    columns = [
        _professional_column(ctx),
        Column("complete", ctx.t("workbook.var.complete"), BOOLEAN),
        Column("answered_on", ctx.t("workbook.var.answered_on"), DATE),
    ]
    for section, key, text in _parts(ctx):
        if section == "ranking":
            columns.append(Column(variable_name("rank", key),
                                  ctx.t("workbook.var.rank_of", element=text), INTEGER,
                                  allowed=f"1–{survey.places}", instrument=title, item_text=text,
                                  note=ctx.t("workbook.note.rank")))
        elif section == "likert":
            columns.append(Column(variable_name("likert", key), text, INTEGER,
                                  allowed=f"{survey.likert_min}–{survey.likert_max}",
                                  value_labels=likert, instrument=title, item_text=text))
        else:
            columns.append(Column(variable_name("step", key), text, INTEGER,
                                  allowed=f"{NOT_APPLIED}, {APPLIED}", value_labels=steps,
                                  instrument=title, item_text=text))
    keys = [key for _, key, _ in _parts(ctx)]
    people = list(readers.professionals(ctx.study.id))
    answers = readers.survey_answers(ctx.study.id)

    def rows() -> Iterator[list[object]]:
        for _pid, code, *_rest, rid, complete, answered in people:
            if rid is None:
                continue
            given = answers.get(rid, {})
            yield [code, complete, answered, *(given.get(key) for key in keys)]

    return Sheet("survey_wide", ctx.t("workbook.sheet.survey_wide"), tuple(columns), rows,
                 len(answers), freeze="B2")
