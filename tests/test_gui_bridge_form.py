"""The Bridge form and page typed as an assistant does: keys only, checked in the database."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

from desktop import i18n
from desktop.models.services import bridge, instrument_library, participants
from desktop.views.bridge_form import BridgeForm
from desktop.views.bridge_page import BridgePage

LEVELS = "34251524"  # one digit per pillar, as on the paper form


class Typist:
    """Sends every key to the widget that has focus, and counts the keys."""

    def __init__(self, qtbot) -> None:
        self.qtbot = qtbot
        self.count = 0

    def focus(self):
        widget = QApplication.focusWidget()
        assert widget is not None, "nothing has the keyboard focus"
        return widget

    def type(self, text: str) -> None:
        for char in text:  # one at a time: focus moves on after each pillar digit
            self.qtbot.keyClicks(self.focus(), char)
            self.count += 1

    def key(self, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        self.qtbot.keyClick(self.focus(), key, modifier)
        self.count += 1


def _show(qtbot, widget):
    if hasattr(widget, "status_message"):  # a page: the main window refreshes it when shown
        widget.refresh()
    qtbot.addWidget(widget)
    widget.resize(1100, 750)
    widget.show()
    widget.activateWindow()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    return widget


@pytest.fixture
def intake(study):
    return study.moments[0]


@pytest.fixture
def definition(study):
    return instrument_library.study_instrument(study.id, "bridge")[1]


@pytest.fixture
def form(qtbot, study, participant, intake):
    widget = _show(qtbot, BridgeForm(study.id))
    widget.load(participant.id, intake.id)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget.date)
    return widget


def test_complete_assessment_in_at_most_twelve_keys(qtbot, form, participant, intake,
                                                    definition):
    typist = Typist(qtbot)
    assert QApplication.focusWidget() is form.date
    with qtbot.waitSignal(form.saved) as saved:
        typist.key(Qt.Key.Key_Return)  # accept the default date (today)
        typist.type(LEVELS)  # each digit moves on to the next pillar by itself
        typist.key(Qt.Key.Key_Enter)  # numpad Enter saves
    assert typist.count == 10 <= 12
    stored = bridge.get_assessment(participant.id, intake.id)
    assert stored is not None
    assert stored.assessed_on == dt.date.today()
    assert stored.values == dict(zip(definition.item_keys, map(int, LEVELS), strict=True))
    assert "AL-001" in saved.args[2] and "8" in saved.args[2]
    assert QApplication.focusWidget() is form.date and not form.has_unsaved_changes()


@pytest.mark.parametrize("typed", ["15032018", "150318"])
def test_typed_date_replaces_the_default(qtbot, form, participant, intake, typed):
    typist = Typist(qtbot)
    typist.type(typed)
    typist.key(Qt.Key.Key_Return)
    typist.type(LEVELS)
    typist.key(Qt.Key.Key_Return)
    assert bridge.get_assessment(participant.id, intake.id).assessed_on == dt.date(2018, 3, 15)


def test_day_and_month_take_the_year_of_the_session_date(qtbot, form, study, participant,
                                                        intake):
    other = participants.add_participant(study.id, participants.ParticipantInput(
        "AL-002", study.sites[0].id, "consented", dt.date(2018, 1, 8)))
    typist = Typist(qtbot)
    typist.type("20012018")
    typist.key(Qt.Key.Key_Return)
    typist.type(LEVELS)
    typist.key(Qt.Key.Key_Return)
    form.load(other, intake.id)
    assert form.date.text() == "20-01-2018"  # the session's date is the new default
    typist.type("1503")
    typist.key(Qt.Key.Key_Return)
    typist.type(LEVELS)
    typist.key(Qt.Key.Key_Return)
    assert typist.count == 2 * 10 + 8 + 4
    assert bridge.get_assessment(other, intake.id).assessed_on == dt.date(2018, 3, 15)


@pytest.mark.parametrize("bad_key", ["7", "6", "9", "a", "x", "+"])
def test_invalid_key_is_refused_with_a_hint_and_not_stored(qtbot, form, participant, intake,
                                                           definition, bad_key):
    typist = Typist(qtbot)
    typist.key(Qt.Key.Key_Return)
    typist.type(bad_key)
    first = form.rows[0]
    assert first.input.text() == "" and first.input.answer() is None
    assert first.error.isVisible() and f"'{bad_key}'" in first.error.text()
    assert QApplication.focusWidget() is first.input  # stays for the right digit
    typist.key(Qt.Key.Key_Space)  # leave it empty, fill the rest
    typist.type(LEVELS[1:])
    typist.key(Qt.Key.Key_Return)
    stored = bridge.get_assessment(participant.id, intake.id)
    assert stored.values[definition.item_keys[0]] is None
    assert stored.missing[definition.item_keys[0]] is None


@pytest.mark.parametrize(("typed", "fragment"), [
    ("01012018", "inclusie"),  # before the inclusion date 08-01-2018
    ("31022018", "geen geldige datum"),
    ("01012999", "toekomst"),
])
def test_bad_date_is_shown_inline_and_nothing_is_lost(qtbot, form, participant, intake,
                                                      typed, fragment):
    typist = Typist(qtbot)
    typist.type(typed)
    typist.key(Qt.Key.Key_Return)
    typist.type(LEVELS)
    typist.key(Qt.Key.Key_Return)
    assert bridge.get_assessment(participant.id, intake.id) is None
    assert form.date_error.isVisible() and fragment in form.date_error.text()
    assert QApplication.focusWidget() is form.date
    assert form.date.text().replace("-", "") == typed
    assert "".join(row.input.text() for row in form.rows) == LEVELS
    assert form.has_unsaved_changes()


@pytest.mark.parametrize(("presses", "reason"), [
    (1, "not_discussed"), (2, "declined"), (3, "not_applicable"), (4, "not_discussed"),
])
def test_missing_pillar_is_stored_with_its_reason(qtbot, form, participant, intake, definition,
                                                  presses, reason):
    typist = Typist(qtbot)
    typist.key(Qt.Key.Key_Return)
    typist.type("34")
    typist.type("0" + "-" * (presses - 1))  # 0 or - cycles through the reasons
    assert "Ontbreekt" in form.rows[2].text.text()
    typist.key(Qt.Key.Key_Tab)
    typist.type("51524")
    typist.key(Qt.Key.Key_Return)
    stored = bridge.get_assessment(participant.id, intake.id)
    pillar = definition.item_keys[2]
    assert stored.values[pillar] is None and stored.missing[pillar] == reason
    assert stored.values[definition.item_keys[3]] == 5


def test_pillar_left_empty_is_stored_as_empty(qtbot, form, participant, intake, definition):
    typist = Typist(qtbot)
    typist.key(Qt.Key.Key_Return)
    typist.type("3 251524")  # Space skips the second pillar
    typist.key(Qt.Key.Key_Return)
    stored = bridge.get_assessment(participant.id, intake.id)
    second = definition.item_keys[1]
    assert stored.values[second] is None and stored.missing[second] is None
    assert stored.values[definition.item_keys[2]] == 2


def test_leaving_with_unsaved_input_asks_and_keep_editing_keeps_it(qtbot, form, monkeypatch):
    typist = Typist(qtbot)
    assert form.confirm_discard()  # nothing typed: no question
    typist.key(Qt.Key.Key_Return)
    typist.type("34")
    asked = []
    monkeypatch.setattr(form, "ask_discard", lambda: asked.append(1) or False)
    assert not form.confirm_discard()
    assert asked and form.rows[0].input.text() == "3" and form.rows[1].input.text() == "4"
    monkeypatch.setattr(form, "ask_discard", lambda: True)
    assert form.confirm_discard()


def test_loading_an_existing_assessment_shows_level_texts_and_saves_its_version(
        qtbot, form, participant, intake, definition):
    answers = dict(zip(definition.item_keys, [3, 2, "declined", 4, 1, 5, None, 2], strict=True))
    bridge.save_assessment(participant.id, intake.id, "15-03-2018", answers)
    form.load(participant.id, intake.id)
    assert form.date.text() == "15-03-2018"
    first = definition.items[0]
    assert form.rows[0].text.text() == first.level_text(3)
    assert "Wil niet antwoorden" in form.rows[2].text.text()
    assert not form.has_unsaved_changes()
    typist = Typist(qtbot)
    typist.key(Qt.Key.Key_Return)
    typist.type("5")
    assert form.has_unsaved_changes()
    typist.key(Qt.Key.Key_Return)
    stored = bridge.get_assessment(participant.id, intake.id)
    assert stored.values[first.key] == 5 and stored.version == 2


def test_english_shows_english_level_texts(qtbot, study, participant, intake, definition):
    i18n.set_language("en")
    bridge.save_assessment(participant.id, intake.id, "15-03-2018",
                           {definition.item_keys[0]: 5})
    widget = _show(qtbot, BridgeForm(study.id))
    widget.load(participant.id, intake.id)
    first = definition.items[0]
    assert widget.rows[0].text.text() == first.level_text(5, "en")
    assert "Family stability" in widget.rows[0].label.text()
    assert widget.date_label.text() == "&Date of assessment"


def test_every_label_has_a_buddy_and_the_tab_chain_covers_every_input(form):
    labels = [label for label in form.findChildren(QLabel) if "&" in label.text()]
    assert len(labels) == 9 and all(label.buddy() is not None for label in labels)
    chain, widget = [], form.date
    for _ in range(20):
        chain.append(widget)
        widget = widget.nextInFocusChain()
        while not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            widget = widget.nextInFocusChain()
        if widget is form.date:
            break
    inputs = [form.date] + [row.input for row in form.rows] + [form.save_button]
    assert chain[:len(inputs)] == inputs
    assert all(isinstance(w, QLineEdit) for w in inputs[:-1])


def test_page_picks_participant_by_code_and_moves_to_the_next_moment(qtbot, study, participant):
    page = _show(qtbot, BridgePage(study.id))
    typist = Typist(qtbot)
    page.code.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.code)
    typist.type("al-001")
    typist.key(Qt.Key.Key_Return)
    assert page.form.participant_id == participant.id
    assert QApplication.focusWidget() is page.form.date
    with qtbot.waitSignal(page.status_message) as message:
        typist.key(Qt.Key.Key_Return)
        typist.type(LEVELS)
        typist.key(Qt.Key.Key_Return)
    assert "Intake" in message.args[0]
    assert page.tabs.currentIndex() == 1 and page.form.moment_id == study.moments[1].id
    assert dt.date.today().strftime("%d-%m-%Y") in page.tabs.tabText(0)
    assert QApplication.focusWidget() is page.form.date
    typist.key(Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert page.tabs.currentIndex() == 0 and page.form.rows[0].input.text() == "3"


def test_page_asks_before_switching_moment_with_unsaved_input(qtbot, study, participant,
                                                              monkeypatch):
    page = _show(qtbot, BridgePage(study.id))
    page.choose_code("AL-001")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.form.date)
    typist = Typist(qtbot)
    typist.key(Qt.Key.Key_Return)
    typist.type("34")
    monkeypatch.setattr(page.form, "ask_discard", lambda: False)
    typist.key(Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert page.tabs.currentIndex() == 0 and page.form.rows[1].input.text() == "4"
    assert not page.confirm_leave()
    participants.add_participant(study.id, participants.ParticipantInput("AL-002"))
    page.refresh()
    assert page.choose_code("AL-001") and page.form.rows[0].input.text() == "3"
    assert not page.choose_code("AL-002") and page.form.participant_id == participant.id
    monkeypatch.setattr(page.form, "ask_discard", lambda: True)
    page.step_moment(1)
    assert page.tabs.currentIndex() == 1 and page.form.rows[0].input.text() == ""


def test_unknown_code_is_said_inline(qtbot, study, participant):
    page = _show(qtbot, BridgePage(study.id))
    assert not page.choose_code("XX-999")
    assert page.code_error.isVisible() and "XX-999" in page.code_error.text()
    assert page.form.participant_id is None and not page.form.isEnabled()


def test_page_warns_at_once_when_a_participant_is_not_taking_part(qtbot, study, participant):
    from desktop.models.services import participants as participant_service

    participant_service.add_participant(
        study.id, participant_service.ParticipantInput("AL-077", status="declined"))
    page = _show(qtbot, BridgePage(study.id))
    assert page.choose_code("AL-077")
    assert page.code_error.isVisible() and "neemt niet deel" in page.code_error.text()
    assert page.choose_code("AL-001")
    assert not page.code_error.isVisible()


def test_keep_editing_puts_the_forms_participant_back_in_the_code_field(
        qtbot, study, participant, monkeypatch):
    from desktop.models.services import participants as participant_service

    participant_service.add_participant(
        study.id, participant_service.ParticipantInput("AL-002", status="consented"))
    page = _show(qtbot, BridgePage(study.id))
    assert page.choose_code("AL-001")
    page.form.rows[0].input.setFocus()
    qtbot.keyClick(page.form.rows[0].input, "4")
    monkeypatch.setattr(page.form, "ask_discard", lambda: False)  # keep editing
    page.code.setText("AL-002")
    assert not page.choose_code("AL-002")
    assert page.code.text() == "AL-001" and page.form.participant_id == participant.id
    assert page.form.rows[0].input.text() == "4"
