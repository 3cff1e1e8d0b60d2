"""The application shell: main window, navigation, study and welcome dialogs, start-up errors."""

from __future__ import annotations

import json
import logging
import re
import string
import sys

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QTableWidget,
    QWidget,
)

from desktop import app as shell_app
from desktop import i18n
from desktop.models.errors import DatabaseOpenError
from desktop.models.services import bridge, instrument_library, progress, studies
from desktop.paths import CATALOGUES
from desktop.views import error_dialog
from desktop.views.error_dialog import DatabaseChoice, UnexpectedErrorDialog
from desktop.views.main_window import MainWindow, default_pages
from desktop.views.overview_page import OverviewPage
from desktop.views.page import Page
from desktop.views.study_dialog import StudyDialog
from desktop.views.welcome_dialog import WelcomeDialog


class StubPage(Page):
    """A page whose willingness to be left the test decides."""

    def __init__(self, study_id: int, parent: QWidget | None = None) -> None:
        super().__init__(study_id, parent)
        self.leave_ok = True
        self.refreshed = 0

    @classmethod
    def page_title(cls) -> str:
        return "Stub"

    def refresh(self) -> None:
        self.refreshed += 1

    def confirm_leave(self) -> bool:
        return self.leave_ok


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, study, settings):
    win = MainWindow(study.id, [OverviewPage, StubPage, StubPage], settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    return win


def focused() -> QWidget:
    QApplication.processEvents()
    widget = QApplication.focusWidget()
    assert widget is not None, "no widget has the keyboard focus"
    return widget


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key on whatever has the focus; then let queued work (an item editor's commit) run."""
    qtbot.keyClick(focused(), key, modifier)
    QApplication.processEvents()


def type_text(qtbot, text: str) -> None:
    qtbot.keyClicks(focused(), text)
    QApplication.processEvents()


# main window -------------------------------------------------------------------------------
def test_main_window_title_and_overview_numbers(window, study, participant):
    _, definition = instrument_library.study_instrument(study.id)
    bridge.save_assessment(participant.id, study.moments[0].id, "15-01-2018",
                           {key: 3 for key in definition.item_keys})
    overview = window.page(0)
    overview.refresh()
    assert window.windowTitle().startswith("Pilot Alphen — Brugmeter — ")
    assert window.stack.currentWidget() is overview
    moments = overview.moment_model
    assert moments.rowCount() == 3
    cells = [[moments.index(r, c).data() for c in range(5)] for r in range(3)]
    assert cells[0] == ["Intake", "1", "1", "0", "100%"]
    assert cells[1] == ["6 maanden", "1", "0", "1", "0%"]
    statuses = overview.status_model
    assert statuses.index(1, 0).data() == "Neemt deel" and statuses.index(1, 1).data() == "1"
    sites = overview.site_model
    assert [sites.index(r, 0).data() for r in range(sites.rowCount())] == [
        "Alphen aan den Rijn", "Leiden"]
    assert sites.index(0, 1).data() == "1" and sites.index(1, 1).data() == "0"
    assert "1 van de 1" in overview.summary.text()


def test_ctrl_number_jumps_to_navigation_entries(qtbot, window):
    press(qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentIndex() == 1
    assert window.navigation.currentRow() == 1
    assert window.page(1).refreshed == 1
    press(qtbot, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentIndex() == 2
    press(qtbot, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.page(0)
    assert window.actions["page_2"].shortcut().toString() == "Ctrl+2"


def test_status_bar_shows_page_messages_with_time(window):
    window.page(1).status_message.emit("Opgeslagen: AL-001, intake")
    assert re.fullmatch(r"\d\d:\d\d — Opgeslagen: AL-001, intake", window.status_label.text())


def test_page_that_refuses_to_be_left_keeps_the_window_there(qtbot, window):
    assert window.show_page(1)
    stubborn = window.page(1)
    stubborn.leave_ok = False
    assert not window.show_page(0)
    assert window.stack.currentWidget() is stubborn
    assert window.navigation.currentRow() == 1
    window.close()
    assert window.isVisible()
    stubborn.leave_ok = True
    window.close()
    assert not window.isVisible()


def test_window_remembers_geometry_splitter_and_page(qtbot, window, study, settings):
    window.show_page(2)
    window.close()
    for key in ("main_window/geometry", "main_window/splitter", "main_window/page"):
        assert settings.value(key) is not None
    again = MainWindow(study.id, [OverviewPage, StubPage, StubPage], settings)
    qtbot.addWidget(again)
    assert again.stack.currentIndex() == 2


def test_menus_show_their_shortcuts(window):
    assert window.actions["open_database"].shortcut().toString() == "Ctrl+O"
    assert window.actions["quit"].shortcut().toString() == "Ctrl+Q"
    assert window.actions["new_study"].shortcut().isEmpty()  # Ctrl+N belongs to the pages
    assert "(Ctrl+O)" in window.actions["open_database"].toolTip()


def test_default_pages_start_with_the_overview():
    pages = default_pages()
    assert pages[0] is OverviewPage
    assert all(callable(factory) for factory in pages)


# language ----------------------------------------------------------------------------------
def test_language_switch_rebuilds_the_window_in_english(qtbot, study, settings):
    shell = shell_app.Shell(settings, [OverviewPage, StubPage])
    shell.set_language("nl")
    try:
        assert shell.show_study(study.id)
        first = shell.window
        qtbot.addWidget(first)
        first.show_page(1)
        assert [a.text() for a in first.menuBar().actions()] == ["&Bestand", "Bee&ld", "E&xtra",
                                                             "&Help"]
        first.actions["language_en"].trigger()
        second = shell.window
        qtbot.addWidget(second)
        assert second is not first and not first.isVisible()
        assert [a.text() for a in second.menuBar().actions()] == ["&File", "&View", "&Tools",
                                                              "&Help"]
        assert second.actions["quit"].text() == "&Quit"
        assert second.page(0).title() == "Overview"
        assert second.stack.currentIndex() == 1
        assert settings.value(shell_app.SETTING_LANGUAGE) == "en"
    finally:
        shell.set_language("nl")


def test_language_switch_waits_for_the_page(qtbot, study, settings):
    shell = shell_app.Shell(settings, [StubPage])
    shell.set_language("nl")
    shell.show_study(study.id)
    qtbot.addWidget(shell.window)
    shell.window.page(0).leave_ok = False
    shell.window.actions["language_en"].trigger()
    assert i18n.language() == "nl"
    assert shell.window.actions["language_nl"].isChecked()
    shell.window.page(0).leave_ok = True


# study dialog ------------------------------------------------------------------------------
@pytest.fixture
def dialog(qtbot, db):
    dlg = StudyDialog()
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.activateWindow()
    dlg.name_edit.setFocus()
    return dlg


def test_study_dialog_creates_a_study_typed_by_keyboard(qtbot, dialog):
    type_text(qtbot, "Pilot Gouda")
    for text in ("Hogeschool Utrecht", "Gouda"):
        press(qtbot, Qt.Key.Key_Tab)
        type_text(qtbot, text)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.language_combo
    press(qtbot, Qt.Key.Key_Down)  # English
    for text in ("1-2-2018", "31-1-2019"):
        press(qtbot, Qt.Key.Key_Tab)
        type_text(qtbot, text)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.sites_list
    for site in ("Gouda-Noord", "Gouda-Zuid"):
        press(qtbot, Qt.Key.Key_Insert)
        type_text(qtbot, site)
        press(qtbot, Qt.Key.Key_Return)
        assert dialog.isVisible()
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not dialog.isVisible()
    created = studies.get_study(dialog.study_id)
    assert (created.name, created.organisation, created.municipality) == (
        "Pilot Gouda", "Hogeschool Utrecht", "Gouda")
    assert created.language == "en"
    assert created.period_start.isoformat() == "2018-02-01"
    assert created.period_end.isoformat() == "2019-01-31"
    assert [s.name for s in created.sites] == ["Gouda-Noord", "Gouda-Zuid"]
    assert [m.months for m in created.moments] == [0, 6, 12]


def test_delete_key_removes_a_site(qtbot, dialog):
    dialog.sites_list.setFocus()
    for site in ("A", "B"):
        press(qtbot, Qt.Key.Key_Insert)
        type_text(qtbot, site)
        press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_Delete)
    assert [dialog.sites_list.item(i).text() for i in range(dialog.sites_list.count())] == ["A"]


@pytest.mark.parametrize(
    ("name", "sites", "start", "end", "field", "message"),
    [
        ("", ["A"], "", "", "name", "Dit veld is verplicht."),
        ("Pilot", ["Leiden", "leiden"], "", "", "sites", "Elke locatie mag maar één keer"),
        ("Pilot", [], "1-6-2019", "1-1-2019", "period_end", "Het einde van de periode ligt"),
        ("Pilot", [], "31-2-2019", "", "period_start", "geen geldige datum"),
    ],
)
def test_study_dialog_refuses_bad_input_inline(qtbot, dialog, name, sites, start, end,
                                                field, message):
    qtbot.keyClicks(dialog.name_edit, name)
    qtbot.keyClicks(dialog.start_edit, start)
    qtbot.keyClicks(dialog.end_edit, end)
    for site in sites:
        dialog.add_site()
        type_text(qtbot, site)
        press(qtbot, Qt.Key.Key_Return)
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.result() == 0
    label = dialog.errors[field]
    assert label.isVisible() and message in label.text()
    assert focused() is dialog.inputs[field]
    assert [d for d in (dialog.name_edit.text(), dialog.start_edit.text(),
                        dialog.end_edit.text())] == [name, start, end]
    assert dialog.sites_list.count() == len(sites)
    assert studies.list_studies() == []
    others = [lbl for f, lbl in dialog.errors.items() if f != field]
    assert not any(lbl.isVisible() for lbl in others)


def test_study_dialog_edits_an_existing_study(qtbot, study):
    dlg = StudyDialog(study.id)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.activateWindow()
    assert dlg.name_edit.text() == "Pilot Alphen"
    assert dlg.start_edit.text() == "01-12-2017"
    assert dlg.sites_list.count() == 2 and dlg.moments_table.rowCount() == 3
    dlg.name_edit.setText("Pilot Alphen-Leiden")
    dlg.add_site()
    type_text(qtbot, "Gouda")
    press(qtbot, Qt.Key.Key_Return)
    dlg.moments_table.item(2, 0).setText("Laatste contact")
    dlg.accept()
    assert dlg.result() == 1
    changed = studies.get_study(study.id)
    assert changed.name == "Pilot Alphen-Leiden"
    assert [s.name for s in changed.sites] == ["Alphen aan den Rijn", "Gouda", "Leiden"]
    assert [m.id for m in changed.moments] == [m.id for m in study.moments]
    assert changed.moments[2].name == "Laatste contact"


def test_study_dialog_keeps_a_site_with_participants(qtbot, participant, study):
    dlg = StudyDialog(study.id)
    qtbot.addWidget(dlg)
    dlg.sites_list.setCurrentRow(0)  # Alphen aan den Rijn has AL-001
    dlg.remove_site()
    dlg.accept()
    assert dlg.result() == 0
    assert "Alphen aan den Rijn" in dlg.errors["sites"].text()
    assert len(studies.get_study(study.id).sites) == 2


def test_edit_study_from_the_menu_updates_the_title(qtbot, window, monkeypatch):
    def fake_exec(dlg):
        dlg.name_edit.setText("Hernoemd")
        dlg.accept()
        return dlg.result()

    monkeypatch.setattr(StudyDialog, "exec", fake_exec)
    window.actions["edit_study"].trigger()
    assert window.windowTitle().startswith("Hernoemd — Brugmeter")
    assert "Hernoemd" in window.status_label.text()


# keyboard and catalogue checks across every dialog and language ----------------------------
INPUTS = (QLineEdit, QComboBox, QListWidget, QTableWidget)


def _dialogs(qtbot):
    for dlg in (StudyDialog(), WelcomeDialog()):
        qtbot.addWidget(dlg)
        yield dlg


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_input_has_a_label_with_buddy_and_mnemonic(qtbot, db, language):
    i18n.set_language(language)
    for dlg in _dialogs(qtbot):
        labels = [lbl for lbl in dlg.findChildren(QLabel) if lbl.buddy() is not None]
        buddies = {id(lbl.buddy()) for lbl in labels}
        inputs = [w for w in dlg.findChildren(QWidget) if isinstance(w, INPUTS)
                  and not isinstance(w.parent(), QComboBox)]
        assert all(id(w) in buddies for w in inputs), type(dlg).__name__
        assert all("&" in lbl.text() for lbl in labels)
        keys = [t.split("&")[1][0].lower() for t in
                [lbl.text() for lbl in labels]
                + [b.text() for b in dlg.findChildren(QAbstractButton)] if "&" in t]
        assert len(keys) == len(set(keys)), (type(dlg).__name__, keys)


def test_study_dialog_tab_chain_reaches_every_input(qtbot, db):
    dlg = StudyDialog()
    qtbot.addWidget(dlg)
    seen, widget = [], dlg.name_edit
    for _ in range(80):  # labels and error labels are in the chain too
        seen.append(widget)
        widget = widget.nextInFocusChain()
    for field_input in dlg.inputs.values():
        assert field_input in seen


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_shell_catalogues_have_the_same_keys_and_placeholders():
    files = {lang: json.loads((CATALOGUES / lang / "gui_shell.json").read_text("utf-8"))
             for lang in i18n.LANGUAGES}
    nl, en = files["nl"], files["en"]
    assert nl.keys() == en.keys()
    assert all(key.startswith("shell.") for key in nl)
    for key in nl:
        assert _placeholders(nl[key]) == _placeholders(en[key]), key


# welcome dialog and start-up ---------------------------------------------------------------
def test_welcome_demo_button_fills_a_study(qtbot, db):
    pytest.importorskip("desktop.models.demo")
    welcome = WelcomeDialog()
    qtbot.addWidget(welcome)
    welcome.show()
    qtbot.mouseClick(welcome.demo_button, Qt.MouseButton.LeftButton)
    assert welcome.result() == 1 and welcome.opened_demo
    assert progress.entry_progress(welcome.study_id).moments[0].participating == 120
    assert studies.get_study(welcome.study_id).name == "Demostudie Mobility Mentoring®"


def test_welcome_open_database_is_passed_to_the_shell(qtbot, db):
    welcome = WelcomeDialog()
    qtbot.addWidget(welcome)
    welcome.open_button.click()
    assert welcome.result() == 1 and welcome.wants_database and welcome.study_id is None


@pytest.fixture
def no_side_effects(monkeypatch):
    """run_app installs an excepthook and a log handler: undo both after the test."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    before = list(logging.getLogger().handlers)
    yield
    for handler in logging.getLogger().handlers:
        if handler not in before:
            logging.getLogger().removeHandler(handler)
            handler.close()


def test_run_app_with_corrupt_database_shows_the_error_dialog(tmp_path, monkeypatch,
                                                              no_side_effects):
    corrupt = tmp_path / "kapot.sqlite"
    corrupt.write_bytes(b"garbage" * 200)
    calls = []

    def choose_quit(parent, error):
        calls.append(error)
        return DatabaseChoice.QUIT

    monkeypatch.setattr(error_dialog, "ask_database_choice", choose_quit)
    assert shell_app.run_app(str(corrupt), "nl") == 1
    assert len(calls) == 1 and isinstance(calls[0], DatabaseOpenError)
    assert "kapot.sqlite" in calls[0].message


def test_start_falls_back_to_the_default_database(qtbot, tmp_path, monkeypatch, settings):
    corrupt = tmp_path / "kapot.sqlite"
    corrupt.write_bytes(b"garbage" * 200)
    monkeypatch.setattr(error_dialog, "ask_database_choice",
                        lambda parent, error: DatabaseChoice.CREATE_DEFAULT)
    monkeypatch.setattr(WelcomeDialog, "exec", lambda dlg: (dlg.open_demo(), dlg.result())[1])
    shell = shell_app.start(str(corrupt), "nl", settings, [OverviewPage])
    assert shell is not None
    qtbot.addWidget(shell.window)
    assert shell.window.windowTitle().startswith("Demostudie")
    assert settings.value(shell_app.SETTING_DATABASE).endswith("demo.sqlite")


def test_start_opens_the_study_of_a_good_database(qtbot, study, db_path, settings):
    shell = shell_app.start(str(db_path), None, settings, [OverviewPage])
    qtbot.addWidget(shell.window)
    assert shell.window.study_id == study.id
    assert settings.value(shell_app.SETTING_DATABASE) == str(db_path)


def test_open_database_menu_keeps_the_old_one_when_the_new_is_corrupt(
        qtbot, study, db_path, settings, tmp_path, monkeypatch):
    shell = shell_app.start(str(db_path), "nl", settings, [OverviewPage])
    qtbot.addWidget(shell.window)
    corrupt = tmp_path / "kapot.sqlite"
    corrupt.write_bytes(b"garbage" * 200)
    shown = []
    monkeypatch.setattr(shell_app.Shell, "ask_database_file", lambda self, parent: str(corrupt))
    monkeypatch.setattr(error_dialog, "show_error", lambda parent, error: shown.append(error))
    shell.window.actions["open_database"].trigger()
    assert isinstance(shown[0], DatabaseOpenError)
    assert studies.get_study(study.id).name == "Pilot Alphen"  # still usable
    assert shell.database == str(db_path)


# unexpected errors -------------------------------------------------------------------------
def _raise_and_catch() -> Exception:
    try:
        raise RuntimeError("kapot")
    except RuntimeError as error:
        return error


def test_unexpected_error_dialog_copies_the_details(qtbot):
    dlg = UnexpectedErrorDialog(_raise_and_catch())
    qtbot.addWidget(dlg)
    qtbot.mouseClick(dlg.copy_button, Qt.MouseButton.LeftButton)
    copied = QApplication.clipboard().text()
    assert "RuntimeError: kapot" in copied and "Traceback" in copied
    assert dlg.copy_button.text() == "Gekopieerd"


def test_excepthook_routes_unexpected_errors_to_the_dialog(monkeypatch):
    seen = []
    monkeypatch.setattr(error_dialog, "show_unexpected", lambda parent, error: seen.append(error))
    error = _raise_and_catch()
    error_dialog.excepthook(type(error), error, error.__traceback__)
    assert seen == [error]


def test_study_dialog_lists_the_instruments_and_keeps_the_bridge(qtbot, study):
    dlg = StudyDialog(study.id)
    qtbot.addWidget(dlg)
    item = dlg.instruments_list.item(0)
    assert item.text() == "Brug naar Zelfredzaamheid®"
    assert item.checkState() == Qt.CheckState.Checked
    item.setCheckState(Qt.CheckState.Unchecked)
    dlg.accept()
    assert dlg.isVisible() or dlg.result() == 0
    assert "Brug" in dlg.errors["instruments"].text()
    assert studies.get_study(study.id).instrument_keys == ("bridge",)


def test_overview_is_filled_when_the_window_opens(qtbot, participant, window):
    overview = window.page(0)
    qtbot.waitUntil(lambda: "1 van de 1" in overview.summary.text())
