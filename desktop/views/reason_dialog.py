"""Deleting a record: the question, and the reason it is deleted (required, stored with the
record in the recycle bin). Type the reason and press Enter; Escape keeps the record."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.models.errors import BrugmeterError, ValidationError
from desktop.models.services import users
from desktop.models.services.recycle_bin import REASON_LENGTH, check_reason
from desktop.views import error_dialog
from desktop.views.widgets import error_label


class ReasonDialog(QDialog):
    """Delete is enabled once a reason is typed; Enter then deletes, Escape keeps."""

    def __init__(self, question: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("users.reason.title"))
        self.question = QLabel(question)
        self.question.setWordWrap(True)
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("reason")
        self.reason_edit.setMaxLength(REASON_LENGTH)
        self.reason_edit.setPlaceholderText(tr("users.reason.placeholder"))
        label = QLabel(tr("users.reason.label"))
        label.setBuddy(self.reason_edit)
        note = QLabel(tr("users.reason.note"))
        note.setWordWrap(True)
        self.error = error_label("reason")
        self.buttons = QDialogButtonBox()
        self.delete_button = self.buttons.addButton(tr("users.reason.delete"),
                                                    QDialogButtonBox.ButtonRole.DestructiveRole)
        self.keep_button = self.buttons.addButton(tr("users.reason.cancel"),
                                                  QDialogButtonBox.ButtonRole.RejectRole)
        self.delete_button.setEnabled(False)
        self.delete_button.setAutoDefault(False)
        self.keep_button.setAutoDefault(False)
        layout = QVBoxLayout(self)
        for widget in (self.question, label, self.reason_edit, self.error, note, self.buttons):
            layout.addWidget(widget)
        self.setMinimumWidth(460)
        self.reason_edit.textChanged.connect(
            lambda text: self.delete_button.setEnabled(bool(text.strip())))
        self.reason_edit.returnPressed.connect(self.confirm)
        self.delete_button.clicked.connect(self.confirm)
        self.buttons.rejected.connect(self.reject)
        self.reason_edit.setFocus()

    def confirm(self) -> None:
        """Accept once the reason passes the same check the service makes."""
        try:
            check_reason(self.reason_edit.text())
        except ValidationError as error:
            self.error.setText(error.message)
            self.error.setVisible(True)
            return
        self.accept()

    def reason(self) -> str:
        return self.reason_edit.text().strip()


def ask_reason(parent: QWidget, question: str) -> str | None:
    """The reason typed, or None when the user keeps the record. An assistant (a Delete key
    reaches here with the button greyed out) hears at once that deleting is a lead's task."""
    try:
        users.require_lead()
    except BrugmeterError as error:
        error_dialog.show_error(parent, error)
        return None
    dialog = ReasonDialog(question, parent)
    return dialog.reason() if dialog.exec() == QDialog.DialogCode.Accepted else None
