"""Goal-action plans on the participants page: the table models, the action form typed by
keyboard against a real database, and the study's action types dialog."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from helpers.conflict_answers import answer_conflict
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from desktop.models.services import actions, participants
from desktop.models.services.actions import ActionInput, ActionRecord, ActionTypeInfo
from desktop.views import actions_panel
from desktop.views.action_table_model import (
    AGREED,
    DAYS,
    DONE,
    PILLAR,
    REWARD,
    REWARDABLE,
    ActionTableModel,
    ActionTypeTableModel,
)
from desktop.views.action_types_dialog import ActionTypesDialog
from desktop.views.participant_table_model import CODE
from desktop.views.participants_page import ParticipantsPage

CTRL = Qt.KeyboardModifier.ControlModifier


def _record(action_id: int, agreed: dt.date, done: dt.date | None, **extra) -> ActionRecord:
    fields = {"id": action_id, "participant_id": 1, "action_type_id": 1,
              "action_type": f"Actie {action_id}", "rewardable": True, "pillar": "schulden",
              "agreed_on": agreed, "done_on": done, "reward_kind": "", "reward_value": None,
              "remarks": "", "version": 1}
    return ActionRecord(**{**fields, **extra})


def test_action_model_shows_days_open_actions_and_rewards(qtmodeltester):
    model = ActionTableModel()
    model.set_actions([
        _record(1, dt.date(2018, 1, 15), dt.date(2018, 2, 1), reward_kind="cadeaubon",
                reward_value=Decimal("10.5")),
        _record(2, dt.date(2018, 2, 20), None, pillar=""),
    ], {"schulden": "Schulden"})
    qtmodeltester.check(model)
    assert [model.index(0, column).data() for column in (PILLAR, AGREED, DONE, DAYS, REWARD)] == [
        "Schulden", "15-01-2018", "01-02-2018", "17", "cadeaubon € 10,50"]
    assert [model.index(1, column).data() for column in (PILLAR, DONE, DAYS, REWARD)] == [
        "", "open", "", ""]
    assert model.index(1, DONE).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert model.index(0, DONE).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.headerData(AGREED, Qt.Orientation.Horizontal) == "Afgesproken"


def test_type_model_shows_both_names_and_the_reward_flag(qtmodeltester):
    model = ActionTypeTableModel()
    model.set_rows([ActionTypeInfo(1, "debt", {"nl": "Schulden", "en": "Debts"}, True, 0),
                    ActionTypeInfo(2, "gp", {"nl": "Huisarts", "en": "GP"}, False, 1)])
    qtmodeltester.check(model)
    assert [model.index(0, column).data() for column in range(3)] == ["Schulden", "Debts", "ja"]
    assert model.index(1, REWARDABLE).data() == ""


@pytest.fixture
def types(study) -> dict[str, ActionTypeInfo]:
    return {kind.key: kind for kind in actions.action_types(study.id)}


@pytest.fixture
def page(qtbot, study, participant):
    widget = ParticipantsPage(study.id)
    widget.refresh()
    qtbot.addWidget(widget)
    widget.resize(1200, 760)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    return widget


def _focus():
    return QApplication.focusWidget()


def _open(qtbot, page, participant_id: int):
    """Choose a participant in the list and press Enter, as a user does."""
    page.table.setFocus()
    row = next(r for r in range(page.proxy.rowCount())
               if page.proxy.participant_id(r) == participant_id)
    page.table.setCurrentIndex(page.proxy.index(row, CODE))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    return page.actions.plan


def _type_fields(qtbot, values: list[str]) -> None:
    """Type each value into the focused field, Tab between them."""
    for number, text in enumerate(values):
        if number:
            qtbot.keyClick(_focus(), Qt.Key.Key_Tab)
        if text:
            qtbot.keyClicks(_focus(), text)


def test_an_action_typed_by_keyboard_only(qtbot, page, participant):
    plan = _open(qtbot, page, participant.id)
    qtbot.keyClick(_focus(), Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)  # Acti&esoort
    assert _focus() is plan.editor.action_type
    _type_fields(qtbot, ["Schuld", "sch", "15012018", "01022018", "cadeaubon", "10,50",
                         "samen met mentor"])
    with qtbot.waitSignal(page.status_message):
        qtbot.keyClick(_focus(), Qt.Key.Key_S, CTRL)
    (stored,) = actions.participant_actions(participant.id)
    assert (stored.action_type, stored.pillar, stored.agreed_on, stored.done_on, stored.days) == (
        "Schuldhulpverlening aanvragen", "schulden", dt.date(2018, 1, 15),
        dt.date(2018, 2, 1), 17)
    assert (stored.reward_kind, stored.reward_value, stored.remarks) == (
        "cadeaubon", Decimal("10.50"), "samen met mentor")
    assert plan.model.rowCount() == 1 and plan.model.index(0, DAYS).data() == "17"
    assert "1 afgesproken, 0 open" in plan.heading.text()
    assert plan.editor.record().id == stored.id and not plan.editor.has_unsaved_changes()


@pytest.mark.parametrize(("agreed", "done", "field", "fragment"), [
    ("01032018", "15022018", "done_on", "vóór de afspraak"),
    ("01012999", "", "agreed_on", "toekomst"),
    ("01012017", "", "agreed_on", "vóór de inclusie"),
])
def test_a_refusal_is_shown_under_its_field_and_nothing_is_lost(qtbot, page, participant, agreed,
                                                                done, field, fragment):
    plan = _open(qtbot, page, participant.id)
    editor = plan.editor
    editor.action_type.setFocus()
    _type_fields(qtbot, ["Budget", "", agreed, done])
    qtbot.keyClick(_focus(), Qt.Key.Key_S, CTRL)
    assert editor.errors[field].isVisible() and fragment in editor.errors[field].text()
    assert _focus() is editor.field_widget(field)
    assert editor.action_type.currentText() == "Budgetplan opstellen"
    assert editor.agreed_on.text().replace("-", "") == agreed
    assert actions.participant_actions(participant.id) == [] and plan.model.rowCount() == 0


def test_an_action_without_a_type_is_refused_beside_the_type(qtbot, page, participant):
    plan = _open(qtbot, page, participant.id)
    plan.editor.agreed_on.setFocus()
    qtbot.keyClicks(plan.editor.agreed_on, "01032018")
    qtbot.keyClick(_focus(), Qt.Key.Key_S, CTRL)
    assert "Kies een actiesoort" in plan.editor.errors["action_type"].text()
    assert _focus() is plan.editor.action_type


def test_reward_only_for_a_rewardable_type(qtbot, page, participant, types):
    plan = _open(qtbot, page, participant.id)
    editor = plan.editor
    assert not editor.reward_kind.isEnabled() and "Kies eerst" in editor.reward_hint.text()
    editor.action_type.setFocus()
    _type_fields(qtbot, ["Budget", "", "01032018", "05032018"])
    assert not editor.reward_kind.isEnabled() and not editor.reward_value.isEnabled()
    assert "'Budgetplan opstellen' is geen belonende" in editor.reward_hint.text()
    qtbot.keyClick(_focus(), Qt.Key.Key_Tab)  # the disabled reward is skipped
    assert _focus() is editor.remarks
    editor.action_type.setFocus()
    qtbot.wait(QApplication.keyboardInputInterval() + 50)  # a new type-ahead, as people pause
    qtbot.keyClicks(editor.action_type, "Overzicht")
    assert editor.reward_kind.isEnabled() and editor.reward_value.isEnabled()
    editor.reward_kind.setFocus()
    _type_fields(qtbot, ["cadeaubon", "25"])
    qtbot.keyClick(_focus(), Qt.Key.Key_S, CTRL)
    (stored,) = actions.participant_actions(participant.id)
    assert (stored.action_type, stored.reward_kind, stored.reward_value) == (
        types["debt_overview"].text(), "cadeaubon", Decimal("25"))


def test_a_reward_typed_before_switching_to_a_plain_type_is_refused_not_dropped(
        qtbot, page, participant):
    plan = _open(qtbot, page, participant.id)
    editor = plan.editor
    editor.action_type.setFocus()
    _type_fields(qtbot, ["Overzicht", "", "01032018", "05032018", "cadeaubon", "25"])
    editor.action_type.setFocus()
    qtbot.wait(QApplication.keyboardInputInterval() + 50)
    qtbot.keyClicks(editor.action_type, "Budget")
    assert editor.action_type.currentText() == "Budgetplan opstellen"
    assert editor.reward_kind.isEnabled()  # still holds text: it can be cleared
    qtbot.keyClick(_focus(), Qt.Key.Key_S, CTRL)
    assert "geen belonende actiesoort" in editor.errors["reward_kind"].text()
    assert editor.reward_kind.text() == "cadeaubon"
    assert actions.participant_actions(participant.id) == []
    editor.reward_kind.clear()
    editor.reward_value.clear()
    qtbot.keyClick(editor.remarks, Qt.Key.Key_S, CTRL)
    assert [a.reward_kind for a in actions.participant_actions(participant.id)] == [""]


def test_insert_in_the_table_starts_a_new_action(qtbot, page, participant):
    plan = _open(qtbot, page, participant.id)
    plan.table.setFocus()
    qtbot.keyClick(plan.table, Qt.Key.Key_Insert)
    assert _focus() is plan.editor.action_type and plan.editor.record() is None


def test_ctrl_enter_saves_and_starts_the_next_action_on_the_same_date(qtbot, page, participant):
    plan = _open(qtbot, page, participant.id)
    editor = plan.editor
    editor.action_type.setFocus()
    _type_fields(qtbot, ["Budget", "", "01032018"])
    qtbot.keyClick(_focus(), Qt.Key.Key_Return, CTRL)
    assert len(actions.participant_actions(participant.id)) == 1
    assert _focus() is editor.action_type and editor.record() is None
    assert editor.action_type.currentIndex() == -1 and editor.agreed_on.text() == "01-03-2018"
    assert not editor.has_unsaved_changes()
    assert plan.model.index(0, DONE).data() == "open"
    qtbot.wait(QApplication.keyboardInputInterval() + 50)  # a new type-ahead, as people pause
    qtbot.keyClicks(editor.action_type, "Afspraak")
    qtbot.keyClick(_focus(), Qt.Key.Key_Enter, CTRL | Qt.KeyboardModifier.KeypadModifier)
    assert [a.action_type for a in actions.participant_actions(participant.id)] == [
        "Budgetplan opstellen", "Afspraak bij de huisarts maken"]


def test_a_saved_action_reopens_with_its_type(qtbot, page, participant):
    plan = _open(qtbot, page, participant.id)
    plan.editor.action_type.setFocus()
    _type_fields(qtbot, ["Budget", "", "01032018"])
    qtbot.keyClick(_focus(), Qt.Key.Key_S, CTRL)
    assert plan.editor.action_type.currentText() == "Budgetplan opstellen"


def test_an_opened_action_is_updated_unless_someone_saved_it_first(qtbot, page, participant,
                                                                   types):
    action_id = actions.add_action(participant.id, ActionInput(types["budget_plan"].id,
                                                               "2018-03-01"))
    plan = _open(qtbot, page, participant.id)
    plan.table.setFocus()
    plan.table.setCurrentIndex(plan.proxy.index(0, 0))
    qtbot.keyClick(plan.table, Qt.Key.Key_Return)
    editor = plan.editor
    assert editor.record().id == action_id and _focus() is editor.action_type
    editor.done_on.setFocus()
    qtbot.keyClicks(editor.done_on, "10032018")
    qtbot.keyClick(_focus(), Qt.Key.Key_S, CTRL)
    (stored,) = actions.participant_actions(participant.id)
    assert stored.done_on == dt.date(2018, 3, 10) and stored.version == 2
    actions.update_action(action_id, ActionInput(types["budget_plan"].id, "2018-03-01"),
                          expected_version=2)  # someone else, in between
    editor.remarks.setFocus()
    qtbot.keyClicks(editor.remarks, "mijn versie")
    shown: list[list[tuple[str, str, str]]] = []
    for choice in ("escape", "mine"):  # back to the form; then keep mine
        answer_conflict(qtbot, choice, shown)
        editor.save()  # as Ctrl+S does; a key click would nest the dialog's own key clicks
    assert shown[0] == [("Gedaan op", "10-03-2018", "—"), ("Opmerkingen", "mijn versie", "—")]
    (stored,) = actions.participant_actions(participant.id)
    assert (stored.remarks, stored.done_on, stored.version) == (
        "mijn versie", dt.date(2018, 3, 10), 4)


def test_delete_in_the_table_asks_first(qtbot, page, participant, types, monkeypatch):
    for date in ("2018-03-01", "2018-04-01"):
        actions.add_action(participant.id, ActionInput(types["budget_plan"].id, date))
    plan = _open(qtbot, page, participant.id)
    plan.table.setFocus()
    plan.table.setCurrentIndex(plan.proxy.index(1, 0))
    questions = []
    monkeypatch.setattr(plan, "delete_reason", lambda q: questions.append(q))
    qtbot.keyClick(plan.table, Qt.Key.Key_Delete)
    assert questions == ["De actie 'Budgetplan opstellen' van 01-04-2018 verwijderen?"]
    assert len(actions.participant_actions(participant.id)) == 2
    monkeypatch.setattr(plan, "delete_reason", lambda q: "dubbel ingevoerd")
    qtbot.keyClick(plan.table, Qt.Key.Key_Delete)
    (left,) = actions.participant_actions(participant.id)
    assert left.agreed_on == dt.date(2018, 3, 1) and plan.model.rowCount() == 1


def test_new_keys_go_to_the_part_that_has_the_focus(qtbot, page, participant, types):
    actions.add_action(participant.id, ActionInput(types["budget_plan"].id, "2018-03-01"))
    plan = _open(qtbot, page, participant.id)
    plan.table.setFocus()
    plan.table.setCurrentIndex(plan.proxy.index(0, 0))
    qtbot.keyClick(plan.table, Qt.Key.Key_Return)
    assert plan.editor.record() is not None
    qtbot.keyClick(_focus(), Qt.Key.Key_N, CTRL)  # in the actions part: a new action
    assert plan.editor.record() is None and _focus() is plan.editor.action_type
    assert page.editor.record().id == participant.id
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Insert)  # in the list: a new participant
    assert page.editor.record() is None and _focus() is page.editor.code
    assert not page.actions.plan.isVisible()


def test_switching_participant_with_an_unsaved_action_asks(qtbot, page, study, participant,
                                                           monkeypatch):
    other = participants.add_participant(study.id, participants.ParticipantInput(
        "AL-002", None, "consented", dt.date(2018, 1, 8)))
    page.refresh()
    plan = _open(qtbot, page, participant.id)
    plan.editor.action_type.setFocus()
    qtbot.keyClicks(plan.editor.action_type, "Budget")
    asked = []
    monkeypatch.setattr(plan, "ask_discard", lambda: asked.append(True) or False)
    _open(qtbot, page, other)
    assert asked and page.editor.record().id == participant.id
    assert plan.editor.action_type.currentText() == "Budgetplan opstellen"
    assert not page.confirm_leave()
    monkeypatch.setattr(plan, "ask_discard", lambda: True)
    _open(qtbot, page, other)
    assert page.editor.record().id == other and plan.editor.participant_id == other
    assert plan.editor.action_type.currentIndex() == -1 and "AL-002" in plan.heading.text()


def test_opening_another_action_with_unsaved_input_asks(qtbot, page, participant, types,
                                                        monkeypatch):
    actions.add_action(participant.id, ActionInput(types["budget_plan"].id, "2018-03-01"))
    plan = _open(qtbot, page, participant.id)
    plan.editor.remarks.setFocus()
    qtbot.keyClicks(plan.editor.remarks, "nog niet opgeslagen")
    monkeypatch.setattr(plan, "ask_discard", lambda: False)
    plan.table.setFocus()
    plan.table.setCurrentIndex(plan.proxy.index(0, 0))
    qtbot.keyClick(plan.table, Qt.Key.Key_Return)
    assert plan.editor.record() is None
    assert plan.editor.remarks.toPlainText() == "nog niet opgeslagen"
    monkeypatch.setattr(plan, "ask_discard", lambda: True)
    qtbot.keyClick(plan.table, Qt.Key.Key_Return)
    assert plan.editor.record() is not None and plan.editor.remarks.toPlainText() == ""


def test_a_participant_not_taking_part_gets_the_services_refusal(qtbot, page, study):
    declined = participants.add_participant(study.id, participants.ParticipantInput(
        "AL-003", status="declined"))
    page.refresh()
    plan = _open(qtbot, page, declined)
    plan.editor.action_type.setFocus()
    _type_fields(qtbot, ["Budget", "", "01032018"])
    qtbot.keyClick(_focus(), Qt.Key.Key_S, CTRL)
    assert "AL-003" in plan.editor.errors["general"].text()
    assert actions.participant_actions(declined) == []


def test_the_form_has_buddies_and_tabs_in_paper_order(qtbot, page, participant):
    plan = _open(qtbot, page, participant.id)
    labels = [label for label in plan.findChildren(QLabel) if "&" in label.text()]
    assert len(labels) == len(plan.editor.FIELDS)
    assert {label.buddy() for label in labels} == {
        plan.editor.field_widget(name) for name in plan.editor.FIELDS}
    expected = [page.editor.save_button, plan.table,
                *(plan.editor.field_widget(name) for name in plan.editor.FIELDS),
                plan.editor.save_button, plan.new_button, plan.delete_button, plan.types_button]
    widget, seen = expected[0], []
    for _ in range(len(expected) - 1):
        widget = widget.nextInFocusChain()
        while not widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            widget = widget.nextInFocusChain()
        seen.append(widget)
    assert seen == expected[1:]


def test_the_types_shortcut_opens_the_dialog_and_the_form_follows(qtbot, page, participant,
                                                                  monkeypatch):
    plan = _open(qtbot, page, participant.id)

    def add_a_type(dialog) -> int:
        actions.save_action_type(dialog.study_id, actions.ActionTypeInput("Huur regelen"))
        return 0

    monkeypatch.setattr(actions_panel.ActionTypesDialog, "exec", add_a_type)
    qtbot.keyClick(_focus(), Qt.Key.Key_T, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert plan.editor.action_type.findText("Huur regelen") >= 0


@pytest.fixture
def dialog(qtbot, study):
    widget = ActionTypesDialog(study.id)
    # Closing would ask about what a test left typed; pytest-qt closes before fixtures end.
    qtbot.addWidget(widget, before_close_func=lambda w: w.done(0))
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    return widget


def test_the_types_dialog_adds_a_rewardable_type_by_keyboard(qtbot, dialog, study, monkeypatch):
    labels = [label for label in dialog.findChildren(QLabel) if "&" in label.text()]
    assert len(labels) == 3 and all(label.buddy() is not None for label in labels)
    assert _focus() is dialog.name_nl
    qtbot.keyClicks(dialog.name_nl, "Huurachterstand regelen")
    qtbot.keyClick(_focus(), Qt.Key.Key_Tab)
    qtbot.keyClick(_focus(), Qt.Key.Key_Tab)  # English left empty
    qtbot.keyClick(_focus(), Qt.Key.Key_Space)
    qtbot.keyClick(_focus(), Qt.Key.Key_S, CTRL)
    added = {kind.text("nl"): kind for kind in actions.action_types(study.id)}[
        "Huurachterstand regelen"]
    assert added.rewardable and added.text("en") == "Huurachterstand regelen"
    assert "opgeslagen" in dialog.status.text() and dialog.isVisible()
    qtbot.keyClick(dialog.name_nl, Qt.Key.Key_N, CTRL)
    qtbot.keyClicks(dialog.name_nl, "huurachterstand REGELEN")
    qtbot.keyClick(dialog.name_nl, Qt.Key.Key_Return)
    assert "al een actiesoort" in dialog.errors["name_nl"].text()
    assert dialog.name_nl.text() == "huurachterstand REGELEN"
    asked = []
    monkeypatch.setattr(dialog, "ask_discard", lambda: asked.append(True) or False)
    qtbot.keyClick(dialog.name_nl, Qt.Key.Key_Escape)
    assert asked and dialog.isVisible()


def test_the_types_dialog_refuses_to_delete_a_type_in_use(qtbot, dialog, study, participant,
                                                          types, monkeypatch):
    actions.add_action(participant.id, ActionInput(types["budget_plan"].id, "2018-03-01"))
    monkeypatch.setattr(dialog, "confirm_delete", lambda question: True)
    row = dialog.model.row_of(types["budget_plan"].id)
    dialog.table.setFocus()
    dialog.table.setCurrentIndex(dialog.model.index(row, 0))
    qtbot.keyClick(dialog.table, Qt.Key.Key_Delete)
    assert dialog.list_error.isVisible() and "1 acties" in dialog.list_error.text()
    assert types["budget_plan"].id in {kind.id for kind in actions.action_types(study.id)}
    dialog.table.setCurrentIndex(dialog.model.index(dialog.model.row_of(
        types["social_activity"].id), 0))
    qtbot.keyClick(dialog.table, Qt.Key.Key_Delete)
    assert types["social_activity"].id not in {kind.id for kind in actions.action_types(study.id)}
    assert not dialog.list_error.isVisible() and "verwijderd" in dialog.status.text()


def test_a_type_with_rewards_given_stays_rewardable(qtbot, dialog, participant, types):
    actions.add_action(participant.id, ActionInput(types["debt_overview"].id, "2018-03-01",
                                                   "2018-03-02", reward_kind="cadeaubon"))
    dialog.table.setFocus()
    dialog.table.setCurrentIndex(dialog.model.index(dialog.model.row_of(
        types["debt_overview"].id), 0))
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    assert _focus() is dialog.name_nl and dialog.rewardable.isChecked()
    dialog.rewardable.setFocus()
    qtbot.keyClick(dialog.rewardable, Qt.Key.Key_Space)
    qtbot.keyClick(_focus(), Qt.Key.Key_S, CTRL)
    assert "blijft belonend" in dialog.errors["rewardable"].text()
    assert {kind.id: kind for kind in actions.action_types(participant.study_id)}[
        types["debt_overview"].id].rewardable
