"""Professionals' findings against hand-computed examples, and end to end from the database."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from desktop.models.services import professionals, surveys
from desktop.models.services.surveys import SurveyData, SurveyRow
from desktop.models.surveys import SurveyItem, builtin_surveys
from reports.findings import study_findings
from reports.professionals import professional_findings

TEMPLATE = builtin_surveys()["professionals"]


def _item(key: str) -> SurveyItem:
    return SurveyItem(key, {"nl": key.upper(), "en": key})


# A top three of four elements, a five-point Likert scale and two fidelity steps.
SMALL = dataclasses.replace(
    TEMPLATE, top=3, elements=tuple(_item(k) for k in "abcd"),
    likert_items=(_item("workload"),), fidelity_steps=(_item("s1"), _item("s2")))


def _row(pid: int, complete: bool = True, **answers: int) -> SurveyRow:
    return SurveyRow(pid, "", "", complete, answers)


# Borda with P = 3 places: rank 1 → 3, rank 2 → 2, rank 3 → 1, unranked → 0.
#   R1: a1 b2 c3     → a3 b2 c1
#   R2: b1 a2 d3     → b3 a2 d1
#   R3: c1 a2        → c3 a2        (partial ranking)
#   R4: b1 c2 a3     → b3 c2 a1
#   R5: no ranking, Likert and steps only
# a = 3+2+2+1 = 8, b = 2+3+3 = 8, c = 1+3+2 = 6, d = 1: a and b share first place.
ROWS = [
    _row(1, a=1, b=2, c=3, workload=5, s1=1, s2=1),
    _row(2, b=1, a=2, d=3, workload=4, s1=1, s2=0),
    _row(3, False, c=1, a=2, workload=3, s1=0, s2=0),
    _row(4, b=1, c=2, a=3, workload=2, s2=1),
    _row(5, False, s1=1),
]


def test_ranking_by_hand_with_ties_and_a_partial_ranking():
    found = professional_findings(SurveyData(SMALL, ROWS), "en")
    assert (found["respondents"], found["complete"], found["partial"]) == (5, 3, 2)
    ranking = found["ranking"]
    assert ranking["n"] == 4 and ranking["places"] == 3
    by_key = {e["element"]: e for e in ranking["elements"]}
    assert {k: e["borda"] for k, e in by_key.items()} == {"a": 8, "b": 8, "c": 6, "d": 1}
    assert {k: e["position"] for k, e in by_key.items()} == {"a": 1, "b": 1, "c": 3, "d": 4}
    assert {k: e["tied"] for k, e in by_key.items()} == {"a": True, "b": True, "c": False,
                                                          "d": False}
    assert by_key["a"]["mean_rank"] == 2.0 and by_key["a"]["times_ranked"] == 4
    assert by_key["b"]["mean_rank"] == 1.33 and by_key["b"]["median_rank"] == 1
    assert by_key["d"]["mean_rank"] == 3.0
    assert by_key["a"]["borda_mean"] == 2.0
    # "in their top five" with three places is "ranked at all": 4, 3, 3 and 1 of 4
    assert [by_key[k]["top_five_percent"] for k in "abcd"] == [100.0, 75.0, 75.0, 25.0]
    assert by_key["c"]["rank_counts"] == {"1": 1, "2": 1, "3": 1}
    assert [(t["position"], t["tied"], t["element"]) for t in ranking["top_five"]] == [
        (1, True, "a"), (1, True, "b"), (3, False, "c"), (4, False, "d")]


def test_a_tie_at_fifth_place_shows_every_tied_element():
    definition = dataclasses.replace(TEMPLATE, top=5, elements=tuple(_item(k) for k in "abcdefg"))
    # one respondent ranks a..e; a second ranks a..d and f: e and f tie at fifth place
    rows = [_row(1, a=1, b=2, c=3, d=4, e=5), _row(2, a=1, b=2, c=3, d=4, f=5)]
    top = professional_findings(SurveyData(definition, rows))["ranking"]["top_five"]
    assert [(t["element"], t["position"], t["tied"]) for t in top] == [
        ("a", 1, False), ("b", 2, False), ("c", 3, False), ("d", 4, False), ("e", 5, True),
        ("f", 5, True)]


def test_likert_and_fidelity_by_hand():
    found = professional_findings(SurveyData(SMALL, ROWS))
    (workload,) = found["likert"]
    # answers 5, 4, 3, 2 (one professional left it empty): 2 agree, 1 neutral, 1 disagree
    assert (workload["n"], workload["agree"], workload["neutral"], workload["disagree"]) == (
        4, 50.0, 25.0, 25.0)
    assert workload["distribution"] == {"1": 0, "2": 1, "3": 1, "4": 1, "5": 1}
    fidelity = found["fidelity"]
    s1, s2 = fidelity["steps"]
    assert (s1["n"], s1["applied"], s1["percent"]) == (4, 3, 75.0)  # 1, 1, 0, –, 1
    assert (s2["n"], s2["applied"], s2["percent"]) == (4, 2, 50.0)  # 1, 0, 0, 1
    assert fidelity["overall_percent"] == 62.5  # 5 of 8 answers
    assert fidelity["n_professionals"] == 5
    # own shares 100, 50, 0, 100, 100 → mean 70
    assert fidelity["mean_per_professional"] == 70.0


def test_no_responses_gives_empty_findings_not_errors():
    found = professional_findings(SurveyData(TEMPLATE, []))
    assert found["respondents"] == 0 and found["ranking"]["top_five"] == []
    assert all(e["mean_rank"] is None and e["top_five_percent"] is None
               for e in found["ranking"]["elements"])
    assert found["fidelity"]["overall_percent"] is None


def test_findings_from_the_database_by_way_of_the_services(study):
    answers = [
        {"positive_approach": 1, "small_steps": 2, "success_experiences": 3, "goal_setting": 4,
         "bridge_overview": 5},
        {"small_steps": 1, "positive_approach": 2, "goal_setting": 3},
    ]
    for number, ranks in enumerate(answers, start=1):
        pid = professionals.add_professional(
            study.id, professionals.ProfessionalInput(f"PR-{number}", "mentor"))
        surveys.save_survey_response(pid, surveys.SurveyAnswers(
            ranks=ranks, likert={"workload": 5 - number}, fidelity={"bridge_intake": True},
            answered_on=dt.date(2019, 2, 1)))
    found = json.loads(json.dumps(study_findings(study.id)))["professionals"]
    assert (found["respondents"], found["partial"]) == (2, 2)
    top = found["ranking"]["top_five"]
    # positive_approach 5+4 = 9, small_steps 4+5 = 9, success 3, goal_setting 2+3 = 5, bridge 1
    assert [(t["element"], t["position"], t["borda"]) for t in top] == [
        ("positive_approach", 1, 9), ("small_steps", 1, 9), ("goal_setting", 3, 5),
        ("success_experiences", 4, 3), ("bridge_overview", 5, 1)]
    assert top[0]["label"] == "Positieve benadering door de toegangsmedewerkers"
    assert found["likert"][0]["agree"] == 50.0
    assert found["fidelity"]["overall_percent"] == 100.0


def test_survey_data_of_one_site(study):
    alphen, leiden = study.sites
    for code, site, rank in (("PR-A", alphen.id, {"small_steps": 1}),
                             ("PR-L", leiden.id, {"goal_setting": 1})):
        pid = professionals.add_professional(
            study.id, professionals.ProfessionalInput(code, "mentor", site))
        surveys.save_survey_response(pid, surveys.SurveyAnswers(ranks=rank))
    everyone = surveys.survey_data(study.id)
    assert [row.site for row in everyone.responses] == ["Alphen aan den Rijn", "Leiden"]
    leiden_only = surveys.survey_data(study.id, leiden.id)
    assert [row.answers for row in leiden_only.responses] == [{"goal_setting": 1}]
    top = professional_findings(leiden_only)["ranking"]["top_five"]
    assert [(t["element"], t["borda"]) for t in top] == [("goal_setting", 5)]


def test_full_ranking_of_seven_counts_only_ranks_one_to_five_as_top_five():
    definition = dataclasses.replace(TEMPLATE, ranking_mode="full", top=7,
                                     elements=tuple(_item(k) for k in "abcdefg"))
    assert definition.places == 7
    rows = [_row(1, a=1, b=2, c=3, d=4, e=5, f=6, g=7),
            _row(2, g=1, f=2, e=3, d=4, c=5, b=6, a=7)]
    by_key = {e["element"]: e for e in
              professional_findings(SurveyData(definition, rows))["ranking"]["elements"]}
    # P = 7: rank r earns 8 − r; a: 7 + 1, b: 6 + 2, … every element 8 points, all tied first
    assert {e["borda"] for e in by_key.values()} == {8}
    assert all(e["position"] == 1 and e["tied"] for e in by_key.values())
    # ranks 6 and 7 are not "in the top five": a and b (7th, 6th for respondent 2) 50%
    assert [by_key[k]["top_five_percent"] for k in "abcdefg"] == [
        50.0, 50.0, 100.0, 100.0, 100.0, 50.0, 50.0]
    assert by_key["d"]["mean_rank"] == 4.0 and by_key["a"]["rank_counts"]["7"] == 1
