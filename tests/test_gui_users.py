"""Users and the recycle bin in the app: the reason dialog by keyboard, a lead's actions greyed
out for an assistant, the Users dialog and the Deleted records window — real widgets on a real
database, driven by keys."""

from __future__ import annotations

import pytest
from helpers.study_records import colleague, fill_as_lead
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from test_gui_backups import in_modal

from desktop.models.schema import Action, DeletedRecord
from desktop.models.services import actions, recycle_bin, users
from desktop.views import error_dialog
from desktop.views.deleted_records import DeletedRecordsDialog
from desktop.views.main_window import MainWindow
from desktop.views.overview_page import OverviewPage
from desktop.views.participants_page import ParticipantsPage
from desktop.views.reason_dialog import ReasonDialog
from desktop.views.users_dialog import UsersDialog

ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def records(study):
    return fill_as_lead(study)


@pytest.fixture
def as_assistant(records):
    with colleague() as bram:
        assert bram.role == users.ASSISTANT
        yield records


def _shown(qtbot, widget: QWidget) -> QWidget:
    qtbot.addWidget(widget)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    return widget


def test_the_reason_dialog_needs_a_reason_and_takes_it_with_enter(qtbot):
    dialog = _shown(qtbot, ReasonDialog("De actie verwijderen?"))
    assert QApplication.focusWidget() is dialog.reason_edit
    assert not dialog.delete_button.isEnabled()
    qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)  # nothing typed: stays open
    assert dialog.isVisible() and dialog.result() == 0
    qtbot.keyClicks(dialog.reason_edit, "mail anna@example.org")
    qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)  # refused like the service does
    assert dialog.isVisible() and "e-mailadres" in dialog.error.text()
    dialog.reason_edit.selectAll()
    qtbot.keyClicks(dialog.reason_edit, "dubbel ingevoerd")
    assert dialog.delete_button.isEnabled()
    qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.reason() == "dubbel ingevoerd"


def test_escape_keeps_the_record(qtbot):
    dialog = _shown(qtbot, ReasonDialog("De actie verwijderen?"))
    qtbot.keyClicks(dialog.reason_edit, "dubbel")
    qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_delete_in_the_action_table_asks_the_reason_and_bins_the_action(qtbot, records):
    page = _shown(qtbot, ParticipantsPage(records.study_id))
    page.refresh()
    page.table.setFocus()
    page.table.setCurrentIndex(page.proxy.index(0, 0))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    plan = page.actions.plan
    plan.table.setFocus()
    plan.table.setCurrentIndex(plan.proxy.index(0, 0))
    seen = in_modal(qtbot, ReasonDialog, lambda dialog: (
        qtbot.keyClicks(dialog.reason_edit, "verkeerde deelnemer"),
        qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)))
    qtbot.keyClick(plan.table, Qt.Key.Key_Delete)
    assert seen and seen[0].question.text().endswith("van 20-01-2018 verwijderen?")
    assert not Action.select().where(Action.id == records.action_id).exists()
    [binned] = recycle_bin.deleted_records(records.study_id)
    assert (binned.table, binned.reason) == ("action", "verkeerde deelnemer")
    assert plan.model.rowCount() == 0


def test_a_leads_actions_are_greyed_out_for_an_assistant(qtbot, as_assistant, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(as_assistant.study_id, [OverviewPage], settings)
    qtbot.addWidget(window)
    for name in ("edit_study", "restore_backup", "users", "deleted_records"):
        action = window.actions[name]
        assert not action.isEnabled(), name
        assert action.toolTip() == "Alleen een onderzoeksleider mag dit; u bent " \
                                   "onderzoeksassistent."
    assert window.actions["export_workbook"].isEnabled()
    page = _shown(qtbot, ParticipantsPage(as_assistant.study_id))
    page.refresh()
    page.table.setFocus()
    page.table.setCurrentIndex(page.proxy.index(0, 0))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # a record loaded: the form enables its buttons
    assert not page.erase_button.isEnabled() and not page.actions.plan.delete_button.isEnabled()
    assert "onderzoeksleider" in page.actions.plan.delete_button.toolTip()
    assert page.actions.plan.new_button.isEnabled()  # entering data is an assistant's work


def test_the_lead_has_them(qtbot, records, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(records.study_id, [OverviewPage], settings)
    qtbot.addWidget(window)
    assert all(window.actions[name].isEnabled()
               for name in ("edit_study", "restore_backup", "users", "deleted_records"))
    page = _shown(qtbot, ParticipantsPage(records.study_id))
    page.refresh()
    assert page.erase_button.isEnabled()


def test_the_users_dialog_adds_changes_and_deactivates_by_keyboard(qtbot, records):
    me = users.session_user().name
    dialog = _shown(qtbot, UsersDialog())
    assert dialog.model.rowCount() == 1
    dialog.name_edit.setFocus()
    qtbot.keyClicks(dialog.name_edit, "anna")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert dialog.current().name == "anna" and dialog.status.text() == \
        "anna toegevoegd als onderzoeksassistent."
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_L, ALT)  # Maak onderzoeks&leider
    # a mnemonic clicks its button after a short animation
    qtbot.waitUntil(lambda: {u.name: u.role for u in users.list_users()} == {
        me: "lead", "anna": "lead"})
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_D, ALT)  # &Deactiveren
    qtbot.waitUntil(lambda: [u.active for u in users.list_users() if u.name == "anna"]
                    == [False])
    assert dialog.active_button.text() == "A&ctiveren"
    dialog.table.setFocus()
    dialog.table.setCurrentIndex(dialog.model.index(0, 0))  # me, the one active lead
    assert dialog.current().name == me
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, ALT)  # Maak onderzoeks&assistent
    qtbot.waitUntil(lambda: "laatste actieve onderzoeksleider" in dialog.status.text())
    assert users.session_user().is_lead
    dialog.name_edit.setFocus()
    qtbot.keyClicks(dialog.name_edit, "anna")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert dialog.error.text() == "Er is al een gebruiker anna."


def test_the_deleted_records_window_restores_with_enter(qtbot, records):
    actions.delete_action(records.action_id, "verkeerde deelnemer")
    dialog = _shown(qtbot, DeletedRecordsDialog(records.study_id))
    assert dialog.model.rowCount() == 1
    assert [dialog.model.index(0, c).data() for c in (0, 1, 3)] == [
        "Actie", "AL-001", "verkeerde deelnemer"]
    restored = []
    dialog.restored.connect(restored.append)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    assert Action.select().where(Action.id == records.action_id).exists()
    assert restored == ["Actie van AL-001 is teruggezet."] == [dialog.status.text()]
    assert dialog.model.rowCount() == 0 and not dialog.restore_button.isEnabled()
    assert DeletedRecord.get().restored_by == users.session_user().name



def test_the_delete_key_tells_an_assistant_at_once(qtbot, as_assistant, monkeypatch):
    shown = []
    monkeypatch.setattr(error_dialog, "show_error", lambda _parent, error: shown.append(error))
    page = _shown(qtbot, ParticipantsPage(as_assistant.study_id))
    page.refresh()
    page.table.setFocus()
    page.table.setCurrentIndex(page.proxy.index(0, 0))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    plan = page.actions.plan
    plan.table.setFocus()
    plan.table.setCurrentIndex(plan.proxy.index(0, 0))
    qtbot.keyClick(plan.table, Qt.Key.Key_Delete)  # no reason asked: refused straight away
    assert [error.key for error in shown] == ["error.lead_only"]
    assert Action.select().where(Action.id == as_assistant.action_id).exists()
