"""Importing instrument definitions: added, updated in place when only texts change, refused
or versioned when stored answers would change meaning; a study's cut-off and norm."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from desktop.models.errors import InstrumentDefinitionError, ValidationError
from desktop.models.schema import AuditEntry, Instrument, ResponseValue
from desktop.models.services import instrument_library, responses, studies
from desktop.paths import INSTRUMENTS

SCARCITY = json.loads((INSTRUMENTS / "financial_scarcity.json").read_text(encoding="utf-8"))


def _text(mutate=None, **changes) -> str:
    data = copy.deepcopy(SCARCITY)
    data.update(changes)
    if mutate:
        mutate(data)
    return json.dumps(data, ensure_ascii=False)


def _link(study, *keys):
    info = studies.get_study(study.id)
    studies.update_study(study.id, studies.StudyInput(
        name=info.name, sites=[s.name for s in info.sites],
        moments=[studies.MomentSpec(m.name, m.months, m.key, m.id) for m in info.moments],
        instrument_keys=("bridge", *keys)))


@pytest.fixture
def answered(study, participant):
    """The scarcity scale linked and one response stored on version 1."""
    _link(study, "financial_scarcity")
    answers = {f"fs{n:02d}": n % 7 + 1 for n in range(1, 13)}
    responses.save_response(participant.id, study.moments[0].id, "financial_scarcity",
                            dt.date(2018, 1, 15), answers)
    return answers


def test_a_new_instrument_is_added_and_can_be_chosen_for_a_study(study, tmp_path):
    path = tmp_path / "stress.json"
    path.write_text(_text(key="stress", name={"nl": "Stress", "en": "Stress"}), "utf-8")
    result = instrument_library.import_definition(path)
    assert (result.key, result.version, result.action, result.title) == (
        "stress", 1, "added", "Stress")
    assert ("stress", "Stress") in instrument_library.available_instruments()
    assert instrument_library.import_definition(path).action == "unchanged"
    _link(study, "stress")
    assert [q.key for q in instrument_library.study_questionnaires(study.id)] == ["stress"]
    assert AuditEntry.select().where((AuditEntry.table == "instrument")
                                     & (AuditEntry.action == "insert")).exists()


def test_a_broken_file_names_itself_and_stores_nothing(db, tmp_path):
    path = tmp_path / "kapot.json"
    path.write_text(_text(lambda d: d["reverse_items"].append("fs13")), "utf-8")
    with pytest.raises(InstrumentDefinitionError, match=r"kapot\.json.*reverse_items"):
        instrument_library.import_definition(path)
    path.write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(InstrumentDefinitionError, match="kapot.json"):
        instrument_library.import_definition(path)
    assert Instrument.select().count() == 0


def test_reworded_value_labels_are_a_compatible_change(study, answered):
    reworded = _text(lambda d: d["scale"]["labels"]["3"].update(nl="Enigszins mee oneens"))
    assert instrument_library.import_definition_text(reworded, "x.json").action == "updated"


def test_a_study_cut_off_outside_a_new_versions_range_is_dropped(study):
    _link(study, "financial_scarcity")
    instrument_library.set_instrument_settings(study.id, "financial_scarcity", "6,5", None, None)
    as_sum = _text(lambda d: d["scales"][0].update(scoring="sum"), version=2,
                   cutoff={"scale": "total", "at_least": 60})
    instrument_library.import_definition_text(as_sum, "v2.json")
    _link(study, "financial_scarcity")  # no answers: the study moves to version 2
    linked = instrument_library.linked_instrument(study.id, "financial_scarcity")
    assert linked.definition.version == 2
    assert linked.cutoff.at_least == 60 and linked.cutoff_is_default  # 6.5 made no sense
    assert AuditEntry.select().where((AuditEntry.table == "study_instrument")
                                     & (AuditEntry.field == "cutoff")
                                     & (AuditEntry.new_value.is_null())).exists()


def test_new_wording_for_the_same_items_updates_in_place_keeping_the_answers(study, answered,
                                                                              participant):
    licensed = _text(lambda d: d["items"][0]["label"].update(nl="Gelicentieerde tekst"))
    assert instrument_library.import_definition_text(licensed, "x.json").action == "updated"
    linked = instrument_library.linked_instrument(study.id, "financial_scarcity")
    assert linked.definition.item("fs01").text("nl") == "Gelicentieerde tekst"
    stored = responses.get_response(participant.id, study.moments[0].id, "financial_scarcity")
    assert stored.values == answered


@pytest.mark.parametrize(("mutate", "words"), [
    (lambda d: d.update(items=d["items"][:11], scales=d["scales"][:1],
                       reverse_items=["fs03", "fs06"]), "items removed: fs12"),
    (lambda d: d["scale"].update(max=5, labels={}), "scale 1–7 → 1–5"),
    (lambda d: d.update(reverse_items=["fs03"]), "reverse scoring changed: fs06, fs12"),
    (lambda d: d["items"].append({"key": "fs13", "label": {"nl": "x", "en": "x"}}),
     "items added: fs13"),
    (lambda d: d["scales"][0].update(scoring="sum"), "scales changed"),
    (lambda d: d["scales"][1].update(items=["fs01", "fs02"]), "scales changed"),
    (lambda d: d.update(missing_rule={"max_missing_fraction": 0.5}), "scales changed"),
    (lambda d: d.update(missing_reasons=d["missing_reasons"][1:]),
     "missing reasons removed: not_answered"),
    (lambda d: d["scale"].update(labels={str(8 - int(k)): v
                                         for k, v in d["scale"]["labels"].items()}),
     "value labels moved"),
])
def test_a_change_that_would_reinterpret_stored_answers_is_refused(study, answered, mutate,
                                                                   words, participant):
    def changed(data):
        mutate(data)
        mean = data["scales"][0]["scoring"] == "mean"  # a cut-off that fits the new range
        data["cutoff"] = {"scale": "total", "at_least": 3 if mean else 60}

    text = _text(changed)
    with pytest.raises(ValidationError) as error:
        instrument_library.import_definition_text(text, "nieuw.json")
    assert words in error.value.message and "versie 2" in error.value.message
    assert "1 ingevulde" in error.value.message
    stored = responses.get_response(participant.id, study.moments[0].id, "financial_scarcity")
    assert stored.values == answered


def test_the_same_change_as_a_new_version_keeps_old_answers_on_the_old_version(
        study, answered, participant, db):
    shorter = _text(lambda d: d.update(items=d["items"][:11], scales=d["scales"][:1],
                       reverse_items=["fs03", "fs06"]),
                    version=2)
    assert instrument_library.import_definition_text(shorter, "v2.json").action == "new_version"
    assert Instrument.select().where(Instrument.key == "financial_scarcity").count() == 2
    # This study has answers on version 1: it stays there, its answers intact.
    _link(study, "financial_scarcity")
    linked = instrument_library.linked_instrument(study.id, "financial_scarcity")
    assert linked.definition.version == 1
    assert ResponseValue.select().count() == 12
    # A new study gets version 2; an older file is refused.
    other = studies.create_study(studies.StudyInput(
        name="Gouda", instrument_keys=("bridge", "financial_scarcity")))
    assert instrument_library.linked_instrument(other, "financial_scarcity").definition.version == 2
    # A version older than the newest one stored, that was never stored itself, is refused.
    instrument_library.import_definition_text(_text(key="stress", version=3), "s3.json")
    with pytest.raises(ValidationError, match="versie 2 is ouder dan de versie 3"):
        instrument_library.import_definition_text(_text(key="stress", version=2), "s2.json")


def test_a_study_without_answers_moves_to_the_latest_version(study):
    _link(study, "financial_scarcity")
    instrument_library.import_definition_text(
        _text(lambda d: d.update(items=d["items"][:11], scales=d["scales"][:1],
                       reverse_items=["fs03", "fs06"]), version=2),
        "v2.json")
    _link(study, "financial_scarcity")
    assert instrument_library.linked_instrument(
        study.id, "financial_scarcity").definition.version == 2


@pytest.mark.parametrize(("cutoff", "norm_n", "percent", "field"), [
    ("8", None, None, "cutoff"), ("1", None, None, "cutoff"), ("vier", None, None, "cutoff"),
    (None, "1115", None, "norm_n"), (None, "0", "10", "norm_n"), (None, "10,5", "10", "norm_n"),
    (None, "1115", "101", "norm_percent_high"),
])
def test_study_settings_refuse_impossible_figures(study, cutoff, norm_n, percent, field):
    _link(study, "financial_scarcity")
    with pytest.raises(ValidationError) as error:
        instrument_library.set_instrument_settings(study.id, "financial_scarcity", cutoff,
                                                   norm_n, percent)
    assert error.value.field == field


def test_study_settings_are_stored_audited_and_reset_to_the_files_figures(study):
    _link(study, "financial_scarcity")
    instrument_library.set_instrument_settings(study.id, "financial_scarcity", "5,25", "2.000",
                                               "12,5")  # Dutch: thousands dot, decimal comma
    linked = instrument_library.linked_instrument(study.id, "financial_scarcity")
    assert linked.cutoff.at_least == 5.25 and not linked.cutoff_is_default
    assert (linked.norm.n, linked.norm.percent_high) == (2000, 12.5)
    changed = AuditEntry.select(AuditEntry.field).where(AuditEntry.table == "study_instrument")
    assert sorted(entry.field for entry in changed) == ["cutoff", "norm_n", "norm_percent_high"]
    instrument_library.set_instrument_settings(study.id, "financial_scarcity", None, None, "")
    linked = instrument_library.linked_instrument(study.id, "financial_scarcity")
    assert linked.cutoff.at_least == 4.5 and linked.cutoff_is_default
    assert (linked.norm.n, linked.norm.percent_high) == (1115, 10.0)


def test_the_files_own_figures_are_stored_as_defaults(study):
    _link(study, "financial_scarcity")
    instrument_library.set_instrument_settings(study.id, "financial_scarcity", "4,5", "1.115",
                                               "10")
    linked = instrument_library.linked_instrument(study.id, "financial_scarcity")
    assert linked.cutoff_is_default and linked.norm_is_default
