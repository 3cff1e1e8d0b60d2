"""A read-only Qt table model over a service's row objects (each with an `id`), so a list page
only says how a row reads, sorts and looks: the Qt plumbing is written once."""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from desktop.i18n import tr

ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's id
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # a value that sorts right: dates as day numbers

_Index = QModelIndex | QPersistentModelIndex
_Row = TypeVar("_Row")
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class RowsTableModel(QAbstractTableModel, Generic[_Row]):
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


class TextFilterModel(QSortFilterProxyModel):
    """Keeps the rows in which one of COLUMNS holds the search text (any case): the lists'
    search fields."""

    COLUMNS: ClassVar[tuple[int, ...]] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int,  # noqa: N802 - Qt's name
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        if not self._text or model is None:
            return True
        return any(self._text in str(model.index(source_row, column).data()).casefold()
                   for column in self.COLUMNS)
