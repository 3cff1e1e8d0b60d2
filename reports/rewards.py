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
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, NamedTuple

from desktop.models.services.actions import ActionRow, ActionTypeInfo
from reports.statistics import adjust_rows, mann_whitney_u, percent
from reports.survival import kaplan_meier, log_rank, median_time

MIN_PER_GROUP = 3


class Timed(NamedTuple):
    """An action as the tests see it: days to done, or days open until follow-up ended."""

    group: str
    participant: int
    action_type: str
    days: int
    done: bool
    rewarded: bool


def timed(rows: Sequence[ActionRow], until: dt.date) -> list[Timed]:
    """Actions agreed by the end of follow-up, timed up to it: one done later counts as still
    open then (censored), like one never done. Group names match whatever their case."""
    spelling: dict[str, str] = {}
    actions = []
    for group, participant, kind, _, agreed, done, rewarded in rows:
        if agreed > until:
            continue
        name = group.strip()
        name = spelling.setdefault(name.casefold(), name) if name else ""
        in_time = done is not None and done <= until
        days = (done if in_time else until).toordinal() - agreed.toordinal()
        actions.append(Timed(name, participant, kind, days, in_time, rewarded and in_time))
    return actions


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def _describe(actions: Sequence[Timed], curve: bool) -> dict[str, Any]:
    days = sorted(action.days for action in actions if action.done)
    quartiles = (statistics.quantiles(days, n=4, method="inclusive") if len(days) > 1
                 else days * 3)
    steps = kaplan_meier([(action.days, action.done) for action in actions])
    summary: dict[str, Any] = {
        "n": len(actions),
        "done": len(days),
        "percent_done": percent(len(days), len(actions)),
        "not_done": len(actions) - len(days),
        "rewarded": sum(1 for action in actions if action.rewarded),
        "participants": len({action.participant for action in actions}),
        "median_days": _round(float(statistics.median(days))) if days else None,
        "q1": _round(quartiles[0]) if days else None,
        "q3": _round(quartiles[2]) if days else None,
        "median_time_to_done": median_time(steps),
    }
    if curve:
        summary["curve"] = [{"days": s.days, "at_risk": s.at_risk, "done": s.events,
                             "censored": s.censored,
                             "percent_done": round(100 * (1 - s.survival), 1)} for s in steps]
    return summary


def _compare(by_group: dict[str, list[Timed]], groups: list[str],
             curves: bool) -> dict[str, Any]:
    described = [{"group": group, **_describe(by_group.get(group, []), curves)}
                 for group in groups]
    result: dict[str, Any] = {"groups": described, "u": None, "z": None, "p": None, "r": None,
                              "log_rank_chi2": None, "log_rank_p": None,
                              "test_note": "needs_two_groups"}
    if len(groups) != 2:
        return result
    first, second = (by_group.get(group, []) for group in groups)
    test = mann_whitney_u([a.days for a in first if a.done], [a.days for a in second if a.done],
                          MIN_PER_GROUP)
    rank = log_rank([(a.days, a.done) for a in first], [(a.days, a.done) for a in second],
                    MIN_PER_GROUP)
    result.update({"u": test.statistic, "z": _round(test.z), "p": test.p, "r": _round(test.r),
                   "log_rank_chi2": _round(rank.chi2), "log_rank_p": rank.p,
                   "test_note": test.reason or rank.reason})
    return result


def reward_findings(types: Sequence[ActionTypeInfo], rows: Sequence[ActionRow],
                    until: dt.date, alpha: float = 0.05,
                    language: str | None = None) -> dict[str, Any]:
    """Overall (rewardable action types) and per action type, per study group."""
    actions = timed(rows, until)
    groups = sorted({action.group for action in actions if action.group}, key=str.casefold)
    rewardable = {kind.key for kind in types if kind.rewardable}
    overall_groups: dict[str, list[Timed]] = defaultdict(list)
    per_type_groups: dict[str, dict[str, list[Timed]]] = defaultdict(lambda: defaultdict(list))
    for action in actions:
        per_type_groups[action.action_type][action.group].append(action)
        if action.action_type in rewardable:
            overall_groups[action.group].append(action)
    overall = _compare(overall_groups, groups, curves=True)
    overall["significant"] = overall["p"] is not None and overall["p"] < alpha
    per_type = [{"action_type": kind.key, "label": kind.text(language),
                 "rewardable": kind.rewardable,
                 **_compare(per_type_groups[kind.key], groups, curves=False)}
                for kind in types if kind.key in per_type_groups]
    # Holm within each family: the rewardable types (the question of the study) and the
    # others (controls), for each test; the others' p-values do not dilute the question's.
    for family in (True, False):
        rows_of_family = [row for row in per_type if row["rewardable"] is family]
        adjust_rows(rows_of_family, alpha)
        log_rank_rows = [{"p": row["log_rank_p"]} for row in rows_of_family]
        adjust_rows(log_rank_rows, alpha)
        for row, adjusted in zip(rows_of_family, log_rank_rows, strict=True):
            row["log_rank_p_holm"] = adjusted["p_holm"]
            row["log_rank_significant"] = adjusted["significant"]
    return {
        "groups": groups,
        "follow_up_until": until.isoformat(),
        "n_actions": len(actions),
        "after_follow_up": len(rows) - len(actions),
        "without_group": sum(1 for action in actions if not action.group),
        "alpha": alpha,
        "min_per_group": MIN_PER_GROUP,
        "tests": "mann_whitney_u_normal_approx_tie_corrected_no_continuity; log_rank",
        "adjustment": "holm_within_rewardable_and_within_other_action_types",
        "unit": "action (a participant's actions are treated as independent)",
        "overall": overall,
        "action_types": per_type,
    }


def follow_up_end(period_end: dt.date | None, today: dt.date | None = None) -> dt.date:
    """Where open actions are censored: the study's end date, or today while it runs."""
    today = today or dt.date.today()
    return min(period_end, today) if period_end else today
