"""Instrument definitions as data: read and check the JSON files in resources/instruments/."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

from desktop.i18n import LANGUAGES, pick
from desktop.models.errors import BrugmeterError, InstrumentDefinitionError
from desktop.paths import INSTRUMENTS

FORMAT = "brugmeter-instrument/1"
KINDS = ("questionnaire", "bridge")
# A value of a scale as a JSON key: plain digits ("²" passes str.isdigit() but not int()).
_VALUE_KEY = re.compile(r"-?[0-9]{1,6}")


@dataclass(frozen=True)
class Labelled:
    """Something stored by key and shown by its text in the user's language."""

    key: str
    label: dict[str, str]

    def text(self, language: str | None = None) -> str:
        return pick(self.label, language)


class MissingReason(Labelled):
    """Why an answer is missing ("not answered", "not applicable")."""


@dataclass(frozen=True)
class Item:
    """One item of an instrument; for the Bridge, one pillar with a text per level."""

    key: str
    label: dict[str, str]
    levels: dict[int, dict[str, str]]

    def text(self, language: str | None = None) -> str:
        return pick(self.label, language)

    def level_text(self, level: int, language: str | None = None) -> str:
        return pick(self.levels[level], language)


@dataclass(frozen=True)
class Scale:
    """A subscale or total score: which items, scored as their mean or their sum."""

    key: str
    label: dict[str, str]
    items: tuple[str, ...]
    scoring: str  # "mean" or "sum" (a sum with missing items is prorated: mean × items)
    max_missing_fraction: float

    def text(self, language: str | None = None) -> str:
        return pick(self.label, language)

    @property
    def max_missing(self) -> int:
        """How many items may be missing for the score still to be computed."""
        return math.floor(self.max_missing_fraction * len(self.items) + 1e-9)


@dataclass(frozen=True)
class Cutoff:
    """A scale score at or above `at_least` counts as "high"."""

    scale: str
    at_least: float


@dataclass(frozen=True)
class Norm:
    """The norm group's figures the study compares its "high" share with."""

    n: int
    percent_high: float
    label: dict[str, str]

    def text(self, language: str | None = None) -> str:
        return pick(self.label, language)


@dataclass(frozen=True)
class InstrumentDefinition:
    key: str
    kind: str
    version: int
    name: dict[str, str]
    minimum: int
    maximum: int
    items: tuple[Item, ...]
    missing_reasons: tuple[MissingReason, ...]
    source_json: str
    value_labels: dict[int, dict[str, str]] = field(default_factory=dict)
    best: str = "max"  # which end of the scale is the better one, after reverse scoring
    reverse_items: frozenset[str] = frozenset()
    scales: tuple[Scale, ...] = ()
    cutoff: Cutoff | None = None
    norm: Norm | None = None
    notes: str = ""

    def title(self, language: str | None = None) -> str:
        return pick(self.name, language)

    def item(self, key: str) -> Item:
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    @property
    def item_keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)

    @property
    def missing_reason_keys(self) -> tuple[str, ...]:
        return tuple(reason.key for reason in self.missing_reasons)

    def levels(self) -> range:
        return range(self.minimum, self.maximum + 1)

    def value_label(self, value: int, language: str | None = None) -> str:
        """The label printed for an answer on the paper form, or '' where the scale has none."""
        texts = self.value_labels.get(value)
        return pick(texts, language) if texts else ""

    def scored(self, item: str, value: int) -> int:
        """The value as scored: reverse-scored items are mirrored on the scale."""
        if item in self.reverse_items:
            return self.minimum + self.maximum - value
        return value

    def scale(self, key: str) -> Scale:
        for scale in self.scales:
            if scale.key == key:
                return scale
        raise KeyError(key)

    def score_range(self, scale: Scale) -> tuple[float, float]:
        if scale.scoring == "sum":
            return self.minimum * len(scale.items), self.maximum * len(scale.items)
        return float(self.minimum), float(self.maximum)

    @property
    def higher_is_better(self) -> bool:
        return self.best == "max"


def _fail(source: str, field: str, problem: str) -> InstrumentDefinitionError:
    return InstrumentDefinitionError(
        "error.instrument_definition", file=source, field=field, problem=problem
    )


DefinitionFault = Callable[[str, str, str], BrugmeterError]


def translations(value: object, source: str, field: str,
                 fail: DefinitionFault = _fail) -> dict[str, str]:
    """A {"nl": ..., "en": ...} text with both languages filled in; `fail` words the error for
    the kind of file being read."""
    if not isinstance(value, dict):
        raise fail(source, field, "expected an object with nl and en texts")
    for language in LANGUAGES:
        text = value.get(language)
        if not isinstance(text, str) or not text.strip():
            raise fail(source, f"{field}.{language}", "missing translation")
    return {str(k): str(v) for k, v in value.items()}


def definition_object(text: str, source: str, file_format: str, example_key: str,
                      fail: DefinitionFault = _fail) -> tuple[dict, str]:
    """The JSON object of a definition file and its key, after the checks every definition
    format shares: valid JSON, an object, the expected `format`, an identifier as `key`."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise fail(source, f"line {error.lineno}", f"not valid JSON: {error.msg}") from None
    except RecursionError:  # Python's parser gives up on lists nested thousands deep
        raise fail(source, "(top)", "not valid JSON: nested too deeply") from None
    if not isinstance(data, dict):
        raise fail(source, "(top)", "expected a JSON object")
    if data.get("format") != file_format:
        raise fail(source, "format", f"expected {file_format!r}")
    key = data.get("key")
    if not isinstance(key, str) or not key.isidentifier():
        raise fail(source, "key", f"expected a short identifier such as {example_key!r}")
    return data, key


def parse_definition(text: str, source: str = "<definition>") -> InstrumentDefinition:
    """Check a definition and build it; each problem names the file, the field and what is wrong."""
    data, key = definition_object(text, source, FORMAT, "bridge")
    version = data.get("version")
    if not isinstance(version, int) or version < 1:
        raise _fail(source, "version", "expected a positive whole number")
    scale = data.get("scale")
    if not isinstance(scale, dict):
        raise _fail(source, "scale", "expected an object with min and max")
    low, high = scale.get("min"), scale.get("max")
    if not (isinstance(low, int) and isinstance(high, int) and low < high):
        raise _fail(source, "scale", "min and max must be whole numbers with min < max")
    if low < 0:
        raise _fail(source, "scale.min", "negative values cannot be typed ('-' marks a missing "
                    "answer): number the scale from 0 or 1")
    if high - low >= 1000:
        raise _fail(source, "scale", "a scale of 1000 values or more is not an answer scale")
    kind = data.get("kind", "questionnaire")
    if kind not in KINDS:
        raise _fail(source, "kind", f"expected one of {', '.join(KINDS)}")
    raw_reasons = data.get("missing_reasons", [])
    if not isinstance(raw_reasons, list):
        raise _fail(source, "missing_reasons", "expected a list")
    reasons = []
    for index, raw in enumerate(raw_reasons):
        field = f"missing_reasons[{index}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("key"), str) \
                or not raw["key"].isidentifier():
            raise _fail(source, field, "expected an object with a key (a short identifier "
                        "such as 'not_answered', never a number) and a label")
        reasons.append(MissingReason(raw["key"], translations(raw.get("label"), source, field)))
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise _fail(source, "items", "expected a non-empty list")
    items: list[Item] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_items):
        field = f"items[{index}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("key"), str):
            raise _fail(source, field, "expected an object with a key")
        if raw["key"] in seen:
            raise _fail(source, f"{field}.key", f"duplicate item key {raw['key']!r}")
        seen.add(raw["key"])
        levels: dict[int, dict[str, str]] = {}
        raw_levels = raw.get("levels", {})
        if not isinstance(raw_levels, dict):
            raise _fail(source, f"{field}.levels", "expected an object of level texts")
        for level_key, level_texts in raw_levels.items():
            if not _VALUE_KEY.fullmatch(level_key) or not low <= int(level_key) <= high:
                raise _fail(source, f"{field}.levels.{level_key}", "level outside the scale")
            levels[int(level_key)] = translations(level_texts, source,
                                                  f"{field}.levels.{level_key}")
        expected = set(range(low, high + 1))
        if (levels or data.get("kind") == "bridge") and set(levels) != expected:
            missing = sorted(expected - set(levels))
            raise _fail(source, f"{field}.levels", f"missing level text for {missing}")
        label = translations(raw.get("label"), source, f"{field}.label")
        items.append(Item(raw["key"], label, levels))
    keys = tuple(item.key for item in items)
    best = scale.get("best", "max")
    if best not in ("max", "min"):
        raise _fail(source, "scale.best", "expected 'max' or 'min'")
    reverse = data.get("reverse_items", [])
    if not isinstance(reverse, list):
        raise _fail(source, "reverse_items", "expected a list of item keys")
    for index, item_key in enumerate(reverse):
        if item_key not in keys:
            raise _fail(source, f"reverse_items[{index}]",
                        f"reverse item {item_key!r} is not an item of the scale")
    definition = InstrumentDefinition(
        key=key,
        kind=kind,
        version=version,
        name=translations(data.get("name"), source, "name"),
        minimum=low,
        maximum=high,
        items=tuple(items),
        missing_reasons=tuple(reasons),
        source_json=text,
        value_labels=value_labels(scale.get("labels", {}), low, high, source),
        best=best,
        reverse_items=frozenset(reverse),
        scales=_scales(data, keys, source),
        notes=str(data.get("notes", "")),
    )
    cutoff = _cutoff(data.get("cutoff"), definition, source)
    norm = _norm(data.get("norm"), source)
    if norm is not None and cutoff is None:
        raise _fail(source, "norm", "a norm group's % high needs a cutoff")
    return replace(definition, cutoff=cutoff, norm=norm)


def value_labels(raw: object, low: int, high: int, source: str, field: str = "scale.labels",
                 fail: DefinitionFault = _fail) -> dict[int, dict[str, str]]:
    """The label of each answer on a scale, by value."""
    if not isinstance(raw, dict):
        raise fail(source, field, "expected an object of value labels")
    labels = {}
    for value, texts in raw.items():
        number = int(value) if _VALUE_KEY.fullmatch(str(value)) else None
        if number is None or not low <= number <= high:
            raise fail(source, f"{field}.{value}", "value outside the scale")
        labels[number] = translations(texts, source, f"{field}.{value}", fail)
    return labels


def _scales(data: dict, keys: tuple[str, ...], source: str) -> tuple[Scale, ...]:
    rule = data.get("missing_rule", {"max_missing_fraction": 0.0})
    default_fraction = _fraction(rule.get("max_missing_fraction") if isinstance(rule, dict)
                                 else None, source, "missing_rule.max_missing_fraction")
    raw_scales = data.get("scales", [])
    if not isinstance(raw_scales, list):
        raise _fail(source, "scales", "expected a list")
    scales: list[Scale] = []
    for index, raw in enumerate(raw_scales):
        field_name = f"scales[{index}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("key"), str):
            raise _fail(source, field_name, "expected an object with a key")
        if raw["key"] in {s.key for s in scales}:
            raise _fail(source, f"{field_name}.key", f"duplicate scale key {raw['key']!r}")
        items = raw.get("items")
        if items == "all":
            items = list(keys)
        if not isinstance(items, list) or not items:
            raise _fail(source, f"{field_name}.items", "expected a non-empty list of item keys")
        for item_key in items:
            if item_key not in keys:
                raise _fail(source, f"{field_name}.items", f"{item_key!r} is not an item")
        if len(set(items)) != len(items):
            raise _fail(source, f"{field_name}.items", "an item is listed twice")
        scoring = raw.get("scoring", "mean")
        if scoring not in ("mean", "sum"):
            raise _fail(source, f"{field_name}.scoring", "expected 'mean' or 'sum'")
        fraction = (_fraction(raw["max_missing_fraction"], source,
                              f"{field_name}.max_missing_fraction")
                    if "max_missing_fraction" in raw else default_fraction)
        label = translations(raw.get("label"), source, f"{field_name}.label")
        scales.append(Scale(raw["key"], label, tuple(items), scoring, fraction))
    return tuple(scales)


def _fraction(value: object, source: str, field_name: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value < 1:
        raise _fail(source, field_name, "expected a fraction from 0 up to (not including) 1")
    return float(value)


def _cutoff(raw: object, definition: InstrumentDefinition, source: str) -> Cutoff | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise _fail(source, "cutoff", "expected an object with scale and at_least")
    try:
        scale = definition.scale(str(raw.get("scale")))
    except KeyError:
        raise _fail(source, "cutoff.scale", f"{raw.get('scale')!r} is not a scale") from None
    at_least = raw.get("at_least")
    if not isinstance(at_least, int | float) or isinstance(at_least, bool) \
            or not -1e9 < at_least < 1e9:  # also NaN, and ints no float can hold
        raise _fail(source, "cutoff.at_least", "expected a number")
    if not cutoff_fits(definition, scale, float(at_least)):
        low, high = definition.score_range(scale)
        raise _fail(source, "cutoff.at_least",
                    f"cutoff {at_least:g} outside the scale score range {low:g}–{high:g}")
    return Cutoff(scale.key, float(at_least))


def cutoff_fits(definition: InstrumentDefinition, scale: Scale, at_least: float) -> bool:
    """A cut-off some scores can reach and some cannot: inside the scale score's range."""
    low, high = definition.score_range(scale)
    return low < at_least <= high


def _norm(raw: object, source: str) -> Norm | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise _fail(source, "norm", "expected an object with n and percent_high")
    n, percent = raw.get("n"), raw.get("percent_high")
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise _fail(source, "norm.n", "expected a positive whole number")
    if not isinstance(percent, int | float) or isinstance(percent, bool) \
            or not 0 <= percent <= 100:
        raise _fail(source, "norm.percent_high", "expected a percentage from 0 to 100")
    return Norm(n, float(percent), translations(raw.get("label"), source, "norm.label"))


def load_definition(path: Path) -> InstrumentDefinition:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise _fail(str(path), "(file)", str(error)) from None
    return parse_definition(text, str(path))


@cache
def builtin_definitions() -> dict[str, InstrumentDefinition]:
    """The instruments shipped in resources/instruments/, by key."""
    definitions = [load_definition(path) for path in sorted(INSTRUMENTS.glob("*.json"))]
    return {definition.key: definition for definition in definitions}


def bridge_definition() -> InstrumentDefinition:
    return builtin_definitions()["bridge"]
