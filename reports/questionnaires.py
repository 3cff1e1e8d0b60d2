"""Questionnaire findings (DESIGN §4): scale and item scores at intake and at the last later
measurement, paired tests, the item that improved most, and "high" beside the norm group.

Pairing is the Bridge's: each participant's intake (moment position 0) beside the last later
moment that has a value, per scale and per item. Items are compared as scored (reverse items
mirrored), and "improvement" is signed so that positive is always better, whichever end of the
scale is the good one. Arrays (numpy) throughout: 20,000 participants take well under a second.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from desktop.models.scoring import reaches, score_matrix, scored_matrix
from desktop.models.services.instrument_library import LinkedInstrument
from reports.statistics import (
    MIN_PAIRS,
    adjust_rows,
    change_direction,
    percent,
    wilcoxon_signed_rank,
)

PAIRING = "intake_vs_last_later_value"


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(float(value), digits)


def _describe(values: np.ndarray) -> dict[str, Any]:
    n = len(values)
    if not n:
        return {"n": 0, "mean": None, "sd": None, "median": None}
    return {"n": n, "mean": _round(values.mean()),
            "sd": _round(values.std(ddof=1)) if n > 1 else None,
            "median": _round(np.median(values))}


def _plain(values: np.ndarray) -> list[float] | list[int]:
    """Whole numbers as ints: the test then ranks exact differences without rounding them."""
    if np.array_equal(values, np.round(values)):
        return values.astype(np.int64).tolist()
    return values.tolist()


class Moments:
    """Which rows (responses, sorted by participant and moment) are intakes and later ones."""

    def __init__(self, participants: np.ndarray, positions: np.ndarray) -> None:
        self.participants = participants
        self.intake = positions == 0
        self.later = positions > 0

    def intake_and_last(self, column: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                           np.ndarray, np.ndarray]:
        """(participants, values) at intake and at each one's last later moment with a value."""
        known = ~np.isnan(column)
        first = np.flatnonzero(self.intake & known)
        later = np.flatnonzero(self.later & known)
        owners = self.participants[later]
        last = later[np.r_[owners[1:] != owners[:-1], True]] if len(later) else later
        return (self.participants[first], column[first], self.participants[last], column[last])

    def change(self, column: np.ndarray, higher_is_better: bool,
               min_pairs: int) -> tuple[dict[str, Any], tuple[np.ndarray, ...]]:
        """The paired comparison, and the values (intake, last, paired intake, paired last)."""
        who_first, first, who_last, last = self.intake_and_last(column)
        _, at_first, at_last = np.intersect1d(who_first, who_last, assume_unique=True,
                                              return_indices=True)
        before, after = first[at_first], last[at_last]
        test = wilcoxon_signed_rank(_plain(before), _plain(after), min_pairs=min_pairs)
        gain = (after - before) if higher_is_better else (before - after)
        n = len(before)
        row = {
            "n": n,
            "at_intake": _describe(first),  # everyone measured at intake
            "intake": _describe(before),
            "last": _describe(after),
            "improvement": _round(gain.mean()) if n else None,
            "improved": percent(int(np.count_nonzero(gain > 1e-9)), n),
            "declined": percent(int(np.count_nonzero(gain < -1e-9)), n),
            "w": test.statistic, "z": _round(test.z, 4), "p": test.p, "r": _round(test.r, 3),
            "test_note": test.reason,
            "direction": change_direction(test, higher_is_better),
        }
        return row, (first, last, before, after)


def _share_high(values: np.ndarray, at_least: float) -> dict[str, Any]:
    count = int(np.count_nonzero(reaches(values, at_least)))
    return {"n": len(values), "high": count, "percent": percent(count, len(values))}


def _high(linked: LinkedInstrument, by_scale: dict[str, tuple[np.ndarray, ...]],
          language: str | None) -> dict[str, Any] | None:
    """% high among everyone measured at intake and everyone's last later score, and among
    the pairs alone (the same people at both moments, so drop-out does not move the figure)."""
    cutoff, norm = linked.cutoff, linked.norm
    if cutoff is None:
        return None
    first, last, before, after = by_scale[cutoff.scale]
    return {
        "scale": cutoff.scale,
        "cutoff": cutoff.at_least,
        "cutoff_is_default": linked.cutoff_is_default,
        "intake": _share_high(first, cutoff.at_least),
        "last": _share_high(last, cutoff.at_least),
        "pairs": {"intake": _share_high(before, cutoff.at_least),
                  "last": _share_high(after, cutoff.at_least)},
        "norm": None if norm is None else {
            "n": norm.n, "percent_high": norm.percent_high,
            "label": norm.text(language) if norm.label else "",
            "is_default": linked.norm_is_default},
    }


def questionnaire_change(linked: LinkedInstrument, rows: list[tuple],
                         moment_keys: dict[int, str], alpha: float = 0.05,
                         language: str | None = None,
                         min_pairs: int = MIN_PAIRS) -> dict[str, Any]:
    """One questionnaire's findings from progress.questionnaire_rows (participant, position,
    raw value per item, any order); `moment_keys` maps moment positions to keys for the
    response counts."""
    definition = linked.definition
    better = definition.higher_is_better
    table = np.array(rows, dtype=float).reshape(len(rows), 2 + len(definition.items))
    table = table[np.lexsort((table[:, 1], table[:, 0]))]  # by participant, then moment
    values = table[:, 2:]
    moments = Moments(table[:, 0].astype(np.int64), table[:, 1].astype(np.int64))
    scores = score_matrix(definition, values)
    scales, at_moments = [], {}
    for scale in definition.scales:
        row, at_moments[scale.key] = moments.change(scores[scale.key][0], better, min_pairs)
        scales.append({"scale": scale.key, "label": scale.text(language),
                       "scoring": scale.scoring, "items": list(scale.items),
                       "max_missing": scale.max_missing, **row})
    scored = scored_matrix(definition, values)
    items = []
    for index, item in enumerate(definition.items):
        row, _ = moments.change(scored[:, index], better, min_pairs)
        items.append({"item": item.key, "number": index + 1, "label": item.text(language),
                      "reverse": item.key in definition.reverse_items, **row})
    adjust_rows(scales, alpha)
    adjust_rows(items, alpha)
    tested = [row for row in items if row["improvement"] is not None and row["p"] is not None]
    largest = max(tested, key=lambda row: row["improvement"], default=None)
    at_intake = [row for row in items if row["at_intake"]["mean"] is not None]
    worst = (min if better else max)(at_intake, key=lambda row: row["at_intake"]["mean"],
                                     default=None)
    positions, counts = np.unique(table[:, 1].astype(np.int64), return_counts=True)
    return {
        "instrument": definition.key,
        "title": definition.title(language),
        "version": definition.version,
        "scale": {"min": definition.minimum, "max": definition.maximum, "best": definition.best},
        "pairing": PAIRING,
        "test": "wilcoxon_signed_rank_normal_approx_no_continuity",
        "adjustment": "holm_within_scales_and_within_items",
        "alpha": alpha,
        "min_pairs": min_pairs,
        "responses": {moment_keys.get(int(position), str(position)): int(count)
                      for position, count in zip(positions, counts, strict=True)},
        "scales": scales,
        "items": items,
        "largest_improvement": None if largest is None or largest["improvement"] <= 0 else {
            key: largest[key] for key in ("item", "number", "label", "n", "improvement",
                                          "p_holm", "significant")},
        "worst_at_intake": None if worst is None else {
            "item": worst["item"], "number": worst["number"], "label": worst["label"],
            "n": worst["at_intake"]["n"], "mean": worst["at_intake"]["mean"]},
        "high": _high(linked, at_moments, language),
    }
