"""A colleague saved the participant being edited: the form's save shows both versions, and
each choice (keep mine, take theirs, back to the form) does what it says — by keyboard."""

from __future__ import annotations

import threading

import pytest
from helpers.conflict_answers import answer_conflict

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


def _type_group(qtbot, editor, text: str) -> None:
    editor.study_group.clear()
    qtbot.keyClicks(editor.study_group, text)


def test_the_choices_have_mnemonics_and_back_to_the_form_is_the_default(qtbot, participant):
    from desktop.models.services.conflicts import ConflictError, Difference

    dialog = ConflictDialog(ConflictError("code", version=2, changed_by="bram", changed_at=None,
                                          differences=(Difference("x", "X", "a", "b"),)))
    qtbot.addWidget(dialog)
    texts = [b.text() for b in (dialog.theirs_button, dialog.mine_button, dialog.editing_button)]
    assert texts == ["&Hun versie nemen", "&Mijn invoer houden", "&Terug naar het formulier"]
    assert dialog.editing_button.isDefault()


def test_keep_mine_overwrites_on_purpose(qtbot, editor, participant):
    _type_group(qtbot, editor, "controle")
    _colleague_saves(participant.id, "beloning")
    seen: list[list[tuple[str, ...]]] = []
    answer_conflict(qtbot, "mine", seen)
    assert editor.save() == participant.id
    assert seen == [[("Groep", "controle", "beloning")]]
    stored = participants.get_participant(participant.id)
    assert (stored.study_group, stored.version) == ("controle", 3)


def test_take_theirs_loads_their_version(qtbot, editor, participant):
    _type_group(qtbot, editor, "controle")
    _colleague_saves(participant.id, "beloning")
    answer_conflict(qtbot, "theirs")
    assert editor.save() is None
    assert editor.study_group.text() == "beloning"
    assert not editor.has_unsaved_changes()
    assert participants.get_participant(participant.id).version == 2


def test_escape_goes_back_with_the_typed_text_kept(qtbot, editor, participant):
    _type_group(qtbot, editor, "controle")
    _colleague_saves(participant.id, "beloning")
    answer_conflict(qtbot, "escape")
    assert editor.save() is None
    assert editor.study_group.text() == "controle" and editor.has_unsaved_changes()
    assert participants.get_participant(participant.id).study_group == "beloning"
