"""Answering the conflict dialog from a test: its exec() blocks, so a timer waits for it and
presses a key. Offscreen, a mnemonic (Alt+letter) fires only in the active window, which a
modal dialog may not become, so the button is reached by keyboard focus and Space instead;
a dialog still open after a few seconds is closed, so a broken answer fails the test rather
than hanging the run."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from desktop.views.conflict_dialog import ConflictDialog

BUTTONS = {"mine": "mine_button", "theirs": "theirs_button"}


def answer_conflict(qtbot, choice: str, seen: list | None = None, patience: float = 5.0) -> None:
    """Press `choice` ("mine", "theirs", or "escape") in the next conflict dialog; the rows it
    showed (field, mine, theirs) go into `seen`."""
    deadline = time.monotonic() + patience

    def step() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ConflictDialog):
            if time.monotonic() < deadline:
                QTimer.singleShot(20, step)
            return
        if seen is not None:
            seen.append([tuple(dialog.table.item(row, column).text() for column in range(3))
                         for row in range(dialog.table.rowCount())])
        if choice == "escape":
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        else:
            button = getattr(dialog, BUTTONS[choice])
            button.setFocus()
            qtbot.keyClick(button, Qt.Key.Key_Space)
        if dialog.isVisible():
            dialog.reject()  # the key did nothing: let the assertions say so

    QTimer.singleShot(0, step)
