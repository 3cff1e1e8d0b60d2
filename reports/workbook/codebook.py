"""The codebook: every variable of every data sheet, with what a statistician needs to load it
without asking anyone — label, type, allowed values, value labels, the instrument and item
text it comes from — and, for a sheet split over Excel's row limit, the sheets it is in."""

from __future__ import annotations

from collections.abc import Sequence

from reports.workbook.columns import TEXT, Column, Sheet, value_label_text
from reports.workbook.context import ExportContext

FIELDS = ("sheet", "variable", "label", "type", "allowed_values", "value_labels", "instrument",
          "item_text", "note")


def codebook_columns(ctx: ExportContext) -> tuple[Column, ...]:
    return tuple(Column(name, ctx.t(f"workbook.codebook.{name}"), TEXT) for name in FIELDS)


def split_note(ctx: ExportContext, titles: Sequence[str], capacity: int) -> str:
    """Which rows went to which sheet, when a sheet passed Excel's row limit."""
    parts = [ctx.t("workbook.codebook.rows_in", sheet=title, first=f"{index * capacity + 1:,}",
                   last=f"{(index + 1) * capacity:,}") for index, title in enumerate(titles)]
    return ctx.t("workbook.codebook.split", count=len(titles), limit=f"{capacity + 1:,}",
                 parts="; ".join(parts))


def codebook_sheet(ctx: ExportContext, written: Sequence[tuple[Sheet, Sequence[str]]],
                   capacity: int) -> Sheet:
    """`written`: each data sheet with the titles it was written under (more than one when
    split); `capacity` is the data rows a sheet holds."""
    rows: list[list[object]] = []
    for sheet, titles in written:
        split = split_note(ctx, titles, capacity) if len(titles) > 1 else ""
        for column in sheet.columns:
            note = " ".join(part for part in (column.note, split) if part)
            rows.append([", ".join(titles), column.name, column.label, column.kind,
                         column.allowed, value_label_text(column.value_labels),
                         column.instrument, column.item_text, note])
    return Sheet("codebook", ctx.t("workbook.sheet.codebook"), codebook_columns(ctx),
                 lambda: rows, len(rows), human_header=True)
