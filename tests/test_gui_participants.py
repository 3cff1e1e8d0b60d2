"""The participant list model, its filter and the participants page, typed by keyboard."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from desktop.models.services import participants
from desktop.models.services.participants import ParticipantRow
from desktop.views.participant_table_model import (
    CODE,
    INCLUSION,
    MEASURED,
    ParticipantFilterModel,
    ParticipantTableModel,
)
from desktop.views.participants_page import ParticipantsPage

ROWS = [
    ParticipantRow(1, "AL-010", "Leiden", "consented", "beloning", dt.date(2018, 2, 1), 10),
    ParticipantRow(2, "AL-009", "Alphen", "declined", "", None, 9),
    ParticipantRow(3, "LE-001", "Leiden", "approached", "geen", dt.date(2017, 12, 31), 0),
    ParticipantRow(4, "AL-100", "Alphen", "consented", "beloning", dt.date(2018, 1, 15), 2),
]


def _proxy(rows=ROWS) -> tuple[ParticipantTableModel, ParticipantFilterModel]:
    model = ParticipantTableModel()
    model.set_rows(rows)
    proxy = ParticipantFilterModel()
    proxy.setSourceModel(model)
    return model, proxy


def _column(proxy, column: int) -> list[str]:
    return [proxy.index(row, column).data() for row in range(proxy.rowCount())]


def test_models_pass_qtmodeltester(qtmodeltester):
    model, proxy = _proxy()
    qtmodeltester.check(model)
    proxy.set_filters(code="al")
    qtmodeltester.check(proxy)


def test_headers_are_translated_and_values_displayed():
    model, _ = _proxy()
    assert model.headerData(INCLUSION, Qt.Orientation.Horizontal) == "Inclusiedatum"
    assert model.index(0, INCLUSION).data() == "01-02-2018"
    assert model.index(1, 2).data() == "Geweigerd"


@pytest.mark.parametrize(("column", "expected"), [
    (INCLUSION, ["AL-009", "LE-001", "AL-100", "AL-010"]),  # empty first, then by date
    (MEASURED, ["LE-001", "AL-100", "AL-009", "AL-010"]),  # 9 before 10: numbers
    (CODE, ["AL-009", "AL-010", "AL-100", "LE-001"]),
])
def test_sorting_uses_dates_and_numbers(column, expected):
    _, proxy = _proxy()
    proxy.sort(column, Qt.SortOrder.AscendingOrder)
    assert _column(proxy, CODE) == expected


@pytest.mark.parametrize(("filters", "expected"), [
    ({"code": "al-0"}, ["AL-010", "AL-009"]),
    ({"site": "Leiden"}, ["AL-010", "LE-001"]),
    ({"status": "consented"}, ["AL-010", "AL-100"]),
    ({"code": "AL", "site": "Alphen", "status": "consented"}, ["AL-100"]),
    ({"code": "zz"}, []),
])
def test_filter_by_code_site_and_status_together(filters, expected):
    _, proxy = _proxy()
    proxy.set_filters(**filters)
    assert _column(proxy, CODE) == expected
    proxy.set_filters(code="", site="", status="")
    assert proxy.rowCount() == len(ROWS)


def test_twenty_thousand_rows_sort_in_the_source_and_filter_together():
    """Speed is in tests/benchmarks; here: sorting 20,000 rows by date, then filtering."""
    rows = [ParticipantRow(i, f"P-{i:05d}", ("Leiden", "Alphen")[i % 2], "consented", "",
                           dt.date(2018, 1, 1) + dt.timedelta(days=i % 500), i % 3)
            for i in range(20_000)]
    model, proxy = _proxy(rows)
    proxy.sort(INCLUSION, Qt.SortOrder.DescendingOrder)
    dates = [model.row_at(proxy.mapToSource(proxy.index(r, 0)).row()).inclusion_date
             for r in range(proxy.rowCount())]
    assert dates == sorted(dates, reverse=True)
    proxy.set_filters(code="12", site="Leiden")
    codes = _column(proxy, CODE)
    assert codes and all("12" in code for code in codes)
    assert all(int(code[2:]) % 2 == 0 for code in codes)  # even ids are in Leiden


@pytest.fixture
def page(qtbot, study, participant):
    widget = ParticipantsPage(study.id)
    widget.refresh()  # as the main window does when it shows the page
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    return widget


def _focus():
    return QApplication.focusWidget()


def test_new_participant_typed_by_keyboard_only(qtbot, page, study):
    page.search.setFocus()
    qtbot.keyClick(_focus(), Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert _focus() is page.editor.code
    qtbot.keyClicks(_focus(), "AL-002")
    qtbot.keyClick(_focus(), Qt.Key.Key_Tab)
    qtbot.keyClick(_focus(), Qt.Key.Key_End)  # site: the last one (Leiden)
    qtbot.keyClick(_focus(), Qt.Key.Key_Tab)
    qtbot.keyClick(_focus(), Qt.Key.Key_Tab)  # status stays "consented"
    qtbot.keyClicks(_focus(), "beloning")
    qtbot.keyClick(_focus(), Qt.Key.Key_Tab)
    qtbot.keyClicks(_focus(), "01022018")
    with qtbot.waitSignal(page.status_message):
        qtbot.keyClick(_focus(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    rows = {row.code: row for row in participants.participant_rows(study.id)}
    added = rows["AL-002"]
    assert (added.site, added.status, added.study_group, added.inclusion_date) == (
        "Leiden", "consented", "beloning", dt.date(2018, 2, 1))
    assert page.model.rowCount() == 2 and "2 van 2" in page.count.text()
    assert _focus() is page.editor.code and page.editor.code.text() == ""


@pytest.mark.parametrize(("code", "date", "field", "fragment"), [
    ("AL-001", "", "code", "bestaat al"),
    ("AL 002", "", "code", "zonder spaties"),
    ("AL-002", "01012999", "inclusion_date", "toekomst"),
    ("AL-002", "31022018", "inclusion_date", "geen geldige datum"),
])
def test_bad_input_is_shown_inline_and_kept(qtbot, page, study, code, date, field, fragment):
    editor = page.editor
    qtbot.keyClick(page, Qt.Key.Key_Insert)
    qtbot.keyClicks(editor.code, code)
    qtbot.keyClicks(editor.study_group, "beloning")
    if date:
        editor.inclusion_date.setFocus()
        qtbot.keyClicks(editor.inclusion_date, date)
    qtbot.keyClick(_focus(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert editor.errors[field].isVisible() and fragment in editor.errors[field].text()
    assert _focus() is editor.field_widget(field)
    assert editor.code.text() == code and editor.study_group.text() == "beloning"
    assert len(participants.participant_rows(study.id)) == 1


def test_enter_on_a_row_edits_it(qtbot, page, participant):
    page.table.setFocus()
    page.table.setCurrentIndex(page.proxy.index(0, CODE))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    editor = page.editor
    assert editor.record().id == participant.id and _focus() is editor.code
    editor.study_group.setFocus()
    qtbot.keyClicks(editor.study_group, "geen beloning")
    qtbot.keyClick(editor.study_group, Qt.Key.Key_Return)
    stored = participants.get_participant(participant.id)
    assert stored.study_group == "geen beloning" and stored.version == 2
    assert page.model.row_at(0).study_group == "geen beloning"


def test_filter_bar_filters_the_table(qtbot, page, study):
    for code, site, status in (("AL-002", 1, "declined"), ("LE-003", 1, "consented")):
        participants.add_participant(study.id, participants.ParticipantInput(
            code, study.sites[site].id, status))
    page.refresh()
    qtbot.keyClicks(page.search, "al")
    assert _column(page.proxy, CODE) == ["AL-001", "AL-002"]
    page.site_filter.setCurrentIndex(page.site_filter.findData("Leiden"))
    assert _column(page.proxy, CODE) == ["AL-002"]
    page.search.clear()
    page.status_filter.setCurrentIndex(page.status_filter.findData("consented"))
    assert _column(page.proxy, CODE) == ["LE-003"]


def test_leaving_with_unsaved_input_asks(qtbot, page, monkeypatch):
    qtbot.keyClicks(page.editor.code, "AL-777")
    monkeypatch.setattr(page.editor, "ask_discard", lambda: False)
    assert not page.confirm_leave()
    qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert page.editor.code.text() == "AL-777"
    monkeypatch.setattr(page.editor, "ask_discard", lambda: True)
    page.new_participant()
    assert page.editor.code.text() == "" and page.confirm_leave()


def test_every_label_has_a_buddy_and_tab_reaches_every_input(page):
    labels = [label for label in page.findChildren(QLabel) if "&" in label.text()]
    assert len(labels) == 9 and all(label.buddy() is not None for label in labels)
    inputs = [page.search, page.site_filter, page.status_filter, page.new_button, page.table,
              *(page.editor.field_widget(name) for name in page.editor.FIELDS),
              page.editor.save_button]
    widget, seen = page.search, []
    for _ in range(500):
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisible():
            seen.append(widget)
        widget = widget.nextInFocusChain()
        if widget is page.search:
            break
    assert all(item in seen for item in inputs)
    order = [seen.index(item) for item in inputs]
    assert order == sorted(order)
