"""First start: an empty database gets a study, the demo, or the user opens another file."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCommandLinkButton,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.i18n import tr
from desktop.models.errors import BrugmeterError
from desktop.models.services import shell_support
from desktop.views import error_dialog, theme
from desktop.views.study_dialog import StudyDialog
from desktop.views.widgets import set_tab_chain


class WelcomeDialog(QDialog):
    """Three ways to begin. Accepted with `study_id` set, or with `wants_database` True."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.study_id: int | None = None
        self.wants_database = False
        self.opened_demo = False
        self.setWindowTitle(tr("shell.welcome.title"))
        heading = QLabel(tr("shell.welcome.heading"))
        heading.setStyleSheet(theme.heading_style() + " font-size: 15pt;")
        intro = QLabel(tr("shell.welcome.intro"))
        intro.setWordWrap(True)
        self.new_button = QCommandLinkButton(tr("shell.welcome.new"),
                                             tr("shell.welcome.new_hint"))
        self.demo_button = QCommandLinkButton(tr("shell.welcome.demo"),
                                              tr("shell.welcome.demo_hint"))
        self.open_button = QCommandLinkButton(tr("shell.welcome.open"),
                                              tr("shell.welcome.open_hint"))
        self.new_button.clicked.connect(self.create_study)
        self.demo_button.clicked.connect(self.open_demo)
        self.open_button.clicked.connect(self.open_database)
        buttons = QDialogButtonBox()
        quit_button = buttons.addButton(tr("shell.quit_plain"),
                                        QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(theme.MARGIN * 2, theme.MARGIN * 2, theme.MARGIN * 2,
                                  theme.MARGIN)
        layout.setSpacing(theme.SPACING)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addSpacing(theme.SPACING)
        for button in (self.new_button, self.demo_button, self.open_button):
            layout.addWidget(button)
        layout.addSpacing(theme.SPACING)
        layout.addWidget(buttons)
        chain = [self.new_button, self.demo_button, self.open_button, quit_button]
        set_tab_chain(chain)
        self.new_button.setDefault(True)
        self.new_button.setFocus()
        self.setMinimumWidth(480)

    def create_study(self) -> None:
        dialog = StudyDialog(None, self)
        if dialog.exec():
            self.study_id = dialog.study_id
            self.accept()

    def open_demo(self) -> None:
        study_id = open_demo_study(self)
        if study_id is None:
            return
        self.study_id = study_id
        self.opened_demo = True
        self.accept()

    def open_database(self) -> None:
        self.wants_database = True
        self.accept()


def open_demo_study(parent: QWidget | None) -> int | None:
    """Open or create the demo study under a wait cursor (120 participants take well under a
    second); None when it failed, after the error was shown."""
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        return shell_support.open_demo_study(i18n.language())
    except BrugmeterError as error:
        failure = error
    finally:
        QGuiApplication.restoreOverrideCursor()
    error_dialog.show_error(parent, failure)  # after the cursor is back: the user reads it
    return None
