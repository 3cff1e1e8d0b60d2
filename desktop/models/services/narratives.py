"""The researchers' own texts in the factsheet: narrative sections per study and language, and
result sentences edited for one edition (the whole study or one site)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cache

from desktop.i18n import LANGUAGES
from desktop.models import audit
from desktop.models.database import transaction
from desktop.models.errors import ValidationError
from desktop.models.schema import Narrative, Site
from desktop.models.services.studies import get_study
from desktop.models.services.validation import clean_text
from desktop.paths import NARRATIVES

# In the factsheet's order. `questions` and the two explanations stand near the top; the
# implementation insights and recommendations near the end.
KINDS = ("introduction", "questions", "about_method", "about_bridge", "implementation",
         "recommendations")
MAX_NARRATIVE = 20_000
MAX_SENTENCE = 2_000
SENTENCE = "sentence:"  # the kind of an edited result sentence starts so
_SENTENCE = SENTENCE


@dataclass(frozen=True)
class NarrativeText:
    """A narrative as the factsheet prints it: the study's own text, or else our template."""

    kind: str
    language: str
    text: str
    is_template: bool
    version: int  # 0 while it is the template
    updated_by: str = ""
    updated_at: dt.datetime | None = None


@dataclass(frozen=True)
class SentenceEdit:
    """A result sentence the researcher rewrote for one edition; `generated` is the app's
    sentence at the time, so the factsheet notices when the figures have changed since."""

    key: str
    text: str
    generated: str
    version: int


@cache
def templates(language: str) -> dict[str, str]:
    """Our starting texts (resources/narratives), written for Brugmeter."""
    with open(NARRATIVES / f"{language}.json", encoding="utf-8") as handle:
        return json.load(handle)


def _check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValidationError("language", "error.language", value=language)
    return language


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValidationError("kind", "error.narrative_unknown", kind=kind, kinds=", ".join(KINDS))
    return kind


def _stored(study_id: int, language: str, kind: str, site_id: int | None) -> Narrative | None:
    site = Narrative.site.is_null() if site_id is None else Narrative.site == site_id
    return Narrative.get_or_none((Narrative.study == study_id) & (Narrative.language == language)
                                 & (Narrative.kind == kind) & site)


def narratives(study_id: int, language: str) -> dict[str, NarrativeText]:
    """Every narrative kind of the study in one language, the template where none is saved."""
    _check_language(language)
    get_study(study_id)
    saved = {row.kind: row for row in Narrative.select().where(
        (Narrative.study == study_id) & (Narrative.language == language)
        & Narrative.kind.in_(KINDS) & Narrative.site.is_null())}
    texts = templates(language)
    return {kind: (NarrativeText(kind, language, saved[kind].text, False, saved[kind].version,
                                 saved[kind].updated_by, saved[kind].updated_at)
                   if kind in saved else NarrativeText(kind, language, texts[kind], True, 0))
            for kind in KINDS}


def save_narrative(study_id: int, kind: str, language: str, text: object,
                   expected_version: int | None = None) -> NarrativeText:
    """Store the study's own text (an empty text leaves the section out of the factsheet);
    with expected_version, refuse when someone else saved it in between."""
    _check_kind(kind)
    return _save(study_id, language, kind, None,
                 clean_text(text, "text", MAX_NARRATIVE), "", expected_version)


def reset_narrative(study_id: int, kind: str, language: str,
                    expected_version: int | None = None) -> None:
    """Back to the template: the study's own text is removed (and audited); with
    expected_version, not when someone else saved a newer text meanwhile."""
    _check_kind(kind)
    _remove(study_id, language, kind, None, expected_version)


def sentence_edits(study_id: int, language: str, site_id: int | None) -> dict[str, SentenceEdit]:
    """The edited result sentences of one edition, by sentence key."""
    _check_language(language)
    site = Narrative.site.is_null() if site_id is None else Narrative.site == site_id
    return {row.kind[len(_SENTENCE):]: SentenceEdit(row.kind[len(_SENTENCE):], row.text,
                                                   row.generated, row.version)
            for row in Narrative.select().where(
                (Narrative.study == study_id) & (Narrative.language == language)
                & Narrative.kind.startswith(_SENTENCE) & site)}


def save_sentence(study_id: int, language: str, site_id: int | None, key: str, text: object,
                  generated: str, expected_version: int | None = None) -> NarrativeText:
    """Keep the researcher's wording of one result sentence for this edition."""
    cleaned = clean_text(text, "text", MAX_SENTENCE, required=True)
    return _save(study_id, language, _SENTENCE + clean_text(key, "key", 60, required=True),
                 site_id, cleaned, generated, expected_version)


def reset_sentence(study_id: int, language: str, site_id: int | None, key: str,
                   expected_version: int | None = None) -> None:
    """Back to the sentence the app writes from the figures; with expected_version, not when
    someone else edited the sentence again meanwhile."""
    _remove(study_id, language, _SENTENCE + key, site_id, expected_version)


def _save(study_id: int, language: str, kind: str, site_id: int | None, text: str,
          generated: str, expected_version: int | None) -> NarrativeText:
    _check_language(language)
    get_study(study_id)
    with transaction():
        if site_id is not None and not Site.select().where(
                (Site.id == site_id) & (Site.study == study_id)).exists():
            raise ValidationError("site", "error.site_unknown")
        current = _stored(study_id, language, kind, site_id)
        if expected_version is not None and (current.version if current else 0) \
                != expected_version:
            raise ValidationError("text", "error.record_changed")
        now = dt.datetime.now().replace(microsecond=0)
        user = audit.current_user()
        if current is None:
            current = Narrative.create(study=study_id, site=site_id, language=language,
                                       kind=kind, text=text, generated=generated,
                                       updated_by=user, updated_at=now)
            audit.record("narrative", current.id, "insert",
                         {"kind": (None, kind), "language": (None, language),
                          "text": (None, text)})
        elif current.text != text or current.generated != generated:
            audit.record("narrative", current.id, "update", {"text": (current.text, text)})
            Narrative.update(text=text, generated=generated, updated_by=user, updated_at=now,
                             version=Narrative.version + 1).where(
                Narrative.id == current.id).execute()
            current = Narrative.get_by_id(current.id)
    return NarrativeText(kind, language, current.text, False, current.version,
                         current.updated_by, current.updated_at)


def _remove(study_id: int, language: str, kind: str, site_id: int | None,
            expected_version: int | None = None) -> None:
    _check_language(language)
    with transaction():
        current = _stored(study_id, language, kind, site_id)
        if expected_version is not None and (current.version if current else 0) \
                != expected_version:
            raise ValidationError("text", "error.record_changed")
        if current is not None:
            audit.record("narrative", current.id, "delete", {"text": (current.text, None)})
            current.delete_instance()
