"""Statistical tests computed the way SPSS reports them, so users can check us against SPSS.

The Wilcoxon signed-rank test is a short formula computed here in plain Python rather than
through scipy.stats: importing scipy.stats (0.6 s) or even numpy with scipy.special (0.14 s)
costs a large part of the one-second budget of `brugmeter findings`. The tests check every
result against scipy.stats.wilcoxon and against R's wilcox.test.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

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
    direction: int = 0  # +1 / −1: the larger rank sum lies with after > before / after < before


def change_direction(test: TestResult, higher_is_better: bool = True) -> str:
    """Which way a paired change went by the signed ranks the test weighed, in words the
    findings use: "improved", "declined", or "none" (no test, or rank sums exactly equal)."""
    if test.p is None or test.direction == 0:
        return "none"
    return "improved" if (test.direction > 0) == higher_is_better else "declined"


def wilcoxon_signed_rank(before: Sequence[float], after: Sequence[float],
                         min_pairs: int = MIN_PAIRS) -> TestResult:
    """Wilcoxon signed-rank as SPSS: zeros dropped, average ranks for ties, normal
    approximation with tie-corrected variance, no continuity correction, two-sided p,
    r = |Z| / √n with n all pairs (zeros included). Statistic is W+ (R's V).
    Differences are rounded to 9 decimals before ranking (float noise must not split ties)."""
    n = len(before)
    if n != len(after):
        raise ValueError("before and after must have the same length")
    differences = [b - a for a, b in zip(before, after, strict=True)]
    if not all(type(d) is int for d in differences):
        # Rounded, so that scale means such as 5/12 − 3/12 and 4/12 − 2/12 tie as they should.
        differences = [round(d, 9) for d in differences]
    return wilcoxon_from_differences(Counter(differences), n, min_pairs)


def wilcoxon_from_differences(differences: Counter, n: int,
                              min_pairs: int = MIN_PAIRS) -> TestResult:
    """The same test from the counts of each difference (after − before) among n pairs: a
    five-level scale has at most nine differences, however many thousands of pairs."""
    if n < min_pairs:
        return TestResult(n, None, None, None, None, "too_few_pairs")
    nonzero = {d: count for d, count in differences.items() if d and count}
    m = sum(nonzero.values())
    if m == 0:
        return TestResult(n, 0.0, 0.0, 1.0, 0.0)
    ties: Counter = Counter()
    for d, count in nonzero.items():
        ties[abs(d)] += count
    rank_of: dict[float, float] = {}
    below = 0
    for magnitude in sorted(ties):
        count = ties[magnitude]
        rank_of[magnitude] = below + (count + 1) / 2.0  # average rank of the tied group
        below += count
    w_plus = sum(rank_of[d] * count for d, count in nonzero.items() if d > 0)
    mean = m * (m + 1) / 4.0
    variance = m * (m + 1) * (2 * m + 1) / 24.0 - sum(t**3 - t for t in ties.values()) / 48.0
    if variance <= 0:
        return TestResult(n, w_plus, 0.0, 1.0, 0.0)
    z = -abs(w_plus - mean) / math.sqrt(variance)  # SPSS's sign: on the smaller rank sum
    p = min(1.0, math.erfc(abs(z) / math.sqrt(2.0)))  # two-sided normal tail
    direction = (w_plus > mean) - (w_plus < mean)
    return TestResult(n, float(w_plus), z, p, abs(z) / math.sqrt(n), direction=direction)


def _average_ranks(values: Sequence[float]) -> tuple[list[float], Counter]:
    """Ranks 1..N with ties given their average rank, and the size of each tied group."""
    ties = Counter(values)
    rank_of: dict[float, float] = {}
    below = 0
    for value in sorted(ties):
        rank_of[value] = below + (ties[value] + 1) / 2.0
        below += ties[value]
    return [rank_of[value] for value in values], ties


def mann_whitney_u(first: Sequence[float], second: Sequence[float],
                   min_per_group: int = 3) -> TestResult:
    """Mann–Whitney U as SPSS prints it: the smaller of U and n1·n2 − U, Z ≤ 0, average ranks
    for ties, normal approximation with tie-corrected variance, no continuity correction,
    two-sided p; r = |Z| / √N. (R's W and scipy's statistic are the first group's U.)"""
    n1, n2 = len(first), len(second)
    n = n1 + n2
    if n1 < min_per_group or n2 < min_per_group:
        return TestResult(n, None, None, None, None, "too_few_per_group")
    ranks, ties = _average_ranks([*first, *second])
    u = sum(ranks[:n1]) - n1 * (n1 + 1) / 2.0
    variance = n1 * n2 / 12.0 * ((n + 1) - sum(t**3 - t for t in ties.values()) / (n * (n - 1)))
    u = min(u, n1 * n2 - u)
    if variance <= 0:  # every value the same
        return TestResult(n, u, 0.0, 1.0, 0.0)
    z = (u - n1 * n2 / 2.0) / math.sqrt(variance)
    p = min(1.0, math.erfc(abs(z) / math.sqrt(2.0)))
    return TestResult(n, u, z, p, abs(z) / math.sqrt(n))


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


def adjust_rows(rows: Sequence[dict[str, Any]], alpha: float) -> None:
    """Add `p_holm` (Holm over the rows' `p`) and `significant` (p_holm < alpha) to each row."""
    for row, adjusted in zip(rows, holm([row["p"] for row in rows]), strict=True):
        row["p_holm"] = adjusted
        row["significant"] = adjusted is not None and adjusted < alpha


def percent(part: int, whole: int) -> float | None:
    """A share in % to one decimal; None when there is nothing to share."""
    return round(100.0 * part / whole, 1) if whole else None


def fisher_exact(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p of Fisher's exact test on the table [[a, b], [c, d]]: the summed
    probability of every table with the same margins that is no more likely than this one
    (as R's fisher.test and scipy.stats.fisher_exact)."""
    row, column, n = a + b, a + c, a + b + c + d
    low, high = max(0, column - (n - row)), min(row, column)
    total = math.comb(n, column)

    def probability(x: int) -> float:
        return math.comb(row, x) * math.comb(n - row, column - x) / total

    observed = probability(a)
    p = sum(q for x in range(low, high + 1)
            if (q := probability(x)) <= observed * (1 + 1e-7))
    return min(1.0, p)
