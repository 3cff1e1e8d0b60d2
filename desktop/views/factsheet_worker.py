"""Factsheet work off the GUI thread: writing the PDF, rendering its preview and working out the
result sentences take seconds on a large study, and the window must stay responsive meanwhile.

The jobs are background jobs (desktop/views/background.py), so opening another database or
quitting stops them with every other. The generator is imported only here, when a job first
runs, so the app starts without it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.views import background
from desktop.views.background import (
    Cancelled,
    Progress,
    Work,
    cancel_all,
    running_jobs,
    stop_all,
    wait_for_jobs,
)

if TYPE_CHECKING:
    from desktop.views.pdf_preview import RenderedPage
    from reports.factsheet import FactsheetRequest, FactsheetResult

__all__ = ["Job", "Preview", "Work", "cancel_all", "preview_job", "running_jobs", "save_job",
           "sentences_job", "stop_all", "wait_for_jobs"]


@dataclass(frozen=True)
class Preview:
    """A generated factsheet for the screen: the generator's result, the PDF itself (the
    temporary file is gone; zooming renders again from these bytes) and its rendered pages."""

    result: FactsheetResult
    pdf: bytes
    pages: tuple[RenderedPage, ...]


class Job(background.Job):
    """A background job whose work is the factsheet generator: it stops with
    FactsheetCancelled."""

    def cancel_errors(self) -> tuple[type[BaseException], ...]:
        from reports.factsheet import FactsheetCancelled

        return (FactsheetCancelled,)


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
