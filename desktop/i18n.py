"""One Qt-free catalogue of user-facing words, shared by the GUI, the CLI and the reports."""

from __future__ import annotations

import json
from functools import cache

from desktop.paths import CATALOGUES

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"

_current = DEFAULT_LANGUAGE


@cache
def catalogue(language: str) -> dict[str, str]:
    """All of a language's texts: the files in resources/i18n/<language>/, one per area."""
    texts: dict[str, str] = {}
    for path in sorted((CATALOGUES / language).glob("*.json")):
        with open(path, encoding="utf-8") as handle:
            texts.update(json.load(handle))
    return texts


def set_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}")
    global _current
    _current = language


def language() -> str:
    return _current


def tr(key: str, /, language: str | None = None, **params: object) -> str:
    """The text for `key` in the current (or given) language, with `{name}` filled from params.

    A key missing from the catalogue shows as itself, so a gap is visible rather than fatal.
    """
    text = catalogue(language or _current).get(key, key)
    return text.format(**params) if params else text


def pick(texts: dict[str, str], language: str | None = None) -> str:
    """Choose from a {"nl": ..., "en": ...} mapping as found in instrument definitions."""
    lang = language or _current
    return texts.get(lang) or texts.get(DEFAULT_LANGUAGE) or next(iter(texts.values()), "")
