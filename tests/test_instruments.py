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


def _questionnaire(mutate=None):
    data = json.loads((INSTRUMENTS / "financial_scarcity.json").read_text(encoding="utf-8"))
    if mutate:
        mutate(data)
    return json.dumps(data)


def test_built_in_questionnaires_load_with_scales_cut_off_and_norm():
    from desktop.models.instruments import builtin_definitions

    scarcity = builtin_definitions()["financial_scarcity"]
    assert len(scarcity.items) == 12 and (scarcity.minimum, scarcity.maximum) == (1, 7)
    assert [s.key for s in scarcity.scales] == ["total", "resources", "control", "worry",
                                                "short_term"]
    assert scarcity.norm.n == 1115 and scarcity.norm.percent_high == 10.0
    assert scarcity.cutoff.scale == "total" and scarcity.best == "min"
    assert scarcity.value_label(7, "nl") == "Helemaal mee eens"
    assert scarcity.value_label(1, "en") == "Strongly disagree"
    assert "PLACEHOLDER" in scarcity.notes
    quality = builtin_definitions()["quality_of_life"]
    assert {"gezondheid", "zorgen"} <= set(quality.item_keys) and quality.best == "max"


@pytest.mark.parametrize(("mutate", "field", "problem"), [
    (lambda d: d["items"].append(dict(d["items"][0])), "items[12].key", "duplicate item key"),
    (lambda d: d["reverse_items"].append("fs99"), "reverse_items[3]", "not an item of the scale"),
    (lambda d: d["cutoff"].update(at_least=8), "cutoff.at_least", "outside the scale"),
    (lambda d: d["cutoff"].update(scale="nope"), "cutoff.scale", "not a scale"),
    (lambda d: d["items"][5]["label"].pop("en"), "items[5].label.en", "missing translation"),
    (lambda d: d["scale"]["labels"].update({"9": {"nl": "x", "en": "x"}}), "scale.labels.9",
     "outside the scale"),
    (lambda d: d["scales"][1]["items"].append("zz"), "scales[1].items", "not an item"),
    (lambda d: d["scales"][2].update(scoring="median"), "scales[2].scoring", "mean"),
    (lambda d: d["missing_rule"].update(max_missing_fraction=1.5),
     "missing_rule.max_missing_fraction", "fraction"),
    (lambda d: d["norm"].update(percent_high=120), "norm.percent_high", "percentage"),
    (lambda d: d.pop("cutoff"), "norm", "needs a cutoff"),
    (lambda d: d.update(kind="Questionnaire"), "kind", "questionnaire, bridge"),
    (lambda d: d["scale"].update(min=-3, max=3, labels={}), "scale.min", "negative"),
    (lambda d: d["missing_reasons"][0].update(key="9"), "missing_reasons[0]", "never a number"),
])
def test_broken_questionnaires_name_file_field_and_problem(mutate, field, problem):
    with pytest.raises(InstrumentDefinitionError) as error:
        parse_definition(_questionnaire(mutate), "schaarste.json")
    message = error.value.message
    assert "schaarste.json" in message and field in message and problem in message
