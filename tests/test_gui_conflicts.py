"""A colleague saved the participant being edited: the form's save shows both versions, and
each choice (keep mine, take theirs, back to the form) does what it says — by keyboard."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from desktop.models import audit
from desktop.models.database import current_database
from desktop.models.services import participants
from desktop.views.conflict_dialog import ConflictDialog
from desktop.views.participant_editor import ParticipantEditor


@pytest.fixture
def editor(qtbot, study, participant):
    widget = ParticipantEditor(study.id)
    qtbot.addWidget(widget)
    widget.show()
    widget.edit_participant(participant.id)
    yield widget
    audit.set_current_user(None)


def _colleague_saves(participant_id: int, group: str) -> None:
    """Another assistant's app, on a connection of its own."""
    def run() -> None:
        audit.set_current_user("bram")
        record = participants.get_participant(participant_id)
        data = participants.participant_input(record)
        data.study_group = group
        participants.update_participant(participant_id, data, expected_version=record.version)
        current_database().close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    audit.set_current_user(None)


def _answer(qtbot, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier,
            seen: list | None = None) -> None:
    def step() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ConflictDialog):
            QTimer.singleShot(20, step)
            return
        if seen is not None:
            seen.extend(tuple(dialog.table.item(row, column).text() for column in range(3))
                        for row in range(dialog.table.rowCount()))
        dialog.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
        qtbot.keyClick(QApplication.focusWidget() or dialog, key, modifier)

    QTimer.singleShot(0, step)


def _type_group(qtbot, editor, text: str) -> None:
    editor.study_group.clear()
    qtbot.keyClicks(editor.study_group, text)


def test_keep_mine_overwrites_on_purpose(qtbot, editor, participant):
    _type_group(qtbot, editor, "controle")
    _colleague_saves(participant.id, "beloning")
    seen: list[tuple[str, ...]] = []
    _answer(qtbot, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier, seen)
    assert editor.save() == participant.id
    assert seen == [("Groep", "controle", "beloning")]
    stored = participants.get_participant(participant.id)
    assert (stored.study_group, stored.version) == ("controle", 3)


def test_take_theirs_loads_their_version(qtbot, editor, participant):
    _type_group(qtbot, editor, "controle")
    _colleague_saves(participant.id, "beloning")
    _answer(qtbot, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    assert editor.save() is None
    assert editor.study_group.text() == "beloning"
    assert not editor.has_unsaved_changes()
    assert participants.get_participant(participant.id).version == 2


def test_escape_goes_back_with_the_typed_text_kept(qtbot, editor, participant):
    _type_group(qtbot, editor, "controle")
    _colleague_saves(participant.id, "beloning")
    _answer(qtbot, Qt.Key.Key_Escape)
    assert editor.save() is None
    assert editor.study_group.text() == "controle" and editor.has_unsaved_changes()
    assert participants.get_participant(participant.id).study_group == "beloning"
