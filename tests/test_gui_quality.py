"""The Data quality window, driven as a user would: opened from the Extra menu's shortcut,
narrowed by check and search text from the keyboard, Enter or a double-click opening the
record in the main window, F5 checking again after a fix; Dutch and English."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from desktop import i18n
from desktop.models import audit
from desktop.models.schema import Response, ResponseValue
from desktop.models.services import (
    double_entry,
    participants,
    professionals,
    quality,
    studies,
    surveys,
)
from desktop.models.services.responses import save_response
from desktop.views import background
from desktop.views.main_window import MainWindow, default_pages
from desktop.views.quality_window import CHECK, QualityWindow

QOL_ITEMS = ("gezondheid", "zorgen", "wonen", "financien", "dagbesteding", "sociaal", "gezin",
             "vrije_tijd", "veiligheid", "leven")
PILLARS = ("gezinsstabiliteit", "sociaal_netwerk", "huisvesting", "opleiding", "gezondheid",
           "schulden", "sparen", "inkomen")


@pytest.fixture
def planted(db):
    """A study with one finding or more of every check: a jump, an incomplete questionnaire,
    an assessment before the inclusion, a look-alike code, a partial survey, missing moments."""
    study_id = studies.create_study(studies.StudyInput(
        name="Kwaliteit", sites=["Alphen", "Leiden"],
        instrument_keys=("bridge", "quality_of_life")))
    study = studies.get_study(study_id)
    alphen, leiden = (site.id for site in study.sites)
    moment = {m.key: m.id for m in study.moments}
    ids = {}
    for code, site, included in (("AL-001", alphen, dt.date(2018, 1, 8)),
                                 ("AL-002", alphen, dt.date(2018, 2, 1)),
                                 ("al_001", leiden, dt.date(2018, 3, 1))):
        ids[code] = participants.add_participant(study_id, participants.ParticipantInput(
            code, site, "consented", included))

    def bridge(code: str, key: str, day: dt.date, housing: int = 3) -> int:
        answers = {pillar: housing if pillar == "huisvesting" else 3 for pillar in PILLARS}
        return save_response(ids[code], moment[key], "bridge", day, answers)

    bridge("AL-001", "intake", dt.date(2018, 1, 10), housing=1)
    bridge("AL-001", "m6", dt.date(2018, 7, 9), housing=5)
    save_response(ids["AL-001"], moment["intake"], "quality_of_life", dt.date(2018, 1, 10),
                  {item: "not_answered" if item in ("zorgen", "wonen", "gezin") else 4
                   for item in QOL_ITEMS})
    early = bridge("AL-002", "intake", dt.date(2018, 2, 5))
    Response.update(assessed_on=dt.date(2018, 1, 20)).where(Response.id == early).execute()
    ids["P0001"] = professionals.add_professional(study_id, professionals.ProfessionalInput(
        "P0001", site_id=alphen))
    definition = surveys.study_survey(study_id).definition
    surveys.save_survey_response(ids["P0001"], surveys.SurveyAnswers(
        ranks={definition.element_keys[0]: 1}))
    audit.set_current_user("tweede")  # a blind second entry of AL-001's m6 form, one slip
    double_entry.save_second_entry(ids["AL-001"], moment["m6"], "bridge", dt.date(2018, 7, 9),
                                   {pillar: 4 if pillar == "huisvesting" else 3
                                    for pillar in PILLARS})
    audit.set_current_user(None)
    return study, ids, moment, early


@pytest.fixture
def window(planted, qtbot, tmp_path):
    study, *_ = planted
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    main = MainWindow(study.id, default_pages(), settings)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main)
    yield main
    background.stop_all()


def _open_quality(main: MainWindow, qtbot) -> QualityWindow:
    qtbot.keyClick(main, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    found = main.findChild(QualityWindow)
    assert found is not None and found.isVisible()
    qtbot.waitUntil(lambda: not found.is_checking() and found.report is not None)
    qtbot.waitUntil(lambda: background.running_jobs() == 0)
    found.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is found)
    return found


def _choose_check(quality_window: QualityWindow, key: str | None) -> None:
    quality_window.check_filter.setCurrentIndex(quality_window.check_filter.findData(key))


def _subjects(quality_window: QualityWindow) -> list[str]:
    proxy = quality_window.proxy
    return [proxy.finding(row).subject for row in range(proxy.rowCount())]


def test_opened_from_the_extra_menu_it_lists_every_finding_with_counts(window, planted,
                                                                        qtbot):
    study, *_ = planted
    menu = next(action.menu() for action in window.menuBar().actions()
                if action.text() == "E&xtra")
    assert [action.text() for action in menu.actions()][0] == "&Datakwaliteit…"  # then others
    assert menu.actions()[0].shortcut().toString() == "Ctrl+Shift+K"
    found = _open_quality(window, qtbot)
    expected = quality.run_checks(study.id)
    assert found.model.rowCount() == found.proxy.rowCount() == len(expected.findings)
    assert [found.proxy.finding(row) for row in range(found.proxy.rowCount())] == \
        list(expected.findings)
    combo = found.check_filter
    assert [combo.itemText(i) for i in range(combo.count())] == [
        f"Alle controles ({len(expected.findings)})",
        *(f"{quality.check_title(key)} ({count})" for key, count in expected.counts.items())]
    assert all(count > 0 for count in expected.counts.values())
    counts = expected.severity_counts
    assert found.summary.text().startswith(
        f"{counts['error']} fouten, {counts['warning']} waarschuwingen, {counts['review']} "
        "om na te kijken")
    assert found.windowTitle() == "Datakwaliteit — Kwaliteit"


def test_check_filter_and_search_from_the_keyboard(window, qtbot):
    found = _open_quality(window, qtbot)
    found.check_filter.setFocus()
    qtbot.waitUntil(found.check_filter.hasFocus)
    qtbot.keyClick(found.check_filter, Qt.Key.Key_Down)  # the first check after "all"
    assert found.check_filter.currentData() == "missing_moments"
    assert {f.check for f in map(found.proxy.finding, range(found.proxy.rowCount()))} == {
        "missing_moments"}
    assert found.table.isColumnHidden(CHECK)
    _choose_check(found, "date_order")
    assert _subjects(found) == ["AL-002"]
    _choose_check(found, None)
    assert not found.table.isColumnHidden(CHECK)
    qtbot.keyClick(found.check_filter, Qt.Key.Key_Tab)
    assert found.search.hasFocus()
    qtbot.keyClicks(found.search, "al-001")
    assert set(_subjects(found)) == {"AL-001", "AL-001 / al_001"}
    assert "getoond" in found.summary.text()
    qtbot.keyClick(found.search, Qt.Key.Key_Return)  # on to the list
    assert found.table.hasFocus() and found.table.currentIndex().row() == 0
    assert found.detail.text().startswith(_subjects(found)[0])
    found.search.clear()
    qtbot.keyClicks(found.search, "geen-zo-code")
    assert found.proxy.rowCount() == 0


def test_enter_opens_the_bridge_form_at_the_moment_of_the_jump(window, planted, qtbot):
    _, ids, moment, _ = planted
    found = _open_quality(window, qtbot)
    _choose_check(found, "impossible_jumps")
    found.table.setFocus()
    found.table.selectRow(0)
    qtbot.waitUntil(found.table.hasFocus)
    qtbot.keyClick(found.table, Qt.Key.Key_Return)
    page = window.current_page()
    assert type(page).__name__ == "BridgePage"
    assert page.participant_id == ids["AL-001"] and page.moment_id() == moment["m6"]
    assert page.code.text() == "AL-001"
    assert "Geopend vanuit datakwaliteit: AL-001" in window.status_label.text()


def test_enter_opens_the_questionnaire_at_its_moment(window, planted, qtbot):
    _, ids, moment, _ = planted
    found = _open_quality(window, qtbot)
    _choose_check(found, "incomplete_responses")
    row = _subjects(found).index("AL-001")
    assert found.open_row(row)
    page = window.current_page()
    assert type(page).__name__ == "QuestionnairePage"
    assert page.form.definition.key == "quality_of_life"
    assert (page.participant_id, page.moment_id()) == (ids["AL-001"], moment["intake"])


def test_double_click_opens_the_participant_and_the_professional(window, planted, qtbot):
    _, ids, _, _ = planted
    found = _open_quality(window, qtbot)
    _choose_check(found, "duplicate_codes")
    centre = found.table.visualRect(found.proxy.index(0, 0)).center()
    qtbot.mouseClick(found.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(found.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    page = window.current_page()
    assert type(page).__name__ == "ParticipantsPage"
    assert page.editor.record().id == ids["AL-001"]
    _choose_check(found, "incomplete_responses")
    assert found.open_row(_subjects(found).index("P0001"))
    page = window.current_page()
    assert type(page).__name__ == "ProfessionalsPage"
    assert page.editor.record().id == ids["P0001"]


def test_f5_checks_again_after_a_fix(window, planted, qtbot):
    _, _, _, early = planted
    found = _open_quality(window, qtbot)
    assert found.report.has_errors
    Response.update(assessed_on=dt.date(2018, 2, 5)).where(Response.id == early).execute()
    ResponseValue.update(value=4, missing_reason=None).where(
        ResponseValue.missing_reason == "not_answered").execute()
    qtbot.keyClick(found.table, Qt.Key.Key_F5)
    assert found.is_checking() or not found.report.has_errors
    qtbot.waitUntil(lambda: not found.is_checking())
    assert not found.report.has_errors
    assert found.report.counts["date_order"] == 0
    assert found.report.counts["incomplete_responses"] == 1  # the partial survey stays
    assert found.summary.text().startswith("0 fouten")


def test_in_english(planted, qtbot, tmp_path):
    study, *_ = planted
    i18n.set_language("en")
    main = MainWindow(study.id, default_pages(), QSettings(str(tmp_path / "s.ini"),
                                                           QSettings.Format.IniFormat))
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main)
    assert "&Tools" in [action.text() for action in main.menuBar().actions()]
    found = _open_quality(main, qtbot)
    header = [found.model.headerData(column, Qt.Orientation.Horizontal)
              for column in range(found.model.columnCount())]
    assert header == ["Severity", "Check", "Code", "Moment", "Instrument", "Explanation"]
    assert found.check_filter.itemText(0).startswith("All checks (")
    assert " errors, " in found.summary.text() and "to look at" in found.summary.text()
    _choose_check(found, "date_order")
    assert found.proxy.index(0, 0).data() == "error"
    assert found.proxy.finding(0).text == (
        "Dated 2018-01-20, 12 days before the inclusion date 2018-02-01.")
    background.stop_all()


def test_a_study_without_problems_says_so(db, qtbot, tmp_path):
    study_id = studies.create_study(studies.StudyInput(name="Leeg"))
    main = MainWindow(study_id, default_pages(), QSettings(str(tmp_path / "s.ini"),
                                                           QSettings.Format.IniFormat))
    qtbot.addWidget(main)
    main.show()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main)
    found = _open_quality(main, qtbot)
    assert found.summary.text() == (
        f"Geen problemen gevonden (peildatum {quality.format_date(dt.date.today())}).")
    assert found.model.rowCount() == 0
    assert not found.open_row(0)
    background.stop_all()
