"""Questionnaire findings on a small study worked out by hand (DESIGN §4), and the response
service's refusals for questionnaires."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from desktop.models.errors import ValidationError
from desktop.models.services import instrument_library, participants, responses, studies
from reports.findings import study_findings

INCLUDED = dt.date(2018, 1, 8)
TWO_ITEMS = {
    "format": "brugmeter-instrument/1", "key": "two", "kind": "questionnaire", "version": 1,
    "name": {"nl": "Twee vragen", "en": "Two questions"},
    "scale": {"min": 1, "max": 5, "best": "min"},
    "missing_reasons": [{"key": "not_answered", "label": {"nl": "Leeg", "en": "Empty"}}],
    "missing_rule": {"max_missing_fraction": 0.5},
    "items": [{"key": "x", "label": {"nl": "X", "en": "X"}},
              {"key": "y", "label": {"nl": "Y", "en": "Y"}}],
    "reverse_items": ["y"],
    "scales": [{"key": "total", "label": {"nl": "Totaal", "en": "Total"}, "items": "all"}],
    "cutoff": {"scale": "total", "at_least": 4},
    "norm": {"n": 100, "percent_high": 20, "label": {"nl": "normgroep", "en": "norm group"}},
}
M = "not_answered"
# Raw answers (x, y) as on paper per moment (intake, 6 months, 12 months); y is reverse-scored,
# so scored y = 6 − raw. Scored totals in the comments.
PLAN = {
    "P1": [(5, 1), None, (3, 3)],  # 5.0 → 3.0 (12 months)
    "P2": [(4, 2), (2, 4), None],  # 4.0 → 2.0 (6 months is the last)
    "P3": [(4, M), None, (4, 2)],  # 4.0 (one of two missing is allowed) → 4.0
    "P4": [(2, 4), (3, 3), None],  # 2.0 → 3.0 (worse: lower is better)
    "P5": [(5, 1), (4, 2), (M, M)],  # 5.0 → 4.0 (12 months has no score: 6 months counts)
    "P6": [(3, 3), None, (1, 5)],  # 3.0 → 1.0
    "P7": [(5, 2), None, None],  # 4.5, intake only
}


@pytest.fixture
def two_item_study(study):
    instrument_library.import_definition_text(json.dumps(TWO_ITEMS), "two.json")
    info = studies.get_study(study.id)
    studies.update_study(study.id, studies.StudyInput(
        name=info.name, sites=[s.name for s in info.sites],
        moments=[studies.MomentSpec(m.name, m.months, m.key, m.id) for m in info.moments],
        instrument_keys=("bridge", "two")))
    for code, plan in PLAN.items():
        pid = participants.add_participant(study.id, participants.ParticipantInput(
            code, study.sites[0].id, "consented", INCLUDED))
        for index, answers in enumerate(plan):
            if answers is not None:
                responses.save_response(pid, study.moments[index].id, "two",
                                        INCLUDED + dt.timedelta(days=7 + 183 * index),
                                        dict(zip("xy", answers, strict=True)))
    return study


def test_scale_change_pairs_intake_with_the_last_later_score(two_item_study):
    found = study_findings(two_item_study.id)["questionnaires"]
    assert [q["instrument"] for q in found] == ["two"]
    total = found[0]["scales"][0]
    assert total["n"] == 6
    assert total["intake"]["mean"] == pytest.approx(23 / 6, abs=0.005)
    assert total["last"]["mean"] == pytest.approx(17 / 6, abs=0.005)
    assert total["improvement"] == pytest.approx(1.0)  # lower is better: 3.83 → 2.83
    assert total["improved"] == 66.7 and total["declined"] == 16.7
    # differences −2 −2 0 +1 −1 −2: zero dropped, ranks 1.5 1.5 4 4 4, W+ = 1.5,
    # variance 5·6·11/24 − (6 + 24)/48 = 13.125, z = −6/√13.125 (as SPSS and scipy approx)
    assert total["w"] == 1.5
    assert total["z"] == pytest.approx(-1.6562, abs=1e-4)
    assert total["p"] == pytest.approx(0.0976899593, abs=1e-9)


def test_items_are_compared_as_scored_and_the_largest_improvement_is_named(two_item_study):
    found = study_findings(two_item_study.id)["questionnaires"][0]
    x, y = found["items"]
    assert (x["n"], x["improvement"], x["reverse"]) == (6, 1.0, False)
    assert (y["n"], y["improvement"], y["reverse"]) == (5, 1.2, True)
    assert y["p"] is None and y["test_note"] == "too_few_pairs"  # 5 pairs: no test
    assert x["at_intake"] == {"n": 7, "mean": 4.0, "sd": 1.15, "median": 4}  # all intakes
    assert y["at_intake"]["n"] == 6 and y["at_intake"]["mean"] == pytest.approx(23 / 6, abs=0.005)
    assert x["intake"]["mean"] == pytest.approx(23 / 6, abs=0.005)  # the 6 paired intakes
    assert y["intake"]["mean"] == 3.8
    # y improved more (1.2) but on 5 pairs, too few for a test: the largest tested one is x
    assert found["largest_improvement"]["item"] == "x"
    assert found["largest_improvement"]["significant"] is False
    assert found["worst_at_intake"]["item"] == "x"  # highest mean where lower is better


def test_share_high_at_intake_and_last_beside_the_norm_group(two_item_study):
    high = study_findings(two_item_study.id)["questionnaires"][0]["high"]
    assert high["intake"] == {"n": 7, "high": 5, "percent": 71.4}  # 5 4 4 2 5 3 4.5 ≥ 4
    assert high["last"] == {"n": 6, "high": 2, "percent": 33.3}  # 3 2 4 3 4 1
    assert high["pairs"] == {"intake": {"n": 6, "high": 4, "percent": 66.7},  # P7 has no pair
                             "last": {"n": 6, "high": 2, "percent": 33.3}}
    assert high["norm"]["n"] == 100 and high["norm"]["percent_high"] == 20.0
    instrument_library.set_instrument_settings(two_item_study.id, "two", "4,5", 1115, "10")
    high = study_findings(two_item_study.id)["questionnaires"][0]["high"]
    assert high["cutoff"] == 4.5 and high["cutoff_is_default"] is False
    assert high["intake"]["high"] == 3 and high["norm"]["n"] == 1115


def test_responses_per_moment_are_counted(two_item_study):
    found = study_findings(two_item_study.id)["questionnaires"][0]
    assert found["responses"] == {"intake": 7, "m6": 3, "m12": 4}


@pytest.fixture
def scarcity_study(study, participant):
    info = studies.get_study(study.id)
    studies.update_study(study.id, studies.StudyInput(
        name=info.name, sites=[s.name for s in info.sites],
        moments=[studies.MomentSpec(m.name, m.months, m.key, m.id) for m in info.moments],
        instrument_keys=("bridge", "financial_scarcity")))
    return study


def test_a_questionnaire_needs_every_item_answered_or_marked_missing(scarcity_study,
                                                                     participant):
    answers = {f"fs{n:02d}": 4 for n in range(1, 13)}
    answers["fs05"] = None
    with pytest.raises(ValidationError) as error:
        responses.save_response(participant.id, scarcity_study.moments[0].id,
                                "financial_scarcity", "2018-01-15", answers)
    assert error.value.field == "fs05" and "5" in error.value.message
    answers["fs05"] = "not_answered"
    rid = responses.save_response(participant.id, scarcity_study.moments[0].id,
                                  "financial_scarcity", "2018-01-15", answers)
    stored = responses.get_response(participant.id, scarcity_study.moments[0].id,
                                    "financial_scarcity")
    assert stored.response_id == rid and stored.missing["fs05"] == "not_answered"


@pytest.mark.parametrize(("value", "message"), [
    (8, "Antwoord 8 staat niet op de schaal; kies 1 tot en met 7"), (0, "kies 1 tot en met 7"),
    ("zes", "'zes' is geen antwoord"), (4.5, "'4.5' is geen antwoord")])
def test_values_outside_the_scale_are_refused(scarcity_study, participant, value, message):
    answers = {f"fs{n:02d}": 4 for n in range(1, 13)}
    answers["fs07"] = value
    with pytest.raises(ValidationError) as error:
        responses.save_response(participant.id, scarcity_study.moments[0].id,
                                "financial_scarcity", "2018-01-15", answers)
    assert error.value.field == "fs07" and message in error.value.message
    assert responses.get_response(participant.id, scarcity_study.moments[0].id,
                                  "financial_scarcity") is None


def test_an_instrument_the_study_does_not_use_is_refused(study, participant):
    with pytest.raises(Exception, match="financial_scarcity"):
        responses.save_response(participant.id, study.moments[0].id, "financial_scarcity",
                                "2018-01-15", {"fs01": 4})


def test_a_questionnaire_without_answers_reports_empty_figures(scarcity_study):
    found = study_findings(scarcity_study.id)["questionnaires"][0]
    assert found["responses"] == {} and found["largest_improvement"] is None
    assert found["scales"][0]["n"] == 0 and found["scales"][0]["test_note"] == "too_few_pairs"
    assert found["high"]["intake"] == {"n": 0, "high": 0, "percent": None}
    assert found["worst_at_intake"] is None
