"""The professionals' survey: definition loader, professionals, ranking rules and storage."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from desktop.models.errors import (
    StorageError,
    SurveyDefinitionError,
    ValidationError,
)
from desktop.models.schema import AuditEntry, SurveyAnswer, SurveyResponse
from desktop.models.services import professionals, surveys
from desktop.models.surveys import SurveyItem, builtin_surveys, load_survey, parse_survey

TEMPLATE = builtin_surveys()["professionals"]


def _item(key: str) -> SurveyItem:
    return SurveyItem(key, {"nl": key, "en": key})
FACTSHEET_FIVE = ("positive_approach", "small_steps", "success_experiences", "goal_setting",
                  "bridge_overview")


def _survey_text(**changes) -> str:
    data = json.loads(TEMPLATE.to_json())
    for path, value in changes.items():
        target = data
        *parents, last = path.split("__")
        for part in parents:
            target = target[part]
        target[last] = value
    return json.dumps(data)


@pytest.fixture
def professional(study) -> professionals.ProfessionalRecord:
    pid = professionals.add_professional(
        study.id, professionals.ProfessionalInput("PR-01", "access_worker", study.sites[0].id,
                                                  "Gemeente Alphen"))
    return professionals.get_professional(pid)


def _full_answers(**overrides) -> surveys.SurveyAnswers:
    ranks = dict(zip(FACTSHEET_FIVE, (1, 2, 3, 4, 5), strict=True))
    answers = surveys.SurveyAnswers(
        ranks=ranks,
        likert=dict.fromkeys(TEMPLATE.likert_keys, 4),
        fidelity=dict.fromkeys(TEMPLATE.step_keys, True),
        answered_on=dt.date(2019, 3, 1),
    )
    return dataclasses.replace(answers, **overrides)


def test_template_holds_the_factsheets_top_five_and_is_a_top_five():
    assert TEMPLATE.element_keys[:5] == FACTSHEET_FIVE
    assert TEMPLATE.ranking_mode == "top" and TEMPLATE.places == 5
    assert {"workload", "mastery", "support", "clarity", "exchange"} <= set(TEMPLATE.likert_keys)
    assert len(TEMPLATE.fidelity_steps) >= 5
    assert TEMPLATE.element("small_steps").text("en").startswith("Splitting goals")
    assert parse_survey(TEMPLATE.to_json()) == TEMPLATE


@pytest.mark.parametrize(("changes", "field", "problem"), [
    ({"format": "x"}, "format", "expected"),
    ({"ranking__mode": "best"}, "ranking.mode", "'top'"),
    ({"ranking__top": 12}, "ranking.top", "number of elements (9)"),
    ({"ranking__top": 0}, "ranking.top", "1 to"),
    ({"ranking__elements": []}, "ranking.elements", "non-empty"),
    ({"likert__scale": {"min": 1, "max": 5, "agree_from": 2, "disagree_to": 3}},
     "likert.scale", "disagree_to < agree_from"),
    ({"likert__items": [{"key": "small_steps", "label": {"nl": "a", "en": "b"}}]},
     "likert.items[0].key", "duplicate key 'small_steps'"),
    ({"fidelity__steps": [{"key": "2a", "label": {"nl": "a", "en": "b"}}]},
     "fidelity.steps[0]", "short identifier"),
    ({"fidelity__steps": [{"key": "a", "label": {"nl": "a"}}]},
     "fidelity.steps[0].label.en", "missing translation"),
])
def test_loader_names_the_field_and_the_problem(changes, field, problem):
    with pytest.raises(SurveyDefinitionError) as error:
        parse_survey(_survey_text(**changes), "mine.json")
    assert f"mine.json, veld {field}:" in error.value.message
    assert problem in error.value.message


def test_loader_refuses_broken_json_and_unreadable_files(tmp_path):
    with pytest.raises(SurveyDefinitionError, match="line 1"):
        parse_survey("{", "x.json")
    with pytest.raises(SurveyDefinitionError, match=r"\(file\)"):
        load_survey(tmp_path / "absent.json")


def test_full_ranking_needs_every_element():
    full = parse_survey(_survey_text(ranking__mode="full"))
    assert full.places == len(full.elements) == 9
    ranks = {key: rank for rank, key in enumerate(full.element_keys, start=1)}
    assert surveys.check_ranking(full, ranks)[1] is True
    del ranks[full.element_keys[-1]]
    assert surveys.check_ranking(full, ranks)[1] is False


def test_ranking_refusals_are_clear():
    ranks = {"positive_approach": 1, "small_steps": 1}
    with pytest.raises(ValidationError) as error:
        surveys.check_ranking(TEMPLATE, ranks)
    assert error.value.field == "small_steps"
    assert "Twee elementen hebben rang 1" in error.value.message
    assert "Positieve benadering" in error.value.message

    with pytest.raises(ValidationError) as error:
        surveys.check_ranking(TEMPLATE, {"positive_approach": 6})
    assert error.value.key == "error.rank_range" and "1 tot en met 5" in error.value.message

    with pytest.raises(ValidationError) as error:
        surveys.check_ranking(TEMPLATE, {"positive_approach": 1, "small_steps": 2,
                                         "goal_setting": 4})
    assert error.value.key == "error.rank_gap" and error.value.field == "goal_setting"
    assert "Rang 3 ontbreekt" in error.value.message

    for raw in ("twee", 1.5, True):
        with pytest.raises(ValidationError, match="geen geheel getal"):
            surveys.check_ranking(TEMPLATE, {"small_steps": raw})
    with pytest.raises(ValidationError, match="Onbekend element"):
        surveys.check_ranking(TEMPLATE, {"made_up": 1})


def test_partial_ranking_is_allowed_and_marked_partial():
    checked, complete = surveys.check_ranking(TEMPLATE, {"small_steps": "2",
                                                         "goal_setting": " 1 ", "recognition": ""})
    assert checked == {"goal_setting": 1, "small_steps": 2}
    assert complete is False


def test_professionals_are_pseudonymous_codes_unique_per_study(study, professional):
    assert professional.role == "access_worker" and professional.organisation == "Gemeente Alphen"
    with pytest.raises(ValidationError, match="bestaat al"):
        professionals.add_professional(study.id, professionals.ProfessionalInput("pr-01"))
    with pytest.raises(ValidationError) as error:
        professionals.add_professional(study.id, professionals.ProfessionalInput("Jan Jansen"))
    assert error.value.field == "code"
    with pytest.raises(ValidationError) as error:
        professionals.add_professional(study.id, professionals.ProfessionalInput("111222333"))
    assert error.value.key == "error.code_bsn"
    data = professionals.professional_input(professional)
    data.role = "Mentor"
    professionals.update_professional(professional.id, data, expected_version=1)
    assert professionals.get_professional(professional.id).version == 2
    with pytest.raises(ValidationError, match="gewijzigd"):
        professionals.update_professional(professional.id, data, expected_version=1)
    rows = professionals.professional_rows(study.id)
    assert [(r.code, r.role, r.site, r.surveyed) for r in rows] == [
        ("PR-01", "Mentor", "Alphen aan den Rijn", False)]


def test_a_complete_survey_is_stored_audited_and_read_back(study, professional):
    response_id, complete = surveys.save_survey_response(professional.id, _full_answers())
    assert complete is True
    stored = surveys.get_survey_response(professional.id)
    assert stored.ranks == dict(zip(FACTSHEET_FIVE, (1, 2, 3, 4, 5), strict=True))
    assert stored.likert == dict.fromkeys(TEMPLATE.likert_keys, 4)
    assert stored.fidelity == dict.fromkeys(TEMPLATE.step_keys, True)
    assert stored.answered_on == dt.date(2019, 3, 1) and stored.complete
    assert AuditEntry.select().where((AuditEntry.table == "survey_response")
                                     & (AuditEntry.record_id == response_id)).count() > 10
    row = professionals.professional_rows(study.id)[0]
    assert row.surveyed and row.complete


def test_a_partial_survey_is_stored_as_partial_and_changes_are_audited(professional):
    answers = _full_answers(ranks={"small_steps": 1, "goal_setting": 2},
                            fidelity={"bridge_intake": "nee", "goals_together": "ja"})
    response_id, complete = surveys.save_survey_response(professional.id, answers)
    assert complete is False
    stored = surveys.get_survey_response(professional.id)
    assert stored.fidelity == {"bridge_intake": False, "goals_together": True}
    assert SurveyResponse.get_by_id(response_id).complete is False
    changed = dataclasses.replace(answers, ranks={"small_steps": 2, "goal_setting": 1})
    surveys.save_survey_response(professional.id, changed, expected_version=stored.version)
    updates = {(e.field, e.old_value, e.new_value) for e in AuditEntry.select().where(
        (AuditEntry.table == "survey_response") & (AuditEntry.action == "update"))}
    assert updates == {("small_steps", "1", "2"), ("goal_setting", "2", "1")}
    with pytest.raises(ValidationError, match="gewijzigd"):
        surveys.save_survey_response(professional.id, answers, expected_version=stored.version)


@pytest.mark.parametrize(("answers", "field", "key"), [
    (surveys.SurveyAnswers(), "ranking", "error.survey_empty"),
    (surveys.SurveyAnswers(likert={"workload": 6}), "workload", "error.answer_range"),
    (surveys.SurveyAnswers(likert={"workload": "veel"}), "workload", "error.answer_not_number"),
    (surveys.SurveyAnswers(fidelity={"bridge_intake": "soms"}), "bridge_intake",
     "error.step_value"),
    (surveys.SurveyAnswers(fidelity={"made_up": True}), "made_up", "error.step_unknown"),
    (surveys.SurveyAnswers(ranks={"small_steps": 1}, answered_on="2999-01-01"), "answered_on",
     "error.date_future"),
    (surveys.SurveyAnswers(ranks={"small_steps": 1, "goal_setting": 1}), "goal_setting",
     "error.rank_duplicate"),
])
def test_refused_surveys_store_nothing(professional, answers, field, key):
    with pytest.raises(ValidationError) as error:
        surveys.save_survey_response(professional.id, answers)
    assert (error.value.field, error.value.key) == (field, key)
    assert SurveyResponse.select().count() == 0 and SurveyAnswer.select().count() == 0


def test_editing_the_definition_keeps_answers_safe(study, professional):
    surveys.save_survey_response(professional.id, _full_answers())
    current = surveys.study_survey(study.id)
    renamed = dataclasses.replace(current.definition, elements=tuple(
        dataclasses.replace(e, label={"nl": e.label["nl"] + "!", "en": e.label["en"]})
        for e in current.definition.elements))
    surveys.save_survey_definition(study.id, renamed, expected_version=current.version)
    assert surveys.study_survey(study.id).definition.element("small_steps").text().endswith("!")

    without = dataclasses.replace(renamed, elements=renamed.elements[1:])
    with pytest.raises(ValidationError) as error:
        surveys.save_survey_definition(study.id, without)
    assert error.value.key == "error.survey_key_in_use" and "1 antwoorden" in error.value.message

    shorter = dataclasses.replace(renamed, top=3)
    with pytest.raises(ValidationError, match="tot en met 5"):
        surveys.save_survey_definition(study.id, shorter)
    with pytest.raises(ValidationError, match="gewijzigd"):
        surveys.save_survey_definition(study.id, renamed, expected_version=current.version)

    # a new fidelity step makes the earlier complete response partial: the flag follows
    extra = dataclasses.replace(renamed, fidelity_steps=(
        *renamed.fidelity_steps, dataclasses.replace(renamed.fidelity_steps[0], key="new_step")))
    surveys.save_survey_definition(study.id, extra)
    assert surveys.get_survey_response(professional.id).complete is False


@pytest.mark.parametrize("change", [
    {"top": 12},
    {"name": {"nl": "Enquête"}},
    {"likert_items": (_item("small_steps"),)},  # a key twice
])
def test_a_definition_built_in_code_is_checked_before_it_is_stored(study, change):
    before = surveys.study_survey(study.id)
    with pytest.raises(SurveyDefinitionError):
        surveys.save_survey_definition(study.id, dataclasses.replace(before.definition, **change))
    assert surveys.study_survey(study.id) == before  # the study's survey still opens


def test_survey_definition_exports_and_imports_as_a_file(study, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "survey.json"
    surveys.export_survey_definition(study.id, target)
    assert load_survey(target) == surveys.study_survey(study.id).definition
    assert [p.name for p in folder.iterdir()] == ["survey.json"]  # no temporary left
    target.write_text(_survey_text(ranking__mode="full"), encoding="utf-8")
    surveys.import_survey_definition(study.id, target)
    assert surveys.study_survey(study.id).definition.places == 9
    with pytest.raises(StorageError, match="map bestaat niet"):
        surveys.export_survey_definition(study.id, tmp_path / "absent" / "survey.json")


def test_a_professional_with_a_survey_is_not_deleted_by_accident(professional):
    surveys.save_survey_response(professional.id, _full_answers())
    with pytest.raises(ValidationError, match="ingevulde enquête"):
        professionals.delete_professional(professional.id, "vertrokken")
    surveys.delete_survey_response(professional.id, "dubbel ingevoerd")
    professionals.delete_professional(professional.id, "vertrokken")
    assert [(e.field, e.old_value, e.new_value) for e in AuditEntry.select().where(
        (AuditEntry.table == "professional") & (AuditEntry.action == "delete"))] == [
        ("code", professional.code, None), ("reason", None, "vertrokken")]


def test_reading_findings_never_writes_a_survey(study, professional):
    from desktop.models.schema import Survey
    from reports.findings import study_findings

    assert study_findings(study.id)["professionals"]["respondents"] == 0
    assert surveys.get_survey_response(professional.id) is None
    assert Survey.select().count() == 0  # a read-only database can show its findings


def test_a_key_with_answers_cannot_move_to_another_part(study, professional):
    surveys.save_survey_response(professional.id, _full_answers())
    definition = surveys.study_survey(study.id).definition
    # "workload" leaves the statements and comes back as an element to rank
    moved = dataclasses.replace(
        definition, likert_items=definition.likert_items[1:],
        elements=(*definition.elements, _item("workload")))
    with pytest.raises(ValidationError) as error:
        surveys.save_survey_definition(study.id, moved)
    assert error.value.key == "error.survey_key_moved" and error.value.field == "workload"
    assert surveys.get_survey_response(professional.id).likert["workload"] == 4


@pytest.mark.parametrize("scale", [
    {"likert_max": 7},  # an old 5 would no longer be "strongly agree"
    {"agree_from": 5},  # an old 4 would no longer count as agree
])
def test_the_likert_scale_is_fixed_once_answered(study, professional, scale):
    definition = surveys.study_survey(study.id).definition
    surveys.save_survey_definition(study.id, dataclasses.replace(definition, **scale))
    surveys.save_survey_definition(study.id, definition)  # no answers yet: free to change
    surveys.save_survey_response(professional.id, _full_answers())
    with pytest.raises(ValidationError, match="antwoordschaal"):
        surveys.save_survey_definition(study.id, dataclasses.replace(definition, **scale))


def test_more_than_fifty_elements_is_not_a_ranking():
    elements = [{"key": f"e{n}", "label": {"nl": "x", "en": "x"}} for n in range(51)]
    with pytest.raises(SurveyDefinitionError, match="at most 50"):
        parse_survey(_survey_text(ranking__elements=elements))


def test_a_full_disk_while_exporting_leaves_no_file_and_says_so(study, tmp_path, monkeypatch):
    import errno

    from desktop.models import files

    folder = tmp_path / "out"
    folder.mkdir()

    def full(path, text, encoding=None):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.Path, "write_text", full)
    with pytest.raises(StorageError, match="schijf is vol"):
        surveys.export_survey_definition(study.id, folder / "survey.json")
    assert list(folder.iterdir()) == []
