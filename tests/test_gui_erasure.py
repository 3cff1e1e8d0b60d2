"""Erasing a participant from the participants page, by keyboard: the dialog shows what goes,
refuses until the code is typed exactly, and the list no longer holds them afterwards."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from desktop.models.services import bridge, participants
from desktop.views.erasure_dialog import ErasureDialog
from desktop.views.participants_page import ParticipantsPage

PILLARS = ["gezinsstabiliteit", "sociaal_netwerk", "huisvesting", "opleiding", "gezondheid",
           "schulden", "sparen", "inkomen"]


@pytest.fixture
def page(qtbot, study, participant):
    participants.add_participant(study.id, participants.ParticipantInput(
        "AL-002", study.sites[0].id, "consented", dt.date(2018, 1, 9)))
    bridge.save_assessment(participant.id, study.moments[0].id, "2018-01-15",
                           dict.fromkeys(PILLARS, 2))
    widget = ParticipantsPage(study.id)
    widget.refresh()
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    return widget


def _type_in_dialog(qtbot, typed: list[str], seen: list[str]) -> None:
    """Answer the modal dialog by keyboard: each text in turn, then Return."""
    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ErasureDialog):
            QTimer.singleShot(20, answer)
            return
        seen.append(dialog.findChild(type(dialog.confirmation), "confirmation").text())
        for text in typed:
            dialog.confirmation.clear()
            qtbot.keyClicks(dialog.confirmation, text)
            seen.append(f"{text}:{dialog.erase_button.isEnabled()}")
        if dialog.erase_button.isEnabled():
            qtbot.keyClick(dialog.confirmation, Qt.Key.Key_Return)
        else:
            qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    QTimer.singleShot(0, answer)


def test_erase_by_keyboard_after_typing_the_code(qtbot, page, study, participant):
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Home)
    assert page.selected_participant_id() == participant.id
    seen: list[str] = []
    _type_in_dialog(qtbot, ["al-001", "AL-001"], seen)
    with qtbot.waitSignal(page.status_message) as shown:
        qtbot.keyClick(page.table, Qt.Key.Key_Delete,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert seen == ["", "al-001:False", "AL-001:True"]
    assert "AL-001" in shown.args[0] and "gewist" in shown.args[0]
    assert [row.code for row in participants.participant_rows(study.id)] == ["AL-002"]
    assert page.model.rowCount() == 1


def test_escape_erases_nothing(qtbot, page, study):
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Home)
    seen: list[str] = []
    _type_in_dialog(qtbot, ["AL-00"], seen)
    page.erase_participant()
    assert seen == ["", "AL-00:False"]
    assert len(participants.participant_rows(study.id)) == 2


def test_the_dialog_names_what_goes(qtbot, participant):
    dialog = ErasureDialog(participant.id)
    qtbot.addWidget(dialog)
    texts = " ".join(label.text() for label in dialog.findChildren(type(dialog.error)))
    assert "antwoorden: 0;" in texts and "AL-001" in texts and "niet ongedaan" in texts
    assert not dialog.erase_button.isEnabled()
