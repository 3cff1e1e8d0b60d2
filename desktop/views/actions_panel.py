"""The Actions part of the participants page: the open participant's goal-action plan as a
table beside the action form, and the way to the study's list of action types."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedLayout,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.models.services import actions
from desktop.models.services.actions import ActionRecord
from desktop.models.services.instrument_library import study_instrument
from desktop.models.services.participants import ParticipantRecord
from desktop.views import error_dialog, shortcuts, theme
from desktop.views.action_editor import ActionEditor
from desktop.views.action_table_model import (
    ACTION_TYPE,
    AGREED,
    DAYS,
    DONE,
    PILLAR,
    REWARD,
    ActionTableModel,
)
from desktop.views.action_types_dialog import ActionTypesDialog
from desktop.views.lead_only import restrict
from desktop.views.reason_dialog import ask_reason
from desktop.views.rows_model import ID_ROLE, SORT_ROLE
from desktop.views.widgets import (
    add_shortcut,
    ask_discard,
    format_date,
    set_column_widths,
    set_tab_chain,
    set_up_list,
)

# Every column but the action type, which takes the room left.
_COLUMN_WIDTHS = {PILLAR: 100, AGREED: 80, DONE: 80, DAYS: 44, REWARD: 126}


class ActionsPanel(QWidget):
    """A placeholder until a participant is opened, then their plan. The plan is built at that
    moment: reading the action types writes the study's template list the first time, which a
    page used only to add participants should not do."""

    status_message = Signal(str)

    def __init__(self, study_id: int, tab_after: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.study_id = study_id
        self._tab_after = tab_after  # the plan's inputs follow it in the Tab order
        self.plan: ActionPlan | None = None
        self.placeholder = QLabel(tr("entry.actions.no_participant",
                                     types=shortcuts.shortcut_text(shortcuts.EDIT_ACTION_TYPES)))
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet(f"color: {theme.GREY_700};")
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self.placeholder)
        add_shortcut(self, shortcuts.EDIT_ACTION_TYPES, self.edit_action_types,
                     Qt.ShortcutContext.WindowShortcut)

    def show_participant(self, participant: ParticipantRecord | None) -> None:
        """The plan of the participant open in the participant form; None: the placeholder."""
        if participant is None:
            if self.plan is not None:
                self.plan.close_participant()
            self._stack.setCurrentWidget(self.placeholder)
            return
        if self.plan is None:
            self.plan = ActionPlan(self.study_id)
            self.plan.status_message.connect(self.status_message)
            self.plan.types_button.clicked.connect(self.edit_action_types)
            self._stack.addWidget(self.plan)
            self.plan.chain_after(self._tab_after)
        self.plan.open_participant(participant)
        self._stack.setCurrentWidget(self.plan)

    def refresh(self) -> None:
        if self.plan is not None:
            self.plan.reload()

    def confirm_discard(self) -> bool:
        return self.plan is None or self.plan.confirm_discard()

    def edit_action_types(self) -> None:
        """The types dialog; afterwards the form's list and the table show the new names."""
        ActionTypesDialog(self.study_id, self).exec()
        self.refresh()


class ActionPlan(QWidget):
    """One participant's actions: in the table Enter opens, Insert adds, Delete removes; in the
    form Ctrl+S saves, Ctrl+Enter saves and starts the next action; Ctrl+N starts one."""

    status_message = Signal(str)

    def __init__(self, study_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.study_id = study_id
        self._participant: ParticipantRecord | None = None
        self._pillars: dict[str, str] = {}
        self.heading = QLabel()
        self.heading.setStyleSheet(theme.heading_style())
        self.model = ActionTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.new_button = QPushButton(tr("entry.actions.new"))
        self.new_button.setToolTip(shortcuts.with_shortcut(tr("entry.actions.new_tip"),
                                                           shortcuts.NEW_RECORD))
        self.delete_button = QPushButton(tr("entry.actions.delete"))
        self.delete_button.setToolTip(shortcuts.with_shortcut(tr("entry.actions.delete_tip"),
                                                              shortcuts.DELETE_ROW))
        restrict(self.delete_button)  # deleting: a lead's task
        self.types_button = QPushButton(tr("entry.actions.types"))
        self.types_button.setToolTip(shortcuts.with_shortcut(tr("entry.actions.types_tip"),
                                                             shortcuts.EDIT_ACTION_TYPES))
        self.editor = ActionEditor()
        self._build_layout()
        self._wire()

    def _build_layout(self) -> None:
        table = self.table
        set_up_list(table, self.proxy, AGREED, fixed_rows=True)
        table.horizontalHeader().setSectionResizeMode(ACTION_TYPE, QHeaderView.ResizeMode.Stretch)
        set_column_widths(table, _COLUMN_WIDTHS, padding=20)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.types_button)
        left = QVBoxLayout()
        left.addWidget(self.heading)
        left.addWidget(table, 1)
        left.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, theme.SPACING, 0, 0)
        layout.setSpacing(theme.SPACING_LARGE)
        layout.addLayout(left, 1)
        layout.addWidget(self.editor)  # as narrow as its fields allow: the table needs room

    def _wire(self) -> None:
        self.table.activated.connect(self._open_index)
        self.table.clicked.connect(self._open_index)
        self.new_button.clicked.connect(self.new_action)
        self.delete_button.clicked.connect(self.delete_current)
        self.editor.saved.connect(self._saved)
        add_shortcut(self, shortcuts.NEW_RECORD, self.new_action)
        add_shortcut(self, shortcuts.SAVE, self.editor.save)
        for key in (shortcuts.SAVE_AND_NEXT, shortcuts.SAVE_AND_NEXT_KEYPAD):
            add_shortcut(self, key, lambda: self.editor.save(start_new=True))
        widget_only = Qt.ShortcutContext.WidgetShortcut
        add_shortcut(self.table, shortcuts.INSERT_ROW, self.new_action, widget_only)
        add_shortcut(self.table, shortcuts.DELETE_ROW, self.delete_current, widget_only)

    def chain_after(self, previous: QWidget) -> None:
        """Tab goes from `previous` to the table, through the form, then to the buttons."""
        chain = [previous, self.table, *self.editor.tab_chain(), self.new_button,
                 self.delete_button, self.types_button]
        set_tab_chain(chain)

    def open_participant(self, participant: ParticipantRecord) -> None:
        """Show a participant's plan; the same participant again keeps what the form holds."""
        same = self._participant is not None and self._participant.id == participant.id
        self._participant = participant
        self.reload()
        if not same:
            self.editor.set_participant(participant.id)

    def close_participant(self) -> None:
        """Nothing open any more (the user chose to discard whatever the form held)."""
        self._participant = None
        self.editor.set_participant(None)

    def reload(self) -> None:
        """Types, pillars and rows anew from the services; what the form holds stays."""
        bridge = study_instrument(self.study_id)[1]  # every study has one
        self._pillars = {item.key: item.text() for item in bridge.items}
        self.editor.set_choices(actions.action_types(self.study_id), self._pillars)
        self._reload_rows()

    def _reload_rows(self) -> None:
        if self._participant is None:
            return
        rows = actions.participant_actions(self._participant.id)
        self.model.set_actions(rows, self._pillars)
        self.heading.setText(tr("entry.actions.heading", code=self._participant.code,
                                count=len(rows),
                                open=sum(row.done_on is None for row in rows)))
        self.delete_button.setEnabled(bool(rows))

    def _record_at(self, index: QModelIndex) -> ActionRecord:
        return self.model.row_at(self.proxy.mapToSource(index).row())

    def _open_index(self, index: QModelIndex) -> None:
        """Enter or a click opens the action in the form (asking about unsaved input)."""
        opened = self.editor.record()
        if opened is not None and opened.id == index.data(ID_ROLE):
            return
        if self.confirm_discard():
            self.editor.edit_action(self._record_at(index))

    def _select(self, action_id: int) -> None:
        index = self.proxy.mapFromSource(self.model.index(self.model.row_of(action_id), 0))
        if index.isValid():
            flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                     | QItemSelectionModel.SelectionFlag.Rows)
            self.table.selectionModel().setCurrentIndex(index, flags)
            self.table.scrollTo(index)

    def new_action(self) -> None:
        if self.confirm_discard():
            self.table.clearSelection()
            self.editor.new_action()

    def _saved(self, action_id: int, start_new: bool) -> None:
        """Ctrl+S keeps the saved action in the form; Ctrl+Enter starts the next one, on the
        same date agreed."""
        self._reload_rows()
        record = self.model.row_at(self.model.row_of(action_id))
        self.status_message.emit(tr(
            "entry.action.saved", code=self._participant.code if self._participant else "",
            action_type=record.action_type, agreed_on=format_date(record.agreed_on)))
        if start_new:
            self.table.clearSelection()
            self.editor.new_action(agreed_on=record.agreed_on.isoformat())
        else:
            self._select(action_id)
            self.editor.edit_action(record)

    def delete_current(self) -> None:
        """Delete the table's current action once the user confirms."""
        index = self.table.currentIndex()
        if not index.isValid():
            return
        record = self._record_at(index)
        words = {"action_type": record.action_type, "agreed_on": format_date(record.agreed_on)}
        reason = self.delete_reason(tr("entry.actions.delete_question", **words))
        if reason is None:
            return
        if not error_dialog.call_service(self, lambda: actions.delete_action(record.id, reason),
                                         self.editor.show_error):
            return
        opened = self.editor.record()
        self._reload_rows()
        if opened is not None and opened.id == record.id:
            self.editor.new_action()
        self.status_message.emit(tr("entry.actions.deleted", **words))

    def delete_reason(self, question: str) -> str | None:
        """Why the action is deleted, or None to keep it."""
        return ask_reason(self, question)

    def confirm_discard(self) -> bool:
        """True when the form may be left: nothing unsaved, or the user chose to discard."""
        return not self.editor.has_unsaved_changes() or self.ask_discard()

    def ask_discard(self) -> bool:
        return ask_discard(self, tr("entry.actions.unsaved"))
