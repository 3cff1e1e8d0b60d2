"""The contract between the main window and the pages it shows in its navigation."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from desktop.i18n import tr


class Page(QWidget):
    """A page of the main window for one study.

    The window calls refresh() when the page is shown and confirm_leave() before it switches
    away or closes; a page with unsaved input asks the user there (discard / keep editing).
    """

    status_message = Signal(str)  # "Saved: AL-001, intake" → the window's status bar

    def __init__(self, study_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.study_id = study_id

    TITLE_KEY: ClassVar[str] = ""  # catalogue key of the navigation entry

    @classmethod
    def page_title(cls) -> str:
        """The navigation entry, known before the page is built (pages are built when shown)."""
        return tr(cls.TITLE_KEY)

    def title(self) -> str:
        return self.page_title()

    def refresh(self) -> None:
        """Reload what the page shows from the services."""

    def confirm_leave(self) -> bool:
        """True when the page may be left (nothing unsaved, or the user chose to discard)."""
        return True
