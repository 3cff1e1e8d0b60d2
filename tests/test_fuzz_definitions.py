"""Fuzzing the instrument and survey definition loaders: random JSON, random text and mutated
copies of the shipped definitions give either a valid definition or a definition error that
names the file and the field — never another exception."""

from __future__ import annotations

import copy
import json

from helpers.fuzzing import assert_clear_error
from helpers.mutations import JSON_VALUES, mutated
from hypothesis import example, given
from hypothesis import strategies as st

from desktop.i18n import tr
from desktop.models.errors import InstrumentDefinitionError, SurveyDefinitionError
from desktop.models.instruments import INSTRUMENTS, InstrumentDefinition, parse_definition
from desktop.models.surveys import SURVEYS, SurveyDefinition, parse_survey

SOURCE = "fuzzed.json"
SHIPPED_INSTRUMENTS = [json.loads(path.read_text(encoding="utf-8"))
                       for path in sorted(INSTRUMENTS.glob("*.json"))]
SHIPPED_SURVEYS = [json.loads(path.read_text(encoding="utf-8-sig"))
                   for path in sorted(SURVEYS.glob("*.json"))]


def _changed(original: dict, path: tuple, value: object) -> dict:
    """A copy of a shipped definition with the value at `path` replaced: a regression example."""
    changed = copy.deepcopy(original)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


BRIDGE, SCARCITY = SHIPPED_INSTRUMENTS[0], SHIPPED_INSTRUMENTS[1]
SURVEY = SHIPPED_SURVEYS[0]


def _check_refusal(error: InstrumentDefinitionError | SurveyDefinitionError) -> None:
    """The error names this file and a field, in words a user can read in both languages."""
    assert error.params["file"] == SOURCE
    assert isinstance(error.params["field"], str) and error.params["field"]
    assert_clear_error(error)
    assert error.params["field"] in tr(error.key, "en", **error.params)


def _instrument(text: str) -> None:
    try:
        definition = parse_definition(text, SOURCE)
    except InstrumentDefinitionError as error:
        _check_refusal(error)
        return
    assert isinstance(definition, InstrumentDefinition)
    assert definition.minimum < definition.maximum and definition.items
    assert len(set(definition.item_keys)) == len(definition.item_keys)
    assert definition.reverse_items <= set(definition.item_keys)


def _survey(text: str) -> None:
    try:
        survey = parse_survey(text, SOURCE)
    except SurveyDefinitionError as error:
        _check_refusal(error)
        return
    assert isinstance(survey, SurveyDefinition)
    assert 1 <= survey.places <= len(survey.elements)
    assert survey.likert_min <= survey.disagree_to < survey.agree_from <= survey.likert_max
    keys = survey.element_keys + survey.likert_keys + survey.step_keys
    assert len(set(keys)) == len(keys)
    parse_survey(survey.to_json(), SOURCE)  # what the app writes back, it reads again


@given(st.text(max_size=200))
@example("[" * 100_000)
def test_random_text_as_a_definition(text):
    _instrument(text)
    _survey(text)


@given(JSON_VALUES)
def test_random_json_as_a_definition(value):
    text = json.dumps(value)
    _instrument(text)
    _survey(text)


@given(st.sampled_from(SHIPPED_INSTRUMENTS).flatmap(mutated))
@example(_changed(BRIDGE, ("missing_reasons",), None))  # was a TypeError
@example(_changed(BRIDGE, ("items", 0, "levels", "²"), {"nl": "x", "en": "x"}))  # ValueError
@example(_changed(SCARCITY, ("scale", "labels", "²"), {"nl": "x", "en": "x"}))  # ValueError
@example(_changed(SCARCITY, ("cutoff", "at_least"), 10**400))  # was an OverflowError
def test_mutated_instrument_definitions(data):
    _instrument(json.dumps(data, ensure_ascii=False))


@given(st.sampled_from(SHIPPED_SURVEYS).flatmap(mutated))
def test_mutated_survey_definitions(data):
    _survey(json.dumps(data, ensure_ascii=False))
