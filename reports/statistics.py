"""Statistical tests computed the way SPSS reports them, so users can check us against SPSS.

scipy.stats is imported inside the functions: it costs most of a second to load, and the app
must start without it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

MIN_PAIRS = 6


@dataclass(frozen=True)
class TestResult:
    """A two-sided test; p, z and r are None when n was too small to run it."""

    n: int
    statistic: float | None
    z: float | None
    p: float | None
    r: float | None
    reason: str = ""  # why the test was not run


def wilcoxon_signed_rank(before: Sequence[float], after: Sequence[float],
                         min_pairs: int = MIN_PAIRS) -> TestResult:
    """Wilcoxon signed-rank as SPSS: zeros dropped, average ranks for ties, normal
    approximation with tie-corrected variance, no continuity correction, two-sided p,
    r = |Z| / √n with n all pairs (zeros included). Statistic is W+ (R's V)."""
    n = len(before)
    if n != len(after):
        raise ValueError("before and after must have the same length")
    if n < min_pairs:
        return TestResult(n, None, None, None, None, "too_few_pairs")
    differences = [b - a for a, b in zip(before, after, strict=True)]
    nonzero = [d for d in differences if d != 0]
    if not nonzero:
        return TestResult(n, 0.0, 0.0, 1.0, 0.0)
    from scipy import stats

    ranks = stats.rankdata([abs(d) for d in nonzero])
    w_plus = float(sum(rank for rank, d in zip(ranks, nonzero, strict=True) if d > 0))
    result = stats.wilcoxon(nonzero, zero_method="wilcox", correction=False, method="approx",
                            alternative="two-sided")
    z = -abs(float(result.zstatistic))  # SPSS reports Z on the smaller rank sum: never positive
    return TestResult(n, w_plus, z, float(result.pvalue), abs(z) / math.sqrt(n))


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm–Bonferroni adjusted p-values, over the tests that were run (None stays None)."""
    indexed = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    m = len(indexed)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (p, index) in enumerate(indexed):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[index] = running
    return adjusted
