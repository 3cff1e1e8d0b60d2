"""The workbook from the File menu (issue 7), against a real SQLite demo study and real .xlsx
files: the export off the GUI thread (read back with openpyxl), its cancel and its errors, the
import template, and the import with its report — refused cells listed and nothing written, or
the rows per sheet and the new study shown."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QSettings, Qt, QThreadPool, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QTableView,
    QWidget,
)

import reports.workbook
import reports.workbook.importer
from desktop import app as shell_app
from desktop import i18n
from desktop.i18n import tr
from desktop.models.database import close_database, open_database
from desktop.models.demo import write_demo
from desktop.models.errors import BrugmeterError
from desktop.models.services import participants, studies
from desktop.views import background, shortcuts, workbook_dialogs
from desktop.views.main_window import MainWindow
from desktop.views.overview_page import OverviewPage
from desktop.views.page import Page
from desktop.views.workbook_dialogs import ExportDialog, ImportReportDialog, SheetRowsModel
from desktop.views.workbook_worker import ExportRequest
from reports.workbook.importer import ImportReport, Rejection
from reports.workbook.importer.report import Notice

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
BSN = "123456782"  # passes the eleven test: a citizen service number, never a code


class CountingPage(Page):
    TITLE_KEY = "factsheet_page.title"

    def __init__(self, study_id: int, parent: QWidget | None = None) -> None:
        super().__init__(study_id, parent)
        self.refreshed = 0

    def refresh(self) -> None:
        self.refreshed += 1


def _no_jobs_left(qtbot) -> None:
    background.cancel_all()
    assert background.wait_for_jobs()
    qtbot.waitUntil(lambda: background.running_jobs() == 0)  # last signals delivered


@pytest.fixture
def demo(db, qtbot, monkeypatch):
    """A small demo study; every progress dialog shows at once (as on a large study)."""
    monkeypatch.setattr(workbook_dialogs, "PROGRESS_DELAY_MS", 0)
    yield studies.get_study(write_demo(40, 7))
    _no_jobs_left(qtbot)


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, demo, settings):
    win = MainWindow(demo.id, [OverviewPage, CountingPage], settings)
    qtbot.addWidget(win)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    return win


def _answering(answer: Callable[[QWidget], None]) -> QTimer:
    """Call `answer(dialog)` for the modal dialog shown (exec() blocks the test). What opens
    another dialog must be called later, with QTimer.singleShot."""
    def step() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is not None and dialog.isVisible():
            answer(dialog)

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(step)
    timer.start()
    return timer


def _status(window: MainWindow) -> str:
    return window.status_label.text()


def _wait_for_status(qtbot, window: MainWindow, words: str, timeout: int = 20_000) -> None:
    qtbot.waitUntil(lambda: words in _status(window), timeout=timeout)


def _sheet_names(path: Path) -> list[str]:
    book = load_workbook(path, read_only=True)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def _press_escape_in_progress(qtbot, actions: workbook_dialogs.WorkbookActions) -> None:
    qtbot.waitUntil(lambda: actions._progress is not None and actions._progress.isVisible())
    actions._progress.activateWindow()  # Escape is the dialog's shortcut: it needs the focus
    qtbot.waitUntil(lambda: QApplication.activeWindow() is actions._progress)
    qtbot.keyClick(actions._progress, Qt.Key.Key_Escape)


def _held(monkeypatch, module: object, name: str) -> threading.Event:
    """`module.name` held until the job is cancelled (as a large study takes that long),
    then run for real: it then stops at its first check. Returns the event set on start."""
    real = getattr(module, name)
    started = threading.Event()

    def waiting(*args, **kwargs):
        started.set()
        cancelled = kwargs.get("cancelled") or args[3]
        deadline = time.monotonic() + 10
        while not cancelled() and time.monotonic() < deadline:
            time.sleep(0.01)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, waiting)
    return started


# the menu ----------------------------------------------------------------------------------
@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_the_file_menu_has_the_workbook_actions_with_keys(qtbot, demo, settings, language):
    i18n.set_language(language)
    win = MainWindow(demo.id, [CountingPage], settings)
    qtbot.addWidget(win)
    actions = win.actions
    assert actions["export_workbook"].shortcut().toString() == "Ctrl+Shift+X"
    assert actions["import_workbook"].shortcut().toString() == "Ctrl+Shift+L"
    assert "(Ctrl+Shift+X)" in actions["export_workbook"].toolTip()
    assert "(Ctrl+Shift+L)" in actions["import_workbook"].toolTip()
    file_menu = win.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions() if not a.isSeparator()]
    for name in ("export_workbook", "import_workbook", "write_template"):
        assert actions[name].text() in texts
    keys = [text.split("&")[1][0].lower() for text in texts]
    assert all("&" in text for text in texts) and len(keys) == len(set(keys)), texts


def test_the_workbook_keys_are_used_nowhere_else():
    ours = {shortcuts.shortcut_text(shortcuts.EXPORT_WORKBOOK),
            shortcuts.shortcut_text(shortcuts.IMPORT_WORKBOOK)}
    others = set()
    for name, value in vars(shortcuts).items():
        if name.isupper() and name not in ("EXPORT_WORKBOOK", "IMPORT_WORKBOOK"):
            for key in value if isinstance(value, tuple) else (value,):
                others.add(shortcuts.shortcut_text(key))
    assert len(ours) == 2 and not ours & others


# export ------------------------------------------------------------------------------------
def test_export_from_the_menu_writes_a_real_workbook(qtbot, window, demo, out):
    """Ctrl+Shift+X, the dialog by keyboard, a name chosen in the file dialog without .xlsx."""
    seen: list[str] = []

    def answer(dialog: QWidget) -> None:
        if isinstance(dialog, QFileDialog):
            if "file" not in seen:
                seen.append("file")
                dialog.findChild(QLineEdit, "fileNameEdit").setText(str(out / "studie"))
                QTimer.singleShot(0, dialog.accept)
        elif isinstance(dialog, ExportDialog) and "export" not in seen:
            if "browse" not in seen:
                seen.append("browse")
                assert dialog.language() == demo.language
                assert dialog.focusWidget() is dialog.target_edit
                QTimer.singleShot(0, dialog.browse_button.click)
            elif "file" in seen:
                seen.append("export")
                assert dialog.target() == out / "studie.xlsx"
                dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("en"))
                QTimer.singleShot(0, dialog.export_button.click)

    timer = _answering(answer)
    try:
        qtbot.keyClick(window, Qt.Key.Key_X, CTRL_SHIFT)
        _wait_for_status(qtbot, window, "Werkmap opgeslagen")
    finally:
        timer.stop()
    target = out / "studie.xlsx"
    assert seen == ["browse", "file", "export"]
    names = _sheet_names(target)
    for sheet in ("info", "codebook", "participants", "bridge", "bridge_wide",
                  "findings_bridge", "definitions"):
        assert sheet in names
    assert str(target) in _status(window) and f"{len(names)} tabbladen" in _status(window)
    book = load_workbook(target, read_only=True)
    codes = [row[0] for row in book["participants"].iter_rows(min_row=2, values_only=True)]
    book.close()
    assert len(codes) == len(participants.participant_rows(demo.id))
    assert list(out.iterdir()) == [target]  # no temporary file left behind
    assert window.settings.value(workbook_dialogs.SETTING_FOLDER) == str(out)


def test_export_with_spss_files_writes_them_beside_the_workbook(qtbot, window, demo, out):
    actions = window.workbook_actions()
    actions.ask_export = lambda study, suggestion: ExportRequest(study.id, out / "s.xlsx",
                                                                 "nl", True)
    window.actions["export_workbook"].trigger()
    _wait_for_status(qtbot, window, "SPSS-bestanden", timeout=30_000)
    written = sorted(p.name for p in out.iterdir())
    assert "s.xlsx" in written and "s-bridge_wide.sav" in written
    assert all(name == "s.xlsx" or name.endswith(".sav") for name in written)
    count = len(written) - 1
    assert f"En {count} SPSS-bestanden in {out}." in _status(window)


def test_an_existing_file_typed_in_the_dialog_is_asked_about(qtbot, demo, out):
    old = out / "oud.xlsx"
    old.write_bytes(b"old")
    dialog = ExportDialog(demo, out / "x.xlsx")
    qtbot.addWidget(dialog)
    asked: list[Path] = []
    dialog.confirm_replace = lambda target: asked.append(target) or False
    dialog.target_edit.setText("oud")  # a bare name: in the suggested folder, with .xlsx
    dialog.accept()
    assert asked == [old] and dialog.result() != dialog.DialogCode.Accepted
    dialog.target_edit.setText("")
    dialog.accept()
    assert dialog.error.isVisibleTo(dialog) and dialog.error.text()


@pytest.mark.parametrize("sav", [False, True])
def test_cancelling_the_export_writes_nothing(qtbot, window, demo, out, monkeypatch, sav):
    """Escape in the progress dialog; with SPSS files, a cancel while they are written takes
    the workbook already made with it."""
    started = _held(monkeypatch, reports.workbook, "write_sav" if sav else "write_workbook")
    actions = window.workbook_actions()
    actions.ask_export = lambda study, suggestion: ExportRequest(study.id, out / "weg.xlsx",
                                                                 "nl", sav)
    window.export_workbook()
    assert started.wait(10)
    _press_escape_in_progress(qtbot, actions)
    _wait_for_status(qtbot, window, "Export gestopt; er is niets geschreven.")
    qtbot.waitUntil(lambda: not actions.is_busy())
    assert list(out.iterdir()) == []
    assert actions._progress is None


@pytest.mark.parametrize("sav", [False, True])
def test_an_unwritable_target_shows_the_error_and_writes_nothing(qtbot, window, demo, out,
                                                                  shown_errors, sav):
    target = out / "bestaat-niet" / "studie.xlsx"
    actions = window.workbook_actions()
    actions.ask_export = lambda study, suggestion: ExportRequest(study.id, target, "nl", sav)
    window.export_workbook()
    qtbot.waitUntil(lambda: bool(shown_errors), timeout=20_000)
    qtbot.waitUntil(lambda: not actions.is_busy())
    assert isinstance(shown_errors[0], BrugmeterError)
    assert "bestaat-niet" in shown_errors[0].message
    assert "Map" in shown_errors[0].message or "map" in shown_errors[0].message
    assert list(out.iterdir()) == []


# template ----------------------------------------------------------------------------------
def test_the_template_is_written_for_the_current_study(qtbot, window, demo, out):
    asked: list[Path] = []
    window.workbook_actions().ask_template_target = lambda s: asked.append(s) or out / "leeg"
    window.actions["write_template"].trigger()
    target = out / "leeg.xlsx"
    assert asked and asked[0].name.endswith(".xlsx")
    assert "Importsjabloon opgeslagen" in _status(window) and str(target) in _status(window)
    book = load_workbook(target, read_only=True)
    try:
        assert {"participants", "bridge", "codebook", "definitions"} <= set(book.sheetnames)
        rows = list(book["participants"].iter_rows(values_only=True))
        assert rows[0][:3] == ("code", "site", "status") and len(rows) == 1
    finally:
        book.close()


# import ------------------------------------------------------------------------------------
def _bad_template(study: studies.StudyInfo, path: Path) -> Path:
    """The study's template with a BSN as a participant's code and a Bridge level 9."""
    reports.workbook.write_template(study.id, path)
    book = load_workbook(path)
    site = study.sites[0].name
    book["participants"].append([BSN, site, "consented", "2018-02-01", None, None])
    book["participants"].append(["NW-002", site, "consented", "2018-02-01", None, None])
    book["bridge"].append(["NW-002", "intake", "2018-02-10", "huisvesting", 9, None])
    book.save(path)
    return path


def test_a_refused_import_lists_each_cell_and_writes_nothing(qtbot, window, demo, out):
    path = _bad_template(demo, out / "ingevuld.xlsx")
    before = len(participants.participant_rows(demo.id))
    actions = window.workbook_actions()
    actions.ask_import_file = lambda folder: path
    found: dict[str, object] = {}

    def answer(dialog: QWidget) -> None:
        if isinstance(dialog, ImportReportDialog) and "rows" not in found:
            found["rows"] = [(r.sheet, r.row, r.column, r.cell, r.value)
                             for r in dialog.rejections_shown()]
            found["heading"] = dialog.heading.text()
            found["summary"] = dialog.summary.text()
            found["count"] = dialog.count_label.text()
            found["focus"] = dialog.focusWidget() is dialog.search_edit
            dialog.search_edit.setText("burgerservice")
            found["filtered"] = [r.cell for r in dialog.rejections_shown()]
            dialog.search_edit.clear()
            dialog.sheet_combo.setCurrentIndex(dialog.sheet_combo.findData("bridge"))
            found["bridge"] = [r.cell for r in dialog.rejections_shown()]
            dialog.sheet_combo.setCurrentIndex(0)
            dialog.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
            found["sorted"] = [r.sheet for r in dialog.rejections_shown()]
            dialog.ask_report_target = lambda suggestion: out / "verslag.csv"
            dialog.save_button.click()
            found["saved"] = dialog.saved_label.text()
            found["notices"] = dialog.notices.count()
            dialog.reject()

    timer = _answering(answer)
    try:
        window.actions["import_workbook"].trigger()
        _wait_for_status(qtbot, window, "niet geïmporteerd")
        qtbot.waitUntil(lambda: "saved" in found)
    finally:
        timer.stop()
    assert ("participants", 2, "code", "A2", BSN) in found["rows"]
    assert ("bridge", 2, "level", "E2", "9") in found["rows"]
    assert found["heading"] == "Werkmap niet geïmporteerd: 2 cellen geweigerd"
    assert "Er is niets opgeslagen" in found["summary"]
    assert found["count"] == "2 van 2 geweigerde cellen getoond."
    assert found["focus"] and found["filtered"] == ["A2"] and found["bridge"] == ["E2"]
    assert found["sorted"] == ["bridge", "participants"]
    assert found["notices"] >= 1  # the study exists: its definitions are not applied
    assert str(out / "verslag.csv") in str(found["saved"])
    text = (out / "verslag.csv").read_text(encoding="utf-8-sig")
    assert BSN in text and "Niveau 9 bestaat niet" in text
    assert "2 cellen geweigerd; er is niets opgeslagen" in _status(window)
    assert len(participants.participant_rows(demo.id)) == before
    assert not any(p.code == "NW-002" for p in participants.participant_rows(demo.id))


def test_cancelling_the_import_saves_nothing(qtbot, window, demo, out, monkeypatch):
    path = out / "export.xlsx"
    reports.workbook.write_workbook(demo.id, path)
    started = _held(monkeypatch, reports.workbook.importer, "import_workbook")
    actions = window.workbook_actions()
    actions.ask_import_file = lambda folder: path
    shown: list[ImportReport] = []
    actions.show_report = lambda report: shown.append(report) or False
    window.import_workbook()
    assert started.wait(10)
    _press_escape_in_progress(qtbot, actions)
    _wait_for_status(qtbot, window, "Import gestopt; er is niets opgeslagen.")
    qtbot.waitUntil(lambda: not actions.is_busy())
    assert shown == []


def test_an_import_into_the_shown_study_reloads_the_page(qtbot, window, demo, out):
    reports.workbook.write_template(demo.id, out / "t.xlsx")
    book = load_workbook(out / "t.xlsx")
    book["participants"].append(["NW-100", demo.sites[0].name, "consented", "2018-02-01",
                                 None, None])
    book.save(out / "t.xlsx")
    actions = window.workbook_actions()
    actions.ask_import_file = lambda folder: out / "t.xlsx"
    reports_shown: list[ImportReport] = []
    actions.show_report = lambda report: reports_shown.append(report) or False
    overview = window.page(0)
    before = overview.summary.text()
    window.import_workbook()
    qtbot.waitUntil(lambda: bool(reports_shown), timeout=20_000)
    assert reports_shown[0].imported and reports_shown[0].rows["participants"] == 1
    assert "Werkmap geïmporteerd in 'Demostudie" in _status(window)
    assert overview.summary.text() != before  # the page shown was reloaded
    dialog = ImportReportDialog(reports_shown[0], demo.id)
    qtbot.addWidget(dialog)
    assert dialog.study_button is None  # already the study shown
    assert dialog.heading.text().startswith("Werkmap geïmporteerd in studie")


def test_an_export_imported_into_an_empty_database_shows_rows_and_opens_the_study(
        qtbot, demo, tmp_path, out, settings):
    source = reports.workbook.write_workbook(demo.id, out / "demo.xlsx").path
    close_database()
    empty = tmp_path / "leeg.sqlite"
    open_database(empty)
    own = studies.create_study(studies.StudyInput(name="Eigen studie", organisation="",
                                                  municipality="", sites=["Gouda"]))
    shell = shell_app.start(str(empty), "nl", settings, [OverviewPage])
    first = shell.window  # not given to qtbot: the shell closes and deletes it
    assert first.study_id == own
    first.activateWindow()  # the window's keys need it active
    qtbot.waitUntil(lambda: QApplication.activeWindow() is first)
    first.workbook_actions().ask_import_file = lambda folder: source
    found: dict[str, object] = {}

    def answer(dialog: QWidget) -> None:
        if isinstance(dialog, ImportReportDialog) and "rows" not in found:
            model = dialog.table.model()
            assert isinstance(model, SheetRowsModel)
            found["rows"] = model.sheet_rows()
            found["heading"] = dialog.heading.text()
            found["table"] = [model.index(r, 0).data() for r in range(model.rowCount())]
            QTimer.singleShot(0, dialog.study_button.click)

    timer = _answering(answer)
    try:
        qtbot.keyClick(first, Qt.Key.Key_L, CTRL_SHIFT)
        qtbot.waitUntil(lambda: shell.window is not first, timeout=20_000)
    finally:
        timer.stop()
    second = shell.window
    qtbot.addWidget(second)
    rows = found["rows"]
    assert found["heading"] == f"Nieuwe studie '{demo.name}' gemaakt uit de werkmap"
    assert rows["participants"] == len(participants.participant_rows(second.study_id))
    assert rows["bridge"] > 0 and "participants" in found["table"]
    assert second.study_id != own and second.windowTitle().startswith(demo.name)
    assert sorted(s.name for s in studies.list_studies()) == sorted(["Eigen studie", demo.name])
    assert "van de" in second.page(0).summary.text()


# the report dialog -------------------------------------------------------------------------
def _report(path: Path, count: int = 3) -> ImportReport:
    report = ImportReport(path)
    for row in range(2, 2 + count):
        report.rejected.append(Rejection("bridge", row, "level", f"E{row}", str(row + 6),
                                         f"Niveau {row + 6} bestaat niet; kies 1 tot en met 5."))
    report.rejected.append(Rejection("participants", 12, "code", "A12", BSN, "Lijkt op een BSN."))
    report.rejected_count = len(report.rejected) + 5
    report.notices.append(Notice("participants", "telefoon", "Kolom overgeslagen."))
    return report


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_the_report_dialog_is_keyboard_ready_in_both_languages(qtbot, tmp_path, language):
    i18n.set_language(language)
    dialog = ImportReportDialog(_report(tmp_path / "w.xlsx"), None)
    qtbot.addWidget(dialog)
    labels = [label for label in dialog.findChildren(QLabel) if label.buddy() is not None]
    inputs = [w for w in dialog.findChildren(QWidget)
              if isinstance(w, QLineEdit | QComboBox | QTableView | QListWidget)
              and not isinstance(w.parent(), QComboBox) and w.isVisibleTo(dialog)]
    assert {id(label.buddy()) for label in labels} >= {id(w) for w in inputs}
    texts = [label.text() for label in labels] + [
        b.text() for b in dialog.findChildren(QAbstractButton) if "&" in b.text()]
    keys = [text.split("&")[1][0].lower() for text in texts]
    assert len(keys) == len(set(keys)), keys
    chain, widget = [], dialog.search_edit
    for _ in range(8):
        chain.append(widget)
        widget = widget.nextInFocusChain()
    assert chain.index(dialog.sheet_combo) < chain.index(dialog.table)
    assert dialog.save_button.toolTip()
    more = "5 more cells" if language == "en" else "Nog 5 cellen"
    assert more in dialog.count_label.text()


def test_the_report_sorts_rows_as_numbers(qtbot, tmp_path):
    report = _report(tmp_path / "w.xlsx", count=10)
    dialog = ImportReportDialog(report, None)
    qtbot.addWidget(dialog)
    dialog.table.sortByColumn(workbook_dialogs.ROW, Qt.SortOrder.AscendingOrder)
    assert [r.row for r in dialog.rejections_shown()] == list(range(2, 13))  # 10 after 9
    dialog.table.sortByColumn(workbook_dialogs.ROW, Qt.SortOrder.DescendingOrder)
    assert [r.row for r in dialog.rejections_shown()] == list(range(12, 1, -1))
    dialog.table.sortByColumn(workbook_dialogs.CELL, Qt.SortOrder.AscendingOrder)
    cells = [r.cell for r in dialog.rejections_shown()]
    assert cells.index("E9") < cells.index("E10")


def test_a_file_that_is_no_workbook_gets_one_sentence(qtbot, tmp_path):
    report = ImportReport(tmp_path / "x.csv")
    report.refuse_file(BrugmeterError("error.file_write", file="x.csv", problem="kapot"))
    dialog = ImportReportDialog(report, None)
    qtbot.addWidget(dialog)
    assert dialog.heading.text() == tr("workbook_gui.report.file_refused")
    assert "x.csv" in dialog.summary.text() and "niets opgeslagen" in dialog.summary.text()
    assert dialog.search_edit is None and not dialog.table.isVisibleTo(dialog)


def test_the_export_dialog_has_buddies_and_unique_mnemonics(qtbot, demo, tmp_path):
    for language in i18n.LANGUAGES:
        i18n.set_language(language)
        dialog = ExportDialog(demo, tmp_path / "s.xlsx")
        qtbot.addWidget(dialog)
        buddies = {id(label.buddy()) for label in dialog.findChildren(QLabel) if label.buddy()}
        assert {id(dialog.target_edit), id(dialog.language_combo)} <= buddies
        texts = [label.text() for label in dialog.findChildren(QLabel) if label.buddy()] + [
            b.text() for b in dialog.findChildren(QAbstractButton) if "&" in b.text()]
        keys = [text.split("&")[1][0].lower() for text in texts]
        assert len(keys) == len(set(keys)) and len(keys) >= 5, keys
        assert isinstance(dialog.sav_check, QCheckBox) and dialog.sav_check.toolTip()
        dialog.show()
        dialog.activateWindow()
        qtbot.waitUntil(lambda dialog=dialog: QApplication.activeWindow() is dialog)
        dialog.target_edit.setFocus()
        chain = []
        for _ in range(5):
            chain.append(QApplication.focusWidget())
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        dialog.close()
        assert chain == [dialog.target_edit, dialog.browse_button, dialog.language_combo,
                         dialog.sav_check, dialog.export_button]


def test_opening_another_database_stops_a_running_export_first(qtbot, demo, db_path, out,
                                                                settings, monkeypatch):
    shell = shell_app.start(str(db_path), "nl", settings, [CountingPage])
    first = shell.window  # not given to qtbot: the shell closes and deletes it
    started = _held(monkeypatch, reports.workbook, "write_workbook")
    actions = first.workbook_actions()
    actions.ask_export = lambda study, suggestion: ExportRequest(study.id, out / "weg.xlsx",
                                                                 "nl", False)
    first.export_workbook()
    assert started.wait(10)
    job = actions._job
    switched: list[bool] = []
    real_switch = shell_app.shell_support.switch_database

    def switch(target):  # the pool is idle: no thread reads on through the models
        switched.append(job.is_cancelled()
                        and QThreadPool.globalInstance().activeThreadCount() == 0)
        real_switch(target)

    monkeypatch.setattr(shell_app.shell_support, "switch_database", switch)
    monkeypatch.setattr(shell_app.Shell, "ask_database_file", lambda self, parent: str(db_path))
    shell.open_database()
    qtbot.addWidget(shell.window)
    assert switched == [True]  # the export had stopped before the database changed
    qtbot.waitUntil(lambda: background.running_jobs() == 0)
    assert list(out.iterdir()) == []
