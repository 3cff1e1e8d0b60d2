"""A questionnaire's settings for one study: the cut-off for "high" and the norm group's N and
% high, which the findings compare the study's participants with.

The file's own figures are the defaults; typing them again (or "Restore defaults") stores no
override, so a corrected definition file later applies to this study as well.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.models.errors import ValidationError
from desktop.models.services import instrument_library
from desktop.views import error_dialog, theme
from desktop.views.widgets import error_label, format_decimal

FIELDS = ("cutoff", "norm_n", "norm_percent_high")


class InstrumentSettingsDialog(QDialog):
    """Cut-off and norm group of one questionnaire in one study, checked by the service."""

    def __init__(self, study_id: int, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.study_id = study_id
        self.key = key
        linked = instrument_library.linked_instrument(study_id, key)
        self.definition = definition = linked.definition
        self.setWindowTitle(tr("entry.settings.title", title=definition.title()))
        self.setMinimumWidth(600)
        cutoff_scale = definition.scale(definition.cutoff.scale) if definition.cutoff else None
        low, high = definition.score_range(cutoff_scale) if cutoff_scale else (0.0, 0.0)
        self.defaults = {
            "cutoff": format_decimal(definition.cutoff.at_least, None) if definition.cutoff
            else "",
            "norm_n": str(definition.norm.n) if definition.norm else "",
            "norm_percent_high": format_decimal(definition.norm.percent_high, None)
            if definition.norm else "",
        }
        current = {
            "cutoff": format_decimal(linked.cutoff.at_least, None) if linked.cutoff else "",
            "norm_n": str(linked.norm.n) if linked.norm else "",
            "norm_percent_high": format_decimal(linked.norm.percent_high, None)
            if linked.norm else "",
        }
        notes = {name: tr("entry.settings.default", value=value) if value else ""
                 for name, value in self.defaults.items()}
        if cutoff_scale is not None:
            notes["cutoff"] = tr("entry.settings.cutoff_note", scale=cutoff_scale.text(),
                                 low=format_decimal(low, None), high=format_decimal(high, None),
                                 value=self.defaults["cutoff"])
        intro = QLabel(tr("entry.settings.intro", title=definition.title()))
        intro.setWordWrap(True)
        norm_text = QLabel(tr("entry.settings.norm_group", group=definition.norm.text())
                           if definition.norm else "")
        norm_text.setWordWrap(True)
        norm_text.setStyleSheet(f"color: {theme.GREY_700};")
        self.inputs: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setSpacing(theme.SPACING)
        for name in FIELDS:
            edit = QLineEdit(current[name])
            edit.setObjectName(name)
            edit.setMaximumWidth(100)
            edit.setPlaceholderText(self.defaults[name])
            self.inputs[name] = edit
            self.errors[name] = error_label(name)
            label = QLabel(tr(f"entry.settings.{name}"))
            label.setBuddy(edit)
            note = QLabel(notes[name])
            note.setWordWrap(True)
            note.setStyleSheet(f"color: {theme.GREY_700};")
            line = QHBoxLayout()
            line.addWidget(edit)
            line.addWidget(note, 1)
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addLayout(line)
            column.addWidget(self.errors[name])
            form.addRow(label, column)
        self.inputs["cutoff"].setEnabled(definition.cutoff is not None)
        self.general_error = error_label("general")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("shell.save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("shell.cancel"))
        self.restore_button = QPushButton(tr("entry.settings.restore"))
        self.restore_button.setToolTip(tr("entry.settings.restore_tip"))
        self.buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.restore_button.clicked.connect(self.restore_defaults)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(theme.MARGIN, theme.MARGIN, theme.MARGIN, theme.MARGIN)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(norm_text)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        norm_text.setVisible(definition.norm is not None)  # parented now: never a window

    def restore_defaults(self) -> None:
        """Put the file's own figures back in the fields (stored as "default" on Save)."""
        for name, edit in self.inputs.items():
            edit.setText(self.defaults[name])
        self.clear_errors()

    def clear_errors(self) -> None:
        for label in [*self.errors.values(), self.general_error]:
            label.clear()
            label.setVisible(False)

    def show_validation_error(self, error: ValidationError) -> None:
        """The service's message under the field it named, and the cursor in that field."""
        label = self.errors.get(error.field, self.general_error)
        label.setText(error.message)
        label.setVisible(True)
        edit = self.inputs.get(error.field)
        if edit is not None:
            edit.setFocus()
            edit.selectAll()

    def values(self) -> tuple[str, str, str]:
        """(cut-off, N, % high) as typed; the service reads 4,5 and 1.115 the Dutch way and
        stores the file's own figures as defaults."""
        return tuple(self.inputs[name].text() for name in FIELDS)  # type: ignore[return-value]

    def accept(self) -> None:
        self.clear_errors()
        if error_dialog.call_service(self, lambda: instrument_library.set_instrument_settings(
                self.study_id, self.key, *self.values()), self.show_validation_error):
            super().accept()
