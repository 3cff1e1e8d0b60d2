"""The professionals' survey findings (DESIGN §4): what works according to professionals (the
ranking), their experiences of the implementation (Likert) and fidelity to the method's steps.

Ranking: with P places (5 for a top five, every element for a full ranking), rank r earns
P − r + 1 Borda points and an unranked element 0, so partial rankings count for what they say.
The top five orders the elements by Borda points; equal points share a place (competition
ranking: 1, 1, 3), so a tie at fifth place shows every tied element rather than picking one.
Mean rank is over the respondents who ranked the element (its `times_ranked`), as in a survey
report; Borda points and "% in their top five" are over every respondent who ranked anything.
"""

from __future__ import annotations

import statistics
from collections import Counter
from typing import Any

from desktop.models.services.surveys import SurveyData, SurveyRow
from desktop.models.surveys import APPLIED, TOP_FIVE, SurveyDefinition
from reports.statistics import percent


def professional_findings(data: SurveyData, language: str | None = None) -> dict[str, Any]:
    """Every professionals' finding as plain data (JSON-ready)."""
    definition = data.definition
    rows = data.responses
    return {
        "survey": definition.key,
        "title": definition.title(language),
        "respondents": len(rows),
        "complete": sum(1 for row in rows if row.complete),
        "partial": sum(1 for row in rows if not row.complete),
        "ranking": ranking_findings(definition, rows, language),
        "likert": likert_findings(definition, rows, language),
        "fidelity": fidelity_findings(definition, rows, language),
    }


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def ranking_findings(definition: SurveyDefinition, rows: list[SurveyRow],
                     language: str | None = None) -> dict[str, Any]:
    places = definition.places
    top_cut = min(TOP_FIVE, places)
    rankings = [row.answers for row in rows
                if any(key in row.answers for key in definition.element_keys)]
    n = len(rankings)
    elements = []
    for element in definition.elements:
        ranks = [answers[element.key] for answers in rankings if element.key in answers]
        borda = sum(places - rank + 1 for rank in ranks)
        in_top = sum(1 for rank in ranks if rank <= top_cut)
        elements.append({
            "element": element.key,
            "label": element.text(language),
            "n": n,
            "times_ranked": len(ranks),
            "mean_rank": _round(statistics.fmean(ranks)) if ranks else None,
            "median_rank": _round(statistics.median(ranks)) if ranks else None,
            "borda": borda,
            "borda_mean": _round(borda / n) if n else None,
            "top_five": in_top,
            "top_five_percent": percent(in_top, n),
            "rank_counts": {str(rank): ranks.count(rank) for rank in range(1, places + 1)},
        })
    points = Counter(element["borda"] for element in elements)
    for element in elements:
        element["position"] = 1 + sum(1 for other in elements if other["borda"] > element["borda"])
        element["tied"] = points[element["borda"]] > 1
    top_five = sorted((e for e in elements if e["position"] <= TOP_FIVE and e["borda"] > 0),
                      key=lambda e: e["position"])  # stable: ties keep the paper's order
    return {
        "mode": definition.ranking_mode,
        "places": places,
        "n": n,
        "scoring": "borda_places_minus_rank_plus_one_unranked_zero",
        "elements": elements,
        "top_five": [{key: e[key] for key in ("position", "tied", "element", "label", "borda",
                                              "top_five_percent", "mean_rank", "times_ranked")}
                     for e in top_five],
    }


def likert_findings(definition: SurveyDefinition, rows: list[SurveyRow],
                    language: str | None = None) -> list[dict[str, Any]]:
    """Per statement: % agree / neutral / disagree among those who answered it, with n."""
    scale = range(definition.likert_min, definition.likert_max + 1)
    found = []
    for item in definition.likert_items:
        values = [row.answers[item.key] for row in rows if item.key in row.answers]
        groups = Counter(definition.likert_group(value) for value in values)
        n = len(values)
        found.append({
            "item": item.key,
            "label": item.text(language),
            "n": n,
            "agree": percent(groups["agree"], n),
            "neutral": percent(groups["neutral"], n),
            "disagree": percent(groups["disagree"], n),
            "counts": {group: groups[group] for group in ("agree", "neutral", "disagree")},
            "distribution": {str(value): values.count(value) for value in scale},
            "median": _round(statistics.median(values)) if values else None,
        })
    return found


def fidelity_findings(definition: SurveyDefinition, rows: list[SurveyRow],
                      language: str | None = None) -> dict[str, Any]:
    """Per step the % of professionals who applied it; overall, the % of all step answers that
    say "applied", and the mean of each professional's own share."""
    steps = []
    for step in definition.fidelity_steps:
        values = [row.answers[step.key] for row in rows if step.key in row.answers]
        applied = sum(1 for value in values if value == APPLIED)
        steps.append({"step": step.key, "label": step.text(language), "n": len(values),
                      "applied": applied, "percent": percent(applied, len(values))})
    shares = []
    for row in rows:
        given = [row.answers[key] for key in definition.step_keys if key in row.answers]
        if given:
            shares.append(100.0 * sum(1 for value in given if value == APPLIED) / len(given))
    answered = sum(step["n"] for step in steps)
    return {
        "steps": steps,
        "n_professionals": len(shares),
        "n_answers": answered,
        "overall_percent": percent(sum(step["applied"] for step in steps), answered),
        "mean_per_professional": round(statistics.fmean(shares), 1) if shares else None,
    }
