"""File → Back up now, File → Restore… and the backup folder, driven through the real dialogs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QMessageBox, QWidget

from desktop import app as shell_app
from desktop import i18n, settings
from desktop.models import audit, backups
from desktop.models.database import transaction
from desktop.models.services import participants
from desktop.views.backup_dialogs import BackupFolderDialog, RestoreDialog
from desktop.views.main_window import MainWindow
from desktop.views.overview_page import OverviewPage


@pytest.fixture
def qsettings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def shell(qtbot, db_path, study, participant, qsettings):
    """The app on the test's database, as `brugmeter --db FILE` starts it."""
    started = shell_app.start(str(db_path), "nl", qsettings, [OverviewPage])
    qtbot.addWidget(started.window)
    started.window.activateWindow()
    return started


def add(study, code: str) -> None:
    participants.add_participant(study.id, participants.ParticipantInput(
        code, study.sites[0].id, "consented", dt.date(2018, 2, 1)))


def codes(study_id: int) -> list[str]:
    return [row.code for row in participants.participant_rows(study_id)]


def in_modal(qtbot, kind: type[QWidget], action: Callable[[QWidget], None]) -> list[QWidget]:
    """Run `action` on the next modal dialog of `kind` once it shows (exec() blocks the test
    until something closes it); the list gets the dialog, to show it was seen."""
    seen: list[QWidget] = []

    def poll() -> None:
        modal = QApplication.activeModalWidget()
        if not isinstance(modal, kind):
            QTimer.singleShot(10, poll)
            return
        seen.append(modal)
        modal.activateWindow()  # a window manager would; the offscreen platform does not
        qtbot.waitUntil(lambda: QApplication.activeWindow() is modal)
        try:
            action(modal)
        finally:
            if modal.isVisible():  # the action failed: close it, so the test can go on
                modal.reject()

    QTimer.singleShot(0, poll)
    return seen


def tab_and_press(qtbot, text: str) -> None:
    """Tab to the button labelled `text` and press it with the space bar (Alt+letter
    mnemonics do not reach buttons on Qt's offscreen platform)."""
    for _ in range(8):
        focused = QApplication.focusWidget()
        if isinstance(focused, QAbstractButton) and focused.text() == text:
            qtbot.keyClick(focused, Qt.Key.Key_Space)
            return
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    raise AssertionError(f"no button {text!r} within reach of Tab")


def press(qtbot, widget: QWidget, key: Qt.Key,
          modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(widget, key, modifier)


def test_back_up_now_writes_a_backup_and_says_where(qtbot, db_path, study, qsettings):
    window = MainWindow(study.id, [OverviewPage], qsettings)
    qtbot.addWidget(window)
    texts: list[str] = []
    seen = in_modal(qtbot, QMessageBox, lambda box: (texts.append(box.text()),
                                              press(qtbot, box, Qt.Key.Key_Return)))
    window.actions["backup_now"].trigger()
    assert seen, "no message box"
    written = backups.list_backups(db_path)
    assert [backup.kind for backup in written] == ["manual"]
    assert str(written[0].path) in texts[0]
    assert written[0].path.name in window.status_label.text()
    assert backups.check_backup(written[0].path).studies == 1


def test_restore_through_the_dialogs_by_keyboard(qtbot, shell, db_path, study):
    backup = backups.backup_open_database()
    add(study, "AL-002")
    assert codes(study.id) == ["AL-001", "AL-002"]
    listed: list[list[str]] = []
    checked: list[str] = []
    questions: list[str] = []

    def in_restore_dialog(dialog: RestoreDialog) -> None:
        model = dialog.model
        listed.extend([model.index(row, column).data() for column in range(5)]
                      for row in range(model.rowCount()))
        dialog.table.selectRow([row[4] for row in listed].index(backup.name))
        checked.append(dialog.check_label.text())
        in_modal(qtbot, QMessageBox, lambda box: (questions.append(box.text()),
                                                  tab_and_press(qtbot, "&Terugzetten")))
        press(qtbot, dialog.table, Qt.Key.Key_Return)  # the default button: Terugzetten

    old_window = shell.window
    seen = in_modal(qtbot, RestoreDialog, in_restore_dialog)
    old_window.actions["restore_backup"].trigger()
    assert seen
    assert listed[0][1] in {"handmatig", "dagelijks"}  # newest first: this one or the daily
    assert any(row[4] == backup.name and row[3] == "1" for row in listed)
    assert "Gecontroleerd en in orde" in checked[0] and "1 deelnemers" in checked[0]
    assert str(db_path) in questions[0]
    # the database was closed, replaced and opened again in a new window
    assert shell.window is not old_window
    assert codes(study.id) == ["AL-001"]
    kept = [b for b in backups.list_backups(db_path) if b.kind == "before-restore"]
    assert len(kept) == 1
    assert kept[0].path.name in shell.window.status_label.text()
    assert backups.describe(kept[0].path).participants == 2


def test_a_bad_backup_is_refused_in_the_dialog_and_nothing_changes(qtbot, db_path, study,
                                                                   tmp_path):
    bad = tmp_path / "kapot.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x07" * 5000)
    dialog = RestoreDialog(Path(db_path), None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.add_file(bad)
    assert dialog.model.index(0, 4).data() == "kapot.sqlite"
    assert dialog.model.index(0, 3).data() == "?"
    assert "Kan niet worden teruggezet" in dialog.check_label.text()
    assert not dialog.restore_button.isEnabled()
    before = Path(db_path).read_bytes()
    press(qtbot, dialog.table, Qt.Key.Key_Return)  # Enter does not restore a refused file
    assert dialog.isVisible() and dialog.chosen is None
    assert Path(db_path).read_bytes() == before
    assert codes(study.id) == []  # the database is still open and usable


def test_restore_warns_about_erased_participants_and_keeping_changes_nothing(
        qtbot, shell, db_path, study, participant):
    backup = backups.backup_open_database()
    with transaction():  # what an erasure leaves in the audit trail
        audit.record("participant", participant.id, "erase", {})
    questions: list[str] = []
    icons: list[QMessageBox.Icon] = []

    def in_restore_dialog(dialog: RestoreDialog) -> None:
        dialog.table.selectRow(next(row for row in range(dialog.model.rowCount())
                                    if dialog.model.index(row, 4).data() == backup.name))
        in_modal(qtbot, QMessageBox, lambda box: (questions.append(box.text()),
                                                  icons.append(box.icon()),
                                                  press(qtbot, box, Qt.Key.Key_Escape)))
        dialog.restore_button.click()
        dialog.reject()

    window = shell.window
    in_modal(qtbot, RestoreDialog, in_restore_dialog)
    window.actions["restore_backup"].trigger()
    assert "verwijdering" in questions[0] and "terug" in questions[0]
    assert icons[0] == QMessageBox.Icon.Warning
    assert shell.window is window  # nothing closed
    assert codes(study.id) == ["AL-001"]
    assert not [b for b in backups.list_backups(db_path) if b.kind == "before-restore"]


def test_backup_folder_dialog_by_keyboard(qtbot, db_path, study, tmp_path):
    dialog = BackupFolderDialog(Path(db_path))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.folder_edit.text() == str(Path(db_path).parent / "backups")
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    dialog.folder_edit.setFocus()
    dialog.folder_edit.selectAll()
    qtbot.keyClicks(dialog.folder_edit, str(blocker))
    press(qtbot, dialog.folder_edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and "geen map" in dialog.error.text()
    assert settings.value(settings.BACKUP_FOLDER) is None
    chosen = tmp_path / "usb" / "brugmeter"
    dialog.folder_edit.selectAll()
    qtbot.keyClicks(dialog.folder_edit, str(chosen))
    press(qtbot, dialog.folder_edit, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert settings.value(settings.BACKUP_FOLDER) == str(chosen) and chosen.is_dir()
    assert backups.backup_open_database().parent == chosen
    # back to the default with the Standaard button
    again = BackupFolderDialog(Path(db_path))
    qtbot.addWidget(again)
    again.show()
    again.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is again)
    assert again.folder_edit.text() == str(chosen)
    again.folder_edit.setFocus()
    tab_and_press(qtbot, "&Standaard")
    assert again.folder_edit.text() == str(Path(db_path).parent / "backups")
    press(qtbot, QApplication.focusWidget(), Qt.Key.Key_Return)  # on the button: still OK
    assert not again.isVisible()
    assert settings.value(settings.BACKUP_FOLDER) is None


def test_the_hourly_check_makes_the_daily_backup_once(qtbot, shell, db_path):
    for backup in backups.list_backups(db_path):  # the one made when the app opened the file
        backup.path.unlink()
    shell.backup_timer.timeout.emit()
    made = backups.list_backups(db_path)
    assert [backup.kind for backup in made] == ["daily"]
    assert made[0].path.name in shell.window.status_label.text()
    shell.backup_timer.timeout.emit()
    assert backups.list_backups(db_path) == made
    assert shell.backup_timer.interval() == 60 * 60 * 1000 and shell.backup_timer.isActive()


def test_the_file_menu_in_english(qtbot, study, qsettings):
    i18n.set_language("en")
    window = MainWindow(study.id, [OverviewPage], qsettings)
    qtbot.addWidget(window)
    texts = [action.text() for action in window.menuBar().actions()[0].menu().actions()]
    assert {"&Back up now", "&Restore a backup…", "Backup &folder…"} <= set(texts)


def test_arrowing_through_the_backups_checks_each_once(qtbot, db_path, study, monkeypatch):
    """An integrity check of a large backup takes seconds: moving up and down the list must
    not repeat it, and the shown result still follows the row."""
    first = backups.make_backup(Path(db_path), "manual")
    participants.add_participant(study.id, participants.ParticipantInput(
        "AL-009", None, "consented", dt.date(2018, 1, 8)))
    second = backups.make_backup(Path(db_path), "manual")
    checked: list[Path] = []
    real_check = backups.check_backup
    monkeypatch.setattr(backups, "check_backup",
                        lambda path: checked.append(path) or real_check(path))
    dialog = RestoreDialog(Path(db_path), None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.table.setFocus()
    shown = []
    for key in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Up):
        qtbot.keyClick(dialog.table, key)
        shown.append(dialog.check_label.text())
    assert sorted(checked) == sorted([first, second])
    assert "1 deelnemers" in shown[0] and "1 deelnemers" in shown[2]
    assert shown[1] == shown[3] and "1 deelnemers" not in shown[1]
