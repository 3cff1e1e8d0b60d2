"""The participant form: typed fast from paper, checked by the service, errors shown inline."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import (
    QKeyEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.models.errors import ValidationError
from desktop.models.services import participants, studies
from desktop.views import shortcuts, theme
from desktop.views.conflict_dialog import save_resolving_conflicts
from desktop.views.widgets import (
    DateLineEdit,
    FieldErrors,
    add_save_shortcuts,
    ask_discard,
    field_grid,
    set_tab_chain,
)


class ParticipantEditor(QWidget):
    """Add or change one participant; `saved(id, message)` after each successful save."""

    saved = Signal(int, str)
    FIELDS = ("code", "site", "status", "study_group", "inclusion_date", "remarks")

    def __init__(self, study_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.study_id = study_id
        self._record: participants.ParticipantRecord | None = None
        self._snapshot: tuple[object, ...] = ()
        self.heading = QLabel()
        self.heading.setStyleSheet(theme.heading_style())
        self.code = QLineEdit()
        self.code.setMaxLength(40)
        self.code.setPlaceholderText(tr("entry.participant.code_placeholder"))
        self.site = QComboBox()
        self.status = QComboBox()
        for key in participants.RECRUITMENT_STATUSES:
            self.status.addItem(tr(f"status.{key}"), key)
        self.study_group = QLineEdit()
        self.study_group.setMaxLength(60)
        self._groups = QCompleter([], self.study_group)
        self._groups.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.study_group.setCompleter(self._groups)
        self.inclusion_date = DateLineEdit()
        self.remarks = QPlainTextEdit()
        self.remarks.setTabChangesFocus(True)
        self.remarks.setMaximumHeight(90)
        self.save_button = QPushButton(tr("entry.save"))
        self.save_button.setToolTip(shortcuts.with_shortcut(tr("entry.save"), shortcuts.SAVE))
        self.save_button.setAutoDefault(True)
        self.save_button.clicked.connect(self._save_slot)
        self.errors = FieldErrors(self.FIELDS)
        self._build_layout()
        add_save_shortcuts(self, self._save_slot)
        self.reload_study()
        self.new_participant()

    def _build_layout(self) -> None:
        grid = field_grid(self.FIELDS, self.field_widget, "entry.participant", self.errors,
                          self.code.sizeHint().height())
        for widget in (self.code, self.site, self.status, self.study_group, self.remarks):
            widget.setMinimumWidth(theme.FORM_FIELD_MIN_WIDTH)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(grid)
        layout.addLayout(buttons)
        layout.addStretch(1)
        chain = [self.field_widget(name) for name in self.FIELDS] + [self.save_button]
        set_tab_chain(chain)
        for widget in chain[:-1]:
            widget.installEventFilter(self)

    def field_widget(self, name: str) -> QWidget:
        """The input a ValidationError field name refers to."""
        return {"code": self.code, "site": self.site, "status": self.status,
                "study_group": self.study_group, "inclusion_date": self.inclusion_date,
                "remarks": self.remarks}[name]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Plain Enter in a one-line field also saves: fastest path from paper to database."""
        if (event.type() == QEvent.Type.KeyPress and watched is not self.remarks
                and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
                and not (isinstance(watched, QComboBox) and watched.view().isVisible())):
            self.save()
            return True
        return super().eventFilter(watched, event)

    def _save_slot(self) -> None:
        """Slots return nothing: a value handed back to Qt trips a PySide6 refcount bug."""
        self.save()

    def reload_study(self) -> None:
        """Refill the site list (sites may have changed in the study dialog)."""
        current = self.site.currentData()
        self.site.clear()
        self.site.addItem(tr("entry.participant.no_site"), None)
        for site in studies.get_study(self.study_id).sites:
            self.site.addItem(site.name, site.id)
        self.site.setCurrentIndex(max(0, self.site.findData(current)))

    def set_groups(self, groups: list[str]) -> None:
        self._groups.model().setStringList(sorted(set(groups) - {""}))  # type: ignore[attr-defined]

    def _values(self) -> tuple[object, ...]:
        return (self.code.text(), self.site.currentData(), self.status.currentData(),
                self.study_group.text(), self.inclusion_date.date_text(),
                self.remarks.toPlainText())

    def has_unsaved_changes(self) -> bool:
        return self._values() != self._snapshot

    def record(self) -> participants.ParticipantRecord | None:
        return self._record

    def new_participant(self, keep_context: bool = False) -> None:
        """An empty form with focus in the code field; keep_context keeps site, status, group."""
        self._record = None
        self.heading.setText(tr("entry.participant.new_heading"))
        self.code.clear()
        self.inclusion_date.set_date_text("")
        self.remarks.clear()
        if not keep_context:
            self.site.setCurrentIndex(1 if self.site.count() == 2 else 0)
            self.status.setCurrentIndex(self.status.findData("consented"))
            self.study_group.clear()
        self.errors.hide_all()
        self._snapshot = self._values()
        self.code.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def edit_participant(self, participant_id: int) -> None:
        record = participants.get_participant(participant_id)
        self._record = record
        self.heading.setText(tr("entry.participant.edit_heading", code=record.code))
        data = participants.participant_input(record)
        self.code.setText(str(data.code))
        self.site.setCurrentIndex(max(0, self.site.findData(data.site_id)))
        self.status.setCurrentIndex(max(0, self.status.findData(data.status)))
        self.study_group.setText(str(data.study_group or ""))
        date = data.inclusion_date
        self.inclusion_date.set_date_text(date.isoformat() if date else "")  # type: ignore[attr-defined]
        self.remarks.setPlainText(str(data.remarks or ""))
        self.errors.hide_all()
        self._snapshot = self._values()
        self.code.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_error(self, error: ValidationError) -> None:
        """Red text beside the field the service named; focus goes there; input stays."""
        name = error.field if error.field in self.errors else "code"
        self.errors.show_message(name, error.message)
        self.field_widget(name).setFocus(Qt.FocusReason.OtherFocusReason)

    def save(self) -> int | None:
        """Store the form through the participants service; returns the id, or None on error."""
        data = participants.ParticipantInput(
            code=self.code.text(), site_id=self.site.currentData(),
            status=self.status.currentData(), inclusion_date=self.inclusion_date.date_text(),
            study_group=self.study_group.text(), remarks=self.remarks.toPlainText())
        try:
            if self._record is None:
                participant_id = participants.add_participant(self.study_id, data)
                message = tr("entry.participant.added", code=data.code.strip())  # type: ignore[union-attr]
            else:
                participant_id = self._record.id
                if not save_resolving_conflicts(
                        self, lambda version: participants.update_participant(
                            participant_id, data, expected_version=version),
                        self._record.version, lambda: self.edit_participant(participant_id)):
                    return None
                message = tr("entry.participant.updated", code=data.code.strip())  # type: ignore[union-attr]
        except ValidationError as error:
            self.show_error(error)
            return None
        if self._record is None:
            self.new_participant(keep_context=True)
        else:
            self.edit_participant(participant_id)
        self.saved.emit(participant_id, message)
        return participant_id

    def confirm_discard(self) -> bool:
        """True when the form may be left: nothing unsaved, or the user chose to discard."""
        return not self.has_unsaved_changes() or self.ask_discard()

    def ask_discard(self) -> bool:
        return ask_discard(self, tr("entry.unsaved.participant"))
