"""The goal-action plan as Qt table models: a participant's actions, and the study's action
types for the types dialog. Both are read-only; every change goes through the actions service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QFont

from desktop.i18n import tr
from desktop.models.services.actions import ActionRecord, ActionTypeInfo
from desktop.views import theme
from desktop.views.rows_model import RowsTableModel
from desktop.views.widgets import format_date, format_decimal

ACTION_TYPE, PILLAR, AGREED, DONE, DAYS, REWARD = range(6)
NAME_NL, NAME_EN, REWARDABLE = range(3)

_OPEN = dt.date.max.toordinal()  # open actions sort after every date and number of days


class ActionTableModel(RowsTableModel[ActionRecord]):
    """A participant's actions as participant_actions() returns them (oldest agreement first);
    an action not yet done says "open" in the accent colour."""

    HEADER_KEY = "entry.actions.column"
    COLUMN_KEYS = ("action_type", "pillar", "agreed_on", "done_on", "days", "reward")
    RIGHT_ALIGNED = frozenset({AGREED, DONE, DAYS})

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pillars: dict[str, str] = {}

    def set_actions(self, rows: list[ActionRecord], pillars: dict[str, str]) -> None:
        """The rows and the study's pillar names by key (the rows store keys)."""
        self._pillars = dict(pillars)
        self.set_rows(rows)

    def _display(self, row: ActionRecord, column: int) -> str:
        if column == ACTION_TYPE:
            return row.action_type
        if column == PILLAR:
            return self._pillars.get(row.pillar, row.pillar)
        if column == AGREED:
            return format_date(row.agreed_on)
        if column == DONE:
            return format_date(row.done_on) if row.done_on else tr("entry.actions.open")
        if column == DAYS:
            return "" if row.days is None else str(row.days)
        if row.reward_value is None:
            return row.reward_kind
        return tr("entry.actions.reward", kind=row.reward_kind,
                  value=format_decimal(float(row.reward_value), 2))

    def _sort_value(self, row: ActionRecord, column: int) -> Any:
        if column == AGREED:
            return row.agreed_on.toordinal()
        if column == DONE:
            return row.done_on.toordinal() if row.done_on else _OPEN
        if column == DAYS:
            return _OPEN if row.days is None else row.days
        return super()._sort_value(row, column)

    def _styled(self, row: ActionRecord, column: int, role: int) -> Any:
        if row.done_on is None and column == DONE:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(theme.ACCENT)
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
        if role == Qt.ItemDataRole.ToolTipRole and row.remarks:
            return row.remarks
        return None


class ActionTypeTableModel(RowsTableModel[ActionTypeInfo]):
    """The study's action types in their order, both names and whether they are rewarded."""

    HEADER_KEY = "entry.action_types.column"
    COLUMN_KEYS = ("name_nl", "name_en", "rewardable")

    def _display(self, row: ActionTypeInfo, column: int) -> str:
        if column == REWARDABLE:
            return tr("entry.action_types.yes") if row.rewardable else ""
        return row.text("nl" if column == NAME_NL else "en")
