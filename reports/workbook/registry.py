"""The one list of data sheets. A new kind of data adds its builder here and is then in the
workbook, in the codebook and in the SPSS files: each builder gives the sheet(s) of its kind."""

from __future__ import annotations

from collections.abc import Callable

from reports.workbook.audit_sheet import audit_sheet
from reports.workbook.columns import Sheet
from reports.workbook.context import ExportContext
from reports.workbook.definition_sheet import definitions_sheet
from reports.workbook.interview_sheets import interview_sheets
from reports.workbook.participant_sheets import (
    actions_sheet,
    bridge_sheet,
    bridge_wide_sheet,
    participants_sheet,
)
from reports.workbook.professional_sheets import (
    professionals_sheet,
    survey_sheet,
    survey_wide_sheet,
)
from reports.workbook.questionnaire_sheets import questionnaire_sheets
from reports.workbook.transcript_sheet import transcripts_sheet

SheetKind = Callable[[ExportContext], Sheet | list[Sheet]]

DATA_SHEETS: tuple[SheetKind, ...] = (
    participants_sheet,
    bridge_sheet,
    bridge_wide_sheet,
    questionnaire_sheets,
    professionals_sheet,
    survey_sheet,
    survey_wide_sheet,
    actions_sheet,
    interview_sheets,
    transcripts_sheet,
    definitions_sheet,
)

# The database's own history: in the workbook to read, never in a template or the SPSS files,
# and never read back by the import (a file does not write the audit trail).
TRAIL_SHEETS: tuple[SheetKind, ...] = (audit_sheet,)


def data_sheets(ctx: ExportContext, trail: bool = False) -> list[Sheet]:
    """The data sheets, with the audit trail's after them when `trail` is asked for."""
    sheets: list[Sheet] = []
    for kind in DATA_SHEETS + (TRAIL_SHEETS if trail else ()):
        made = kind(ctx)
        sheets += made if isinstance(made, list) else [made]
    return sheets
