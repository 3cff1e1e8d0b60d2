"""The interviews page against a real demo database: coding by keyboard (stored, and counted
in the findings), undo and redo through many steps, blind coding, whole-interview codes, the
emoji offset case, bad transcript files, search, and the codebook's .qdc exchange."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from desktop import i18n
from desktop.i18n import tr
from desktop.models.demo import write_demo
from desktop.models.errors import StorageError
from desktop.models.services import codebook, codings, interviews, participants, studies
from desktop.views.codebook_panel import CodeDialog
from desktop.views.interview_table_model import PASSAGE, format_count
from desktop.views.interviews_page import DETAILS_TAB, InterviewsPage
from desktop.views.main_window import MainWindow, default_pages
from desktop.views.transcript_view import Offsets
from reports.findings import study_findings

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
CODER = "Codeur C"


@pytest.fixture
def demo(db) -> studies.StudyInfo:
    return studies.get_study(write_demo(40, 7))


@pytest.fixture
def page(qtbot, demo, shown_errors) -> InterviewsPage:
    widget = InterviewsPage(demo.id)
    widget.refresh()  # as the main window does when it shows the page
    qtbot.addWidget(widget)
    widget.resize(1400, 860)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    widget.coder.setText(CODER)
    return widget


def _focus() -> QWidget:
    QApplication.processEvents()
    return QApplication.focusWidget()


def _press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(_focus(), key, modifier)
    QApplication.processEvents()


def _row(study_id: int, coders: tuple[str, ...]) -> interviews.InterviewRow:
    return next(row for row in interviews.interview_rows(study_id) if row.coders == coders)


def _code(study_id: int, name: str) -> codebook.CodeInfo:
    return next(code for code in codebook.codebook(study_id).codes if code.name == name)


def _select_by_keyboard(qtbot, page: InterviewsPage, start: int, length: int) -> None:
    """The caret to `start` (a Python offset), then Shift+Right `length` times."""
    text = page.view.text
    cursor = text.textCursor()
    cursor.setPosition(page.view.offsets.to_qt(start))
    text.setTextCursor(cursor)
    text.setFocus()
    for _ in range(length):
        _press(qtbot, Qt.Key.Key_Right, SHIFT)


def _state(study_id: int) -> tuple[tuple[str, ...], tuple[tuple, ...]]:
    """The codebook's names and every coding (id, code, coder, passage) of the study."""
    names = tuple(sorted(code.name for code in codebook.codebook(study_id).codes))
    rows = tuple(sorted((c.id, c.code_id, c.coder, c.start, c.end)
                        for row in interviews.interview_rows(study_id)
                        for c in codings.interview_codings(row.id)))
    return names, rows


def _finding(study_id: int, name: str) -> dict:
    found = study_findings(study_id)["interviews"]
    return next(code for code in found["codes"] if code["code"] == name)


# offsets -----------------------------------------------------------------------------------
def test_offsets_convert_between_python_and_qt_positions():
    text = "a😀b😀😀c"
    offsets = Offsets(text)
    assert [offsets.to_qt(i) for i in range(len(text) + 1)] == [0, 1, 3, 4, 6, 8, 9]
    assert [offsets.to_python(offsets.to_qt(i)) for i in range(len(text) + 1)] == list(
        range(len(text) + 1))
    plain = Offsets("één café")
    assert plain.to_qt(5) == 5 and plain.to_python(5) == 5


# coding ------------------------------------------------------------------------------------
def test_a_passage_coded_by_keyboard_is_stored_and_counted_in_the_findings(qtbot, page, demo):
    row = _row(demo.id, ("Codeur A",))
    present = {c.code_id for c in codings.interview_codings(row.id)}
    first = page.codebook_panel.quick_code_ids()[0]
    code = next(c for c in codebook.codebook(demo.id).codes
                if c.id not in present and c.id != first)
    before = _finding(demo.id, code.name)
    page.table.setFocus()
    page.select_interview(row.id)
    _press(qtbot, Qt.Key.Key_Return)  # Enter on the list opens the interview
    assert page.record().id == row.id and _focus() is page.view.text
    transcript = page.record().transcript
    start = transcript.index("Deelnemer:")
    page.codebook_panel.select_item("code", code.id)
    _select_by_keyboard(qtbot, page, start, 10)
    with qtbot.waitSignal(page.status_message) as message:
        _press(qtbot, Qt.Key.Key_Return)
    assert f"'{code.name}'" in message.args[0] and CODER in message.args[0]
    stored = [c for c in codings.interview_codings(row.id) if c.coder == CODER]
    assert [(c.code_id, c.start, c.end) for c in stored] == [(code.id, start, start + 10)]
    assert transcript[start:start + 10] == "Deelnemer:"
    after = _finding(demo.id, code.name)
    assert after["codings"] == before["codings"] + 1
    assert after["interviews"] == before["interviews"] + 1
    assert page.codings_model.rowCount() == row.codings + 1
    assert page.model.row_at(page.model.row_of(row.id)).codings == row.codings + 1
    assert page.view.highlights_at_cursor()[0].code == code.name
    assert CODER in page.view.at_cursor.text()
    # Alt+1: the codebook's first code, on the same selection
    _press(qtbot, Qt.Key.Key_1, ALT)
    assert (first, start, start + 10) in [(c.code_id, c.start, c.end) for c in
                                          codings.interview_codings(row.id, CODER)]
    # the same code twice on one passage by one coder is refused, nothing changes
    _press(qtbot, Qt.Key.Key_1, ALT)
    assert len(codings.interview_codings(row.id, CODER)) == 2
    assert page.undo_stack.count() == 2


def test_without_a_selection_or_a_code_nothing_is_coded(qtbot, page, demo):
    row = _row(demo.id, ("Codeur A",))
    page.open_interview(row.id)
    with qtbot.waitSignal(page.status_message) as message:
        _press(qtbot, Qt.Key.Key_Return)  # the codebook's current item is a category
    assert message.args == ["Kies eerst een code in het codeboek."]
    page.codebook_panel.select_item("code", codebook.codebook(demo.id).codes[0].id)
    with qtbot.waitSignal(page.status_message) as message:
        _press(qtbot, Qt.Key.Key_Return)
    assert "Selecteer eerst een passage" in message.args[0]
    assert "Ctrl+Shift+Return" in message.args[0]
    assert codings.interview_codings(row.id, CODER) == [] and page.undo_stack.count() == 0


def test_delete_removes_the_coding_at_the_cursor_and_undo_restores_it(qtbot, page, demo):
    row = _row(demo.id, ("Codeur A",))
    page.open_interview(row.id)
    coding = next(c for c in codings.interview_codings(row.id) if c.start is not None)
    page.codebook_panel.select_item("code", coding.code_id)
    text = page.view.text
    cursor = text.textCursor()
    cursor.setPosition(page.view.offsets.to_qt(coding.start + 2))
    text.setTextCursor(cursor)
    _press(qtbot, Qt.Key.Key_Delete)
    assert coding.id not in {c.id for c in codings.interview_codings(row.id)}
    _press(qtbot, Qt.Key.Key_Z, CTRL)
    assert coding in codings.interview_codings(row.id)  # the same row, under its own id


def test_undo_and_redo_many_steps_with_a_merge_and_codings(qtbot, page, demo, monkeypatch):
    row = _row(demo.id, ("Codeur A",))
    book = codebook.codebook(demo.id)
    source, target = book.codes[0], book.codes[1]
    initial = _state(demo.id)
    page.open_interview(row.id)
    transcript = page.record().transcript
    start = transcript.index("Interviewer:")
    # 1. a coding with `source`
    page.codebook_panel.select_item("code", source.id)
    _select_by_keyboard(qtbot, page, start, 12)
    _press(qtbot, Qt.Key.Key_Return)
    after_coding = _state(demo.id)
    assert len(after_coding[1]) == len(initial[1]) + 1
    # 2. merge `source` into `target` (Ctrl+M in the codebook)
    monkeypatch.setattr(page.codebook_panel, "ask_merge_target", lambda code: target.id)
    page.codebook_panel.select_item("code", source.id)
    page.codebook_panel.tree.setFocus()
    _press(qtbot, Qt.Key.Key_M, CTRL)
    after_merge = _state(demo.id)
    assert source.name not in after_merge[0]
    assert {c[1] for c in after_merge[1]} == {c[1] for c in after_coding[1]} - {source.id}
    # 3. a new code (Insert in the codebook, typed into its dialog)
    def fill(dialog: CodeDialog) -> None:
        dialog.name.setText("Zelf de regie")
        dialog.definition.setPlainText("De deelnemer bepaalt zelf de volgende stap.")
        dialog.accept()

    monkeypatch.setattr(page.codebook_panel, "open_dialog", fill)
    _press(qtbot, Qt.Key.Key_Insert)
    after_code = _state(demo.id)
    assert "Zelf de regie" in after_code[0]
    new = _code(demo.id, "Zelf de regie")
    assert page.codebook_panel.current_code().id == new.id
    # 4. a coding with the new code, on the whole interview (from the transcript)
    page.view.focus_text()
    _press(qtbot, Qt.Key.Key_Return, CTRL | SHIFT)
    after_whole = _state(demo.id)
    assert (new.id, CODER, None, None) in [c[1:] for c in after_whole[1]]
    assert page.undo_action.text().startswith("Ongedaan maken: code 'Zelf de regie'")
    assert page.undo_action.toolTip().endswith("(Ctrl+Z)")
    assert page.redo_action.toolTip().endswith("(Ctrl+Shift+Z, Ctrl+Y)")
    assert page.history.model().rowCount() == 5  # "<begin>" and four commands
    # back through all four, checking the database each time
    for expected in (after_code, after_merge, after_coding, initial):
        _press(qtbot, Qt.Key.Key_Z, CTRL)
        assert _state(demo.id) == expected
    assert not page.undo_action.isEnabled()
    # and forward again, with both redo keys
    for expected, modifier, key in ((after_coding, CTRL | SHIFT, Qt.Key.Key_Z),
                                    (after_merge, CTRL, Qt.Key.Key_Y),
                                    (after_code, CTRL, Qt.Key.Key_Y),
                                    (after_whole, CTRL | SHIFT, Qt.Key.Key_Z)):
        _press(qtbot, key, modifier)
        assert _state(demo.id) == expected
    assert not page.redo_action.isEnabled()


def test_codebook_changes_are_undone_one_by_one(qtbot, page, demo, monkeypatch, shown_errors):
    panel = page.codebook_panel
    initial = codebook.codebook(demo.id)
    page.open_interview(_row(demo.id, ("Codeur A",)).id)
    # a category, renamed; a code in it, recoloured; the category cannot go while it holds it
    monkeypatch.setattr(panel, "open_dialog", lambda dialog: (
        dialog.name.setText("Ervaringen"), dialog.accept()))
    panel.actions["new_category"].trigger()
    category = next(c for c in codebook.codebook(demo.id).categories if c.name == "Ervaringen")
    monkeypatch.setattr(panel, "open_dialog", lambda dialog: (
        dialog.name.setText("Ervaring"), dialog.accept()))
    panel.actions["edit"].trigger()
    monkeypatch.setattr(panel, "open_dialog", lambda dialog: (
        dialog.name.setText("Wachttijd"), dialog.accept()))
    panel.actions["new_code"].trigger()
    code = _code(demo.id, "Wachttijd")
    assert code.category_id == category.id
    monkeypatch.setattr(panel, "ask_colour", lambda current: "#123456")
    panel.actions["colour"].trigger()
    assert _code(demo.id, "Wachttijd").colour == "#123456"
    panel.select_item("category", category.id)
    panel.actions["delete"].trigger()
    assert "bevat nog codes" in shown_errors[-1].message
    panel.select_item("code", code.id)
    panel.actions["delete"].trigger()
    panel.select_item("category", category.id)
    panel.actions["delete"].trigger()
    assert codebook.codebook(demo.id) == initial
    assert page.undo_stack.count() == 6
    for _ in range(6):
        page.undo()
    assert [c.name for c in codebook.codebook(demo.id).categories] == [
        c.name for c in initial.categories]
    assert codebook.codebook(demo.id).codes == initial.codes
    for _ in range(4):
        page.redo()
    assert _code(demo.id, "Wachttijd").colour == "#123456"
    assert "Ervaring" in [c.name for c in codebook.codebook(demo.id).categories]


def _per_code(study_id: int) -> dict[int, int]:
    """How many codings each code of the study has (codes without any left out)."""
    counts: dict[int, int] = {}
    for row in codings.coding_rows(study_id):
        counts[row.code_id] = counts.get(row.code_id, 0) + 1
    return counts


def test_a_code_in_use_is_merged_instead_of_deleted(qtbot, page, demo, monkeypatch):
    book = codebook.codebook(demo.id)
    source, target = book.codes[2], book.codes[3]
    before = _per_code(demo.id)
    # a coding of the target on the very passage (and by the coder) of one of the source's:
    # the merge keeps one of the two, so exactly one coding less in all
    double = next(c for r in interviews.interview_rows(demo.id)
                  for c in codings.interview_codings(r.id) if c.code_id == source.id)
    codings.add_coding(double.interview_id, target.id, double.coder, double.start, double.end)
    before[target.id] = before.get(target.id, 0) + 1
    assert before[source.id] >= 2 and before[target.id] >= 1
    assert _per_code(demo.id) == before
    merged = {code_id: number for code_id, number in before.items() if code_id != source.id}
    merged[target.id] = before[target.id] + before[source.id] - 1
    panel = page.codebook_panel
    questions = []
    monkeypatch.setattr(panel, "ask_merge_instead", lambda text: questions.append(text) or True)
    monkeypatch.setattr(panel, "ask_merge_target", lambda code: target.id)
    panel.select_item("code", source.id)
    panel.tree.setFocus()
    _press(qtbot, Qt.Key.Key_Delete)
    assert "samen" in questions[0]
    assert source.name not in [c.name for c in codebook.codebook(demo.id).codes]
    assert _per_code(demo.id) == merged
    assert _finding(demo.id, target.name)["codings"] == merged[target.id]
    page.undo()
    assert source.name in [c.name for c in codebook.codebook(demo.id).codes]
    assert _per_code(demo.id) == before
    page.redo()
    assert source.name not in [c.name for c in codebook.codebook(demo.id).codes]
    assert _per_code(demo.id) == merged


def test_blind_coding_hides_the_other_coder(qtbot, page, demo):
    row = _row(demo.id, ("Codeur A", "Codeur B"))
    page.open_interview(row.id)
    assert {c.coder for c in page.visible_codings()} == {"Codeur A", "Codeur B"}
    page.coder.setText("Codeur B")
    page.blind.setFocus()
    _press(qtbot, Qt.Key.Key_Space)  # the check box, by keyboard
    assert page.blind.isChecked()
    assert {c.coder for c in page.visible_codings()} == {"Codeur B"}
    assert {page.codings_model.row_at(r).coder for r in range(page.codings_model.rowCount())
            } == {"Codeur B"}
    assert {s.highlight.coder for s in page.view.text.spans} == {"Codeur B"}
    assert "blind: alleen Codeur B" in page.view.details.text()
    page.coder.setText("Codeur A")
    page.coder.editingFinished.emit()
    assert {c.coder for c in page.visible_codings()} == {"Codeur A"}
    page.blind.setChecked(False)
    assert len(page.visible_codings()) == row.codings


def test_a_whole_interview_code_has_no_passage(qtbot, page, demo):
    row = _row(demo.id, ("Codeur A",))
    page.open_interview(row.id)
    code = codebook.codebook(demo.id).codes[5]
    page.codebook_panel.select_item("code", code.id)
    page.view.focus_text()
    _press(qtbot, Qt.Key.Key_Return, CTRL | SHIFT)
    whole = [c for c in codings.interview_codings(row.id, CODER)]
    assert [(c.code_id, c.start, c.end) for c in whole] == [(code.id, None, None)]
    assert page.view.whole.isVisible() and code.name in page.view.whole.text()
    first = page.codings_model.index(0, PASSAGE).data()
    assert first == tr("interviews.whole_interview")
    assert page.view.text.spans and all(s.highlight.coder != CODER for s in page.view.text.spans)
    page.undo()
    assert codings.interview_codings(row.id, CODER) == [] and not page.view.whole.isVisible()


def test_a_passage_after_an_emoji_is_stored_and_shown_where_it_was_selected(qtbot, page, demo):
    person = participants.participant_rows(demo.id)[0]
    text = "Interviewer: Hoe was het? 😀🎉\nDeelnemer: Eén vaste contactpersoon hielp echt.\n"
    interview_id = interviews.add_interview(demo.id, interviews.InterviewInput(
        participant_id=person.id, held_on="1-3-2019", interviewer="MdV", transcript=text))
    page.refresh()
    page.open_interview(interview_id)
    phrase = "vaste contactpersoon"
    found = page.view.text.document().find(phrase)  # the user's selection, in Qt positions
    assert found.selectionStart() == text.index(phrase) + 2  # two emoji: two units more
    page.view.text.setTextCursor(found)
    code = codebook.codebook(demo.id).codes[0]
    page.codebook_panel.select_item("code", code.id)
    page.view.focus_text()
    _press(qtbot, Qt.Key.Key_Return)
    [stored] = codings.interview_codings(interview_id)
    assert text[stored.start:stored.end] == phrase
    assert page.codings_model.index(0, PASSAGE).data() == phrase
    [selection] = [s for s in page.view.text.extraSelections() if s.cursor.hasSelection()]
    assert selection.cursor.selectedText() == phrase
    # and back: a coding the service holds is selected at the right place
    codings.add_coding(interview_id, code.id, "Codeur A", text.index("hielp"),
                       text.index("hielp") + 5)
    page.refresh()
    line = next(r for r in range(page.codings_model.rowCount())
                if page.codings_model.row_at(r).coder == "Codeur A")
    page.codings_table.setFocus()
    page.codings_table.setCurrentIndex(page.codings_model.index(line, 0))
    _press(qtbot, Qt.Key.Key_Return)
    assert page.view.text.textCursor().selectedText() == "hielp"
    assert _focus() is page.view.text


# interviews --------------------------------------------------------------------------------
def _bad_docx(tmp_path):
    path = tmp_path / "interview.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "a zip, but no Word document")
    return path


def test_a_bad_file_shows_the_message_and_stores_nothing(qtbot, page, demo, tmp_path,
                                                         monkeypatch):
    count = len(interviews.interview_rows(demo.id))
    person = participants.participant_rows(demo.id)[0]
    page.table.setFocus()
    _press(qtbot, Qt.Key.Key_N, CTRL)
    assert page.tabs.currentIndex() == DETAILS_TAB and _focus() is page.editor.subject
    qtbot.keyClicks(_focus(), person.code.lower())  # any case
    _press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(_focus(), "04032019")
    _press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(_focus(), "S. Bakker")
    chosen = [_bad_docx(tmp_path)]
    monkeypatch.setattr(page.editor, "ask_transcript_file", lambda: chosen.pop())
    _press(qtbot, Qt.Key.Key_O, CTRL | SHIFT)
    label = page.editor.errors["transcript"]
    assert label.isVisible() and "interview.docx" in label.text()
    assert "geen Word-document" in label.text()
    assert len(interviews.interview_rows(demo.id)) == count
    assert page.editor.subject.text() == person.code.lower()  # what was typed stays
    assert page.editor.interviewer.text() == "S. Bakker"
    # a good file then goes in with the same details
    good = tmp_path / "goed.txt"
    good.write_bytes("Interviewer: Hoe gaat het?\r\nDeelnemer: Beter, café!\r\n".encode(
        "cp1252"))
    chosen.append(good)
    with qtbot.waitSignal(page.status_message) as message:
        page.editor.import_button.click()
    assert "goed.txt" in message.args[0]
    rows = interviews.interview_rows(demo.id)
    assert len(rows) == count + 1
    record = page.record()
    assert record.transcript == "Interviewer: Hoe gaat het?\nDeelnemer: Beter, café!\n"
    assert (record.subject, record.held_on, record.interviewer, record.source) == (
        person.code, dt.date(2019, 3, 4), "S. Bakker", "goed.txt")
    assert page.view.transcript() == record.transcript


def test_a_pasted_transcript_and_an_unknown_code(qtbot, page, demo):
    count = len(interviews.interview_rows(demo.id))
    page.new_interview()
    qtbot.keyClicks(page.editor.subject, "ZZ-999")
    page.editor.transcript.setPlainText("Interviewer: Dag.\nDeelnemer: Hallo.")
    _press(qtbot, Qt.Key.Key_S, CTRL)
    assert "ZZ-999" in page.editor.errors["subject"].text()
    assert len(interviews.interview_rows(demo.id)) == count
    page.editor.kind.setCurrentIndex(1)  # a professional
    professional = next(r for r in interviews.interview_rows(demo.id) if r.kind == "professional")
    page.editor.subject.setText(professional.subject)
    page.editor.subject.setFocus()
    _press(qtbot, Qt.Key.Key_Return)
    assert len(interviews.interview_rows(demo.id)) == count + 1
    assert page.record().transcript == "Interviewer: Dag.\nDeelnemer: Hallo."
    assert page.record().professional_id is not None and _focus() is page.view.text


def test_unsaved_details_are_not_dropped_without_asking(qtbot, page, demo, monkeypatch):
    rows = interviews.interview_rows(demo.id)
    page.open_interview(rows[0].id)
    page.editor.interviewer.setText("Iemand anders")
    answers = [False]
    monkeypatch.setattr(page.editor, "ask_discard", lambda: answers.pop(0))
    assert not page.open_interview(rows[1].id) and page.record().id == rows[0].id
    assert page.editor.interviewer.text() == "Iemand anders"
    answers.append(False)
    assert not page.confirm_leave()
    answers.append(True)
    assert page.open_interview(rows[1].id) and page.record().id == rows[1].id


def test_delete_asks_and_clears_the_undo_history(qtbot, page, demo, monkeypatch):
    row = _row(demo.id, ("Codeur A",))
    page.open_interview(row.id)
    page.code_whole_interview(codebook.codebook(demo.id).codes[0].id)
    answers = [None, "verkeerde deelnemer"]
    monkeypatch.setattr(page, "delete_reason", lambda subject, number: answers.pop(0))
    page.editor.delete_button.click()
    assert row.id in {r.id for r in interviews.interview_rows(demo.id)}
    page.editor.delete_button.click()
    assert row.id not in {r.id for r in interviews.interview_rows(demo.id)}
    assert page.record() is None and page.undo_stack.count() == 0


def test_the_list_filters_and_shows_size_codings_and_coders(page, demo):
    rows = interviews.interview_rows(demo.id)
    assert page.model.rowCount() == len(rows) and page.proxy.rowCount() == len(rows)
    both = _row(demo.id, ("Codeur A", "Codeur B"))
    line = page.model.row_of(both.id)
    cells = [page.model.index(line, column).data() for column in range(7)]
    assert cells[0] == both.subject and cells[5] == str(both.codings)
    assert cells[6] == "Codeur A, Codeur B"
    assert cells[4] == format_count(both.characters)
    page.filter.setText("Codeur B")
    assert page.proxy.rowCount() == sum(1 for r in rows if "Codeur B" in r.coders)
    assert f"van {len(rows)} interviews" in page.count.text()


# search ------------------------------------------------------------------------------------
def test_search_counts_hits_and_f3_walks_through_them(qtbot, page, demo):
    row = _row(demo.id, ("Codeur A",))
    page.open_interview(row.id)
    transcript = page.record().transcript
    hits = transcript.lower().count("deelnemer")
    assert hits > 2
    _press(qtbot, Qt.Key.Key_F, CTRL)
    assert _focus() is page.view.search
    qtbot.keyClicks(_focus(), "deelnemer")
    assert page.view.hits_text() == f"1 van {hits}"
    assert page.view.text.textCursor().selectedText() == "Deelnemer"
    _press(qtbot, Qt.Key.Key_F3)
    assert page.view.hits_text() == f"2 van {hits}"
    second = page.view.text.textCursor().selectionStart()
    assert second == transcript.index("Deelnemer", transcript.index("Deelnemer") + 1)
    _press(qtbot, Qt.Key.Key_Return)  # Enter in the search field: the next one
    assert page.view.hits_text() == f"3 van {hits}"
    _press(qtbot, Qt.Key.Key_F3, SHIFT)
    assert page.view.hits_text() == f"2 van {hits}"
    _press(qtbot, Qt.Key.Key_Escape)  # back to the text, the hit still selected: code it
    assert _focus() is page.view.text
    page.codebook_panel.select_item("code", codebook.codebook(demo.id).codes[0].id)
    _press(qtbot, Qt.Key.Key_Return)
    [coded] = codings.interview_codings(row.id, CODER)
    assert (coded.start, coded.end) == (second, second + len("Deelnemer"))
    page.view.search.setText("zzzz")
    assert page.view.hits_text() == "niet gevonden" and page.view.hit_count() == 0


# the codebook's exchange -------------------------------------------------------------------
def test_codebook_exported_and_imported_as_qdc_through_the_page(qtbot, page, demo, tmp_path,
                                                                monkeypatch):
    target = tmp_path / "codeboek"
    monkeypatch.setattr(page.codebook_panel, "ask_export_path", lambda suggestion: target)
    with qtbot.waitSignal(page.status_message):
        page.codebook_panel.actions["export"].trigger()
    written = tmp_path / "codeboek.qdc"
    assert written.exists() and "Eén vaste contactpersoon" in written.read_text("utf-8")
    other = studies.create_study(studies.StudyInput(name="Pilot Gouda"))
    empty = InterviewsPage(other)
    qtbot.addWidget(empty)
    empty.refresh()
    monkeypatch.setattr(empty.codebook_panel, "ask_import_path", lambda: written)
    with qtbot.waitSignal(empty.status_message) as message:
        empty.codebook_panel.actions["import"].trigger()
    assert "12 codes en 5 categorieën toegevoegd" in message.args[0]
    mine, theirs = codebook.codebook(demo.id), codebook.codebook(other)
    assert [(c.name, c.colour, c.definition) for c in theirs.codes] == [
        (c.name, c.colour, c.definition) for c in mine.codes]
    assert [theirs.path(c.category_id) for c in theirs.codes] == [
        mine.path(c.category_id) for c in mine.codes]
    assert empty.codebook_panel.tree.topLevelItemCount() == 5
    empty.undo()
    assert codebook.codebook(other).codes == () and codebook.codebook(other).categories == ()
    empty.redo()
    assert codebook.codebook(other) == theirs


# keys and the window -----------------------------------------------------------------------
@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_label_has_a_buddy_and_its_own_alt_key(qtbot, demo, language):
    i18n.set_language(language)
    page = InterviewsPage(demo.id)
    qtbot.addWidget(page)
    labels = [label for label in page.findChildren(QLabel) if "&" in label.text()]
    assert len(labels) >= 9 and all(label.buddy() is not None for label in labels)
    texts = [label.text() for label in labels] + [
        button.text() for button in page.findChildren(QAbstractButton)] + [
        page.tabs.tabText(number) for number in range(page.tabs.count())]
    keys = [text.split("&")[1][0].lower() for text in texts if "&" in text.replace("&&", "")]
    menus = [tr(f"shell.menu.{name}").split("&")[1][0].lower() for name in ("file", "view",
                                                                           "help")]
    assert len(keys) == len(set(keys)) and not set(keys) & set(menus), keys
    assert page.new_button.toolTip().endswith("(Ctrl+N)")
    assert page.codebook_panel.actions["merge"].toolTip().endswith("(Ctrl+M)")


def test_the_page_sits_between_professionals_and_the_factsheet(qtbot, demo, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(demo.id, default_pages(), settings)
    qtbot.addWidget(window)
    titles = [window.navigation.item(row).text() for row in range(window.navigation.count())]
    assert titles.index("Interviews") == titles.index("Professionals") + 1
    assert titles.index("Factsheet") == titles.index("Interviews") + 1
    assert window.show_page(titles.index("Interviews"))
    page = window.current_page()
    assert isinstance(page, InterviewsPage) and page.model.rowCount() > 0


def test_the_transcript_keeps_its_place_when_a_coding_is_added(qtbot, page, demo):
    row = _row(demo.id, ("Codeur A",))
    page.open_interview(row.id)
    text = page.view.text
    cursor = text.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    text.setTextCursor(cursor)
    cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock, QTextCursor.MoveMode.KeepAnchor)
    text.setTextCursor(cursor)
    position = text.verticalScrollBar().value()
    page.apply_code(codebook.codebook(demo.id).codes[0].id)
    assert text.verticalScrollBar().value() == position
    assert text.textCursor().hasSelection()


def test_enter_and_f2_in_the_codebook(qtbot, page, demo, monkeypatch):
    row = _row(demo.id, ("Codeur A",))
    page.open_interview(row.id)
    start = page.record().transcript.index("Interviewer:")
    _select_by_keyboard(qtbot, page, start, 5)
    code = codebook.codebook(demo.id).codes[3]
    panel = page.codebook_panel
    panel.select_item("code", code.id)
    panel.tree.setFocus()
    _press(qtbot, Qt.Key.Key_Return)  # Enter on a code applies it to the selection
    assert [(c.code_id, c.start, c.end) for c in codings.interview_codings(row.id, CODER)] == [
        (code.id, start, start + 5)]
    second = panel.quick_code_ids()[1]
    _press(qtbot, Qt.Key.Key_2, ALT)  # Alt+2 from the codebook too
    assert (second, start, start + 5) in [(c.code_id, c.start, c.end)
                                          for c in codings.interview_codings(row.id, CODER)]
    page.tabs.setCurrentIndex(DETAILS_TAB)
    page.editor.interviewer.setFocus()
    _press(qtbot, Qt.Key.Key_3, ALT)  # but not while typing the interview's details
    assert len(codings.interview_codings(row.id, CODER)) == 2
    panel.tree.setFocus()
    opened = []
    monkeypatch.setattr(panel, "open_dialog", lambda dialog: opened.append(dialog))
    _press(qtbot, Qt.Key.Key_F2)
    assert opened and opened[0].name.text() == code.name
    assert opened[0].category.currentData() == code.category_id


def test_with_several_codings_at_the_cursor_the_user_chooses(qtbot, page, demo, monkeypatch):
    row = _row(demo.id, ("Codeur A", "Codeur B"))
    page.open_interview(row.id)
    coding = next(c for c in codings.interview_codings(row.id) if c.coder == "Codeur B")
    page.view.select_passage(coding.start + 1, coding.start + 1)
    found = page.view.highlights_at_cursor()
    assert len(found) >= 2 and {h.coder for h in found} >= {"Codeur A", "Codeur B"}
    page.codebook_panel.select_item("category", codebook.codebook(demo.id).categories[0].id)
    offered = []
    monkeypatch.setattr(page, "ask_coding_to_remove",
                        lambda options: offered.append(options) or coding.id)
    _press(qtbot, Qt.Key.Key_Delete)
    assert offered and coding.id not in {c.id for c in codings.interview_codings(row.id)}


def test_an_undo_the_database_no_longer_allows_is_shown_and_dropped(qtbot, page, demo,
                                                                     shown_errors):
    first, second = interviews.interview_rows(demo.id)[:2]
    page.open_interview(first.id)
    page.code_whole_interview(codebook.codebook(demo.id).codes[0].id)
    page.open_interview(second.id)
    page.code_whole_interview(codebook.codebook(demo.id).codes[0].id)
    interviews.delete_interview(first.id, "dubbel")  # as if from another window
    page.undo()  # the second interview's coding: fine
    assert codings.interview_codings(second.id, CODER) == []
    page.undo()  # the first's: gone with its interview
    qtbot.waitUntil(lambda: bool(shown_errors))
    assert "bestaat niet" in shown_errors[0].message
    assert page.undo_stack.count() == 1 and not page.undo_stack.canUndo()


def _shown(page: InterviewsPage) -> tuple[list[tuple], list[tuple]]:
    """What the page shows of the open interview: the highlights (coding, code, coder, start,
    end) and the codings list's lines, in the same terms."""
    spans = sorted((s.highlight.coding_id, s.highlight.code_id, s.highlight.coder,
                    s.highlight.start, s.highlight.end) for s in page.view.text.spans)
    lines = sorted((line.id, line.code_id, line.coder, line.start, line.end)
                   for line in (page.codings_model.row_at(r)
                                for r in range(page.codings_model.rowCount())))
    return spans, lines


def _stored(interview_id: int) -> list[tuple]:
    return sorted((c.id, c.code_id, c.coder, c.start, c.end)
                  for c in codings.interview_codings(interview_id) if c.start is not None)


def test_a_coding_id_used_again_after_undo_shows_and_removes_the_new_passage(qtbot, page,
                                                                              demo):
    """SQLite gives the highest id again after it was deleted: the page must not show the
    undone coding's passage for the new one, nor remove the wrong coding."""
    row = _row(demo.id, ("Codeur A",))
    page.open_interview(row.id)
    code = codebook.codebook(demo.id).codes[0]
    page.codebook_panel.select_item("code", code.id)
    _select_by_keyboard(qtbot, page, 0, 5)
    _press(qtbot, Qt.Key.Key_Return)
    [first] = codings.interview_codings(row.id, CODER)
    _press(qtbot, Qt.Key.Key_Z, CTRL)
    assert codings.interview_codings(row.id, CODER) == []
    _select_by_keyboard(qtbot, page, 11, 5)
    _press(qtbot, Qt.Key.Key_Return)
    [second] = codings.interview_codings(row.id, CODER)
    assert second.id == first.id and (second.start, second.end) == (11, 16)  # the id reused
    spans, lines = _shown(page)
    assert spans == lines == _stored(row.id)
    assert (second.id, code.id, CODER, 11, 16) in spans
    # Delete in the transcript where the undone passage was: nothing of this coder's there
    page.view.select_passage(2, 2)
    assert CODER not in {h.coder for h in page.view.highlights_at_cursor()}
    # Delete on the new coding's line removes that coding, and the page still agrees
    line = next(r for r in range(page.codings_model.rowCount())
                if page.codings_model.row_at(r).id == second.id)
    assert (page.codings_model.row_at(line).start, page.codings_model.row_at(line).end) == (
        11, 16)
    page.codings_table.setFocus()
    page.codings_table.setCurrentIndex(page.codings_model.index(line, 0))
    _press(qtbot, Qt.Key.Key_Delete)
    assert codings.interview_codings(row.id, CODER) == []
    spans, lines = _shown(page)
    assert spans == lines == _stored(row.id)


def _list_cells(page: InterviewsPage, interview_id: int) -> tuple[str, str, str]:
    """The codings and coders cells of an interview's line in the list, and the coders'
    tooltip."""
    line = page.model.row_of(interview_id)
    coders = page.model.index(line, 6)
    return (page.model.index(line, 5).data(), coders.data(),
            coders.data(Qt.ItemDataRole.ToolTipRole) or "")


def test_blind_coding_shows_only_the_own_work_in_the_list(qtbot, page, demo):
    both = _row(demo.id, ("Codeur A", "Codeur B"))
    only_a = _row(demo.id, ("Codeur A",))
    own = len(codings.interview_codings(both.id, "Codeur B"))
    assert 0 < own < both.codings
    assert _list_cells(page, both.id)[:2] == (str(both.codings), "Codeur A, Codeur B")
    page.coder.setText("Codeur B")
    page.coder.editingFinished.emit()
    page.blind.setChecked(True)
    assert _list_cells(page, both.id) == (str(own), "Codeur B",
                                          tr("interviews.coders_tip", coders="Codeur B"))
    assert _list_cells(page, only_a.id) == ("0", "", "")
    page.filter.setText("Codeur A")  # the other coder's name finds nothing either
    assert page.proxy.rowCount() == 0
    page.filter.clear()
    # a coding of one's own counts at once
    page.open_interview(both.id)
    page.code_whole_interview(codebook.codebook(demo.id).codes[0].id)
    assert _list_cells(page, both.id)[:2] == (str(own + 1), "Codeur B")
    # another coder name: that coder's count
    page.coder.setText("Codeur A")
    page.coder.editingFinished.emit()
    assert _list_cells(page, both.id)[:2] == (
        str(len(codings.interview_codings(both.id, "Codeur A"))), "Codeur A")
    assert "blind: alleen Codeur A" in page.view.details.text()
    page.blind.setChecked(False)
    assert _list_cells(page, both.id)[:2] == (str(both.codings + 1), "Codeur A, Codeur B")


def test_undo_never_reaches_another_coders_steps(qtbot, page, demo):
    row = _row(demo.id, ("Codeur A",))
    page.open_interview(row.id)
    page.blind.setChecked(True)
    code = codebook.codebook(demo.id).codes[0]
    page.codebook_panel.select_item("code", code.id)
    _select_by_keyboard(qtbot, page, 0, 5)
    _press(qtbot, Qt.Key.Key_Return)
    assert page.undo_action.isEnabled()
    # the next coder takes over at the same machine: the history starts again, and says so
    page.coder.setFocus()
    page.coder.selectAll()
    qtbot.keyClicks(page.coder, "Codeur B")
    suggestions = QApplication.activePopupWidget()  # the names coded with so far
    if suggestions is not None:
        qtbot.keyClick(suggestions, Qt.Key.Key_Escape)
        page.activateWindow()  # offscreen leaves the closed list the active window
        qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    with qtbot.waitSignal(page.status_message, timeout=1000) as message:
        _press(qtbot, Qt.Key.Key_Tab)  # leaving the field finishes the name
    assert message.args[0] == tr("interviews.undo_new_coder", old=CODER, new="Codeur B")
    assert _focus() is page.blind
    assert page.undo_stack.count() == 0 and not page.undo_action.isEnabled()
    assert page.history.model().rowCount() == 1  # only "<begin>"
    _press(qtbot, Qt.Key.Key_Z, CTRL)
    assert [(c.start, c.end) for c in codings.interview_codings(row.id, CODER)] == [(0, 5)]
    # Codeur B's own steps can be undone as usual
    _select_by_keyboard(qtbot, page, 11, 5)
    _press(qtbot, Qt.Key.Key_Return)
    assert len(codings.interview_codings(row.id, "Codeur B")) == 1
    # a name put in the field without finishing it (as a script might) is caught at undo
    page.coder.setText("Codeur C2")
    with qtbot.waitSignal(page.status_message, timeout=1000) as message:
        page.undo()
    assert message.args[0] == tr("interviews.undo_new_coder", old="Codeur B",
                                 new="Codeur C2")
    assert len(codings.interview_codings(row.id, "Codeur B")) == 1
    assert page.undo_stack.count() == 0
    # without any steps there is nothing to say when the name changes
    page.coder.setText("Codeur B")
    with qtbot.assertNotEmitted(page.status_message):
        page.coder.editingFinished.emit()


QDC = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="test">
 <Codes>
  <Code name="Nieuw thema" isCodable="false">
   <Code name="Nieuw een" isCodable="true" color="#AA0000"/>
   <Code name="Nieuw twee" isCodable="true" color="#00AA00"/>
  </Code>
  <Code name="Nieuw drie" isCodable="true"/>
 </Codes>
</CodeBook>
"""


def test_undoing_an_import_whose_code_is_in_use_changes_nothing(qtbot, page, demo, tmp_path,
                                                                 monkeypatch, shown_errors):
    source = tmp_path / "nieuw.qdc"
    source.write_text(QDC, encoding="utf-8")
    before = codebook.codebook(demo.id)
    monkeypatch.setattr(page.codebook_panel, "ask_import_path", lambda: source)
    page.codebook_panel.actions["import"].trigger()
    imported = codebook.codebook(demo.id)
    added = [c.name for c in imported.codes if c not in before.codes]
    assert added == ["Nieuw een", "Nieuw twee", "Nieuw drie"]
    # the last code imported is applied elsewhere (another window) before the undo
    row = _row(demo.id, ("Codeur A",))
    coding = codings.add_coding(row.id, _code(demo.id, "Nieuw drie").id, "Codeur A", 0, 4)
    page.undo()
    assert codebook.codebook(demo.id) == imported  # nothing removed, not half
    assert page.undo_stack.count() == 1 and page.undo_stack.canUndo()  # and it stays
    assert [error.message for error in shown_errors] == [tr(
        "interviews.import_undo_in_use", file="nieuw.qdc", codes="'Nieuw drie'", codings=1)]
    # once that coding is gone the import can be undone, and redone
    codings.remove_coding(coding)
    page.undo()
    assert len(shown_errors) == 1
    assert codebook.codebook(demo.id) == before
    page.redo()
    assert codebook.codebook(demo.id) == imported


def test_an_import_undo_that_fails_halfway_puts_back_what_went(qtbot, page, demo, tmp_path,
                                                               monkeypatch, shown_errors):
    source = tmp_path / "nieuw.qdc"
    source.write_text(QDC, encoding="utf-8")
    monkeypatch.setattr(page.codebook_panel, "ask_import_path", lambda: source)
    page.codebook_panel.actions["import"].trigger()
    imported = codebook.codebook(demo.id)

    def locked(category_id: int) -> None:
        raise StorageError("error.db_conflict")

    monkeypatch.setattr(codebook, "delete_category", locked)  # the codes went, then this
    page.undo()
    qtbot.waitUntil(lambda: bool(shown_errors))
    assert shown_errors[0].key == "error.db_conflict"
    assert codebook.codebook(demo.id) == imported  # the codes are back, with their ids
