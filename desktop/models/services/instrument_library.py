"""The instruments a database knows: built-in files, imported definitions, and each study's
own cut-off and norm figures.

Every version of a definition is its own row; answers point at the row they were given on, so
a definition that drops items or changes the scale never reinterprets stored answers: such a
change is refused while answers exist, unless it comes as a new version.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from desktop.models import audit
from desktop.models.database import transaction
from desktop.models.errors import NotFoundError, ValidationError
from desktop.models.instruments import (
    Cutoff,
    InstrumentDefinition,
    Norm,
    builtin_definitions,
    cutoff_fits,
    load_definition,
    parse_definition,
)
from desktop.models.schema import Instrument, Response, StudyInstrument
from desktop.models.services.users import require_lead
from desktop.models.services.validation import parse_count, parse_number


@dataclass(frozen=True)
class LinkedInstrument:
    """An instrument as a study uses it: its stored definition and the study's settings."""

    id: int
    definition: InstrumentDefinition
    cutoff: Cutoff | None
    norm: Norm | None
    cutoff_is_default: bool = True
    norm_is_default: bool = True

    @property
    def key(self) -> str:
        return self.definition.key


@dataclass(frozen=True)
class ImportResult:
    key: str
    version: int
    action: str  # "added", "new_version", "updated" or "unchanged"
    title: str


@lru_cache(maxsize=64)
def _parsed(instrument_id: int, version: int, text: str) -> InstrumentDefinition:
    return parse_definition(text, f"instrument #{instrument_id}")


def _definition(row: Instrument) -> InstrumentDefinition:
    return _parsed(row.id, row.version, row.definition)


def catalogue() -> dict[str, InstrumentDefinition]:
    """Every instrument a study can choose, by key: the highest version of each, a stored copy
    winning over the built-in file of the same version (the team's variant is kept)."""
    found = dict(builtin_definitions())
    for row in Instrument.select().order_by(Instrument.key, Instrument.version):
        current = found.get(row.key)
        if current is None or row.version >= current.version:
            found[row.key] = _definition(row)
    return found


def available_instruments(language: str | None = None) -> list[tuple[str, str]]:
    """(key, title) of every instrument, the Bridge first, for choosing in the study dialog."""
    found = catalogue()
    keys = sorted(found, key=lambda k: (found[k].kind != "bridge", found[k].title(language)))
    return [(key, found[key].title(language)) for key in keys]


def ensure_instrument(key: str) -> Instrument:
    """The stored row of the latest version of an instrument, stored on first use."""
    found = catalogue()
    if key not in found:
        raise ValidationError("instruments", "error.instrument_unknown", key=key)
    definition = found[key]
    row = Instrument.get_or_none((Instrument.key == key)
                                 & (Instrument.version == definition.version))
    if row is None:
        row = Instrument.create(key=key, kind=definition.kind, version=definition.version,
                                definition=definition.source_json)
        audit.record("instrument", row.id, "insert", {"key": (None, key),
                                                      "version": (None, definition.version)})
    return row


def study_instrument(study_id: int, kind: str = "bridge") -> tuple[int, InstrumentDefinition]:
    """The study's (first) instrument of a kind, from its own stored copy, with its id."""
    row = (
        Instrument.select(Instrument.id, Instrument.version, Instrument.definition)
        .join(StudyInstrument)
        .where((StudyInstrument.study == study_id) & (Instrument.kind == kind))
        .order_by(Instrument.id)
        .first()
    )
    if row is None:
        raise NotFoundError("error.instrument_not_in_study", kind=kind)
    return row.id, _definition(row)


def _linked(instrument: Instrument, link: StudyInstrument) -> LinkedInstrument:
    definition = _definition(instrument)
    cutoff = definition.cutoff
    if cutoff is not None and link.cutoff is not None:
        cutoff = Cutoff(cutoff.scale, link.cutoff)
    norm = definition.norm
    if link.norm_n is not None and link.norm_percent_high is not None:
        norm = Norm(link.norm_n, link.norm_percent_high, norm.label if norm else {})
    return LinkedInstrument(instrument.id, definition, cutoff, norm,
                            cutoff_is_default=link.cutoff is None,
                            norm_is_default=link.norm_n is None)


def _links(study_id: int):
    return (StudyInstrument.select(StudyInstrument, Instrument).join(Instrument)
            .where(StudyInstrument.study == study_id).order_by(Instrument.id))


def study_questionnaires(study_id: int) -> list[LinkedInstrument]:
    """The questionnaires a study uses, in the order they were added."""
    return [_linked(link.instrument, link) for link in _links(study_id)
            if link.instrument.kind == "questionnaire"]


def linked_instrument(study_id: int, key: str) -> LinkedInstrument:
    for link in _links(study_id):
        if link.instrument.key == key:
            return _linked(link.instrument, link)
    raise NotFoundError("error.instrument_key_not_in_study", key=key)


def set_instrument_settings(study_id: int, key: str, cutoff: object,
                            norm_n: object, norm_percent_high: object) -> None:
    """The study's own cut-off for "high" and norm-group figures (numbers, or text as typed:
    "4,5"); None or empty returns to the definition's figure. Only the comparison changes:
    stored answers are untouched. A lead's task."""
    require_lead()
    cutoff = parse_number(cutoff, "cutoff")
    norm_n = parse_count(norm_n, "norm_n", "error.norm_n")
    norm_percent_high = parse_number(norm_percent_high, "norm_percent_high")
    current = linked_instrument(study_id, key)
    definition = current.definition
    if cutoff is not None:
        if definition.cutoff is None:
            raise ValidationError("cutoff", "error.cutoff_no_scale", key=key)
        scale = definition.scale(definition.cutoff.scale)
        if not cutoff_fits(definition, scale, cutoff):
            low, high = definition.score_range(scale)
            raise ValidationError("cutoff", "error.cutoff_range", low=f"{low:g}",
                                  high=f"{high:g}")
    if (norm_n is None) != (norm_percent_high is None):
        raise ValidationError("norm_n", "error.norm_incomplete")
    if norm_n is not None and norm_n < 1:
        raise ValidationError("norm_n", "error.norm_n")
    if norm_percent_high is not None and not 0 <= norm_percent_high <= 100:
        raise ValidationError("norm_percent_high", "error.norm_percent")
    # The file's own figures are stored as "none of our own": a corrected file then applies.
    if definition.cutoff is not None and cutoff == definition.cutoff.at_least:
        cutoff = None
    if definition.norm is not None and (norm_n, norm_percent_high) == (
            definition.norm.n, definition.norm.percent_high):
        norm_n = norm_percent_high = None
    with transaction():
        link = StudyInstrument.get((StudyInstrument.study == study_id)
                                   & (StudyInstrument.instrument == current.id))
        old = {"cutoff": link.cutoff, "norm_n": link.norm_n,
               "norm_percent_high": link.norm_percent_high}
        new = {"cutoff": cutoff, "norm_n": norm_n, "norm_percent_high": norm_percent_high}
        changes = audit.changes_between(old, new)
        if changes:
            StudyInstrument.update(**new).where(StudyInstrument.id == link.id).execute()
            audit.record("study_instrument", link.id, "update", changes)


def incompatible_changes(old: InstrumentDefinition, new: InstrumentDefinition) -> list[str]:
    """What in `new` would change the meaning or the scores of answers given on `old`. Texts
    (item wording, translations, label wording) may change; structure may not."""
    problems = []
    if new.kind != old.kind:
        problems.append(f"kind {old.kind} → {new.kind}")
    removed = [key for key in old.item_keys if key not in new.item_keys]
    if removed:
        problems.append("items removed: " + ", ".join(removed))
    added = [key for key in new.item_keys if key not in old.item_keys]
    if added:  # stored responses lack them: the missing-data rule would drop their scores
        problems.append("items added: " + ", ".join(added))
    if (new.minimum, new.maximum) != (old.minimum, old.maximum):
        problems.append(f"scale {old.minimum}–{old.maximum} → {new.minimum}–{new.maximum}")
    flipped = sorted((old.reverse_items ^ new.reverse_items) & set(old.item_keys))
    if flipped:
        problems.append("reverse scoring changed: " + ", ".join(flipped))
    if new.best != old.best:
        problems.append(f"best end of the scale {old.best} → {new.best}")
    if _scoring(new) != _scoring(old):
        problems.append("scales changed (items, scoring or missing-data rule)")
    lost = [key for key in old.missing_reason_keys if key not in new.missing_reason_keys]
    if lost:
        problems.append("missing reasons removed: " + ", ".join(lost))
    if _moved_labels(old, new):
        problems.append("value labels moved to other values")
    return problems


def _scoring(definition: InstrumentDefinition) -> list[tuple[object, ...]]:
    return [(scale.key, scale.items, scale.scoring, scale.max_missing)
            for scale in definition.scales]


def _moved_labels(old: InstrumentDefinition, new: InstrumentDefinition) -> bool:
    """A label now on another value (1 and 7 swapped): reworded labels are fine."""
    where = {text: value for value, texts in new.value_labels.items()
             for text in texts.values()}
    return any(where.get(text, value) != value for value, texts in old.value_labels.items()
               for text in texts.values())


def check_study_figures(instrument: Instrument) -> None:
    """A study's own cut-off that no longer fits the instrument's definition (another scale
    range, no cut-off any more) is dropped, audited, so the file's figure applies again."""
    definition = _definition(instrument)
    scale = definition.scale(definition.cutoff.scale) if definition.cutoff else None
    for link in StudyInstrument.select().where((StudyInstrument.instrument == instrument.id)
                                               & StudyInstrument.cutoff.is_null(False)):
        if scale is None or not cutoff_fits(definition, scale, link.cutoff):
            StudyInstrument.update(cutoff=None).where(StudyInstrument.id == link.id).execute()
            audit.record("study_instrument", link.id, "update", {"cutoff": (link.cutoff, None)})


def import_definition(path: Path) -> ImportResult:
    """Add or update an instrument from a definition file (see docs/instruments.md)."""
    return _import(load_definition(path), path.name)


def import_definition_text(text: str, source: str) -> ImportResult:
    return _import(parse_definition(text, source), source)


def _import(definition: InstrumentDefinition, source: str) -> ImportResult:
    """Defining an instrument is a lead's task."""
    require_lead()
    key, version, text = definition.key, definition.version, definition.source_json
    with transaction():
        rows = list(Instrument.select().where(Instrument.key == key)
                    .order_by(Instrument.version))
        same = next((row for row in rows if row.version == version), None)
        newest = rows[-1].version if rows else builtin_definitions().get(key, definition).version
        if same is None and newest > version:
            raise ValidationError("definition", "error.instrument_older", key=key,
                                  version=version, newest=newest)
        title = definition.title()
        if same is None:
            row = Instrument.create(key=key, kind=definition.kind, version=version,
                                    definition=text)
            audit.record("instrument", row.id, "insert",
                         {"key": (None, key), "version": (None, version)})
            return ImportResult(key, version, "new_version" if rows else "added", title)
        if same.definition == text:
            return ImportResult(key, version, "unchanged", title)
        answers = Response.select().where(Response.instrument == same.id).count()
        problems = incompatible_changes(_definition(same), definition)
        if answers and problems:
            raise ValidationError("definition", "error.instrument_incompatible", key=key,
                                  version=version, answers=answers,
                                  changes="; ".join(problems), next=version + 1)
        same.definition, same.kind = text, definition.kind
        same.save(only=[Instrument.definition, Instrument.kind])
        check_study_figures(same)
        audit.record("instrument", same.id, "update",
                     {"definition": (f"{key} v{version}", f"{key} v{version} ({source})")})
        return ImportResult(key, version, "updated", title)
