"""Workbook work off the GUI thread (issue 7): the export (and its SPSS files) and the import,
as background jobs (desktop/views/background.py), so opening another database or quitting
stops them with every other. reports.workbook is imported only when a job runs.

The export with SPSS files stays all or nothing: the workbook and the .sav files are written
into a folder beside the target and moved into place at the end, so a cancel or a failure
halfway leaves none of them (write_workbook and write_sav are each all or nothing on their
own, but not together).
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.models.errors import BrugmeterError, StorageError
from desktop.views import background
from desktop.views.background import Cancelled, Progress

if TYPE_CHECKING:
    from reports.workbook import SavResult, WorkbookResult

SCALE = 1000  # progress steps per part (the workbook, the SPSS files)
_REASONS = {getattr(errno, name): key for name, key in (
    ("ENOSPC", "error.file_disk_full"), ("EDQUOT", "error.file_disk_full"),
    ("EACCES", "error.file_not_writable"), ("EPERM", "error.file_not_writable"),
    ("EROFS", "error.file_not_writable"), ("ENOENT", "error.file_folder_missing"),
    ("EBUSY", "error.file_locked"),
) if hasattr(errno, name)}  # the words desktop/models/files.py gives any file the app writes


@dataclass(frozen=True)
class ExportRequest:
    study_id: int
    target: Path
    language: str
    sav: bool


@dataclass(frozen=True)
class ExportDone:
    workbook: WorkbookResult
    sav: SavResult | None

    @property
    def rows(self) -> int:
        return sum(self.workbook.rows.values())


class Job(background.Job):
    """A background job whose work is the workbook export or import."""

    def cancel_errors(self) -> tuple[type[BaseException], ...]:
        from reports.workbook import WorkbookCancelled
        from reports.workbook.importer import ImportCancelled

        return (WorkbookCancelled, ImportCancelled)


def _part(progress: Progress, index: int, parts: int) -> Progress:
    """Progress of one part of several, on one bar."""
    def report(done: int, total: int) -> None:
        progress(index * SCALE + (done * SCALE) // max(total, 1), parts * SCALE)
    return report


def _storage_error(error: OSError, target: Path) -> StorageError:
    key = _REASONS.get(error.errno or 0, "error.file_write")
    return StorageError(key, file=str(target), problem=error.strerror or str(error))


def _named_after(error: BrugmeterError, staging: Path, folder: Path) -> BrugmeterError:
    """An error about a file in the staging folder, told about the file the user chose."""
    found = error.params.get("file")
    if isinstance(found, str) and found.startswith(str(staging)):
        error.params["file"] = str(folder) + found[len(str(staging)):]
    return error


def export(request: ExportRequest, progress: Progress, cancelled: Cancelled) -> ExportDone:
    """Write the workbook (and, asked for, its SPSS files); all of them or nothing."""
    from reports.workbook import SavResult, WorkbookResult, write_sav, write_workbook

    target = request.target
    if not request.sav:
        book = write_workbook(request.study_id, target, _part(progress, 0, 1), cancelled,
                              request.language)
        return ExportDone(book, None)
    try:
        staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    except OSError as error:
        raise _storage_error(error, target) from None
    try:
        book = write_workbook(request.study_id, staging / target.name, _part(progress, 0, 2),
                              cancelled, request.language)
        spss = write_sav(request.study_id, staging / target.name, _part(progress, 1, 2),
                         cancelled, request.language)
        if cancelled():
            from reports.workbook import WorkbookCancelled

            raise WorkbookCancelled
        try:  # the workbook first: a target locked elsewhere stops the export here
            os.replace(book.path, target)
            moved = []
            for path in spss.paths:
                moved.append(target.parent / path.name)
                os.replace(path, moved[-1])
        except OSError as error:
            raise _storage_error(error, target) from None
    except BrugmeterError as error:
        raise _named_after(error, staging, target.parent) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ExportDone(WorkbookResult(target, book.rows, book.splits),
                      SavResult(tuple(moved), spss.rows))


def export_job(request: ExportRequest) -> Job:
    """succeeded(ExportDone)."""
    return Job(lambda progress, cancelled: export(request, progress, cancelled))


def import_job(path: Path) -> Job:
    """Import the workbook at `path` into the open database, into the study it names (made
    from its definitions when the database has none of that name); succeeded(ImportReport),
    whether or not the workbook was taken: the report says which."""

    def work(progress: Progress, cancelled: Cancelled) -> object:
        from reports.workbook.importer import import_workbook

        return import_workbook(path, progress=progress, cancelled=cancelled)

    return Job(work)
