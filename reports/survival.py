"""Time to an event with censoring: Kaplan–Meier curves and the log-rank test.

Used for days until an action is done, where actions still open at the end of follow-up are
censored rather than dropped (dropping them would make every group look faster than it is).
Plain Python, like statistics.py: scipy.stats costs more to import than these take to run.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

Observation = tuple[int, bool]  # (days, event happened); False = censored at that day


@dataclass(frozen=True)
class CurveStep:
    """The curve just after `days`: share still without the event, and the counts there."""

    days: int
    at_risk: int
    events: int
    censored: int
    survival: float


def kaplan_meier(observations: Sequence[Observation]) -> list[CurveStep]:
    """The product-limit estimate, one step per distinct day with an event or a censoring
    (censored at a day count as at risk for that day's events, as is usual)."""
    events = Counter(days for days, happened in observations if happened)
    censored = Counter(days for days, happened in observations if not happened)
    at_risk = len(observations)
    survival = 1.0
    steps = []
    for days in sorted(set(events) | set(censored)):
        if events[days]:
            survival *= 1.0 - events[days] / at_risk
        steps.append(CurveStep(days, at_risk, events[days], censored[days], survival))
        at_risk -= events[days] + censored[days]
    return steps


def median_time(steps: Sequence[CurveStep]) -> int | None:
    """The first day the curve is at or below one half; None if it never gets there."""
    return next((step.days for step in steps if step.survival <= 0.5 + 1e-12), None)


@dataclass(frozen=True)
class LogRankResult:
    n: int
    chi2: float | None
    p: float | None
    observed: tuple[int, int]
    expected: tuple[float, float]
    reason: str = ""


def log_rank(first: Sequence[Observation], second: Sequence[Observation],
             min_per_group: int = 3) -> LogRankResult:
    """The two-group log-rank (Mantel–Cox) test: chi-square with 1 df, two-sided p."""
    n = len(first) + len(second)
    observed = (sum(1 for _, e in first if e), sum(1 for _, e in second if e))
    if len(first) < min_per_group or len(second) < min_per_group:
        return LogRankResult(n, None, None, observed, (0.0, 0.0), "too_few_per_group")
    groups = [(Counter(d for d, e in group if e), Counter(d for d, _ in group))
              for group in (first, second)]
    at_risk = [len(first), len(second)]
    expected_first = variance = 0.0
    for day in sorted(set(groups[0][1]) | set(groups[1][1])):  # every day someone leaves
        deaths = groups[0][0][day] + groups[1][0][day]
        total = at_risk[0] + at_risk[1]
        if deaths:
            expected_first += deaths * at_risk[0] / total
            if total > 1:
                variance += (at_risk[0] * at_risk[1] * deaths * (total - deaths)
                             / (total**2 * (total - 1)))
        at_risk[0] -= groups[0][1][day]
        at_risk[1] -= groups[1][1][day]
    expected = (expected_first, sum(observed) - expected_first)
    if variance <= 0:
        return LogRankResult(n, 0.0, 1.0, observed, expected)
    chi2 = (observed[0] - expected_first) ** 2 / variance
    return LogRankResult(n, chi2, math.erfc(math.sqrt(chi2 / 2.0)), observed, expected)
