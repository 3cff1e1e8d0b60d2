"""The audit trail in the workbook: every entry about the study, oldest first, with the
record in words and the participant or professional it belongs to. For reading only: the
workbook import skips this sheet (a file never writes the trail; the import records its own
entries)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from desktop.models.services import audit_trail
from reports.workbook.columns import DATETIME, INTEGER, Column, Sheet
from reports.workbook.context import ExportContext

AUDIT_SHEET = "audit"
_NAMES = ("id", "at", "user", "table", "record", "record_id", "owner", "action", "field",
          "old_value", "new_value")
_NOTED = ("table", "owner", "action", "old_value", "new_value")
_KINDS = {"id": INTEGER, "at": DATETIME, "record_id": INTEGER}
# A value written as a plain number (no leading zero, no sign but minus): a number in its cell,
# as Excel wants it; any other text ("007", "1e3", a date) stays text.
_NUMBER = re.compile(r"-?(0|[1-9][0-9]{0,14})(\.[0-9]*[1-9])?")


def _value(text: str) -> str | int | float:
    if not _NUMBER.fullmatch(text):
        return text
    return float(text) if "." in text else int(text)


def audit_sheet(ctx: ExportContext) -> Sheet:
    columns = tuple(Column(name, ctx.t(f"workbook.var.audit_{name}"), _KINDS.get(name, "text"),
                           note=ctx.t(f"workbook.note.audit_{name}")
                           if name in _NOTED else "")
                    for name in _NAMES)
    language = ctx.language
    # A database of one study: the whole trail (erasures and deleted records included). Of
    # several (a team's municipalities): only what is about this study's records.
    criteria = audit_trail.TrailFilter(
        study_id=ctx.study.id if audit_trail.studies_in_database() > 1 else None)

    def rows() -> Iterator[tuple]:
        for row in audit_trail.entries(criteria):
            yield (row.id, row.at, row.user, row.table,
                   audit_trail.table_label(row.table, language), row.record_id, row.owner,
                   row.action, row.field, _value(row.old), _value(row.new))

    return Sheet(AUDIT_SHEET, ctx.t("workbook.sheet.audit"), columns, rows,
                 audit_trail.count_entries(criteria))
