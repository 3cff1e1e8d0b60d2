"""Importing a workbook (issue 7): into an existing study, or into a new one made from the
workbook's definitions; the sheets the export writes, read in their order, every cell through
the services' checks; all or nothing — one transaction, rolled back when any cell is refused —
with the rows written in bulk.

Sheets read: definitions (for a new study), participants, professionals, bridge, q_<key>,
survey, actions, transcripts, interviews, qual_codes and codings. The wide sheets, the
codebook, the findings and the info sheet (but for the study's name) are computed by the
export and not read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from desktop.i18n import tr
from desktop.models import audit
from desktop.models.database import transaction
from desktop.models.services.studies import get_study
from reports.workbook.audit_sheet import AUDIT_SHEET
from reports.workbook.columns import Sheet
from reports.workbook.context import ExportContext, export_context
from reports.workbook.definition_sheet import definitions_sheet
from reports.workbook.importer import answers, people, plans, qualitative
from reports.workbook.importer.base import Run
from reports.workbook.importer.package import Package, WorkbookFileError
from reports.workbook.importer.report import ImportReport
from reports.workbook.importer.state import Known, Store
from reports.workbook.importer.study_setup import (
    Plan,
    Setup,
    find_study,
    read_definitions,
    read_info,
)
from reports.workbook.importer.tables import Table, part_titles, sheet_titles
from reports.workbook.registry import data_sheets
from reports.workbook.template import new_study_context

Progress = Callable[[int, int], None]
NOT_DATA = ("info", "codebook", "findings_")  # titles (and title starts) the export computes
INFO_ROWS = 40  # the study's facts are at the top of the info sheet


class ImportCancelled(Exception):  # noqa: N818 - a request, not a fault
    """The user cancelled; nothing was written."""


class _Rollback(Exception):  # noqa: N818
    """Cells were refused: undo everything."""


class _Ticker:
    def __init__(self, progress: Progress | None, cancelled: Callable[[], bool] | None) -> None:
        self.progress = progress or (lambda _done, _total: None)
        self.cancelled = cancelled
        self.total = 1
        self.done = 0

    def check(self, _rows: int = 0) -> None:
        if self.cancelled is not None and self.cancelled():
            raise ImportCancelled

    def __call__(self, rows: int) -> None:
        self.check()
        self.done = min(self.total, self.done + rows)
        self.progress(self.done, self.total)

    def finish(self) -> None:
        self.done = self.total
        self.progress(self.done, self.total)


def import_workbook(path: Path | str, study_id: int | None = None, *,
                    study_name: str | None = None, progress: Progress | None = None,
                    cancelled: Callable[[], bool] | None = None) -> ImportReport:
    """Import the workbook at `path` into the open database: into `study_id`, or the study
    named `study_name` or by the workbook, created from the workbook's definitions when the
    database has no study of that name. Returns the report; nothing is written unless every
    cell passed. `progress(done, total)` follows the rows read; `cancelled()` is asked between
    batches of rows and stops the import with ImportCancelled, writing nothing."""
    report = ImportReport(Path(path))
    ticker = _Ticker(progress, cancelled)
    try:
        with Package(path) as package:
            _import(package, report, study_id, study_name, ticker)
    except WorkbookFileError as error:
        report.study_id = None
        report.refuse_file(error)
    except _Rollback:
        report.study_id = None
    return report


def _located(titles: list[str], names: list[str]) -> dict[str, list[str]]:
    """Each sheet's title(s) in the workbook: the export's title, or its numbered parts."""
    found = set(titles)
    located: dict[str, list[str]] = {}
    for name, title in sheet_titles(names).items():
        parts = [title] if title in found else part_titles(name, found)
        if parts:
            located[name] = parts
    return located


def _plan(package: Package, report: ImportReport, ticker: _Ticker) -> Plan:
    """What the workbook says of its study: its definitions and the info sheet's name."""
    plan = Plan()
    titles = _located(package.titles, ["definitions"]).get("definitions")
    if titles:
        columns = definitions_sheet(new_study_context()).columns
        read_definitions(Table(package, report, "definitions", titles, columns,
                               ("kind", "key", "version", "part", "value"), ticker.check),
                         plan)
    if "info" in package.titles:
        facts: list[tuple[object, object]] = []
        for number, cells in package.rows("info"):
            by_column = {cell["column"]: cell["value"] for cell in cells}
            facts.append((by_column.get(1), by_column.get(2)))
            if number >= INFO_ROWS:
                break
        read_info(facts, plan)
    return plan


def _study(plan: Plan, report: ImportReport, study_id: int | None,
           study_name: str | None) -> int:
    """The study to import into, created from the plan where the database has none."""
    if study_id is not None:
        get_study(study_id)  # NotFoundError for a study that is gone
    else:
        name = (study_name or plan.name or "").strip()
        if not name:
            report.reject("definitions", 0, "", "", "", tr("import.no_study_name"))
            raise _Rollback
        study_id = find_study(name)
        if study_id is None:
            if plan.table is None:
                report.reject("definitions", 0, "", "", "", tr("import.sheet_missing",
                                                               sheet="definitions",
                                                               unknown="–"))
                raise _Rollback
            study_id = Setup(plan, report).create(name)
            if study_id is None or report.rejected_count:
                raise _Rollback
            report.created = True
            report.rows["definitions"] = plan.table.count
            return study_id
    if plan.entries:
        report.note(plan.table.title if plan.table else "definitions", "",
                    "import.definitions_kept", name=get_study(study_id).name)
    return study_id


def _refuse_other_versions(plan: Plan, report: ImportReport, ctx: ExportContext) -> None:
    """Answers given on one version of an instrument are never stored under another: into an
    existing study whose version of an instrument differs from the workbook's, nothing goes
    (the app's rule that a definition never reinterprets stored answers)."""
    versions = {ctx.bridge.key: ctx.bridge.version,
                **{linked.definition.key: linked.definition.version
                   for linked in ctx.questionnaires}}
    for entry in plan.of("instrument"):
        ours = versions.get(entry.key)
        if ours is not None and entry.version is not None and entry.version != ours:
            report.reject(entry.row.title, entry.row.number, "version", "", entry.version,
                          tr("import.version_differs", key=entry.key, theirs=entry.version,
                             ours=ours))
    if report.rejected_count:
        raise _Rollback


def _holds_values(package: Package, title: str, tick: Callable[[int], None]) -> bool:
    return any(cell["value"] not in (None, "") for _, cells in package.rows(title, tick)
               for cell in cells)


def _layout(package: Package, report: ImportReport, ticker: _Ticker, sheets: list[Sheet],
            read: list[str]) -> dict[str, list[str]]:
    """Where each sheet is; missing sheets to read are refused, and so are sheets the
    template does not have that hold rows (they would be lost); empty ones are noted."""
    located = _located(package.titles, [sheet.name for sheet in sheets])
    known = {title for titles in located.values() for title in titles}
    unknown = [title for title in package.titles if title not in known
               and not title.startswith(NOT_DATA)]
    for name in read:
        if name not in located:
            report.reject(name, 0, "", "", "", tr("import.sheet_missing", sheet=name,
                                                  unknown=", ".join(unknown) or "–"))
    for title in unknown:
        if _holds_values(package, title, ticker.check):  # a cancel is heard here too
            report.reject(title, 0, "", "", "", tr("import.sheet_unknown", sheet=title))
        else:
            report.note(title, "", "import.sheet_unknown_empty", sheet=title)
    computed = [title for name, titles in located.items() if name not in read
                and name not in ("definitions", AUDIT_SHEET) for title in titles
                if package.size(title) > 1]
    for title in located.get(AUDIT_SHEET, ()):  # the trail is the database's, never a file's
        report.note(title, "", "import.audit_skipped")
    if computed:
        report.note("", "", "import.sheet_computed", sheets=", ".join(computed))
    return located


def _import(package: Package, report: ImportReport, study_id: int | None,
            study_name: str | None, ticker: _Ticker) -> None:
    plan = _plan(package, report, ticker)
    with transaction():
        study_id = _study(plan, report, study_id, study_name)
        ctx = export_context(study_id)
        _refuse_other_versions(plan, report, ctx)
        sheets = data_sheets(ctx, trail=True)
        read = ["participants", "professionals", "bridge",
                *(f"q_{linked.definition.key}" for linked in ctx.questionnaires),
                "survey", "actions", "transcripts", "interviews", "qual_codes", "codings"]
        located = _layout(package, report, ticker, sheets, read)
        if report.rejected_count:
            raise _Rollback
        ticker.total = max(1, sum(package.size(title) for name in read
                                  for title in located.get(name, ())))
        store = Store(report)
        run = Run(package, report, Known.load(study_id), store,
                  {sheet.name: sheet for sheet in sheets}, located, ticker,
                  audit.current_user(), dt.datetime.now().replace(microsecond=0))
        people.import_participants(run)
        people.import_professionals(run)
        answers.import_responses(run, "bridge", ctx.bridge_id, ctx.bridge, "pillar", "level")
        answers.import_questionnaires(run, list(ctx.questionnaires))
        answers.import_survey(run)
        plans.import_actions(run)
        qualitative.import_interviews(run, qualitative.import_transcripts(run))
        qualitative.import_codes(run)
        qualitative.import_codings(run)
        if report.rejected_count:
            raise _Rollback
        store.finish()
        ticker.finish()
        audit.record("study", study_id, "import",
                     {"file": (None, package.path.name),
                      **{name: (None, rows) for name, rows in report.rows.items()}})
        report.study_id = study_id
        report.study_name = get_study(study_id).name
