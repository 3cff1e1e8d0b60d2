"""The findings of DESIGN §4 as plain data: response, participant flow, Bridge change per pillar.

One function per finding; `study_findings` gathers them for the CLI (`--json`), the app and the
reports, so every output shows the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from desktop.models.schema import PARTICIPATING_STATUSES
from desktop.models.services.progress import ScoreTable, bridge_scores
from desktop.models.services.studies import StudyInfo, get_study
from reports.statistics import MIN_PAIRS, holm, wilcoxon_signed_rank

PAIRING = "intake_vs_last_later_level"
NO_REASON = "no_reason"


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def response_figures(statuses: dict[str, int]) -> dict[str, Any]:
    """Approached, took part (consented or later withdrawn) and the percentage."""
    approached = sum(statuses.values())
    participated = sum(statuses.get(s, 0) for s in PARTICIPATING_STATUSES)
    return {"approached": approached, "participated": participated,
            "percent": _percent(participated, approached), "statuses": dict(statuses)}


def participant_flow(table: ScoreTable, inclusion: dict[int, dt.date | None],
                     today: dt.date | None = None) -> list[dict[str, Any]]:
    """Per moment: measured, and why the others are missing (withdrawn, not yet due, no form)."""
    today = today or dt.date.today()
    participating = [pid for pid, status in table.participants.items()
                     if status in PARTICIPATING_STATUSES]
    measured_at: dict[int, set[int]] = defaultdict(set)
    for pid, moment_id, *_ in table.values:
        measured_at[moment_id].add(pid)
    flow = []
    for moment_id, key, name, _position in table.moments:
        months = _months(table, moment_id)
        reasons: Counter[str] = Counter()
        for pid in participating:
            if pid in measured_at[moment_id]:
                continue
            included = inclusion.get(pid)
            if table.participants[pid] == "withdrawn":
                reasons["withdrawn"] += 1
            elif included and _add_months(included, months) > today:
                reasons["not_yet_due"] += 1
            else:
                reasons["no_assessment"] += 1
        flow.append({"moment": key, "name": name, "participating": len(participating),
                     "measured": len(measured_at[moment_id]),
                     "missing": sum(reasons.values()), "missing_reasons": dict(reasons)})
    return flow


def _months(table: ScoreTable, moment_id: int) -> int:
    return table.moment_months.get(moment_id, 0)


def _add_months(day: dt.date, months: int) -> dt.date:
    return day + dt.timedelta(days=round(months * 30.44))


def bridge_change(table: ScoreTable, alpha: float = 0.05, language: str | None = None,
                  min_pairs: int = MIN_PAIRS) -> dict[str, Any]:
    """Per pillar: intake level paired with the last later level (DESIGN §4)."""
    definition = table.definition
    position = {moment_id: pos for moment_id, _key, _name, pos in table.moments}
    key_of = {moment_id: key for moment_id, key, _name, _pos in table.moments}
    # levels[item][participant] = list of (position, level)
    levels: dict[str, dict[int, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    missing: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for pid, moment_id, item, value, reason in table.values:
        if value is None:
            missing[item][key_of[moment_id]][reason or NO_REASON] += 1
        else:
            levels[item][pid].append((position[moment_id], value))
    scale = list(definition.levels())
    pillars = []
    for item in definition.items:
        pairs = []
        for series in levels[item.key].values():
            series.sort()
            first_position, first_level = series[0]
            if first_position == 0 and len(series) > 1:
                pairs.append((first_level, series[-1][1]))
        before = [b for b, _ in pairs]
        after = [a for _, a in pairs]
        n = len(pairs)
        counts = Counter("improved" if a > b else "declined" if a < b else "stable"
                         for b, a in pairs)
        test = wilcoxon_signed_rank(before, after, min_pairs=min_pairs)
        transitions = [[0] * len(scale) for _ in scale]
        for b, a in pairs:
            transitions[b - scale[0]][a - scale[0]] += 1
        pillars.append({
            "pillar": item.key,
            "label": item.text(language),
            "n": n,
            "improved": _percent(counts["improved"], n),
            "stable": _percent(counts["stable"], n),
            "declined": _percent(counts["declined"], n),
            "counts": {k: counts[k] for k in ("improved", "stable", "declined")},
            "distribution": {
                "intake": {str(level): before.count(level) for level in scale},
                "last": {str(level): after.count(level) for level in scale},
            },
            "transitions": transitions,
            "w": test.statistic,
            "z": test.z,
            "p": test.p,
            "r": test.r,
            "test_note": test.reason,
            "missing": {moment: dict(reasons) for moment, reasons in missing[item.key].items()},
        })
    for pillar, adjusted in zip(pillars, holm([p["p"] for p in pillars]), strict=True):
        pillar["p_holm"] = adjusted
        pillar["significant"] = adjusted is not None and adjusted < alpha
    return {"instrument": definition.key, "levels": scale, "pairing": PAIRING, "alpha": alpha,
            "min_pairs": min_pairs, "test": "wilcoxon_signed_rank_normal_approx_no_continuity",
            "adjustment": "holm", "pillars": pillars}


def study_findings(study_id: int, alpha: float = 0.05, language: str | None = None,
                   today: dt.date | None = None) -> dict[str, Any]:
    """Every finding of the study in one plain dictionary (JSON-ready)."""
    study = get_study(study_id)
    table = bridge_scores(study_id)
    statuses = Counter(table.participants.values())
    return {
        "study": _study_header(study),
        "response": response_figures(dict(statuses)),
        "flow": participant_flow(table, table.inclusion, today),
        "bridge": bridge_change(table, alpha, language),
    }


def _study_header(study: StudyInfo) -> dict[str, Any]:
    return {
        "name": study.name, "organisation": study.organisation,
        "municipality": study.municipality, "language": study.language,
        "period_start": study.period_start.isoformat() if study.period_start else None,
        "period_end": study.period_end.isoformat() if study.period_end else None,
        "sites": [site.name for site in study.sites],
        "moments": [{"key": m.key, "name": m.name, "months": m.months} for m in study.moments],
    }
