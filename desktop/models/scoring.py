"""Scale scores of questionnaire responses: reverse scoring, mean or sum, the missing-data rule
and "high" against the cut-off. Pure functions over raw answers; nothing here is stored.

One implementation for one response (the entry form) and for a whole study (the findings): a
matrix of responses × items, so that 40,000 responses score in milliseconds. numpy is imported
when the first score is asked for, not at start-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop.models.instruments import Cutoff, InstrumentDefinition

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class ScaleScore:
    """A scale's score, or None when more items are missing than its rule allows."""

    scale: str
    value: float | None
    answered: int
    items: int
    high: bool | None = None  # None: no cut-off on this scale, or no score


def scored_matrix(definition: InstrumentDefinition, values: np.ndarray) -> np.ndarray:
    """Raw answers (responses × items in the definition's order, nan where missing) with the
    reverse-scored items mirrored on the scale."""
    scored = values.astype(float, copy=True)
    mirror = definition.minimum + definition.maximum
    for index, item in enumerate(definition.item_keys):
        if item in definition.reverse_items:
            scored[:, index] = mirror - scored[:, index]
    return scored


def score_matrix(definition: InstrumentDefinition,
                 values: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per scale (scores, items answered) for every response; a score is nan when more items
    are missing than the scale's rule allows. A sum with missing items is prorated (mean ×
    number of items), so a score with an allowed gap stays on the range of a complete one."""
    import numpy as np

    scored = scored_matrix(definition, values)
    column = {item: index for index, item in enumerate(definition.item_keys)}
    scores = {}
    for scale in definition.scales:
        part = scored[:, [column[item] for item in scale.items]]
        answered = np.count_nonzero(~np.isnan(part), axis=1)
        usable = (answered > 0) & (len(scale.items) - answered <= scale.max_missing)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.nansum(part, axis=1) / answered
        score = mean * len(scale.items) if scale.scoring == "sum" else mean
        scores[scale.key] = (np.where(usable, score, np.nan), answered)
    return scores


def reaches(scores: float | np.ndarray, at_least: float) -> bool | np.ndarray:
    """Scores (one, or an array) at or above the cut-off: a mean of exactly the cut-off counts
    as high, whatever float rounding did to it."""
    return scores >= at_least - 1e-9


def is_high(value: float | None, cutoff: Cutoff | None) -> bool | None:
    if value is None or cutoff is None:
        return None
    return reaches(value, cutoff.at_least)


def score_response(definition: InstrumentDefinition, answers: Mapping[str, int | None],
                   cutoff: Cutoff | None = None) -> dict[str, ScaleScore]:
    """Every scale's score for one response; `cutoff` is the study's (default: the file's)."""
    import numpy as np

    cutoff = cutoff if cutoff is not None else definition.cutoff
    row = [answers.get(item) for item in definition.item_keys]
    values = np.array([[np.nan if value is None else value for value in row]], dtype=float)
    matrix = score_matrix(definition, values)
    result = {}
    for scale in definition.scales:
        scores, answered = matrix[scale.key]
        value = None if np.isnan(scores[0]) else float(scores[0])
        applies = cutoff is not None and cutoff.scale == scale.key
        result[scale.key] = ScaleScore(scale.key, value, int(answered[0]), len(scale.items),
                                       is_high(value, cutoff) if applies else None)
    return result
