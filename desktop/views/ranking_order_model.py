"""The ranking as one ordered list, for the ranking editor's order view: drag and drop and the
move keys change it; the typed ranks and this list show one state."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QWidget

from desktop.i18n import tr
from desktop.views import theme

DIVIDER = ""  # the order view's row between ranked and unranked elements (keys are identifiers)
KEY_ROLE = Qt.ItemDataRole.UserRole  # the element key of an order view row
MIME_TYPE = "application/x-brugmeter-element"  # a dragged element: its key
_Index = QModelIndex | QPersistentModelIndex


class RankingOrderModel(QAbstractListModel):
    """The ranking as one list: ranked elements by rank, a divider, then the unranked ones in
    paper order. Moving a row above the divider ranks it at that place, below it unranks it;
    ranks are renumbered 1..k and a ranking longer than the places drops its last.
    `reordered` hands the new order over.

    Every move ends in `moveRows`: the view's own drops call it, so do the keys, and a drop
    that comes as mime data (`dropMimeData`) is turned into it."""

    reordered = Signal(list, str)  # the ranked element keys (best first), the moved element

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._texts: dict[str, str] = {}
        self._places = 0
        self._rows: list[str] = [DIVIDER]
        self._ranks: dict[str, int] = {}
        self._problem = ""

    def set_elements(self, texts: dict[str, str], places: int) -> None:
        """The elements (key → text, in paper order) and how many places a ranking has."""
        self._texts, self._places = dict(texts), places
        self.show_ranks({})

    def show_ranks(self, ranks: dict[str, int], problem: str = "") -> None:
        """Show ranks as typed, even invalid ones: sorted by rank, ties in paper order."""
        paper = list(self._texts)
        ranked = sorted(ranks, key=lambda key: (ranks[key], paper.index(key)))
        self.beginResetModel()
        self._ranks, self._problem = dict(ranks), problem
        self._rows = [*ranked, DIVIDER, *(key for key in paper if key not in ranks)]
        self.endResetModel()

    def divider_row(self) -> int:
        return self._rows.index(DIVIDER)

    def key_at(self, row: int) -> str:
        return self._rows[row] if 0 <= row < len(self._rows) else DIVIDER

    def row_of(self, key: str) -> int:
        return self._rows.index(key)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        key = self._rows[index.row()]
        if role == KEY_ROLE:
            return key
        if key == DIVIDER:
            return self._divider_data(role)
        text, rank = self._texts[key], self._ranks.get(key)
        if role == Qt.ItemDataRole.DisplayRole:
            return text if rank is None else f"{rank}. {text}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return (tr("ranking.order.unranked_item", element=text) if rank is None
                    else tr("ranking.order.ranked_item", rank=rank, element=text))
        if role == Qt.ItemDataRole.ForegroundRole and key == self._problem:
            return QColor(theme.ERROR)
        return None

    @staticmethod
    def _divider_data(role: int) -> object:
        """A quiet heading row: "Not ranked", grey on grey, bold."""
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return tr("ranking.order.divider")
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(theme.GREY_700)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QColor(theme.GREY_100)
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        """Drops land between rows (the root takes them); the divider cannot be picked up."""
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        if self.key_at(index.row()) == DIVIDER:
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsDragEnabled)

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        data = QMimeData()
        keys = [self.key_at(index.row()) for index in indexes if index.isValid()]
        data.setData(MIME_TYPE, " ".join(keys).encode())
        return data

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                     parent: _Index) -> bool:
        """An element dropped before `row`; dropped past the last row, it is unranked."""
        keys = bytes(data.data(MIME_TYPE).data()).decode().split()
        if action != Qt.DropAction.MoveAction or len(keys) != 1 or keys[0] not in self._rows:
            return False
        destination = parent.row() if parent.isValid() else row if row >= 0 else len(self._rows)
        return self.moveRows(QModelIndex(), self.row_of(keys[0]), 1, QModelIndex(),
                             destination)

    def moveRows(self, source_parent: _Index, source_row: int, count: int,
                 destination_parent: _Index, destination_child: int) -> bool:
        """Move one element to before row `destination_child` (numbered as before the move)."""
        if (source_parent.isValid() or destination_parent.isValid() or count != 1
                or self.key_at(source_row) == DIVIDER
                or not 0 <= destination_child <= len(self._rows)):
            return False
        rows = list(self._rows)
        key = rows.pop(source_row)
        rows.insert(destination_child - 1 if destination_child > source_row
                    else destination_child, key)
        ranked = rows[:rows.index(DIVIDER)][:self._places]
        self.show_ranks({element: rank for rank, element in enumerate(ranked, start=1)})
        self.reordered.emit(ranked, key)
        return True
