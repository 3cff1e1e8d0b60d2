"""The first sheet: which study this is, when and by which version it was exported, and what
each sheet holds — so a workbook passed on by e-mail still says where it came from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from desktop import __version__
from desktop.models.migrations import CURRENT_VERSION
from reports.workbook.columns import TEXT, Column
from reports.workbook.context import ExportContext


def info_columns(ctx: ExportContext) -> tuple[Column, ...]:
    return (Column("field", ctx.t("workbook.info.field"), TEXT),
            Column("value", ctx.t("workbook.info.value"), TEXT, number_format="General"),
            Column("description", ctx.t("workbook.info.description"), TEXT))


def info_rows(ctx: ExportContext, exported_at: dt.datetime, alpha: float,
              sheets: Sequence[tuple[str, int, str]]) -> list[list[object]]:
    """The study's facts, then one line per sheet: (title, data rows, what it holds)."""
    study = ctx.study
    instruments = [ctx.instrument_title(ctx.bridge)] + [
        ctx.instrument_title(linked.definition) for linked in ctx.questionnaires]
    facts: list[tuple[str, object]] = [
        ("study", study.name),
        ("organisation", study.organisation),
        ("municipality", study.municipality),
        ("sites", ", ".join(site.name for site in study.sites)),
        ("period_start", study.period_start),
        ("period_end", study.period_end),
        ("moments", "; ".join(f"{m.key} = {m.name} ({m.months})" for m in study.moments)),
        ("instruments", "; ".join(instruments)),
        ("survey", ctx.survey.title(ctx.language)),
        ("exported_at", exported_at),
        ("app_version", __version__),
        ("schema_version", CURRENT_VERSION),
        ("language", ctx.language),
        ("alpha", alpha),
        ("pseudonymous", ctx.t("workbook.info.pseudonymous_text")),
    ]
    rows: list[list[object]] = [[ctx.t(f"workbook.info.{key}"), value, ""]
                                for key, value in facts]
    rows += [[None, None, None],
             [ctx.t("workbook.info.sheet"), ctx.t("workbook.info.rows"),
              ctx.t("workbook.info.content")]]
    rows += [[title, count, description] for title, count, description in sheets]
    return rows
