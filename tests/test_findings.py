"""Findings against small studies computed by hand (DESIGN §4)."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop.models.services import bridge, participants
from reports.findings import study_findings

INCLUDED = dt.date(2018, 1, 8)


def _person(study, code, status="consented"):
    return participants.add_participant(
        study.id, participants.ParticipantInput(code, study.sites[0].id, status, INCLUDED))


def _assess(study, pid, moment_index, answers):
    day = INCLUDED + dt.timedelta(days=7 + 183 * moment_index)
    bridge.save_assessment(pid, study.moments[moment_index].id, day, answers)


@pytest.fixture
def small_study(study):
    """Huisvesting only: five complete pairs, each pairing rule and missing reason once."""
    plan = {
        "P1": [1, 2, 3],  # last later = 12 months → improved
        "P2": [2, 3, None],  # no 12 months → 6 months → improved
        "P3": [3, None, 3],  # stable
        "P4": [4, 3, None],  # declined
        "P5": [2, 2, "not_discussed"],  # 12 months has no level: 6 months counts → stable
        "P6": [1, None, None],  # intake only: no pair
        "P7": ["declined", 3, None],  # no intake level: no pair
    }
    for code, levels in plan.items():
        pid = _person(study, code)
        for index, level in enumerate(levels):
            if level is not None:
                _assess(study, pid, index, {"huisvesting": level})
    withdrawn = _person(study, "W1", "withdrawn")
    _assess(study, withdrawn, 0, {"huisvesting": 2})
    _person(study, "D1", "declined")
    _person(study, "D2", "approached")
    return study


def _pillar(findings, key):
    return next(p for p in findings["bridge"]["pillars"] if p["pillar"] == key)


def test_response_figures(small_study):
    response = study_findings(small_study.id)["response"]
    assert (response["approached"], response["participated"], response["percent"]) == (10, 8, 80.0)


def test_flow_per_moment_with_reasons(small_study):
    flow = study_findings(small_study.id)["flow"]
    assert [(m["moment"], m["measured"], m["missing"]) for m in flow] == [
        ("intake", 8, 0), ("m6", 5, 3), ("m12", 3, 5)]
    assert flow[1]["missing_reasons"] == {"withdrawn": 1, "no_assessment": 2}
    assert flow[2]["missing_reasons"] == {"withdrawn": 1, "no_assessment": 4}


def test_flow_counts_a_moment_not_yet_due(small_study):
    flow = study_findings(small_study.id, today=INCLUDED + dt.timedelta(days=200))["flow"]
    assert flow[2]["missing_reasons"] == {"withdrawn": 1, "not_yet_due": 4}


def test_bridge_change_pairs_intake_with_the_last_later_level(small_study):
    housing = _pillar(study_findings(small_study.id), "huisvesting")
    assert housing["n"] == 5
    assert (housing["improved"], housing["stable"], housing["declined"]) == (40.0, 40.0, 20.0)
    assert housing["counts"] == {"improved": 2, "stable": 2, "declined": 1}
    assert housing["distribution"]["intake"] == {"1": 1, "2": 2, "3": 1, "4": 1, "5": 0}
    assert housing["distribution"]["last"] == {"1": 0, "2": 1, "3": 4, "4": 0, "5": 0}
    assert housing["transitions"] == [
        [0, 0, 1, 0, 0],
        [0, 1, 1, 0, 0],
        [0, 0, 1, 0, 0],
        [0, 0, 1, 0, 0],
        [0, 0, 0, 0, 0],
    ]
    assert housing["missing"] == {"m12": {"not_discussed": 1}, "intake": {"declined": 1}}
    # five pairs are too few for a test: said so, not a meaningless p
    assert (housing["p"], housing["p_holm"], housing["significant"]) == (None, None, False)
    assert housing["test_note"] == "too_few_pairs"


def test_pillars_without_data_have_n_zero_and_no_percentages(small_study):
    savings = _pillar(study_findings(small_study.id), "sparen")
    assert savings["n"] == 0 and savings["improved"] is None
    assert savings["missing"]["intake"]["no_reason"] == 8


def test_wilcoxon_and_holm_per_pillar_match_r(study):
    # R: wilcox.test(after, before, paired=TRUE, exact=FALSE, correct=FALSE)
    income = ([1, 1, 2, 2, 2, 3, 3, 4, 1, 2, 3, 2, 1, 5, 4, 2],
              [2, 1, 3, 2, 4, 3, 4, 4, 2, 3, 3, 1, 2, 5, 5, 3], 0.0125549185969665)
    debts = ([1, 2, 3, 2, 1, 4, 3, 2, 5, 1, 2, 3], [2, 2, 4, 3, 1, 5, 3, 4, 5, 3, 2, 4],
             0.0138744058830255)
    for index in range(16):
        pid = _person(study, f"R{index:02d}")
        first = {"inkomen": income[0][index]}
        last = {"inkomen": income[1][index]}
        if index < 12:
            first["schulden"], last["schulden"] = debts[0][index], debts[1][index]
        _assess(study, pid, 0, first)
        _assess(study, pid, 2, last)
    findings = study_findings(study.id, alpha=0.05)
    inkomen, schulden = _pillar(findings, "inkomen"), _pillar(findings, "schulden")
    assert inkomen["p"] == pytest.approx(income[2], rel=1e-9)
    assert schulden["p"] == pytest.approx(debts[2], rel=1e-9)
    # Holm over the two pillars that were tested
    assert inkomen["p_holm"] == pytest.approx(2 * income[2], rel=1e-9)
    assert schulden["p_holm"] == pytest.approx(2 * income[2], rel=1e-9)
    assert inkomen["significant"] and schulden["significant"]
    assert inkomen["r"] == pytest.approx(abs(inkomen["z"]) / 4)
    assert _pillar(findings, "sparen")["p_holm"] is None


def test_english_labels(small_study):
    from desktop import i18n

    i18n.set_language("en")
    assert _pillar(study_findings(small_study.id), "huisvesting")["label"] == "Housing"


def test_participants_not_taking_part_are_not_counted(small_study):
    """Defence in depth: a status changed outside the services (e.g. by hand in SQL)."""
    from desktop.models.schema import Participant

    Participant.update(status="declined").where(Participant.code == "P1").execute()
    findings = study_findings(small_study.id)
    assert findings["flow"][0]["measured"] == 7
    assert _pillar(findings, "huisvesting")["n"] == 4
