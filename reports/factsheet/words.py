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


def share(count: int, total: int) -> str:
    """count of total as a whole percentage, rounded once from the counts (a percentage
    already rounded to one decimal would round twice: 5 of 11 is 45%, not 46%)."""
    return "–" if not total else f"{whole(100 * count / total)}%"


def plain(value: float, language: str) -> str:
    """A number with the digits it has (α = 0,025, not 0,03)."""
    written = f"{value:g}"
    return written.replace(".", ",") if language == "nl" else written


def p_value(p: float | None, language: str, alpha: float = 0.05) -> str:
    """"p = 0,032"; with more digits where three would round onto α from either side, so a
    significant p never reads as "p = 0,050"."""
    if p is None:
        return "–"
    if p < 0.001:
        return "p < " + decimal(0.001, language, 3)
    digits = 3
    while digits < 6 and round(p, digits) == round(alpha, digits) and p != alpha:
        digits += 1
    return "p = " + decimal(p, language, digits)


def counted(key: str, count: int, language: str, **params: object) -> str:
    """The singular text (`key_one`) for one, the plural for any other count."""
    return text(f"{key}_one" if count == 1 else key, language, **params)


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
