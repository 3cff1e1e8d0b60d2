"""The factsheet's own texts tab: the six narrative sections of a study in one language, each
the template until the researchers write their own, edited as plain text with a few marks."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.models.errors import BrugmeterError, ValidationError
from desktop.models.services import narratives
from desktop.views import error_dialog, shortcuts, theme
from desktop.views.widgets import add_shortcut, ask_discard, error_label, format_date, set_tab_chain

KIND_ROLE = Qt.ItemDataRole.UserRole + 1


def kind_name(kind: str) -> str:
    """A narrative section as the researcher knows it: "Inleiding", "Aanbevelingen"."""
    return tr(f"factsheet_page.kind.{kind}")


def language_name(language: str) -> str:
    return tr(f"shell.language.{language}")


def state_text(text: narratives.NarrativeText) -> str:
    """Where a section's text comes from: the template, left out, or who wrote it when."""
    if text.is_template:
        return tr("factsheet_page.texts.state_template")
    if not text.text.strip():
        return tr("factsheet_page.texts.state_left_out")
    when = format_date(text.updated_at.date()) if text.updated_at else ""
    return tr("factsheet_page.texts.state_edited", user=text.updated_by or "?", date=when)


def ask_confirm(parent: QWidget, title: str, question: str, confirm: str) -> bool:
    """Ask before undoing someone's writing; keeping is the default and Escape, so a stray
    Enter loses nothing. True when the user chose `confirm`."""
    box = QMessageBox(QMessageBox.Icon.Question, title, question,
                      QMessageBox.StandardButton.NoButton, parent)
    chosen = box.addButton(confirm, QMessageBox.ButtonRole.DestructiveRole)
    kept = box.addButton(tr("factsheet_page.keep"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(kept)
    box.setEscapeButton(kept)
    box.exec()
    return box.clickedButton() is chosen


class NarrativesEditor(QWidget):
    """The sections in the factsheet's order with where each text stands, and the chosen one's
    text; `saved(message)` after a save or a return to the template."""

    saved = Signal(str)

    def __init__(self, study_id: int, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.study_id = study_id
        self.language = language
        self._texts: dict[str, narratives.NarrativeText] = {}
        self._kind = narratives.KINDS[0]
        self._snapshot = ""  # the text as loaded or saved: anything else is unsaved
        self._version = 0  # the stored version the shown text was loaded from
        self.sections = QTreeWidget()
        self.sections.setColumnCount(2)
        self.sections.setHeaderLabels([tr("factsheet_page.texts.column_section"),
                                       tr("factsheet_page.texts.column_state")])
        self.sections.setRootIsDecorated(False)
        self.sections.setUniformRowHeights(True)
        self.sections.setAllColumnsShowFocus(True)
        self.sections.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.sections.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.sections.header().setStretchLastSection(True)
        for kind in narratives.KINDS:
            item = QTreeWidgetItem([kind_name(kind), ""])
            item.setData(0, KIND_ROLE, kind)
            self.sections.addTopLevelItem(item)
        self.sections_label = QLabel(tr("factsheet_page.texts.sections"))
        self.sections_label.setBuddy(self.sections)
        self.heading = QLabel()
        self.heading.setStyleSheet(theme.heading_style())
        self.text_label = QLabel(tr("factsheet_page.texts.text"))
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)  # Tab goes on to Save; texts need no tab characters
        self.text_label.setBuddy(self.text)
        self.error = error_label("text")
        self.hint = QLabel(tr("factsheet_page.texts.hint"))
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {theme.GREY_700};")
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.save_button = QPushButton(tr("factsheet_page.texts.save"))
        self.save_button.setToolTip(shortcuts.with_shortcut(tr("factsheet_page.texts.save_tip"),
                                                            shortcuts.SAVE))
        self.reset_button = QPushButton(tr("factsheet_page.texts.reset"))
        self.reset_button.setToolTip(tr("factsheet_page.texts.reset_tip"))
        self._build_layout()
        self.sections.currentItemChanged.connect(self._section_chosen)
        self.text.textChanged.connect(self._update_buttons)
        self.save_button.clicked.connect(self._save_slot)
        self.reset_button.clicked.connect(self._reset_slot)
        add_shortcut(self, shortcuts.SAVE, self._save_slot)
        self.reload()

    def _build_layout(self) -> None:
        rows = self.sections.sizeHintForRow(0) if self.sections.topLevelItemCount() else 20
        self.sections.setFixedHeight(rows * len(narratives.KINDS)
                                     + self.sections.header().sizeHint().height() + 6)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.reset_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(theme.SPACING, theme.SPACING, theme.SPACING, theme.SPACING)
        layout.setSpacing(theme.SPACING_SMALL)
        layout.addWidget(self.sections_label)
        layout.addWidget(self.sections)
        layout.addSpacing(theme.SPACING)
        layout.addWidget(self.heading)
        layout.addWidget(self.text_label)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)
        set_tab_chain([self.sections, self.text, self.save_button, self.reset_button])

    # state -------------------------------------------------------------------------------
    def kind(self) -> str:
        return self._kind

    def current(self) -> narratives.NarrativeText:
        return self._texts[self._kind]

    def has_unsaved_changes(self) -> bool:
        return self.text.toPlainText() != self._snapshot

    def confirm_discard(self) -> bool:
        """True when the typed text may go (nothing typed, or the user said so)."""
        return not self.has_unsaved_changes() or self.ask_discard()

    def ask_discard(self) -> bool:
        """The question before typed text is lost (tests replace this)."""
        return ask_discard(self, tr("factsheet_page.texts.unsaved", section=kind_name(self._kind)))

    def confirm_reset(self) -> bool:
        """The question before a section goes back to the template (tests replace this)."""
        return ask_confirm(self, tr("factsheet_page.texts.reset_title"),
                           tr("factsheet_page.texts.reset_question", section=kind_name(self._kind),
                              language_name=language_name(self.language)),
                           tr("factsheet_page.texts.reset_confirm"))

    # loading -----------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the sections from the service; the shown text is replaced only when nothing
        typed would be lost (a save then still checks against the version it was typed on)."""
        self._texts = narratives.narratives(self.study_id, self.language)
        for row in range(self.sections.topLevelItemCount()):
            item = self.sections.topLevelItem(row)
            text = self._texts[item.data(0, KIND_ROLE)]
            item.setText(1, state_text(text))
            item.setForeground(1, QColor(theme.GREY_500 if text.is_template else theme.GREY_900))
        if not self.has_unsaved_changes():
            self._show(self._kind)
        self._select_item(self._kind)
        self._update_buttons()

    def set_language(self, language: str) -> None:
        """Show the sections in another language (the caller has asked about unsaved text)."""
        self.language = language
        self.text.setPlainText(self._snapshot)  # what was typed is given up
        self.reload()

    def _show(self, kind: str) -> None:
        self._kind = kind
        current = self._texts[kind]
        self.heading.setText(tr("factsheet_page.texts.heading", section=kind_name(kind),
                                language_name=language_name(self.language)))
        self.text.setPlainText(current.text)
        self._snapshot = current.text
        self._version = current.version
        self.error.setVisible(False)
        self._update_buttons()

    def _select_item(self, kind: str) -> None:
        self.sections.blockSignals(True)
        for row in range(self.sections.topLevelItemCount()):
            item = self.sections.topLevelItem(row)
            if item.data(0, KIND_ROLE) == kind:
                self.sections.setCurrentItem(item)
        self.sections.blockSignals(False)

    def select_kind(self, kind: str) -> bool:
        """Show a section's text; False when the user kept the typed text of the current one."""
        if kind == self._kind:
            return True
        if not self.confirm_discard():
            self._select_item(self._kind)
            return False
        self._show(kind)
        self._select_item(kind)
        return True

    def _section_chosen(self, item: QTreeWidgetItem | None, _previous: object) -> None:
        if item is not None:
            self.select_kind(item.data(0, KIND_ROLE))

    def _update_buttons(self) -> None:
        if not self._texts:
            return
        self.reset_button.setEnabled(not self.current().is_template
                                     or self.has_unsaved_changes())

    # saving ------------------------------------------------------------------------------
    def _save_slot(self) -> None:
        """Slots return nothing: a value handed back to Qt trips a PySide6 refcount bug."""
        self.save()

    def save(self) -> bool:
        """Store the typed text; a refusal (someone else saved in between, too long) shows under
        the text, which stays as typed."""
        kind = self._kind
        try:
            narratives.save_narrative(self.study_id, kind, self.language,
                                      self.text.toPlainText(), self._version)
        except ValidationError as error:
            self._show_error(error)
            return False
        except BrugmeterError as error:
            error_dialog.show_error(self, error)
            return False
        self._snapshot = self.text.toPlainText()
        self.reload()  # nothing unsaved now: the stored text, its version and state are shown
        message = ("factsheet_page.texts.saved_empty" if not self._snapshot.strip()
                   else "factsheet_page.texts.saved")
        self.saved.emit(tr(message, section=kind_name(kind),
                           language_name=language_name(self.language)))
        return True

    def _show_error(self, error: ValidationError) -> None:
        self.error.setText(error.message)
        self.error.setVisible(True)
        self.text.setFocus(Qt.FocusReason.OtherFocusReason)

    def _reset_slot(self) -> None:
        self.reset_to_template()

    def reset_to_template(self) -> bool:
        """Back to our template, after asking: the study's own text is removed."""
        if not self.confirm_reset():
            return False
        kind = self._kind
        try:
            narratives.reset_narrative(self.study_id, kind, self.language,
                                       expected_version=self._version)
        except BrugmeterError as error:
            error_dialog.show_error(self, error)
            return False
        self.text.setPlainText(self._snapshot)
        self.reload()
        self.saved.emit(tr("factsheet_page.texts.reset_done", section=kind_name(kind),
                           language_name=language_name(self.language)))
        return True

    def focus_text(self) -> None:
        self.text.setFocus(Qt.FocusReason.ShortcutFocusReason)
