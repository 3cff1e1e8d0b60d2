"""Turn typed-in values into checked values, once, for the GUI, the importer and the CLI alike."""

from __future__ import annotations

import datetime as dt
import re

from desktop.models.errors import ValidationError

_DUTCH_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_SHOWN = 40  # characters of a refused value repeated in the message


def shown(raw: object) -> str:
    """A refused value as the message repeats it: short, and never failing on an int too long
    for Python to write out."""
    try:
        text = str(raw).strip()
    except ValueError:
        return "…"
    return text if len(text) <= _SHOWN else text[:_SHOWN - 1] + "…"


def parse_date(raw: object, field: str) -> dt.date | None:
    """Accept a date, an ISO date (2018-03-01) or a Dutch one (1-3-2018); empty means none."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = shown(raw)  # a longer text is no date either
    try:
        match = _DUTCH_DATE.match(text)
        if match:
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(field, "error.date_invalid", value=text) from None


def as_date(value: object) -> dt.date | None:
    """A date as the driver returned it (SQLite gives text, PostgreSQL a date)."""
    if value is None or isinstance(value, dt.date):
        return value  # type: ignore[return-value]
    return dt.date.fromisoformat(str(value)[:10])


def require_past(value: dt.date, field: str, today: dt.date | None = None) -> dt.date:
    today = today or dt.date.today()
    if value > today:
        raise ValidationError(field, "error.date_future", value=value.isoformat())
    return value


def parse_level(raw: object, field: str, minimum: int, maximum: int,
                noun: str = "level") -> int:
    """A whole number within the scale; text, fractions and booleans are refused. `noun` words
    the message: a Bridge "level" or a questionnaire "answer"."""
    if isinstance(raw, bool):
        raise ValidationError(field, f"error.{noun}_not_number", value=raw)
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    else:
        text = str(raw).strip()
        if not re.fullmatch(r"[+-]?\d+", text):
            raise ValidationError(field, f"error.{noun}_not_number", value=shown(text))
        try:
            value = int(text)
        except ValueError:  # more digits than Python reads: beyond any scale
            value = maximum + 1
    if not minimum <= value <= maximum:
        raise ValidationError(field, f"error.{noun}_range", min=minimum, max=maximum,
                              value=shown(raw if isinstance(raw, str) else value))
    return value


def parse_number(raw: object, field: str) -> float | None:
    """A number typed the Dutch way (4,5) or the English way (4.5); empty means none."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValidationError(field, "error.number_invalid", value=raw)
    if isinstance(raw, int) and abs(raw) > 10**300:  # float() would overflow
        raise ValidationError(field, "error.number_invalid", value=shown(raw))
    if isinstance(raw, int | float):
        value = float(raw)
    else:
        text = str(raw).strip().replace(",", ".")
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
            raise ValidationError(field, "error.number_invalid", value=shown(raw))
        value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValidationError(field, "error.number_invalid", value=shown(raw))
    return value


_GROUPED = re.compile(r"^\d{1,3}([., ]\d{3})+$")


def parse_count(raw: object, field: str, key: str) -> int | None:
    """A whole number such as a group's size, with or without thousands separators (1.115,
    1,115 and 1 115 all mean 1115); anything else raises `key`. Empty means none."""
    if isinstance(raw, str) and _GROUPED.match(raw.strip()):
        raw = re.sub(r"[., ]", "", raw.strip())
    value = parse_number(raw, field)
    if value is None:
        return None
    if not value.is_integer():
        raise ValidationError(field, key)
    return int(value)


def clean_text(raw: object, field: str, max_length: int, required: bool = False) -> str:
    """Trimmed text that fits and that the database can store: no NUL character (PostgreSQL
    refuses it) and no half of a character pair (UTF-8 cannot encode it)."""
    try:
        text = "" if raw is None else str(raw).strip()
    except ValueError:  # an int with more digits than Python writes out
        raise ValidationError(field, "error.too_long", max=max_length) from None
    if required and not text:
        raise ValidationError(field, "error.required")
    if len(text) > max_length:
        raise ValidationError(field, "error.too_long", max=max_length)
    if "\x00" in text or not text.isascii() and _has_surrogate(text):
        raise ValidationError(field, "error.text_unstorable")
    return text


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Nine digits, perhaps written in groups (123456782, 1234.56.782, 123 456 782, 123-456-782).
_NINE_DIGITS = re.compile(r"(?<![\d.])\d{4}[. -]?\d{2}[. -]?\d{3}(?!\d)"
                          r"|(?<!\d)\d{3}[ -]\d{3}[ -]\d{3}(?!\d)")


def looks_like_bsn(text: str) -> bool:
    """A Dutch citizen service number: 9 digits passing the eleven test."""
    if not re.fullmatch(r"\d{9}", text):
        return False
    digits = [int(c) for c in text]
    total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
    return total % 11 == 0


def looks_like_email(text: str) -> bool:
    return _EMAIL.search(text) is not None


def refuse_identifiers(text: str, field: str) -> str:
    """Free text may not carry what identifies a person: an e-mail address or a number that
    passes the BSN's eleven test (a phone number rarely does; a BSN always)."""
    if looks_like_email(text):
        raise ValidationError(field, "error.text_email")
    for match in _NINE_DIGITS.finditer(text):
        if looks_like_bsn(re.sub(r"\D", "", match.group())):
            raise ValidationError(field, "error.text_bsn")
    return text


def clean_free_text(raw: object, field: str, max_length: int) -> str:
    """Remarks and the like: trimmed, not too long, without a BSN or an e-mail address."""
    return refuse_identifiers(clean_text(raw, field, max_length), field)

