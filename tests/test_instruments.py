"""The Bridge as data, and a definition loader that names the file, field and problem."""

from __future__ import annotations

import json

import pytest

from desktop.models.errors import InstrumentDefinitionError
from desktop.models.instruments import bridge_definition, load_definition, parse_definition
from desktop.paths import INSTRUMENTS

PILLARS = ["gezinsstabiliteit", "sociaal_netwerk", "huisvesting", "opleiding", "gezondheid",
           "schulden", "sparen", "inkomen"]


def test_bridge_has_eight_pillars_of_five_levels_in_both_languages():
    bridge = bridge_definition()
    assert list(bridge.item_keys) == PILLARS
    assert (bridge.minimum, bridge.maximum) == (1, 5)
    for item in bridge.items:
        assert sorted(item.levels) == [1, 2, 3, 4, 5]
        for level in item.levels:
            assert item.level_text(level, "nl") and item.level_text(level, "en")
    assert bridge.missing_reason_keys == ("not_discussed", "declined", "not_applicable")


@pytest.mark.parametrize(("pillar", "level", "text"), [
    ("huisvesting", 5, "Ik heb een geschikte woning die binnen mijn budget past (maximaal 1/3de "
                       "van het netto inkomen)."),
    ("huisvesting", 1, "Ik heb geen vaste woonplek."),
    ("schulden", 3, "Ik heb betalingsachterstanden, maar voor (bijna) alle schulden passende "
                    "betalingsregelingen."),
    ("sparen", 5, "Ik heb spaargeld. Daarvan kan ik meer dan 3 maanden rondkomen."),
    ("inkomen", 1, "Ik heb geen inkomen."),
    ("opleiding", 3, "Ik heb een MBO-2 of HAVO diploma (startkwalificatie)."),
    ("gezinsstabiliteit", 5, "Ik kan mij volledig wijden aan werk, studie of gezin, vanwege de "
                             "zorg voor gezinsleden is geen belemmering. OF geen gezin."),
])
def test_level_texts_are_the_factsheets_words(pillar, level, text):
    assert bridge_definition().item(pillar).level_text(level, "nl") == text


def test_another_bridge_variant_is_just_another_file(tmp_path):
    data = json.loads((INSTRUMENTS / "bridge.json").read_text(encoding="utf-8"))
    data["key"] = "bridge_empath"
    data["items"] = data["items"][:5]
    path = tmp_path / "variant.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert len(load_definition(path).items) == 5


def _broken(mutate):
    data = json.loads((INSTRUMENTS / "bridge.json").read_text(encoding="utf-8"))
    mutate(data)
    return json.dumps(data)


@pytest.mark.parametrize(("text", "field", "problem"), [
    ("{not json", "line 1", "not valid JSON"),
    (_broken(lambda d: d["items"].append(dict(d["items"][0]))), "items[8].key", "duplicate"),
    (_broken(lambda d: d["items"][2]["label"].pop("en")), "items[2].label.en",
     "missing translation"),
    (_broken(lambda d: d["items"][0]["levels"].update({"6": {"nl": "x", "en": "x"}})),
     "items[0].levels.6", "outside the scale"),
    (_broken(lambda d: d.update(scale={"min": 5, "max": 1})), "scale", "min < max"),
    (_broken(lambda d: d.update(format="other")), "format", "expected"),
    (_broken(lambda d: d.update(items=[])), "items", "non-empty"),
])
def test_broken_definitions_name_file_field_and_problem(text, field, problem):
    with pytest.raises(InstrumentDefinitionError) as error:
        parse_definition(text, "mijn-brug.json")
    message = error.value.message
    assert "mijn-brug.json" in message and field in message and problem in message


def test_a_bridge_pillar_without_a_text_for_every_level_is_refused():
    text = _broken(lambda d: d["items"][4]["levels"].pop("2"))
    with pytest.raises(InstrumentDefinitionError, match=r"items\[4\]\.levels.*missing level text"):
        parse_definition(text, "brug.json")
