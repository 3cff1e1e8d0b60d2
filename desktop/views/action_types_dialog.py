"""The study's list of action types: add one (Dutch and English name), rename, mark rewardable,
delete. Each change goes through the actions service, which refuses what would make stored
actions wrong: a type in use cannot go, a type with rewards given stays rewardable."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.models.errors import ValidationError
from desktop.models.services import actions
from desktop.models.services.actions import ActionTypeInfo, ActionTypeInput
from desktop.views import error_dialog, shortcuts, theme
from desktop.views.action_table_model import (
    NAME_EN,
    NAME_NL,
    REWARDABLE,
    ActionTypeTableModel,
)
from desktop.views.widgets import (
    add_shortcut,
    ask_delete,
    ask_discard,
    error_label,
    set_tab_chain,
    set_up_list,
)


class ActionTypesDialog(QDialog):
    """In the list Enter opens a type, Insert starts a new one, Delete removes one; in the form
    Enter or Ctrl+S saves, Ctrl+Enter saves and starts the next new type."""

    FIELDS = ("name_nl", "name_en", "rewardable")

    def __init__(self, study_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("entry.action_types.title"))
        self.setMinimumSize(860, 460)
        self.resize(960, 500)
        self.study_id = study_id
        self._type_id: int | None = None
        self._snapshot: tuple[object, ...] = ()
        self.intro = QLabel(tr("entry.action_types.intro"))
        self.intro.setWordWrap(True)
        self.intro.setStyleSheet(f"color: {theme.GREY_700};")
        self.model = ActionTypeTableModel(self)
        self.table = QTableView()
        self.list_error = error_label("action_type")  # a refused delete, under the list
        self.heading = QLabel()
        self.heading.setStyleSheet(theme.heading_style())
        self.name_nl = QLineEdit()
        self.name_en = QLineEdit()
        self.name_en.setPlaceholderText(tr("entry.action_types.name_en_placeholder"))
        for edit in (self.name_nl, self.name_en):
            edit.setMaxLength(200)
            edit.setMinimumWidth(theme.FORM_FIELD_MIN_WIDTH)
            edit.returnPressed.connect(self._save_slot)
        self.rewardable = QCheckBox(tr("entry.action_types.rewardable"))
        self.errors = {name: error_label(name) for name in self.FIELDS}
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.new_button = self._button("new", shortcuts.NEW_RECORD)
        self.delete_button = self._button("delete", shortcuts.DELETE_ROW)
        self.save_button = self._button("save", shortcuts.SAVE)
        self.close_box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = self.close_box.button(QDialogButtonBox.StandardButton.Close)
        close.setText(tr("shell.close"))
        close.setAutoDefault(False)  # Enter in the list opens a type; it never closes
        self._build_layout()
        self._wire()
        self.load()
        self._new_form()

    def _button(self, name: str, key: shortcuts.Shortcut) -> QPushButton:
        button = QPushButton(tr(f"entry.action_types.{name}"))
        button.setToolTip(shortcuts.with_shortcut(tr(f"entry.action_types.{name}_tip"), key))
        button.setAutoDefault(False)
        return button

    def _build_layout(self) -> None:
        table = self.table
        set_up_list(table, self.model)
        table.setWordWrap(False)
        table.setMinimumWidth(500)
        header = table.horizontalHeader()
        for column in (NAME_NL, NAME_EN):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(REWARDABLE, QHeaderView.ResizeMode.ResizeToContents)
        list_label = QLabel(tr("entry.action_types.list"))
        list_label.setBuddy(table)
        list_buttons = QHBoxLayout()
        list_buttons.addWidget(self.new_button)
        list_buttons.addWidget(self.delete_button)
        list_buttons.addStretch(1)
        left = QVBoxLayout()
        for widget in (list_label, table, self.list_error):
            left.addWidget(widget)
        left.addLayout(list_buttons)
        form = QGridLayout()
        form.setVerticalSpacing(theme.SPACING_SMALL)
        for row, name in enumerate(("name_nl", "name_en")):
            label = QLabel(tr(f"entry.action_types.{name}"))
            label.setBuddy(self.field_widget(name))
            form.addWidget(label, 2 * row, 0)
            form.addWidget(self.field_widget(name), 2 * row, 1)
            form.addWidget(self.errors[name], 2 * row + 1, 1)
        form.addWidget(self.rewardable, 4, 1)
        form.addWidget(self.errors["rewardable"], 5, 1)
        right = QVBoxLayout()
        right.addWidget(self.heading)
        right.addLayout(form)
        right.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)
        right.addWidget(self.status)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.setSpacing(theme.SPACING_LARGE)
        columns.addLayout(left, 1)
        columns.addLayout(right)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(columns, 1)
        layout.addWidget(self.close_box)
        chain = [table, self.new_button, self.delete_button, self.name_nl, self.name_en,
                 self.rewardable, self.save_button, self.close_box]
        set_tab_chain(chain)

    def _wire(self) -> None:
        self.table.activated.connect(self._open_index)
        self.table.clicked.connect(self._open_index)
        self.new_button.clicked.connect(self.new_type)
        self.delete_button.clicked.connect(self.delete_current)
        self.save_button.clicked.connect(self._save_slot)
        self.close_box.rejected.connect(self.reject)
        widget_only = Qt.ShortcutContext.WidgetShortcut
        add_shortcut(self.table, shortcuts.INSERT_ROW, self.new_type, widget_only)
        add_shortcut(self.table, shortcuts.DELETE_ROW, self.delete_current, widget_only)
        add_shortcut(self, shortcuts.NEW_RECORD, self.new_type)
        add_shortcut(self, shortcuts.SAVE, self._save_slot)
        for key in (shortcuts.SAVE_AND_NEXT, shortcuts.SAVE_AND_NEXT_KEYPAD):
            add_shortcut(self, key, lambda: self.save(start_new=True))

    def field_widget(self, name: str) -> QWidget:
        """The input a ValidationError field name refers to."""
        return {"name_nl": self.name_nl, "name_en": self.name_en,
                "rewardable": self.rewardable}[name]

    def load(self) -> None:
        self.model.set_rows(actions.action_types(self.study_id))

    def _values(self) -> tuple[object, ...]:
        return self.name_nl.text(), self.name_en.text(), self.rewardable.isChecked()

    def has_unsaved_changes(self) -> bool:
        return self._values() != self._snapshot

    def new_type(self) -> None:
        if self.confirm_discard():
            self._new_form()

    def _new_form(self) -> None:
        self.table.clearSelection()
        self._fill(None, tr("entry.action_types.new_heading"), "", "", False)

    def _open_index(self, index: QModelIndex) -> None:
        info = self.model.row_at(index.row())
        if info.id != self._type_id and self.confirm_discard():
            self.edit_type(info)

    def edit_type(self, info: ActionTypeInfo) -> None:
        """The type's names (English empty when it only repeats the Dutch) and its flag."""
        dutch, english = info.text("nl"), info.text("en")
        self._fill(info.id, tr("entry.action_types.edit_heading", name=dutch), dutch,
                   "" if english == dutch else english, info.rewardable)

    def _fill(self, type_id: int | None, heading: str, dutch: str, english: str,
              rewardable: bool) -> None:
        self._type_id = type_id
        self.heading.setText(heading)
        self.name_nl.setText(dutch)
        self.name_en.setText(english)
        self.rewardable.setChecked(rewardable)
        self._clear_errors()
        self._snapshot = self._values()
        self.name_nl.setFocus(Qt.FocusReason.OtherFocusReason)

    def _clear_errors(self) -> None:
        for label in (*self.errors.values(), self.list_error):
            label.clear()
            label.setVisible(False)

    def show_error(self, error: ValidationError) -> None:
        """Under the field the service named, or under the list for a refused delete."""
        self._clear_errors()
        label = self.errors.get(error.field, self.list_error)
        label.setText(error.message)
        label.setVisible(True)
        if error.field in self.errors:
            self.field_widget(error.field).setFocus(Qt.FocusReason.OtherFocusReason)

    def _save_slot(self) -> None:
        self.save()

    def save(self, start_new: bool = False) -> None:
        data = ActionTypeInput(self.name_nl.text(), self.name_en.text(),
                               self.rewardable.isChecked())
        type_id, stored = self._type_id, []
        if not error_dialog.call_service(self, lambda: stored.append(
                actions.save_action_type(self.study_id, data, type_id)), self.show_error):
            return
        self.load()
        info = self.model.row_at(self.model.row_of(stored[0]))
        if start_new:
            self._new_form()
        else:
            self.table.selectRow(self.model.row_of(info.id))
            self.edit_type(info)
        self.status.setText(tr("entry.action_types.saved", name=info.text()))

    def delete_current(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            return
        info = self.model.row_at(index.row())
        if not self.confirm_delete(tr("entry.action_types.delete_question", name=info.text())):
            return
        if not error_dialog.call_service(
                self, lambda: actions.delete_action_type(self.study_id, info.id),
                self.show_error):
            return
        self.load()
        self._clear_errors()
        if info.id == self._type_id:  # its form would only save it again
            self._new_form()
        self.status.setText(tr("entry.action_types.deleted", name=info.text()))

    def confirm_delete(self, question: str) -> bool:
        return ask_delete(self, question)

    def confirm_discard(self) -> bool:
        return not self.has_unsaved_changes() or self.ask_discard()

    def ask_discard(self) -> bool:
        return ask_discard(self, tr("entry.action_types.unsaved"))

    def reject(self) -> None:
        """Escape and Close ask first when a name typed is not saved."""
        if self.confirm_discard():
            super().reject()
