"""The professional form: a pseudonymous code with role, site and organisation, checked by the
service; errors shown under the field, a delete that asks first and keeps surveyed people."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.models.errors import BrugmeterError, ValidationError
from desktop.models.services import professionals, studies
from desktop.views import error_dialog, shortcuts, theme
from desktop.views.conflict_dialog import save_resolving_conflicts
from desktop.views.lead_only import restrict
from desktop.views.reason_dialog import ask_reason
from desktop.views.widgets import (
    FieldErrors,
    add_save_shortcuts,
    ask_discard,
    field_grid,
    set_tab_chain,
)


class ProfessionalEditor(QWidget):
    """Add or change one professional; `saved(id, message)` after a save, `deleted(message)`
    after a delete."""

    saved = Signal(int, str)
    deleted = Signal(str)
    FIELDS = ("code", "role", "site", "organisation", "remarks")

    def __init__(self, study_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.study_id = study_id
        self._record: professionals.ProfessionalRecord | None = None
        self._snapshot: tuple[object, ...] = ()
        self.heading = QLabel()
        self.heading.setStyleSheet(theme.heading_style())
        self.code = QLineEdit()
        self.code.setMaxLength(40)
        self.code.setPlaceholderText(tr("entry.professional.code_placeholder"))
        self.role = QComboBox()
        self.role.setEditable(True)  # the suggestions, or any role typed by hand
        self.role.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.role.lineEdit().setMaxLength(60)
        self.role.lineEdit().setPlaceholderText(tr("entry.professional.role_placeholder"))
        for key in professionals.ROLES:
            self.role.addItem(professionals.role_text(key), key)
        self.site = QComboBox()
        self.organisation = QLineEdit()
        self.organisation.setMaxLength(200)
        self.remarks = QPlainTextEdit()
        self.remarks.setTabChangesFocus(True)
        self.remarks.setMaximumHeight(60)
        self.save_button = QPushButton(tr("entry.save"))
        self.save_button.setToolTip(shortcuts.with_shortcut(tr("entry.professional.save_tip"),
                                                            shortcuts.SAVE))
        self.save_button.setAutoDefault(True)
        self.delete_button = QPushButton(tr("entry.professional.delete"))
        self.delete_button.setToolTip(tr("entry.professional.delete_tip"))
        restrict(self.delete_button)  # deleting: a lead's task
        self.errors = FieldErrors(self.FIELDS)
        self._build_layout()
        self.save_button.clicked.connect(self._save_slot)
        self.delete_button.clicked.connect(self.delete)
        for edit in (self.code, self.role.lineEdit(), self.organisation):
            edit.returnPressed.connect(self._save_slot)  # Enter saves, as on paper-entry forms
        add_save_shortcuts(self, self._save_slot)
        self.reload_study()
        self.new_professional()

    def _build_layout(self) -> None:
        grid = field_grid(self.FIELDS, self.field_widget, "entry.professional", self.errors,
                          self.code.sizeHint().height())
        grid.setVerticalSpacing(theme.SPACING_SMALL)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, theme.SPACING, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(grid)
        layout.addLayout(buttons)
        chain = [self.field_widget(name) for name in self.FIELDS] + [self.save_button,
                                                                    self.delete_button]
        set_tab_chain(chain)

    def field_widget(self, name: str) -> QWidget:
        """The input a ValidationError field name refers to."""
        return {"code": self.code, "role": self.role, "site": self.site,
                "organisation": self.organisation, "remarks": self.remarks}[name]

    def _save_slot(self) -> None:
        """Slots return nothing: a value handed back to Qt trips a PySide6 refcount bug."""
        self.save()

    def reload_study(self) -> None:
        """Refill the site list (sites may have changed in the study dialog)."""
        current = self.site.currentData()
        self.site.clear()
        self.site.addItem(tr("entry.professional.no_site"), None)
        for site in studies.get_study(self.study_id).sites:
            self.site.addItem(site.name, site.id)
        self.site.setCurrentIndex(max(0, self.site.findData(current)))

    def role_value(self) -> str:
        """The role to store: a suggestion's key when one was chosen, else the typed text."""
        text = self.role.currentText().strip()
        index = self.role.findText(text, Qt.MatchFlag.MatchFixedString)
        return self.role.itemData(index) if index >= 0 else text

    def _values(self) -> tuple[object, ...]:
        return (self.code.text(), self.role_value(), self.site.currentData(),
                self.organisation.text(), self.remarks.toPlainText())

    def has_unsaved_changes(self) -> bool:
        return self._values() != self._snapshot

    def record(self) -> professionals.ProfessionalRecord | None:
        return self._record

    def new_professional(self) -> None:
        """An empty code with the focus in it; role, site and organisation stay as they were,
        as a pile of surveys usually comes from one team."""
        self._record = None
        self.heading.setText(tr("entry.professional.new_heading"))
        self.code.clear()
        self.remarks.clear()
        if self.site.count() == 2:
            self.site.setCurrentIndex(1)
        self.delete_button.setEnabled(False)
        self.errors.hide_all()
        self._snapshot = self._values()
        self.code.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def edit_professional(self, professional_id: int) -> None:
        record = professionals.get_professional(professional_id)
        self._record = record
        self.heading.setText(tr("entry.professional.edit_heading", code=record.code))
        self.code.setText(record.code)
        index = self.role.findData(record.role)
        if index >= 0:
            self.role.setCurrentIndex(index)
        self.role.setEditText(professionals.role_text(record.role))
        self.site.setCurrentIndex(max(0, self.site.findData(record.site_id)))
        self.organisation.setText(record.organisation)
        self.remarks.setPlainText(record.remarks)
        self.delete_button.setEnabled(True)
        self.errors.hide_all()
        self._snapshot = self._values()

    def show_error(self, error: ValidationError) -> None:
        """Red text under the field the service named; focus goes there; input stays."""
        name = error.field if error.field in self.errors else "code"
        self.errors.show_message(name, error.message)
        self.field_widget(name).setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self) -> int | None:
        """Store the form through the professionals service; the id, or None when refused."""
        data = professionals.ProfessionalInput(
            code=self.code.text(), role=self.role_value(), site_id=self.site.currentData(),
            organisation=self.organisation.text(), remarks=self.remarks.toPlainText())
        code = self.code.text().strip()
        try:
            if self._record is None:
                professional_id = professionals.add_professional(self.study_id, data)
                message = tr("entry.professional.added", code=code)
            else:
                professional_id = self._record.id
                if not save_resolving_conflicts(
                        self, lambda version: professionals.update_professional(
                            professional_id, data, expected_version=version),
                        self._record.version, lambda: self.edit_professional(professional_id)):
                    return None
                message = tr("entry.professional.updated", code=code)
        except ValidationError as error:
            self.show_error(error)
            return None
        self.edit_professional(professional_id)
        self.saved.emit(professional_id, message)
        return professional_id

    def delete(self) -> None:
        """Ask, then delete; the service refuses anyone with a survey, and that is shown."""
        reason = self.delete_reason(self._record.code) if self._record is not None else None
        if reason is None:
            return
        code = self._record.code
        try:
            professionals.delete_professional(self._record.id, reason)
        except BrugmeterError as error:
            error_dialog.show_error(self, error)
            return
        self.new_professional()
        self.deleted.emit(tr("entry.professional.deleted", code=code))

    def delete_reason(self, code: str) -> str | None:
        """Why the professional is deleted, or None to keep them."""
        return ask_reason(self, tr("entry.professional.delete_question", code=code))

    def confirm_discard(self) -> bool:
        """True when the form may be left: nothing unsaved, or the user chose to discard."""
        return not self.has_unsaved_changes() or self.ask_discard()

    def ask_discard(self) -> bool:
        return ask_discard(self, tr("entry.professional.unsaved"))
