"""Tools → Users (a lead's window): who works in this database, with their role. Add a
colleague's login name, make someone a lead or an assistant, deactivate someone who left.
Nobody is deleted: the audit trail keeps naming them. The service keeps one active lead."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.models.errors import BrugmeterError, ValidationError
from desktop.models.services import users
from desktop.models.services.users import UserInfo
from desktop.views.error_dialog import show_error
from desktop.views.rows_model import RowsTableModel
from desktop.views.widgets import error_label, set_up_list


class UsersModel(RowsTableModel[UserInfo]):
    HEADER_KEY = "users.dialog"
    COLUMN_KEYS = ("name", "role", "active", "added")

    def _display(self, row: UserInfo, column: int) -> str:
        return (row.name, tr(f"users.role.{row.role}"),
                tr("users.dialog.yes" if row.active else "users.dialog.no"),
                f"{row.added_by}, {row.added_at:%d-%m-%Y}")[column]


class UsersDialog(QDialog):
    """The list with its buttons, and a line to add someone; Enter in the name adds."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("users.dialog.title"))
        intro = QLabel(tr("users.dialog.intro"))
        intro.setWordWrap(True)
        self.model = UsersModel(self)
        self.table = QTableView()
        set_up_list(self.table, self.model)
        self.lead_button = QPushButton(tr("users.dialog.make_lead"))
        self.assistant_button = QPushButton(tr("users.dialog.make_assistant"))
        self.active_button = QPushButton(tr("users.dialog.deactivate"))
        row_buttons = QHBoxLayout()
        for button in (self.lead_button, self.assistant_button, self.active_button):
            button.setAutoDefault(False)
            row_buttons.addWidget(button)
        row_buttons.addStretch(1)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("name")
        self.role_box = QComboBox()
        for role in users.ROLES:
            self.role_box.addItem(tr(f"users.role.{role}"), role)
        self.add_button = QPushButton(tr("users.dialog.add"))
        self.add_button.setAutoDefault(False)
        self.error = error_label("name")
        form = QFormLayout()
        form.addRow(tr("users.dialog.new_name"), self.name_edit)
        form.addRow(tr("users.dialog.new_role"), self.role_box)
        self.status = QLabel()
        buttons = QDialogButtonBox()
        close = buttons.addButton(tr("users.dialog.close"),
                                  QDialogButtonBox.ButtonRole.RejectRole)
        close.setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(row_buttons)
        layout.addLayout(form)
        layout.addWidget(self.add_button)
        layout.addWidget(self.error)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(680, 440)
        self.lead_button.clicked.connect(lambda: self.set_role(users.LEAD))
        self.assistant_button.clicked.connect(lambda: self.set_role(users.ASSISTANT))
        self.active_button.clicked.connect(self.toggle_active)
        self.add_button.clicked.connect(self.add)
        self.name_edit.returnPressed.connect(self.add)
        buttons.rejected.connect(self.reject)
        self.reload()
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self._update_buttons()

    def reload(self, name: str | None = None) -> None:
        """The list again, with `name` (or the row chosen before) chosen."""
        chosen = name or (self.current().name if self.current() else None)
        self.model.set_rows(users.list_users())
        self.table.resizeColumnsToContents()
        names = [self.model.row_at(row).name for row in range(self.model.rowCount())]
        row = names.index(chosen) if chosen in names else 0
        if names:
            self.table.selectRow(row)
            self.table.setCurrentIndex(self.model.index(row, 0))
        self._update_buttons()

    def current(self) -> UserInfo | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _update_buttons(self) -> None:
        user = self.current()
        self.lead_button.setEnabled(user is not None and user.role != users.LEAD)
        self.assistant_button.setEnabled(user is not None and user.role != users.ASSISTANT)
        self.active_button.setEnabled(user is not None)
        self.active_button.setText(tr("users.dialog.deactivate" if user is None or user.active
                                      else "users.dialog.activate"))

    def add(self) -> None:
        role = self.role_box.currentData()
        try:
            users.add_user(self.name_edit.text(), role)
        except ValidationError as error:
            self.error.setText(error.message)
            self.error.setVisible(True)
            return
        except BrugmeterError as error:
            show_error(self, error)
            return
        name = self.name_edit.text().strip()
        self.error.setVisible(False)
        self.name_edit.clear()
        self.reload(name)
        self.status.setText(tr("users.dialog.added_status", name=name,
                               role=tr(f"users.role.{role}")))

    def set_role(self, role: str) -> None:
        user = self.current()
        if user is None or not self._done(lambda: users.set_role(user.name, role)):
            return
        self.status.setText(tr("users.dialog.changed_status", name=user.name,
                               role=tr(f"users.role.{role}")))

    def toggle_active(self) -> None:
        user = self.current()
        if user is None or not self._done(lambda: users.set_active(user.name, not user.active)):
            return
        self.status.setText(tr("users.dialog.inactive_status" if user.active
                               else "users.dialog.active_status", name=user.name))

    def _done(self, change) -> bool:
        """Make the change; a refusal (the last lead) is shown in the status line."""
        try:
            change()
        except BrugmeterError as error:
            self.status.setText(error.message)
            return False
        self.reload()
        return True


def show_users(window: QWidget, actions: dict) -> None:
    """Tools → Users; the window's lead-only actions follow a change of role."""
    from desktop.views.lead_only import restrict_window

    UsersDialog(window).exec()
    restrict_window(actions)
