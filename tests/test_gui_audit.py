"""The Audit trail window, driven as a user would: opened from the Extra menu's shortcut or
from a participant's context menu, narrowed by participant (with completion) and by user from
the keyboard, paged as the list is scrolled, and offering no way to change anything; Dutch and
English."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit

from desktop import i18n
from desktop.models import audit
from desktop.models.schema import AuditEntry
from desktop.models.services import participants, studies
from desktop.views import audit_window, background
from desktop.views.audit_window import AuditWindow
from desktop.views.main_window import MainWindow, default_pages
from desktop.views.participants_page import ParticipantsPage


@pytest.fixture
def planted(db):
    """Two participants entered by anna, the second changed by bram."""
    study_id = studies.create_study(studies.StudyInput(name="Logboek", sites=["Alphen"]))
    site = studies.get_study(study_id).sites[0].id
    audit.set_current_user("anna")
    first = participants.add_participant(study_id, participants.ParticipantInput(
        "AL-001", site, "consented", dt.date(2018, 1, 8)))
    second = participants.add_participant(study_id, participants.ParticipantInput(
        "AL-002", site, "consented", dt.date(2018, 1, 9)))
    audit.set_current_user("bram")
    participants.update_participant(second, participants.ParticipantInput(
        "AL-002", site, "withdrawn", dt.date(2018, 1, 9), "", "verhuisd"))
    audit.set_current_user(None)
    return study_id, first, second


@pytest.fixture
def main(planted, qtbot, tmp_path):
    window = MainWindow(planted[0], default_pages(),
                        QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    yield window
    background.stop_all()


def _open(main: MainWindow, qtbot) -> AuditWindow:
    qtbot.keyClick(main, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    found = main.findChild(AuditWindow)
    assert found is not None and found.isVisible()
    found.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is found)
    return found


def _shown(window: AuditWindow) -> list[int]:
    return [window.model.row_at(row).id for row in range(window.model.rowCount())]


def _entries(condition=None) -> list[int]:
    query = AuditEntry.select(AuditEntry.id).order_by(AuditEntry.id.desc())
    return [entry.id for entry in (query.where(condition) if condition is not None else query)]


def test_opened_from_the_extra_menu_it_lists_the_whole_trail_newest_first(main, qtbot):
    found = _open(main, qtbot)
    assert _shown(found) == _entries()
    assert found.participant.hasFocus()
    assert found.list.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    assert not found.findChildren(QLineEdit, "old") and found.detail.text()


def test_filter_by_participant_with_completion_from_the_keyboard(main, planted, qtbot):
    _, _, second = planted
    found = _open(main, qtbot)
    qtbot.keyClicks(found.participant, "al-002")
    completer = found.participant.completer()
    assert completer.completionCount() == 1 and completer.currentCompletion() == "AL-002"
    qtbot.keyClick(found.participant, Qt.Key.Key_Return)
    assert _shown(found) == _entries((AuditEntry.table == "participant")
                                     & (AuditEntry.record_id == second))
    assert {found.model.row_at(row).owner for row in range(found.model.rowCount())} == {"AL-002"}
    assert found.model.index(0, 2).data() == "Deelnemer · AL-002"


def test_filter_by_user_from_the_keyboard(main, qtbot):
    found = _open(main, qtbot)
    qtbot.keyClick(found.participant, Qt.Key.Key_Tab)
    assert found.user.hasFocus()
    qtbot.keyClicks(found.user, "bram")  # typing picks the user, and the list follows
    assert found.user.currentData() == "bram"
    assert _shown(found) == _entries(AuditEntry.user == "bram")
    assert {found.model.index(row, 1).data() for row in range(found.model.rowCount())} \
        == {"bram"}
    assert "verhuisd" in found.detail.text()  # the newest: bram's change of the remarks


def test_an_unknown_code_or_date_is_said_and_the_list_stays(main, qtbot):
    found = _open(main, qtbot)
    before = _shown(found)
    qtbot.keyClicks(found.participant, "ZZ-999")
    qtbot.keyClick(found.participant, Qt.Key.Key_Return)
    assert "ZZ-999" in found.summary.text() and _shown(found) == before
    found.participant.clear()
    qtbot.keyClicks(found.since, "32-13-2018")
    qtbot.keyClick(found.since, Qt.Key.Key_Return)
    assert found.summary.text() and _shown(found) == before


def test_the_list_fetches_the_next_page_as_it_is_scrolled(main, qtbot, monkeypatch):
    monkeypatch.setattr(audit_window, "PAGE_SIZE", 3)
    found = _open(main, qtbot)
    found.search()
    assert found.model.rowCount() == 3 and found.model.canFetchMore()
    found.list.setFocus()
    for _ in range(len(_entries())):
        qtbot.keyClick(found.list, Qt.Key.Key_Down)
    assert _shown(found) == _entries()
    assert not found.model.canFetchMore()


def test_the_participants_context_menu_opens_the_trail_of_the_chosen_one(main, planted, qtbot):
    _, first, _ = planted
    page = main.show_page_of("ParticipantsPage")
    assert isinstance(page, ParticipantsPage)
    page.select_participant(first)
    [trail] = [action for action in page.table.actions()
               if action.text() == "Auditlogboek van deze deelnemer"]
    assert page.table.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    trail.trigger()
    found = main.findChild(AuditWindow)
    assert found is not None and found.isVisible()
    assert found.participant.text() == "AL-001"
    assert _shown(found) == _entries((AuditEntry.table == "participant")
                                     & (AuditEntry.record_id == first))


def test_in_english(planted, qtbot, tmp_path):
    i18n.set_language("en")
    main = MainWindow(planted[0], default_pages(),
                      QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main)
    found = _open(main, qtbot)
    header = [found.model.headerData(column, Qt.Orientation.Horizontal)
              for column in range(found.model.columnCount())]
    assert header == ["When", "User", "What", "Action", "Field", "Old", "New"]
    assert found.windowTitle() == "Audit trail — Logboek"
    assert found.user.itemText(0) == "All users"
    changed = [row for row in range(found.model.rowCount())
               if found.model.index(row, 1).data() == "bram"]
    assert [found.model.index(row, 2).data() for row in changed] == ["Participant · AL-002"] * 2
    assert {found.model.index(row, 3).data() for row in changed} == {"changed"}
    assert {found.model.index(row, 4).data() for row in changed} == {"status", "remarks"}
    background.stop_all()
