"""The Bridge page: pick a participant by code and a moment, then type the assessment."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.views.bridge_form import BridgeForm
from desktop.views.entry_page import EntryPage


class BridgePage(EntryPage):
    """Participant code field (with completion), a tab per moment, and the Bridge form."""

    TITLE_KEY = "entry.bridge.title"

    def __init__(self, study_id: int, parent: QWidget | None = None) -> None:
        super().__init__(study_id, parent)
        self.form: BridgeForm = BridgeForm(study_id)
        self.attach_form(self.form)
        self._build_layout(self.form)
        QWidget.setTabOrder(self.code, self.form.date)
