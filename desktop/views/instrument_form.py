"""One form for every instrument: a date, then one key per item, so a paper form is typed in
about as many keys as it has items. The definition (resources/instruments/*.json) decides the
scale, the texts beside each answer, the missing reasons and the scores shown after saving;
the Bridge and every questionnaire are the same widget with another definition."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
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
from desktop.models.instruments import Cutoff, InstrumentDefinition, Item
from desktop.models.scoring import score_response
from desktop.models.services import participants, responses, studies
from desktop.models.services.conflicts import NOT_STORED
from desktop.models.services.responses import StoredResponse
from desktop.views import shortcuts, theme
from desktop.views.conflict_dialog import save_resolving_conflicts
from desktop.views.second_entry import SecondEntryMode
from desktop.views.widgets import (
    DateLineEdit,
    add_save_shortcuts,
    add_shortcut,
    ask_discard,
    error_label,
    format_decimal,
    set_tab_chain,
)

MISSING_KEYS = ("0", "-")  # each press cycles through the definition's missing reasons
REVERSE_MARK = "↺"
FIGURE_SPACE = "\u2007"  # as wide as a digit
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)

Answer = int | str | None  # a value, a missing-reason key, or nothing yet


def missing_keys(definition: InstrumentDefinition) -> tuple[str, ...]:
    """The keys that mark an item missing: '0' only where 0 is not an answer on the scale."""
    return tuple(key for key in MISSING_KEYS if not (key == "0" and 0 in definition.levels()))


def answer_text(definition: InstrumentDefinition, item: Item, value: int) -> str:
    """What the paper says for this answer: a Bridge pillar's level text, else "6 = Agree"."""
    if item.levels:
        return item.level_text(value)
    label = definition.value_label(value)
    return tr("entry.form.value_label", value=value, label=label) if label else str(value)


def scores_text(definition: InstrumentDefinition, answers: Mapping[str, Answer],
                cutoff: Cutoff | None) -> str:
    """'Total 5,3 (high) · Insufficient resources 6,0 · …'; '' for an instrument without
    scales. A scale with too many missing items shows '—' and how many were answered."""
    values = {key: value if isinstance(value, int) else None for key, value in answers.items()}
    parts = []
    for key, score in score_response(definition, values, cutoff).items():
        scale = definition.scale(key).text()
        if score.value is None:
            parts.append(tr("entry.scores.none", scale=scale, answered=score.answered,
                            items=score.items))
        else:
            value = format_decimal(score.value, 1)
            parts.append(tr("entry.scores.high" if score.high else "entry.scores.value",
                            scale=scale, value=value))
    return " · ".join(parts)


class AnswerInput(QLineEdit):
    """One answer: a value on the scale, '–' for a missing reason, or empty; it reads its own
    keys. A digit that could begin a longer value (the 1 of 10 on a 0–10 scale) waits for the
    next key; any digit that completes a value moves on at once."""

    changed = Signal()
    refused = Signal(str)
    advance = Signal()
    back = Signal()
    save_requested = Signal()

    def __init__(self, definition: InstrumentDefinition, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._definition = definition
        self._values = {str(value) for value in definition.levels()}
        self._missing_keys = missing_keys(definition)
        self.value: int | None = None
        self.reason: str | None = None
        self._typed = ""  # digits of a value a further digit could still extend
        width = max(2, *(len(text) for text in self._values))
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFixedWidth(self.fontMetrics().horizontalAdvance("M" * width) + 16)
        self.setMaxLength(width)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)  # no pasting past the keys

    @property
    def pending(self) -> bool:
        """True while a typed digit waits for a possible second one."""
        return bool(self._typed)

    def answer(self) -> Answer:
        return self.value if self.value is not None else self.reason

    def set_answer(self, value: int | None, reason: str | None = None) -> None:
        self._typed = ""
        self.value, self.reason = value, (None if value is not None else reason)
        self.setText(str(value) if value is not None else ("–" if self.reason else ""))
        self.changed.emit()

    def cycle_reason(self) -> None:
        """The next missing reason of the definition (the first one if none is chosen yet)."""
        keys = self._definition.missing_reason_keys
        following = keys.index(self.reason) + 1 if self.reason in keys else 0
        self.set_answer(None, keys[following % len(keys)])

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, text = event.key(), event.text()
        extra = event.modifiers() & ~(Qt.KeyboardModifier.KeypadModifier
                                      | Qt.KeyboardModifier.ShiftModifier)
        if extra:
            event.ignore()  # Ctrl+… belongs to the form's and the window's shortcuts
        elif key in _ENTER and self.pending:
            self.accept_typed()
        elif key in _ENTER:
            self.save_requested.emit()
        elif text.isdigit() and self._digit(text):
            pass
        elif text in self._missing_keys and not self.pending \
                and self._definition.missing_reasons:
            self.cycle_reason()
        elif key in (Qt.Key.Key_Space, Qt.Key.Key_Down):
            self.accept_typed()
        elif key == Qt.Key.Key_Up:
            self._typed = ""
            self.back.emit()
        elif key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            self.set_answer(None)
        elif text and text.isprintable():
            self.refused.emit(self._typed + text if text.isdigit() else text)
        else:
            event.ignore()

    def _digit(self, digit: str) -> bool:
        """Take a digit that begins or extends a value on the scale; False when none can."""
        typed = self._typed + digit
        if not any(value.startswith(typed) for value in self._values):
            return False
        longer = any(len(value) > len(typed) and value.startswith(typed)
                     for value in self._values)
        value = int(typed) if typed in self._values else None
        if value is not None and not longer:
            self.set_answer(value)
            self.advance.emit()
            return True
        self.value, self.reason, self._typed = value, None, typed
        self.setText(typed)
        self.changed.emit()
        return True

    def accept_typed(self) -> None:
        """Space, Down or Enter: keep what is typed and move on (a lone '1' of '10' is 1)."""
        if self.pending and self.value is None:
            self.refused.emit(self._typed)  # e.g. '1' on a 5–12 scale: not a value by itself
            return
        self._typed = ""
        self.changed.emit()
        self.advance.emit()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        """Leaving keeps a complete value and drops a half-typed one."""
        if self.pending:
            self.set_answer(self.value)
        super().focusOutEvent(event)


class ItemRow:
    """The widgets of one item: label (buddy of the input), reverse mark, input, the text of
    the answer as printed on paper, and an inline message."""

    def __init__(self, number: int, item: Item, definition: InstrumentDefinition) -> None:
        self.item = item
        self.definition = definition
        self.input = AnswerInput(definition)
        self.input.setObjectName(f"item_{item.key}")
        self.input.setAccessibleName(item.text())
        mnemonic = "&" if number <= 9 else ""  # Alt+1 … Alt+9 jump to the first nine items
        digits = len(str(len(definition.items)))
        pad = FIGURE_SPACE * (digits - len(str(number)))  # 9 and 10 line up
        self.label = QLabel(f"{pad}{mnemonic}{number}  {item.text().replace('&', '&&')}")
        self.label.setBuddy(self.input)
        self.label.setWordWrap(definition.kind != "bridge")  # questions are whole sentences
        self.reverse = QLabel(REVERSE_MARK if item.key in definition.reverse_items else "")
        self.reverse.setStyleSheet(f"color: {theme.GREY_500};")
        if item.key in definition.reverse_items:
            tip = tr("entry.form.reverse_tip")
            self.reverse.setToolTip(tip)
            self.input.setToolTip(tip)
            self.input.setAccessibleDescription(tip)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.error = error_label(item.key)
        # Label and one-line texts centred on the input; longer texts grow downwards.
        height = self.input.sizeHint().height()
        for label in (self.label, self.reverse, self.text):
            label.setMinimumHeight(height)
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.input.changed.connect(self.show_answer)

    def show_answer(self) -> None:
        """The chosen answer's text beside the input, so the typist can check the paper."""
        self.error.setVisible(False)
        value = self.input.value
        if value is not None:
            text = answer_text(self.definition, self.item, value)
            self.text.setStyleSheet(f"color: {theme.GREY_900};")
            self.text.setText(tr("entry.form.pending", answer=text) if self.input.pending
                              else text)
        elif self.input.pending:
            self.text.setStyleSheet(f"color: {theme.GREY_700};")
            self.text.setText(tr("entry.form.partial"))
        elif self.input.reason is not None:
            reason = next((r.text() for r in self.definition.missing_reasons
                           if r.key == self.input.reason), self.input.reason)  # stored key
            self.text.setStyleSheet(f"color: {theme.ACCENT}; font-style: italic;")
            self.text.setText(tr("entry.form.missing", reason=reason))
        else:
            self.text.setStyleSheet(f"color: {theme.GREY_500};")
            self.text.setText(tr("entry.form.empty"))

    def show_message(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(True)


class InstrumentForm(QWidget):
    """One participant at one moment on one instrument; `saved(participant_id, moment_id,
    message)` after a save. Texts that differ per kind of instrument come from
    `entry.<kind>.*` (the Bridge speaks of pillars and assessments, a questionnaire of
    questions)."""

    saved = Signal(int, int, str)
    second_entry_changed = Signal(bool)  # the blind second-entry mode switched on or off

    def __init__(self, study_id: int, definition: InstrumentDefinition,
                 parent: QWidget | None = None, cutoff: Cutoff | None = None,
                 session_dates: dict[int, str] | None = None) -> None:
        super().__init__(parent)
        self.study_id = study_id
        self.definition = definition
        self.cutoff = cutoff if cutoff is not None else definition.cutoff
        self.texts = "entry.bridge" if definition.kind == "bridge" else "entry.questionnaire"
        self.participant_id: int | None = None
        self.moment_id: int | None = None
        self.last_scores = ""  # scores of the last response saved here
        self._code = ""
        self._moment_name = ""
        self._version: int | None = None
        self._stored: StoredResponse | None = None
        self._snapshot: tuple[object, ...] = ()
        # moment id → last ISO date saved this session; a page may share it between forms
        self._session_dates = session_dates if session_dates is not None else {}
        self._default_year = dt.date.today().year  # completes a date typed as ddmm
        self.heading = QLabel()
        self.heading.setStyleSheet(theme.heading_style())
        self.date = DateLineEdit()
        self.date.setObjectName("assessed_on")
        self.date_label = QLabel(tr(f"{self.texts}.date"))
        self.date_label.setBuddy(self.date)
        self.date_note = QLabel()
        self.date_note.setStyleSheet(f"color: {theme.GREY_700};")
        self.date_error = error_label("assessed_on")
        self.general_error = error_label("general")
        self.hint = QLabel(self._hint_text())
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {theme.GREY_700};")
        self.legend = QLabel(" · ".join(
            tr("entry.form.legend_entry", value=value, label=definition.value_label(value))
            for value in definition.levels() if definition.value_label(value)))
        self.legend.setWordWrap(True)
        self.rows = [ItemRow(n, item, definition)
                     for n, item in enumerate(definition.items, start=1)]
        self.scores = QLabel()
        self.scores.setWordWrap(True)
        self.scores.setObjectName("stored_scores")
        self.scores.setVisible(False)
        self.save_button = QPushButton(tr("entry.save"))
        self.save_button.setAutoDefault(True)  # Enter on the focused button saves as well
        self.save_button.setToolTip(shortcuts.with_shortcut(tr(f"{self.texts}.save_tip"),
                                                            shortcuts.SAVE))
        self.save_button.clicked.connect(self._save_slot)
        reason = definition.missing_reasons[0].text() if definition.missing_reasons else ""
        self.mark_missing_button = QPushButton(tr(f"{self.texts}.mark_missing", reason=reason))
        self.mark_missing_button.setToolTip(shortcuts.with_shortcut(
            tr(f"{self.texts}.mark_missing_tip", reason=reason), shortcuts.MARK_EMPTY_MISSING))
        self.mark_missing_button.clicked.connect(self.mark_empty_missing)
        self.second_entry = SecondEntryMode(self)
        self._build_layout()
        self._wire()
        add_save_shortcuts(self, self._save_slot)
        add_shortcut(self, shortcuts.MARK_EMPTY_MISSING, self.mark_empty_missing)
        self.setEnabled(False)

    def _hint_text(self) -> str:
        definition = self.definition
        keys = missing_keys(definition)
        reason = definition.missing_reasons[0].text() if definition.missing_reasons else ""
        hint = tr(f"{self.texts}.hint", min=definition.minimum, max=definition.maximum,
                  missing=tr("entry.form.or").join(keys), reason=reason,
                  mark=shortcuts.shortcut_text(shortcuts.MARK_EMPTY_MISSING))
        if any(len(str(value)) > 1 for value in definition.levels()):
            hint += " " + tr("entry.form.hint_two_digits", max=definition.maximum)
        return hint

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
        marks = bool(self.definition.reverse_items)
        input_column = 2 if marks else 1
        if self.definition.kind == "bridge":
            grid.setColumnStretch(input_column + 1, 1)
        else:  # whole sentences: they share the width with the answer's text
            grid.setColumnStretch(0, 3)
            grid.setColumnStretch(input_column + 1, 2)
        for number, row in enumerate(self.rows):
            grid.addWidget(row.label, number, 0, Qt.AlignmentFlag.AlignTop)
            if marks:
                grid.addWidget(row.reverse, number, 1, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(row.input, number, input_column, Qt.AlignmentFlag.AlignTop)
            cell = QVBoxLayout()
            cell.setSpacing(0)
            cell.addWidget(row.text)
            cell.addWidget(row.error)
            grid.addLayout(cell, number, input_column + 1)
            row.show_answer()
        items = QWidget()
        item_layout = QVBoxLayout(items)
        item_layout.addLayout(grid)
        item_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidget(items)
        self._scroll = scroll
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.mark_missing_button)
        buttons.addWidget(self.second_entry.button)
        buttons.addWidget(self.second_entry.resolve_button)
        buttons.addWidget(self.second_entry.state)
        buttons.addWidget(self.general_error, 1)
        self.general_error.setSizePolicy(QSizePolicy.Policy.Expanding,
                                         QSizePolicy.Policy.Preferred)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, theme.SPACING, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.legend)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.scores)
        layout.addLayout(buttons)
        # only now that every widget has its parent: shown before, each would be a window
        self.legend.setVisible(bool(self.legend.text()))
        self.mark_missing_button.setVisible(bool(self.definition.missing_reasons))
        chain = ([self.date] + [row.input for row in self.rows]
                 + [self.save_button, self.mark_missing_button, self.second_entry.button,
                    self.second_entry.resolve_button])
        set_tab_chain(chain)

    def _wire(self) -> None:
        self.date.confirmed.connect(self._date_confirmed)
        self.date.textEdited.connect(lambda _text: self._set_date_note(""))
        for number, row in enumerate(self.rows):
            row.input.advance.connect(lambda n=number: self.focus_item(n + 1))
            row.input.back.connect(lambda n=number: self.focus_item(n - 1))
            row.input.save_requested.connect(self._save_slot)
            row.input.refused.connect(lambda text, r=row: r.show_message(self._refusal(text)))

    def _refusal(self, text: str) -> str:
        return tr("entry.form.key_refused", key=text, min=self.definition.minimum,
                  max=self.definition.maximum,
                  missing=tr("entry.form.or").join(missing_keys(self.definition)))

    def _date_confirmed(self) -> None:
        self.date.complete(self._default_year)
        self.focus_item(0)

    def focus_item(self, number: int) -> None:
        """Focus an item's input; past the last item the Save button (Enter saves), -1 the
        date."""
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

    def row(self, key: str) -> ItemRow:
        return next(row for row in self.rows if row.item.key == key)

    def answers(self) -> dict[str, Answer]:
        return {row.item.key: row.input.answer() for row in self.rows}

    def _values(self) -> tuple[object, ...]:
        return (self.date.date_text(), tuple(self.answers().items()))

    def has_unsaved_changes(self) -> bool:
        return self.participant_id is not None and self._values() != self._snapshot

    def mark_empty_missing(self) -> None:
        """Every item still empty gets the first missing reason ("not answered"); focus then
        goes to Save, so Enter stores the form."""
        if not self.isEnabled() or not self.definition.missing_reasons:
            return
        first = self.definition.missing_reason_keys[0]
        for row in self.rows:
            if row.input.answer() is None:
                row.input.set_answer(None, first)
        self.save_button.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _set_date_note(self, key: str) -> None:
        self.date_note.setText(tr(f"entry.form.date_{key}") if key else "")

    def load(self, participant_id: int | None, moment_id: int | None) -> None:
        """Show the stored response, or an empty one with a default date (the last one typed
        for this moment in this session, else today); focus goes to the date."""
        self.participant_id, self.moment_id = participant_id, moment_id
        self._clear_messages()
        self.setEnabled(participant_id is not None and moment_id is not None)
        if participant_id is None or moment_id is None:
            self.heading.setText(tr("entry.form.no_participant"))
            self._fill(None, "", "")
            self.second_entry.show_state()
            return
        self._code = participants.get_participant(participant_id).code
        moment = next(m for m in studies.get_study(self.study_id).moments if m.id == moment_id)
        self._moment_name = moment.name
        if self.second_entry.active:  # blind: nothing of the first entry is read
            self.second_entry.load()
            return
        existing = responses.get_response(participant_id, moment_id, self.definition.key)
        self.heading.setText(tr(f"{self.texts}.heading", code=self._code, moment=moment.name,
                                title=self.definition.title()))
        if existing is not None:
            self._fill(existing, existing.assessed_on.isoformat(), "stored")
        elif moment_id in self._session_dates:
            self._fill(None, self._session_dates[moment_id], "session")
        else:
            self._fill(None, dt.date.today().isoformat(), "today")
        self.second_entry.show_state()
        self.focus_date()

    def _fill(self, existing: StoredResponse | None, date_text: str, note: str) -> None:
        self._stored = existing
        self._version = existing.version if existing else NOT_STORED
        self.date.set_date_text(date_text)
        self._default_year = int(date_text[:4]) if date_text else dt.date.today().year
        self._set_date_note(note)
        for row in self.rows:
            value = existing.values.get(row.item.key) if existing else None
            reason = existing.missing.get(row.item.key) if existing else None
            row.input.set_answer(value, reason)
        self._snapshot = self._values()
        self.show_stored_scores()

    def show_stored_scores(self) -> None:
        """The scores of the response as stored (with the study's current cut-off)."""
        text = ""
        if self._stored is not None and self.definition.scales:
            answers = dict(self._stored.values)
            text = tr("entry.scores.stored", scores=scores_text(self.definition, answers,
                                                                self.cutoff))
        self.scores.setText(text)
        self.scores.setToolTip(self._cutoff_tip())
        self.scores.setVisible(bool(text))

    def _cutoff_tip(self) -> str:
        if self.cutoff is None:
            return ""
        return tr("entry.scores.cutoff_tip", scale=self.definition.scale(self.cutoff.scale).text(),
                  cutoff=format_decimal(self.cutoff.at_least, None))

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
            self.focus_item(self.rows.index(row))
        else:
            self.general_error.setText(error.message)
            self.general_error.setVisible(True)

    def _save_slot(self) -> None:
        """Slots return nothing: a bool handed back to Qt trips a PySide6 refcount bug."""
        self.save()

    def save(self) -> bool:
        """Store the whole response in one service call; True when it was stored."""
        if self.participant_id is None or self.moment_id is None:
            return False
        if self.second_entry.active:
            return self.second_entry.save()
        answers = self.answers()
        self.date.complete(self._default_year)
        participant_id, moment_id, date = self.participant_id, self.moment_id, \
            self.date.date_text()
        try:
            if not save_resolving_conflicts(
                    self, lambda version: responses.save_response(
                        participant_id, moment_id, self.definition.key, date, answers,
                        expected_version=version),
                    self._version, lambda: self.load(participant_id, moment_id)):
                return False
        except ValidationError as error:
            self.show_error(error)
            return False
        filled = sum(1 for value in answers.values() if value is not None)
        date_text = self.date.text()
        self._session_dates[self.moment_id] = "-".join(reversed(date_text.split("-")))
        self.last_scores = scores_text(self.definition, answers, self.cutoff)
        message = tr(f"{self.texts}.saved", code=self._code, moment=self._moment_name,
                     date=date_text, filled=filled, total=len(self.rows),
                     title=self.definition.title())
        if self.last_scores:
            message = tr("entry.scores.saved", message=message, scores=self.last_scores)
        self.load(self.participant_id, self.moment_id)
        self.saved.emit(self.participant_id, self.moment_id, message)
        return True

    def confirm_discard(self) -> bool:
        """True when the form may be left: nothing unsaved, or the user chose to discard."""
        return not self.has_unsaved_changes() or self.ask_discard()

    def ask_discard(self) -> bool:
        return ask_discard(self, tr(f"{self.texts}.unsaved", code=self._code,
                                    moment=self._moment_name, title=self.definition.title()))
