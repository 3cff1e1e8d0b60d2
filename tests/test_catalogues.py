"""Every word in both languages: the same keys and the same placeholders in nl and en."""

from __future__ import annotations

import json
import string

import pytest

from desktop import i18n
from desktop.paths import CATALOGUES


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_nl_and_en_have_the_same_files_keys_and_placeholders():
    nl_files = sorted(p.name for p in (CATALOGUES / "nl").glob("*.json"))
    en_files = sorted(p.name for p in (CATALOGUES / "en").glob("*.json"))
    assert nl_files == en_files and nl_files
    nl, en = i18n.catalogue("nl"), i18n.catalogue("en")
    assert set(nl) == set(en)
    for key in nl:
        assert _placeholders(nl[key]) == _placeholders(en[key]), key
        assert nl[key].strip() and en[key].strip(), key


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_catalogue_files_are_valid_json_without_duplicate_keys(language):
    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), [k for k in keys if keys.count(k) > 1]
        return dict(pairs)

    for path in (CATALOGUES / language).glob("*.json"):
        json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=no_duplicates)


def test_tr_fills_placeholders_and_follows_the_language():
    assert i18n.tr("error.level_range", value=7, min=1, max=5).startswith("Niveau 7")
    i18n.set_language("en")
    assert i18n.tr("error.level_range", value=7, min=1, max=5).startswith("Level 7")
    with pytest.raises(ValueError):
        i18n.set_language("de")


def test_no_key_is_defined_twice_across_catalogue_files():
    """Two files defining one key would silently let the later one win."""
    import json
    from collections import Counter

    from desktop.paths import CATALOGUES

    for language in ("nl", "en"):
        keys = Counter(key for path in (CATALOGUES / language).glob("*.json")
                       for key in json.loads(path.read_text(encoding="utf-8")))
        assert [key for key, count in keys.items() if count > 1] == [], language
