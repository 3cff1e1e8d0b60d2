"""The factsheet's sentences tab: the result sentences the app writes from the figures, and the
researcher's own wording of any of them for one edition (the whole study or one site).

An edit remembers the app's sentence it replaced. When the figures change afterwards the edit
is stale: the factsheet then prints the app's new sentence until the edit is brought up to
date, and this list says so.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.models.errors import BrugmeterError, ValidationError
from desktop.models.services import narratives
from desktop.views import error_dialog, factsheet_worker, shortcuts, theme
from desktop.views.narratives_editor import ask_confirm
from desktop.views.rows_model import RowsTableModel
from desktop.views.widgets import add_shortcut, ask_discard, error_label, set_tab_chain, set_up_list

if TYPE_CHECKING:
    from reports.factsheet import SentenceRow

SECTION, GENERATED, EDITED = range(3)
STALE_MARK = "⚠ "


class SentenceTableModel(RowsTableModel["SentenceRow"]):
    """One row per sentence: its section, the app's sentence and the researcher's wording."""

    HEADER_KEY = "factsheet_page.sentences.column"
    COLUMN_KEYS = ("section", "generated", "edited")

    def row_of_key(self, key: str) -> int:
        return next((number for number, row in enumerate(self._rows) if row.key == key), -1)

    def replace_row(self, number: int, row: SentenceRow) -> None:
        self._rows[number] = row
        self.dataChanged.emit(self.index(number, 0), self.index(number, EDITED))

    def _display(self, row: SentenceRow, column: int) -> str:
        if column == SECTION:
            return row.section
        if column == GENERATED:
            return row.generated
        if row.edited is None:
            return ""
        return STALE_MARK + row.edited if row.stale else row.edited

    def _sort_value(self, row: SentenceRow, column: int) -> Any:
        return self._display(row, column).casefold()

    def _styled(self, row: SentenceRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == EDITED and row.stale:
                return tr("factsheet_page.sentences.stale_tip")
            return self._display(row, column) or None
        if role == Qt.ItemDataRole.ForegroundRole and column == EDITED and row.stale:
            return QColor(theme.ACCENT)
        return None


class SentencesEditor(QWidget):
    """The sentences of one edition in a list, the chosen one's wording below it; Ctrl+S saves.
    `saved(message)` after a save or a return to the app's sentence."""

    saved = Signal(str)
    loaded = Signal()  # the sentences arrived (or could not be worked out)

    def __init__(self, study_id: int, language: str, site_id: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.study_id = study_id
        self.language = language
        self.site_id = site_id
        self._row: SentenceRow | None = None
        self._snapshot = ""  # the wording as loaded or saved: anything else is unsaved
        self._version = 0  # the stored version of the edit the shown wording was loaded from
        self._job: factsheet_worker.Job | None = None
        self._loaded_for: tuple[str, int | None] | None = None
        self.model = SentenceTableModel(self)
        self.table = QTableView()
        set_up_list(self.table, self.model, fixed_rows=True)
        self.table.setWordWrap(False)  # one line per sentence; the whole one in its tooltip
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(GENERATED, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(SECTION, 150)
        self.table.setColumnWidth(EDITED, 150)
        self.table_label = QLabel(tr("factsheet_page.sentences.list"))
        self.table_label.setBuddy(self.table)
        self.state = QLabel()
        self.state.setStyleSheet(f"color: {theme.GREY_700};")
        self.state.setWordWrap(True)
        self.generated_label = QLabel(tr("factsheet_page.sentences.generated"))
        self.generated_label.setStyleSheet(theme.heading_style())
        self.generated = QLabel()
        self.generated.setWordWrap(True)
        self.generated.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stale = QLabel(tr("factsheet_page.sentences.stale"))
        self.stale.setWordWrap(True)
        self.stale.setStyleSheet(f"color: {theme.ACCENT};")
        self.stale.setVisible(False)
        self.text_label = QLabel(tr("factsheet_page.sentences.text"))
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text_label.setBuddy(self.text)
        self.error = error_label("sentence")
        self.save_button = QPushButton(tr("factsheet_page.sentences.save"))
        self.save_button.setToolTip(shortcuts.with_shortcut(
            tr("factsheet_page.sentences.save_tip"), shortcuts.SAVE))
        self.reset_button = QPushButton(tr("factsheet_page.sentences.reset"))
        self.reset_button.setToolTip(tr("factsheet_page.sentences.reset_tip"))
        self._build_layout()
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.text.textChanged.connect(self._update_buttons)
        self.save_button.clicked.connect(self._save_slot)
        self.reset_button.clicked.connect(self._reset_slot)
        add_shortcut(self, shortcuts.SAVE, self._save_slot)
        self._show_row(None)

    def _build_layout(self) -> None:
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.setSpacing(theme.SPACING_SMALL)
        top_layout.addWidget(self.table_label)
        top_layout.addWidget(self.table, 1)
        top_layout.addWidget(self.state)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, theme.SPACING, 0, 0)
        bottom_layout.setSpacing(theme.SPACING_SMALL)
        bottom_layout.addWidget(self.generated_label)
        bottom_layout.addWidget(self.generated)
        bottom_layout.addWidget(self.stale)
        bottom_layout.addWidget(self.text_label)
        bottom_layout.addWidget(self.text, 1)
        bottom_layout.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.reset_button)
        bottom_layout.addLayout(buttons)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("factsheet_sentences_splitter")
        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([300, 260])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(theme.SPACING, theme.SPACING, theme.SPACING, theme.SPACING)
        layout.addWidget(self.splitter)
        set_tab_chain([self.table, self.text, self.save_button, self.reset_button])

    # loading -----------------------------------------------------------------------------
    def set_edition(self, language: str, site_id: int | None) -> None:
        """Show another edition's sentences (the caller has asked about unsaved text); they
        are worked out again when the tab is next shown."""
        if (language, site_id) != (self.language, self.site_id):
            self.language, self.site_id = language, site_id
            self._loaded_for = None
            self._show_row(None)  # another edition's sentence must not be saved in this one
            self.model.set_rows([])
            self.state.setText(tr("factsheet_page.sentences.loading"))
            if self.isVisible():
                self.load()

    def is_loading(self) -> bool:
        return self._job is not None

    def invalidate(self) -> None:
        """The figures may have changed: work the sentences out again when next shown."""
        self._loaded_for = None

    def load_if_needed(self) -> None:
        if self._loaded_for != (self.language, self.site_id) and self._job is None:
            self.load()

    def load(self) -> None:
        """Work the sentences out from the figures (off the GUI thread: it runs the tests)."""
        from reports.factsheet import FactsheetRequest

        if self._job is not None:
            self._job.cancel()
        self.state.setText(tr("factsheet_page.sentences.loading"))
        job = factsheet_worker.sentences_job(
            FactsheetRequest(self.study_id, self.language, self.site_id))
        job.succeeded.connect(self._sentences_arrived)
        job.failed.connect(self._sentences_failed)
        self._job = job
        job.start()

    @Slot(object)
    def _sentences_arrived(self, rows: list[SentenceRow]) -> None:
        if self.sender() is not self._job:
            return  # an earlier edition's, overtaken
        self._job = None
        self._loaded_for = (self.language, self.site_id)
        self.set_rows(rows)
        self.loaded.emit()

    @Slot(object)
    def _sentences_failed(self, error: Exception) -> None:
        if self.sender() is not self._job:
            return
        self._job = None
        self.model.set_rows([])
        self.state.setText(tr("factsheet_page.sentences.failed"))
        error_dialog.show_error(self, error)
        self.loaded.emit()

    def set_rows(self, rows: list[SentenceRow]) -> None:
        """Fill the list; the chosen sentence stays chosen (its typed text too, and with it the
        version that text was typed on: a save then still notices someone else's edit)."""
        key = self._row.key if self._row is not None else None
        self.table.selectionModel().blockSignals(True)
        self.model.set_rows(rows)
        self.table.selectionModel().blockSignals(False)
        self._show_count()
        number = self.model.row_of_key(key) if key is not None else -1
        if number < 0:
            self._show_row(None)
            return
        self._select(number)
        if not self.has_unsaved_changes():
            self._show_row(self.model.row_at(number))
        else:
            self._row = self.model.row_at(number)

    def _show_count(self) -> None:
        rows = [self.model.row_at(number) for number in range(self.model.rowCount())]
        stale = sum(1 for row in rows if row.stale)
        edited = sum(1 for row in rows if row.edited is not None)
        key = ("factsheet_page.sentences.count_stale" if stale
               else "factsheet_page.sentences.count_edited" if edited
               else "factsheet_page.sentences.count")
        self.state.setText(tr(key, count=len(rows), edited=edited, stale=stale))

    def _select(self, number: int) -> None:
        flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                 | QItemSelectionModel.SelectionFlag.Rows)
        self.table.selectionModel().blockSignals(True)
        self.table.selectionModel().setCurrentIndex(self.model.index(number, SECTION), flags)
        self.table.selectionModel().blockSignals(False)
        self.table.scrollTo(self.model.index(number, SECTION))

    # the chosen sentence -----------------------------------------------------------------
    def current_row(self) -> SentenceRow | None:
        return self._row

    def has_unsaved_changes(self) -> bool:
        return self._row is not None and self.text.toPlainText() != self._snapshot

    def confirm_discard(self) -> bool:
        return not self.has_unsaved_changes() or self.ask_discard()

    def ask_discard(self) -> bool:
        """The question before typed text is lost (tests replace this)."""
        return ask_discard(self, tr("factsheet_page.sentences.unsaved"))

    def confirm_reset(self) -> bool:
        """The question before an edit is removed (tests replace this)."""
        return ask_confirm(self, tr("factsheet_page.sentences.reset_title"),
                           tr("factsheet_page.sentences.reset_question"),
                           tr("factsheet_page.sentences.reset_confirm"))

    def confirm_keep_stale(self, row: SentenceRow) -> bool:
        """The question before an edit on older figures is kept unchanged: saved, its old
        numbers are printed again (tests replace this). No is the default and Escape."""
        answer = QMessageBox.question(
            self, tr("factsheet_page.sentences.stale_title"),
            tr("factsheet_page.sentences.stale_question", generated=row.generated),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def select_key(self, key: str) -> bool:
        """Choose a sentence by its key; False when it is not in the list or the user kept
        the typed text."""
        number = self.model.row_of_key(key)
        if number < 0 or not self.confirm_discard():
            return False
        self._select(number)
        self._show_row(self.model.row_at(number))
        return True

    def _row_chosen(self, current: QModelIndex, previous: QModelIndex) -> None:
        if not current.isValid():
            return
        if not self.confirm_discard():
            if previous.isValid():
                self._select(previous.row())  # back to the sentence being typed
            return
        self._show_row(self.model.row_at(current.row()))

    def _show_row(self, row: SentenceRow | None) -> None:
        self._row = row
        self.error.setVisible(False)
        if row is None:
            self.generated.setText(tr("factsheet_page.sentences.none_chosen"))
            self.text.setPlainText("")
            self._snapshot = ""
            self._version = 0
        else:
            self.generated.setText(row.generated)
            wording = row.edited if row.edited is not None else row.generated
            self.text.setPlainText(wording)
            self._snapshot = wording
            self._version = row.edited_version
        self.stale.setVisible(row is not None and row.stale)
        self.text.setEnabled(row is not None)
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self._row
        self.save_button.setEnabled(row is not None)
        self.reset_button.setEnabled(row is not None and (row.edited is not None
                                                          or self.has_unsaved_changes()))

    # saving ------------------------------------------------------------------------------
    def _save_slot(self) -> None:
        """Slots return nothing: a value handed back to Qt trips a PySide6 refcount bug."""
        self.save()

    def save(self) -> bool:
        """Keep the typed wording with the app's sentence it replaces, so a later change in
        the figures is noticed; a refusal shows under the text, which stays as typed. An edit
        on older figures saved unchanged is kept only when the user confirms it."""
        row = self._row
        if row is None:
            return False
        text = self.text.toPlainText()
        if row.stale and text == row.edited and not self.confirm_keep_stale(row):
            self.text.setFocus(Qt.FocusReason.OtherFocusReason)  # to bring it up to date
            return False
        try:
            stored = narratives.save_sentence(self.study_id, self.language, self.site_id,
                                              row.key, text, generated=row.generated,
                                              expected_version=self._version)
        except ValidationError as error:
            self.error.setText(error.message)
            self.error.setVisible(True)
            self.text.setFocus(Qt.FocusReason.OtherFocusReason)
            return False
        except BrugmeterError as error:
            error_dialog.show_error(self, error)
            return False
        self._replace(row, edited=stored.text, edited_version=stored.version)
        self.saved.emit(tr("factsheet_page.sentences.saved", section=row.section))
        return True

    def _reset_slot(self) -> None:
        self.reset_to_generated()

    def reset_to_generated(self) -> bool:
        """Back to the app's sentence, after asking: the edit is removed."""
        row = self._row
        if row is None or not self.confirm_reset():
            return False
        try:
            narratives.reset_sentence(self.study_id, self.language, self.site_id, row.key,
                                      expected_version=self._version)
        except BrugmeterError as error:
            error_dialog.show_error(self, error)
            return False
        self._replace(row, edited=None, edited_version=0)
        self.saved.emit(tr("factsheet_page.sentences.reset_done", section=row.section))
        return True

    def _replace(self, row: SentenceRow, edited: str | None, edited_version: int) -> None:
        """The list and form after a save or reset: the stored state, without working every
        sentence out again."""
        new = replace(row, edited=edited, edited_version=edited_version, stale=False)
        number = self.model.row_of_key(row.key)
        if number >= 0:
            self.model.replace_row(number, new)
        self._show_row(new)
        self._show_count()
