"""The factsheet's pages on screen: rendered with PDFium (pypdfium2) to images at the screen's
resolution and stacked in a scroll area, each with its number under it.

PDFium renders a page in milliseconds, so zooming simply renders again from the PDF's bytes.
`render_pages` uses only QImage, which (unlike QPixmap) may be made on a worker thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.views import theme

if TYPE_CHECKING:
    from pypdfium2 import PdfDocument

SCREEN_DPI = 96  # Qt's logical pixels per inch; the device pixel ratio is applied on top
POINTS_PER_INCH = 72
A4_WIDTH = 595.28  # points: the width assumed before the first page has been seen
ZOOM_LEVELS = (25, 33, 50, 67, 75, 90, 100, 125, 150, 200, 300)  # percent of actual size
PAGE_GAP = 14
_PDFIUM = threading.Lock()  # PDFium is not thread-safe: a preview job and a zoom take turns


@dataclass(frozen=True)
class RenderedPage:
    image: QImage
    width: float  # the page's width in points, to fit it to the pane


def render_pages(data: bytes, scale: Callable[[float], float],
                 cancelled: Callable[[], bool] | None = None) -> list[RenderedPage] | None:
    """Every page of a PDF as an image; `scale(width_in_points)` gives each page's render
    scale (device pixels per point). None when `cancelled()` turned true on the way."""
    import pypdfium2 as pdfium  # loaded with the first preview

    with _PDFIUM:
        return _render(pdfium.PdfDocument(data), scale, cancelled)


def _render(document: PdfDocument, scale: Callable[[float], float],
            cancelled: Callable[[], bool] | None) -> list[RenderedPage] | None:
    try:
        images: list[RenderedPage] = []
        for number in range(len(document)):
            if cancelled is not None and cancelled():
                return None
            page = document[number]
            try:
                width = page.get_width()
                bitmap = page.render(scale=scale(width), prefer_bgrx=True,
                                     rev_byteorder=True)
                try:
                    image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                                   QImage.Format.Format_RGBX8888).copy()  # own the pixels
                finally:
                    bitmap.close()
            finally:
                page.close()
            images.append(RenderedPage(image, width))
        return images
    finally:
        document.close()


def _zoom(chosen: int | None, room: int, page_width: float) -> int:
    """The chosen zoom, or else the one that fits a page of this width into `room` pixels."""
    if chosen is not None:
        return chosen
    fitted = room / (page_width * SCREEN_DPI / POINTS_PER_INCH) * 100
    return max(ZOOM_LEVELS[0], min(ZOOM_LEVELS[-1], int(fitted)))


class PdfPreview(QScrollArea):
    """The pages one under the other on a grey desk; Ctrl++ / Ctrl+- zoom (the page binds the
    keys), the arrow and page keys scroll. Starts fitted to the width and follows the pane's
    width until the user picks a zoom of their own."""

    zoom_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pdf = b""
        self._zoom: int | None = None  # percent of actual size; None = as wide as the pane
        self._page_width = A4_WIDTH
        self._rendered_for = 0  # the viewport width the pages were last fitted to
        self.page_labels: list[QLabel] = []
        self.number_labels: list[QLabel] = []
        self.desk = QWidget()
        self.desk.setObjectName("preview_desk")
        self.desk.setStyleSheet(f"#preview_desk {{ background: {theme.GREY_300}; }}")
        self.pages_layout = QVBoxLayout(self.desk)
        self.pages_layout.setContentsMargins(PAGE_GAP, PAGE_GAP, PAGE_GAP, PAGE_GAP)
        self.pages_layout.setSpacing(theme.SPACING_SMALL)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setStyleSheet(f"color: {theme.GREY_700}; padding: {theme.SPACING_LARGE}px;")
        self.pages_layout.addWidget(self.message)
        self.setWidget(self.desk)
        self.setWidgetResizable(True)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Tab reaches it; arrows then scroll
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(150)
        self._refit.timeout.connect(self._fit_again)

    # what is shown -----------------------------------------------------------------------
    def show_message(self, text: str) -> None:
        """No pages: a line of text in their place (before the first preview, or on failure)."""
        self._pdf = b""
        self._set_images([])
        self.message.setText(text)
        self.message.setVisible(True)

    def set_document(self, pdf: bytes, pages: Sequence[RenderedPage]) -> None:
        """A new factsheet and its pages, already rendered with scale_function()."""
        self._pdf = pdf
        self.message.setVisible(False)
        self._set_images(pages)
        self._rendered_for = self._room()

    def page_count(self) -> int:
        return len(self.page_labels)

    def _set_images(self, images: Sequence[RenderedPage]) -> None:
        for label in self.page_labels + self.number_labels:
            self.pages_layout.removeWidget(label)
            label.hide()  # gone now, not only once the event loop deletes it
            label.deleteLater()
        self.page_labels, self.number_labels = [], []
        ratio = self.devicePixelRatioF()
        total = len(images)
        for number, rendered in enumerate(images, start=1):
            image = rendered.image
            image.setDevicePixelRatio(ratio)
            page = QLabel()
            page.setPixmap(QPixmap.fromImage(image))
            page.setStyleSheet(f"background: {theme.WHITE}; border: 1px solid {theme.GREY_500};")
            page.setAccessibleName(tr("factsheet_page.preview.page_of", page=number,
                                      pages=total))
            caption = QLabel(tr("factsheet_page.preview.page_of", page=number, pages=total))
            caption.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            caption.setStyleSheet(f"color: {theme.GREY_900}; margin-bottom: {PAGE_GAP}px;")
            self.pages_layout.addWidget(page, 0, Qt.AlignmentFlag.AlignHCenter)
            self.pages_layout.addWidget(caption, 0, Qt.AlignmentFlag.AlignHCenter)
            self.page_labels.append(page)
            self.number_labels.append(caption)
        if images:
            self._page_width = images[0].width

    # zoom --------------------------------------------------------------------------------
    def zoom_percent(self, page_width: float | None = None) -> int:
        """The zoom in percent of actual size; when fitted, what fits the pane's width."""
        return _zoom(self._zoom, self._room(), page_width or self._page_width)

    def _room(self) -> int:
        """The width a fitted page may take: the pane less the margins, the page's border and
        the vertical scroll bar (there as soon as the pages are)."""
        scroll_bar = self.style().pixelMetric(self.style().PixelMetric.PM_ScrollBarExtent)
        return self.contentsRect().width() - scroll_bar - 2 * PAGE_GAP - 4

    def is_fitted(self) -> bool:
        return self._zoom is None

    def scale_function(self) -> Callable[[float], float]:
        """Device pixels per point for a page of a given width (sharp on high-DPI screens
        too), fixed now: a worker thread may call it, and must not ask the widget."""
        zoom, room, ratio = self._zoom, self._room(), self.devicePixelRatioF()

        def scale(page_width: float) -> float:
            return _zoom(zoom, room, page_width) / 100 * SCREEN_DPI / POINTS_PER_INCH * ratio

        return scale

    def zoom_in(self) -> None:
        current = self.zoom_percent()
        self._set_zoom(next((z for z in ZOOM_LEVELS if z > current), ZOOM_LEVELS[-1]))

    def zoom_out(self) -> None:
        current = self.zoom_percent()
        self._set_zoom(next((z for z in reversed(ZOOM_LEVELS) if z < current), ZOOM_LEVELS[0]))

    def zoom_fit(self) -> None:
        self._set_zoom(None)

    def _set_zoom(self, zoom: int | None) -> None:
        if zoom == self._zoom:
            return
        self._zoom = zoom
        self._render_again()
        self.zoom_changed.emit()

    def _render_again(self) -> None:
        if not self._pdf:
            return
        position = self._position()
        images = render_pages(self._pdf, self.scale_function()) or []
        self._set_images(images)
        self._rendered_for = self._room()
        QTimer.singleShot(0, lambda: self._restore_position(position))

    def _position(self) -> float:
        bar = self.verticalScrollBar()
        return bar.value() / bar.maximum() if bar.maximum() else 0.0

    def _restore_position(self, fraction: float) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(round(fraction * bar.maximum()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._zoom is None and self._pdf:
            self._refit.start()  # once the user stops dragging the splitter

    def _fit_again(self) -> None:
        if self._zoom is None and abs(self._room() - self._rendered_for) > 8:
            self._render_again()
            self.zoom_changed.emit()
