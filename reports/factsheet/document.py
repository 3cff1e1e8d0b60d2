"""Laying out the factsheet on A4 pages: a footer with the study, the generation date and
"page x of y" on every page, written to a temporary file and renamed at the end."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from desktop import __version__
from desktop.models.files import write_atomically
from reports.factsheet import style
from reports.factsheet.content import FactsheetContent, FactsheetRequest, gather
from reports.factsheet.sections import SECTIONS
from reports.factsheet.words import long_date, text

Progress = Callable[[int, int], None]


class FactsheetCancelled(Exception):  # noqa: N818 - a request, not a fault
    """The user cancelled; nothing was written."""


@dataclass(frozen=True)
class FactsheetResult:
    path: Path
    pages: int
    warnings: tuple[str, ...]


def write_factsheet(request: FactsheetRequest, target: Path | str,
                    progress: Progress | None = None,
                    cancelled: Callable[[], bool] | None = None) -> FactsheetResult:
    """Write one edition of the factsheet to `target`; a failure or a cancel leaves no file."""
    steps = len(SECTIONS) + 2
    report = progress or (lambda _done, _total: None)

    def check(done: int) -> None:
        if cancelled is not None and cancelled():
            raise FactsheetCancelled
        report(done, steps)

    check(0)
    content = gather(request)
    check(1)
    story: list[Flowable] = []
    for index, (_name, section) in enumerate(SECTIONS, start=2):
        story += section(content)
        check(index)
    pages: list[int] = []
    write_atomically(Path(target), lambda temporary: pages.append(
        _build(content, story, temporary, lambda: check(steps - 1))))
    report(steps, steps)
    return FactsheetResult(Path(target), pages[0], tuple(content.warnings))


def _build(content: FactsheetContent, story: list[Flowable], path: Path,
           on_page: Callable[[], None]) -> int:
    style.register_fonts()
    language, study = content.language, content.study
    today = content.request.today or dt.date.today()
    footer_left = study.name
    site = content.findings["site"]
    if site:
        footer_left += " · " + site["name"]
    generated = text("footer.generated", language, date=long_date(today, language))
    counted: list[int] = []

    class NumberedCanvas(Canvas):
        """Holds the pages back until the end, so each footer can say "page x of y"."""

        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            counted.append(total)
            super().save()

        def _footer(self, total: int) -> None:
            width, _ = A4
            self.setStrokeColor(style.RULE)
            self.setLineWidth(0.5)
            self.line(style.PAGE_MARGIN, 1.45 * 28.35, width - style.PAGE_MARGIN, 1.45 * 28.35)
            self.setFont(style.FONT, 7)
            self.setFillColor(style.MUTED)
            room = width / 2 - style.PAGE_MARGIN - stringWidth(generated, style.FONT, 7) / 2 - 12
            self.drawString(style.PAGE_MARGIN, 1.0 * 28.35, _fit(footer_left, room))
            self.drawCentredString(width / 2, 1.0 * 28.35, generated)
            self.drawRightString(width - style.PAGE_MARGIN, 1.0 * 28.35,
                                 text("footer.page", language, page=self._pageNumber,
                                      pages=total))

    def page(_canvas: Canvas, _doc: BaseDocTemplate) -> None:
        on_page()

    document = BaseDocTemplate(
        str(path), pagesize=A4, leftMargin=style.PAGE_MARGIN, rightMargin=style.PAGE_MARGIN,
        topMargin=style.PAGE_MARGIN * 0.85, bottomMargin=style.PAGE_MARGIN,
        title=text("title", language, study=study.name), author=study.organisation,
        subject=text("subject", language), creator=f"Brugmeter {__version__}",
        lang=language, initialFontName=style.FONT)  # else every page also names Helvetica
    frame = Frame(document.leftMargin, document.bottomMargin, document.width, document.height,
                  id="body", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    document.addPageTemplates([PageTemplate("page", [frame], onPage=page)])
    document.build(story, canvasmaker=NumberedCanvas)
    return counted[0]


def _fit(value: str, room: float) -> str:
    """The footer's study name shortened with "…" to the room left of the date."""
    if stringWidth(value, style.FONT, 7) <= room:
        return value
    while value and stringWidth(value + "…", style.FONT, 7) > room:
        value = value[:-1]
    return value.rstrip() + "…"
