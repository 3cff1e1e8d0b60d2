"""Numbers, dates and lists written the way each language writes them in running text: the
factsheet says "N=1.115" and "0,52" in Dutch, "N=1,115" and "0.52" in English."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence

from desktop.i18n import tr

_MONTHS = {
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}


def text(key: str, language: str, **params: object) -> str:
    """A factsheet text from the catalogue (resources/i18n/*/factsheet.json)."""
    return tr(f"factsheet.{key}", language=language, **params)


def whole(value: float) -> int:
    """Half away from zero, as readers round (Python's round() would give 12 for 12.5)."""
    return int(math.floor(abs(value) + 0.5)) * (1 if value >= 0 else -1)


def number(value: int, language: str) -> str:
    grouped = f"{value:,}"
    return grouped.replace(",", ".") if language == "nl" else grouped


def decimal(value: float | None, language: str, digits: int = 2) -> str:
    if value is None:
        return "–"
    written = f"{value:.{digits}f}"
    return written.replace(".", ",") if language == "nl" else written


def percent(value: float | None) -> str:
    """A percentage in whole numbers, as the factsheet prints every share."""
    return "–" if value is None else f"{whole(value)}%"


def p_value(p: float | None, language: str) -> str:
    if p is None:
        return "–"
    if p < 0.001:
        return "p < " + decimal(0.001, language, 3)
    return "p = " + decimal(p, language, 3)


def n_range(values: Sequence[int]) -> str:
    """"45" or "42–49": the n of a figure that shows several groups."""
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low}–{high}"


def month_year(day: dt.date | None, language: str) -> str:
    return "" if day is None else f"{_MONTHS[language][day.month - 1]} {day.year}"


def long_date(day: dt.date, language: str) -> str:
    return f"{day.day} {_MONTHS[language][day.month - 1]} {day.year}"


def listing(items: Sequence[str], language: str) -> str:
    """"a, b en c" / "a, b and c"."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + text("and", language) + items[-1]


def fill(template: str, values: dict[str, str]) -> str:
    """Placeholders such as {municipality} filled in; any other brace is left as typed, so a
    researcher's text never fails on a stray bracket."""
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)
