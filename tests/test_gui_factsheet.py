"""The factsheet page: the researchers' texts and sentences typed by keyboard against a real
database, and the factsheet generated off the GUI thread for the preview and the PDF."""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Callable

import pytest
from PySide6.QtCore import QSettings, Qt, QThreadPool, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)

import reports.factsheet
from desktop import app as shell_app
from desktop import i18n
from desktop.i18n import tr
from desktop.models import database as models_database
from desktop.models import schema
from desktop.models.database import open_database
from desktop.models.demo import write_demo
from desktop.models.errors import BrugmeterError
from desktop.models.services import narratives, shell_support, studies
from desktop.views import factsheet_page, factsheet_worker, shortcuts
from desktop.views.factsheet_page import (
    SENTENCES_TAB,
    TEXTS_TAB,
    FactsheetPage,
    default_file_name,
)
from desktop.views.main_window import default_pages
from desktop.views.page import Page
from desktop.views.sentences_editor import EDITED, STALE_MARK

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def demo(db, qtbot):
    """A small demo study: every section of the factsheet has figures, and it is quick.
    No job may outlive it: the next test's database would not be the one it reads."""
    yield studies.get_study(write_demo(40))
    factsheet_worker.cancel_all()
    assert factsheet_worker.wait_for_jobs()
    qtbot.waitUntil(lambda: factsheet_worker.running_jobs() == 0)  # last signals delivered


@pytest.fixture
def page(qtbot, demo, monkeypatch):
    """The page in its own window; its progress dialog always appears (as on a slow machine
    or a large study), so no test depends on how quickly the factsheet is made."""
    monkeypatch.setattr(factsheet_page, "PROGRESS_DELAY_MS", 0)
    widget = FactsheetPage(demo.id)
    widget.refresh()  # as the main window does when it shows the page
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    return widget


def _focus() -> QWidget:
    QApplication.processEvents()
    widget = QApplication.focusWidget()
    assert widget is not None, "no widget has the keyboard focus"  # a key to None aborts
    return widget


def _press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(_focus(), key, modifier)
    QApplication.processEvents()


def _kinds_shown(page: FactsheetPage) -> str:
    return page.narratives.kind()


def _wait_for_sentences(qtbot, page: FactsheetPage) -> None:
    qtbot.waitUntil(lambda: not page.sentences.is_loading()
                    and page.sentences.model.rowCount() > 0)


def _answering_dialogs(answer: Callable[[QWidget], None]) -> QTimer:
    """Call `answer(dialog)` for each modal dialog while one shows (exec() blocks the test).
    The timer does not fire again while `answer` runs: what opens another dialog (and so
    blocks) must be called later, with QTimer.singleShot."""
    def step() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is not None:
            answer(dialog)

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(step)
    timer.start()
    return timer


def _held_writer(monkeypatch) -> tuple[threading.Event, threading.Event]:
    """The generator, held until the job is cancelled (a large study takes that long);
    (started, ended) tell where the worker thread is."""
    real = reports.factsheet.write_factsheet
    started, ended = threading.Event(), threading.Event()

    def waiting(request, target, progress=None, cancelled=None):
        started.set()
        try:
            deadline = time.monotonic() + 10
            while not cancelled() and time.monotonic() < deadline:
                time.sleep(0.01)
            return real(request, target, progress, cancelled)
        finally:
            ended.set()

    monkeypatch.setattr(reports.factsheet, "write_factsheet", waiting)
    return started, ended


# the page in the window --------------------------------------------------------------------
def test_factsheet_page_follows_the_interviews_page_in_the_navigation():
    titles = [factory.page_title() for factory in default_pages()]
    assert titles[-3:] == [tr("entry.professionals.title"), tr("interviews.title"), "Factsheet"]


def test_top_bar_defaults_to_the_study_language_and_names_its_keys(page, demo):
    assert page.language() == demo.language == "nl"
    assert page.site_id() is None
    assert [page.edition_combo.itemText(i) for i in range(page.edition_combo.count())] == [
        "Hele studie", *(f"Locatie {site.name}" for site in demo.sites)]
    assert page.preview_button.toolTip().endswith("(F5)")
    assert page.save_button.toolTip().endswith("(Ctrl+Shift+S)")
    assert page.zoom_in_button.toolTip().endswith("(Ctrl++)")
    assert "(Ctrl+S)" in page.narratives.save_button.toolTip()


def test_default_file_name_names_the_edition_and_is_safe():
    assert default_file_name("Pilot Alphen", "nl", None) == "Factsheet Pilot Alphen (nl).pdf"
    assert default_file_name("Pilot: A/B", "en", "Leiden") == (
        "Factsheet Pilot- A-B - Leiden (en).pdf")


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_input_has_a_labelled_mnemonic_and_no_key_is_used_twice(qtbot, demo, language):
    i18n.set_language(language)
    widget = FactsheetPage(demo.id)
    qtbot.addWidget(widget)
    widget.show()
    menus = {"nl": "blh", "en": "fvh"}[language]  # the main window's Bestand, Beeld, Help
    for tab in (TEXTS_TAB, SENTENCES_TAB):
        widget.tabs.setCurrentIndex(tab)
        QApplication.processEvents()
        labels = [lbl for lbl in widget.findChildren(QLabel)
                  if lbl.buddy() is not None and lbl.isVisibleTo(widget)]
        buddies = {id(lbl.buddy()) for lbl in labels}
        for field in (widget.language_combo, widget.edition_combo, widget.narratives.text,
                      widget.sentences.text, widget.sentences.table):
            assert not field.isVisibleTo(widget) or id(field) in buddies
        texts = [lbl.text() for lbl in labels] + [
            b.text() for b in widget.findChildren(QAbstractButton) if b.isVisibleTo(widget)] + [
            widget.tabs.tabText(i) for i in range(widget.tabs.count())]
        keys = [t.split("&")[1][0].lower() for t in texts if "&" in t]
        assert len(keys) == len(set(keys)), (tab, keys)
        assert not set(keys) & set(menus), keys
    widget.tabs.setCurrentIndex(TEXTS_TAB)


# texts -------------------------------------------------------------------------------------
def test_narrative_typed_by_keyboard_is_saved_with_ctrl_s(qtbot, page, demo):
    page.narratives.sections.setFocus()
    assert page.narratives.current().is_template
    _press(qtbot, Qt.Key.Key_Down)  # Onderzoeksvragen
    assert _kinds_shown(page) == "questions"
    _press(qtbot, Qt.Key.Key_Tab)
    assert _focus() is page.narratives.text
    _press(qtbot, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(_focus(), "- Werkt het in {municipality}?")
    assert page.narratives.has_unsaved_changes()
    with qtbot.waitSignal(page.status_message) as message:
        _press(qtbot, Qt.Key.Key_S, CTRL)
    assert message.args == ["Tekst 'Onderzoeksvragen' (Nederlands) opgeslagen."]
    stored = narratives.narratives(demo.id, "nl")["questions"]
    assert stored.text == "- Werkt het in {municipality}?" and not stored.is_template
    assert not page.narratives.has_unsaved_changes()
    item = page.narratives.sections.topLevelItem(1)
    assert item.text(1).startswith("bewerkt door ")
    assert page.narratives.sections.topLevelItem(0).text(1) == "sjabloon"
    assert page.narratives.reset_button.isEnabled()


def test_switching_section_with_typed_text_asks_and_can_keep_it(qtbot, page, demo):
    asked: list[str] = []
    answer = [False]

    def ask() -> bool:
        asked.append(page.narratives.kind())
        return answer[0]

    page.narratives.ask_discard = ask
    page.narratives.text.setFocus()
    qtbot.keyClicks(_focus(), "Nog een zin.")
    typed = page.narratives.text.toPlainText()
    page.narratives.sections.setFocus()
    _press(qtbot, Qt.Key.Key_Down)
    assert asked == ["introduction"]
    assert page.narratives.kind() == "introduction"  # kept, with the typed text
    assert page.narratives.text.toPlainText() == typed
    assert page.narratives.sections.currentItem().text(0) == "Inleiding"
    answer[0] = True
    _press(qtbot, Qt.Key.Key_Down)
    assert page.narratives.kind() == "questions" and not page.narratives.has_unsaved_changes()
    assert narratives.narratives(demo.id, "nl")["introduction"].is_template  # nothing stored


def test_leaving_the_page_or_choosing_another_language_asks_about_typed_text(qtbot, page):
    asked = []
    page.narratives.ask_discard = lambda: asked.append(True) or False
    page.narratives.text.setFocus()
    qtbot.keyClicks(_focus(), "x")
    assert not page.confirm_leave()
    page.language_combo.setCurrentIndex(1)  # English
    assert len(asked) == 2 and page.language() == "nl"
    assert page.narratives.language == "nl" and page.narratives.text.toPlainText().startswith("x")


def test_back_to_the_template_asks_first(qtbot, page, demo):
    narratives.save_narrative(demo.id, "recommendations", "nl", "Eigen aanbeveling.")
    page.refresh()
    assert page.narratives.select_kind("recommendations")
    assert page.narratives.text.toPlainText() == "Eigen aanbeveling."
    page.narratives.confirm_reset = lambda: False
    page.narratives.reset_button.click()
    assert not narratives.narratives(demo.id, "nl")["recommendations"].is_template
    page.narratives.confirm_reset = lambda: True
    with qtbot.waitSignal(page.status_message):
        page.narratives.reset_button.click()
    stored = narratives.narratives(demo.id, "nl")["recommendations"]
    assert stored.is_template
    assert page.narratives.text.toPlainText() == stored.text
    assert not page.narratives.reset_button.isEnabled()


def test_a_text_saved_by_someone_else_meanwhile_is_not_overwritten(qtbot, page, demo):
    page.narratives.text.setFocus()
    _press(qtbot, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(_focus(), "Mijn inleiding.")
    narratives.save_narrative(demo.id, "introduction", "nl", "Inleiding van een collega.", 0)
    _press(qtbot, Qt.Key.Key_S, CTRL)
    assert page.narratives.error.isVisible()
    assert page.narratives.error.text() == tr("error.record_changed")
    assert page.narratives.text.toPlainText() == "Mijn inleiding."  # kept
    assert narratives.narratives(demo.id, "nl")["introduction"].text == (
        "Inleiding van een collega.")


def test_texts_follow_the_factsheet_language_not_the_app_language(qtbot, page, demo):
    page.language_combo.setFocus()
    _press(qtbot, Qt.Key.Key_Down)  # Engels
    assert page.language() == "en" and page.narratives.language == "en"
    assert page.narratives.text.toPlainText() == narratives.templates("en")["introduction"]
    assert page.narratives.heading.text() == "Inleiding — Engels"  # the app stays Dutch
    page.narratives.text.setFocus()
    _press(qtbot, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(_focus(), "An English introduction.")
    _press(qtbot, Qt.Key.Key_S, CTRL)
    assert narratives.narratives(demo.id, "en")["introduction"].text == (
        "An English introduction.")
    assert narratives.narratives(demo.id, "nl")["introduction"].is_template
    page.tabs.setCurrentIndex(SENTENCES_TAB)
    _wait_for_sentences(qtbot, page)
    assert page.sentences.language == "en"
    assert page.sentences.model.row_at(0).generated.startswith("Of the ")


# sentences ---------------------------------------------------------------------------------
def test_sentence_edited_by_keyboard_is_stored_with_the_app_sentence(qtbot, page, demo):
    page.language_combo.setFocus()
    _press(qtbot, Qt.Key.Key_Z, ALT)  # the Zinnen tab
    assert page.tabs.currentIndex() == SENTENCES_TAB
    _wait_for_sentences(qtbot, page)
    page.sentences.table.setFocus()
    _press(qtbot, Qt.Key.Key_Down)
    row = page.sentences.current_row()
    assert row is not None and row.edited is None
    assert page.sentences.text.toPlainText() == row.generated
    _press(qtbot, Qt.Key.Key_Tab)
    assert _focus() is page.sentences.text
    _press(qtbot, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(_focus(), "Bijna de helft deed mee.")
    with qtbot.waitSignal(page.status_message):
        _press(qtbot, Qt.Key.Key_S, CTRL)
    stored = narratives.sentence_edits(demo.id, "nl", None)[row.key]
    assert stored.text == "Bijna de helft deed mee." and stored.generated == row.generated
    number = page.sentences.model.row_of_key(row.key)
    assert page.sentences.model.index(number, EDITED).data() == "Bijna de helft deed mee."
    assert page.sentences.reset_button.isEnabled()
    page.sentences.confirm_reset = lambda: True
    page.sentences.reset_button.click()
    assert row.key not in narratives.sentence_edits(demo.id, "nl", None)
    assert page.sentences.text.toPlainText() == row.generated


def test_sentences_of_a_site_edition_are_kept_apart(qtbot, page, demo):
    page.tabs.setCurrentIndex(SENTENCES_TAB)
    _wait_for_sentences(qtbot, page)
    page.edition_combo.setCurrentIndex(1)
    assert page.sentences.site_id == demo.sites[0].id
    _wait_for_sentences(qtbot, page)
    key = page.sentences.model.row_at(0).key
    assert page.sentences.select_key(key)
    page.sentences.text.setPlainText("Op deze locatie anders.")
    assert page.sentences.save()
    assert key in narratives.sentence_edits(demo.id, "nl", demo.sites[0].id)
    assert key not in narratives.sentence_edits(demo.id, "nl", None)


def test_a_sentence_edited_on_older_figures_is_marked(qtbot, page, demo):
    page.tabs.setCurrentIndex(SENTENCES_TAB)
    _wait_for_sentences(qtbot, page)
    key = page.sentences.model.row_at(0).key
    narratives.save_sentence(demo.id, "nl", None, key, "Oude formulering.",
                             generated="Een zin op cijfers van vorige maand.")
    page.refresh()
    qtbot.waitUntil(lambda: not page.sentences.is_loading()
                    and page.sentences.model.row_at(0).edited is not None)
    row = page.sentences.model.row_at(0)
    assert row.stale
    cell = page.sentences.model.index(0, EDITED)
    assert cell.data() == STALE_MARK + "Oude formulering."
    assert "cijfers zijn veranderd" in cell.data(Qt.ItemDataRole.ToolTipRole)
    assert page.sentences.select_key(key)
    assert page.sentences.stale.isVisibleTo(page)
    assert "1 daarvan op oudere cijfers" in page.sentences.state.text()
    asked = []
    page.sentences.confirm_keep_stale = lambda stale: asked.append(stale.generated) or False
    page.sentences.text.setFocus()
    _press(qtbot, Qt.Key.Key_S, CTRL)  # unchanged: the old numbers would print again
    assert asked == [row.generated]
    assert page.sentences.model.row_at(0).stale and page.sentences.stale.isVisibleTo(page)
    assert narratives.sentence_edits(demo.id, "nl", None)[key].generated == (
        "Een zin op cijfers van vorige maand.")  # nothing stored
    page.sentences.confirm_keep_stale = lambda stale: asked.append(stale.generated) or True
    assert page.sentences.save()  # the user keeps the wording, knowingly
    assert len(asked) == 2
    assert not page.sentences.model.row_at(0).stale
    assert not page.sentences.stale.isVisibleTo(page)
    assert narratives.sentence_edits(demo.id, "nl", None)[key].generated == row.generated


def test_a_stale_sentence_brought_up_to_date_is_saved_without_asking(qtbot, page, demo):
    page.tabs.setCurrentIndex(SENTENCES_TAB)
    _wait_for_sentences(qtbot, page)
    key = page.sentences.model.row_at(0).key
    narratives.save_sentence(demo.id, "nl", None, key, "Oude formulering.",
                             generated="Een zin op cijfers van vorige maand.")
    with qtbot.waitSignal(page.sentences.loaded, timeout=30_000):
        page.refresh()
    assert page.sentences.select_key(key) and page.sentences.current_row().stale
    page.sentences.confirm_keep_stale = lambda stale: pytest.fail("asked")
    page.sentences.text.setPlainText("Nieuwe formulering.")
    assert page.sentences.save()
    assert not page.sentences.current_row().stale


def test_keeping_a_stale_sentence_unchanged_is_asked_with_no_as_default(qtbot, page, demo):
    page.tabs.setCurrentIndex(SENTENCES_TAB)
    _wait_for_sentences(qtbot, page)
    key = page.sentences.model.row_at(0).key
    narratives.save_sentence(demo.id, "nl", None, key, "Oude formulering.",
                             generated="Een zin op cijfers van vorige maand.")
    with qtbot.waitSignal(page.sentences.loaded, timeout=30_000):
        page.refresh()
    assert page.sentences.select_key(key)
    row = page.sentences.current_row()
    questions = []

    def answer(box: QWidget) -> None:
        if isinstance(box, QMessageBox) and box.isVisible():
            questions.append((box.text(), box.defaultButton() is box.button(
                QMessageBox.StandardButton.No)))
            qtbot.keyClick(box, Qt.Key.Key_Return)  # Enter takes the default

    timer = _answering_dialogs(answer)
    try:
        assert not page.sentences.save()
    finally:
        timer.stop()
    assert questions == [(tr("factsheet_page.sentences.stale_question",
                             generated=row.generated), True)]
    assert row.generated in questions[0][0]
    assert page.sentences.current_row().stale
    assert page.sentences.text.toPlainText() == "Oude formulering."


def test_a_sentence_edited_by_someone_else_meanwhile_is_not_overwritten(qtbot, page, demo):
    page.tabs.setCurrentIndex(SENTENCES_TAB)
    _wait_for_sentences(qtbot, page)
    row = page.sentences.model.row_at(0)
    assert page.sentences.select_key(row.key) and row.edited is None
    page.sentences.text.setFocus()
    _press(qtbot, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(_focus(), "Mijn formulering.")
    narratives.save_sentence(demo.id, "nl", None, row.key, "Formulering van een collega.",
                             generated=row.generated)
    with qtbot.waitSignal(page.sentences.loaded, timeout=30_000):
        page.refresh()  # the list is worked out again, with the colleague's edit
    number = page.sentences.model.row_of_key(row.key)
    assert page.sentences.model.row_at(number).edited == "Formulering van een collega."
    assert page.sentences.text.toPlainText() == "Mijn formulering."  # still as typed
    _press(qtbot, Qt.Key.Key_S, CTRL)
    assert page.sentences.error.isVisible()
    assert page.sentences.error.text() == tr("error.record_changed")
    assert page.sentences.text.toPlainText() == "Mijn formulering."  # kept
    assert narratives.sentence_edits(demo.id, "nl", None)[row.key].text == (
        "Formulering van een collega.")


def test_switching_sentence_with_typed_text_asks(qtbot, page):
    page.tabs.setCurrentIndex(SENTENCES_TAB)
    _wait_for_sentences(qtbot, page)
    first = page.sentences.model.row_at(0).key
    assert page.sentences.select_key(first)
    page.sentences.text.setPlainText("Half getypt")
    page.sentences.ask_discard = lambda: False
    page.sentences.table.setFocus()
    _press(qtbot, Qt.Key.Key_Down)
    assert page.sentences.current_row().key == first
    assert page.sentences.text.toPlainText() == "Half getypt"
    assert page.sentences.table.currentIndex().row() == 0
    assert not page.confirm_leave()


# generating --------------------------------------------------------------------------------
def test_preview_shows_the_pages_and_warnings_and_leaves_no_temporary_file(
        qtbot, page, out, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(out))
    assert page.preview.page_count() == 0
    page.language_combo.setFocus()
    with qtbot.waitSignal(page.status_message, timeout=30_000) as message:
        _press(qtbot, Qt.Key.Key_F5)
        assert page._progress is not None and page._progress.isVisible()  # delay 0: shown
    qtbot.waitUntil(lambda: not page.is_busy())
    assert page._progress is None
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)  # the dialog gave it back …
    assert _focus() is page.language_combo  # … where it was
    assert QApplication.activeWindow() is page
    assert page.preview.page_count() >= 1
    assert page.preview.page_labels[0].pixmap().width() > 100
    assert page.preview.number_labels[0].text() == (
        f"Pagina 1 van {page.preview.page_count()}")
    assert message.args[0].startswith(f"Voorbeeld bijgewerkt: {page.preview.page_count()} ")
    assert page.warnings.count() >= 1  # the demo's introduction is still the template
    assert "Inleiding" in page.warnings.item(0).text()
    qtbot.waitUntil(lambda: not page.is_busy())
    assert os.listdir(out) == [] and page.preview_button.isEnabled()
    width = page.preview.page_labels[0].pixmap().width()
    page.preview.setFocus()
    _press(qtbot, Qt.Key.Key_Plus, CTRL)
    assert page.preview.page_labels[0].pixmap().width() > width
    assert page.zoom_fit_button.isEnabled()
    _press(qtbot, Qt.Key.Key_0, CTRL)
    assert page.preview.page_labels[0].pixmap().width() == width
    assert page.preview_state.text().startswith("Voorbeeld van ")
    page.narratives.text.setPlainText("Nieuw.")
    assert page.narratives.save()
    assert page.preview_state.text().startswith("Gewijzigd sinds dit voorbeeld")


def test_save_pdf_writes_where_the_user_chose(qtbot, page, out):
    suggested = []
    target = out / "factsheet-alphen"

    def ask(suggestion):
        suggested.append(suggestion)
        return target

    page.ask_target = ask
    page.language_combo.setFocus()
    with qtbot.waitSignal(page.status_message, timeout=30_000) as message:
        _press(qtbot, Qt.Key.Key_S, CTRL | Qt.KeyboardModifier.ShiftModifier)
    written = out / "factsheet-alphen.pdf"  # the extension is added
    assert suggested[0].name == "Factsheet Demostudie Mobility Mentoring® (nl).pdf"
    assert written.read_bytes().startswith(b"%PDF")
    assert message.args[0].startswith(f"PDF opgeslagen: {written} (")
    assert [p.name for p in out.iterdir()] == [written.name]
    assert page.warnings.count() >= 1


def test_the_save_dialog_adds_pdf_before_it_asks_about_replacing(qtbot, page, out):
    old = out / "rapport.pdf"
    old.write_bytes(b"%PDF old")
    for answer in (QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes):
        typed, questions = [], []

        def respond(dialog: QWidget, answer=answer, typed=typed, questions=questions) -> None:
            if isinstance(dialog, QMessageBox) and dialog.isVisible():
                questions.append(dialog.text())
                dialog.button(answer).click()
            elif isinstance(dialog, QFileDialog) and dialog.isVisible():
                if not typed:  # the user types the name without ".pdf" and presses Save
                    typed.append(True)
                    dialog.findChild(QLineEdit, "fileNameEdit").setText("rapport")
                    QTimer.singleShot(0, dialog.accept)  # may ask, in a dialog of its own
                else:  # still open after No: the user gives up
                    dialog.reject()

        timer = _answering_dialogs(respond)
        try:
            chosen = page.ask_target(out / "voorstel.pdf")
        finally:
            timer.stop()
        assert len(questions) == 1 and "rapport.pdf" in questions[0]
        assert chosen == (old if answer == QMessageBox.StandardButton.Yes else None)
    assert old.read_bytes() == b"%PDF old"


def test_a_name_the_dialog_gave_no_pdf_suffix_is_asked_about_again(qtbot, page, out):
    old = out / "rapport.v2.pdf"
    old.write_bytes(b"%PDF old")
    page.ask_target = lambda suggestion: out / "rapport.v2"  # has a suffix: none was added
    asked = []
    page.confirm_replace = lambda target: asked.append(target) or False
    page.save_pdf()
    assert asked == [old] and not page.is_busy()
    assert old.read_bytes() == b"%PDF old" and len(list(out.iterdir())) == 1
    page.confirm_replace = lambda target: asked.append(target) or True
    with qtbot.waitSignal(page.status_message, timeout=30_000):
        page.save_pdf()
    assert len(asked) == 2 and old.read_bytes().startswith(b"%PDF-")


def test_leaving_the_page_stops_the_running_generation_first(qtbot, page, out, monkeypatch):
    started, ended = _held_writer(monkeypatch)
    page.ask_target = lambda suggestion: out / "weg.pdf"
    page.save_pdf()
    assert started.wait(10)
    page.narratives.text.setPlainText("Getypt.")
    page.narratives.ask_discard = lambda: False  # the user stays: the save goes on
    assert not page.confirm_leave()
    assert not page._job.is_cancelled() and not ended.is_set()
    page.narratives.ask_discard = lambda: True
    assert page.confirm_leave()
    assert ended.is_set()  # no job reads on once the page is left (another database …)
    assert QThreadPool.globalInstance().activeThreadCount() == 0
    with qtbot.waitSignal(page.status_message, timeout=10_000) as message:
        pass  # the stopped job's last signals still arrive
    assert message.args == ["Opslaan gestopt; er is geen PDF geschreven."]
    qtbot.waitUntil(lambda: not page.is_busy())
    assert list(out.iterdir()) == []


class _BlankPage(Page):
    TITLE_KEY = "factsheet_page.title"


def test_opening_another_database_waits_for_the_jobs_of_any_page(
        qtbot, demo, db_path, tmp_path, monkeypatch):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    shell = shell_app.start(str(db_path), "nl", settings, [_BlankPage])
    qtbot.addWidget(shell.window)
    started, ended = threading.Event(), threading.Event()

    def work(progress, cancelled):
        started.set()
        deadline = time.monotonic() + 10
        while not cancelled() and time.monotonic() < deadline:
            time.sleep(0.01)
        ended.set()

    job = factsheet_worker.Job(work)
    job.start()  # e.g. a page not shown, which the window does not ask
    assert started.wait(10)
    switched = []
    real_switch = shell_support.switch_database

    def switch(target):
        switched.append(ended.is_set())
        real_switch(target)

    monkeypatch.setattr(shell_support, "switch_database", switch)
    monkeypatch.setattr(shell_app.Shell, "ask_database_file", lambda self, parent: str(db_path))
    shell.open_database()
    qtbot.addWidget(shell.window)
    assert switched == [True]  # the job had stopped before the database changed
    assert job.is_cancelled()


def test_a_job_closes_its_connection_to_the_database_it_started_on(qtbot, demo, tmp_path,
                                                                    monkeypatch):
    """A job that outlives a switch closes its own connection, not one to the other
    database."""
    first = models_database.current_database()
    closed: list[tuple[str, int]] = []
    queried, switched = threading.Event(), threading.Event()

    def work(progress, cancelled):
        studies.get_study(demo.id)  # this thread's connection to the first database
        queried.set()
        switched.wait(10)

    job = factsheet_worker.Job(work)
    job.start()
    assert queried.wait(10)
    second = open_database(tmp_path / "tweede.sqlite")
    for name, db in (("first", first), ("second", second)):
        monkeypatch.setattr(db, "close", lambda name=name, real=db.close: (
            closed.append((name, threading.get_ident())), real())[1])
    try:
        with qtbot.waitSignal(job.finished, timeout=10_000):
            switched.set()
    finally:
        second.close()
        schema.database.initialize(first)
    assert [name for name, thread in closed if thread != threading.get_ident()] == ["first"]


def test_cancelling_in_the_progress_dialog_writes_nothing(qtbot, page, out, monkeypatch):
    started, _ended = _held_writer(monkeypatch)
    page.ask_target = lambda suggestion: out / "gestopt.pdf"
    page.save_pdf()
    assert page.is_busy() and not page.save_button.isEnabled()
    qtbot.waitUntil(lambda: page._progress is not None and page._progress.isVisible())
    assert started.wait(10)
    page._progress.activateWindow()  # Escape is the dialog's shortcut: it needs the focus
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page._progress)
    with qtbot.waitSignal(page.status_message, timeout=10_000) as message:
        qtbot.keyClick(page._progress, Qt.Key.Key_Escape)
    assert message.args == ["Opslaan gestopt; er is geen PDF geschreven."]
    qtbot.waitUntil(lambda: not page.is_busy())
    assert list(out.iterdir()) == []
    assert page._progress is None and page.save_button.isEnabled()


def test_a_job_cancelled_before_it_runs_writes_nothing(qtbot, demo, out):
    target = out / "nooit.pdf"
    job = factsheet_worker.save_job(reports.factsheet.FactsheetRequest(demo.id), target)
    job.cancel()
    with qtbot.waitSignal(job.cancelled, timeout=10_000):
        job.start()
    qtbot.waitUntil(lambda: not job.is_running())
    assert not target.exists() and list(out.iterdir()) == []


def test_saving_where_no_file_can_be_written_shows_the_error(qtbot, page, out,
                                                             shown_errors):
    target = out / "bestaat-niet" / "factsheet.pdf"
    page.ask_target = lambda suggestion: target
    page.save_pdf()
    qtbot.waitUntil(lambda: bool(shown_errors), timeout=30_000)
    qtbot.waitUntil(lambda: not page.is_busy())
    assert isinstance(shown_errors[0], BrugmeterError)
    assert "bestaat-niet" in shown_errors[0].message
    assert not target.exists() and list(out.iterdir()) == []
    assert page.save_button.isEnabled()


def test_the_file_dialog_is_not_shown_again_while_one_generation_runs(qtbot, page, out):
    asked = []
    page.ask_target = lambda suggestion: asked.append(suggestion) or out / "een.pdf"
    page.save_pdf()
    page.save_pdf()
    page.generate_preview()
    assert len(asked) == 1
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=30_000)
    assert (out / "een.pdf").exists()


def test_shortcuts_are_free_of_the_window_keys():
    window_keys = {shortcuts.shortcut_text(key) for key in shortcuts.GO_TO_PAGE}
    window_keys |= {shortcuts.shortcut_text(shortcuts.OPEN), shortcuts.shortcut_text(
        shortcuts.QUIT)}
    page_keys = {shortcuts.shortcut_text(key) for key in (
        shortcuts.PREVIEW_FACTSHEET, shortcuts.SAVE_FACTSHEET, shortcuts.ZOOM_IN,
        shortcuts.ZOOM_IN_ALSO, shortcuts.ZOOM_OUT, shortcuts.ZOOM_FIT, shortcuts.SAVE)}
    assert len(page_keys) == 7 and not page_keys & window_keys


def test_tab_goes_from_the_top_bar_into_the_texts_and_on_to_the_preview(qtbot, page):
    page.language_combo.setFocus()
    seen = [_focus()]
    for _ in range(12):
        _press(qtbot, Qt.Key.Key_Tab)
        seen.append(_focus())
    expected = [page.language_combo, page.edition_combo, page.preview_button, page.save_button,
                page.tabs.tabBar(), page.narratives.sections, page.narratives.text,
                page.narratives.save_button, page.preview]  # reset: disabled for a template
    assert seen[:len(expected)] == expected
