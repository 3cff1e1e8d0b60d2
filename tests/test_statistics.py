"""The tests against R's wilcox.test(after, before, paired=TRUE, exact=FALSE, correct=FALSE).

The reference values below were computed with R 4.2 (Debian 12's r-base-core); SPSS reports the
same p for the Wilcoxon signed-rank test (normal approximation, tie-corrected, no continuity
correction).
"""

from __future__ import annotations

import math

import pytest

from reports.statistics import holm, wilcoxon_signed_rank

R_CASES = [
    # before, after, R's V (= W+), R's p
    ([1, 2, 3, 2, 1, 4, 3, 2, 5, 1, 2, 3], [2, 2, 4, 3, 1, 5, 3, 4, 5, 3, 2, 4],
     28, 0.0138744058830255),
    ([0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29],
     [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30], 40, 0.0381517101734152),
    ([1, 1, 2, 2, 2, 3, 3, 4, 1, 2, 3, 2, 1, 5, 4, 2],
     [2, 1, 3, 2, 4, 3, 4, 4, 2, 3, 3, 1, 2, 5, 5, 3], 50, 0.0125549185969665),
    ([3, 2, 4, 1, 2, 3, 3], [2, 2, 3, 1, 3, 1, 2], 2.5, 0.157299207050285),
]


@pytest.mark.parametrize(("before", "after", "v", "p"), R_CASES)
def test_wilcoxon_matches_r_without_continuity_correction(before, after, v, p):
    result = wilcoxon_signed_rank(before, after)
    assert result.statistic == pytest.approx(v)
    assert result.p == pytest.approx(p, rel=1e-9)
    assert result.z < 0
    assert result.r == pytest.approx(abs(result.z) / math.sqrt(len(before)))


def test_effect_size_uses_all_pairs_including_ties():
    before = [1, 1, 1, 1, 1, 1, 2, 2, 2, 2]
    after = [2, 3, 2, 2, 3, 1, 2, 2, 2, 2]  # four zero differences
    result = wilcoxon_signed_rank(before, after)
    assert result.n == 10
    assert result.r == pytest.approx(abs(result.z) / math.sqrt(10))


def test_too_few_pairs_runs_no_test():
    result = wilcoxon_signed_rank([1, 2, 3, 1, 2], [2, 3, 4, 2, 3])
    assert (result.p, result.z, result.r, result.reason) == (None, None, None, "too_few_pairs")


def test_no_change_at_all_gives_p_one():
    result = wilcoxon_signed_rank([2] * 8, [2] * 8)
    assert (result.p, result.z, result.r) == (1.0, 0.0, 0.0)


def test_holm_matches_r_p_adjust():
    # p.adjust(c(0.01, 0.04, 0.03, 0.5, 0.002), "holm") in R
    assert holm([0.01, 0.04, 0.03, 0.5, 0.002]) == pytest.approx([0.04, 0.09, 0.09, 0.5, 0.01])


def test_holm_skips_tests_not_run_and_caps_at_one():
    assert holm([None, 0.4, 0.6]) == [None, pytest.approx(0.8), pytest.approx(0.8)]
    assert holm([0.9, 0.9, 0.9]) == [1.0, 1.0, 1.0]  # R: p.adjust(c(.9, .9, .9), "holm")


@pytest.mark.parametrize("seed", range(25))
def test_wilcoxon_matches_scipy_stats_on_random_ordinal_data(seed):
    """Bridge-like data: many ties and zeros, n from 6 to 400."""
    import numpy as np
    from scipy import stats

    rng = np.random.default_rng(seed)
    n = int(rng.integers(6, 400))
    before = rng.integers(1, 6, n)
    after = np.clip(before + rng.integers(-1, 3, n), 1, 5)
    if not np.any(after != before):
        after[0] = 5 if before[0] != 5 else 4
    ours = wilcoxon_signed_rank(before.tolist(), after.tolist())
    theirs = stats.wilcoxon(after - before, zero_method="wilcox", correction=False,
                            method="approx")
    assert ours.p == pytest.approx(theirs.pvalue, rel=1e-9, abs=1e-300)
    assert abs(ours.z) == pytest.approx(abs(theirs.zstatistic), rel=1e-9)
