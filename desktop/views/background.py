"""Work off the GUI thread: writing a factsheet or a workbook, reading a workbook in, take
seconds on a large study, and the window must stay responsive meanwhile.

A Job runs one function on Qt's thread pool; its signals reach the GUI thread queued, so views
connect to them as to any widget's. The function gets a progress callback and a `cancelled`
callable (the protocol of the factsheet generator, the workbook export and the import); it
stops by raising one of the job's `cancel_errors()`. Every job, of any kind, is known here, so
opening another database or quitting stops them all (`stop_all`), and each job closes the
connection its pool thread opened to the database it started on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget
from shiboken6 import isValid

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
Work = Callable[[Progress, Cancelled], object]


class Database(Protocol):
    """What a job needs of the database it started on: closing its thread's connection."""

    def is_closed(self) -> bool: ...

    def close(self) -> object: ...


class JobCancelled(Exception):  # noqa: N818 - a request, not a fault
    """Raised by work that stops on its own cancel check; every job takes it as a cancel."""


_running: set[Job] = set()  # jobs keep themselves alive until their last signal is delivered
_quit_hooked = False


class Job(QObject):
    """One piece of work on the thread pool. Exactly one of succeeded(value), failed(error) or
    cancelled() arrives, then finished(). An error is passed on, not raised: the view decides
    how to show it. Subclasses name the exceptions that mean "cancelled" (cancel_errors)."""

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

    def cancel_errors(self) -> tuple[type[BaseException], ...]:
        """The exceptions by which the work says it stopped on a cancel (called on the pool
        thread, so a subclass may import its generator there)."""
        return (JobCancelled,)

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
        try:
            value = self._work(self.progressed.emit, self._cancel.is_set)
        except Exception as error:
            if self._stopped_by(error):
                self.cancelled.emit()
            else:  # shown by the view: a BrugmeterError plainly, else as a bug
                if not isinstance(error, _expected_errors()):
                    log.exception("background job failed")
                self.failed.emit(error)
        else:
            self.succeeded.emit(value)
        finally:
            _close_thread_connection(self._database)
            self.finished.emit()

    def _stopped_by(self, error: Exception) -> bool:
        try:
            return isinstance(error, (JobCancelled, *self.cancel_errors()))
        except Exception:  # the generator cannot even be imported: a fault, not a cancel
            log.exception("could not tell whether the job was cancelled")
            return False

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


def progress_dialog(parent: QWidget, label: str, title: str, cancel_text: str, delay_ms: int,
                    on_cancel: Callable[[], None]) -> QProgressDialog:
    """The window-modal progress dialog of a job: it shows only once the job has run for
    `delay_ms` (a quick job never flashes one) and stays open until the job says it ended."""
    dialog = QProgressDialog(label, cancel_text, 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setValue(0)  # started: the dialog's timer now runs from here …
    dialog.setMinimumDuration(delay_ms)  # … and a quick job never flashes one
    dialog.canceled.connect(on_cancel)
    return dialog


def show_progress(dialog: QProgressDialog, done: int, total: int) -> None:
    dialog.setMaximum(max(total, 1))
    dialog.setValue(min(done, total))


def close_progress(dialog: QProgressDialog | None, window: QWidget,
                   focus_before: QWidget | None, on_cancel: Callable[[], None]) -> None:
    """Hide a job's progress dialog and give the keyboard back to where it was when the job
    started: the hidden dialog leaves no active window behind on some platforms (Qt's
    offscreen one, some X11 window managers), and keys would then reach nothing."""
    active = QApplication.activeWindow()
    shown = dialog is not None and dialog.isVisible()
    if dialog is not None:
        dialog.canceled.disconnect(on_cancel)  # closing emits canceled too
        dialog.hide()
        dialog.deleteLater()
    if shown and window.isVisible() and (active is None or active is dialog):
        window.activateWindow()
    if (focus_before is not None and isValid(focus_before)
            and focus_before.window() is window and focus_before.isVisible()
            and focus_before.isEnabled()):
        focus_before.setFocus(Qt.FocusReason.OtherFocusReason)
