"""The interviews page: qualitative coding laid out as MAXQDA and QualCoder users know it. The
interviews (Document System) and the codebook (Code System) on the left, the transcript with
its highlighted passages in the middle, and on the right the open interview's codings, its
details and the undo history.

Coding by keyboard: select a passage with Shift+arrows, then Enter applies the codebook's
current code and Alt+1 … Alt+9 the first nine codes; Ctrl+Shift+Enter codes the whole
interview; Delete removes the coding at the cursor. Every coding and codebook change is a
command on one QUndoStack per study (the page is built per study): Ctrl+Z, Ctrl+Shift+Z and
Ctrl+Y go back and forth through all of them. The history is one coder's: under another
"Coding as" name it starts again, so two coders sharing a machine (blind coding) never undo or
read each other's steps; blind, the interviews list counts and names only the coder's own.
"""

from __future__ import annotations

import bisect
import dataclasses

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QSize,
    QStringListModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QAction, QPaintEvent, QUndoStack
from PySide6.QtWidgets import (
    QCheckBox,
    QCompleter,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStyle,
    QStyleOptionToolButton,
    QStylePainter,
    QTableView,
    QTabWidget,
    QToolButton,
    QUndoView,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.models import audit
from desktop.models.errors import BrugmeterError
from desktop.models.services import codebook, codings, interviews
from desktop.models.services.codebook import Codebook, CodeInfo
from desktop.models.services.codings import CodingInfo
from desktop.models.services.interviews import InterviewRecord
from desktop.views import error_dialog, shortcuts, theme
from desktop.views.codebook_panel import CodebookPanel
from desktop.views.coding_commands import AddCodingCommand, RemoveCodingCommand, ServiceCommand
from desktop.views.interview_editor import InterviewEditor
from desktop.views.interview_table_model import (
    CODE,
    CODER,
    HELD_ON,
    PASSAGE,
    SUBJECT,
    CodingLine,
    CodingTableModel,
    InterviewFilterModel,
    InterviewTableModel,
    format_count,
)
from desktop.views.page import Page
from desktop.views.reason_dialog import ask_reason
from desktop.views.rows_model import ID_ROLE
from desktop.views.transcript_view import Highlight, TranscriptView
from desktop.views.widgets import (
    add_shortcut,
    format_date,
    set_tab_chain,
    set_up_list,
)

CODINGS_TAB, DETAILS_TAB, HISTORY_TAB = range(3)
EXCERPT = 160  # characters of a passage in the codings list
ACTION_TEXT = 48  # characters of a command's text on the undo and redo buttons


def _order(coding: CodingInfo) -> tuple[int, int, int]:
    """interview_codings' order: whole-interview codes first, then by start, then by id."""
    return (0, 0, coding.id) if coding.start is None else (1, coding.start, coding.id)


def _made_for(coding: CodingInfo) -> tuple:
    """What a coding's highlight and list line show: a line made for another coding under the
    same id (SQLite hands out a deleted highest id again) must not be used for it."""
    return (coding.interview_id, coding.code_id, coding.coder, coding.start, coding.end)


def _shorten(text: str, length: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


class ElidingToolButton(QToolButton):
    """A button whose text ends in "…" when the bar is narrow: "Ongedaan maken: code 'Regie
    en steun' toepassen" must not push the page wider than the window."""

    MINIMUM = 90

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self.MINIMUM), hint.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QStylePainter(self)
        option = QStyleOptionToolButton()
        self.initStyleOption(option)
        room = self.width() - 2 * self.style().pixelMetric(
            QStyle.PixelMetric.PM_ButtonMargin, option, self) - 4
        option.text = self.fontMetrics().elidedText(option.text, Qt.TextElideMode.ElideRight,
                                                    max(room, 0))
        painter.drawComplexControl(QStyle.ComplexControl.CC_ToolButton, option)


class InterviewsPage(Page):
    """List, add and code the study's interviews, and keep its codebook."""

    TITLE_KEY = "interviews.title"

    def __init__(self, study_id: int, parent: QWidget | None = None) -> None:
        super().__init__(study_id, parent)
        self.undo_stack = QUndoStack(self)
        self.book = Codebook((), ())
        self._record: InterviewRecord | None = None
        self._codings: list[CodingInfo] = []
        # per coding id what it was made for and its highlight and list line, made once per
        # codebook; the key is checked, as an id comes back after an undo (SQLite reuses it)
        self._made: dict[int, tuple[tuple, Highlight, CodingLine]] = {}
        self._build_widgets()
        self._build_layout()
        self._wire()
        self._show_undo_state()
        # whose steps the undo stack holds: another coder (blind coding at one machine) may
        # not undo them, nor see them in the history
        self._stack_coder = self.coder_name()

    # building ------------------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.new_button = QPushButton(tr("interviews.new"))
        self.new_button.setToolTip(shortcuts.with_shortcut(tr("interviews.new_tip"),
                                                           shortcuts.NEW_INTERVIEW))
        self.import_button = QPushButton(tr("interviews.import"))
        self.import_button.setToolTip(shortcuts.with_shortcut(tr("interviews.import_tip"),
                                                              shortcuts.IMPORT_TRANSCRIPT))
        self.undo_action = QAction(tr("interviews.undo"), self)
        self.undo_action.setShortcut(shortcuts.key_sequence(shortcuts.UNDO))
        self.redo_action = QAction(tr("interviews.redo"), self)
        self.redo_action.setShortcuts([shortcuts.key_sequence(key) for key in shortcuts.REDO])
        for action in (self.undo_action, self.redo_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)  # the keys work wherever the focus is on this page
        self.undo_button = self._action_button(self.undo_action)
        self.redo_button = self._action_button(self.redo_action)
        self.coder = QLineEdit(audit.current_user())
        self.coder.setMaxLength(100)
        self.coder.setToolTip(tr("interviews.coder_tip"))
        self.coder.setMaximumWidth(180)
        self.coder.setMinimumWidth(120)  # the undo and redo texts give way first
        completer = QCompleter(QStringListModel(self), self.coder)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.coder.setCompleter(completer)
        self.blind = QCheckBox(tr("interviews.blind"))
        self.blind.setToolTip(tr("interviews.blind_tip"))
        # the interviews
        self.model = InterviewTableModel(self)
        self.proxy = InterviewFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(tr("interviews.filter_placeholder"))
        self.filter.setClearButtonEnabled(True)
        self.table = QTableView()
        self.count = QLabel()
        self.count.setStyleSheet(f"color: {theme.GREY_700};")
        # the codebook, the transcript, and the open interview's codings, details and history
        self.codebook_panel = CodebookPanel(self.study_id, self, self.run)
        self.view = TranscriptView()
        self.codings_model = CodingTableModel(self)
        self.codings_table = QTableView()
        self.codings_hint = QLabel(tr(
            "interviews.codings.hint",
            remove=shortcuts.shortcut_text(shortcuts.REMOVE_CODING)))
        self.codings_hint.setWordWrap(True)
        self.codings_hint.setStyleSheet(f"color: {theme.GREY_700};")
        self.editor = InterviewEditor(self.study_id)
        self.history = QUndoView(self.undo_stack)
        self.history.setEmptyLabel(tr("interviews.history.start"))
        self.tabs = QTabWidget()

    def _action_button(self, action: QAction) -> QToolButton:
        button = ElidingToolButton()
        button.setDefaultAction(action)
        button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        return button

    def _build_layout(self) -> None:
        bar = QHBoxLayout()
        bar.setSpacing(theme.SPACING)
        bar.addWidget(self.new_button)
        bar.addWidget(self.import_button)
        separator = QFrame()
        separator.setFrameShape(QFrame.Shape.VLine)
        separator.setStyleSheet(f"color: {theme.GREY_300};")
        bar.addWidget(separator)
        bar.addWidget(self.undo_button)
        bar.addWidget(self.redo_button)
        bar.addStretch(1)
        coder_label = QLabel(tr("interviews.coder"))
        coder_label.setBuddy(self.coder)
        bar.addWidget(coder_label)
        bar.addWidget(self.coder)
        bar.addWidget(self.blind)

        interviews_label = QLabel(tr("interviews.list"))
        interviews_label.setStyleSheet(theme.heading_style())
        interviews_label.setBuddy(self.filter)
        set_up_list(self.table, self.proxy, HELD_ON, fixed_rows=True)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        list_box = QWidget()
        list_layout = QVBoxLayout(list_box)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.setSpacing(theme.SPACING_SMALL)
        list_layout.addWidget(interviews_label)
        list_layout.addWidget(self.filter)
        list_layout.addWidget(self.table, 1)
        list_layout.addWidget(self.count)
        self.left = QSplitter(Qt.Orientation.Vertical)
        self.left.addWidget(list_box)
        self.left.addWidget(self.codebook_panel)
        self.left.setSizes([300, 360])
        self.left.setChildrenCollapsible(False)

        set_up_list(self.codings_table, self.codings_model, fixed_rows=True)
        self.codings_table.setWordWrap(False)
        header = self.codings_table.horizontalHeader()
        # fixed widths: measuring every row's text would cost more than the coding itself
        header.setSectionResizeMode(CODE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(CODER, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(PASSAGE, QHeaderView.ResizeMode.Stretch)
        codings_box = QWidget()
        codings_layout = QVBoxLayout(codings_box)
        codings_layout.setContentsMargins(theme.SPACING_SMALL, theme.SPACING_SMALL,
                                          theme.SPACING_SMALL, theme.SPACING_SMALL)
        codings_layout.addWidget(self.codings_table, 1)
        codings_layout.addWidget(self.codings_hint)
        details_box = QWidget()
        details_layout = QVBoxLayout(details_box)
        details_layout.setContentsMargins(theme.SPACING_SMALL, 0, theme.SPACING_SMALL,
                                          theme.SPACING_SMALL)
        details_layout.addWidget(self.editor)
        self.tabs.addTab(codings_box, tr("interviews.tab.codings"))
        self.tabs.addTab(details_box, tr("interviews.tab.details"))
        self.tabs.addTab(self.history, tr("interviews.tab.history"))

        self.view.setContentsMargins(theme.SPACING, 0, theme.SPACING, 0)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("interviews_splitter")
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setStretchFactor(2, 4)
        self.splitter.setSizes([290, 470, 340])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(theme.MARGIN, theme.MARGIN, theme.MARGIN, theme.MARGIN)
        layout.setSpacing(theme.SPACING)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        panel, view = self.codebook_panel, self.view
        set_tab_chain([self.new_button, self.import_button, self.undo_button, self.redo_button,
                       self.coder, self.blind, self.filter, self.table, panel.tree,
                       panel.new_button, panel.edit_button, panel.more_button, view.text,
                       view.search, self.tabs.tabBar(), self.codings_table, self.editor.kind])

    def _wire(self) -> None:
        self.new_button.clicked.connect(self.new_interview)
        self.import_button.clicked.connect(self.import_transcript)
        self.undo_action.triggered.connect(self.undo)
        self.redo_action.triggered.connect(self.redo)
        for signal in (self.undo_stack.indexChanged, self.undo_stack.canUndoChanged,
                       self.undo_stack.canRedoChanged, self.undo_stack.undoTextChanged,
                       self.undo_stack.redoTextChanged):
            signal.connect(self._show_undo_state)
        self.coder.editingFinished.connect(self._coder_changed)
        self.blind.toggled.connect(self._blind_toggled)
        self.filter.textChanged.connect(self._filter)
        self.table.activated.connect(self._open_index)
        self.codebook_panel.apply_requested.connect(self._apply_slot)
        self.codebook_panel.status_message.connect(self.status_message)
        self.codings_table.activated.connect(self._coding_activated)
        self.editor.saved.connect(self._interview_saved)
        self.editor.delete_requested.connect(self.delete_interview)
        add_shortcut(self, shortcuts.NEW_INTERVIEW, self.new_interview)
        add_shortcut(self, shortcuts.IMPORT_TRANSCRIPT, self.import_transcript)
        # Alt+1 … Alt+9 where one codes (not while typing an interview's details)
        for widget in (self.view, self.codebook_panel, self.codings_table):
            for number, key in enumerate(shortcuts.QUICK_CODES):
                add_shortcut(widget, key, lambda n=number: self.apply_quick_code(n))
        text = self.view.text
        for key in shortcuts.APPLY_CODE:
            add_shortcut(text, key, self._apply_slot, Qt.ShortcutContext.WidgetShortcut)
        add_shortcut(text, shortcuts.CODE_WHOLE_INTERVIEW, self._whole_slot,
                     Qt.ShortcutContext.WidgetShortcut)
        add_shortcut(text, shortcuts.REMOVE_CODING, self.remove_coding_at_cursor,
                     Qt.ShortcutContext.WidgetShortcut)
        add_shortcut(self.codings_table, shortcuts.REMOVE_CODING, self.remove_selected_coding,
                     Qt.ShortcutContext.WidgetShortcut)
        add_shortcut(self.table, shortcuts.DELETE_ROW, self.delete_interview,
                     Qt.ShortcutContext.WidgetShortcut)

    # the page ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Rows, codebook, people and the open interview, as other pages may have changed
        them (a participant's code, an interview deleted from elsewhere)."""
        rows = self._reload_rows()
        self._reload_book()
        self.editor.reload_study(sorted({row.interviewer for row in rows if row.interviewer}))
        model = self.coder.completer().model()
        assert isinstance(model, QStringListModel)
        model.setStringList(sorted(set(codings.coders(self.study_id)) | {audit.current_user()}))
        if self._record is not None:
            try:
                record = interviews.get_interview(self._record.id)
            except BrugmeterError:
                self._close_interview()
                return
            if record.version != self._record.version and not self.editor.has_unsaved_changes():
                self._show_record(record)  # its details changed elsewhere
            else:
                self._reload_codings()

    def confirm_leave(self) -> bool:
        return self.editor.confirm_discard()

    def _reload_rows(self) -> list[interviews.InterviewRow]:
        rows = interviews.interview_rows(self.study_id)
        self.model.set_rows(self._blinded(rows) if self.blind.isChecked() else rows)
        self._show_count()
        if self._record is not None:
            self.select_interview(self._record.id)
        return rows

    def _blinded(self, rows: list[interviews.InterviewRow]) -> list[interviews.InterviewRow]:
        """Blind: each interview with only the coder's own codings counted and no other
        coder named, so the list does not tell where, or how much, the other coded."""
        coder = self.coder_name()
        own: dict[int, int] = {}
        for coding in codings.coding_rows(self.study_id):
            if coding.coder == coder:
                own[coding.interview_id] = own.get(coding.interview_id, 0) + 1
        return [dataclasses.replace(row, codings=own.get(row.id, 0),
                                    coders=(coder,) if row.id in own else ())
                for row in rows]

    def _show_count(self) -> None:
        self.count.setText(tr("interviews.count", shown=self.proxy.rowCount(),
                              total=self.model.rowCount()))

    def _filter(self, text: str) -> None:
        self.proxy.set_text(text)
        self._show_count()

    def _reload_book(self) -> None:
        self.book = codebook.codebook(self.study_id)
        self._made.clear()  # names and colours may have changed
        self.codebook_panel.set_codebook(self.book, self._counts())

    def coder_name(self) -> str:
        """Who codes now: the "Coding as" field, else the logged-in user."""
        return self.coder.text().strip() or audit.current_user()

    def _coder_changed(self) -> None:
        self._claim_undo_stack()
        if self.blind.isChecked():
            self._reload_codings()
            self._reload_rows()
            self._show_details()

    def _blind_toggled(self, _on: bool) -> None:
        self._reload_codings()
        self._reload_rows()
        self._show_details()

    def _claim_undo_stack(self) -> bool:
        """The undo history belongs to one coder: under another "Coding as" name it starts
        again (with a word in the status bar), so nobody undoes, redoes or reads another's
        steps. True when it did."""
        name = self.coder_name()
        if name == self._stack_coder:
            return False
        old, self._stack_coder = self._stack_coder, name
        if self.undo_stack.count() == 0:
            return False
        self.undo_stack.clear()
        self.status_message.emit(tr("interviews.undo_new_coder", old=old, new=name))
        return True

    # interviews ----------------------------------------------------------------------------
    def select_interview(self, interview_id: int) -> None:
        index = self.proxy.mapFromSource(self.model.index(self.model.row_of(interview_id),
                                                          SUBJECT))
        if index.isValid():
            flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                     | QItemSelectionModel.SelectionFlag.Rows)
            self.table.selectionModel().setCurrentIndex(index, flags)
            self.table.scrollTo(index)

    def _open_index(self, index: QModelIndex) -> None:
        interview_id = self.proxy.interview_id(index.row())
        if interview_id is not None:
            self.open_interview(interview_id)

    def open_interview(self, interview_id: int, focus: bool = True) -> bool:
        """Show an interview's transcript, codings and details (asking about unsaved
        details first); the focus goes to the transcript."""
        if not self.editor.confirm_discard():
            return False
        try:
            record = interviews.get_interview(interview_id)
        except BrugmeterError as error:
            error_dialog.show_error(self, error)
            self._reload_rows()
            return False
        self._show_record(record)
        self.select_interview(interview_id)
        if focus:
            self.view.focus_text()
        return True

    def _show_record(self, record: InterviewRecord) -> None:
        self._record = record
        self._made.clear()
        self.view.show_transcript(record.transcript, self._heading(record), "")
        self._show_details()
        self.editor.edit_interview(record)
        self._reload_codings()

    @staticmethod
    def _heading(record: InterviewRecord) -> str:
        """"Transcript D00073", its T still the key to the text (Alt+T)."""
        return tr("interviews.transcript.heading", subject=record.subject.replace("&", "&&"))

    def _show_details(self) -> None:
        record = self._record
        if record is None:
            return
        kind = "participant" if record.participant_id is not None else "professional"
        parts = [tr(f"interviews.kind.{kind}"), format_date(record.held_on), record.interviewer,
                 tr("interviews.characters", count=format_count(len(record.transcript)))]
        if self.blind.isChecked():
            parts.append(tr("interviews.blind_shown", coder=self.coder_name()))
        self.view.details.setText(" · ".join(part for part in parts if part))

    def _close_interview(self) -> None:
        self._record = None
        self._codings = []
        self.view.show_transcript("", "", "")
        self.codings_model.set_rows([])
        self.codebook_panel.set_counts({})

    def record(self) -> InterviewRecord | None:
        return self._record

    def new_interview(self) -> None:
        """Ctrl+N: empty details, the focus on who was interviewed."""
        if not self.editor.confirm_discard():
            return
        self.table.clearSelection()
        self._close_interview()
        self.editor.new_interview()
        self.tabs.setCurrentIndex(DETAILS_TAB)
        self.editor.focus_subject()

    def import_transcript(self) -> None:
        """Ctrl+Shift+O: a new interview from a file, with the details typed so far."""
        if self.editor.record() is not None:
            self.new_interview()
            if self.editor.record() is not None:
                return
        self.tabs.setCurrentIndex(DETAILS_TAB)
        self.editor.import_file()

    def _interview_saved(self, interview_id: int, message: str) -> None:
        new = self._record is None or self._record.id != interview_id
        rows = self._reload_rows()
        self.editor.reload_study(sorted({row.interviewer for row in rows if row.interviewer}))
        record = interviews.get_interview(interview_id)
        if new:
            self._show_record(record)
            self.select_interview(interview_id)
            self.tabs.setCurrentIndex(CODINGS_TAB)
            self.view.focus_text()
        else:
            self._record = record
            self.view.heading.setText(self._heading(record))
            self._show_details()
        self.status_message.emit(message)

    def delete_interview(self) -> None:
        """Delete the open interview (or the one chosen in the list) with its codings, after
        asking; that cannot be undone, and the undo history, which may point at its codings,
        starts again."""
        interview_id = self._record.id if self._record is not None else None
        if self.table.hasFocus() or interview_id is None:
            interview_id = self.proxy.interview_id(self.table.currentIndex().row())
        line = self.model.row_of(interview_id) if interview_id is not None else -1
        if line < 0:
            return
        row = self.model.row_at(line)
        # every coding goes, also another coder's that blind coding leaves out of the list
        reason = self.delete_reason(row.subject, len(codings.interview_codings(interview_id)))
        if reason is None:
            return
        try:
            interviews.delete_interview(interview_id, reason)
        except BrugmeterError as error:
            error_dialog.show_error(self, error)
            return
        self.undo_stack.clear()
        if self._record is not None and self._record.id == interview_id:
            self._close_interview()
            self.editor.new_interview()
        self._reload_rows()
        self.status_message.emit(tr("interviews.deleted", subject=row.subject))

    def delete_reason(self, subject: str, number: int) -> str | None:
        """Why the interview is deleted, or None to keep it."""
        return ask_reason(self, tr("interviews.delete_question", subject=subject,
                                   codings=number))

    # codings -------------------------------------------------------------------------------
    def _reload_codings(self) -> None:
        """Read the open interview's codings (only the coder's own when blind) and show
        them."""
        record = self._record
        if record is None:
            return
        coder = self.coder_name() if self.blind.isChecked() else None
        self._codings = codings.interview_codings(record.id, coder)
        self._show_codings()

    def _change_codings(self, added: CodingInfo | None, removed: int | None) -> None:
        """What a coding command did to the open interview, applied to what is shown without
        reading every coding again (the service's order: whole-interview codes first, then
        by start, then by id)."""
        if removed is not None:
            self._codings = [coding for coding in self._codings if coding.id != removed]
        blind = self.blind.isChecked()
        if added is not None and (not blind or added.coder == self.coder_name()):
            self._codings.insert(bisect.bisect(self._codings, _order(added), key=_order), added)
        self._show_codings()

    def _show_codings(self) -> None:
        """The codings as highlights, in the list and as counts in the codebook; each
        coding's highlight and line are made once (until the codebook changes)."""
        record = self._record
        assert record is not None
        codes = {code.id: code for code in self.book.codes}
        if any(coding.code_id not in codes for coding in self._codings):
            self._reload_book()  # the codebook changed elsewhere: read it again
            codes = {code.id: code for code in self.book.codes}
        passages, whole, lines = [], [], []
        kept: dict[int, tuple[tuple, Highlight, CodingLine]] = {}
        for coding in self._codings:
            key = _made_for(coding)
            made = self._made.get(coding.id)
            if made is None or made[0] != key:  # new, or another coding under a reused id
                code = codes.get(coding.code_id)
                if code is None:
                    continue
                made = (key, *self._make(record.transcript, coding, code))
            kept[coding.id] = made
            _key, highlight, line = made
            (whole if coding.start is None else passages).append(highlight)
            lines.append(line)
        self._made = kept  # a coding no longer shown (removed, undone) is forgotten
        self.view.set_codings(passages, whole)
        self.codings_model.set_rows(lines)
        self._fit_codings_columns(lines)
        self.codebook_panel.set_counts(self._counts())

    def _fit_codings_columns(self, lines: list[CodingLine]) -> None:
        """Code and coder columns as wide as their longest name (a few distinct names, so
        cheap, unlike measuring every row), the passage gets the rest."""
        metrics = self.codings_table.fontMetrics()
        padding = theme.SPACING_LARGE
        room = self.codings_table.viewport().width()
        for column, names, most in ((CODE, {line.code for line in lines}, room * 2 // 5),
                                    (CODER, {line.coder for line in lines}, room // 4)):
            title = str(self.codings_model.headerData(column, Qt.Orientation.Horizontal))
            width = max([metrics.horizontalAdvance(name) for name in names | {title}])
            extra = padding + (metrics.height() if column == CODE else 0)  # the swatch
            self.codings_table.setColumnWidth(column, max(40, min(width + extra, most)))

    @staticmethod
    def _make(text: str, coding: CodingInfo, code: CodeInfo) -> tuple[Highlight, CodingLine]:
        start, end = coding.start, coding.end
        whole = start is None or end is None
        highlight = Highlight(coding.id, code.id, code.name, coding.coder, code.colour,
                              0 if whole else start, 0 if whole else end)
        excerpt = "" if whole else _shorten(text[start:end], EXCERPT)
        return highlight, CodingLine(coding.id, code.id, code.name, code.colour, coding.coder,
                                     start, end, excerpt)

    def _counts(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for coding in self._codings:
            counts[coding.code_id] = counts.get(coding.code_id, 0) + 1
        return counts

    def visible_codings(self) -> list[CodingInfo]:
        return list(self._codings)

    def _code_to_apply(self, code_id: int | None) -> CodeInfo | None:
        code = (self.codebook_panel.code(code_id) if code_id is not None
                else self.codebook_panel.current_code())
        if code is None:
            self.status_message.emit(tr("interviews.choose_code"))
        return code

    def _apply_slot(self, code_id: int | None = None) -> None:
        self.apply_code(code_id)

    def _whole_slot(self) -> None:
        self.code_whole_interview()

    def apply_code(self, code_id: int | None = None) -> bool:
        """Apply a code (default: the codebook's current one) to the selected passage."""
        if self._record is None:
            self.status_message.emit(tr("interviews.open_first"))
            return False
        code = self._code_to_apply(code_id)
        if code is None:
            return False
        passage = self.view.selection()
        if passage is None:
            self.status_message.emit(tr(
                "interviews.select_first",
                whole=shortcuts.shortcut_text(shortcuts.CODE_WHOLE_INTERVIEW)))
            return False
        start, end = passage
        if not self.run(AddCodingCommand(self, self._record.id, code, self.coder_name(),
                                         start, end)):
            return False
        self.status_message.emit(tr("interviews.coded", code=code.name,
                                    characters=format_count(end - start),
                                    coder=self.coder_name()))
        return True

    def apply_quick_code(self, number: int) -> None:
        """Alt+1 … Alt+9: the codebook's first nine codes."""
        quick = self.codebook_panel.quick_code_ids()
        if number < len(quick):
            self.apply_code(quick[number])

    def code_whole_interview(self, code_id: int | None = None) -> bool:
        """The code applies to the interview as a whole, without a passage."""
        if self._record is None:
            self.status_message.emit(tr("interviews.open_first"))
            return False
        code = self._code_to_apply(code_id)
        if code is None:
            return False
        if not self.run(AddCodingCommand(self, self._record.id, code, self.coder_name(),
                                         None, None)):
            return False
        self.status_message.emit(tr("interviews.coded_whole", code=code.name,
                                    coder=self.coder_name()))
        return True

    def remove_coding_at_cursor(self) -> None:
        """Delete in the transcript: the coding at the cursor. With several there, the one of
        the codebook's current code, else the choice is offered."""
        found = self.view.highlights_at_cursor()
        if not found:
            self.status_message.emit(tr("interviews.nothing_to_remove"))
            return
        current = self.codebook_panel.current_code()
        chosen = [h for h in found if current is not None and h.code_id == current.id]
        if len(found) == 1:
            chosen = found
        coding_id = (chosen[0].coding_id if len(chosen) == 1
                     else self.ask_coding_to_remove(found))
        if coding_id is not None:
            self.remove_coding(coding_id)

    def ask_coding_to_remove(self, found: list[Highlight]) -> int | None:
        """A menu at the cursor naming the codings there (tests replace this)."""
        menu = QMenu(self)
        for highlight in found:
            action = menu.addAction(tr("interviews.remove_which", code=highlight.code,
                                       coder=highlight.coder))
            action.setData(highlight.coding_id)
        text = self.view.text
        chosen = menu.exec(text.viewport().mapToGlobal(text.cursorRect().bottomLeft()))
        return chosen.data() if chosen is not None else None

    def remove_selected_coding(self) -> None:
        index = self.codings_table.currentIndex()
        if index.isValid():
            self.remove_coding(index.data(ID_ROLE))

    def remove_coding(self, coding_id: int) -> bool:
        coding = next((c for c in self._codings if c.id == coding_id), None)
        if coding is None:
            return False
        code = self.codebook_panel.code(coding.code_id)
        name = code.name if code is not None else str(coding.code_id)
        if not self.run(RemoveCodingCommand(self, coding, name)):
            return False
        self.status_message.emit(tr("interviews.removed", code=name, coder=coding.coder))
        return True

    def _coding_activated(self, index: QModelIndex) -> None:
        line = self.codings_model.row_at(index.row())
        if line.start is not None and line.end is not None:
            self.view.select_passage(line.start, line.end)
        code = self.codebook_panel.code(line.code_id)
        if code is not None:
            self.codebook_panel.select_item("code", code.id)

    # commands and the undo stack -----------------------------------------------------------
    def run(self, command: ServiceCommand, show_refusal: bool = True) -> bool:
        """Do a command and put it on the undo stack; a refusal is shown (or left in
        command.refusal for the caller) and nothing is pushed."""
        self._claim_undo_stack()
        try:
            command.do()
        except BrugmeterError as error:
            command.refusal = error
            if show_refusal:
                error_dialog.show_error(self, error)
            return False
        self.undo_stack.push(command)
        return True

    def command_ran(self, command: ServiceCommand) -> None:
        """Show what a command (done, undone or redone) changed; called inside the undo
        stack, so nothing may raise into Qt from here."""
        try:
            self._show_change(command)
        except BrugmeterError as error:  # e.g. its interview was deleted in another window
            self.command_failed(command, error)

    def _show_change(self, command: ServiceCommand) -> None:
        if command.changes_codebook:
            self._reload_book()
        if not (command.changes_codings or command.changes_codebook):
            return
        about = command.interview_id
        shown = self._record.id if self._record is not None else None
        if (command.last_run != "do" and about is not None and about != shown
                and not self.editor.has_unsaved_changes()):
            self._show_record(interviews.get_interview(about))  # show where it happened
        elif (about is not None and about == shown and command.coding_change is not None
              and not command.changes_codebook):
            self._change_codings(*command.coding_change)
        else:
            self._reload_codings()
        self._reload_rows()
        if (command.last_run != "do" and command.passage is not None
                and self._record is not None and self._record.id == about):
            self.view.select_passage(*command.passage, focus=False)

    def command_failed(self, command: ServiceCommand, error: Exception) -> None:
        """An undo or redo the database no longer allows: the stack drops the command; the
        message is shown once the stack is done (no dialog inside its undo())."""
        QTimer.singleShot(0, lambda: self._show_failure(error))

    def _show_failure(self, error: Exception) -> None:
        self._reload_book()
        self._reload_rows()
        if self._record is not None:
            self._reload_codings()
        error_dialog.show_error(self, error)

    def undo(self) -> None:
        if self._claim_undo_stack():
            return
        if self.undo_stack.canUndo():
            command = self.undo_stack.command(self.undo_stack.index() - 1)
            if isinstance(command, ServiceCommand):
                try:
                    command.check_undo()  # refused: nothing changes, the command stays
                except BrugmeterError as error:
                    error_dialog.show_error(self, error)
                    return
            text, count = self.undo_stack.undoText(), self.undo_stack.count()
            self.undo_stack.undo()
            if self.undo_stack.count() == count:  # else it failed, and that is shown
                self.status_message.emit(tr("interviews.undone", action=text))

    def redo(self) -> None:
        if self._claim_undo_stack():
            return
        if self.undo_stack.canRedo():
            text, count = self.undo_stack.redoText(), self.undo_stack.count()
            self.undo_stack.redo()
            if self.undo_stack.count() == count:
                self.status_message.emit(tr("interviews.redone", action=text))

    def _show_undo_state(self, *_args: object) -> None:
        """The buttons say what they would undo or redo; their tooltips say it in full."""
        stack = self.undo_stack
        for action, can, text, plain, named, keys in (
                (self.undo_action, stack.canUndo(), stack.undoText(), "interviews.undo",
                 "interviews.undo_named", (shortcuts.UNDO,)),
                (self.redo_action, stack.canRedo(), stack.redoText(), "interviews.redo",
                 "interviews.redo_named", shortcuts.REDO)):
            action.setEnabled(can)
            action.setText(tr(named, action=_shorten(text, ACTION_TEXT)) if can else tr(plain))
            names = ", ".join(shortcuts.shortcut_text(key) for key in keys)
            action.setToolTip(f"{tr(named, action=text) if can else tr(plain)} ({names})")
