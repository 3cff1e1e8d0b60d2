"""The one place that turns errors into dialogs, so users never meet a traceback.

A BrugmeterError carries a translated sentence and gets a plain warning; anything else is a bug
and gets an apology with the details and a button that copies them for a bug report.
Call these through the module (`error_dialog.show_error(...)`) so tests can replace them.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from enum import Enum
from types import TracebackType

from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.models.errors import BrugmeterError, ValidationError
from desktop.views import theme

log = logging.getLogger(__name__)


class DatabaseChoice(Enum):
    """What the user wants after a database could not be opened."""

    OTHER_FILE = "other"
    CREATE_DEFAULT = "default"
    QUIT = "quit"


def details_text(error: BaseException) -> str:
    """The full traceback, as a bug report needs it."""
    return "".join(traceback.format_exception(type(error), error, error.__traceback__))


def show_error(parent: QWidget | None, error: BaseException) -> None:
    """A user-readable error as a warning; an unexpected one as the bug dialog."""
    if isinstance(error, BrugmeterError):
        log.info("shown to user: %s", error.key)
        QMessageBox.warning(parent, tr("shell.error_title"), error.message)
    else:
        show_unexpected(parent, error)


def call_service(parent: QWidget, action: Callable[[], object],
                 show_invalid: Callable[[ValidationError], None]) -> bool:
    """Run a dialog's save: a ValidationError goes beside the field it names, any other
    BrugmeterError in a message box; True when the save went through."""
    try:
        action()
    except ValidationError as error:
        show_invalid(error)
        return False
    except BrugmeterError as error:
        show_error(parent, error)
        return False
    return True


def show_unexpected(parent: QWidget | None, error: BaseException) -> None:
    log.error("unexpected error", exc_info=(type(error), error, error.__traceback__))
    UnexpectedErrorDialog(error, parent).exec()


def ask_database_choice(parent: QWidget | None, error: BrugmeterError) -> DatabaseChoice:
    """The database could not be opened: another file, the default database, or quit."""
    box = QMessageBox(QMessageBox.Icon.Warning, tr("shell.db_problem_title"), error.message,
                      parent=parent)
    box.setInformativeText(tr("shell.db_problem_question"))
    other = box.addButton(tr("shell.db_choose_other"), QMessageBox.ButtonRole.AcceptRole)
    default = box.addButton(tr("shell.db_create_default"), QMessageBox.ButtonRole.ActionRole)
    quit_button = box.addButton(tr("shell.quit_plain"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(other)
    box.setEscapeButton(quit_button)
    box.exec()
    clicked = box.clickedButton()
    if clicked is other:
        return DatabaseChoice.OTHER_FILE
    if clicked is default:
        return DatabaseChoice.CREATE_DEFAULT
    return DatabaseChoice.QUIT


class UnexpectedErrorDialog(QDialog):
    """An apology, what happened in one line, and the details with a copy button."""

    def __init__(self, error: BaseException, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("shell.unexpected_title"))
        self.details = details_text(error)
        intro = QLabel(tr("shell.unexpected_text"))
        intro.setWordWrap(True)
        summary = QLabel(f"{type(error).__name__}: {error}")
        summary.setWordWrap(True)
        summary.setStyleSheet(theme.error_style())
        self.details_view = QPlainTextEdit(self.details)
        self.details_view.setReadOnly(True)
        self.details_view.setMinimumSize(520, 180)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("shell.close"))
        self.copy_button = QPushButton(tr("shell.copy_details"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSpacing(theme.SPACING)
        for widget in (intro, summary, self.details_view, buttons):
            layout.addWidget(widget)

    def copy_details(self) -> None:
        QApplication.clipboard().setText(self.details)
        self.copy_button.setText(tr("shell.copied"))


def excepthook(
    exc_type: type[BaseException], error: BaseException, tb: TracebackType | None
) -> None:
    """sys.excepthook: log the error and show it; Ctrl+C in a terminal still quits."""
    if issubclass(exc_type, KeyboardInterrupt):
        QApplication.quit()
        return
    error.__traceback__ = tb
    try:
        show_error(QApplication.activeWindow(), error)
    except Exception:  # the dialog itself failed: at least keep the log
        log.exception("could not show the error dialog")
