"""Fuzzing the services' validation with random input of random types: every call either
stores, or raises a ValidationError/NotFoundError whose message exists in both languages and
leaves the database exactly as it was (row counts and audit trail). Never another exception.

Each example gets a fresh copy of a real SQLite study file and makes a few saves on it, so it
also meets what its earlier saves stored (duplicates, responses to update, versions that moved
on) and replays the same way when hypothesis shrinks it. Inputs are mostly plausible with a
few wild values mixed in, so that the checks past the first are reached too.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers.fuzzing import assert_clear_error
from helpers.mutations import AWKWARD_SCALARS
from hypothesis import event, example, given
from hypothesis import strategies as st

from desktop.models.database import close_database, open_database
from desktop.models.errors import NotFoundError, ValidationError
from desktop.models.schema import (
    MODELS,
    RECRUITMENT_STATUSES,
    Action,
    ActionType,
    AuditEntry,
    Moment,
    Participant,
    Professional,
)
from desktop.models.services import (
    actions,
    participants,
    professionals,
    responses,
    studies,
    surveys,
)
from desktop.models.services.instrument_library import linked_instrument
from desktop.models.services.validation import (
    clean_text,
    parse_count,
    parse_date,
    parse_level,
    parse_number,
)

TODAY = dt.date.today()
PAST = st.dates(dt.date(2018, 1, 8), TODAY)
DATES = st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31))
DATE_TEXTS = DATES.flatmap(lambda d: st.sampled_from(
    [d.isoformat(), f"{d.day}-{d.month}-{d.year}", f" {d.day}/{d.month}/{d.year} "]))
WILD = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
        | st.decimals() | st.datetimes() | DATES | DATE_TEXTS | st.binary(max_size=8)
        | st.lists(st.integers(), max_size=2) | AWKWARD_SCALARS)
# Ids come from the app, never from typing: wild ones stay within what SQLite can hold.
WILD_IDS = st.integers(-2, 10**4) | st.sampled_from([0, 2**31, 2**63 - 1, -(2**63)])


def mostly(plausible: st.SearchStrategy, wild: st.SearchStrategy = WILD) -> st.SearchStrategy:
    """Seven times in eight a plausible value, else a wild one."""
    return st.integers(0, 7).flatmap(lambda roll: wild if roll == 7 else plausible)


def some_of(ids: Sequence[int]) -> st.SearchStrategy:
    return mostly(st.sampled_from(ids), WILD_IDS) if ids else WILD_IDS


STEPS = st.integers(1, 3)  # saves per example, on one fresh copy of the study file


@pytest.fixture
def study_db(tmp_path):
    """A real study file to copy for each example: the Bridge and a questionnaire, two sites,
    a few participants and professionals, the action types and the survey."""
    template = tmp_path / "template.sqlite"
    open_database(template)
    study_id = studies.create_study(studies.StudyInput(
        name="Fuzz", sites=["Alphen", "Leiden"],
        instrument_keys=("bridge", "financial_scarcity")))
    study = studies.get_study(study_id)
    for number in range(1, 4):
        participants.add_participant(study_id, participants.ParticipantInput(
            f"FZ-{number:03}", study.sites[0].id, "consented", dt.date(2018, 1, 8)))
        professionals.add_professional(study_id, professionals.ProfessionalInput(
            f"PR-{number:03}", "mentor", study.sites[0].id))
    actions.action_types(study_id)
    surveys.study_survey(study_id)
    close_database()
    yield study
    close_database()


@contextmanager
def fresh_copy(template_folder: Path) -> Iterator[None]:
    """Open a new copy of the template study file for one example."""
    close_database()
    copy = template_folder / "example.sqlite"
    for leftover in template_folder.glob("example.sqlite*"):
        leftover.unlink()
    shutil.copyfile(template_folder / "template.sqlite", copy)
    open_database(copy)
    try:
        yield
    finally:
        close_database()


def _ids(model) -> list[int]:
    return [row.id for row in model.select(model.id)]


def _snapshot() -> tuple[dict[str, int], int]:
    """Row counts of every table and the last audit entry: what a refused save must not move."""
    counts = {model.__name__: model.select().count() for model in MODELS}
    return counts, AuditEntry.select(AuditEntry.id).order_by(AuditEntry.id.desc()).scalar() or 0


def _stores_or_refuses(save: Callable[[], object]) -> object | None:
    """Run one save: its result, or None after checking that the refusal is a clear error and
    that nothing changed."""
    before = _snapshot()
    try:
        result = save()
    except (ValidationError, NotFoundError) as error:
        event(f"refused: {error.key}")
        assert_clear_error(error)
        assert _snapshot() == before, f"{error.key} refused the save but changed the database"
        return None
    event("stored")
    return result


PRIMITIVES = {
    "level": lambda raw: parse_level(raw, "level", 1, 5),
    "number": lambda raw: parse_number(raw, "number"),
    "count": lambda raw: parse_count(raw, "count", "error.number_invalid"),
    "date": lambda raw: parse_date(raw, "date"),
    "text": lambda raw: clean_text(raw, "text", 60),
}


@given(kind=st.sampled_from(sorted(PRIMITIVES)), raw=WILD)
@example("number", 2**1100)  # was an OverflowError (float of a huge int)
@example("level", "1" * 5000)  # was a ValueError (int of more digits than Python reads)
@example("level", 10**5000)  # its message could not be written out
@example("date", 10**5000)  # was a ValueError (str of a huge int)
@example("text", "\ud800")  # was stored, then failed to encode inside the save
@example("text", "a\x00b")  # PostgreSQL refuses NUL characters
def test_validation_primitives(kind, raw):
    """The checks every service shares: a value, or a ValidationError one can read."""
    try:
        PRIMITIVES[kind](raw)
    except ValidationError as error:
        assert_clear_error(error)
        assert error.field == kind


@given(field=st.sampled_from(sorted(participants.FIELD_CHECKS)), raw=WILD)
@example("remarks", "\ud800")  # a UnicodeEncodeError inside add_participant's transaction
@example("code", 10**5000)
def test_participant_field_checks(field, raw):
    try:
        participants.FIELD_CHECKS[field](raw)
    except ValidationError as error:
        assert_clear_error(error)
        assert error.field == field


def _participant_input(sites: Sequence[int]) -> st.SearchStrategy:
    return st.builds(
        participants.ParticipantInput,
        code=mostly(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,42}", fullmatch=True)),
        site_id=mostly(st.sampled_from([None, *sites]), st.none() | WILD_IDS),
        status=mostly(st.sampled_from(RECRUITMENT_STATUSES)),
        inclusion_date=mostly(PAST | PAST.map(dt.date.isoformat)),
        study_group=mostly(st.sampled_from(["", "A", "controle"])),
        remarks=mostly(st.text(max_size=60)),
    )


@given(data=st.data())
def test_adding_and_changing_participants(study_db, tmp_path, data):
    with fresh_copy(tmp_path):
        for _ in range(data.draw(STEPS)):
            _participant_step(study_db, data)


def _participant_step(study: studies.StudyInfo, data: st.DataObject) -> None:
    entry = data.draw(_participant_input([site.id for site in study.sites]))
    if data.draw(st.booleans()):
        participant_id = _stores_or_refuses(
            lambda: participants.add_participant(study.id, entry))
        if participant_id is not None:
            assert participants.get_participant(participant_id).code == str(entry.code).strip()
    else:
        target = data.draw(some_of(_ids(Participant)))
        version = data.draw(st.none() | st.integers(0, 3) | WILD_IDS)
        _stores_or_refuses(lambda: participants.update_participant(target, entry, version))


def _answers(keys: tuple[str, ...], reasons: tuple[str, ...], low: int,
             high: int) -> st.SearchStrategy[dict]:
    """Every item answered (a level, a level as text, a missing reason), then up to three
    answers replaced by wild values, dropped, or added under keys the instrument lacks."""
    plausible = (st.integers(low, high) | st.integers(low, high).map(str)
                 | st.sampled_from(reasons))
    full = st.fixed_dictionaries({key: plausible for key in keys})
    return st.tuples(full, _edits(keys, most=3)).map(_changed)


def _edits(keys: Sequence[str], values: st.SearchStrategy = WILD,
           most: int = 2) -> st.SearchStrategy[list]:
    """Mostly none; else up to `most` answers dropped, or set (perhaps under a key the form
    does not have) to a wild value."""
    return mostly(st.just([]), st.lists(st.tuples(
        st.sampled_from(keys) | st.text(max_size=12), st.sampled_from(["drop", "set"]), values),
        max_size=most))


def _changed(drawn: tuple[dict, list]) -> dict:
    answers, changes = drawn
    for key, how, value in changes:
        if how == "drop":
            answers.pop(key, None)
        else:
            answers[key] = value
    return answers


@given(data=st.data())
def test_saving_bridge_and_questionnaire_responses(study_db, tmp_path, data):
    with fresh_copy(tmp_path):
        for _ in range(data.draw(STEPS)):
            _response_step(study_db, data)


def _response_step(study_db: studies.StudyInfo, data: st.DataObject) -> None:
    key = data.draw(mostly(st.sampled_from(["bridge", "financial_scarcity"]),
                           st.text(max_size=10)))
    definition = linked_instrument(study_db.id, key if key == "bridge"
                                   else "financial_scarcity").definition
    answers = data.draw(_answers(definition.item_keys, definition.missing_reason_keys,
                                 definition.minimum, definition.maximum))
    participant = data.draw(some_of(_ids(Participant)))
    moment = data.draw(some_of(_ids(Moment)))
    assessed_on = data.draw(mostly(PAST | PAST.map(dt.date.isoformat)))
    version = data.draw(st.none() | st.integers(0, 3) | WILD_IDS)
    response_id = _stores_or_refuses(lambda: responses.save_response(
        participant, moment, key, assessed_on, answers, version))
    if response_id is not None:
        stored = responses.get_response(participant, moment, key)
        assert stored is not None and stored.response_id == response_id
        assert set(stored.values) == set(definition.item_keys)


@given(data=st.data())
def test_saving_survey_rankings(study_db, tmp_path, data):
    with fresh_copy(tmp_path):
        for _ in range(data.draw(STEPS)):
            _survey_step(study_db, data)


def _survey_step(study_db: studies.StudyInfo, data: st.DataObject) -> None:
    definition = surveys.study_survey(study_db.id).definition
    places = list(range(1, definition.places + 1))
    order = data.draw(st.permutations(definition.element_keys))
    ranked = dict(zip(order, data.draw(st.sampled_from([places, places[:-1], places[:2]])),
                      strict=False))
    ranks = _changed((ranked, data.draw(_edits(definition.element_keys,
                                               WILD | st.integers(0, 9)))))
    likert = _changed((
        {key: data.draw(st.integers(definition.likert_min, definition.likert_max))
         for key in definition.likert_keys},
        data.draw(_edits(definition.likert_keys))))
    fidelity = _changed((
        {key: data.draw(st.sampled_from(["ja", "nee", "yes", "0", True, False]))
         for key in definition.step_keys},
        data.draw(_edits(definition.step_keys))))
    answers = surveys.SurveyAnswers(ranks, likert, fidelity, data.draw(mostly(PAST)))
    professional = data.draw(some_of(_ids(Professional)))
    version = data.draw(st.none() | st.integers(0, 3) | WILD_IDS)
    _stores_or_refuses(lambda: surveys.save_survey_response(professional, answers, version))


def _action_input(types: Sequence[int]) -> st.SearchStrategy:
    return st.builds(
        actions.ActionInput,
        action_type_id=some_of(types),
        agreed_on=mostly(st.dates(dt.date(2018, 1, 8), dt.date(2018, 6, 1))),
        done_on=mostly(st.none() | st.dates(dt.date(2018, 6, 1), TODAY)),
        pillar=mostly(st.sampled_from(["", "inkomen", "schulden"]), st.text(max_size=10)),
        reward_kind=mostly(st.sampled_from(["", "bon", "cadeaukaart"])),
        reward_value=mostly(st.none() | st.sampled_from(["10", "12,50", 25, 7.5])),
        remarks=mostly(st.text(max_size=60)),
    )


@given(data=st.data())
def test_adding_and_changing_actions(study_db, tmp_path, data):
    with fresh_copy(tmp_path):
        for _ in range(data.draw(STEPS)):
            _action_step(data)


def _action_step(data: st.DataObject) -> None:
    entry = data.draw(_action_input(_ids(ActionType)))
    if not _ids(Action) or data.draw(st.booleans()):
        participant = data.draw(some_of(_ids(Participant)))
        _stores_or_refuses(lambda: actions.add_action(participant, entry))
    else:
        action = data.draw(some_of(_ids(Action)))
        version = data.draw(st.none() | st.integers(0, 3) | WILD_IDS)
        _stores_or_refuses(lambda: actions.update_action(action, entry, version))
