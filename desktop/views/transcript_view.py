"""The coding view: an interview's transcript, read-only and fast at 300,000 characters
(QPlainTextEdit lays out only what is shown), its coded passages highlighted in their codes'
colours, coding stripes in the margin as MAXQDA draws them, and a search bar.

The services count a transcript in Python str indices (code points); Qt's text positions are
UTF-16 code units, where a character outside the BMP (an emoji, 😀) takes two. `Offsets`
converts both ways, so a passage after an emoji is stored and shown where it was selected.

Highlights are QTextEdit.ExtraSelections made for the shown stretch of text only (again as
it scrolls), so thousands of codings cost what one screen of them costs. They are drawn in
order, the longer passages first, so a passage coded inside another (or across it) is drawn
over it and stays visible; where passages of different codes overlap the text is also
underlined, and the margin shows a stripe per coding. The tooltip over the text or the
stripes, and the line under the text, name every code at that place.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QHelpEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QToolButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.views import shortcuts, theme
from desktop.views.widgets import add_shortcut

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")
STRIPE_WIDTH = 4
STRIPE_GAP = 2
MAX_LANES = 8  # more overlapping codings share the last stripe
VIEW_SPARE_BLOCKS = 20  # blocks above the first shown one that get their highlights too


class Offsets:
    """Python str index ↔ Qt (UTF-16) position for one transcript."""

    def __init__(self, text: str) -> None:
        # Python index of every character outside the BMP; none in almost every transcript
        self._astral = [match.start() for match in _ASTRAL.finditer(text)]
        # … and the Qt position just after each of them
        self._qt_ends = [index + number + 2 for number, index in enumerate(self._astral)]
        self.length = len(text)

    def to_qt(self, index: int) -> int:
        return index + bisect.bisect_left(self._astral, index)

    def to_python(self, position: int) -> int:
        return position - bisect.bisect_right(self._qt_ends, position)


@dataclass(frozen=True)
class Highlight:
    """A coding to show: where (Python offsets), in which colour, with whose code."""

    coding_id: int
    code_id: int
    code: str
    coder: str
    colour: str
    start: int
    end: int


@dataclass
class _Span:
    highlight: Highlight
    start: int  # Qt positions
    end: int
    lane: int = 0


def _lanes(spans: list[_Span]) -> int:
    """Give each span a stripe column, overlapping spans different ones (greedy interval
    colouring); the number of columns used."""
    ends: list[int] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        lane = next((number for number, end in enumerate(ends) if end <= span.start), None)
        if lane is None:
            lane = len(ends)
            ends.append(span.end)
        ends[lane] = span.end
        span.lane = min(lane, MAX_LANES - 1)
    return min(len(ends), MAX_LANES)


def _overlaps(spans: list[_Span]) -> list[tuple[int, int]]:
    """The stretches where passages of two or more different codes overlap (one code coded
    twice, by two coders, hides nothing): each code's passages merged, then a sweep."""
    by_code: dict[int, list[tuple[int, int]]] = {}
    for span in spans:
        by_code.setdefault(span.highlight.code_id, []).append((span.start, span.end))
    merged: list[tuple[int, int]] = []
    for intervals in by_code.values():
        intervals.sort()
        start, end = intervals[0]
        for first, last in intervals[1:]:
            if first <= end:
                end = max(end, last)
            else:
                merged.append((start, end))
                start, end = first, last
        merged.append((start, end))
    edges = sorted([(start, 1) for start, _ in merged] + [(end, -1) for _, end in merged])
    found: list[tuple[int, int]] = []
    depth, opened = 0, 0
    for position, step in edges:
        if depth < 2 <= depth + step:
            opened = position
        elif depth >= 2 > depth + step and position > opened:
            found.append((opened, position))
        depth += step
    return found


def codes_html(highlights: list[Highlight]) -> str:
    """"■ Regie en steun (Codeur A)" per coding, each square in its code's colour."""
    return "<br>".join(
        f"<span style='background:{h.colour}; color:{h.colour}'>&#9632;&#9632;</span> "
        f"{html.escape(h.code)} <span style='color:{theme.GREY_700}'>"
        f"({html.escape(h.coder)})</span>" for h in highlights)


def key_names() -> dict[str, str]:
    """The coding keys as the platform writes them, for the hints."""
    text = shortcuts.shortcut_text
    return {"new": text(shortcuts.NEW_INTERVIEW), "apply": text(shortcuts.APPLY_CODE[0]),
            "first": text(shortcuts.QUICK_CODES[0]), "last": text(shortcuts.QUICK_CODES[-1]),
            "whole": text(shortcuts.CODE_WHOLE_INTERVIEW),
            "remove": text(shortcuts.REMOVE_CODING), "undo": text(shortcuts.UNDO),
            "find": text(shortcuts.FIND)}


class ElidedLabel(QLabel):
    """One line that ends in "…" when the pane is narrow, instead of wrapping or widening
    it; the whole text is its tooltip."""

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight,
                                             self.contentsRect().width())
        self.style().drawItemText(painter, self.contentsRect(), int(self.alignment()),
                                  self.palette(), self.isEnabled(), text,
                                  self.foregroundRole())


class CodingStripes(QWidget):
    """The left margin: one coloured stripe per coding beside the lines it covers."""

    def __init__(self, edit: TranscriptEdit) -> None:
        super().__init__(edit)
        self.edit = edit
        self._drawn: list[tuple[QRectF, Highlight]] = []
        self.setMouseTracking(True)

    def sizeHint(self) -> QSize:
        return QSize(self.edit.margin_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), QColor(theme.GREY_100))
        self._drawn = []
        edit = self.edit
        block = edit.firstVisibleBlock()
        if not block.isValid() or not edit.spans:
            return
        offset = edit.contentOffset()
        height = edit.viewport().height()
        starts: list[int] = []
        blocks = []
        while block.isValid():
            top = edit.blockBoundingGeometry(block).translated(offset).top()
            if top > height:
                break
            starts.append(block.position())
            blocks.append((block, top))
            block = block.next()
        first = starts[0]
        last_block, _ = blocks[-1]
        last = last_block.position() + last_block.length()

        def line_y(position: int, bottom: bool) -> float:
            number = bisect.bisect_right(starts, position) - 1
            found, top = blocks[max(number, 0)]
            layout = found.layout()
            line = layout.lineForTextPosition(max(0, position - found.position()))
            if not line.isValid():
                return top
            return top + (line.rect().bottom() if bottom else line.rect().top())

        for span in edit.spans_between(first, last):
            top = line_y(span.start, False) if span.start >= first else -2.0
            bottom = line_y(span.end - 1, True) if span.end - 1 < last else height + 2.0
            rect = QRectF(STRIPE_GAP + span.lane * (STRIPE_WIDTH + STRIPE_GAP), top + 1,
                          STRIPE_WIDTH, max(2.0, bottom - top - 2))
            colour = QColor(span.highlight.colour)
            painter.fillRect(rect, colour.darker(125))
            self._drawn.append((rect, span.highlight))

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            y = event.pos().y()
            found = [highlight for rect, highlight in self._drawn
                     if rect.top() <= y <= rect.bottom()]
            if found:
                QToolTip.showText(event.globalPos(), codes_html(found), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)


class TranscriptEdit(QPlainTextEdit):
    """The read-only transcript: selectable by mouse and keyboard (Shift+arrows), highlighted
    passages, search hits, stripes in the margin."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setUndoRedoEnabled(False)
        self.setTabChangesFocus(True)
        self.spans: list[_Span] = []  # by start
        self._starts: list[int] = []
        self._longest = 0
        self._lane_count = 0
        self._search: list[tuple[int, int]] = []  # Qt positions, by start
        self._search_starts: list[int] = []
        self._search_longest = 0
        self._window: tuple[int, int] | None = None  # the stretch the selections were made for
        self.stripes = CodingStripes(self)
        self.updateRequest.connect(self._update_stripes)
        self.verticalScrollBar().valueChanged.connect(self._follow_view)
        self._set_margin()

    def margin_width(self) -> int:
        return STRIPE_GAP + max(1, self._lane_count) * (STRIPE_WIDTH + STRIPE_GAP) + 2

    def _set_margin(self) -> None:
        self.setViewportMargins(self.margin_width(), 0, 0, 0)
        self._place_stripes()

    def _place_stripes(self) -> None:
        area = self.contentsRect()
        self.stripes.setGeometry(QRect(area.left(), area.top(), self.margin_width(),
                                       area.height()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_stripes()
        self._follow_view()

    def _update_stripes(self, rect: QRect, dy: int) -> None:
        if dy:
            self.stripes.scroll(0, dy)
            self._follow_view()
        self.stripes.update(0, rect.y(), self.stripes.width(), rect.height())

    def set_spans(self, spans: list[_Span]) -> None:
        lanes = _lanes(spans)
        self.spans = sorted(spans, key=lambda s: s.start)
        self._starts = [span.start for span in self.spans]
        self._longest = max((span.end - span.start for span in spans), default=0)
        if lanes != self._lane_count:
            self._lane_count = lanes
            self._set_margin()
        self._window = None
        self._follow_view()
        self.stripes.update()

    def set_search_hits(self, hits: list[tuple[int, int]]) -> None:
        self._search = sorted(hits)
        self._search_starts = [start for start, _ in self._search]
        self._search_longest = max((end - start for start, end in hits), default=0)
        self._window = None
        self._follow_view()

    def spans_between(self, first: int, last: int) -> list[_Span]:
        """The spans that reach into [first, last), found by bisection: a passage starts at
        most the longest passage's length before `first`."""
        low = bisect.bisect_left(self._starts, first - self._longest)
        high = bisect.bisect_left(self._starts, last)
        return [span for span in self.spans[low:high] if span.end > first]

    def _hits_between(self, first: int, last: int) -> list[tuple[int, int]]:
        low = bisect.bisect_left(self._search_starts, first - self._search_longest)
        high = bisect.bisect_left(self._search_starts, last)
        return [hit for hit in self._search[low:high] if hit[1] > first]

    def _visible_window(self) -> tuple[int, int]:
        """The document positions shown, with a screen to spare below and some blocks
        above, so a scroll step paints its highlights before they are made anew."""
        block = self.firstVisibleBlock()
        if not block.isValid():
            return 0, 0
        above = block
        for _ in range(VIEW_SPARE_BLOCKS):
            if not above.previous().isValid():
                break
            above = above.previous()
        offset = self.contentOffset()
        limit = 2 * max(self.viewport().height(), 1)
        end = block.position() + block.length()
        while block.isValid():
            end = block.position() + block.length()
            if self.blockBoundingGeometry(block).translated(offset).top() > limit:
                break
            block = block.next()
        return above.position(), end

    def _follow_view(self, *_args: object) -> None:
        """Give Qt the selections of the shown stretch only: a 300,000-character transcript
        with thousands of codings then costs what one screen of them costs."""
        window = self._visible_window()
        if window != self._window:
            self._window = window
            self._show_selections(*window)

    def _cursor(self, start: int, end: int) -> QTextCursor:
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def _show_selections(self, first: int, last: int) -> None:
        """Codings (longest first, so what lies inside or across is drawn over), a line under
        every overlap of different codes, then the search hits."""
        shown = self.spans_between(first, last)
        selections = []
        formats: dict[str, QTextCharFormat] = {}
        for span in sorted(shown, key=lambda s: (s.start - s.end, s.highlight.coding_id)):
            colour = span.highlight.colour
            if colour not in formats:
                formats[colour] = QTextCharFormat()
                formats[colour].setBackground(QColor(colour))
            selection = QTextEdit.ExtraSelection()
            selection.cursor = self._cursor(span.start, span.end)
            selection.format = formats[colour]
            selections.append(selection)
        overlap = QTextCharFormat()
        overlap.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
        overlap.setUnderlineColor(QColor(theme.GREY_900))
        for start, end in _overlaps(shown):
            selection = QTextEdit.ExtraSelection()
            selection.cursor = self._cursor(start, end)
            selection.format = overlap
            selections.append(selection)
        hit = QTextCharFormat()
        tint = QColor(theme.ACCENT)
        tint.setAlpha(150)
        hit.setBackground(tint)
        for start, end in self._hits_between(first, last):
            selection = QTextEdit.ExtraSelection()
            selection.cursor = self._cursor(start, end)
            selection.format = hit
            selections.append(selection)
        self.setExtraSelections(selections)

    def spans_at(self, position: int) -> list[Highlight]:
        """The codings at a position, innermost (shortest) first."""
        return [span.highlight for span in sorted(self.spans_between(position, position + 1),
                                                  key=lambda s: s.end - s.start)]

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            found = self.spans_at(self.cursorForPosition(event.pos()).position())
            if found:
                QToolTip.showText(event.globalPos(), codes_html(found), self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)


class TranscriptView(QWidget):
    """Header, transcript, the codes at the cursor and the search bar of one interview."""

    cursor_codings_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.offsets = Offsets("")
        self._text = ""
        self._highlights: list[Highlight] = []
        self._spans: dict[int, _Span] = {}  # by coding id
        self._hits: list[tuple[int, int]] = []  # Python offsets
        self._hit = -1
        self.heading = QLabel(tr("interviews.transcript.title"))
        self.heading.setStyleSheet(theme.heading_style())
        self.details = ElidedLabel()
        self.details.setStyleSheet(f"color: {theme.GREY_700};")
        self.whole = QLabel()  # whole-interview codes
        self.whole.setWordWrap(True)
        self.whole.setTextFormat(Qt.TextFormat.RichText)
        self.text = TranscriptEdit()
        self.text.setPlaceholderText(tr("interviews.transcript.none", **key_names()))
        self.heading.setBuddy(self.text)
        self.at_cursor = QLabel()
        self.at_cursor.setTextFormat(Qt.TextFormat.RichText)
        self.at_cursor.setWordWrap(True)
        self.at_cursor.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # two lines, always: the transcript must not change height as the caret moves
        self.at_cursor.setFixedHeight(2 * self.at_cursor.fontMetrics().lineSpacing() + 4)
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(tr("interviews.search.placeholder"))
        self.search.setToolTip(shortcuts.with_shortcut(tr("interviews.search.tip"),
                                                       shortcuts.FIND))
        self.hits = QLabel()
        self.hits.setMinimumWidth(70)
        self.previous_button = self._button("▲", "interviews.search.previous",
                                            shortcuts.FIND_PREVIOUS, self.find_previous)
        self.next_button = self._button("▼", "interviews.search.next", shortcuts.FIND_NEXT,
                                        self.find_next)
        self._build_layout()
        self.search.textChanged.connect(self._search_changed)
        self.search.returnPressed.connect(self.find_next)
        self.text.cursorPositionChanged.connect(self._cursor_moved)
        add_shortcut(self, shortcuts.FIND, self.focus_search)
        add_shortcut(self, shortcuts.FIND_NEXT, self.find_next)
        add_shortcut(self, shortcuts.FIND_PREVIOUS, self.find_previous)
        add_shortcut(self.search, "Shift+Return", self.find_previous,
                     Qt.ShortcutContext.WidgetShortcut)
        add_shortcut(self.search, "Escape", self.focus_text, Qt.ShortcutContext.WidgetShortcut)
        self.show_transcript("", "", "")

    def _button(self, text: str, tip_key: str, key: shortcuts.Shortcut,
                slot: Callable[[], None]) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(shortcuts.with_shortcut(tr(tip_key), key))
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # F3 and Shift+F3 do it from anywhere
        button.clicked.connect(slot)
        return button

    def _build_layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addWidget(self.details, 1)
        search = QHBoxLayout()
        search.setSpacing(theme.SPACING_SMALL)
        label = QLabel(tr("interviews.search.label"))
        label.setBuddy(self.search)
        search.addWidget(label)
        search.addWidget(self.search, 1)
        search.addWidget(self.hits)
        search.addWidget(self.previous_button)
        search.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(theme.SPACING_SMALL)
        layout.addLayout(top)
        layout.addWidget(self.whole)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.at_cursor)
        layout.addLayout(search)

    # the transcript ------------------------------------------------------------------------
    def show_transcript(self, text: str, heading: str, details: str) -> None:
        """A new transcript (empty: none open); codings and search hits start afresh."""
        self._text = text
        self.offsets = Offsets(text)
        self._highlights = []
        self._spans = {}
        self.text.set_spans([])
        self.text.setPlainText(text)
        self.heading.setText(heading or tr("interviews.transcript.title"))
        self.details.setText(details)
        self.whole.clear()
        self.whole.setVisible(False)
        self._search_changed(self.search.text())
        self._cursor_moved()

    def transcript(self) -> str:
        return self._text

    def set_codings(self, highlights: list[Highlight], whole: list[Highlight]) -> None:
        """The passages to highlight and the whole-interview codes to list above the text."""
        self._highlights = highlights
        to_qt = self.offsets.to_qt
        made = self._spans  # a highlight shown before keeps its Qt positions
        spans = []
        for highlight in highlights:
            span = made.get(highlight.coding_id)
            if span is None or span.highlight != highlight:
                span = _Span(highlight, to_qt(highlight.start), to_qt(highlight.end))
            spans.append(span)
        self._spans = {span.highlight.coding_id: span for span in spans}
        self.text.set_spans(spans)
        if whole:
            self.whole.setText(tr("interviews.transcript.whole", codes=" · ".join(
                f"<span style='background:{h.colour}'>&nbsp;{html.escape(h.code)}&nbsp;</span>"
                f" <span style='color:{theme.GREY_700}'>({html.escape(h.coder)})</span>"
                for h in whole)))
        self.whole.setVisible(bool(whole))
        self._cursor_moved()

    # selection (Python offsets) ------------------------------------------------------------
    def selection(self) -> tuple[int, int] | None:
        """The selected passage as service offsets; None when nothing is selected."""
        cursor = self.text.textCursor()
        if not cursor.hasSelection():
            return None
        start = self.offsets.to_python(cursor.selectionStart())
        end = self.offsets.to_python(cursor.selectionEnd())
        return (start, end) if end > start else None

    def cursor_offset(self) -> int:
        cursor = self.text.textCursor()
        return self.offsets.to_python(cursor.selectionStart())

    def select_passage(self, start: int, end: int, focus: bool = True) -> None:
        """Select a passage given in service offsets and scroll it into view."""
        cursor = self.text.textCursor()
        cursor.setPosition(self.offsets.to_qt(end))
        cursor.setPosition(self.offsets.to_qt(start), QTextCursor.MoveMode.KeepAnchor)
        self.text.setTextCursor(cursor)
        self.text.centerCursor()
        if focus:
            self.focus_text()

    def highlights_at_cursor(self) -> list[Highlight]:
        """The codings at the cursor (or at the start of the selection), innermost first."""
        return self.text.spans_at(self.text.textCursor().selectionStart())

    def _cursor_moved(self) -> None:
        found = self.highlights_at_cursor() if self._highlights else []
        if found:
            self.at_cursor.setText(tr("interviews.transcript.at_cursor",
                                      codes=codes_html(found).replace("<br>", " · ")))
        elif self._text:
            self.at_cursor.setText(
                f"<span style='color:{theme.GREY_700}'>"
                f"{html.escape(tr('interviews.transcript.nothing_at_cursor', **key_names()))}"
                "</span>")
        else:
            self.at_cursor.clear()
        self.cursor_codings_changed.emit()

    def focus_text(self) -> None:
        self.text.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # search --------------------------------------------------------------------------------
    def focus_search(self) -> None:
        """Ctrl+F: to the search field, its text selected (typing replaces it)."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def hit_count(self) -> int:
        return len(self._hits)

    def _search_changed(self, query: str) -> None:
        query = query.strip()
        self._hits = ([(m.start(), m.end()) for m in
                       re.finditer(re.escape(query), self._text, re.IGNORECASE)]
                      if query and self._text else [])
        to_qt = self.offsets.to_qt
        self.text.set_search_hits([(to_qt(s), to_qt(e)) for s, e in self._hits])
        self._hit = -1
        if self._hits:
            self._go_to_hit(self._first_hit_after(self.cursor_offset() - 1))
        else:
            self._show_hits()

    def _first_hit_after(self, offset: int) -> int:
        starts = [start for start, _ in self._hits]
        number = bisect.bisect_right(starts, offset)
        return number if number < len(self._hits) else 0

    def find_next(self) -> None:
        """F3 or Enter in the search field: the next hit after the cursor, round the end."""
        if self._hits:
            self._go_to_hit(self._first_hit_after(self.cursor_offset()))

    def find_previous(self) -> None:
        if self._hits:
            starts = [start for start, _ in self._hits]
            number = bisect.bisect_left(starts, self.cursor_offset()) - 1
            self._go_to_hit(number if number >= 0 else len(self._hits) - 1)

    def _go_to_hit(self, number: int) -> None:
        self._hit = number
        start, end = self._hits[number]
        self.select_passage(start, end, focus=False)
        self._show_hits()

    def _show_hits(self) -> None:
        if not self.search.text().strip():
            self.hits.clear()
        elif not self._hits:
            self.hits.setText(tr("interviews.search.none"))
        else:
            self.hits.setText(tr("interviews.search.hits", hit=self._hit + 1,
                                 count=len(self._hits)))

    def hits_text(self) -> str:
        return self.hits.text()

