"""Erasing a participant (GDPR): what goes is shown first, and the code must be typed again."""

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
from desktop.models.services import erasure
from desktop.views import theme
from desktop.views.error_dialog import call_service, show_error
from desktop.views.widgets import error_label


class ErasureDialog(QDialog):
    """Cancel is the default; Erase is enabled only once the code is typed exactly."""

    def __init__(self, participant_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("privacy.dialog_title"))
        self.participant_id = participant_id
        self.scope = erasure.erasure_scope(participant_id)
        scope = QLabel(tr("privacy.scope", **vars(self.scope)))
        scope.setWordWrap(True)
        warning = QLabel(tr("privacy.dialog_warning"))
        warning.setWordWrap(True)
        warning.setStyleSheet(theme.error_style())
        self.confirmation = QLineEdit()
        self.confirmation.setObjectName("confirmation")
        prompt = QLabel(tr("privacy.confirm_label"))
        prompt.setBuddy(self.confirmation)
        self.error = error_label("confirmation")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.erase_button = self.buttons.addButton(tr("privacy.erase"),
                                                   QDialogButtonBox.ButtonRole.DestructiveRole)
        self.erase_button.setEnabled(False)
        self.erase_button.setAutoDefault(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setDefault(True)
        layout = QVBoxLayout(self)
        for widget in (scope, warning, prompt, self.confirmation, self.error, self.buttons):
            layout.addWidget(widget)
        self.setMinimumWidth(460)
        self.confirmation.textChanged.connect(
            lambda text: self.erase_button.setEnabled(text.strip() == self.scope.code))
        self.confirmation.returnPressed.connect(self._return_pressed)
        self.buttons.rejected.connect(self.reject)
        self.erase_button.clicked.connect(self.erase)

    def _return_pressed(self) -> None:
        if self.erase_button.isEnabled():
            self.erase()

    def erase(self) -> None:
        if call_service(self, lambda: erasure.erase_participant(
                self.participant_id, self.confirmation.text()), self._show_invalid):
            self.accept()

    def _show_invalid(self, error: ValidationError) -> None:
        self.error.setText(error.message)
        self.error.show()


def erase_participant(parent: QWidget, participant_id: int) -> bool:
    """Ask and erase; True when the participant's data is gone."""
    try:
        dialog = ErasureDialog(participant_id, parent)
    except BrugmeterError as error:  # erased or deleted by someone else meanwhile
        show_error(parent, error)
        return False
    return dialog.exec() == QDialog.DialogCode.Accepted
