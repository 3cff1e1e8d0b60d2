"""Small widgets and helpers every entry form shares: dates, inline errors, save keys."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import pairwise

from PySide6.QtCore import QAbstractItemModel, Qt, Signal
from PySide6.QtGui import (
    QFocusEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.views import shortcuts, theme

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def format_date(value: dt.date | None) -> str:
    """Dates as Dutch researchers write them on the paper forms: dd-mm-yyyy."""
    return value.strftime("%d-%m-%Y") if value else ""


def format_decimal(value: float, decimals: int | None = 1) -> str:
    """A number as the reader writes it (5,3 in Dutch, 5.3 in English); `decimals=None` gives
    the shortest exact form (4,5 · 10 · 1115)."""
    text = f"{value:.{decimals}f}" if decimals is not None else f"{value:.12g}"
    return text.replace(".", tr("entry.decimal_point"))


class DateLineEdit(QLineEdit):
    """dd-mm-jjjj behind an input mask: eight digits make a date; an ISO date may be pasted.

    `confirmed` fires on Enter even for a half-typed date (returnPressed would stay silent).
    """

    confirmed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setInputMask("99-99-9999;_")
        self.setToolTip(tr("entry.date.tooltip"))
        self.setMaximumWidth(130)

    def set_date_text(self, text: str) -> None:
        """Show a date given as ISO (2018-03-15) or Dutch (15-03-2018) text; '' clears."""
        match = _ISO.match(text)
        if match:
            year, month, day = match.groups()
            text = f"{int(day):02d}-{int(month):02d}-{year}"
        self.setText(text)

    def date_text(self) -> str:
        """What to hand to the service: '' when nothing typed, else dd-mm-yyyy (maybe partial)."""
        return self.text() if self._digits() else ""

    def complete(self, year: int) -> None:
        """Finish a short date: ddmm takes `year`, ddmmyy the century of `year`."""
        digits = self._digits()
        if len(digits) == 4:
            self.setText(f"{digits[:2]}-{digits[2:]}-{year}")
        elif len(digits) == 6:
            self.setText(f"{digits[:2]}-{digits[2:4]}-{year // 100}{digits[4:]}")

    def _digits(self) -> str:
        return re.sub(r"\D", "", self.text())

    def focusInEvent(self, event: QFocusEvent) -> None:
        """Entering the field selects it (typing replaces); an empty one starts at the left."""
        super().focusInEvent(event)
        if self._digits():
            self.selectAll()
        else:
            self.setCursorPosition(0)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        super().mousePressEvent(event)
        if not self._digits():
            self.setCursorPosition(0)  # a click past the mask would swallow every digit

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            pasted = QGuiApplication.clipboard().text().strip()
            if _ISO.match(pasted):
                self.set_date_text(pasted)
                self.textEdited.emit(self.text())
                return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
                event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            self.confirmed.emit()
        super().keyPressEvent(event)


def error_label(buddy_name: str) -> QLabel:
    """An inline, red, word-wrapped message beside a field; hidden while there is no error."""
    label = QLabel()
    label.setObjectName(f"error_{buddy_name}")
    label.setStyleSheet(theme.error_style())
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def _ask_destructive(parent: QWidget, icon: QMessageBox.Icon, title: str, question: str,
                     destroy: str, keep: str) -> bool:
    """True when the user chose the destructive button; keeping is the default and Escape, so
    a stray Enter loses nothing."""
    box = QMessageBox(icon, title, question, QMessageBox.StandardButton.NoButton, parent)
    chosen = box.addButton(destroy, QMessageBox.ButtonRole.DestructiveRole)
    kept = box.addButton(keep, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(kept)
    box.setEscapeButton(kept)
    box.exec()
    return box.clickedButton() is chosen


class FieldErrors(dict[str, QLabel]):
    """The inline message of each field of a form, by field name: one shown at a time."""

    def __init__(self, names: Iterable[str]) -> None:
        super().__init__((name, error_label(name)) for name in names)

    def hide_all(self) -> None:
        for label in self.values():
            label.clear()
            label.setVisible(False)

    def show_message(self, name: str, message: str) -> None:
        self.hide_all()
        self[name].setText(message)
        self[name].setVisible(True)


def ask_discard(parent: QWidget, question: str) -> bool:
    """Ask "discard / keep editing"; True means discard. Tests monkeypatch the callers' hook."""
    return _ask_destructive(parent, QMessageBox.Icon.Question, tr("entry.unsaved.title"),
                            question, tr("entry.unsaved.discard"), tr("entry.unsaved.keep"))


def ask_delete(parent: QWidget, question: str) -> bool:
    """Ask "delete / keep"; True means delete."""
    return _ask_destructive(parent, QMessageBox.Icon.Warning, tr("entry.delete.title"),
                            question, tr("entry.delete.confirm"), tr("entry.delete.keep"))


def set_up_list(table: QTableView, model: QAbstractItemModel, sort_column: int | None = None,
                fixed_rows: bool = False) -> None:
    """A read-only list: whole rows, one at a time, Tab leaves it for the form beside it.
    Fixed row heights spare the view measuring every row (20,000 participants)."""
    table.setModel(model)
    if sort_column is not None:
        table.setSortingEnabled(True)
        table.sortByColumn(sort_column, Qt.SortOrder.AscendingOrder)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setTabKeyNavigation(False)
    table.verticalHeader().setVisible(False)
    if fixed_rows:
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)


def set_column_widths(table: QTableView, widths: Mapping[int, int], padding: int) -> None:
    """Each column its width, but at least as wide as its translated header ("Metingen" vs
    "Moments measured")."""
    header = table.horizontalHeader()
    model = table.model()
    for column, width in widths.items():
        title = str(model.headerData(column, Qt.Orientation.Horizontal))
        table.setColumnWidth(column, max(width, header.fontMetrics().horizontalAdvance(title)
                                         + padding))


def set_tab_chain(widgets: Sequence[QWidget]) -> None:
    """Tab goes through `widgets` in this order (the order a paper form is read in)."""
    for first, second in pairwise(widgets):
        QWidget.setTabOrder(first, second)


def field_grid(names: Sequence[str], widget_of: Callable[[str], QWidget],
               label_key: str, errors: FieldErrors, row_height: int) -> QGridLayout:
    """A form's fields: each label (its field's buddy, so Alt+letter jumps there) on the
    left, the field on the right with its inline message right under it, which keeps
    long messages readable in a narrow pane too."""
    grid = QGridLayout()
    grid.setColumnStretch(1, 1)
    grid.setHorizontalSpacing(theme.SPACING)
    for row, name in enumerate(names):
        widget = widget_of(name)
        label = QLabel(tr(f"{label_key}.{name}"))
        label.setBuddy(widget)
        label.setMinimumHeight(row_height)
        grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
        cell = QVBoxLayout()
        cell.setSpacing(2)
        cell.addWidget(widget)
        cell.addWidget(errors[name])
        grid.addLayout(cell, row, 1)
    return grid


def add_shortcut(widget: QWidget, key: shortcuts.Shortcut, slot: Callable[[], None],
                 context: Qt.ShortcutContext = Qt.ShortcutContext.WidgetWithChildrenShortcut,
                 ) -> QShortcut:
    """A key that works while the focus is in `widget` (or its children), not app-wide."""
    shortcut = QShortcut(shortcuts.key_sequence(key), widget)
    shortcut.setContext(context)  # QShortcut's context keyword is ignored
    shortcut.activated.connect(slot)
    return shortcut


def add_save_shortcuts(widget: QWidget, slot: Callable[[], None]) -> None:
    """Ctrl+S, Ctrl+Return and Ctrl+Enter (keypad) save the form the focus is in."""
    for key in (shortcuts.SAVE, shortcuts.SAVE_AND_NEXT, shortcuts.SAVE_AND_NEXT_KEYPAD):
        add_shortcut(widget, key, slot)
