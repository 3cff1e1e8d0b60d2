"""Rewards findings (DESIGN §4): days participants needed for their actions, by study group
(e.g. reward / no reward), overall for the rewardable action types and per action type.

Groups are the participants' study groups, not whether a reward was given: a reward follows a
done action, so grouping by reward would put every action still open in the no-reward group.
Days are counted from agreed to done. Medians and quartiles describe the done actions (the
quartiles as R's quantile() default, type 7); actions not done are counted separately and
enter the Kaplan–Meier curve and the log-rank test as censored at the end of follow-up (the
study's end date, or today while it runs), so slow groups are not flattered by dropping them.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from typing import Any

from desktop.models.services.actions import ActionRow, ActionTypeInfo
from reports.statistics import adjust_rows, mann_whitney_u, percent
from reports.survival import Observation, kaplan_meier, log_rank, median_time

MIN_PER_GROUP = 3


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def _describe(rows: Sequence[ActionRow], until: dt.date) -> dict[str, Any]:
    days = sorted((row.done_on - row.agreed_on).days for row in rows if row.done_on)
    quartiles = (statistics.quantiles(days, n=4, method="inclusive") if len(days) > 1
                 else days * 3)
    steps = kaplan_meier(_observations(rows, until))
    return {
        "n": len(rows),
        "done": len(days),
        "percent_done": percent(len(days), len(rows)),
        "not_done": len(rows) - len(days),
        "rewarded": sum(1 for row in rows if row.rewarded),
        "median_days": _round(float(statistics.median(days))) if days else None,
        "q1": _round(quartiles[0]) if days else None,
        "q3": _round(quartiles[2]) if days else None,
        "median_time_to_done": median_time(steps),
        "curve": [{"days": s.days, "at_risk": s.at_risk, "done": s.events,
                   "censored": s.censored, "percent_done": round(100 * (1 - s.survival), 1)}
                  for s in steps],
    }


def _observations(rows: Sequence[ActionRow], until: dt.date) -> list[Observation]:
    return [((row.done_on - row.agreed_on).days, True) if row.done_on
            else (max(0, (until - row.agreed_on).days), False) for row in rows]


def _compare(rows: Sequence[ActionRow], groups: list[str], until: dt.date,
             curves: bool) -> dict[str, Any]:
    described = []
    for group in groups:
        summary = _describe([row for row in rows if row.group == group], until)
        if not curves:
            del summary["curve"]
        described.append({"group": group, **summary})
    result: dict[str, Any] = {"groups": described, "u": None, "z": None, "p": None, "r": None,
                              "log_rank_chi2": None, "log_rank_p": None,
                              "test_note": "needs_two_groups"}
    if len(groups) != 2:
        return result
    first, second = ([row for row in rows if row.group == group] for group in groups)
    test = mann_whitney_u([(r.done_on - r.agreed_on).days for r in first if r.done_on],
                          [(r.done_on - r.agreed_on).days for r in second if r.done_on],
                          MIN_PER_GROUP)
    rank = log_rank(_observations(first, until), _observations(second, until), MIN_PER_GROUP)
    result.update({"u": test.statistic, "z": _round(test.z), "p": test.p, "r": _round(test.r),
                   "log_rank_chi2": _round(rank.chi2), "log_rank_p": rank.p,
                   "test_note": test.reason or rank.reason})
    return result


def reward_findings(types: Sequence[ActionTypeInfo], rows: Sequence[ActionRow],
                    until: dt.date, alpha: float = 0.05,
                    language: str | None = None) -> dict[str, Any]:
    """Overall (rewardable action types) and per action type, per study group."""
    groups = sorted({row.group for row in rows if row.group})
    rewardable = {kind.key for kind in types if kind.rewardable}
    overall = _compare([row for row in rows if row.action_type in rewardable], groups, until,
                       curves=True)
    overall["significant"] = overall["p"] is not None and overall["p"] < alpha
    per_type = []
    for kind in types:
        of_type = [row for row in rows if row.action_type == kind.key]
        if of_type:
            per_type.append({"action_type": kind.key, "label": kind.text(language),
                             "rewardable": kind.rewardable,
                             **_compare(of_type, groups, until, curves=False)})
    adjust_rows(per_type, alpha)
    return {
        "groups": groups,
        "follow_up_until": until.isoformat(),
        "n_actions": len(rows),
        "without_group": sum(1 for row in rows if not row.group),
        "alpha": alpha,
        "min_per_group": MIN_PER_GROUP,
        "tests": "mann_whitney_u_normal_approx_tie_corrected_no_continuity; log_rank",
        "adjustment": "holm_over_action_types",
        "overall": overall,
        "action_types": per_type,
    }


def follow_up_end(period_end: dt.date | None, today: dt.date | None = None) -> dt.date:
    """Where open actions are censored: the study's end date, or today while it runs."""
    today = today or dt.date.today()
    return min(period_end, today) if period_end else today
