"""Edit the study's own survey: how the ranking is asked, and the elements, statements and
steps, each in Dutch and English. The survey service decides what may change; it refuses,
for instance, to drop an element that professionals have already ranked."""

from __future__ import annotations

import dataclasses
import keyword
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.i18n import tr
from desktop.models.errors import ValidationError
from desktop.models.services import surveys
from desktop.models.surveys import SurveyItem
from desktop.views import error_dialog, shortcuts, theme
from desktop.views.widgets import (
    add_save_shortcuts,
    add_shortcut,
    ask_discard,
    error_label,
    set_tab_chain,
)

ITEM_ROLE = Qt.ItemDataRole.UserRole
SECTIONS = ("elements", "likert_items", "fidelity_steps")


def key_from_text(text: str, taken: set[str]) -> str:
    """A short identifier made of the text's first words ('Working together as equals' →
    'working_together_as_equals'), unique among `taken`: answers are stored by this key."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    base = "_".join(re.findall(r"[a-z0-9]+", plain)[:4])[:40].strip("_") or "entry"
    if not base.isidentifier():
        base = f"entry_{base}"  # began with a digit
    key, number = base, 2
    while key in taken or keyword.iskeyword(key):
        key, number = f"{base}_{number}", number + 1
    return key


class EntryTextDialog(QDialog):
    """The Dutch and English text of one element, statement or step; both are needed, as the
    app and the findings speak either language."""

    def __init__(self, title: str, label: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.edits = {language: QLineEdit(label.get(language, ""))
                      for language in i18n.LANGUAGES}
        form = QFormLayout()
        for language, edit in self.edits.items():
            text = QLabel(tr(f"entry.survey_definition.text_{language}"))
            text.setBuddy(edit)
            form.addRow(text, edit)
            edit.textChanged.connect(self._update_ok)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("entry.survey_definition.ok"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("shell.cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        note = QLabel(tr("entry.survey_definition.text_note"))
        note.setWordWrap(True)
        note.setStyleSheet(f"color: {theme.GREY_700};")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self._update_ok()

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            all(edit.text().strip() for edit in self.edits.values()))

    def label(self) -> dict[str, str]:
        return {language: edit.text().strip() for language, edit in self.edits.items()}


class EntryList(QWidget):
    """One list of the survey (elements, statements or steps) with add, edit, remove and
    move; keys while the list has the focus: Insert, F2 or Enter, Delete, Alt+Up/Down."""

    def __init__(self, section: str, entries: tuple[SurveyItem, ...],
                 taken: Callable[[], set[str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section = section
        self._taken = taken
        self.heading = QLabel(tr(f"entry.survey_definition.{section}"))
        self.heading.setStyleSheet(theme.heading_style())
        self.list = QListWidget()
        self.list.setObjectName(section)
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.heading.setBuddy(self.list)
        self.buttons: dict[str, QPushButton] = {}
        actions = (("add", self.add, shortcuts.INSERT_ROW), ("edit", self.edit, shortcuts.EDIT_ROW),
                   ("remove", self.remove, shortcuts.DELETE_ROW),
                   ("up", lambda: self.move(-1), shortcuts.MOVE_UP),
                   ("down", lambda: self.move(1), shortcuts.MOVE_DOWN))
        side = QVBoxLayout()
        for name, slot, key in actions:
            button = QPushButton(tr(f"entry.survey_definition.{name}"))
            button.setToolTip(shortcuts.with_shortcut(
                tr(f"entry.survey_definition.{name}_tip"), key))
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the list's keys do the same
            button.clicked.connect(slot)
            side.addWidget(button)
            self.buttons[name] = button
            add_shortcut(self.list, key, slot, Qt.ShortcutContext.WidgetShortcut)
        side.addStretch(1)
        for key in ("Return", "Enter"):  # as a shortcut, so the dialog's Save does not fire too
            add_shortcut(self.list, key, self.edit, Qt.ShortcutContext.WidgetShortcut)
        self.list.itemDoubleClicked.connect(lambda _item: self.edit())
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(side)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(row)
        for entry in entries:
            self._append(entry)
        self.list.setCurrentRow(0)

    def _append(self, entry: SurveyItem, row: int | None = None) -> None:
        item = QListWidgetItem(entry.text())
        item.setData(ITEM_ROLE, entry)
        item.setToolTip(tr("entry.survey_definition.key_tip", key=entry.key))
        self.list.insertItem(self.list.count() if row is None else row, item)
        self.list.setCurrentItem(item)

    def entries(self) -> tuple[SurveyItem, ...]:
        return tuple(self.list.item(row).data(ITEM_ROLE) for row in range(self.list.count()))

    def keys(self) -> set[str]:
        return {entry.key for entry in self.entries()}

    def add(self) -> None:
        """A new entry after the current one, with a key made from its English text."""
        dialog = EntryTextDialog(tr(f"entry.survey_definition.add_{self.section}"), {}, self)
        if dialog.exec():
            label = dialog.label()
            key = key_from_text(label.get("en") or label["nl"], self._taken())
            self._append(SurveyItem(key, label), self.list.currentRow() + 1)

    def edit(self) -> None:
        """New texts under the same key, so the answers given keep their meaning."""
        item = self.list.currentItem()
        if item is None:
            return
        entry: SurveyItem = item.data(ITEM_ROLE)
        dialog = EntryTextDialog(tr(f"entry.survey_definition.edit_{self.section}"),
                                 entry.label, self)
        if dialog.exec():
            changed = dataclasses.replace(entry, label={**entry.label, **dialog.label()})
            item.setData(ITEM_ROLE, changed)
            item.setText(changed.text())

    def remove(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)

    def move(self, step: int) -> None:
        row = self.list.currentRow()
        if row >= 0 and 0 <= row + step < self.list.count():
            entry = self.list.takeItem(row).data(ITEM_ROLE)
            self._append(entry, row + step)

    def select_key(self, key: str) -> bool:
        for row in range(self.list.count()):
            if self.list.item(row).data(ITEM_ROLE).key == key:
                self.list.setCurrentRow(row)
                self.list.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return False


class SurveyDefinitionDialog(QDialog):
    """The study's survey definition; Save stores it through the survey service."""

    def __init__(self, study_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.study_id = study_id
        self.setWindowTitle(tr("entry.survey_definition.title"))
        self.setMinimumSize(900, 640)
        intro = QLabel(tr("entry.survey_definition.intro"))
        intro.setWordWrap(True)
        intro.setStyleSheet(f"color: {theme.GREY_700};")
        self.top_button = QRadioButton(tr("entry.survey_definition.mode_top"))
        self.full_button = QRadioButton(tr("entry.survey_definition.mode_full"))
        self._mode = QButtonGroup(self)
        self._mode.addButton(self.top_button)
        self._mode.addButton(self.full_button)
        self.top = QSpinBox()
        self.top.setMinimum(1)
        self.top.setAccessibleName(tr("entry.survey_definition.top_name"))
        self.error = error_label("survey_definition")
        self.lists: dict[str, EntryList] = {}
        self.import_button = QPushButton(tr("entry.survey_definition.import"))
        self.export_button = QPushButton(tr("entry.survey_definition.export"))
        self.export_button.setToolTip(tr("entry.survey_definition.export_tip"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText(tr("shell.save"))
        save.setToolTip(shortcuts.with_shortcut(tr("shell.save").replace("&", ""),
                                                shortcuts.SAVE))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("shell.cancel"))
        self._lists_box = QGridLayout()
        self._build_layout(intro)
        self._load()
        self.top_button.toggled.connect(self._update_mode)
        self.buttons.accepted.connect(self._save_slot)
        self.buttons.rejected.connect(self.reject)
        self.import_button.clicked.connect(self.import_definition)
        self.export_button.clicked.connect(self.export_definition)
        add_save_shortcuts(self, self._save_slot)

    def _build_layout(self, intro: QLabel) -> None:
        mode = QHBoxLayout()
        mode.addWidget(self.top_button)
        mode.addWidget(self.top)
        mode.addSpacing(theme.SPACING_LARGE)
        mode.addWidget(self.full_button)
        mode.addStretch(1)
        mode_label = QLabel(tr("entry.survey_definition.mode"))
        mode_label.setBuddy(self.top_button)
        mode_label.setStyleSheet(theme.heading_style())
        self._lists_box.setHorizontalSpacing(theme.SPACING_LARGE)
        self._lists_box.setColumnStretch(0, 1)
        self._lists_box.setColumnStretch(1, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.import_button)
        bottom.addWidget(self.export_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(theme.MARGIN, theme.MARGIN, theme.MARGIN, theme.MARGIN)
        layout.addWidget(intro)
        layout.addWidget(mode_label)
        layout.addLayout(mode)
        layout.addLayout(self._lists_box, 1)
        layout.addWidget(self.error)
        layout.addLayout(bottom)

    def _load(self) -> None:
        """Show the study's survey as stored (again, after an import)."""
        current = surveys.study_survey(self.study_id)
        self.current = current
        definition = current.definition
        for entries in self.lists.values():
            entries.deleteLater()
        self.lists = {section: EntryList(section, getattr(definition, section), self.taken_keys)
                      for section in SECTIONS}
        self._lists_box.addWidget(self.lists["elements"], 0, 0, 2, 1)
        self._lists_box.addWidget(self.lists["likert_items"], 0, 1)
        self._lists_box.addWidget(self.lists["fidelity_steps"], 1, 1)
        self.lists["elements"].list.model().rowsInserted.connect(self._update_mode)
        self.lists["elements"].list.model().rowsRemoved.connect(self._update_mode)
        full = definition.ranking_mode == "full"
        (self.full_button if full else self.top_button).setChecked(True)
        self.top.setMaximum(len(definition.elements))
        self.top.setValue(definition.top)
        self._update_mode()
        chain = [self.top_button, self.top, self.full_button,
                 *(entries.list for entries in self.lists.values()),
                 self.import_button, self.export_button, self.buttons]
        set_tab_chain(chain)

    def _update_mode(self) -> None:
        self.top.setMaximum(max(1, self.lists["elements"].list.count()))
        self.top.setEnabled(self.top_button.isChecked())

    def taken_keys(self) -> set[str]:
        """Keys in use anywhere in the survey, and every key of the stored survey: an entry
        removed here may still have answers, and a new entry must not inherit them."""
        stored = self.current.definition
        return set().union(*(entries.keys() for entries in self.lists.values()),
                           stored.element_keys, stored.likert_keys, stored.step_keys)

    def definition(self) -> surveys.SurveyDefinition:
        """The edited survey: the stored one with the dialog's changes."""
        return dataclasses.replace(
            self.current.definition,
            ranking_mode="top" if self.top_button.isChecked() else "full",
            top=self.top.value() if self.top_button.isChecked()
            else self.lists["elements"].list.count(),
            **{section: entries.entries() for section, entries in self.lists.items()})

    def _save_slot(self) -> None:
        """Slots return nothing: a bool handed back to Qt trips a PySide6 refcount bug."""
        self.save()

    def save(self) -> bool:
        if not self.lists["elements"].list.count():
            self.show_invalid(ValidationError("elements", "entry.survey_definition.no_elements"))
            return False
        stored = error_dialog.call_service(
            self, lambda: surveys.save_survey_definition(self.study_id, self.definition(),
                                                         self.current.version),
            self.show_invalid)
        if stored:
            self.accept()
        return stored

    def show_invalid(self, error: ValidationError) -> None:
        """The refusal under the lists, with the entry or setting it is about selected."""
        self.error.setText(error.message)
        self.error.setVisible(True)
        if error.field == "top":
            self.top.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        for entries in self.lists.values():
            if entries.select_key(error.field):
                return

    def reject(self) -> None:
        """Cancel, Escape or closing: ask first when something was changed."""
        if self.definition() == self.current.definition or self.ask_discard():
            super().reject()

    def ask_discard(self) -> bool:
        return ask_discard(self, tr("entry.survey_definition.unsaved"))

    def import_definition(self) -> None:
        """Replace the study's survey with a file's: stored at once, unless it would lose
        answers (then the refusal shows under the lists, as for a save)."""
        if self.definition() != self.current.definition and not self.ask_discard():
            return
        path, _ = QFileDialog.getOpenFileName(self, tr("entry.survey_definition.import_title"),
                                              "", tr("entry.survey_definition.filter"))
        if path and error_dialog.call_service(
                self, lambda: surveys.import_survey_definition(self.study_id, Path(path),
                                                               self.current.version),
                self.show_invalid):
            self._load()
            self.error.setVisible(False)
            self.report(tr("entry.survey_definition.imported", file=Path(path).name))

    def export_definition(self) -> None:
        """Write the stored survey to a file, to reuse in another study or edit by hand."""
        path, _ = QFileDialog.getSaveFileName(self, tr("entry.survey_definition.export_title"),
                                              "survey.json", tr("entry.survey_definition.filter"))
        if path and error_dialog.call_service(
                self, lambda: surveys.export_survey_definition(self.study_id, Path(path)),
                self.show_invalid):
            self.report(tr("entry.survey_definition.exported", file=Path(path).name))

    def report(self, text: str) -> None:
        """The outcome of an import or export (tests replace this)."""
        QMessageBox.information(self, tr("entry.survey_definition.title"), text)
