"""The goal-action plan as Qt table models: a participant's actions, and the study's action
types for the types dialog. Both are read-only; every change goes through the actions service."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from desktop.i18n import tr
from desktop.models.services.actions import ActionRecord, ActionTypeInfo
from desktop.views import theme
from desktop.views.widgets import format_date, format_decimal

ACTION_TYPE, PILLAR, AGREED, DONE, DAYS, REWARD = range(6)
NAME_NL, NAME_EN, REWARDABLE = range(3)

ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the action's or the type's id
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # dates as day numbers, so they sort as dates

_Index = QModelIndex | QPersistentModelIndex
_Row = TypeVar("_Row", ActionRecord, ActionTypeInfo)
_OPEN = dt.date.max.toordinal()  # open actions sort after every date and number of days
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class _RowsModel(QAbstractTableModel, Generic[_Row]):
    """Rows with an `id`, translated headers from `HEADER_KEY`, and one display text per cell."""

    HEADER_KEY: ClassVar[str] = ""
    COLUMN_KEYS: ClassVar[tuple[str, ...]] = ()
    RIGHT_ALIGNED: ClassVar[frozenset[int]] = frozenset()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []

    def set_rows(self, rows: list[_Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> _Row:
        return self._rows[row]

    def row_of(self, row_id: int) -> int:
        """The model row of an id, or -1."""
        return next((number for number, row in enumerate(self._rows) if row.id == row_id), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMN_KEYS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.COLUMN_KEYS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return tr(f"{self.HEADER_KEY}.{self.COLUMN_KEYS[section]}")
        if role == Qt.ItemDataRole.TextAlignmentRole and section in self.RIGHT_ALIGNED:
            return _RIGHT
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == ID_ROLE:
            return row.id
        if role == SORT_ROLE:
            return self._sort_value(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.RIGHT_ALIGNED:
            return _RIGHT
        return self._styled(row, column, role)

    def _display(self, row: _Row, column: int) -> str:
        raise NotImplementedError

    def _sort_value(self, row: _Row, column: int) -> Any:
        return self._display(row, column).casefold()

    def _styled(self, row: _Row, column: int, role: int) -> Any:
        """Colour, font or tooltip of a cell; none by default."""
        return None


class ActionTableModel(_RowsModel[ActionRecord]):
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


class ActionTypeTableModel(_RowsModel[ActionTypeInfo]):
    """The study's action types in their order, both names and whether they are rewarded."""

    HEADER_KEY = "entry.action_types.column"
    COLUMN_KEYS = ("name_nl", "name_en", "rewardable")

    def _display(self, row: ActionTypeInfo, column: int) -> str:
        if column == REWARDABLE:
            return tr("entry.action_types.yes") if row.rewardable else ""
        return row.text("nl" if column == NAME_NL else "en")
