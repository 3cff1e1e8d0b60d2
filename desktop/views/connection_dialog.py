"""File → Database connection…: a SQLite file on this computer, or a team's PostgreSQL server
(server, port, database, user, password), with "Test connection" giving the same one-line
message opening would. The dialog only collects; the shell opens (and remembers) the database.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop import paths
from desktop.i18n import tr
from desktop.models.database import check_connection
from desktop.models.errors import BrugmeterError, DatabaseOpenError
from desktop.models.pgpass import pgpass_path
from desktop.models.server import (
    DEFAULT_PORT,
    ServerAddress,
    is_server_url,
    parse_server_url,
)
from desktop.views import theme
from desktop.views.widgets import set_tab_chain


class ConnectionDialog(QDialog):
    """Choose the database; `target()` is what to open, `address()` the server, if any."""

    def __init__(self, current: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("team.title"))
        self.setMinimumWidth(560)
        self._build()
        self._load(current)

    # layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sqlite_radio = QRadioButton(tr("team.kind_sqlite"))
        self.server_radio = QRadioButton(tr("team.kind_server"))
        kinds = QButtonGroup(self)
        for radio in (self.sqlite_radio, self.server_radio):
            kinds.addButton(radio)
            radio.toggled.connect(self._kind_changed)

        self.file_edit = QLineEdit()
        self.browse_button = QPushButton(tr("team.browse"))
        self.browse_button.clicked.connect(self._browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.browse_button)
        self.file_form = QWidget()
        file_form = QFormLayout(self.file_form)
        file_form.addRow(self._label("team.file", self.file_edit), file_row)

        self.host_edit = QLineEdit()
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(DEFAULT_PORT)
        self.database_edit = QLineEdit()
        self.user_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember_check = QCheckBox(tr("team.remember"))
        self.remember_check.setToolTip(tr("team.remember_tip", file=pgpass_path()))
        self.server_form = QWidget()
        server_form = QFormLayout(self.server_form)
        for key, widget in (("team.host", self.host_edit), ("team.port", self.port_spin),
                            ("team.database", self.database_edit),
                            ("team.user", self.user_edit),
                            ("team.password", self.password_edit)):
            server_form.addRow(self._label(key, widget), widget)
        for edit in (self.file_edit, self.host_edit, self.database_edit, self.user_edit,
                     self.password_edit):
            edit.textEdited.connect(self.message.clear)  # an old verdict no longer holds
        server_form.addRow("", self.remember_check)

        self.test_button = QPushButton(tr("team.test"))
        self.test_button.clicked.connect(self.test_connection)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.open_button = self.buttons.addButton(tr("team.open"),
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.accepted.connect(self._open)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("team.kind")))
        layout.addWidget(self.sqlite_radio)
        layout.addWidget(self.file_form)
        layout.addWidget(self.server_radio)
        layout.addWidget(self.server_form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        set_tab_chain([self.sqlite_radio, self.file_edit, self.browse_button, self.server_radio,
                       self.host_edit, self.port_spin, self.database_edit, self.user_edit,
                       self.password_edit, self.remember_check, self.test_button,
                       self.open_button])
        self.open_button.setDefault(True)  # Enter in any field opens

    @staticmethod
    def _label(key: str, buddy: QWidget) -> QLabel:
        label = QLabel(tr(key))
        label.setBuddy(buddy)  # Alt+the underlined letter goes to the field
        return label

    def _load(self, current: str | None) -> None:
        address = None
        if current and is_server_url(current):
            try:
                address = parse_server_url(current)
            except DatabaseOpenError:
                address = None
        if address is not None:
            self.server_radio.setChecked(True)
            self.host_edit.setText(address.host)
            self.port_spin.setValue(address.port)
            self.database_edit.setText(address.database)
            self.user_edit.setText(address.user)
            self.password_edit.setText(address.password)
            self.password_edit.setFocus()
        else:
            self.sqlite_radio.setChecked(True)
            self.file_edit.setText(current or str(paths.default_database()))
            self.file_edit.setFocus()
        self._kind_changed()

    def _kind_changed(self) -> None:
        server = self.server_radio.isChecked()
        self.file_form.setEnabled(not server)
        self.server_form.setEnabled(server)
        self.message.clear()

    def _browse(self) -> None:
        start = self.file_edit.text().strip() or str(paths.data_dir())
        chosen, _ = QFileDialog.getSaveFileName(
            self, tr("team.title"), start, tr("team.file_filter"),
            options=QFileDialog.Option.DontConfirmOverwrite)
        if chosen:
            self.file_edit.setText(chosen)

    # what was chosen -----------------------------------------------------------------------
    def address(self) -> ServerAddress | None:
        """The server typed in (with its password), or None for a file."""
        if not self.server_radio.isChecked():
            return None
        return ServerAddress(self.host_edit.text().strip(), self.port_spin.value(),
                             self.database_edit.text().strip(), self.user_edit.text().strip(),
                             self.password_edit.text())

    @property
    def remember_password(self) -> bool:
        return self.server_radio.isChecked() and self.remember_check.isChecked()

    def target(self) -> str:
        """What to open: the file path, or the URL with the password (kept in memory only)."""
        address = self.address()
        if address is None:
            return str(Path(self.file_edit.text().strip()).expanduser())
        return address.url(with_password=True)

    def _missing_field(self) -> tuple[str, QWidget] | None:
        address = self.address()
        if address is None:
            return ("file", self.file_edit) if not self.file_edit.text().strip() else None
        for name, value, widget in (("host", address.host, self.host_edit),
                                    ("database", address.database, self.database_edit),
                                    ("user", address.user, self.user_edit)):
            if not value:
                return name, widget
        return None

    # actions -----------------------------------------------------------------------------
    def _complete(self) -> bool:
        missing = self._missing_field()
        if missing is None:
            return True
        name, widget = missing
        self._show(tr("team.required", field=tr(f"team.field.{name}")), ok=False)
        widget.setFocus()
        return False

    def test_connection(self) -> bool:
        """Connect once and say how it went, in the words opening would use."""
        if not self._complete():
            return False
        address = self.address()
        where = address.server if address else self.file_edit.text().strip()
        self._show(tr("team.testing", server=where), ok=None)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        QApplication.processEvents()
        try:
            check_connection(self.target())
        except BrugmeterError as error:
            self._show(error.message, ok=False)
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self._show(tr("team.test_ok", server=where), ok=True)
        self.open_button.setFocus()  # Enter now opens what was tested
        return True

    def _open(self) -> None:
        if self._complete():
            self.accept()

    def _show(self, text: str, ok: bool | None) -> None:
        """A message under the fields: green when it worked, red when not, plain meanwhile."""
        styles = {True: f"color: {theme.SUCCESS};", False: theme.error_style(), None: ""}
        self.message.setStyleSheet(styles[ok])
        self.message.setText(text)
