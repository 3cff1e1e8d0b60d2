"""The Excel workbook of a study (DESIGN §5): an info sheet, the findings with their charts, the
codebook and every kind of data in long format (plus wide Bridge, questionnaire and survey
sheets), written to a temporary file beside the target and renamed at the end, so a cancelled
or failed export leaves no file behind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from desktop import __version__
from desktop.models.files import write_atomically
from reports.findings import study_findings
from reports.workbook.codebook import codebook_sheet
from reports.workbook.columns import Sheet, chunks
from reports.workbook.context import ExportContext, export_context
from reports.workbook.findings_sheets import FINDINGS_SHEETS
from reports.workbook.info import info_columns, info_rows
from reports.workbook.registry import data_sheets
from reports.workbook.stream import EXCEL_MAX_ROWS, StreamedSheet, xml_safe

Progress = Callable[[int, int], None]
CHUNK = 5000  # rows between two looks at `cancelled`
ZIP_LEVEL = 4  # zlib: half the time of the default 6 for a file 3% larger
_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


class WorkbookCancelled(Exception):  # noqa: N818 - a request, not a fault
    """The user cancelled; nothing was written."""


@dataclass(frozen=True)
class WorkbookResult:
    path: Path
    rows: dict[str, int]  # sheet title → data rows (the header not counted), in sheet order
    splits: dict[str, tuple[str, ...]] = field(default_factory=dict)  # sheet → its parts

    @property
    def sheets(self) -> tuple[str, ...]:
        return tuple(self.rows)


class _Run:
    """One export's bookkeeping: sheet titles, progress, the cancel check, temporary files."""

    def __init__(self, workbook: Workbook, folder: Path, total: int,
                 progress: Progress | None, cancelled: Callable[[], bool] | None) -> None:
        self.workbook = workbook
        self.folder = folder
        self.total = max(total, 1)
        self.done = 0
        self._progress = progress or (lambda _done, _total: None)
        self._cancelled = cancelled
        self.sheets: list[StreamedSheet] = []
        self._titles: set[str] = set()

    def tick(self, rows: int = 0) -> None:
        if self._cancelled is not None and self._cancelled():
            raise WorkbookCancelled
        self.done = min(self.done + rows, self.total)
        self._progress(self.done, self.total)

    def title(self, base: str, suffix: str = "") -> str:
        """A valid, unused sheet title: at most 31 characters, none of []:*?/\\."""
        base = base.translate(_FORBIDDEN)
        title = base[:31 - len(suffix)] + suffix
        number = 2
        while title.casefold() in self._titles:
            tail = f"{suffix}~{number}"
            title, number = base[:31 - len(tail)] + tail, number + 1
        self._titles.add(title.casefold())
        return title

    def new_sheet(self, sheet: Sheet, title: str) -> StreamedSheet:
        made = StreamedSheet(self.workbook, title, sheet.columns, sheet.header(),
                             on_close=lambda: self.tick(1), folder=self.folder)
        self.sheets.append(made)
        return made

    def write(self, sheet: Sheet, capacity: int) -> list[StreamedSheet]:
        """Stream the sheet's rows; past `capacity` rows it goes on in sheet_2, sheet_3 … and
        the first becomes sheet_1."""
        parts = [self.new_sheet(sheet, self.title(sheet.name))]
        for batch in chunks(sheet.rows(), CHUNK):
            self.tick()
            rest = batch
            while rest:
                current = parts[-1]
                room = capacity - current.rows_written
                if room <= 0:
                    if len(parts) == 1:
                        self._titles.discard(current.title.casefold())
                        current.title = self.title(sheet.name, "_1")
                    parts.append(self.new_sheet(sheet, self.title(sheet.name,
                                                                  f"_{len(parts) + 1}")))
                    continue
                current.append_rows(rest[:room])
                rest = rest[room:]
            self.tick(len(batch))
        for part in parts:
            part.finish_layout(sheet.freeze)
            if sheet.charts is not None:
                sheet.charts(part, part.rows_written)
        return parts

    def discard(self) -> None:
        for sheet in self.sheets:
            sheet.discard()


def write_workbook(study_id: int, target: Path | str, progress: Progress | None = None,
                   cancelled: Callable[[], bool] | None = None, language: str | None = None,
                   *, alpha: float = 0.05, max_rows: int = EXCEL_MAX_ROWS) -> WorkbookResult:
    """Write the study's workbook to `target` (language: the study's unless given). `progress`
    gets (done, total) as rows are written; `cancelled` is asked between batches of rows and
    makes the export stop with WorkbookCancelled, leaving nothing behind. `max_rows` is the
    rows per sheet, the header included (Excel's limit; lower only to test the split)."""
    ctx = export_context(study_id, language)
    found = study_findings(study_id, alpha=alpha, language=ctx.language)
    findings = [sheet for kind in FINDINGS_SHEETS for sheet in kind(ctx, found)]
    data = data_sheets(ctx, trail=True)
    total = sum(sheet.expected_rows for sheet in findings + data) + len(findings + data) + 2
    result: dict[str, WorkbookResult] = {}

    def write(temporary: Path) -> None:
        run = _Run(Workbook(write_only=True), temporary.parent, total, progress, cancelled)
        try:
            result["done"] = _write(ctx, run, findings, data, alpha, max_rows, temporary,
                                    Path(target))
        finally:
            run.discard()

    write_atomically(Path(target), write)
    return result["done"]


def _write(ctx: ExportContext, run: _Run, findings: list[Sheet], data: list[Sheet],
           alpha: float, max_rows: int, temporary: Path, target: Path) -> WorkbookResult:
    run.tick()
    capacity = max_rows - 1
    info = run.new_sheet(Sheet("info", "", info_columns(ctx), list), run.title("info"))
    written: list[tuple[Sheet, list[StreamedSheet]]] = [
        (sheet, run.write(sheet, capacity)) for sheet in findings]
    codebook_at = len(run.workbook._sheets)  # the codebook goes before the data sheets
    data_written = [(sheet, run.write(sheet, capacity)) for sheet in data]
    codebook = codebook_sheet(ctx, [(sheet, [part.title for part in parts])
                                    for sheet, parts in data_written], capacity)
    codebook_parts = run.write(codebook, capacity)
    for part in codebook_parts:
        run.workbook.move_sheet(part.title, codebook_at - run.workbook._sheets.index(part))
        codebook_at += 1
    written += [(codebook, codebook_parts), *data_written]
    order = {id(part): index for index, part in enumerate(run.workbook._sheets)}
    parts = sorted(((sheet, part) for sheet, made in written for part in made),
                   key=lambda pair: order[id(pair[1])])
    overview = [(part.title, part.rows_written, sheet.description) for sheet, part in parts]
    exported_at = dt.datetime.now().replace(microsecond=0)
    info.append_rows(info_rows(ctx, exported_at, alpha, overview))
    info.finish_layout(autofilter=False)
    run.workbook.properties.creator = f"Brugmeter {__version__}"
    run.workbook.properties.title = xml_safe(ctx.study.name)  # docProps/core.xml
    _save(run.workbook, temporary)
    return WorkbookResult(
        target, {part.title: part.rows_written for _, part in parts},
        {sheet.name: tuple(p.title for p in made) for sheet, made in written if len(made) > 1})


def _save(workbook: Workbook, path: Path) -> None:
    """openpyxl's save_workbook with a faster compression level: a large study's sheets are a
    few hundred megabytes of XML, and level 6 spends seconds on the last few percent."""
    workbook.properties.modified = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=ZIP_LEVEL) as archive:
        ExcelWriter(workbook, archive).save()
