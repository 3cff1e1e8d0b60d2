"""The participants page: a filterable list of every participant beside the editor form, and
the open participant's goal-action plan below them."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.models.services import participants, studies
from desktop.views import erasure_dialog, shortcuts, theme
from desktop.views.actions_panel import ActionsPanel
from desktop.views.audit_window import open_audit_window
from desktop.views.lead_only import restrict
from desktop.views.page import Page
from desktop.views.participant_editor import ParticipantEditor
from desktop.views.participant_table_model import (
    CODE,
    ParticipantFilterModel,
    ParticipantTableModel,
)
from desktop.views.widgets import add_shortcut, set_column_widths, set_up_list

_COLUMN_WIDTHS = (90, 150, 100, 100, 100, 80)


class ParticipantsPage(Page):
    """List, find and edit participants; Ctrl+N or Insert starts a new one."""

    TITLE_KEY = "entry.participants.title"

    def __init__(self, study_id: int, parent: QWidget | None = None) -> None:
        super().__init__(study_id, parent)
        self.model = ParticipantTableModel(self)
        self.proxy = ParticipantFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("entry.participants.search_placeholder"))
        self.search.setClearButtonEnabled(True)
        self.site_filter = QComboBox()
        self.status_filter = QComboBox()
        for combo in (self.site_filter, self.status_filter):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
        self.status_filter.addItem(tr("entry.participants.all_statuses"), "")
        for key in participants.RECRUITMENT_STATUSES:
            self.status_filter.addItem(tr(f"status.{key}"), key)
        self.count = QLabel()
        self.count.setStyleSheet(f"color: {theme.GREY_700};")
        self.new_button = QPushButton(tr("entry.participants.new"))
        self.new_button.setToolTip(shortcuts.with_shortcut(tr("entry.participants.new"),
                                                           shortcuts.NEW_PARTICIPANT))
        self.erase_button = QPushButton(tr("privacy.erase_button"))
        self.erase_button.setToolTip(shortcuts.with_shortcut(tr("privacy.erase_tooltip"),
                                                             shortcuts.ERASE_PARTICIPANT))
        restrict(self.erase_button)  # the erasure: a lead's task
        # Reached by its shortcut; kept out of the Tab chain between the list and the form.
        self.erase_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table = QTableView()
        self.editor = ParticipantEditor(study_id)
        self.actions = ActionsPanel(study_id, tab_after=self.editor.save_button)
        self._build_layout()
        self._wire()


    def _build_layout(self) -> None:
        bar = QHBoxLayout()
        for key, widget in (("search", self.search), ("site_filter", self.site_filter),
                            ("status_filter", self.status_filter)):
            label = QLabel(tr(f"entry.participants.{key}"))
            label.setBuddy(widget)
            bar.addWidget(label)
            bar.addWidget(widget, 2 if widget is self.search else 1)
        bar.addWidget(self.new_button)
        table = self.table
        set_up_list(table, self.proxy, CODE, fixed_rows=True)
        set_column_widths(table, dict(enumerate(_COLUMN_WIDTHS)), padding=28)
        header = table.horizontalHeader()
        header.setStretchLastSection(True)
        self.list_pane = QWidget()
        left_layout = QVBoxLayout(self.list_pane)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(bar)
        left_layout.addWidget(table, 1)
        footer = QHBoxLayout()
        footer.addWidget(self.count, 1)
        footer.addWidget(self.erase_button)
        left_layout.addLayout(footer)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("participants_splitter")
        self.splitter.addWidget(self.list_pane)
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([760, 340])
        self.plan_splitter = QSplitter(Qt.Orientation.Vertical)
        self.plan_splitter.setObjectName("participants_actions_splitter")
        self.plan_splitter.addWidget(self.splitter)
        self.plan_splitter.addWidget(self.actions)
        self.plan_splitter.setSizes([340, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(theme.MARGIN, theme.MARGIN, theme.MARGIN, theme.MARGIN)
        layout.addWidget(self.plan_splitter)
        QWidget.setTabOrder(self.search, self.site_filter)
        QWidget.setTabOrder(self.site_filter, self.status_filter)
        QWidget.setTabOrder(self.status_filter, self.new_button)
        QWidget.setTabOrder(self.new_button, self.table)
        QWidget.setTabOrder(self.table, self.editor.code)

    def _wire(self) -> None:
        self.search.textChanged.connect(lambda text: self._filter(code=text))
        self.site_filter.currentIndexChanged.connect(
            lambda _i: self._filter(site=self.site_filter.currentData() or ""))
        self.status_filter.currentIndexChanged.connect(
            lambda _i: self._filter(status=self.status_filter.currentData() or ""))
        self.new_button.clicked.connect(self.new_participant)
        self.erase_button.clicked.connect(self.erase_participant)
        add_shortcut(self.list_pane, shortcuts.ERASE_PARTICIPANT, self.erase_participant)
        self.table.activated.connect(self._edit_index)
        trail = QAction(tr("audit.participants.open"), self.table)  # right-click or Menu key
        trail.triggered.connect(self.show_audit_trail)
        self.table.addAction(trail)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.editor.saved.connect(self._saved)
        self.actions.status_message.connect(self.status_message)
        for key in (shortcuts.NEW_PARTICIPANT, shortcuts.INSERT_ROW):
            for scope in (self.list_pane, self.editor):  # the actions part: a new action
                add_shortcut(scope, key, self.new_participant)

    def _filter(self, code: str | None = None, site: str | None = None,
                status: str | None = None) -> None:
        self.proxy.set_filters(code=code, site=site, status=status)
        self._show_count()

    def _show_count(self) -> None:
        self.count.setText(tr("entry.participants.count", shown=self.proxy.rowCount(),
                              total=self.model.rowCount()))

    def refresh(self) -> None:
        """Reload sites and rows from the services; keeps filters and the selected row."""
        selected = self.selected_participant_id()
        site = self.site_filter.currentData() or ""
        self.site_filter.blockSignals(True)
        self.site_filter.clear()
        self.site_filter.addItem(tr("entry.participants.all_sites"), "")
        for info in studies.get_study(self.study_id).sites:
            self.site_filter.addItem(info.name, info.name)
        self.site_filter.setCurrentIndex(max(0, self.site_filter.findData(site)))
        self.site_filter.blockSignals(False)
        self.proxy.set_filters(site=self.site_filter.currentData() or "")
        rows = participants.participant_rows(self.study_id)
        self.model.set_rows(rows)
        self.editor.reload_study()
        self.editor.set_groups([row.study_group for row in rows])
        self.actions.refresh()
        self._show_count()
        if selected is not None:
            self.select_participant(selected)

    def selected_participant_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.proxy.participant_id(index.row()) if index.isValid() else None

    def select_participant(self, participant_id: int) -> None:
        source_row = self.model.row_of(participant_id)
        if source_row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(source_row, CODE))
        if index.isValid():
            flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                     | QItemSelectionModel.SelectionFlag.Rows)
            self.table.selectionModel().setCurrentIndex(index, flags)
            self.table.scrollTo(index)

    def new_participant(self) -> None:
        if self.confirm_discard():
            self.editor.new_participant()
            self.actions.show_participant(None)

    def _edit_index(self, index: QModelIndex) -> None:
        participant_id = self.proxy.participant_id(index.row())
        if participant_id is not None and self.confirm_discard():
            self._open(participant_id)

    def edit_participant(self, participant_id: int) -> None:
        if self.confirm_discard():
            self.select_participant(participant_id)
            self._open(participant_id)

    def _open(self, participant_id: int) -> None:
        self.editor.edit_participant(participant_id)
        self.actions.show_participant(self.editor.record())

    def _saved(self, participant_id: int, message: str) -> None:
        self.model.set_rows(participants.participant_rows(self.study_id))
        self._show_count()
        self.select_participant(participant_id)
        self.actions.show_participant(self.editor.record())  # None after adding one
        self.status_message.emit(message)

    def erase_participant(self) -> None:
        """The GDPR right to erasure for the participant chosen in the list."""
        participant_id = self.selected_participant_id()
        if participant_id is None:
            self.status_message.emit(tr("privacy.no_selection"))
            return
        if not self.confirm_discard():
            return
        code = self.model.row_at(self.model.row_of(participant_id)).code
        if erasure_dialog.erase_participant(self, participant_id):
            self.editor.new_participant()
            self.actions.show_participant(None)
            self.refresh()
            self.status_message.emit(tr("privacy.erased", code=code))

    def show_audit_trail(self) -> None:
        """The Audit trail window narrowed to the participant chosen in the list."""
        participant_id = self.selected_participant_id()
        if participant_id is None:
            self.status_message.emit(tr("privacy.no_selection"))
            return
        code = self.model.row_at(self.model.row_of(participant_id)).code
        open_audit_window(self.window(), self.study_id, code)

    def confirm_discard(self) -> bool:
        """True when both forms may be left (each asks about its own unsaved input)."""
        return self.editor.confirm_discard() and self.actions.confirm_discard()

    def confirm_leave(self) -> bool:
        return self.confirm_discard()
