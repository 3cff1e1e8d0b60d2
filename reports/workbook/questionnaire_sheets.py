"""Two sheets per questionnaire: every answer in long format, and one row per response with
the items as typed and the scale scores the findings use (reverse items mirrored, the
missing-data rule applied, "high" against the study's cut-off)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter

from desktop.models.scoring import reaches, score_matrix
from desktop.models.services.instrument_library import LinkedInstrument
from reports.workbook import readers
from reports.workbook.columns import (
    BOOLEAN,
    INTEGER,
    NUMBER,
    Column,
    Sheet,
    keyed,
    variable_name,
)
from reports.workbook.context import ExportContext
from reports.workbook.participant_sheets import (
    date_column,
    in_item_order,
    moment_column,
    participant_column,
    reason_column,
)

SCORE_BATCH = 5000  # responses scored at a time


def questionnaire_sheets(ctx: ExportContext) -> list[Sheet]:
    sheets: list[Sheet] = []
    for linked in ctx.questionnaires:
        sheets += [_long_sheet(ctx, linked), _wide_sheet(ctx, linked)]
    return sheets


def _value_column(ctx: ExportContext, linked: LinkedInstrument, title: str) -> Column:
    definition = linked.definition
    return Column("value", ctx.t("workbook.var.value"), INTEGER,
                  allowed=f"{definition.minimum}–{definition.maximum}",
                  value_labels=tuple((v, definition.value_label(v, ctx.language))
                                     for v in sorted(definition.value_labels)),
                  instrument=title, note=ctx.t("workbook.note.raw_values"))


def _long_sheet(ctx: ExportContext, linked: LinkedInstrument) -> Sheet:
    definition = linked.definition
    title = ctx.instrument_title(definition)
    items = keyed((item.key, item.text(ctx.language)) for item in definition.items)
    reverse = ", ".join(key for key in definition.item_keys if key in definition.reverse_items)
    columns = (
        participant_column(ctx), moment_column(ctx), date_column(ctx, title),
        Column("item", ctx.t("workbook.var.item"), value_labels=items,
               allowed=", ".join(definition.item_keys), instrument=title,
               note=ctx.t("workbook.note.reverse_items", items=reverse) if reverse else ""),
        _value_column(ctx, linked, title),
        reason_column(ctx, definition, title),
    )

    def rows() -> Iterator[tuple]:
        answers = readers.response_values(ctx.study.id, linked.id)
        for _rid, _pid, code, moment, day, item, value, reason in in_item_order(
                answers, definition.item_keys):
            yield code, moment, day, item, value, reason

    return Sheet(f"q_{definition.key}", ctx.t("workbook.sheet.questionnaire",
                                              title=definition.title(ctx.language)),
                 columns, rows, readers.response_value_count(ctx.study.id, linked.id))


def _wide_sheet(ctx: ExportContext, linked: LinkedInstrument) -> Sheet:
    definition = linked.definition
    title = ctx.instrument_title(definition)
    labels = tuple((v, definition.value_label(v, ctx.language))
                   for v in sorted(definition.value_labels))
    columns = [participant_column(ctx), moment_column(ctx), date_column(ctx, title)]
    for number, item in enumerate(definition.items, start=1):
        reverse = item.key in definition.reverse_items
        columns.append(Column(
            variable_name(item.key), ctx.t("workbook.var.item_value", number=number),
            INTEGER, allowed=f"{definition.minimum}–{definition.maximum}", value_labels=labels,
            instrument=title, item_text=item.text(ctx.language),
            note=ctx.t("workbook.note.reverse_item") if reverse else ""))
    for scale in definition.scales:
        rule = ctx.t(f"workbook.note.scoring_{scale.scoring}", items=", ".join(scale.items),
                     missing=scale.max_missing)
        low, high = definition.score_range(scale)
        columns.append(Column(variable_name("score", scale.key),
                              ctx.t("workbook.var.score", scale=scale.text(ctx.language)),
                              NUMBER, allowed=f"{low:g}–{high:g}", instrument=title,
                              note=rule, number_format="0.00"))
        columns.append(Column(variable_name("answered", scale.key),
                              ctx.t("workbook.var.answered", scale=scale.text(ctx.language)),
                              INTEGER, allowed=f"0–{len(scale.items)}", instrument=title))
    cutoff = linked.cutoff
    if cutoff is not None:
        scale = definition.scale(cutoff.scale)
        columns.append(Column(variable_name("high", scale.key),
                              ctx.t("workbook.var.high", scale=scale.text(ctx.language),
                                    cutoff=f"{cutoff.at_least:g}"),
                              BOOLEAN, instrument=title, note=ctx.t("workbook.note.high")))

    def rows() -> Iterator[list[object]]:
        answers = in_item_order(readers.response_values(ctx.study.id, linked.id),
                                definition.item_keys)
        batch: list[tuple[str, str, object, dict[str, int | None]]] = []
        for _rid, group in groupby(answers, key=itemgetter(0)):
            values = list(group)
            _, _, code, moment, day, *_ = values[0]
            batch.append((code, moment, day, {row[5]: row[6] for row in values}))
            if len(batch) >= SCORE_BATCH:
                yield from _scored(linked, batch)
                batch = []
        yield from _scored(linked, batch)

    return Sheet(f"q_{definition.key}_wide", ctx.t("workbook.sheet.questionnaire_wide",
                                                   title=definition.title(ctx.language)),
                 tuple(columns), rows, readers.response_count(ctx.study.id, linked.id))


def _scored(linked: LinkedInstrument,
            batch: Iterable[tuple[str, str, object, dict[str, int | None]]]
            ) -> Iterator[list[object]]:
    """The rows of a batch of responses with their scale scores, scored as the findings do."""
    import numpy as np

    batch = list(batch)
    if not batch:
        return
    definition = linked.definition
    keys = definition.item_keys
    matrix = np.array([[np.nan if answers.get(key) is None else answers[key] for key in keys]
                       for *_, answers in batch], dtype=float)
    scores = score_matrix(definition, matrix)
    columns: list[list[object]] = []
    for scale in definition.scales:
        values, answered = scores[scale.key]
        columns.append([None if np.isnan(v) else float(v) for v in values.tolist()])
        columns.append([int(a) for a in answered.tolist()])
    cutoff = linked.cutoff
    if cutoff is not None:
        values, _ = scores[cutoff.scale]
        high = reaches(values, cutoff.at_least)
        columns.append([None if np.isnan(v) else bool(h)
                        for v, h in zip(values.tolist(), high.tolist(), strict=True)])
    for index, (code, moment, day, answers) in enumerate(batch):
        yield [code, moment, day, *(answers.get(key) for key in keys),
               *(column[index] for column in columns)]
