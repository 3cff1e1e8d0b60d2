"""An empty workbook to fill in and import: the export's data sheets with their headers (the
same Sheet descriptions, so template, export and import never disagree), the codebook and the
info sheet; the definitions sheet filled in with the study's settings (or, for a new study,
the database's instruments, the default moments and the template survey and action types,
with the study's name left for the user to type)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from openpyxl import Workbook

from desktop import __version__, i18n
from desktop.models.files import write_atomically
from desktop.models.services.actions import template_action_types
from desktop.models.services.instrument_library import LinkedInstrument, catalogue
from desktop.models.services.studies import MomentInfo, StudyInfo, default_moments
from desktop.models.services.surveys import SURVEY_KEY
from desktop.models.surveys import builtin_surveys
from reports.workbook.codebook import codebook_sheet
from reports.workbook.columns import Sheet
from reports.workbook.context import ActionKind, ExportContext, export_context
from reports.workbook.definition_sheet import NEW_STUDY
from reports.workbook.info import info_columns, info_rows
from reports.workbook.registry import data_sheets
from reports.workbook.stream import EXCEL_MAX_ROWS, xml_safe
from reports.workbook.writer import WorkbookResult, _Run, _save

FILLED = ("definitions",)  # the sheets a template keeps filled in


def new_study_context(language: str | None = None) -> ExportContext:
    """What a template for a study not yet in the database describes: the Bridge and every
    questionnaire the database knows (latest versions), the default moments, the template
    survey and action types."""
    language = language or i18n.language()
    found = catalogue()
    bridge = next(d for d in sorted(found.values(), key=lambda d: d.key != "bridge")
                  if d.kind == "bridge")
    questionnaires = tuple(LinkedInstrument(NEW_STUDY, d, d.cutoff, d.norm)
                           for d in found.values() if d.kind == "questionnaire")
    moments = tuple(MomentInfo(NEW_STUDY, spec.key, spec.name, position, spec.months)
                    for position, spec in enumerate(default_moments(language)))
    study = StudyInfo(NEW_STUDY, "", "", "", language, None, None, (), moments,
                      (bridge.key, *(q.key for q in questionnaires)))
    kinds = tuple(ActionKind(entry["key"], i18n.pick(entry["label"], language),
                             bool(entry["rewardable"])) for entry in template_action_types())
    return ExportContext(study, language, NEW_STUDY, bridge, questionnaires,
                         builtin_surveys()[SURVEY_KEY], kinds)


def write_template(study_id: int | None, target: Path | str,
                   language: str | None = None) -> WorkbookResult:
    """Write the empty workbook of a study (or, with None, of a new study) to `target`, all
    or nothing. The database must be open: the study, or its instruments, come from it."""
    ctx = (export_context(study_id, language) if study_id is not None
           else new_study_context(language))
    sheets = [sheet if sheet.name in FILLED else replace(sheet, rows=list, expected_rows=0)
              for sheet in data_sheets(ctx)]
    result: dict[str, WorkbookResult] = {}

    def write(temporary: Path) -> None:
        run = _Run(Workbook(write_only=True), temporary.parent, 1, None, None)
        try:
            result["done"] = _write(ctx, run, sheets, temporary, Path(target))
        finally:
            run.discard()

    write_atomically(Path(target), write)
    return result["done"]


def _write(ctx: ExportContext, run: _Run, sheets: list[Sheet], temporary: Path,
           target: Path) -> WorkbookResult:
    capacity = EXCEL_MAX_ROWS - 1
    info = run.new_sheet(Sheet("info", "", info_columns(ctx), list), run.title("info"))
    written = [(sheet, run.write(sheet, capacity)) for sheet in sheets]
    codebook = codebook_sheet(ctx, [(sheet, [part.title for part in parts])
                                    for sheet, parts in written], capacity)
    codebook_parts = run.write(codebook, capacity)
    for index, part in enumerate(codebook_parts, start=1):
        run.workbook.move_sheet(part.title, index - run.workbook._sheets.index(part))
    parts = [(codebook, part) for part in codebook_parts] + [
        (sheet, part) for sheet, made in written for part in made]
    overview = [(part.title, part.rows_written, sheet.description) for sheet, part in parts]
    info.append_rows(info_rows(ctx, dt.datetime.now().replace(microsecond=0), 0.05, overview))
    info.finish_layout(autofilter=False)
    run.workbook.properties.creator = f"Brugmeter {__version__}"
    run.workbook.properties.title = xml_safe(ctx.study.name or ctx.t("workbook.template.title"))
    _save(run.workbook, temporary)
    return WorkbookResult(target, {part.title: part.rows_written for _, part in parts})
