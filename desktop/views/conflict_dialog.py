"""When a colleague saved the record being edited: both versions side by side, and the user
chooses — keep theirs, keep mine on purpose, or go back to the form. Never a silent overwrite."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.models.services.conflicts import ConflictError


class Resolution(Enum):
    KEEP_MINE = "mine"
    TAKE_THEIRS = "theirs"
    KEEP_EDITING = "editing"


class ConflictDialog(QDialog):
    """Escape goes back to the form with everything typed still there."""

    def __init__(self, conflict: ConflictError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("conflict.title"))
        self.resolution = Resolution.KEEP_EDITING
        when = conflict.changed_at.strftime("%d-%m-%Y %H:%M") if conflict.changed_at else "?"
        heading = QLabel(tr("conflict.heading", user=conflict.changed_by or "?", when=when))
        heading.setWordWrap(True)
        self.table = QTableWidget(len(conflict.differences), 3)
        self.table.setHorizontalHeaderLabels(
            [tr("conflict.column.field"), tr("conflict.column.mine"),
             tr("conflict.column.theirs", user=conflict.changed_by or "?")])
        for row, difference in enumerate(conflict.differences):
            for column, text in enumerate((difference.label, difference.mine,
                                           difference.theirs)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        if not conflict.differences:
            self.table.hide()
            heading.setText(heading.text() + " " + tr("conflict.no_differences"))
        buttons = QDialogButtonBox()
        self.theirs_button = buttons.addButton(tr("conflict.take_theirs"),
                                               QDialogButtonBox.ButtonRole.RejectRole)
        self.mine_button = buttons.addButton(tr("conflict.keep_mine"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.editing_button = buttons.addButton(tr("conflict.keep_editing"),
                                                QDialogButtonBox.ButtonRole.ResetRole)
        for button in (self.theirs_button, self.mine_button, self.editing_button):
            button.setAutoDefault(False)
        self.editing_button.setDefault(True)
        self.theirs_button.clicked.connect(lambda: self._choose(Resolution.TAKE_THEIRS))
        self.mine_button.clicked.connect(lambda: self._choose(Resolution.KEEP_MINE))
        self.editing_button.clicked.connect(lambda: self._choose(Resolution.KEEP_EDITING))
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(QLabel(tr("conflict.explain")))
        layout.addWidget(buttons)
        self.resize(640, 200 + 28 * min(len(conflict.differences), 12))
        self.editing_button.setFocus()

    def _choose(self, resolution: Resolution) -> None:
        self.resolution = resolution
        self.accept() if resolution is not Resolution.KEEP_EDITING else self.reject()


def ask(parent: QWidget | None, conflict: ConflictError) -> Resolution:
    dialog = ConflictDialog(conflict, parent)
    dialog.exec()
    return dialog.resolution


def save_resolving_conflicts(parent: QWidget, save: Callable[[int | None], object],
                             expected_version: int | None,
                             reload: Callable[[], None]) -> bool:
    """Save from the version the form opened; on a conflict ask, then save over theirs (from
    the version shown), load theirs into the form, or leave the form as it is. True when the
    user's version was stored. Other refusals propagate to the form's own handling."""
    while True:
        try:
            save(expected_version)
            return True
        except ConflictError as conflict:
            resolution = ask(parent, conflict)
            if resolution is Resolution.KEEP_MINE:
                expected_version = conflict.version  # another save meanwhile asks again
                continue
            if resolution is Resolution.TAKE_THEIRS:
                reload()
            return False
