"""The Bridge assessment form: date plus one key per pillar, so a paper form takes ~10 keys."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.models.errors import ValidationError
from desktop.models.instruments import InstrumentDefinition, Item
from desktop.models.services import bridge, participants, studies
from desktop.views import shortcuts, theme
from desktop.views.widgets import (
    DateLineEdit,
    add_save_shortcuts,
    ask_discard,
    error_label,
)

MISSING_KEYS = ("0", "-")  # each press cycles through the definition's missing reasons
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class LevelInput(QLineEdit):
    """One character: a level, '–' for a missing reason, or empty. Handles its keys itself."""

    changed = Signal()
    refused = Signal(str)
    advance = Signal()
    back = Signal()
    save_requested = Signal()

    def __init__(self, definition: InstrumentDefinition, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._definition = definition
        self.level: int | None = None
        self.reason: str | None = None
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFixedWidth(self.fontMetrics().horizontalAdvance("MM") + 16)
        self.setMaxLength(1)

    def answer(self) -> int | str | None:
        return self.level if self.level is not None else self.reason

    def set_answer(self, level: int | None, reason: str | None = None) -> None:
        self.level, self.reason = level, (None if level is not None else reason)
        self.setText(str(level) if level is not None else ("–" if self.reason else ""))
        self.changed.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, text = event.key(), event.text()
        extra = event.modifiers() & ~(Qt.KeyboardModifier.KeypadModifier
                                      | Qt.KeyboardModifier.ShiftModifier)
        if extra:
            event.ignore()  # Ctrl+… belongs to the form's and the window's shortcuts
        elif key in _ENTER:
            self.save_requested.emit()
        elif text.isdigit() and self._definition.minimum <= int(text) <= self._definition.maximum:
            self.set_answer(int(text))
            self.advance.emit()
        elif text in MISSING_KEYS and self._definition.missing_reasons:
            keys = self._definition.missing_reason_keys
            following = keys.index(self.reason) + 1 if self.reason in keys else 0
            self.set_answer(None, keys[following % len(keys)])
        elif key in (Qt.Key.Key_Space, Qt.Key.Key_Down):
            self.advance.emit()
        elif key == Qt.Key.Key_Up:
            self.back.emit()
        elif key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            self.set_answer(None)
        elif text and text.isprintable():
            self.refused.emit(text)
        else:
            event.ignore()


class PillarRow:
    """The widgets of one pillar: label (buddy of the input), input, level text, message."""

    def __init__(self, number: int, item: Item, definition: InstrumentDefinition) -> None:
        self.item = item
        self.definition = definition
        self.input = LevelInput(definition)
        self.input.setObjectName(f"pillar_{item.key}")
        self.input.setAccessibleName(item.text())
        self.label = QLabel(f"&{number}  {item.text().replace('&', '&&')}")
        self.label.setBuddy(self.input)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.error = error_label(item.key)
        # Label and one-line texts centred on the input; longer texts grow downwards.
        height = self.input.sizeHint().height()
        for label in (self.label, self.text):
            label.setMinimumHeight(height)
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.input.changed.connect(self.show_answer)

    def show_answer(self) -> None:
        """The chosen level's full text beside the input, so the typist can check the paper."""
        self.error.setVisible(False)
        if self.input.level is not None:
            self.text.setStyleSheet(f"color: {theme.GREY_900};")
            self.text.setText(self.item.level_text(self.input.level))
        elif self.input.reason is not None:
            reason = next(r for r in self.definition.missing_reasons if r.key == self.input.reason)
            self.text.setStyleSheet(f"color: {theme.ACCENT}; font-style: italic;")
            self.text.setText(tr("entry.bridge.missing", reason=reason.text()))
        else:
            self.text.setStyleSheet(f"color: {theme.GREY_500};")
            self.text.setText(tr("entry.bridge.empty"))

    def show_message(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(True)


class BridgeForm(QWidget):
    """One participant at one moment; `saved(participant_id, moment_id, message)` after a save."""

    saved = Signal(int, int, str)

    def __init__(self, study_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.study_id = study_id
        _, self.definition = studies.study_instrument(study_id, "bridge")
        self.participant_id: int | None = None
        self.moment_id: int | None = None
        self._code = ""
        self._moment_name = ""
        self._version: int | None = None
        self._snapshot: tuple[object, ...] = ()
        self._session_dates: dict[int, str] = {}  # moment id → last ISO date saved this session
        self._default_year = dt.date.today().year  # completes a date typed as ddmm
        self.heading = QLabel()
        self.heading.setStyleSheet(theme.heading_style())
        self.date = DateLineEdit()
        self.date.setObjectName("assessed_on")
        self.date_label = QLabel(tr("entry.bridge.date"))
        self.date_label.setBuddy(self.date)
        self.date_note = QLabel()
        self.date_note.setStyleSheet(f"color: {theme.GREY_700};")
        self.date_error = error_label("assessed_on")
        self.general_error = error_label("general")
        self.hint = QLabel(tr("entry.bridge.hint", min=self.definition.minimum,
                              max=self.definition.maximum))
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {theme.GREY_700};")
        self.rows = [PillarRow(n, item, self.definition)
                     for n, item in enumerate(self.definition.items, start=1)]
        self.save_button = QPushButton(tr("entry.save"))
        self.save_button.setAutoDefault(True)  # Enter on the focused button saves as well
        self.save_button.setToolTip(shortcuts.with_shortcut(tr("entry.bridge.save_tip"),
                                                            shortcuts.SAVE))
        self.save_button.clicked.connect(self._save_slot)
        self._build_layout()
        self._wire()
        add_save_shortcuts(self, self._save_slot)
        self.setEnabled(False)

    def _build_layout(self) -> None:
        top = QHBoxLayout()
        self.date_error.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        top.addWidget(self.date_label)
        top.addWidget(self.date)
        top.addWidget(self.date_note)
        top.addWidget(self.date_error, 1)
        top.addStretch(1)
        grid = QGridLayout()
        grid.setHorizontalSpacing(theme.SPACING_LARGE)
        grid.setVerticalSpacing(theme.SPACING)
        grid.setColumnStretch(2, 1)
        for number, row in enumerate(self.rows):
            grid.addWidget(row.label, number, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(row.input, number, 1, Qt.AlignmentFlag.AlignTop)
            cell = QVBoxLayout()
            cell.setSpacing(0)
            cell.addWidget(row.text)
            cell.addWidget(row.error)
            grid.addLayout(cell, number, 2)
            row.show_answer()
        pillars = QWidget()
        pillar_layout = QVBoxLayout(pillars)
        pillar_layout.addLayout(grid)
        pillar_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidget(pillars)
        self._scroll = scroll
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.general_error, 1)
        self.general_error.setSizePolicy(QSizePolicy.Policy.Expanding,
                                         QSizePolicy.Policy.Preferred)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        chain = [self.date] + [row.input for row in self.rows] + [self.save_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _wire(self) -> None:
        self.date.confirmed.connect(self._date_confirmed)
        self.date.textEdited.connect(lambda _text: self._set_date_note(""))
        for number, row in enumerate(self.rows):
            row.input.advance.connect(lambda n=number: self.focus_pillar(n + 1))
            row.input.back.connect(lambda n=number: self.focus_pillar(n - 1))
            row.input.save_requested.connect(self._save_slot)
            row.input.refused.connect(lambda text, r=row: r.show_message(
                tr("entry.bridge.key_refused", key=text, min=self.definition.minimum,
                   max=self.definition.maximum)))

    def _date_confirmed(self) -> None:
        self.date.complete(self._default_year)
        self.focus_pillar(0)

    def focus_pillar(self, number: int) -> None:
        """Focus a pillar input; past the last pillar the Save button (Enter saves), -1 the date."""
        if number < 0:
            self.focus_date()
        elif number >= len(self.rows):
            self.save_button.setFocus(Qt.FocusReason.TabFocusReason)
        else:
            self.rows[number].input.setFocus(Qt.FocusReason.TabFocusReason)
            self._scroll.ensureWidgetVisible(self.rows[number].input)

    def focus_date(self) -> None:
        """Focus the date with all of it selected: Enter accepts it, typing replaces it."""
        self.date.setFocus(Qt.FocusReason.TabFocusReason)
        self.date.selectAll()

    def row(self, key: str) -> PillarRow:
        return next(row for row in self.rows if row.item.key == key)

    def answers(self) -> dict[str, int | str | None]:
        return {row.item.key: row.input.answer() for row in self.rows}

    def _values(self) -> tuple[object, ...]:
        return (self.date.date_text(), tuple(self.answers().items()))

    def has_unsaved_changes(self) -> bool:
        return self.participant_id is not None and self._values() != self._snapshot

    def _set_date_note(self, key: str) -> None:
        self.date_note.setText(tr(f"entry.bridge.date_{key}") if key else "")

    def load(self, participant_id: int | None, moment_id: int | None) -> None:
        """Show the stored assessment, or an empty one with a default date (the last one typed
        for this moment in this session, else today); focus goes to the date."""
        self.participant_id, self.moment_id = participant_id, moment_id
        self._clear_messages()
        self.setEnabled(participant_id is not None and moment_id is not None)
        if participant_id is None or moment_id is None:
            self.heading.setText(tr("entry.bridge.no_participant"))
            self._fill(None, "", "")
            return
        self._code = participants.get_participant(participant_id).code
        moment = next(m for m in studies.get_study(self.study_id).moments if m.id == moment_id)
        self._moment_name = moment.name
        existing = bridge.get_assessment(participant_id, moment_id)
        self.heading.setText(tr("entry.bridge.heading", code=self._code, moment=moment.name))
        if existing is not None:
            self._fill(existing, existing.assessed_on.isoformat(), "stored")
        elif moment_id in self._session_dates:
            self._fill(None, self._session_dates[moment_id], "session")
        else:
            self._fill(None, dt.date.today().isoformat(), "today")
        self.focus_date()

    def _fill(self, existing: bridge.BridgeAssessment | None, date_text: str, note: str) -> None:
        self._version = existing.version if existing else None
        self.date.set_date_text(date_text)
        self._default_year = int(date_text[:4]) if date_text else dt.date.today().year
        self._set_date_note(note)
        for row in self.rows:
            level = existing.levels.get(row.item.key) if existing else None
            reason = existing.missing.get(row.item.key) if existing else None
            row.input.set_answer(level, reason)
        self._snapshot = self._values()

    def _clear_messages(self) -> None:
        for label in [self.date_error, self.general_error] + [row.error for row in self.rows]:
            label.clear()
            label.setVisible(False)

    def show_error(self, error: ValidationError) -> None:
        """The message beside the field the service named; focus there; the input stays."""
        self._clear_messages()
        if error.field == "assessed_on":
            self.date_error.setText(error.message)
            self.date_error.setVisible(True)
            self.focus_date()
        elif error.field in self.definition.item_keys:
            row = self.row(error.field)
            row.show_message(error.message)
            self.focus_pillar(self.rows.index(row))
        else:
            self.general_error.setText(error.message)
            self.general_error.setVisible(True)

    def _save_slot(self) -> None:
        """Slots return nothing: a bool handed back to Qt trips a PySide6 refcount bug."""
        self.save()

    def save(self) -> bool:
        """Store the whole assessment in one service call; True when it was stored."""
        if self.participant_id is None or self.moment_id is None:
            return False
        answers = self.answers()
        self.date.complete(self._default_year)
        try:
            bridge.save_assessment(self.participant_id, self.moment_id, self.date.date_text(),
                                   answers, expected_version=self._version)
        except ValidationError as error:
            self.show_error(error)
            return False
        filled = sum(1 for value in answers.values() if value is not None)
        date_text = self.date.text()
        self._session_dates[self.moment_id] = "-".join(reversed(date_text.split("-")))
        message = tr("entry.bridge.saved", code=self._code, moment=self._moment_name,
                     date=date_text, filled=filled, total=len(self.rows))
        self.load(self.participant_id, self.moment_id)
        self.saved.emit(self.participant_id, self.moment_id, message)
        return True

    def confirm_discard(self) -> bool:
        """True when the form may be left: nothing unsaved, or the user chose to discard."""
        return not self.has_unsaved_changes() or self.ask_discard()

    def ask_discard(self) -> bool:
        return ask_discard(self, tr("entry.unsaved.bridge", code=self._code,
                                    moment=self._moment_name))
