"""File → Copy study to another database, by keyboard: the connection dialog chooses a new
file, the study lands there counted, and the app goes on with the database it had open."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import app as shell_app
from desktop.models.database import current_database
from desktop.models.services import participants
from desktop.views.connection_dialog import ConnectionDialog
from desktop.views.overview_page import OverviewPage


@pytest.fixture
def shell(qtbot, tmp_path, db_path, study, participant):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    shell = shell_app.Shell(settings, [OverviewPage])
    assert shell.open_first(db_path) and shell.show_study(study.id)
    qtbot.addWidget(shell.window)
    return shell


def test_copy_study_to_a_new_file_by_keyboard(qtbot, shell, study, db_path, tmp_path):
    target = tmp_path / "kopie.sqlite"
    shown: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, ConnectionDialog):
            assert dialog.windowTitle() == "Studie kopiëren"
            dialog.sqlite_radio.setChecked(True)
            dialog.file_edit.setFocus()
            dialog.file_edit.clear()
            qtbot.keyClicks(dialog.file_edit, str(target))
            QTimer.singleShot(0, lambda: qtbot.keyClick(dialog.file_edit, Qt.Key.Key_Return))
        elif isinstance(dialog, QMessageBox):
            shown.append(dialog.text())
            dialog.accept()
            return
        QTimer.singleShot(20, answer)

    QTimer.singleShot(0, answer)
    shell.window.actions["copy_study"].trigger()
    assert shown and "elke tabel geteld en gelijk" in shown[0] and "participant: 1" in shown[0]
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT code FROM participant").fetchall() == [("AL-001",)]
        assert copy.execute("SELECT name FROM study").fetchall() == [("Pilot Alphen",)]
    # the app still works on its own database
    assert current_database().database == str(db_path)
    assert [row.code for row in participants.participant_rows(study.id)] == ["AL-001"]


def test_a_job_reading_the_database_is_stopped_before_the_copy_binds_others(
        qtbot, shell, study, db_path, tmp_path):
    """The copy binds the models to the source and the destination in turn: a background job
    (an export, a data-quality check) must not go on reading through them meanwhile."""
    from desktop.views import background

    seen: set[str] = set()

    def work(_progress, cancelled) -> None:
        while not cancelled():
            seen.add(str(current_database().database))
            participants.participant_rows(study.id)
        raise background.JobCancelled

    job = background.Job(work)
    job.start()
    qtbot.waitUntil(lambda: bool(seen))
    target = tmp_path / "kopie.sqlite"

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, ConnectionDialog):
            dialog.sqlite_radio.setChecked(True)
            dialog.file_edit.clear()
            dialog.file_edit.setText(str(target))
            QTimer.singleShot(0, dialog.accept)
        elif isinstance(dialog, QMessageBox):
            dialog.accept()
            return
        QTimer.singleShot(20, answer)

    QTimer.singleShot(0, answer)
    shell.window.actions["copy_study"].trigger()
    assert target.exists()
    assert not job.is_running()
    assert seen == {str(db_path)}
