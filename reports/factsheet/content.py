"""What one edition of the factsheet says: the findings, the researchers' texts and the result
sentences (the app's, or the researcher's edit while the figures it was written on still hold)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from desktop.models.instruments import InstrumentDefinition
from desktop.models.services import narratives
from desktop.models.services.instrument_library import study_instrument
from desktop.models.services.studies import StudyInfo, get_study
from reports.factsheet.sentences import Sentence, generated_sentences
from reports.factsheet.style import missing_glyphs
from reports.factsheet.words import fill, listing, month_year, text
from reports.findings import study_findings

# Narratives whose template a researcher is expected to replace before publishing.
OWN_TEXT_EXPECTED = ("introduction", "implementation", "recommendations")


@dataclass(frozen=True)
class FactsheetRequest:
    study_id: int
    language: str = "nl"
    site_id: int | None = None  # None: the whole study
    alpha: float = 0.05
    today: dt.date | None = None


@dataclass(frozen=True)
class SentenceRow:
    """One result sentence as the editor lists it."""

    key: str
    section: str  # translated heading of its section
    generated: str
    edited: str | None
    edited_version: int  # 0 when not edited
    stale: bool  # edited on other figures: the app's sentence is printed until it is updated


@dataclass
class FactsheetContent:
    request: FactsheetRequest
    study: StudyInfo
    findings: dict[str, Any]
    bridge: InstrumentDefinition
    texts: dict[str, str]  # narrative kind → text with its placeholders filled
    sentences: dict[str, str]  # sentence key → the text to print
    rows: list[SentenceRow]
    warnings: list[str] = field(default_factory=list)

    @property
    def language(self) -> str:
        return self.request.language


def gather(request: FactsheetRequest) -> FactsheetContent:
    """Read everything one edition prints; nothing is written."""
    language = request.language
    study = get_study(request.study_id)
    findings = study_findings(study.id, alpha=request.alpha, language=language,
                              today=request.today, site_id=request.site_id)
    _, bridge = study_instrument(study.id, "bridge")
    rows = _sentence_rows(study.id, request, generated_sentences(findings, language))
    warnings = [text("warning.stale_sentence", language, section=row.section, sentence=row.key)
                for row in rows if row.stale]
    stored = narratives.narratives(study.id, language)
    warnings += [text("warning.template", language, part=text(f"narrative.{kind}", language))
                 for kind in OWN_TEXT_EXPECTED if stored[kind].is_template]
    site = findings["site"]
    values = _placeholders(study, language, site["name"] if site else None)
    texts = {kind: fill(item.text, values) for kind, item in stored.items()}
    printed = {row.key: row.edited if row.edited is not None and not row.stale
               else row.generated for row in rows}
    unknown = missing_glyphs([*texts.values(), *printed.values(), *values.values(),
                              *(site.name for site in study.sites)])
    if unknown:
        warnings.append(text("warning.glyphs", language, characters=" ".join(unknown)))
    return FactsheetContent(request, study, findings, bridge, texts, printed, rows, warnings)


def result_sentences(request: FactsheetRequest) -> list[SentenceRow]:
    """The sentences of one edition beside the researcher's edits, for the editor."""
    return gather(request).rows


def _sentence_rows(study_id: int, request: FactsheetRequest,
                   sentences: list[Sentence]) -> list[SentenceRow]:
    edits = narratives.sentence_edits(study_id, request.language, request.site_id)
    rows = []
    for sentence in sentences:
        edit = edits.get(sentence.key)
        rows.append(SentenceRow(
            sentence.key, text(f"heading.{sentence.section}", request.language), sentence.text,
            edit.text if edit else None, edit.version if edit else 0,
            edit is not None and edit.generated != sentence.text))
    return rows


def _placeholders(study: StudyInfo, language: str, site: str | None) -> dict[str, str]:
    place = site or study.municipality or study.organisation or study.name
    return {
        "study": study.name,
        "municipality": place,  # a site's edition speaks of that site
        "organisation": study.organisation or text("the_researchers", language),
        "period_start": month_year(study.period_start, language) or "–",
        "period_end": month_year(study.period_end, language) or "–",
        "moments": listing([moment.name for moment in study.moments], language),
    }
