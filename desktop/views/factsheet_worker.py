"""Factsheet work off the GUI thread: writing the PDF, rendering its preview and working out the
result sentences take seconds on a large study, and the window must stay responsive meanwhile.

A Job runs one function on Qt's thread pool; its signals reach the GUI thread queued, so views
connect to them as to any widget's. The function gets a progress callback and a `cancelled`
callable, the generator's own protocol. The generator is imported only here, when a job first
runs, so the app starts without it.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal, Slot

if TYPE_CHECKING:
    from desktop.views.pdf_preview import RenderedPage
    from reports.factsheet import FactsheetRequest, FactsheetResult

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
Work = Callable[[Progress, Cancelled], object]


class Database(Protocol):
    """What a job needs of the database it started on: closing its thread's connection."""

    def is_closed(self) -> bool: ...

    def close(self) -> object: ...


_running: set[Job] = set()  # jobs keep themselves alive until their last signal is delivered
_quit_hooked = False


@dataclass(frozen=True)
class Preview:
    """A generated factsheet for the screen: the generator's result, the PDF itself (the
    temporary file is gone; zooming renders again from these bytes) and its rendered pages."""

    result: FactsheetResult
    pdf: bytes
    pages: tuple[RenderedPage, ...]


class Job(QObject):
    """One piece of work on the thread pool. Exactly one of succeeded(value), failed(error) or
    cancelled() arrives, then finished(). An error is passed on, not raised: the view decides
    how to show it."""

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    finished = Signal()

    def __init__(self, work: Work, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self._cancel = threading.Event()
        self._running = False
        self._database: Database | None = None  # the database the job started on
        self.finished.connect(self._forget)

    def start(self) -> None:
        _stop_jobs_on_quit()
        self._database = _current_database()
        self._running = True
        _running.add(self)
        QThreadPool.globalInstance().start(self._run)

    def cancel(self) -> None:
        """Ask the work to stop; it stops at its next check and leaves nothing behind."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def is_running(self) -> bool:
        return self._running

    def _run(self) -> None:
        """On a pool thread. Never raises: an exception here would be lost or end the app."""
        from reports.factsheet import FactsheetCancelled

        try:
            value = self._work(self.progressed.emit, self._cancel.is_set)
        except FactsheetCancelled:
            self.cancelled.emit()
        except Exception as error:  # shown by the view: a BrugmeterError plainly, else as a bug
            if not isinstance(error, _expected_errors()):
                log.exception("factsheet job failed")
            self.failed.emit(error)
        else:
            self.succeeded.emit(value)
        finally:
            _close_thread_connection(self._database)
            self.finished.emit()

    @Slot()
    def _forget(self) -> None:
        """On the GUI thread, after the last signal: the job may now be collected."""
        self._running = False
        _running.discard(self)


def _expected_errors() -> tuple[type[Exception], ...]:
    from desktop.models.errors import BrugmeterError

    return (BrugmeterError,)


def _current_database() -> Database | None:
    """The database the models are bound to now, for a job to close its own connection to it
    at the end, even if another file was opened meanwhile."""
    from desktop.models.database import current_database

    return current_database()


def _close_thread_connection(db: Database | None = None) -> None:
    """Pool threads live on: close the database connection peewee opened for this one (its
    connections are per thread, so the GUI thread's stays open). `db` is the database the
    job started on, so a switch meanwhile cannot make it close another database's."""
    from desktop.models.database import close_database

    try:
        if db is None:
            close_database()
        elif not db.is_closed():
            db.close()
    except Exception:  # the connection is unusable anyway; the next query opens a new one
        log.exception("could not close the worker thread's database connection")


def _stop_jobs_on_quit() -> None:
    """Quitting cancels what runs and waits for it, so no thread outlives the app."""
    global _quit_hooked
    app = QCoreApplication.instance()
    if app is not None and not _quit_hooked:
        app.aboutToQuit.connect(_quit)
        _quit_hooked = True


def _quit() -> None:
    stop_all(10_000)


def running_jobs() -> int:
    return len(_running)


def cancel_all() -> None:
    for job in list(_running):
        job.cancel()


def wait_for_jobs(milliseconds: int = 30_000) -> bool:
    """Wait until every job's work is done (their signals still have to be delivered); True
    when all finished in time. Used on quitting and by tests."""
    return QThreadPool.globalInstance().waitForDone(milliseconds)


def stop_all(milliseconds: int = 30_000) -> bool:
    """Cancel every job and wait until their work is done, before the database they read is
    closed or replaced (leaving the page, opening another database, quitting): a job must not
    go on reading through the models once they are bound to another database. True when all
    stopped in time; their last signals are still delivered, to the senders' views."""
    cancel_all()
    return wait_for_jobs(milliseconds)


# the work ----------------------------------------------------------------------------------
def save_job(request: FactsheetRequest, target: Path) -> Job:
    """Write the factsheet to `target`; succeeded(FactsheetResult)."""

    def work(progress: Progress, cancelled: Cancelled) -> object:
        from reports.factsheet import write_factsheet

        return write_factsheet(request, target, progress, cancelled)

    return Job(work)


def preview_job(request: FactsheetRequest, scale: Callable[[float], float]) -> Job:
    """Write the factsheet to a temporary file and render its pages; succeeded(Preview).
    `scale(page_width)` gives the render scale for a page of that width in points."""

    def work(progress: Progress, cancelled: Cancelled) -> object:
        from desktop.views.pdf_preview import render_pages
        from reports.factsheet import FactsheetCancelled, write_factsheet

        with tempfile.TemporaryDirectory(prefix="brugmeter-preview-") as folder:
            path = Path(folder) / "factsheet.pdf"
            result = write_factsheet(request, path, progress, cancelled)
            data = path.read_bytes()
        pages = render_pages(data, scale, cancelled)
        if pages is None:
            raise FactsheetCancelled()
        return Preview(result, data, tuple(pages))

    return Job(work)


def sentences_job(request: FactsheetRequest) -> Job:
    """The result sentences of one edition; succeeded(list[SentenceRow])."""

    def work(_progress: Progress, _cancelled: Cancelled) -> object:
        from reports.factsheet import result_sentences

        return result_sentences(request)

    return Job(work)
