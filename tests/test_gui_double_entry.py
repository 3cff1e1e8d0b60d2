"""Double data entry typed as assistants do, keys only: the second entry is blind, the same
assistant is refused, and the differences are resolved in the dialog (F1/F2/typing, Enter)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

from desktop import i18n
from desktop.models import audit
from desktop.models.schema import AuditEntry
from desktop.models.services import bridge, double_entry
from desktop.views.bridge_page import BridgePage
from desktop.views.double_entry_dialog import ResolutionDialog
from desktop.views.overview_page import OverviewPage

PILLARS = ("gezinsstabiliteit", "sociaal_netwerk", "huisvesting", "opleiding", "gezondheid",
           "schulden", "sparen", "inkomen")
FIRST = "34251524"  # anna's entry, one digit per pillar
DAY = dt.date(2018, 3, 15)


@pytest.fixture(autouse=True)
def _no_user():
    yield
    audit.set_current_user(None)


@pytest.fixture
def entered(study, participant):
    """Anna entered the intake's paper form."""
    audit.set_current_user("anna")
    bridge.save_assessment(participant.id, study.moments[0].id, DAY,
                           dict(zip(PILLARS, map(int, FIRST), strict=True)))
    return participant


@pytest.fixture
def page(qtbot, study, participant):
    widget = BridgePage(study.id)
    widget.refresh()
    qtbot.addWidget(widget)
    widget.resize(1100, 750)
    widget.show()
    widget.activateWindow()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    return widget


def _focus():
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def _type(qtbot, text: str) -> None:
    for char in text:  # one at a time: focus moves on after each pillar digit
        qtbot.keyClicks(_focus(), char)


def _key(qtbot, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(_focus(), key, modifier)


def _open_as(qtbot, page, user: str, code: str = "AL-001") -> None:
    audit.set_current_user(user)
    page.code.setFocus()
    qtbot.keyClicks(page.code, code)
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.form.date)


def _texts(widget) -> list[str]:
    """Every text the page shows: labels, fields and the moment tabs."""
    found = [label.text() for label in widget.findChildren(QLabel) if label.isVisible()]
    found += [field.text() for field in widget.findChildren(QLineEdit)]
    return found + [widget.tabs.tabText(i) for i in range(widget.tabs.count())]


def _in_dialog(qtbot, steps, seen: list) -> None:
    """Once the resolution dialog is up: note its rows, then press the keys of `steps`."""
    def step() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ResolutionDialog):
            QTimer.singleShot(20, step)
            return
        dialog.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
        seen.append([(c.difference.label, c.difference.first_shown, c.difference.second_shown)
                     for c in dialog.choices])
        seen.append(dialog)
        for kind, value in steps:
            if kind == "key":
                _key(qtbot, *value) if isinstance(value, tuple) else _key(qtbot, value)
            else:
                qtbot.keyClicks(_focus(), value)

    QTimer.singleShot(0, step)


def test_second_entry_by_keyboard_blind_then_resolved(qtbot, page, entered, study):
    _open_as(qtbot, page, "bram")
    assert "Intake ✓ 15-03-2018" in _texts(page)  # the ordinary form shows the first entry
    assert page.form.second_entry.state.text() == "Eén keer ingevoerd"
    _key(qtbot, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier
         | Qt.KeyboardModifier.ShiftModifier)
    form = page.form
    assert form.second_entry.active and form.second_entry.button.isChecked()
    assert QApplication.focusWidget() is form.date
    # blind: no value, no date, no score of the first entry anywhere on the page
    assert form.date.date_text() == "" and all(v is None for v in form.answers().values())
    shown = " ".join(_texts(page))
    assert "15-03-2018" not in shown and "2018-03-15" not in shown
    assert not form.scores.isVisible()
    assert form.heading.text() == ("Tweede invoer (blind) — AL-001 · Intake · Brug naar "
                                   "Zelfredzaamheid®")

    seen: list = []
    _in_dialog(qtbot, [("key", Qt.Key.Key_F1), ("key", Qt.Key.Key_Return),
                       ("key", Qt.Key.Key_F2), ("key", Qt.Key.Key_Return),
                       ("text", "1"), ("key", Qt.Key.Key_Return),
                       ("key", Qt.Key.Key_F1), ("key", Qt.Key.Key_Return)], seen)
    with qtbot.waitSignal(form.saved, timeout=10_000) as saved:
        _type(qtbot, "16032018")
        _key(qtbot, Qt.Key.Key_Return)
        _type(qtbot, "34251435")  # schulden, sparen and inkomen differ, and the date
        _key(qtbot, Qt.Key.Key_Return)
    rows, dialog = seen
    assert rows == [("Datum afname", "15-03-2018", "16-03-2018"), ("Schulden", "5", "4"),
                    ("Sparen", "2", "3"), ("Inkomen", "4", "5")]
    assert dialog.resolved
    assert saved.args[2] == ("Tweede invoer van AL-001 (Intake, Brug naar Zelfredzaamheid®) "
                             "opgeslagen; de 4 verschil(len) zijn opgelost en het formulier is "
                             "geverifieerd.")
    stored = bridge.get_assessment(entered.id, study.moments[0].id)
    assert stored.assessed_on == DAY
    assert [stored.values[p] for p in PILLARS] == [3, 4, 2, 5, 1, 4, 1, 4]
    state = double_entry.state_of(entered.id, study.moments[0].id, "bridge")
    assert state == (stored.response_id, "verified")
    assert [(row.field, row.new_value, row.user) for row in AuditEntry.select().where(
        AuditEntry.action == "resolve").order_by(AuditEntry.id)] == [
        ("assessed_on", "2018-03-15", "bram"), ("schulden", "4", "bram"),
        ("sparen", "1", "bram"), ("inkomen", "4", "bram")]
    # on to the next moment, still in second-entry mode: nothing entered there yet
    qtbot.waitUntil(lambda: page.moment_id() == study.moments[1].id)
    page.activateWindow()  # offscreen, the window is not made active again after a dialog
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.second_entry.button)
    assert form.second_entry.active and not form.date.isEnabled()
    assert form.second_entry.state.text().startswith("AL-001 heeft hier nog geen eerste invoer")
    _key(qtbot, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier
         | Qt.KeyboardModifier.ShiftModifier)  # off again: the ordinary form, dates shown
    assert not form.second_entry.active and form.date.isEnabled()
    assert any("15-03-2018" in text for text in _texts(page))


def test_the_first_typist_is_refused_a_second_entry(qtbot, page, entered):
    _open_as(qtbot, page, "anna")
    page.form.second_entry.button.click()
    form = page.form
    assert form.heading.text() == "Tweede invoer niet mogelijk"
    assert form.second_entry.state.text().startswith("anna, u hebt de eerste invoer")
    assert not form.date.isEnabled() and not form.save_button.isEnabled()
    assert all(v is None for v in form.answers().values()) and form.date.date_text() == ""


def test_differences_resolved_later_from_the_form_in_english(qtbot, page, entered, study):
    audit.set_current_user("bram")
    double_entry.save_second_entry(entered.id, study.moments[0].id, "bridge", DAY,
                                   dict(zip(PILLARS, map(int, "34251523"), strict=True)))
    i18n.set_language("en")
    _open_as(qtbot, page, "carla")
    form = page.form
    assert form.second_entry.state.text() == "Two entries differ: to resolve"
    assert form.second_entry.resolve_button.isVisible()
    seen: list = []
    _in_dialog(qtbot, [("key", Qt.Key.Key_F2),
                       ("key", (Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier))], seen)
    with qtbot.waitSignal(form.saved, timeout=10_000) as saved:
        _key(qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier
             | Qt.KeyboardModifier.ShiftModifier)
    assert seen[0] == [("Income", "4", "3")]
    assert saved.args[2] == ("The differences of AL-001 (Intake, Bridge to Self-Sufficiency®) "
                             "are resolved; the form is verified.")
    assert bridge.get_assessment(entered.id, study.moments[0].id).values["inkomen"] == 3
    qtbot.waitUntil(lambda: page.moment_id() == study.moments[1].id)  # on to the next form
    page.activateWindow()  # offscreen, the window is not made active again after a dialog
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.date)
    _key(qtbot, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)  # back to the intake
    assert form.second_entry.state.text() == "Entered twice and verified ✓"
    assert not form.second_entry.resolve_button.isVisible()


def test_the_overview_shows_waiting_forms_and_agreement_once_forms_are_entered_twice(
        qtbot, study, entered):
    page = OverviewPage(study.id)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    assert not page.double_entry.isVisible()  # no double entry in this study (yet)
    audit.set_current_user("bram")
    double_entry.save_second_entry(entered.id, study.moments[0].id, "bridge", DAY,
                                   dict(zip(PILLARS, map(int, "34251523"), strict=True)))
    page.refresh()
    assert page.double_entry.isVisible()

    def rows(model) -> list[list[str]]:
        return [[model.index(row, column).data() for column in range(model.columnCount())]
                for row in range(model.rowCount())]

    assert rows(page.waiting_model) == [["Brug naar Zelfredzaamheid®", "Intake", "anna", "0",
                                         "1"]]
    assert rows(page.agreement_model) == [["anna", "eerste invoer", "1", "9", "8", "89%"],
                                          ["bram", "tweede invoer", "1", "9", "8", "89%"]]
