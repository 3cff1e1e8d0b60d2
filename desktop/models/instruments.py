"""Instrument definitions as data: read and check the JSON files in resources/instruments/."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from desktop.i18n import LANGUAGES, pick
from desktop.models.errors import InstrumentDefinitionError
from desktop.paths import INSTRUMENTS

FORMAT = "brugmeter-instrument/1"


@dataclass(frozen=True)
class MissingReason:
    key: str
    label: dict[str, str]

    def text(self, language: str | None = None) -> str:
        return pick(self.label, language)


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


def _fail(source: str, field: str, problem: str) -> InstrumentDefinitionError:
    return InstrumentDefinitionError(
        "error.instrument_definition", file=source, field=field, problem=problem
    )


def _texts(value: object, source: str, field: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _fail(source, field, "expected an object with nl and en texts")
    for language in LANGUAGES:
        text = value.get(language)
        if not isinstance(text, str) or not text.strip():
            raise _fail(source, f"{field}.{language}", "missing translation")
    return {str(k): str(v) for k, v in value.items()}


def parse_definition(text: str, source: str = "<definition>") -> InstrumentDefinition:
    """Check a definition and build it; each problem names the file, the field and what is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise _fail(source, f"line {error.lineno}", f"not valid JSON: {error.msg}") from None
    if not isinstance(data, dict):
        raise _fail(source, "(top)", "expected a JSON object")
    if data.get("format") != FORMAT:
        raise _fail(source, "format", f"expected {FORMAT!r}")
    key = data.get("key")
    if not isinstance(key, str) or not key.isidentifier():
        raise _fail(source, "key", "expected a short identifier such as 'bridge'")
    version = data.get("version")
    if not isinstance(version, int) or version < 1:
        raise _fail(source, "version", "expected a positive whole number")
    scale = data.get("scale")
    if not isinstance(scale, dict):
        raise _fail(source, "scale", "expected an object with min and max")
    low, high = scale.get("min"), scale.get("max")
    if not (isinstance(low, int) and isinstance(high, int) and low < high):
        raise _fail(source, "scale", "min and max must be whole numbers with min < max")
    reasons = []
    for index, raw in enumerate(data.get("missing_reasons", [])):
        field = f"missing_reasons[{index}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("key"), str):
            raise _fail(source, field, "expected an object with a key and a label")
        reasons.append(MissingReason(raw["key"], _texts(raw.get("label"), source, field)))
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
            if not level_key.isdigit() or not low <= int(level_key) <= high:
                raise _fail(source, f"{field}.levels.{level_key}", "level outside the scale")
            levels[int(level_key)] = _texts(level_texts, source, f"{field}.levels.{level_key}")
        expected = set(range(low, high + 1))
        if (levels or data.get("kind") == "bridge") and set(levels) != expected:
            missing = sorted(expected - set(levels))
            raise _fail(source, f"{field}.levels", f"missing level text for {missing}")
        items.append(Item(raw["key"], _texts(raw.get("label"), source, f"{field}.label"), levels))
    return InstrumentDefinition(
        key=key,
        kind=str(data.get("kind", "questionnaire")),
        version=version,
        name=_texts(data.get("name"), source, "name"),
        minimum=low,
        maximum=high,
        items=tuple(items),
        missing_reasons=tuple(reasons),
        source_json=text,
    )


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
