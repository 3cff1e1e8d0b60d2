"""The professionals page: list model, professional form, survey form and the survey's own
definition dialog, typed by keyboard against a real database."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QFileDialog, QLabel

from desktop import i18n
from desktop.i18n import tr
from desktop.models.services import professionals, surveys
from desktop.models.services.professionals import ProfessionalInput, ProfessionalRow
from desktop.views import error_dialog
from desktop.views.main_window import MainWindow, default_pages
from desktop.views.professional_table_model import (
    CODE,
    ROLE,
    SURVEY,
    ProfessionalFilterModel,
    ProfessionalTableModel,
)
from desktop.views.professionals_page import ProfessionalsPage
from desktop.views.ranking_order_model import KEY_ROLE
from desktop.views.survey_definition_dialog import SurveyDefinitionDialog, key_from_text

CTRL = Qt.KeyboardModifier.ControlModifier
ROWS = [
    ProfessionalRow(1, "PR-02", "mentor", "Leiden", "Kwadraad", True, True),
    ProfessionalRow(2, "PR-01", "Schuldhulp", "Alphen", "Gemeente", True, False),
    ProfessionalRow(3, "PR-03", "team_lead", "", "", False, False),
]


def _proxy() -> tuple[ProfessionalTableModel, ProfessionalFilterModel]:
    model = ProfessionalTableModel()
    model.set_rows(ROWS)
    proxy = ProfessionalFilterModel()
    proxy.setSourceModel(model)
    return model, proxy


def _column(proxy, column: int) -> list[str]:
    return [proxy.index(row, column).data() for row in range(proxy.rowCount())]


def test_model_passes_qtmodeltester_and_words_roles_and_survey_states(qtmodeltester):
    model, proxy = _proxy()
    qtmodeltester.check(model)
    qtmodeltester.check(proxy)
    assert model.headerData(SURVEY, Qt.Orientation.Horizontal) == "Enquête"
    assert _column(proxy, ROLE) == ["Mentor / klantmanager", "Schuldhulp", "Teamleider"]
    assert model.headerData(ROLE, Qt.Orientation.Horizontal) == "Functie"
    assert _column(proxy, SURVEY) == ["volledig", "gedeeltelijk", "geen"]
    proxy.sort(SURVEY, Qt.SortOrder.AscendingOrder)  # none, partial, complete
    assert _column(proxy, CODE) == ["PR-03", "PR-01", "PR-02"]


@pytest.mark.parametrize(("text", "expected"), [
    ("pr-0", ["PR-02", "PR-01", "PR-03"]), ("leiden", ["PR-02"]), ("teamleider", ["PR-03"]),
    ("gemeente", ["PR-01"]), ("zz", []),
])
def test_search_finds_code_role_site_and_organisation(text, expected):
    _, proxy = _proxy()
    proxy.set_text(text)
    assert _column(proxy, CODE) == expected


@pytest.mark.parametrize(("text", "taken", "key"), [
    ("Working together as equals", set(), "working_together_as_equals"),
    ("Eén vaste contactpersoon, altijd!", set(), "een_vaste_contactpersoon_altijd"),
    ("Home visits", {"home_visits", "home_visits_2"}, "home_visits_3"),
    ("3 gesprekken", set(), "entry_3_gesprekken"),
    ("?!", set(), "entry"),
])
def test_new_entries_get_a_unique_identifier_made_of_their_text(text, taken, key):
    assert key_from_text(text, taken) == key and key.isidentifier()


# the page ----------------------------------------------------------------------------------
@pytest.fixture
def people(study) -> list[int]:
    return [professionals.add_professional(study.id, ProfessionalInput(
        code, role, study.sites[0].id, "Gemeente Alphen"))
        for code, role in (("PR-01", "access_worker"), ("PR-02", "mentor"))]


@pytest.fixture
def page(qtbot, study, people):
    widget = ProfessionalsPage(study.id)
    widget.refresh()  # as the main window does when it shows the page
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    return widget


def _focus():
    QApplication.processEvents()
    return QApplication.focusWidget()


def _type(qtbot, keys: str) -> None:
    """Each character on whatever has the focus, as a typist does (' ' = Down: skip)."""
    for key in keys:
        if key == " ":
            qtbot.keyClick(_focus(), Qt.Key.Key_Down)
        else:
            qtbot.keyClicks(_focus(), key)


def test_professional_typed_by_keyboard_is_listed_and_stored(qtbot, page, study):
    page.search.setFocus()
    qtbot.keyClick(_focus(), Qt.Key.Key_N, CTRL)
    assert _focus() is page.editor.code
    qtbot.keyClicks(_focus(), "PR-03")
    qtbot.keyClick(_focus(), Qt.Key.Key_Tab)
    page.editor.role.lineEdit().selectAll()
    qtbot.keyClicks(_focus(), "Teamleider")  # a suggestion, typed
    qtbot.keyClick(_focus(), Qt.Key.Key_Tab)
    qtbot.keyClick(_focus(), Qt.Key.Key_End)  # site: Leiden
    qtbot.keyClick(_focus(), Qt.Key.Key_Tab)
    qtbot.keyClicks(_focus(), "Kwadraad")
    with qtbot.waitSignal(page.status_message) as message:
        qtbot.keyClick(_focus(), Qt.Key.Key_Return)
    assert message.args == ["Professional PR-03 toegevoegd."]
    stored = {row.code: row for row in professionals.professional_rows(study.id)}["PR-03"]
    assert (stored.role, stored.site, stored.organisation) == ("team_lead", "Leiden", "Kwadraad")
    assert "PR-03" in _column(page.proxy, CODE) and "3 van 3" in page.count.text()
    assert page.proxy.professional_id(page.table.currentIndex().row()) == stored.id
    assert page.survey.professional_id == stored.id and _focus() is page.survey.date


def test_refused_professional_is_shown_under_the_field_and_kept(qtbot, page, study):
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Insert)
    qtbot.keyClicks(page.editor.code, "pr-01")
    qtbot.keyClick(_focus(), Qt.Key.Key_S, CTRL)
    assert page.editor.errors["code"].isVisible()
    assert "bestaat al" in page.editor.errors["code"].text()
    assert page.editor.code.text() == "pr-01"
    assert len(professionals.professional_rows(study.id)) == 2


def _open(qtbot, page, row: int) -> None:
    """Enter on a row of the list: the professional and their survey, focus on its date."""
    page.table.setFocus()
    page.table.setCurrentIndex(page.proxy.index(row, CODE))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert _focus() is page.survey.date


def test_a_whole_survey_typed_by_keyboard_is_stored_complete(qtbot, page, people):
    _open(qtbot, page, 0)
    form = page.survey
    qtbot.keyClicks(_focus(), "01032019")
    qtbot.keyClick(_focus(), Qt.Key.Key_Return)
    assert _focus() is form.ranking.first_input()
    _type(qtbot, "31245    ")  # five ranks, four elements left out
    qtbot.keyClick(_focus(), Qt.Key.Key_Tab)  # from the ranking's order to the statements
    assert _focus() is form.rows[0].input
    _type(qtbot, "452345")
    assert form.rows[0].text.text() == "4 = Eens"
    _type(qtbot, "jjnjJny")
    assert _focus() is form.save_button
    assert form.row("bridge_intake").input.text() == "J"
    assert form.row("bridge_intake").text.text() == "toegepast"
    with qtbot.waitSignal(page.status_message) as message:
        qtbot.keyClick(_focus(), Qt.Key.Key_S, CTRL)
    assert message.args == ["Enquête van PR-01 opgeslagen (volledig)."]
    stored = surveys.get_survey_response(people[0])
    assert stored.answered_on == dt.date(2019, 3, 1) and stored.complete
    assert stored.ranks == {"positive_approach": 3, "small_steps": 1, "success_experiences": 2,
                            "goal_setting": 4, "bridge_overview": 5}
    assert list(stored.likert.values()) == [4, 5, 2, 3, 4, 5]
    assert list(stored.fidelity.values()) == [True, True, False, True, True, False, True]
    assert form.state.text() == "Opgeslagen enquête: volledig ingevuld."
    assert not form.has_unsaved_changes()


def test_a_partial_survey_says_partial_here_and_in_the_list(qtbot, page, people):
    _open(qtbot, page, 1)
    qtbot.keyClick(_focus(), Qt.Key.Key_Return)
    _type(qtbot, "21")
    page.survey.rows[0].input.setFocus()
    _type(qtbot, "3")
    qtbot.keyClick(_focus(), Qt.Key.Key_S, CTRL)
    stored = surveys.get_survey_response(people[1])
    assert not stored.complete and stored.likert == {"workload": 3}
    assert stored.ranks == {"positive_approach": 2, "small_steps": 1}
    assert "gedeeltelijk" in page.survey.state.text()
    assert _column(page.proxy, SURVEY) == ["geen", "gedeeltelijk"]


def test_a_duplicate_rank_is_refused_with_its_message_and_nothing_is_stored(qtbot, page,
                                                                            people):
    _open(qtbot, page, 0)
    qtbot.keyClick(_focus(), Qt.Key.Key_Return)
    _type(qtbot, "11")
    qtbot.keyClick(_focus(), Qt.Key.Key_S, CTRL)
    assert surveys.get_survey_response(people[0]) is None
    assert "Twee elementen hebben rang 1" in page.survey.ranking.message.text()
    assert page.survey.ranking.ranks() == {"positive_approach": "1", "small_steps": "1"}
    assert page.survey.has_unsaved_changes()


def test_a_key_that_is_no_answer_is_refused_beside_the_row(qtbot, page):
    page.open_professional(page.proxy.professional_id(0))
    row = page.survey.row("bridge_intake")
    row.input.setFocus()
    _type(qtbot, "x")
    assert row.error.isVisible() and "typ j (toegepast) of n" in row.error.text()
    assert row.input.value is None


def test_switching_professional_with_unsaved_survey_asks(qtbot, page, people, monkeypatch):
    _open(qtbot, page, 0)
    page.survey.rows[0].input.setFocus()
    _type(qtbot, "4")
    asked = []
    monkeypatch.setattr(page.survey, "ask_discard", lambda: asked.append(1) or False)
    page.table.setFocus()
    page.table.setCurrentIndex(page.proxy.index(1, CODE))
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert asked and page.survey.professional_id == people[0]
    assert page.survey.rows[0].input.value == 4 and not page.confirm_leave()
    monkeypatch.setattr(page.survey, "ask_discard", lambda: True)
    assert page.open_professional(people[1]) and page.survey.rows[0].input.value is None


def test_ctrl_enter_saves_and_opens_the_next_professional(qtbot, page, people):
    _open(qtbot, page, 0)
    qtbot.keyClick(_focus(), Qt.Key.Key_Return)
    _type(qtbot, "1")
    qtbot.keyClick(_focus(), Qt.Key.Key_Return, CTRL)
    assert surveys.get_survey_response(people[0]).ranks == {"positive_approach": 1}
    assert page.survey.professional_id == people[1] and _focus() is page.survey.date
    qtbot.keyClick(_focus(), Qt.Key.Key_Return)
    _type(qtbot, "1")
    qtbot.keyClick(_focus(), Qt.Key.Key_Return, CTRL)  # the last one: a new professional next
    assert page.editor.record() is None and _focus() is page.editor.code


def test_delete_asks_and_a_professional_with_a_survey_is_kept(qtbot, page, people,
                                                              monkeypatch):
    surveys.save_survey_response(people[0], surveys.SurveyAnswers(ranks={"small_steps": 1}))
    shown = []
    monkeypatch.setattr(error_dialog, "show_error", lambda _parent, error: shown.append(error))
    monkeypatch.setattr(page.editor, "delete_reason", lambda _code: "vertrokken")
    page.open_professional(people[0])
    page.editor.delete_button.click()
    assert "ingevulde enquête" in shown[0].message and page.model.rowCount() == 2
    monkeypatch.setattr(page.survey, "delete_reason", lambda: "dubbel ingevoerd")
    page.survey.delete_button.click()
    assert surveys.get_survey_response(people[0]) is None
    page.editor.delete_button.click()
    assert [row.id for row in professionals.professional_rows(page.study_id)] == [people[1]]
    assert page.model.rowCount() == 1 and page.survey.professional_id is None
    assert not page.survey.save_button.isEnabled() and page.definition_button.isEnabled()


# the survey's definition -----------------------------------------------------------------
@pytest.fixture
def dialog(qtbot, study):
    widget = SurveyDefinitionDialog(study.id)
    qtbot.addWidget(widget)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    return widget


def _key_with_dialog(qtbot, widget, key, action, modifier=Qt.KeyboardModifier.NoModifier):
    """Press a key that opens a modal dialog and run `action(dialog)` in it (exec() blocks
    until the action closes it); then the first window is active again."""
    def poll() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None:
            QTimer.singleShot(10, poll)
            return
        modal.activateWindow()  # a window manager would; the offscreen platform does not
        qtbot.waitUntil(lambda: QApplication.activeWindow() is modal)
        try:
            action(modal)
        finally:
            if modal.isVisible():  # the action failed: close it, so the test can go on
                modal.done(0)

    QTimer.singleShot(0, poll)
    qtbot.keyClick(widget, key, modifier)
    widget.window().activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget.window())


def test_definition_dialog_adds_an_element_by_keyboard(qtbot, dialog, study):
    elements = dialog.lists["elements"].list
    elements.setFocus()

    def type_texts(entry) -> None:
        qtbot.keyClicks(entry.edits["nl"], "Huisbezoeken")
        qtbot.keyClick(entry.edits["nl"], Qt.Key.Key_Tab)
        qtbot.keyClicks(_focus(), "Home visits")
        qtbot.keyClick(_focus(), Qt.Key.Key_Return)

    def append_mark(entry) -> None:
        qtbot.keyClick(entry.edits["nl"], Qt.Key.Key_End)
        qtbot.keyClicks(entry.edits["nl"], "!")
        qtbot.keyClick(entry.edits["nl"], Qt.Key.Key_Return)

    _key_with_dialog(qtbot, elements, Qt.Key.Key_Insert, type_texts)
    assert elements.currentItem().text() == "Huisbezoeken"
    _key_with_dialog(qtbot, elements, Qt.Key.Key_Return, append_mark)  # edits; does not save
    assert elements.currentItem().text() == "Huisbezoeken!" and dialog.isVisible()
    qtbot.keyClick(elements, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)  # to the top
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(elements, Qt.Key.Key_S, CTRL)
    definition = surveys.study_survey(study.id).definition
    assert definition.element_keys[0] == "home_visits"
    assert definition.element("home_visits").label == {"nl": "Huisbezoeken!",
                                                       "en": "Home visits"}
    assert surveys.study_survey(study.id).version == 2


@pytest.fixture
def answered(people) -> int:
    surveys.save_survey_response(people[0], surveys.SurveyAnswers(ranks={"positive_approach": 1}))
    return people[0]


def test_definition_dialog_refuses_removing_an_answered_element(qtbot, answered, dialog,
                                                                 study, monkeypatch):
    elements = dialog.lists["elements"].list
    elements.setFocus()
    elements.setCurrentRow(0)
    qtbot.keyClick(elements, Qt.Key.Key_Delete)
    qtbot.keyClick(elements, Qt.Key.Key_S, CTRL)
    assert dialog.isVisible() and dialog.error.isVisible()
    assert "'positive_approach' heeft 1 antwoorden" in dialog.error.text()
    assert "positive_approach" in surveys.study_survey(study.id).definition.element_keys
    asked = []
    monkeypatch.setattr(dialog, "ask_discard", lambda: asked.append(1) or False)
    qtbot.keyClick(elements, Qt.Key.Key_Escape)
    assert asked and dialog.isVisible()  # the change is not lost by a stray Escape
    monkeypatch.setattr(dialog, "ask_discard", lambda: True)


def test_top_places_follow_the_elements_and_full_ranking_is_saved(qtbot, dialog, study):
    assert dialog.top.value() == 5 and dialog.top.maximum() == 9
    dialog.full_button.setChecked(True)
    assert not dialog.top.isEnabled()
    assert dialog.save()
    assert surveys.study_survey(study.id).definition.places == 9


def test_definition_dialog_exports_and_imports_a_file(dialog, study, tmp_path, monkeypatch):
    target = tmp_path / "survey.json"
    reports = []
    monkeypatch.setattr(dialog, "report", reports.append)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: (str(target), ""))
    dialog.export_button.click()
    assert reports == ["De enquête is geschreven naar survey.json."]
    target.write_text(target.read_text(encoding="utf-8").replace('"mode": "top"',
                                                                 '"mode": "full"'),
                      encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a: (str(target), ""))
    dialog.import_button.click()
    assert "ingelezen en opgeslagen" in reports[-1] and dialog.full_button.isChecked()
    assert surveys.study_survey(study.id).definition.places == 9


def test_import_asks_before_it_drops_edits_made_in_the_dialog(dialog, study, tmp_path,
                                                              monkeypatch):
    target = tmp_path / "survey.json"
    surveys.export_survey_definition(study.id, target)
    dialog.full_button.click()  # an edit not saved yet
    asked, opened = [], []
    monkeypatch.setattr(dialog, "ask_discard", lambda: asked.append(1) or False)
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *_a: opened.append(1) or (str(target), ""))
    dialog.import_button.click()
    assert asked and not opened and dialog.full_button.isChecked()


def test_a_new_entry_never_takes_the_key_of_a_stored_one(dialog):
    # "workload" is a stored statement: removed in the dialog, its key stays taken, so an
    # element typed as "Workload" gets another key and cannot inherit its answers
    assert "workload" in dialog.taken_keys()
    assert key_from_text("Workload", dialog.taken_keys()) != "workload"


def test_a_survey_edited_from_the_page_reaches_the_form_and_the_list(qtbot, page, people):
    definition = surveys.study_survey(page.study_id).definition
    surveys.save_survey_response(people[0], surveys.SurveyAnswers(
        ranks=dict(zip(definition.element_keys[:5], range(1, 6), strict=True)),
        likert=dict.fromkeys(definition.likert_keys, 3),
        fidelity=dict.fromkeys(definition.step_keys, "j")))
    page.refresh()
    assert _column(page.proxy, SURVEY) == ["volledig", "geen"]

    def rank_all(dialog) -> None:
        qtbot.keyClick(_focus(), Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(dialog.full_button.isChecked)  # a mnemonic clicks after a moment
        qtbot.keyClick(_focus(), Qt.Key.Key_S, CTRL)

    shift = Qt.KeyboardModifier.ShiftModifier
    _key_with_dialog(qtbot, page.search, Qt.Key.Key_E, rank_all, CTRL | shift)
    assert page.survey.definition.places == 9
    assert _column(page.proxy, SURVEY) == ["gedeeltelijk", "geen"]  # nine ranks now needed


def test_page_opens_from_the_navigation_after_the_questionnaires(qtbot, study, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(study.id, default_pages(), settings)
    qtbot.addWidget(window)
    titles = [window.navigation.item(row).text() for row in range(window.navigation.count())]
    assert titles.index("Professionals") == titles.index("Vragenlijsten") + 1
    assert window.show_page(titles.index("Professionals"))
    assert isinstance(window.current_page(), ProfessionalsPage)


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_label_has_a_buddy_and_its_own_alt_key(qtbot, study, people, language):
    i18n.set_language(language)
    page = ProfessionalsPage(study.id)
    qtbot.addWidget(page)
    labels = [label for label in page.findChildren(QLabel) if "&" in label.text()]
    assert len(labels) >= 15 and all(label.buddy() is not None for label in labels)
    texts = [label.text() for label in labels] + [
        button.text() for button in page.findChildren(QAbstractButton)]
    keys = [text.split("&")[1][0].lower() for text in texts if "&" in text]
    menus = [tr(f"shell.menu.{name}").split("&")[1][0].lower() for name in ("file", "view",
                                                                           "help")]
    assert len(keys) == len(set(keys)) and not set(keys) & set(menus), keys


def test_tab_goes_from_the_list_through_the_professional_and_the_survey(page, people):
    page.open_professional(people[0])
    form = page.survey
    inputs = [page.search, page.new_button, page.table, page.editor.code,
              page.editor.organisation, page.editor.save_button, page.definition_button,
              form.date, form.ranking.first_input(), form.rows[0].input, form.rows[-1].input,
              form.save_button]
    widget, seen = page.search, []
    for _ in range(500):
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisible():
            seen.append(widget)
        widget = widget.nextInFocusChain()
        if widget is page.search:
            break
    order = [seen.index(item) for item in inputs]
    assert order == sorted(order)


def test_insert_in_the_ranking_ranks_the_element_and_does_not_start_a_professional(
        qtbot, page, people, monkeypatch):
    _open(qtbot, page, 0)
    view = page.survey.ranking.order_view
    view.setFocus()
    model = view.model()
    row = next(r for r in range(model.rowCount())
               if model.index(r, 0).data(KEY_ROLE) == "small_steps")
    view.setCurrentIndex(model.index(row, 0))
    qtbot.keyClick(view, Qt.Key.Key_Insert)
    assert page.survey.ranking.ranks() == {"small_steps": "1"}
    assert page.survey.professional_id == people[0]  # no new professional started
    monkeypatch.setattr(page.survey, "ask_discard", lambda: True)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Insert)  # in the list, Insert is a new professional
    assert page.editor.record() is None and page.editor.code.text() == ""
