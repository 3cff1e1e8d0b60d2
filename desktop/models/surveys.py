"""The professionals' survey as data: elements to rank, implementation statements (Likert) and
the method's steps (fidelity), read from resources/surveys/*.json or from a study's own copy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from desktop.i18n import pick
from desktop.models.errors import SurveyDefinitionError
from desktop.models.instruments import (
    Labelled,
    definition_object,
    translations,
    value_labels,
)
from desktop.paths import SURVEYS

FORMAT = "brugmeter-survey/1"
RANKING_MODES = ("top", "full")
MAX_ELEMENTS = 50  # more cannot be ranked reliably on paper; ranks stay two digits
TOP_FIVE = 5
APPLIED, NOT_APPLIED = 1, 0


class SurveyItem(Labelled):
    """An element to rank, a Likert statement or a fidelity step."""


@dataclass(frozen=True)
class SurveyDefinition:
    key: str
    name: dict[str, str]
    ranking_question: dict[str, str]
    ranking_mode: str  # "top": the respondent ranks the best `top`; "full": every element
    top: int
    elements: tuple[SurveyItem, ...]
    likert_min: int
    likert_max: int
    agree_from: int
    disagree_to: int
    likert_labels: dict[int, dict[str, str]]
    likert_items: tuple[SurveyItem, ...]
    fidelity_question: dict[str, str]
    fidelity_steps: tuple[SurveyItem, ...]
    notes: str = ""

    def title(self, language: str | None = None) -> str:
        return pick(self.name, language)

    @property
    def places(self) -> int:
        """How many ranks a complete response gives: the top N, or every element."""
        if self.ranking_mode == "full":
            return len(self.elements)
        return min(self.top, len(self.elements))

    @property
    def element_keys(self) -> tuple[str, ...]:
        return tuple(element.key for element in self.elements)

    @property
    def likert_keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.likert_items)

    @property
    def step_keys(self) -> tuple[str, ...]:
        return tuple(step.key for step in self.fidelity_steps)

    def element(self, key: str) -> SurveyItem:
        return _find(self.elements, key)

    def likert_label(self, value: int, language: str | None = None) -> str:
        texts = self.likert_labels.get(value)
        return pick(texts, language) if texts else ""

    def likert_group(self, value: int) -> str:
        """Where an answer counts in the findings: agree, neutral or disagree."""
        if value >= self.agree_from:
            return "agree"
        if value <= self.disagree_to:
            return "disagree"
        return "neutral"

    def to_json(self) -> str:
        """The definition as a file in the survey format, for a study's own copy or an export."""
        def items(rows: tuple[SurveyItem, ...]) -> list[dict[str, object]]:
            return [{"key": row.key, "label": row.label} for row in rows]

        ranking: dict[str, object] = {"question": self.ranking_question,
                                      "mode": self.ranking_mode}
        if self.ranking_mode == "top":
            ranking["top"] = self.top
        ranking["elements"] = items(self.elements)
        data = {
            "format": FORMAT, "key": self.key, "name": self.name, "notes": self.notes,
            "ranking": ranking,
            "likert": {
                "scale": {"min": self.likert_min, "max": self.likert_max,
                          "agree_from": self.agree_from, "disagree_to": self.disagree_to,
                          "labels": {str(k): v for k, v in sorted(self.likert_labels.items())}},
                "items": items(self.likert_items),
            },
            "fidelity": {"question": self.fidelity_question,
                         "steps": items(self.fidelity_steps)},
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _find(rows: tuple[SurveyItem, ...], key: str) -> SurveyItem:
    for row in rows:
        if row.key == key:
            return row
    raise KeyError(key)


def _fail(source: str, field_name: str, problem: str) -> SurveyDefinitionError:
    return SurveyDefinitionError("error.survey_definition", file=source, field=field_name,
                                 problem=problem)


def _items(raw: object, source: str, field_name: str, seen: set[str],
           required: bool) -> tuple[SurveyItem, ...]:
    if raw is None and not required:
        return ()
    if not isinstance(raw, list) or (required and not raw):
        raise _fail(source, field_name, "expected a non-empty list" if required
                    else "expected a list")
    rows = []
    for index, entry in enumerate(raw):
        where = f"{field_name}[{index}]"
        key = entry.get("key") if isinstance(entry, dict) else None
        if not isinstance(key, str) or not key.isidentifier():
            raise _fail(source, where, "expected an object with a key (a short identifier "
                        "such as 'small_steps') and a label")
        if key in seen:  # keys are unique over the whole survey: answers are stored by key
            raise _fail(source, f"{where}.key", f"duplicate key {key!r}")
        seen.add(key)
        rows.append(SurveyItem(key, translations(entry.get("label"), source, f"{where}.label",
                                                 _fail)))
    return tuple(rows)


def _section(data: dict, name: str, source: str) -> dict:
    section = data.get(name, {})
    if not isinstance(section, dict):
        raise _fail(source, name, "expected an object")
    return section


def parse_survey(text: str, source: str = "<survey>") -> SurveyDefinition:
    """Check a survey definition and build it; each problem names the file, field and fault."""
    data, key = definition_object(text, source, FORMAT, "professionals", _fail)
    seen: set[str] = set()
    ranking = _section(data, "ranking", source)
    elements = _items(ranking.get("elements"), source, "ranking.elements", seen, True)
    if len(elements) > MAX_ELEMENTS:
        raise _fail(source, "ranking.elements", f"at most {MAX_ELEMENTS} elements to rank")
    mode = ranking.get("mode", "top")
    if mode not in RANKING_MODES:
        raise _fail(source, "ranking.mode", "expected 'top' (a top N) or 'full' (every element)")
    top = ranking.get("top", TOP_FIVE) if mode == "top" else len(elements)
    if not isinstance(top, int) or isinstance(top, bool) or not 1 <= top <= len(elements):
        raise _fail(source, "ranking.top",
                    f"expected a whole number from 1 to the number of elements ({len(elements)})")
    likert = _section(data, "likert", source)
    scale = likert.get("scale", {"min": 1, "max": 5, "agree_from": 4, "disagree_to": 2})
    if not isinstance(scale, dict):
        raise _fail(source, "likert.scale", "expected an object with min and max")
    low, high = scale.get("min"), scale.get("max")
    if not (isinstance(low, int) and isinstance(high, int) and 0 <= low < high < 100):
        raise _fail(source, "likert.scale", "min and max must be whole numbers, 0 ≤ min < max")
    agree, disagree = scale.get("agree_from", high), scale.get("disagree_to", low)
    if not (isinstance(agree, int) and isinstance(disagree, int)
            and low <= disagree < agree <= high):
        raise _fail(source, "likert.scale", "expected min ≤ disagree_to < agree_from ≤ max")
    fidelity = _section(data, "fidelity", source)
    return SurveyDefinition(
        key=key,
        name=translations(data.get("name"), source, "name", _fail),
        ranking_question=translations(ranking.get("question"), source, "ranking.question",
                                      _fail),
        ranking_mode=mode,
        top=top,
        elements=elements,
        likert_min=low,
        likert_max=high,
        agree_from=agree,
        disagree_to=disagree,
        likert_labels=value_labels(scale.get("labels", {}), low, high, source,
                                   "likert.scale.labels", _fail),
        likert_items=_items(likert.get("items"), source, "likert.items", seen, False),
        fidelity_question=translations(fidelity.get("question"), source, "fidelity.question",
                                       _fail),
        fidelity_steps=_items(fidelity.get("steps"), source, "fidelity.steps", seen, False),
        notes=str(data.get("notes", "")),
    )


def load_survey(path: Path) -> SurveyDefinition:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise _fail(str(path), "(file)", str(error)) from None
    return parse_survey(text, str(path))


@cache
def builtin_surveys() -> dict[str, SurveyDefinition]:
    """The survey templates shipped in resources/surveys/, by key."""
    surveys = [load_survey(path) for path in sorted(SURVEYS.glob("*.json"))]
    return {survey.key: survey for survey in surveys}
