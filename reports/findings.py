"""The findings of DESIGN §4 as plain data: response, participant flow, Bridge change per pillar
(and per site), questionnaires, the professionals' survey, rewards (days per action by group),
the coded interviews.

One function per finding; `study_findings` gathers them for the CLI (`--json`), the app and the
reports, so every output shows the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from desktop.models.errors import ValidationError
from desktop.models.instruments import InstrumentDefinition
from desktop.models.schema import PARTICIPATING_STATUSES, RECRUITMENT_STATUSES
from desktop.models.services.actions import action_rows
from desktop.models.services.codebook import codebook
from desktop.models.services.codings import coding_rows, quotes
from desktop.models.services.instrument_library import study_questionnaires
from desktop.models.services.interviews import interview_rows
from desktop.models.services.progress import (
    BridgeData,
    Pairs,
    bridge_data,
    participant_changes,
    questionnaire_rows,
)
from desktop.models.services.studies import SiteInfo, StudyInfo, get_study
from desktop.models.services.surveys import survey_data
from reports.interviews import interview_findings
from reports.professionals import professional_findings
from reports.questionnaires import questionnaire_change
from reports.rewards import follow_up_end, reward_findings
from reports.statistics import (
    MIN_PAIRS,
    adjust_rows,
    change_direction,
    percent,
    wilcoxon_from_differences,
)

PAIRING = "intake_vs_last_later_level"
NO_REASON = "no_reason"


def response_figures(statuses: dict[str, int]) -> dict[str, Any]:
    """Approached, took part (consented or later withdrawn) and the percentage."""
    approached = sum(statuses.values())
    participated = sum(statuses.get(s, 0) for s in PARTICIPATING_STATUSES)
    return {"approached": approached, "participated": participated,
            "percent": percent(participated, approached),
            "statuses": {status: statuses[status] for status in RECRUITMENT_STATUSES
                         if status in statuses}}  # in one order, whatever the rows' order


def participant_flow(data: BridgeData, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Per moment: measured, and why the others are missing (withdrawn, not yet due, no form)."""
    today = today or dt.date.today()
    participating = {pid: info for pid, info in data.participants.items()
                     if info[0] in PARTICIPATING_STATUSES}
    flow = []
    for moment_id, key, name, _position, months in data.moments:
        measured = data.measured[moment_id] & participating.keys()
        reasons: Counter[str] = Counter()
        for pid, (status, included) in participating.items():
            if pid in measured:
                continue
            if status == "withdrawn":
                reasons["withdrawn"] += 1
            elif included and _add_months(included, months) > today:
                reasons["not_yet_due"] += 1
            else:
                reasons["no_assessment"] += 1
        flow.append({"moment": key, "name": name, "participating": len(participating),
                     "measured": len(measured), "missing": sum(reasons.values()),
                     "missing_reasons": dict(reasons)})
    return flow


def _add_months(day: dt.date, months: int) -> dt.date:
    return day + dt.timedelta(days=round(months * 30.44))


def bridge_change(data: BridgeData, alpha: float = 0.05, language: str | None = None,
                  min_pairs: int = MIN_PAIRS) -> dict[str, Any]:
    """Per pillar: intake level paired with the last later level (DESIGN §4)."""
    missing: dict[str, dict[str, dict[str, int]]] = defaultdict(dict)
    for item, moment_key, reason, count in data.missing:
        missing[item].setdefault(moment_key, {})[reason or NO_REASON] = count
    return {"instrument": data.definition.key, "levels": list(data.definition.levels()),
            "pairing": PAIRING, "alpha": alpha, "min_pairs": min_pairs,
            "test": "wilcoxon_signed_rank_normal_approx_no_continuity", "adjustment": "holm",
            "pillars": pillar_change(data.definition, data.pairs, missing, alpha, language,
                                     min_pairs)}


def pillar_change(definition: InstrumentDefinition, pairs: Pairs,
                  missing: dict[str, dict[str, dict[str, int]]], alpha: float,
                  language: str | None, min_pairs: int) -> list[dict[str, Any]]:
    """The rows of `bridge_change` from (pillar, intake, last, count) pairs; Holm over them.
    Everything is counted from the at most levels² distinct pairs, never pair by pair."""
    by_pillar: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for item, before, after, count in pairs:
        by_pillar[item].append((before, after, count))
    scale = list(definition.levels())
    pillars = []
    for item in definition.items:
        counts: Counter[str] = Counter()
        differences: Counter[int] = Counter()
        intake: Counter[int] = Counter()
        last: Counter[int] = Counter()
        transitions = [[0] * len(scale) for _ in scale]
        for before, after, count in by_pillar[item.key]:
            counts["improved" if after > before else "declined" if after < before
                   else "stable"] += count
            differences[after - before] += count
            intake[before] += count
            last[after] += count
            transitions[before - scale[0]][after - scale[0]] += count
        n = sum(intake.values())
        test = wilcoxon_from_differences(differences, n, min_pairs)
        pillars.append({
            "pillar": item.key,
            "label": item.text(language),
            "n": n,
            "improved": percent(counts["improved"], n),
            "stable": percent(counts["stable"], n),
            "declined": percent(counts["declined"], n),
            "counts": {k: counts[k] for k in ("improved", "stable", "declined")},
            "distribution": {
                "intake": {str(level): intake[level] for level in scale},
                "last": {str(level): last[level] for level in scale},
            },
            "transitions": transitions,
            "w": test.statistic,
            "z": test.z,
            "p": test.p,
            "r": test.r,
            "test_note": test.reason,
            "direction": change_direction(test),
            "missing": missing.get(item.key, {}),
        })
    adjust_rows(pillars, alpha)
    return pillars


def site_comparison(data: BridgeData, sites: list[SiteInfo], alpha: float = 0.05,
                    language: str | None = None, min_pairs: int = MIN_PAIRS
                    ) -> list[dict[str, Any]]:
    """Per site the Bridge change per pillar, tested within the site (Holm over its pillars);
    a pillar with fewer than `min_pairs` pairs at a site is shown without a test. Empty for a
    study with one site or none: there is nothing to compare."""
    if len(sites) < 2:
        return []
    named = [(site.id, site.name) for site in sites]
    if data.site_pairs.get(None):
        named.append((None, ""))  # participants without a site
    return [{"site": name, "site_id": site_id,
             "pillars": [{key: row[key] for key in ("pillar", "label", "n", "improved", "stable",
                                                     "declined", "counts", "p", "p_holm",
                                                     "significant", "test_note", "direction")}
                         for row in pillar_change(data.definition,
                                                  data.site_pairs.get(site_id, []), {}, alpha,
                                                  language, min_pairs)]}
            for site_id, name in named]


def study_findings(study_id: int, alpha: float = 0.05, language: str | None = None,
                   today: dt.date | None = None, site_id: int | None = None) -> dict[str, Any]:
    """Every finding of the study (or of one of its sites) in one plain dictionary
    (JSON-ready); for the whole study also the pillars compared across its sites."""
    study = get_study(study_id)
    site = _site(study, site_id)
    data = bridge_data(study_id, site_id)
    statuses = Counter(status for status, _ in data.participants.values())
    return {
        "study": _study_header(study),
        "site": site,
        "response": response_figures(dict(statuses)),
        "flow": participant_flow(data, today),
        "bridge": bridge_change(data, alpha, language),
        "sites": [] if site else site_comparison(data, study.sites, alpha, language),
        "questionnaires": questionnaire_findings(study, alpha, language, site_id),
        "professionals": professional_findings(survey_data(study_id, site_id), language),
        "rewards": reward_findings(*action_rows(study_id, site_id),
                                   follow_up_end(study.period_end, today), alpha, language),
        "interviews": _interviews(study_id, site_id, data, alpha, language),
    }


def _interviews(study_id: int, site_id: int | None, data: BridgeData, alpha: float,
                language: str | None) -> dict[str, Any]:
    return interview_findings(
        codebook(study_id), interview_rows(study_id, site_id), coding_rows(study_id, site_id),
        lambda spans: quotes(study_id, spans), participant_changes(study_id),
        [(item.key, item.text(language)) for item in data.definition.items], alpha)


def _site(study: StudyInfo, site_id: int | None) -> dict[str, Any] | None:
    if site_id is None:
        return None
    for site in study.sites:
        if site.id == site_id:
            return {"id": site.id, "name": site.name}
    raise ValidationError("site", "error.site_unknown")


def questionnaire_findings(study: StudyInfo, alpha: float = 0.05, language: str | None = None,
                           site_id: int | None = None) -> list[dict[str, Any]]:
    """Every questionnaire of the study, in the order the study added them."""
    moment_keys = {moment.position: moment.key for moment in study.moments}
    return [questionnaire_change(
        linked, questionnaire_rows(study.id, linked.id, linked.definition.item_keys, site_id),
        moment_keys, alpha, language) for linked in study_questionnaires(study.id)]


def _study_header(study: StudyInfo) -> dict[str, Any]:
    return {
        "name": study.name, "organisation": study.organisation,
        "municipality": study.municipality, "language": study.language,
        "period_start": study.period_start.isoformat() if study.period_start else None,
        "period_end": study.period_end.isoformat() if study.period_end else None,
        "sites": [site.name for site in study.sites],
        "moments": [{"key": m.key, "name": m.name, "months": m.months} for m in study.moments],
    }
