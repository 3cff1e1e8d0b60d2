"""Scale scores against values computed by hand: reverse items, mean and prorated sum, the
missing-data rule and "high" at the cut-off."""

from __future__ import annotations

import json

import pytest

from desktop.models.instruments import Cutoff, builtin_definitions, parse_definition
from desktop.models.scoring import score_response

DEFINITION = {
    "format": "brugmeter-instrument/1", "key": "mini", "kind": "questionnaire", "version": 1,
    "name": {"nl": "Mini", "en": "Mini"},
    "scale": {"min": 1, "max": 5},
    "missing_rule": {"max_missing_fraction": 0.25},
    "items": [{"key": k, "label": {"nl": k, "en": k}} for k in "abcd"],
    "reverse_items": ["c"],
    "scales": [
        {"key": "total", "label": {"nl": "Totaal", "en": "Total"}, "items": "all"},
        {"key": "ab", "label": {"nl": "AB", "en": "AB"}, "items": ["a", "b"], "scoring": "sum",
         "max_missing_fraction": 0.5},
    ],
    "cutoff": {"scale": "total", "at_least": 3.5},
}


@pytest.fixture
def mini():
    return parse_definition(json.dumps(DEFINITION), "mini.json")


def test_reverse_item_is_mirrored_and_one_missing_item_is_allowed(mini):
    scores = score_response(mini, {"a": 5, "b": 4, "c": 2, "d": None})
    assert scores["total"].value == pytest.approx(13 / 3)  # 5 + 4 + (6 − 2) over 3 answered
    assert scores["total"].answered == 3 and scores["total"].high is True
    assert scores["ab"].value == 9 and scores["ab"].high is None  # the cut-off is on total


def test_too_many_missing_items_give_no_score_and_a_sum_is_prorated(mini):
    scores = score_response(mini, {"a": 5, "b": None, "c": None, "d": 1})
    assert scores["total"].value is None and scores["total"].high is None
    assert scores["ab"].value == 10  # one of two missing: mean 5 × 2 items


def test_low_scores_are_not_high_and_the_cut_off_itself_is_high(mini):
    low = score_response(mini, {"a": 1, "b": 1, "c": 5, "d": 3})
    assert low["total"].value == 1.5 and low["total"].high is False and low["ab"].value == 2
    exact = score_response(mini, {"a": 4, "b": 3, "c": 3, "d": 4})  # (4+3+3+4)/4 = 3.5
    assert exact["total"].value == 3.5 and exact["total"].high is True


def test_a_study_cut_off_replaces_the_files(mini):
    scores = score_response(mini, {"a": 4, "b": 3, "c": 3, "d": 4}, Cutoff("total", 4.0))
    assert scores["total"].high is False


def test_the_scarcity_scale_scores_its_four_aspects_and_reverses_three_items():
    scarcity = builtin_definitions()["financial_scarcity"]
    answers = {f"fs{n:02d}": 7 for n in range(1, 13)}
    answers.update(fs03=1, fs06=1, fs12=1)  # reverse items, as printed on paper
    scores = score_response(scarcity, answers)
    assert {key: score.value for key, score in scores.items()} == {
        "total": 7.0, "resources": 7.0, "control": 7.0, "worry": 7.0, "short_term": 7.0}
    assert scores["total"].high is True
    answers.update(fs01=None, fs02=None)  # 2 of 12 missing: total kept, aspect lost
    scores = score_response(scarcity, answers)
    assert scores["total"].value == 7.0 and scores["resources"].value is None
    answers.update(fs04=None)  # 3 of 12 missing: more than 20%
    assert score_response(scarcity, answers)["total"].value is None
