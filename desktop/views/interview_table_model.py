"""The interviews list and the open interview's codings as Qt table models; a study has tens of
interviews and an interview hundreds of codings, so plain proxies sort and filter them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from desktop.i18n import tr
from desktop.models.services.interviews import InterviewRow
from desktop.views.rows_model import ID_ROLE, RowsTableModel, TextFilterModel
from desktop.views.widgets import format_date

SUBJECT, KIND, HELD_ON, INTERVIEWER, SIZE, CODINGS, CODERS = range(7)
COLUMN_KEYS = ("subject", "kind", "held_on", "interviewer", "size", "codings", "coders")
CODE, CODER, PASSAGE = range(3)

_Index = QModelIndex | QPersistentModelIndex


def format_count(number: int) -> str:
    """12.345 in Dutch, 12,345 in English: transcripts run to hundreds of thousands."""
    return f"{number:,}".replace(",", tr("interviews.thousands_separator"))


class InterviewTableModel(RowsTableModel[InterviewRow]):
    """Read-only rows from interviews.interview_rows()."""

    HEADER_KEY = "interviews.column"
    COLUMN_KEYS = COLUMN_KEYS
    RIGHT_ALIGNED = frozenset({SIZE, CODINGS})

    def _display(self, row: InterviewRow, column: int) -> str:
        if column == SUBJECT:
            return row.subject
        if column == KIND:
            return tr(f"interviews.kind.{row.kind}")
        if column == HELD_ON:
            return format_date(row.held_on)
        if column == INTERVIEWER:
            return row.interviewer
        if column == SIZE:
            return format_count(row.characters)
        if column == CODINGS:
            return str(row.codings)
        return ", ".join(row.coders)

    def _sort_value(self, row: InterviewRow, column: int) -> Any:
        if column == HELD_ON:
            return row.held_on.toordinal() if row.held_on else 0
        if column == SIZE:
            return row.characters
        if column == CODINGS:
            return row.codings
        return super()._sort_value(row, column)

    def _styled(self, row: InterviewRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and column == CODERS and row.coders:
            return tr("interviews.coders_tip", coders=", ".join(row.coders))
        return None


class InterviewFilterModel(TextFilterModel):
    """Keeps the interviews whose subject, kind, date, interviewer or coders hold the text."""

    COLUMNS = (SUBJECT, KIND, HELD_ON, INTERVIEWER, CODERS)

    def interview_id(self, proxy_row: int) -> int | None:
        index = self.index(proxy_row, SUBJECT)
        return index.data(ID_ROLE) if index.isValid() else None


@dataclass(frozen=True)
class CodingLine:
    """One coding of the open interview as the codings list shows it."""

    id: int
    code_id: int
    code: str
    colour: str
    coder: str
    start: int | None  # Python str offsets into the transcript; None: the whole interview
    end: int | None
    excerpt: str


class CodingTableModel(RowsTableModel[CodingLine]):
    """The open interview's codings in text order, whole-interview codes first."""

    HEADER_KEY = "interviews.codings.column"
    COLUMN_KEYS = ("code", "coder", "passage")

    def _display(self, row: CodingLine, column: int) -> str:
        if column == CODE:
            return row.code
        if column == CODER:
            return row.coder
        return row.excerpt if row.start is not None else tr("interviews.whole_interview")

    def _sort_value(self, row: CodingLine, column: int) -> Any:
        if column == PASSAGE:
            return -1 if row.start is None else row.start
        return super()._sort_value(row, column)

    def _styled(self, row: CodingLine, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DecorationRole and column == CODE:
            return QColor(row.colour)
        if role == Qt.ItemDataRole.ToolTipRole and column == PASSAGE and row.start is not None:
            return row.excerpt
        return None
