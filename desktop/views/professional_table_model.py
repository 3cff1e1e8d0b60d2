"""The professionals list as a Qt table model plus a filter proxy; a study has tens of them, so
the proxy sorts and filters without the tricks the 20,000-row participant list needs."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from desktop.i18n import tr
from desktop.models.services.professionals import ROLES, ProfessionalRow

CODE, ROLE, SITE, ORGANISATION, SURVEY = range(5)
COLUMN_KEYS = ("code", "role", "site", "organisation", "survey")
SURVEY_STATES = ("none", "partial", "complete")  # the order the survey column sorts in

ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the professional's id
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex


def role_text(role: str) -> str:
    """A suggested role in the user's language; a role typed by hand as it was typed."""
    return tr(f"role.{role}") if role in ROLES else role


def survey_state(row: ProfessionalRow) -> str:
    if not row.surveyed:
        return "none"
    return "complete" if row.complete else "partial"


class ProfessionalTableModel(QAbstractTableModel):
    """Read-only rows from professionals.professional_rows(); the view never sees the database."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ProfessionalRow] = []

    def set_rows(self, rows: list[ProfessionalRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> ProfessionalRow:
        return self._rows[row]

    def row_of(self, professional_id: int) -> int:
        """The model row of a professional, or -1."""
        return next((n for n, row in enumerate(self._rows) if row.id == professional_id), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMN_KEYS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(COLUMN_KEYS)):
            return tr(f"entry.professionals.column.{COLUMN_KEYS[section]}")
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, index.column())
        if role == SORT_ROLE:
            if index.column() == SURVEY:
                return SURVEY_STATES.index(survey_state(row))
            return self._display(row, index.column()).casefold()
        if role == ID_ROLE:
            return row.id
        return None

    @staticmethod
    def _display(row: ProfessionalRow, column: int) -> str:
        if column == CODE:
            return row.code
        if column == ROLE:
            return role_text(row.role)
        if column == SITE:
            return row.site
        if column == ORGANISATION:
            return row.organisation
        return tr(f"entry.professionals.survey.{survey_state(row)}")


class ProfessionalFilterModel(QSortFilterProxyModel):
    """Keeps the rows whose code, role, site or organisation contains the search text."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        if not self._text or model is None:
            return True
        return any(self._text in str(model.index(source_row, column).data()).casefold()
                   for column in (CODE, ROLE, SITE, ORGANISATION))

    def professional_id(self, proxy_row: int) -> int | None:
        index = self.index(proxy_row, CODE)
        return index.data(ID_ROLE) if index.isValid() else None
