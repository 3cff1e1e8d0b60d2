"""The ranking editor typed and dragged as an assistant does; checked by the survey service."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QVBoxLayout, QWidget
from test_gui_bridge_form import Typist, _show

from desktop.models.surveys import SurveyItem, builtin_surveys
from desktop.views import theme
from desktop.views.ranking_editor import RankingEditor
from desktop.views.ranking_order_model import KEY_ROLE

# The built-in elements in paper order (a top five of nine).
POSITIVE, STEPS, SUCCESS, GOALS, OVERVIEW, CONTACT, PLANS, RECOGNITION, EQUALS = (
    element.key for element in builtin_surveys()["professionals"].elements)
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def definition():
    return builtin_surveys()["professionals"]


@pytest.fixture
def editor(qtbot, definition):
    widget = _show(qtbot, RankingEditor())
    widget.set_definition(definition)
    widget.first_input().setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget.first_input())
    return widget


def rank_input(editor: RankingEditor, key: str) -> QLineEdit:
    return editor.findChild(QLineEdit, f"rank_{key}")


def marked(editor: RankingEditor) -> list[str]:
    """The elements whose rank input has the red border."""
    return [field.objectName().removeprefix("rank_") for field in editor.findChildren(QLineEdit)
            if field.objectName().startswith("rank_") and theme.ERROR in field.styleSheet()]


def order(editor: RankingEditor) -> list[str]:
    """The order view's rows as shown; the divider is ''."""
    model = editor.order_model
    return [model.data(model.index(row), Qt.ItemDataRole.DisplayRole) if
            model.data(model.index(row), KEY_ROLE) else "" for row in range(model.rowCount())]


def ranked(editor: RankingEditor) -> list[str]:
    """The ranked element keys in the order view, top first."""
    model = editor.order_model
    return [model.key_at(row) for row in range(model.divider_row())]


def select(editor: RankingEditor, key: str) -> None:
    editor.order_view.setFocus(Qt.FocusReason.TabFocusReason)
    editor.order_view.setCurrentIndex(editor.order_model.index(editor.order_model.row_of(key)))


# Typing


def test_a_column_of_digits_moves_down_row_by_row(qtbot, editor, definition):
    typist = Typist(qtbot)
    with qtbot.waitSignal(editor.changed):
        typist.type("2")  # one digit fills a top five's rank: on to the next element by itself
    assert QApplication.focusWidget() is rank_input(editor, STEPS)
    typist.type("1")
    typist.key(Qt.Key.Key_Return)  # success experiences: not ranked
    typist.key(Qt.Key.Key_Down)  # goal setting: not ranked either
    assert QApplication.focusWidget() is rank_input(editor, OVERVIEW)
    typist.key(Qt.Key.Key_Up)
    typist.type("3")  # goal setting after all
    typist.key(Qt.Key.Key_Tab)  # overview: not ranked
    typist.type("5")
    typist.key(Qt.Key.Key_Up)
    typist.key(Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is rank_input(editor, OVERVIEW)
    typist.type("4")
    assert editor.ranks() == {POSITIVE: "2", STEPS: "1", GOALS: "3", OVERVIEW: "4",
                              CONTACT: "5"}
    assert QApplication.focusWidget() is rank_input(editor, CONTACT)
    assert typist.count == 11
    assert editor.is_valid()


def test_only_digits_are_taken(qtbot, editor):
    qtbot.keyClicks(editor.first_input(), "a-")
    assert editor.ranks() == {}
    assert QApplication.focusWidget() is editor.first_input()


def test_past_the_last_element_the_order_view_takes_over(qtbot, editor):
    typist = Typist(qtbot)
    for _ in range(9):
        typist.key(Qt.Key.Key_Return)
    assert QApplication.focusWidget() is editor.order_view


def test_two_digit_ranks_wait_for_the_second_digit_only_when_one_could_follow(qtbot,
                                                                            definition):
    extra = tuple(SurveyItem(f"extra_{n}", {"nl": f"Extra {n}", "en": f"Extra {n}"})
                  for n in range(1, 4))
    twelve = dataclasses.replace(definition, ranking_mode="full",
                                 elements=definition.elements + extra)
    editor = _show(qtbot, RankingEditor())
    editor.set_definition(twelve)
    editor.first_input().setFocus(Qt.FocusReason.TabFocusReason)
    typist = Typist(qtbot)
    typist.type("1")  # 1, 10, 11 or 12: waits
    assert QApplication.focusWidget() is editor.first_input()
    typist.type("2")  # 12: nothing longer
    assert QApplication.focusWidget() is rank_input(editor, STEPS)
    typist.type("3")  # 30 > 12: 3 is complete at once
    assert QApplication.focusWidget() is rank_input(editor, SUCCESS)
    typist.type("1")
    typist.key(Qt.Key.Key_Return)  # a lone 1 is rank 1
    assert editor.ranks() == {POSITIVE: "12", STEPS: "3", SUCCESS: "1"}
    assert QApplication.focusWidget() is rank_input(editor, GOALS)


# Live checking: the service's own message, the row it names in red


@pytest.mark.parametrize(("keys", "row", "message"), [
    ("11", STEPS, "Twee elementen hebben rang 1: 'Positieve benadering door de "
                  "toegangsmedewerkers' en 'Het opdelen van doelen in kleine, haalbare stapjes'"),
    ("7", POSITIVE, "Rang 7 valt buiten de lijst: kies 1 tot en met 5."),
    ("13", STEPS, "Rang 2 ontbreekt terwijl rang 3 wel is gegeven"),
    ("0", POSITIVE, "Rang 0 valt buiten de lijst"),
])
def test_a_wrong_ranking_shows_the_service_message_at_its_row(qtbot, editor, keys, row,
                                                              message):
    Typist(qtbot).type(keys)
    assert message in editor.message.text()
    assert marked(editor) == [row]
    assert not editor.is_valid()
    model = editor.order_model
    colour = model.data(model.index(model.row_of(row)), Qt.ItemDataRole.ForegroundRole)
    assert colour == QColor(theme.ERROR)  # the order view points at it as well


def test_correcting_the_rank_clears_the_mark(qtbot, editor):
    typist = Typist(qtbot)
    typist.type("11")
    assert marked(editor) == [STEPS]
    typist.key(Qt.Key.Key_Up)
    typist.type("2")
    assert marked(editor) == []
    assert editor.message.text() == "2 van 5 plaatsen gerangschikt (gedeeltelijk)."


def test_partial_and_complete_rankings_show_their_status(qtbot, editor):
    assert editor.message.text() == "Nog geen rang ingevuld (0 van 5 plaatsen)."
    typist = Typist(qtbot)
    typist.type("312")
    assert editor.message.text() == "3 van 5 plaatsen gerangschikt (gedeeltelijk)."
    assert editor.is_valid()
    typist.type("45")
    assert editor.message.text() == "Rangorde compleet: alle 5 plaatsen gerangschikt."


def test_a_full_ranking_takes_every_place(qtbot, editor, definition):
    editor.set_definition(dataclasses.replace(definition, ranking_mode="full"))
    editor.first_input().setFocus(Qt.FocusReason.TabFocusReason)
    Typist(qtbot).type("987654321")
    assert editor.ranks()[POSITIVE] == "9"
    assert editor.is_valid()
    assert editor.message.text() == "Rangorde compleet: alle 9 plaatsen gerangschikt."
    assert ranked(editor)[0] == EQUALS


def test_the_page_can_show_an_error_from_saving(editor):
    editor.set_ranks({POSITIVE: 1})
    editor.mark_error(STEPS, "De enquête is gewijzigd.")
    assert editor.message.text() == "De enquête is gewijzigd."
    assert marked(editor) == [STEPS]
    editor.clear_error()
    assert marked(editor) == []
    assert editor.message.text() == "1 van 5 plaatsen gerangschikt (gedeeltelijk)."


# Loading


def test_set_ranks_round_trips_and_clear_empties(qtbot, editor):
    stored = {CONTACT: 1, POSITIVE: 2, PLANS: 3}
    with qtbot.assertNotEmitted(editor.changed):
        editor.set_ranks(stored)
    assert editor.ranks() == {key: str(rank) for key, rank in stored.items()}
    assert order(editor)[:4] == [
        "1. Eén vaste contactpersoon voor de deelnemer",
        "2. Positieve benadering door de toegangsmedewerkers",
        "3. Werken met doelactieplannen", ""]
    editor.clear()
    assert editor.ranks() == {}
    assert ranked(editor) == []


def test_a_new_definition_rebuilds_the_rows_in_its_language(qtbot, editor, definition):
    editor.set_ranks({POSITIVE: 1})
    shorter = dataclasses.replace(definition, elements=definition.elements[:3], top=2)
    editor.set_definition(shorter, "en")
    texts = [label.text() for label in editor.rows_area.widget().findChildren(QLabel)]
    assert texts == ["A positive approach by the access workers",
                     "Splitting goals into small, achievable steps",
                     "The participant's experiences of success"]
    assert editor.ranks() == {}
    assert editor.question.text().startswith("Which elements")


# The order view, by keyboard


def test_alt_up_and_alt_down_move_one_place_and_renumber(qtbot, editor):
    editor.set_ranks({POSITIVE: 1, STEPS: 2, GOALS: 3})
    select(editor, GOALS)
    with qtbot.waitSignal(editor.changed):
        qtbot.keyClick(editor.order_view, Qt.Key.Key_Up, ALT)
    assert ranked(editor) == [POSITIVE, GOALS, STEPS]
    qtbot.keyClick(editor.order_view, Qt.Key.Key_Up, ALT)  # still selected: moves again
    assert editor.ranks() == {GOALS: "1", POSITIVE: "2", STEPS: "3"}
    qtbot.keyClick(editor.order_view, Qt.Key.Key_Up, ALT)  # the first stays first
    assert ranked(editor) == [GOALS, POSITIVE, STEPS]
    select(editor, POSITIVE)
    qtbot.keyClick(editor.order_view, Qt.Key.Key_Down, ALT)
    assert editor.ranks() == {GOALS: "1", STEPS: "2", POSITIVE: "3"}
    qtbot.keyClick(editor.order_view, Qt.Key.Key_Down, ALT)  # the last ranked: unranked
    assert editor.ranks() == {GOALS: "1", STEPS: "2"}
    assert rank_input(editor, POSITIVE).text() == ""


def test_an_unranked_element_goes_up_to_the_last_place(qtbot, editor):
    editor.set_ranks({POSITIVE: 1})
    select(editor, RECOGNITION)
    qtbot.keyClick(editor.order_view, Qt.Key.Key_Up, ALT)
    assert editor.ranks() == {POSITIVE: "1", RECOGNITION: "2"}
    select(editor, PLANS)
    with qtbot.assertNotEmitted(editor.changed):
        qtbot.keyClick(editor.order_view, Qt.Key.Key_Down, ALT)  # unranked stays unranked
    assert editor.ranks() == {POSITIVE: "1", RECOGNITION: "2"}


def test_delete_unranks_and_insert_or_enter_ranks_last(qtbot, editor):
    editor.set_ranks({POSITIVE: 1, STEPS: 2, GOALS: 3})
    select(editor, POSITIVE)
    qtbot.keyClick(editor.order_view, Qt.Key.Key_Delete)
    assert editor.ranks() == {STEPS: "1", GOALS: "2"}
    assert rank_input(editor, POSITIVE).text() == ""
    select(editor, CONTACT)
    qtbot.keyClick(editor.order_view, Qt.Key.Key_Insert)
    select(editor, POSITIVE)
    qtbot.keyClick(editor.order_view, Qt.Key.Key_Return)
    assert editor.ranks() == {STEPS: "1", GOALS: "2", CONTACT: "3", POSITIVE: "4"}
    assert editor.message.text() == "4 van 5 plaatsen gerangschikt (gedeeltelijk)."


def test_a_full_top_five_takes_no_sixth(qtbot, editor):
    full = {POSITIVE: 1, STEPS: 2, SUCCESS: 3, GOALS: 4, OVERVIEW: 5}
    editor.set_ranks(full)
    select(editor, PLANS)
    with qtbot.assertNotEmitted(editor.changed):
        qtbot.keyClick(editor.order_view, Qt.Key.Key_Insert)
    assert editor.ranks() == {key: str(rank) for key, rank in full.items()}


def test_a_move_renumbers_an_invalid_typed_ranking(qtbot, editor):
    typist = Typist(qtbot)
    typist.type("22")  # two elements with rank 2
    typist.key(Qt.Key.Key_Return)
    typist.type("5")  # and a gap before 5
    assert order(editor)[:3] == [
        "2. Positieve benadering door de toegangsmedewerkers",
        "2. Het opdelen van doelen in kleine, haalbare stapjes",
        "5. Het stellen van doelen met de deelnemer"]
    select(editor, STEPS)
    qtbot.keyClick(editor.order_view, Qt.Key.Key_Up, ALT)
    assert editor.ranks() == {STEPS: "1", POSITIVE: "2", GOALS: "3"}
    assert editor.is_valid() and marked(editor) == []


# The order view, by drag and drop


def drop(editor: RankingEditor, key: str, point: QPoint) -> bool:
    """Drag `key` and drop it at `point` of the order view: the element's mime data as the
    view's drag carries it, through the view's own drag-enter, drag-move and drop handlers.
    (Offscreen Qt has no drag loop, so QDrag.exec cannot run here.)"""
    model, viewport = editor.order_model, editor.order_view.viewport()
    mime = model.mimeData([model.index(model.row_of(key))])
    args = (Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier)
    for event in (QDragEnterEvent(point, *args), QDragMoveEvent(point, *args)):
        QApplication.sendEvent(viewport, event)
        assert event.isAccepted()
    dropped = QDropEvent(QPointF(point), *args)
    QApplication.sendEvent(viewport, dropped)
    return dropped.isAccepted()


def above(editor: RankingEditor, key: str) -> QPoint:
    """A point in the upper edge of `key`'s row: a drop there lands before it."""
    rect = editor.order_view.visualRect(editor.order_model.index(editor.order_model.row_of(key)))
    return QPoint(rect.center().x(), rect.top() + 2)


def test_dragging_an_unranked_element_into_the_ranking_puts_it_there(qtbot, editor):
    editor.set_ranks({POSITIVE: 1, STEPS: 2, GOALS: 3})
    with qtbot.waitSignal(editor.changed):
        assert drop(editor, PLANS, above(editor, STEPS))
    assert editor.ranks() == {POSITIVE: "1", PLANS: "2", STEPS: "3", GOALS: "4"}
    assert editor.order_view.currentIndex().data(KEY_ROLE) == PLANS


def test_dragging_within_the_ranking_reorders_it(qtbot, editor):
    editor.set_ranks({POSITIVE: 1, STEPS: 2, GOALS: 3})
    assert drop(editor, GOALS, above(editor, POSITIVE))
    assert editor.ranks() == {GOALS: "1", POSITIVE: "2", STEPS: "3"}
    divider = editor.order_model.index(editor.order_model.divider_row())
    rect = editor.order_view.visualRect(divider)
    assert drop(editor, GOALS, QPoint(rect.center().x(), rect.top() + 2))  # the last place
    assert editor.ranks() == {POSITIVE: "1", STEPS: "2", GOALS: "3"}


@pytest.mark.parametrize("where", ["below the divider", "past the last row"])
def test_dragging_a_ranked_element_out_unranks_it(qtbot, editor, where):
    editor.set_ranks({POSITIVE: 1, STEPS: 2, GOALS: 3})
    viewport = editor.order_view.viewport()
    point = (above(editor, SUCCESS) if where == "below the divider"
             else QPoint(viewport.width() // 2, viewport.height() - 3))
    assert drop(editor, POSITIVE, point)
    assert editor.ranks() == {STEPS: "1", GOALS: "2"}
    assert rank_input(editor, POSITIVE).text() == ""


def test_a_drop_into_a_full_top_five_pushes_the_fifth_out(qtbot, editor):
    editor.set_ranks({POSITIVE: 1, STEPS: 2, SUCCESS: 3, GOALS: 4, OVERVIEW: 5})
    assert drop(editor, PLANS, above(editor, POSITIVE))
    assert editor.ranks() == {PLANS: "1", POSITIVE: "2", STEPS: "3", SUCCESS: "4", GOALS: "5"}


def test_the_views_own_drop_moves_the_row_as_qlistview_does(qtbot, editor):
    """A drag inside the view ends, in QListView.dropEvent, in model.moveRow(row → before)."""
    editor.set_ranks({POSITIVE: 1, STEPS: 2})
    model = editor.order_model
    with qtbot.waitSignal(editor.changed):
        assert model.moveRow(QModelIndex(), model.row_of(CONTACT), QModelIndex(),
                             model.row_of(POSITIVE))
    assert editor.ranks() == {CONTACT: "1", POSITIVE: "2", STEPS: "3"}
    assert not model.moveRow(QModelIndex(), model.divider_row(), QModelIndex(), 0)


def test_a_drag_without_an_element_is_refused(qtbot, editor):
    mime = QMimeData()
    mime.setText("Positieve benadering")
    event = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.MoveAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(editor.order_view.viewport(), event)
    assert not event.isAccepted()


def test_the_order_model_passes_qtmodeltester(qtmodeltester, editor):
    editor.set_ranks({POSITIVE: 2, STEPS: 1})
    qtmodeltester.check(editor.order_model)


# Keyboard and accessibility


@pytest.fixture
def hosted(qtbot, definition):
    """The editor on a page between two other fields, its definition set once it is there."""
    page = QWidget()
    layout = QVBoxLayout(page)
    before, editor, after = QLineEdit(objectName="before"), RankingEditor(), QLineEdit(
        objectName="after")
    for widget in (before, editor, after):
        layout.addWidget(widget)
    _show(qtbot, page)
    editor.set_definition(definition)
    return page, before, editor, after


@pytest.mark.parametrize("redefined", [False, True])
def test_tab_runs_through_the_ranks_then_the_order_then_leaves(qtbot, hosted, definition,
                                                               redefined):
    _page, before, editor, after = hosted
    if redefined:  # another definition later: its new rows take the same place in the chain
        editor.set_definition(dataclasses.replace(definition, ranking_mode="full"))
    before.setFocus(Qt.FocusReason.TabFocusReason)
    chain = []
    for _ in range(len(definition.elements) + 2):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        chain.append(QApplication.focusWidget())
    inputs = [rank_input(editor, key) for key in definition.element_keys]
    assert chain == [*inputs, editor.order_view, after]
    qtbot.keyClick(after, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(editor.order_view, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is inputs[-1]
    inputs[0].setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(inputs[0], Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is before


def test_every_control_is_named_and_tells_its_keys(editor, definition):
    for element in definition.elements:
        field = rank_input(editor, element.key)
        assert field.accessibleName() == element.text()
        assert "Enter" in field.toolTip()
    assert editor.order_view.accessibleName() == "Rangorde"
    for key in ("Alt+Up", "Alt+Down", "Del", "Ins"):  # as the user's language names them
        assert QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText) \
            in editor.order_view.toolTip()
    assert editor.order_heading.buddy() is editor.order_view
    assert editor.typed_heading.buddy() is editor.first_input()
