"""Mann–Whitney U, Kaplan–Meier and log-rank: by hand, and against scipy's implementations
set to the same method (asymptotic, tie-corrected, no continuity correction)."""

from __future__ import annotations

import math
import random

import pytest
from scipy import stats

from reports.statistics import mann_whitney_u
from reports.survival import kaplan_meier, log_rank, median_time


def test_mann_whitney_by_hand_with_ties():
    # pooled 1 2 2 3 | 2 3 4 5: ranks 1, 3, 3, 5.5 | 3, 5.5, 7, 8 (ties averaged)
    result = mann_whitney_u([1, 2, 2, 3], [2, 3, 4, 5])
    # R1 = 12.5 → U = 12.5 − 10 = 2.5; ties (2×3, 3×2): Σ(t³−t) = 24 + 6 = 30
    # var = 16/12 · (9 − 30/56) = 11.2857…; z = (2.5 − 8)/√var = −1.6372
    assert result.statistic == 2.5
    assert result.z == pytest.approx((2.5 - 8) / math.sqrt(16 / 12 * (9 - 30 / 56)))
    assert result.p == pytest.approx(math.erfc(abs(result.z) / math.sqrt(2)))
    assert result.r == pytest.approx(abs(result.z) / math.sqrt(8))


@pytest.mark.parametrize("seed", range(6))
def test_mann_whitney_matches_scipy_asymptotic_without_continuity(seed):
    rng = random.Random(seed)
    first = [rng.randint(0, 40) for _ in range(rng.randint(3, 60))]
    second = [rng.randint(5, 45) for _ in range(rng.randint(3, 60))]
    ours = mann_whitney_u(first, second)
    theirs = stats.mannwhitneyu(first, second, method="asymptotic", use_continuity=False)
    smaller = min(theirs.statistic, len(first) * len(second) - theirs.statistic)
    assert ours.statistic == pytest.approx(smaller) and ours.z <= 0  # as SPSS prints them
    assert ours.p == pytest.approx(theirs.pvalue, rel=1e-9)


def test_mann_whitney_refuses_tiny_groups_and_handles_all_equal():
    assert mann_whitney_u([1, 2], [3, 4, 5]).reason == "too_few_per_group"
    same = mann_whitney_u([4, 4, 4], [4, 4, 4])
    assert (same.p, same.r) == (1.0, 0.0)


def test_kaplan_meier_by_hand():
    # days: 2 done, 3 done, 3 open (censored), 5 done, 8 open
    steps = kaplan_meier([(2, True), (3, True), (3, False), (5, True), (8, False)])
    assert [(s.days, s.at_risk, s.events, s.censored) for s in steps] == [
        (2, 5, 1, 0), (3, 4, 1, 1), (5, 2, 1, 0), (8, 1, 0, 1)]
    # S = 4/5 → 4/5·3/4 = 0.6 → 0.6·1/2 = 0.3
    assert [round(s.survival, 10) for s in steps] == [0.8, 0.6, 0.3, 0.3]
    assert median_time(steps) == 5
    assert median_time(kaplan_meier([(1, True), (4, False), (6, False)])) is None


@pytest.mark.parametrize("seed", range(4))
def test_kaplan_meier_matches_scipy(seed):
    rng = random.Random(seed)
    observations = [(rng.randint(0, 30), rng.random() < 0.7) for _ in range(80)]
    steps = kaplan_meier(observations)
    data = stats.CensoredData(
        uncensored=[d for d, e in observations if e],
        right=[d for d, e in observations if not e])
    curve = stats.ecdf(data).sf
    for step in steps:
        assert step.survival == pytest.approx(curve.evaluate(step.days), abs=1e-12)


def test_log_rank_by_hand():
    # group A done at 1 and 3; group B done at 2, open at 4 (censored)
    #   day 1: at risk A2 B2, 1 event: E_A = 0.5, V = 2·2·1·3/(16·3) = 0.25
    #   day 2: at risk A1 B2, 1 event: E_A = 1/3,  V = 1·2·1·2/(9·2) = 2/9
    #   day 3: at risk A1 B1, 1 event: E_A = 1/2,  V = 1·1·1·1/(4·1) = 1/4
    result = log_rank([(1, True), (3, True)], [(2, True), (4, False)], min_per_group=2)
    expected_a = 0.5 + 1 / 3 + 0.5
    variance = 0.25 + 2 / 9 + 0.25
    assert result.observed == (2, 1)
    assert result.expected[0] == pytest.approx(expected_a)
    assert result.chi2 == pytest.approx((2 - expected_a) ** 2 / variance)
    assert result.p == pytest.approx(stats.chi2.sf(result.chi2, 1))


@pytest.mark.parametrize("seed", range(4))
def test_log_rank_matches_scipy(seed):
    rng = random.Random(seed)
    first = [(rng.randint(0, 40), rng.random() < 0.8) for _ in range(50)]
    second = [(rng.randint(3, 50), rng.random() < 0.6) for _ in range(40)]

    def censored(group):
        return stats.CensoredData(uncensored=[d for d, e in group if e],
                                  right=[d for d, e in group if not e])

    theirs = stats.logrank(censored(first), censored(second))
    ours = log_rank(first, second)
    assert ours.chi2 == pytest.approx(theirs.statistic**2, rel=1e-9)
    assert ours.p == pytest.approx(theirs.pvalue, rel=1e-9)
