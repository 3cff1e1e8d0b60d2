"""Tools → Deleted records (a lead's window): the study's recycle bin, newest first, with the
reason and who deleted what; Restore puts the chosen record back with its parts and original
ids, or says why it cannot (its participant is gone, or its place has been taken)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.models.errors import BrugmeterError
from desktop.models.services import recycle_bin
from desktop.models.services.recycle_bin import DeletedInfo
from desktop.views.rows_model import RowsTableModel
from desktop.views.widgets import set_up_list


class DeletedModel(RowsTableModel[DeletedInfo]):
    HEADER_KEY = "users.bin"
    COLUMN_KEYS = ("what", "code", "detail", "reason", "by", "at")

    def _display(self, row: DeletedInfo, column: int) -> str:
        return (tr(f"users.table.{row.table}"), row.code, row.detail, row.reason,
                row.deleted_by, f"{row.deleted_at:%d-%m-%Y %H:%M}")[column]


class DeletedRecordsDialog(QDialog):
    """The bin as a list; Enter or Alt+T restores the chosen record. `restored` tells the
    window its pages should reload."""

    restored = Signal(str)

    def __init__(self, study_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.study_id = study_id
        self.setWindowTitle(tr("users.bin.title"))
        intro = QLabel(tr("users.bin.intro"))
        intro.setWordWrap(True)
        self.model = DeletedModel(self)
        self.table = QTableView()
        set_up_list(self.table, self.model)
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.restore_button = QPushButton(tr("users.bin.restore"))
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(tr("users.bin.close"), QDialogButtonBox.ButtonRole.RejectRole)
        close.setAutoDefault(False)
        self.restore_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(980, 420)
        self.restore_button.clicked.connect(self.restore)
        self.table.activated.connect(lambda _index: self.restore())
        buttons.rejected.connect(self.reject)
        self.reload()

    def reload(self) -> None:
        self.model.set_rows(recycle_bin.deleted_records(self.study_id))
        self.table.resizeColumnsToContents()
        if self.model.rowCount():
            self.table.selectRow(0)
            self.table.setCurrentIndex(self.model.index(0, 0))
        else:
            self.status.setText(tr("users.bin.empty"))
        self.restore_button.setEnabled(self.model.rowCount() > 0)
        self.table.setFocus()

    def restore(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            return
        chosen = self.model.row_at(index.row())
        try:
            recycle_bin.restore(chosen.id)
        except BrugmeterError as error:
            self.status.setText(error.message)
            return
        message = tr("users.bin.restored", what=tr(f"users.table.{chosen.table}"),
                     code=chosen.code)
        self.reload()
        self.status.setText(message)
        self.restored.emit(message)


def show_deleted_records(window: QWidget, study_id: int, restored) -> None:
    """Tools → Deleted records; `restored(message)` after each record put back."""
    dialog = DeletedRecordsDialog(study_id, window)
    dialog.restored.connect(restored)
    dialog.exec()
