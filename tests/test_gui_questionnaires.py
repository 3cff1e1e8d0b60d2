"""The Questionnaires page typed as an assistant does: keys only, checked through the services."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QFileDialog, QLabel
from test_gui_bridge_form import Typist, _show

from desktop import i18n
from desktop.models.services import instrument_library, participants, responses, studies
from desktop.paths import INSTRUMENTS
from desktop.views import instrument_import
from desktop.views.instrument_settings_dialog import InstrumentSettingsDialog
from desktop.views.main_window import default_pages
from desktop.views.questionnaire_page import QuestionnairePage
from desktop.views.study_dialog import StudyDialog

SCARCITY = "financial_scarcity"
ANSWERS = "671265343521"  # one digit per question, as ticked on the paper form
# Scored with fs03, fs06 and fs12 reversed (8 - value): total 55/12 = 4,58 → high (≥ 4,5);
# insufficient resources (6 + 7 + 7) / 3 = 6,67.


def link(study: studies.StudyInfo, *keys: str) -> studies.StudyInfo:
    """The study as it is, using the Bridge and these instruments."""
    studies.update_study(study.id, studies.StudyInput(
        name=study.name, organisation=study.organisation, municipality=study.municipality,
        language=study.language, period_start=study.period_start, period_end=study.period_end,
        sites=[site.name for site in study.sites],
        moments=[studies.MomentSpec(m.name, m.months, m.key, m.id) for m in study.moments],
        instrument_keys=("bridge", *keys)))
    return studies.get_study(study.id)


def definition_file(tmp_path, key: str = "wellbeing", low: int = 0, high: int = 10,
                    items: int = 4) -> object:
    """A small questionnaire definition written as a researcher would."""
    data = {
        "format": "brugmeter-instrument/1", "key": key, "kind": "questionnaire", "version": 1,
        "name": {"nl": "Welbevinden", "en": "Well-being"},
        "scale": {"min": low, "max": high, "labels": {
            str(low): {"nl": "Heel slecht", "en": "Very bad"},
            str(high): {"nl": "Uitstekend", "en": "Excellent"}}},
        "missing_reasons": [{"key": "not_answered",
                             "label": {"nl": "Niet ingevuld", "en": "Not answered"}}],
        "items": [{"key": f"w{n}", "label": {"nl": f"Vraag {n}", "en": f"Question {n}"}}
                  for n in range(1, items + 1)],
        "scales": [{"key": "total", "label": {"nl": "Totaal", "en": "Total"}, "items": "all",
                    "scoring": "mean"}],
    }
    path = tmp_path / f"{key}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture
def linked_study(study):
    return link(study, SCARCITY, "quality_of_life")


@pytest.fixture
def intake(linked_study):
    return linked_study.moments[0]


@pytest.fixture
def page(qtbot, linked_study, participant):
    widget = _show(qtbot, QuestionnairePage(linked_study.id))
    assert widget.choose_code("AL-001")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget.form.date)
    return widget


@pytest.fixture
def reports(monkeypatch):
    """What the import would have said in a message box: (text, is_error)."""
    seen: list[tuple[str, bool]] = []
    monkeypatch.setattr(instrument_import, "report",
                        lambda parent, text, error=False: seen.append((text, error)))
    return seen


def choose_file(monkeypatch, path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *args, **kwargs: (str(path), "")))


# typing ------------------------------------------------------------------------------------
def test_whole_financial_scarcity_form_by_keyboard(qtbot, page, participant, intake):
    typist = Typist(qtbot)
    form = page.form
    assert form.definition.key == SCARCITY and len(form.rows) == 12
    with qtbot.waitSignal(page.status_message) as message:
        typist.key(Qt.Key.Key_Return)  # accept today's date
        typist.type(ANSWERS)  # each digit moves on to the next question
        typist.key(Qt.Key.Key_Return)  # focus is on Save: Enter stores the form
    assert typist.count == 14
    stored = responses.get_response(participant.id, intake.id, SCARCITY)
    assert stored.assessed_on == dt.date.today()
    # raw as typed, reverse-scored questions too: scoring reverses them, storage never does
    assert stored.values == dict(zip(form.definition.item_keys, map(int, ANSWERS), strict=True))
    assert "Financiële schaarste (totaal): 4,6 (hoog)" in message.args[0]
    assert "Tekort aan middelen: 6,7" in message.args[0]
    assert page.last_saved.isVisible() and "4,6 (hoog)" in page.last_saved.text()
    assert page.tabs.currentIndex() == 1 and QApplication.focusWidget() is form.date
    assert dt.date.today().strftime("%d-%m-%Y") in page.tabs.tabText(0)
    typist.key(Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert form.rows[2].input.text() == "1" and "4,6 (hoog)" in form.scores.text()


def test_value_labels_and_reverse_marks_are_shown_beside_the_input(qtbot, page):
    typist = Typist(qtbot)
    typist.key(Qt.Key.Key_Return)
    typist.type("6")
    rows = page.form.rows
    assert rows[0].text.text() == "6 = Mee eens"
    assert QApplication.focusWidget() is rows[1].input
    assert "1 = Helemaal mee oneens" in page.form.legend.text()
    reversed_rows = [row.item.key for row in rows if row.reverse.text()]
    assert reversed_rows == ["fs03", "fs06", "fs12"]
    assert "zoals het op papier staat" in rows[2].input.toolTip()
    typist.type("21")  # fs03 is reverse-scored and still shows what was typed
    assert rows[2].input.text() == "1" and rows[2].text.text() == "1 = Helemaal mee oneens"


@pytest.mark.parametrize("bad_key", ["8", "9", "a", "+"])
def test_key_outside_the_scale_is_refused_and_nothing_moves_on(qtbot, page, bad_key):
    typist = Typist(qtbot)
    typist.key(Qt.Key.Key_Return)
    typist.type(bad_key)
    first = page.form.rows[0]
    assert first.input.text() == "" and first.input.answer() is None
    assert first.error.isVisible()
    assert f"'{bad_key}' staat niet op deze schaal: typ 1–7" in first.error.text()
    assert QApplication.focusWidget() is first.input
    typist.type("5")
    assert not first.error.isVisible() and first.input.answer() == 5


def test_saving_with_an_empty_question_is_refused_at_that_question(qtbot, page, participant,
                                                                   intake):
    typist = Typist(qtbot)
    typist.key(Qt.Key.Key_Return)
    typist.type("12345 123456")  # Space skips question 6
    typist.key(Qt.Key.Key_Return)
    assert responses.get_response(participant.id, intake.id, SCARCITY) is None
    sixth = page.form.rows[5]
    assert sixth.error.isVisible() and "Vraag 6" in sixth.error.text()
    assert QApplication.focusWidget() is sixth.input
    assert page.form.has_unsaved_changes() and page.form.rows[11].input.text() == "6"
    typist.type("0")  # "not answered" is an answer too
    typist.key(Qt.Key.Key_Return)
    stored = responses.get_response(participant.id, intake.id, SCARCITY)
    assert stored.values["fs06"] is None and stored.missing["fs06"] == "not_answered"


def test_shortcut_marks_every_empty_question_not_answered(qtbot, page, participant, intake):
    form = page.form
    assert "Ctrl+0" in form.mark_missing_button.toolTip() and "Ctrl+0" in form.hint.text()
    typist = Typist(qtbot)
    typist.key(Qt.Key.Key_Return)
    typist.type("12345")
    typist.key(Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert all(row.input.reason == "not_answered" for row in form.rows[5:])
    assert "Ontbreekt: Niet ingevuld" in form.rows[11].text.text()
    assert QApplication.focusWidget() is form.save_button
    with qtbot.waitSignal(page.status_message) as message:
        typist.key(Qt.Key.Key_Return)
    stored = responses.get_response(participant.id, intake.id, SCARCITY)
    assert [stored.values[key] for key in form.definition.item_keys[:5]] == [1, 2, 3, 4, 5]
    assert all(stored.missing[key] == "not_answered" for key in form.definition.item_keys[5:])
    assert "(totaal): — (te weinig antwoorden: 5 van 12)" in message.args[0]


@pytest.mark.parametrize(("keys", "reason", "text"), [
    ("0", "not_answered", "Niet ingevuld"),
    ("0-", "unreadable", "Onleesbaar"),
    ("-0-", "not_applicable", "Niet van toepassing"),
    ("0-0-", "not_answered", "Niet ingevuld"),
])
def test_zero_and_dash_cycle_through_the_missing_reasons(qtbot, page, participant, intake,
                                                         keys, reason, text):
    typist = Typist(qtbot)
    typist.key(Qt.Key.Key_Return)
    typist.type(keys)
    first = page.form.rows[0]
    assert first.input.text() == "–" and text in first.text.text()
    assert QApplication.focusWidget() is first.input  # stays: press again for the next reason
    typist.key(Qt.Key.Key_Tab)
    typist.type(ANSWERS[1:])
    typist.key(Qt.Key.Key_Return)
    stored = responses.get_response(participant.id, intake.id, SCARCITY)
    assert stored.values["fs01"] is None and stored.missing["fs01"] == reason


def test_stored_response_shows_its_labels_and_scores(qtbot, linked_study, participant, intake):
    answers = dict(zip([f"fs{n:02d}" for n in range(1, 13)], map(int, ANSWERS), strict=True))
    responses.save_response(participant.id, intake.id, SCARCITY, "15-03-2018", answers)
    page = _show(qtbot, QuestionnairePage(linked_study.id))
    page.choose_code("AL-001")
    form = page.form
    assert form.date.text() == "15-03-2018" and not form.has_unsaved_changes()
    assert form.rows[1].text.text() == "7 = Helemaal mee eens"
    assert form.scores.isVisible() and "4,6 (hoog)" in form.scores.text()
    assert "15-03-2018" in page.tabs.tabText(0)


# unsaved input -----------------------------------------------------------------------------
def test_unsaved_input_asks_before_switching_participant_moment_or_questionnaire(
        qtbot, page, linked_study, participant, monkeypatch):
    participants.add_participant(linked_study.id, participants.ParticipantInput(
        "AL-002", status="consented"))
    page.refresh()
    typist = Typist(qtbot)
    typist.key(Qt.Key.Key_Return)
    typist.type("34")
    form = page.form
    asked: list[int] = []
    monkeypatch.setattr(form, "ask_discard", lambda: asked.append(1) or False)
    typist.key(Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert page.tabs.currentIndex() == 0
    assert not page.choose_code("AL-002") and page.code.text() == "AL-001"
    assert not page.choose_questionnaire("quality_of_life")
    assert page.questionnaire.currentData() == SCARCITY and page.form is form
    assert not page.confirm_leave()
    assert len(asked) == 4
    assert [row.input.text() for row in form.rows[:2]] == ["3", "4"]
    monkeypatch.setattr(form, "ask_discard", lambda: True)
    assert page.choose_questionnaire("quality_of_life")
    assert page.form.definition.key == "quality_of_life" and len(page.form.rows) == 10
    assert page.form.participant_id == participant.id
    assert QApplication.focusWidget() is page.form.date


# settings ----------------------------------------------------------------------------------
def test_settings_dialog_stores_a_cutoff_typed_with_a_dutch_comma(qtbot, linked_study):
    dialog = InstrumentSettingsDialog(linked_study.id, SCARCITY)
    qtbot.addWidget(dialog)
    fields = dialog.inputs
    assert [fields[name].text() for name in ("cutoff", "norm_n", "norm_percent_high")] == [
        "4,5", "1115", "10"]
    fields["cutoff"].setText("5,5")
    fields["norm_percent_high"].setText("12,5")
    dialog.accept()
    assert dialog.result() == 1
    linked = instrument_library.linked_instrument(linked_study.id, SCARCITY)
    assert linked.cutoff.at_least == 5.5 and not linked.cutoff_is_default
    assert linked.norm.percent_high == 12.5 and linked.norm.n == 1115


@pytest.mark.parametrize(("field", "typed", "words"), [
    ("cutoff", "7,5", "7"),  # above the scale's maximum
    ("cutoff", "vier", "vier"),
    ("norm_n", "0", "N"),
    ("norm_percent_high", "120", "100"),
])
def test_settings_dialog_refuses_inline_beside_the_field(qtbot, linked_study, field, typed,
                                                         words):
    dialog = InstrumentSettingsDialog(linked_study.id, SCARCITY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.inputs[field].setText(typed)
    dialog.accept()
    assert dialog.result() == 0
    assert dialog.errors[field].isVisible() and words in dialog.errors[field].text()
    assert dialog.inputs[field].text() == typed
    linked = instrument_library.linked_instrument(linked_study.id, SCARCITY)
    assert linked.cutoff_is_default and linked.norm_is_default


def test_restore_defaults_returns_to_the_figures_of_the_file(qtbot, linked_study):
    instrument_library.set_instrument_settings(linked_study.id, SCARCITY, 5.0, 200, 20.0)
    dialog = InstrumentSettingsDialog(linked_study.id, SCARCITY)
    qtbot.addWidget(dialog)
    assert dialog.inputs["cutoff"].text() == "5"
    dialog.restore_button.click()
    assert dialog.inputs["cutoff"].text() == "4,5"
    dialog.accept()
    linked = instrument_library.linked_instrument(linked_study.id, SCARCITY)
    assert linked.cutoff_is_default and linked.norm_is_default
    assert linked.cutoff.at_least == 4.5


def test_new_cutoff_changes_the_shown_high_at_once(qtbot, page, participant, intake,
                                                   monkeypatch):
    answers = dict(zip(page.form.definition.item_keys, map(int, ANSWERS), strict=True))
    responses.save_response(participant.id, intake.id, SCARCITY, "15-03-2018", answers)
    page.refresh()
    assert "(hoog)" in page.form.scores.text()

    def exec_with_new_cutoff(dialog):
        dialog.inputs["cutoff"].setText("4,7")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(InstrumentSettingsDialog, "exec", exec_with_new_cutoff)
    typist = Typist(qtbot)
    typist.key(Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert "4,6" in page.form.scores.text() and "(hoog)" not in page.form.scores.text()
    assert "4,7" in page.form.scores.toolTip()


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_settings_dialog_labels_have_buddies_and_distinct_mnemonics(qtbot, linked_study,
                                                                    language):
    i18n.set_language(language)
    dialog = InstrumentSettingsDialog(linked_study.id, SCARCITY)
    qtbot.addWidget(dialog)
    labels = [label for label in dialog.findChildren(QLabel) if label.buddy() is not None]
    assert {id(label.buddy()) for label in labels} == {id(e) for e in dialog.inputs.values()}
    texts = [label.text() for label in labels] + [
        button.text() for button in dialog.findChildren(QAbstractButton)]
    keys = [text.split("&")[1][0].lower() for text in texts if "&" in text]
    assert len(keys) == len(set(keys)) == 5


# import ------------------------------------------------------------------------------------
def test_import_from_the_page_adds_the_instrument_for_the_study_dialog(
        qtbot, page, tmp_path, monkeypatch, reports, linked_study):
    choose_file(monkeypatch, definition_file(tmp_path))
    page.import_button.click()
    (text, error), = reports
    assert not error and "Toegevoegd: Welbevinden (wellbeing, versie 1)" in text
    assert "Studie bewerken" in text  # how to add it to the study
    assert "wellbeing" in dict(instrument_library.available_instruments())
    dialog = StudyDialog(linked_study.id)
    qtbot.addWidget(dialog)
    titles = [dialog.instruments_list.item(row).text()
              for row in range(dialog.instruments_list.count())]
    assert "Welbevinden" in titles


def test_broken_definition_file_shows_the_loaders_message(qtbot, page, tmp_path, monkeypatch,
                                                          reports):
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "brugmeter-instrument/1", "key": ', encoding="utf-8")
    choose_file(monkeypatch, broken)
    page.import_definition()
    (text, error), = reports
    assert error and "broken.json" in text and "JSON" in text
    wrong_scale = json.loads((INSTRUMENTS / "quality_of_life.json").read_text("utf-8"))
    wrong_scale["key"], wrong_scale["scale"]["max"] = "qol_copy", 0
    broken.write_text(json.dumps(wrong_scale), encoding="utf-8")
    page.import_definition()
    assert reports[1][1] and "min < max" in reports[1][0]
    assert "qol_copy" not in dict(instrument_library.available_instruments())


def test_study_dialog_imports_and_ticks_the_new_instrument(qtbot, study, tmp_path, monkeypatch,
                                                           reports):
    shutil.copy(definition_file(tmp_path, "mood", 1, 5), tmp_path / "mood_copy.json")
    choose_file(monkeypatch, tmp_path / "mood_copy.json")
    dialog = StudyDialog(study.id)
    qtbot.addWidget(dialog)
    dialog.import_button.click()
    assert not reports[0][1] and "aangevinkt" in reports[0][0]
    assert "mood" in dialog.study_input().instrument_keys
    dialog.accept()
    assert "mood" in studies.get_study(study.id).instrument_keys


def test_zero_to_ten_scale_takes_ten_and_one_by_keyboard(qtbot, linked_study, participant,
                                                         tmp_path):
    instrument_library.import_definition(definition_file(tmp_path))
    study = link(linked_study, SCARCITY, "wellbeing")
    page = _show(qtbot, QuestionnairePage(study.id))
    assert page.choose_questionnaire("wellbeing")
    page.choose_code("AL-001")
    form = page.form
    assert "Schaal tot 10" in form.hint.text() and "–" in form.hint.text()
    typist = Typist(qtbot)
    typist.key(Qt.Key.Key_Return)
    typist.type("1")
    first = form.rows[0]
    assert QApplication.focusWidget() is first.input  # 1 may become 10: wait
    assert "of typ nog een cijfer" in first.text.text()
    typist.type("0")  # 10: nothing longer is possible, so move on
    assert first.input.answer() == 10 and first.text.text() == "10 = Uitstekend"
    assert QApplication.focusWidget() is form.rows[1].input
    typist.type("1 ")  # Space keeps the 1
    assert form.rows[1].input.answer() == 1
    typist.type("0")  # 0 is an answer here, not "missing"
    assert form.rows[2].input.answer() == 0
    typist.type("15")
    assert form.rows[3].error.isVisible() and "'15'" in form.rows[3].error.text()
    assert QApplication.focusWidget() is form.rows[3].input
    typist.key(Qt.Key.Key_Return)  # Enter keeps the 1 that was waiting …
    assert QApplication.focusWidget() is form.save_button
    typist.key(Qt.Key.Key_Return)  # … and on Save stores the form
    stored = responses.get_response(participant.id, study.moments[0].id, "wellbeing")
    assert stored.values == {"w1": 10, "w2": 1, "w3": 0, "w4": 1}


# the page in the window and without questionnaires -----------------------------------------
def test_study_without_questionnaires_says_how_to_add_one(qtbot, study, participant):
    page = _show(qtbot, QuestionnairePage(study.id))
    assert page.form is None and not page.questionnaire.isEnabled()
    assert page.stack.currentWidget() is page.empty_note
    assert "Bestand → Studie bewerken… → Instrumenten" in page.empty_note.text()
    assert page.choose_code("AL-001") and page.confirm_leave()
    assert not page.settings_button.isEnabled()


def test_navigation_has_questionnaires_after_the_bridge():
    titles = [factory.page_title() for factory in default_pages()]
    assert titles.index("Vragenlijsten") == titles.index("Brug") + 1


def test_english_page_shows_english_labels_and_scores(qtbot, linked_study, participant):
    i18n.set_language("en")
    page = _show(qtbot, QuestionnairePage(linked_study.id))
    page.choose_code("AL-001")
    typist = Typist(qtbot)
    with qtbot.waitSignal(page.status_message) as message:
        typist.key(Qt.Key.Key_Return)
        typist.type(ANSWERS[:1])
        assert page.form.rows[0].text.text() == "6 = Agree"
        typist.type(ANSWERS[1:])
        typist.key(Qt.Key.Key_Return)
    assert "Financial scarcity (total): 4.6 (high)" in message.args[0]
    assert page.questionnaire_label.text() == "&Questionnaire"


def test_import_of_a_corrected_linked_questionnaire_rebuilds_its_form(
        qtbot, page, tmp_path, monkeypatch, reports):
    assert page.choose_questionnaire("quality_of_life")
    corrected = json.loads((INSTRUMENTS / "quality_of_life.json").read_text("utf-8"))
    corrected["items"][0]["label"]["nl"] = "Hoe gezond u zich voelt"
    path = tmp_path / "quality_of_life.json"
    path.write_text(json.dumps(corrected), encoding="utf-8")
    choose_file(monkeypatch, path)
    typist = Typist(qtbot)
    typist.key(Qt.Key.Key_I,
               Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    (text, error), = reports
    assert not error and text.startswith("Bijgewerkt: Kwaliteit van leven")
    assert "Studie bewerken" not in text  # the study uses it already
    assert page.questionnaire.currentData() == "quality_of_life"
    assert "Hoe gezond u zich voelt" in page.form.rows[0].label.text()


# keyboard and windows ----------------------------------------------------------------------
@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_page_mnemonics_are_distinct_and_reach_the_questionnaire(qtbot, linked_study,
                                                                 participant, language):
    i18n.set_language(language)
    page = _show(qtbot, QuestionnairePage(linked_study.id))
    page.choose_code("AL-001")
    labels = [label for label in page.findChildren(QLabel) if "&" in label.text()]
    assert all(label.buddy() is not None for label in labels)
    texts = [label.text() for label in labels] + [
        button.text() for button in page.findChildren(QAbstractButton)]
    keys = [text.split("&")[1][0].lower() for text in texts if "&" in text]
    assert len(keys) == len(set(keys)), keys
    letter = page.questionnaire_label.text().split("&")[1][0]
    qtbot.keyClick(QApplication.focusWidget(), getattr(Qt.Key, f"Key_{letter.upper()}"),
                   Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is page.questionnaire


def test_a_form_built_while_typing_keeps_the_window_active(qtbot, page):
    """A widget shown before it has a parent flashes up as a window of its own and takes the
    focus away from the typist; every new form must be built without that."""
    assert page.choose_questionnaire("quality_of_life")
    dialog = InstrumentSettingsDialog(page.study_id, SCARCITY)
    qtbot.addWidget(dialog)
    qtbot.wait(50)  # a stray window would be shown and activated by now
    assert QApplication.activeWindow() is page
    assert QApplication.focusWidget() is page.form.date
