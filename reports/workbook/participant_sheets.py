"""The participants' sheets: who took part, their Bridge scores (long, and wide with a column
per pillar × moment) and their goal-action plans."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter

from desktop.models.instruments import InstrumentDefinition
from desktop.models.schema import PARTICIPATING_STATUSES
from reports.workbook import readers
from reports.workbook.columns import (
    BOOLEAN,
    DATE,
    INTEGER,
    NUMBER,
    Column,
    Sheet,
    keyed,
    variable_name,
)
from reports.workbook.context import ExportContext


def in_item_order(rows: Iterable[tuple], keys: tuple[str, ...], item: int = 5) -> Iterator[tuple]:
    """The answers of each response (consecutive rows sharing a response id, the first field)
    in the instrument's item order, whatever order they were stored in."""
    rank = {key: index for index, key in enumerate(keys)}
    last = len(keys)
    of_item = itemgetter(item)
    for _, group in groupby(rows, key=itemgetter(0)):
        answers = list(group)
        if tuple(map(of_item, answers)) != keys:  # stored in another order, or incomplete
            answers.sort(key=lambda row: rank.get(row[item], last))
        yield from answers


def participant_column(ctx: ExportContext, name: str = "participant") -> Column:
    return Column(name, ctx.t("workbook.var.participant"), allowed=ctx.t("workbook.allowed.code"),
                  note=ctx.t("workbook.note.code_text"))


def moment_column(ctx: ExportContext) -> Column:
    return Column("moment", ctx.t("workbook.var.moment"), value_labels=ctx.moment_labels(),
                  allowed=", ".join(m.key for m in ctx.study.moments))


def date_column(ctx: ExportContext, instrument: str = "") -> Column:
    return Column("date", ctx.t("workbook.var.date"), DATE, instrument=instrument)


def reason_column(ctx: ExportContext, definition: InstrumentDefinition,
                  instrument: str) -> Column:
    labels = ctx.reason_labels(definition)
    return Column("missing_reason", ctx.t("workbook.var.missing_reason"),
                  value_labels=labels, allowed=", ".join(str(key) for key, _ in labels),
                  instrument=instrument, note=ctx.t("workbook.note.missing_reason"))


def participants_sheet(ctx: ExportContext) -> Sheet:
    study_id = ctx.study.id
    columns = (
        participant_column(ctx, "code"),
        Column("site", ctx.t("workbook.var.site"),
               allowed=", ".join(site.name for site in ctx.study.sites)),
        Column("status", ctx.t("workbook.var.status"), value_labels=ctx.status_labels(),
               allowed=", ".join(key for key, _ in ctx.status_labels()),
               note=ctx.t("workbook.note.status")),
        Column("inclusion_date", ctx.t("workbook.var.inclusion_date"), DATE),
        Column("study_group", ctx.t("workbook.var.study_group"),
               note=ctx.t("workbook.note.study_group")),
        Column("remarks", ctx.t("workbook.var.remarks")),
    )

    def rows() -> Iterator[tuple]:
        for _pid, *fields in readers.participants(study_id):
            yield tuple(fields)

    return Sheet("participants", ctx.t("workbook.sheet.participants"), columns, rows,
                 readers.participant_count(study_id))


def bridge_sheet(ctx: ExportContext) -> Sheet:
    definition, title = ctx.bridge, ctx.instrument_title(ctx.bridge)
    columns = (
        participant_column(ctx), moment_column(ctx), date_column(ctx, title),
        Column("pillar", ctx.t("workbook.var.pillar"), value_labels=ctx.pillar_labels(),
               allowed=", ".join(definition.item_keys), instrument=title),
        Column("level", ctx.t("workbook.var.level"), INTEGER,
               allowed=f"{definition.minimum}–{definition.maximum}", instrument=title,
               note=ctx.t("workbook.note.level_texts")),
        reason_column(ctx, definition, title),
    )

    def rows() -> Iterator[tuple]:
        answers = readers.response_values(ctx.study.id, ctx.bridge_id)
        for _rid, _pid, code, moment, day, item, value, reason in in_item_order(
                answers, definition.item_keys):
            yield code, moment, day, item, value, reason

    return Sheet("bridge", ctx.t("workbook.sheet.bridge"), columns, rows,
                 readers.response_value_count(ctx.study.id, ctx.bridge_id))


def bridge_wide_sheet(ctx: ExportContext) -> Sheet:
    """One row per participant taking part (and anyone else with a Bridge score), a date and a
    level column per moment: the layout SPSS's paired tests and R's wide data want."""
    definition, title = ctx.bridge, ctx.instrument_title(ctx.bridge)
    moments = ctx.study.moments
    columns = [
        participant_column(ctx),
        Column("site", ctx.t("workbook.var.site")),
        Column("status", ctx.t("workbook.var.status"), value_labels=ctx.status_labels()),
        Column("study_group", ctx.t("workbook.var.study_group")),
    ]
    slots: dict[tuple[str, str], int] = {}  # (moment, pillar or "") → column index
    for moment in moments:
        slots[moment.key, ""] = len(columns)
        columns.append(Column(variable_name("date", moment.key),
                              ctx.t("workbook.var.wide_date", moment=moment.name), DATE,
                              instrument=title))
        for item in definition.items:
            slots[moment.key, item.key] = len(columns)
            columns.append(Column(
                variable_name(item.key, moment.key),
                ctx.t("workbook.var.wide_level", pillar=item.text(ctx.language),
                      moment=moment.name),
                INTEGER, allowed=f"{definition.minimum}–{definition.maximum}",
                value_labels=ctx.level_labels(definition, item.key), instrument=title,
                item_text=item.text(ctx.language)))

    def rows() -> Iterator[list[object]]:
        scores: dict[int, dict[int, object]] = {}
        for _rid, pid, _code, moment, day, item, value, _reason in readers.response_values(
                ctx.study.id, ctx.bridge_id, ordered=False):
            found = scores.setdefault(pid, {})
            found[slots[moment, ""]] = day
            index = slots.get((moment, item))
            if index is not None and value is not None:
                found[index] = value
        width = len(columns)
        for pid, code, site, status, _included, group, _remarks in readers.participants(
                ctx.study.id):
            if status not in PARTICIPATING_STATUSES and pid not in scores:
                continue
            row: list[object] = [code, site, status, group] + [None] * (width - 4)
            for index, value in scores.get(pid, {}).items():
                row[index] = value
            yield row

    return Sheet("bridge_wide", ctx.t("workbook.sheet.bridge_wide"), tuple(columns), rows,
                 readers.participant_count(ctx.study.id), freeze="B2")


def actions_sheet(ctx: ExportContext) -> Sheet:
    kinds = ctx.action_kinds
    columns = (
        participant_column(ctx),
        Column("action_type", ctx.t("workbook.var.action_type"),
               value_labels=keyed((kind.key, kind.label) for kind in kinds),
               allowed=", ".join(kind.key for kind in kinds)),
        Column("rewardable", ctx.t("workbook.var.rewardable"), BOOLEAN,
               note=ctx.t("workbook.note.rewardable")),
        Column("pillar", ctx.t("workbook.var.action_pillar"), value_labels=ctx.pillar_labels(),
               allowed=", ".join(ctx.bridge.item_keys)),
        Column("agreed_on", ctx.t("workbook.var.agreed_on"), DATE),
        Column("done_on", ctx.t("workbook.var.done_on"), DATE,
               note=ctx.t("workbook.note.done_on")),
        Column("days", ctx.t("workbook.var.days"), INTEGER, allowed="≥ 0",
               note=ctx.t("workbook.note.days")),
        Column("reward_kind", ctx.t("workbook.var.reward_kind")),
        Column("reward_value", ctx.t("workbook.var.reward_value"), NUMBER, allowed="≥ 0",
               number_format="0.00"),
        Column("remarks", ctx.t("workbook.var.remarks")),
    )

    def rows() -> Iterator[tuple]:
        for code, kind, rewardable, pillar, agreed, done, reward, value, remarks in \
                readers.actions(ctx.study.id):
            days = (done - agreed).days if isinstance(done, dt.date) and agreed else None
            yield (code, kind, rewardable, pillar, agreed, done, days, reward, value, remarks)

    return Sheet("actions", ctx.t("workbook.sheet.actions"), columns, rows,
                 readers.action_count(ctx.study.id))
