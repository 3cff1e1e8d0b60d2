"""File → Back up now, File → Restore… and the backup folder: the dialogs around
desktop/models/backups.py, and the hourly check that makes the daily backup in a long session.

A restore replaces the database file, so the window's owner (the Shell in desktop/app.py)
closes the database through restore_with_dialog and opens it again afterwards.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QObject, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.models import backups
from desktop.models.database import close_database, current_database, is_url
from desktop.models.errors import BrugmeterError
from desktop.models.services import users
from desktop.views import error_dialog, theme, widgets
from desktop.views.rows_model import RowsTableModel

if TYPE_CHECKING:
    from desktop.views.main_window import MainWindow

log = logging.getLogger(__name__)

HOUR_MS = 60 * 60 * 1000


# back up now ---------------------------------------------------------------------------------
def back_up_now(window: MainWindow) -> Path | None:
    """A backup of the open database now; says where it went (or why it could not)."""
    try:
        written = backups.backup_open_database()
    except BrugmeterError as error:
        error_dialog.show_error(window, error)
        return None
    window.show_status(tr("backup_gui.written_status", name=written.name))
    QMessageBox.information(window, tr("backup_gui.written_title"),
                            tr("backup_gui.written", path=written))
    return written


def hourly_backup_timer(parent: QObject, window: Callable[[], MainWindow | None]) -> QTimer:
    """Every hour: the daily backup, when a day has passed since the newest one (an app left
    open for days still makes one a day)."""
    timer = QTimer(parent)
    timer.setInterval(HOUR_MS)

    def check() -> None:
        shown = window()
        try:
            written = backups.automatic_backup(current_database())
        except BrugmeterError as error:
            log.warning("daily backup failed: %s", error.key)
            if shown is not None:
                shown.show_status(tr("backup_gui.automatic_failed", message=error.message))
            return
        if written is not None and shown is not None:
            shown.show_status(tr("backup_gui.automatic_status", name=written.name))

    timer.timeout.connect(check)
    timer.start()
    return timer


# the backup folder ---------------------------------------------------------------------------
class BackupFolderDialog(QDialog):
    """Where backups go: a folder typed or chosen, or back to the default beside the database."""

    def __init__(self, database_file: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("backup_gui.folder_title"))
        self.database_file = database_file
        intro = QLabel(tr("backup_gui.folder_intro"))
        intro.setWordWrap(True)
        self.folder_edit = QLineEdit(str(backups.backup_folder(database_file)))
        label = QLabel(tr("backup_gui.folder_label"))
        label.setBuddy(self.folder_edit)
        self.choose_button = QPushButton(tr("backup_gui.choose"))
        self.choose_button.clicked.connect(self.choose)
        self.default_button = QPushButton(tr("backup_gui.use_default"))
        self.default_button.clicked.connect(self.use_default)
        for button in (self.choose_button, self.default_button):
            button.setAutoDefault(False)  # Enter anywhere in the dialog means OK
        self.error = widgets.error_label("folder")
        row = QHBoxLayout()
        for widget in (label, self.folder_edit, self.choose_button, self.default_button):
            row.addWidget(widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(640, self.sizeHint().height())

    def choose(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, tr("backup_gui.folder_title"),
                                                  self.folder_edit.text())
        if chosen:
            self.folder_edit.setText(chosen)

    def use_default(self) -> None:
        self.folder_edit.setText(str(self.database_file.parent / "backups"))

    def accept(self) -> None:
        """Store the folder (made when missing); an unusable one is said under the field."""
        text = self.folder_edit.text().strip()
        default = self.database_file.parent / "backups"
        folder = Path(text).expanduser() if text else default
        try:
            backups.set_backup_folder(None if folder == default else folder)
        except BrugmeterError as error:
            self.error.setText(error.message)
            self.error.setVisible(True)
            self.folder_edit.setFocus()
            return
        super().accept()


def choose_backup_folder(window: MainWindow) -> None:
    try:
        database_file = backups.open_database_file()
    except BrugmeterError as error:  # a server database: pg_dump's job
        error_dialog.show_error(window, error)
        return
    BackupFolderDialog(database_file, window).exec()


# restore -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BackupRow:
    id: int
    path: Path
    kind: str | None
    made: str
    size: int
    participants: str


class BackupTableModel(RowsTableModel[BackupRow]):
    HEADER_KEY = "backup_gui.column"
    COLUMN_KEYS = ("made", "kind", "size", "participants", "file")
    RIGHT_ALIGNED = frozenset({2, 3})

    def _display(self, row: BackupRow, column: int) -> str:
        return (row.made, backups.kind_label(row.kind), backups.size_text(row.size),
                row.participants, row.path.name)[column]


def _row(number: int, path: Path) -> BackupRow:
    """A list row; what cannot be read shows as "?" (the check says why when it is chosen)."""
    parsed = backups.parse_name(path.name)
    try:
        held = backups.describe(path)
    except BrugmeterError:
        made = parsed.made_at.strftime(backups.SHOWN) if parsed else "?"
        size = path.stat().st_size if path.is_file() else 0
        return BackupRow(number, path, parsed.kind if parsed else None, made, size, "?")
    return BackupRow(number, path, held.kind, held.made_at.strftime(backups.SHOWN), held.size,
                     str(held.participants))


class RestoreDialog(QDialog):
    """The database's backups, newest first; the chosen one is checked before Restore can be
    pressed, and Restore asks once more (louder when it would bring back erased data)."""

    def __init__(self, database_file: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("backup_gui.restore_title"))
        self.database_file = database_file
        self.chosen: Path | None = None
        self.bring_back_erased = False
        self._checked: backups.BackupContents | None = None
        self._checks: dict[Path, backups.BackupContents | BrugmeterError] = {}
        folder = backups.backup_folder(database_file)
        intro = QLabel(tr("backup_gui.restore_intro", database=database_file, folder=folder))
        intro.setWordWrap(True)
        self.model = BackupTableModel(self)
        self.model.set_rows([_row(number, backup.path) for number, backup in
                             enumerate(backups.list_backups(database_file))])
        self.table = QTableView()
        widgets.set_up_list(self.table, self.model)
        widgets.set_column_widths(self.table, {0: 130, 1: 170, 2: 80, 3: 90, 4: 260}, 24)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.check_label = QLabel(tr("backup_gui.none", folder=folder)
                                  if not self.model.rowCount() else "")
        self.check_label.setWordWrap(True)
        self.other_button = QPushButton(tr("backup_gui.other_file"))
        self.other_button.setAutoDefault(False)
        self.other_button.clicked.connect(self.choose_file)
        buttons = QDialogButtonBox()
        self.restore_button = buttons.addButton(tr("backup_gui.restore_button"),
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(False)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        footer = QHBoxLayout()
        footer.addWidget(self.other_button)
        footer.addStretch(1)
        footer.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.check_label)
        layout.addLayout(footer)
        self.resize(800, 460)
        if self.model.rowCount():
            self.table.selectRow(0)
        self.table.setFocus()

    def choose_file(self) -> None:
        """A backup from elsewhere (a USB stick, a colleague): added on top and checked."""
        chosen, _ = QFileDialog.getOpenFileName(
            self, tr("backup_gui.choose_backup_title"),
            str(backups.backup_folder(self.database_file)), tr("backup_gui.file_filter"))
        if chosen:
            self.add_file(Path(chosen))

    def add_file(self, path: Path) -> None:
        rows = [_row(0, path)] + [BackupRow(row.id + 1, row.path, row.kind, row.made, row.size,
                                            row.participants)
                                  for row in (self.model.row_at(number)
                                              for number in range(self.model.rowCount()))]
        self.model.set_rows(rows)
        self.table.selectRow(0)
        self.table.setFocus()

    def _selected(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        self._checked = None
        if not rows:
            self.check_label.clear()
        else:
            path = self.model.row_at(rows[0].row()).path
            try:
                self._checked = self._check(path)
            except BrugmeterError as error:
                self.check_label.setStyleSheet(theme.error_style())
                self.check_label.setText(tr("backup_gui.refused", message=error.message))
            else:
                self.check_label.setStyleSheet("")
                self.check_label.setText(tr("backup_gui.checked",
                                            holds=backups.contents_text(self._checked)))
        self.restore_button.setEnabled(self._checked is not None)
        self.restore_button.setDefault(self._checked is not None)

    def _check(self, path: Path) -> backups.BackupContents:
        """A backup's check, once per backup while the dialog is open: an integrity check of a
        large file takes seconds, and arrowing through the list must not repeat it."""
        known = self._checks.get(path)
        if isinstance(known, BrugmeterError):
            raise known
        if known is None:
            try:
                known = self._checks[path] = backups.check_backup(path)
            except BrugmeterError as error:
                self._checks[path] = error
                raise
        return known

    def accept(self) -> None:
        """Ask before replacing; the erasure warning, when there is one, is part of the question."""
        if self._checked is None:
            return
        question = tr("backup_gui.confirm", database=self.database_file,
                      made=self._checked.made_at.strftime(backups.SHOWN),
                      folder=backups.backup_folder(self.database_file))
        erased = backups.erasures_since(self._checked.path, self.database_file)
        if erased:
            question += "\n\n" + tr("backup.erased_data", count=len(erased),
                                    latest=erased[-1].strftime(backups.SHOWN))
        if not _ask_restore(self, question, warn=bool(erased)):
            return
        self.chosen, self.bring_back_erased = self._checked.path, bool(erased)
        super().accept()


def _ask_restore(parent: QWidget, question: str, warn: bool) -> bool:
    """Restore / keep the current database; keeping is the default and Escape."""
    icon = QMessageBox.Icon.Warning if warn else QMessageBox.Icon.Question
    box = QMessageBox(icon, tr("backup_gui.restore_title"), question,
                      QMessageBox.StandardButton.NoButton, parent)
    restore = box.addButton(tr("backup_gui.restore_button"), QMessageBox.ButtonRole.AcceptRole)
    keep = box.addButton(tr("backup_gui.keep"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    return box.clickedButton() is restore


def restore_with_dialog(window: MainWindow, database: str) -> str | None:
    """File → Restore…: choose and confirm, close the database, restore. None when nothing was
    closed (cancelled, or a server database); else the status to show once the caller has
    opened the database again (after a failed restore: the same, untouched file)."""
    if is_url(database):
        error_dialog.show_error(window, backups.BackupError("backup.not_sqlite"))
        return None
    try:
        users.require_lead()  # restoring a backup is a lead's task
    except BrugmeterError as error:
        error_dialog.show_error(window, error)
        return None
    target = Path(database)
    dialog = RestoreDialog(target, window)
    if not dialog.exec() or dialog.chosen is None:
        return None
    close_database()
    try:
        result = backups.restore(dialog.chosen, target, bring_back_erased=dialog.bring_back_erased)
    except BrugmeterError as error:
        error_dialog.show_error(window, error)
        return error.message
    kept = result.kept_aside.name if result.kept_aside else "–"
    return tr("backup_gui.restored_status",
              made=result.restored.made_at.strftime(backups.SHOWN), name=kept)
