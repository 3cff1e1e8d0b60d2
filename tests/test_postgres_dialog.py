"""File → Database connection… driven from the keyboard against the real throwaway PostgreSQL
cluster: "Test connection" says what is wrong, Open switches the app to the team's server, the
password goes to PostgreSQL's password file (0600) and never into the settings file, and the
next start opens the server again by itself."""

from __future__ import annotations

import stat
from pathlib import Path

import postgres
import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from desktop import app as shell_app
from desktop.models.database import close_database, open_database
from desktop.models.pgpass import pgpass_path
from desktop.models.services import studies
from desktop.views import error_dialog
from desktop.views.connection_dialog import ConnectionDialog
from desktop.views.overview_page import OverviewPage

ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def team_study(postgres_cluster):
    """A database on the server that the password role owns, holding one study."""
    name = postgres_cluster.new_database_owned_by(postgres.PASSWORD_ROLE)
    open_database(postgres_cluster.url(name, postgres.PASSWORD_ROLE, postgres.PASSWORD))
    studies.create_study(studies.StudyInput(name="Teamstudie", sites=["Gouda"]))
    close_database()
    yield name
    close_database()
    postgres_cluster.drop_database(name)


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def local_file(tmp_path) -> Path:
    path = tmp_path / "lokaal.sqlite"
    open_database(path)
    studies.create_study(studies.StudyInput(name="Lokale studie"))
    close_database()
    return path


def _focused() -> QWidget:
    QApplication.processEvents()
    return QApplication.focusWidget()


def _show(qtbot, dialog: ConnectionDialog) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)


def _key(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key where the keyboard focus is, as a user types it; a button's Alt+letter (and Return
    for the default button) clicks it after Qt's short press animation: that is waited for."""
    qtbot.keyClick(_focused(), key, modifier)
    QApplication.processEvents()
    if modifier == ALT or key == Qt.Key.Key_Return:
        qtbot.wait(250)


def _type(qtbot, text: str) -> None:
    widget = _focused()
    widget.selectAll()
    qtbot.keyClick(widget, Qt.Key.Key_Backspace)
    qtbot.keyClicks(widget, text)


def _fill_server(qtbot, dialog: ConnectionDialog, cluster, database: str, password: str,
                 remember: bool) -> None:
    """Every field reached by its Alt+letter, as the labels show."""
    _key(qtbot, Qt.Key.Key_G, ALT)  # &Gedeelde server
    assert dialog.server_radio.isChecked() and dialog.server_form.isEnabled()
    for letter, text in ((Qt.Key.Key_S, cluster.socket_dir), (Qt.Key.Key_P, str(postgres.PORT)),
                         (Qt.Key.Key_D, database), (Qt.Key.Key_U, postgres.PASSWORD_ROLE),
                         (Qt.Key.Key_W, password)):
        _key(qtbot, letter, ALT)
        _type(qtbot, text)
    if remember != dialog.remember_check.isChecked():
        _key(qtbot, Qt.Key.Key_H, ALT)  # wachtwoord ont&houden
    assert dialog.remember_check.isChecked() == remember


def test_the_dialog_tests_the_connection_and_says_what_is_wrong(qtbot, postgres_cluster,
                                                                team_study):
    dialog = ConnectionDialog(None)
    _show(qtbot, dialog)
    assert dialog.sqlite_radio.isChecked() and not dialog.server_form.isEnabled()
    _fill_server(qtbot, dialog, postgres_cluster, team_study, "fout", remember=False)
    _key(qtbot, Qt.Key.Key_T, ALT)  # Verbinding &testen
    assert dialog.message.text().startswith("Verkeerde gebruikersnaam of wachtwoord")
    _key(qtbot, Qt.Key.Key_W, ALT)
    _type(qtbot, postgres.PASSWORD)
    _key(qtbot, Qt.Key.Key_T, ALT)
    assert dialog.message.text().startswith("Verbinding gelukt")
    _key(qtbot, Qt.Key.Key_D, ALT)
    _type(qtbot, "")
    _key(qtbot, Qt.Key.Key_Return)  # Open: refused, the empty field named
    assert dialog.isVisible() and dialog.message.text() == "Vul de naam van de database in."
    assert _focused() is dialog.database_edit
    _type(qtbot, team_study)
    _key(qtbot, Qt.Key.Key_Return)
    assert dialog.result() == ConnectionDialog.DialogCode.Accepted
    assert dialog.target() == postgres_cluster.url(team_study, postgres.PASSWORD_ROLE,
                                                   postgres.PASSWORD)


def test_the_dialog_in_english_and_for_a_file(qtbot, local_file):
    from desktop import i18n

    i18n.set_language("en")
    dialog = ConnectionDialog(str(local_file))
    _show(qtbot, dialog)
    assert dialog.windowTitle() == "Database connection"
    assert dialog.sqlite_radio.isChecked() and dialog.file_edit.text() == str(local_file)
    _key(qtbot, Qt.Key.Key_T, ALT)  # &Test connection
    assert dialog.message.text().startswith("Connected")
    _key(qtbot, Qt.Key.Key_Return)
    assert dialog.target() == str(local_file) and dialog.address() is None


def _answer_dialog(qtbot, cluster, database: str, password: str, remember: bool) -> None:
    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ConnectionDialog)
        try:
            dialog.activateWindow()
            qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
            _fill_server(qtbot, dialog, cluster, database, password, remember)
            _key(qtbot, Qt.Key.Key_Return)
        finally:  # a failed step must not leave the test waiting on an open dialog
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, fill)


def test_switching_to_the_server_keeps_the_password_out_of_the_settings(
        qtbot, postgres_cluster, team_study, local_file, settings, tmp_path):
    shell = shell_app.start(str(local_file), "nl", settings, [OverviewPage])
    qtbot.addWidget(shell.window)
    assert "Lokale studie" in shell.window.windowTitle()
    _answer_dialog(qtbot, postgres_cluster, team_study, postgres.PASSWORD, remember=True)
    shell.window.actions["connection"].trigger()
    qtbot.addWidget(shell.window)
    assert "Teamstudie" in shell.window.windowTitle()

    settings.sync()
    written = Path(settings.fileName()).read_text()
    assert postgres.PASSWORD not in written
    remembered = settings.value(shell_app.SETTING_DATABASE)
    assert remembered == postgres_cluster.url(team_study, postgres.PASSWORD_ROLE)
    assert stat.S_IMODE(pgpass_path().stat().st_mode) == 0o600
    assert f":{postgres.PASSWORD}" in pgpass_path().read_text()

    close_database()  # the next start: the remembered URL, the password from the file
    again = shell_app.start(None, "nl", QSettings(settings.fileName(),
                                                  QSettings.Format.IniFormat), [OverviewPage])
    qtbot.addWidget(again.window)
    assert "Teamstudie" in again.window.windowTitle()


def test_a_wrong_password_keeps_the_open_database_and_is_not_remembered(
        qtbot, postgres_cluster, team_study, local_file, settings, monkeypatch):
    shell = shell_app.start(str(local_file), "nl", settings, [OverviewPage])
    qtbot.addWidget(shell.window)
    shown = []
    monkeypatch.setattr(error_dialog, "show_error", lambda parent, error: shown.append(error))
    _answer_dialog(qtbot, postgres_cluster, team_study, "fout", remember=False)
    shell.window.actions["connection"].trigger()
    assert [error.key for error in shown] == ["error.server_password"]
    assert studies.list_studies()[0].name == "Lokale studie"  # still open and usable
    assert settings.value(shell_app.SETTING_DATABASE) == str(local_file)
    assert not pgpass_path().exists()


def test_a_refused_start_up_logs_the_server_without_the_password(
        qtbot, postgres_cluster, team_study, settings, monkeypatch, caplog):
    monkeypatch.setattr(error_dialog, "ask_database_choice",
                        lambda parent, error: error_dialog.DatabaseChoice.QUIT)
    wrong = "geheim-maar-fout"
    url = postgres_cluster.url(team_study, postgres.PASSWORD_ROLE, wrong)
    with caplog.at_level("INFO"):
        assert shell_app.start(url, "nl", settings, [OverviewPage]) is None
    assert "cannot open database" in caplog.text and team_study in caplog.text
    assert wrong not in caplog.text
