"""The professionals list as a Qt table model plus a filter proxy; a study has tens of them, so
the proxy sorts and filters without the tricks the 20,000-row participant list needs."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
)

from desktop.i18n import tr
from desktop.models.services.professionals import ProfessionalRow, role_text
from desktop.views.rows_model import ID_ROLE, RowsTableModel, TextFilterModel

CODE, ROLE, SITE, ORGANISATION, SURVEY = range(5)
COLUMN_KEYS = ("code", "role", "site", "organisation", "survey")
SURVEY_STATES = ("none", "partial", "complete")  # the order the survey column sorts in

_Index = QModelIndex | QPersistentModelIndex


def survey_state(row: ProfessionalRow) -> str:
    if not row.surveyed:
        return "none"
    return "complete" if row.complete else "partial"


class ProfessionalTableModel(RowsTableModel[ProfessionalRow]):
    """Read-only rows from professionals.professional_rows(); the view never sees the database."""

    HEADER_KEY = "entry.professionals.column"
    COLUMN_KEYS = COLUMN_KEYS

    def _display(self, row: ProfessionalRow, column: int) -> str:
        if column == CODE:
            return row.code
        if column == ROLE:
            return role_text(row.role)
        if column == SITE:
            return row.site
        if column == ORGANISATION:
            return row.organisation
        return tr(f"entry.professionals.survey.{survey_state(row)}")

    def _sort_value(self, row: ProfessionalRow, column: int) -> Any:
        if column == SURVEY:
            return SURVEY_STATES.index(survey_state(row))
        return super()._sort_value(row, column)


class ProfessionalFilterModel(TextFilterModel):
    """Keeps the rows whose code, role, site or organisation contains the search text."""

    COLUMNS = (CODE, ROLE, SITE, ORGANISATION)

    def professional_id(self, proxy_row: int) -> int | None:
        index = self.index(proxy_row, CODE)
        return index.data(ID_ROLE) if index.isValid() else None
