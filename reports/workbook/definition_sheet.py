"""The study's settings and definitions as data: its name, period and language, sites and
moments, the instruments it uses (their own definitions, with the version and the study's
cut-off and norm), its professionals' survey, action types, codebook categories and the
researchers' narratives. With these a workbook recreates its study in an empty database
(reports/workbook/importer/); a JSON text longer than a cell goes on over numbered parts."""

from __future__ import annotations

import json
from collections.abc import Iterator

from desktop.models.schema import Instrument, Narrative, Site, StudyInstrument
from desktop.models.services.actions import template_action_types
from desktop.models.services.codebook import codebook
from reports.workbook import readers
from reports.workbook.columns import INTEGER, Column, Sheet, keyed
from reports.workbook.context import ExportContext

NEW_STUDY = 0  # the id of the study a template for a new study describes (none is stored)
KINDS = ("study", "site", "moment", "instrument", "instrument_settings", "survey",
         "action_type", "code_category", "narrative")
STUDY_FIELDS = ("name", "organisation", "municipality", "language", "period_start",
                "period_end")
PART_BYTES = 32_000  # UTF-8 bytes per cell: within Excel's 32,767 characters and SPSS's bytes

Definition = tuple[str, str, int | None, str]  # kind, key, version, whole value


def split_text(text: str, limit: int = PART_BYTES) -> list[str]:
    """`text` in parts of at most `limit` UTF-8 bytes, never cutting a character in two (so a
    part also fits Excel's count of UTF-16 units)."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return [text]
    parts, start = [], 0
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and data[end] & 0xC0 == 0x80:  # inside a character
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start = end
    return parts


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def definitions(ctx: ExportContext) -> Iterator[Definition]:
    """Every setting and definition of the study, in the order the import recreates them."""
    study = ctx.study
    values = {"name": study.name, "organisation": study.organisation,
              "municipality": study.municipality, "language": study.language,
              "period_start": study.period_start.isoformat() if study.period_start else "",
              "period_end": study.period_end.isoformat() if study.period_end else ""}
    for field in STUDY_FIELDS:
        yield "study", field, None, values[field]
    for name in _site_names(ctx):  # in the order they were added: ids follow it
        yield "site", name, None, ""
    for moment in study.moments:
        yield "moment", moment.key, None, _json({"name": moment.name, "months": moment.months})
    for key, version, text, settings in _instruments(ctx):
        yield "instrument", key, version, text.replace("\r\n", "\n")
        if settings:
            yield "instrument_settings", key, version, _json(settings)
    yield "survey", ctx.survey.key, None, ctx.survey.to_json()
    for key, label, rewardable in _action_types(ctx):
        yield "action_type", key, None, _json({"label": label, "rewardable": rewardable})
    for path in _category_paths(ctx):
        yield "code_category", " / ".join(path), None, _json(path)
    for kind, fields in _narratives(ctx):
        yield "narrative", kind, None, _json(fields)


def _site_names(ctx: ExportContext) -> list[str]:
    if ctx.study.id == NEW_STUDY:
        return []
    return [name for (name,) in Site.select(Site.name).where(Site.study == ctx.study.id)
            .order_by(Site.id).tuples()]


def _instruments(ctx: ExportContext) -> list[tuple[str, int, str, dict[str, object]]]:
    """(key, version, definition, the study's own figures) of each linked instrument, in the
    order they were stored (the questionnaires' sheets follow it)."""
    if ctx.study.id == NEW_STUDY:
        return [(d.key, d.version, d.source_json, {})
                for d in (ctx.bridge, *(q.definition for q in ctx.questionnaires))]
    found = []
    for key, version, text, cutoff, norm_n, norm_percent in (
            StudyInstrument.select(Instrument.key, Instrument.version, Instrument.definition,
                                   StudyInstrument.cutoff, StudyInstrument.norm_n,
                                   StudyInstrument.norm_percent_high)
            .join(Instrument).where(StudyInstrument.study == ctx.study.id)
            .order_by(Instrument.id).tuples()):
        settings = {name: value for name, value in (("cutoff", cutoff), ("norm_n", norm_n),
                                                    ("norm_percent_high", norm_percent))
                    if value is not None}
        found.append((key, version, text, settings))
    return found


def _action_types(ctx: ExportContext) -> list[tuple[str, dict[str, str], bool]]:
    if ctx.study.id == NEW_STUDY:
        return [(entry["key"], entry["label"], bool(entry["rewardable"]))
                for entry in template_action_types()]
    return [(key, json.loads(label), bool(rewardable))
            for key, label, rewardable in readers.action_types(ctx.study.id)]


def _category_paths(ctx: ExportContext) -> list[list[str]]:
    """Each category as the names from the top down, a category before those below it."""
    if ctx.study.id == NEW_STUDY:
        return []
    categories = codebook(ctx.study.id).categories
    by_id = {category.id: category for category in categories}

    def path(category_id: int | None) -> list[str]:
        names: list[str] = []
        while category_id is not None and category_id in by_id:
            names.insert(0, by_id[category_id].name)
            category_id = by_id[category_id].parent_id
        return names

    order = {category.id: index for index, category in enumerate(categories)}
    return [path(c.id) for c in sorted(categories, key=lambda c: (len(path(c.id)),
                                                                  order[c.id]))]


def _narratives(ctx: ExportContext) -> list[tuple[str, dict[str, object]]]:
    if ctx.study.id == NEW_STUDY:
        return []
    sites = {site.id: site.name for site in ctx.study.sites}
    return [(row.kind, {"language": row.language, "site": sites.get(row.site_id),
                        "text": row.text, "generated": row.generated})
            for row in Narrative.select().where(Narrative.study == ctx.study.id)
            .order_by(Narrative.id)]


def definitions_sheet(ctx: ExportContext) -> Sheet:
    columns = (
        Column("kind", ctx.t("workbook.var.definition_kind"), allowed=", ".join(KINDS),
               value_labels=keyed((kind, ctx.t(f"workbook.value.definition_{kind}"))
                                  for kind in KINDS)),
        Column("key", ctx.t("workbook.var.definition_key"),
               note=ctx.t("workbook.note.definition_key")),
        Column("version", ctx.t("workbook.var.definition_version"), INTEGER, allowed="≥ 1"),
        Column("part", ctx.t("workbook.var.definition_part"), INTEGER, allowed="≥ 1",
               note=ctx.t("workbook.note.definition_part")),
        Column("value", ctx.t("workbook.var.definition_value"),
               note=ctx.t("workbook.note.definition_value")),
    )
    rows = [(kind, key, version, number, part)
            for kind, key, version, value in definitions(ctx)
            for number, part in enumerate(split_text(value), start=1)]
    return Sheet("definitions", ctx.t("workbook.sheet.definitions"), columns, lambda: rows,
                 len(rows))
