"""One professional's paper survey, typed about as fast as it was filled in: the date, a rank
per element, one digit per statement, j or n per step of the method.

The statements and steps are rows of the instrument form (instrument_form.ItemRow), built from
the survey definition, so they type and read like every questionnaire in the app; the service
checks everything and a refusal is shown beside the answer it names.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.i18n import tr
from desktop.models.errors import BrugmeterError
from desktop.models.instruments import InstrumentDefinition, Item
from desktop.models.services import professionals, surveys
from desktop.models.services.conflicts import NOT_STORED
from desktop.models.services.surveys import StoredSurvey
from desktop.models.surveys import APPLIED, NOT_APPLIED, SurveyDefinition
from desktop.views import shortcuts, theme
from desktop.views.conflict_dialog import save_resolving_conflicts
from desktop.views.instrument_form import AnswerInput, ItemRow
from desktop.views.lead_only import restrict
from desktop.views.ranking_editor import RankingEditor
from desktop.views.reason_dialog import ask_reason
from desktop.views.widgets import (
    DateLineEdit,
    add_shortcut,
    ask_discard,
    error_label,
    set_tab_chain,
)

STEP_KEYS = {"j": APPLIED, "y": APPLIED, "n": NOT_APPLIED}  # ja / yes, nee / no


def _both_languages(key: str) -> dict[str, str]:
    return {language: tr(key, language=language) for language in i18n.LANGUAGES}


def likert_instrument(definition: SurveyDefinition) -> InstrumentDefinition:
    """The statements as an instrument, so the questionnaire rows can show them."""
    return InstrumentDefinition(
        key=definition.key, kind="survey", version=1, name=definition.name,
        minimum=definition.likert_min, maximum=definition.likert_max,
        items=tuple(Item(item.key, item.label, {}) for item in definition.likert_items),
        missing_reasons=(), source_json="", value_labels=definition.likert_labels)


def fidelity_instrument(definition: SurveyDefinition) -> InstrumentDefinition:
    """The steps as an instrument on a 0–1 scale whose level texts say applied or not."""
    levels = {APPLIED: _both_languages("entry.survey.applied"),
              NOT_APPLIED: _both_languages("entry.survey.not_applied")}
    return InstrumentDefinition(
        key=definition.key, kind="survey", version=1, name=definition.name,
        minimum=NOT_APPLIED, maximum=APPLIED,
        items=tuple(Item(step.key, step.label, levels) for step in definition.fidelity_steps),
        missing_reasons=(), source_json="")


class StepKeys(QObject):
    """Lets a step's input take j / y and n, the letters of the paper's yes and no boxes, and
    shows them as the answer (the input itself only knows digits)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and isinstance(watched, AnswerInput)
                and not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier):
            value = STEP_KEYS.get(event.text().lower())
            if value is not None:
                watched.set_answer(value)
                watched.advance.emit()
                return True
        return super().eventFilter(watched, event)

    @staticmethod
    def show_mark(step_input: AnswerInput) -> None:
        if step_input.value is not None:
            step_input.setText(tr("entry.survey.yes_mark" if step_input.value == APPLIED
                                  else "entry.survey.no_mark"))


class SurveyForm(QWidget):
    """The survey of one professional; `saved(id, message)` and `deleted(id, message)` after
    a change is stored, `next_requested` after Ctrl+Enter saved it."""

    saved = Signal(int, str)
    deleted = Signal(int, str)
    next_requested = Signal()

    def __init__(self, study_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.study_id = study_id
        self.professional_id: int | None = None
        self.definition = surveys.study_survey(study_id).definition
        self.rows: list[ItemRow] = []
        self._code = ""
        self._stored: StoredSurvey | None = None
        self._snapshot: tuple[object, ...] = ()
        self._step_keys = StepKeys(self)
        self.heading = QLabel()
        self.heading.setStyleSheet(theme.heading_style())
        self.state = QLabel()
        self.state.setObjectName("survey_state")
        self.state.setStyleSheet(f"color: {theme.GREY_700};")
        self.date = DateLineEdit()
        self.date.setObjectName("answered_on")
        self.date_label = QLabel(tr("entry.survey.date"))
        self.date_label.setBuddy(self.date)
        self.date_error = error_label("answered_on")
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {theme.GREY_700};")
        self.ranking = RankingEditor()
        self.likert_heading = QLabel(tr("entry.survey.likert_heading"))
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.setStyleSheet(f"color: {theme.GREY_700};")
        self.fidelity_question = QLabel()
        self.fidelity_question.setWordWrap(True)
        for label in (self.likert_heading, self.fidelity_question):
            label.setStyleSheet(theme.heading_style())
        self._rows_box = QWidget()  # rebuilt whenever the definition changes
        self.general_error = error_label("survey")
        self.general_error.setSizePolicy(QSizePolicy.Policy.Expanding,
                                         QSizePolicy.Policy.Preferred)
        self.save_button = QPushButton(tr("entry.save"))
        self.save_button.setAutoDefault(True)
        self.save_button.setToolTip(shortcuts.with_shortcut(tr("entry.survey.save_tip"),
                                                            shortcuts.SAVE))
        self.delete_button = QPushButton(tr("entry.survey.delete"))
        self.delete_button.setToolTip(tr("entry.survey.delete_tip"))
        restrict(self.delete_button)  # deleting: a lead's task
        self._build_layout()
        self.ranking.rows_area.installEventFilter(self)  # see eventFilter
        QApplication.instance().focusChanged.connect(self._follow_focus)
        self.set_definition(self.definition)
        self.date.confirmed.connect(self._date_confirmed)
        self.save_button.clicked.connect(self._save_slot)
        self.delete_button.clicked.connect(self.delete)
        add_shortcut(self, shortcuts.SAVE, self._save_slot)
        for key in (shortcuts.SAVE_AND_NEXT, shortcuts.SAVE_AND_NEXT_KEYPAD):
            add_shortcut(self, key, self.save_and_next)
        self.load(None)

    def _build_layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.date_label)
        top.addWidget(self.date)
        top.addSpacing(theme.SPACING_LARGE)
        top.addWidget(self.state)
        top.addWidget(self.date_error, 1)
        top.addStretch(1)
        self._body = QVBoxLayout()
        self._body.addWidget(self.ranking)
        self._body.addSpacing(theme.SPACING)
        self._body.addWidget(self.likert_heading)
        self._body.addWidget(self.legend)
        self._body.addWidget(self._rows_box)
        self._body.addStretch(1)
        body = QWidget()
        body.setLayout(self._body)
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self._scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._scroll.setWidget(body)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.general_error, 1)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        self.header = QHBoxLayout()  # a page may add its own buttons at the end
        self.header.addWidget(self.heading, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.header)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self._scroll, 1)
        layout.addLayout(buttons)

    def _follow_focus(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Keep the answer being typed in view, wherever the focus moved by itself."""
        if new is not None and self._scroll.widget().isAncestorOf(new):
            self._scroll.ensureWidgetVisible(new)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """When the ranking's rows change width, fit its height once the layout has settled."""
        if watched is self.ranking.rows_area and event.type() == QEvent.Type.Resize:
            QTimer.singleShot(0, self, self._fit_ranking)
        return super().eventFilter(watched, event)

    def _fit_ranking(self) -> None:
        """Give the ranking's rows their whole height, so the form scrolls as one page (a
        scroll area inside a scroll area hides the rows the typist looks for)."""
        area = self.ranking.rows_area
        rows = area.widget()
        if rows is None:
            return
        needed = max(rows.heightForWidth(area.viewport().width()),
                     rows.minimumSizeHint().height())
        target = self.ranking.height() - area.viewport().height() + needed
        if abs(target - self.ranking.minimumHeight()) > 1:
            self.ranking.setMinimumHeight(target)

    def set_definition(self, definition: SurveyDefinition) -> None:
        """Show another version of the study's survey (after the definition was edited)."""
        self.definition = definition
        self.ranking.set_definition(definition)
        self.hint.setText(tr("entry.survey.hint", min=definition.likert_min,
                             max=definition.likert_max,
                             save=shortcuts.shortcut_text(shortcuts.SAVE),
                             next=shortcuts.shortcut_text(shortcuts.SAVE_AND_NEXT)))
        self.fidelity_question.setText(i18n.pick(definition.fidelity_question))
        self.legend.setText(" · ".join(
            tr("entry.form.legend_entry", value=value, label=definition.likert_label(value))
            for value in range(definition.likert_min, definition.likert_max + 1)
            if definition.likert_label(value)))
        for widget in (self.likert_heading, self.legend):
            widget.setVisible(bool(definition.likert_items))
        likert = likert_instrument(definition)
        steps = fidelity_instrument(definition)
        count = len(likert.items)
        self.rows = ([ItemRow(n, item, likert) for n, item in enumerate(likert.items, start=1)]
                     + [ItemRow(n, item, steps)
                        for n, item in enumerate(steps.items, start=count + 1)])
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(theme.SPACING_LARGE)
        grid.setVerticalSpacing(theme.SPACING_SMALL)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(2, 2)
        for number, row in enumerate(self.rows):
            line = number + (1 if number >= count else 0)  # the fidelity question goes between
            grid.addWidget(row.label, line, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(row.input, line, 1, Qt.AlignmentFlag.AlignTop)
            cell = QVBoxLayout()
            cell.setSpacing(0)
            cell.addWidget(row.text)
            cell.addWidget(row.error)
            grid.addLayout(cell, line, 2)
            self._wire_row(number, row, is_step=number >= count)
            row.show_answer()
        grid.addWidget(self.fidelity_question, count, 0, 1, 3)
        self.fidelity_question.setVisible(bool(steps.items))
        self._body.replaceWidget(self._rows_box, box)
        self._rows_box.deleteLater()
        self._rows_box = box
        chain = [self.date, self.ranking, *(row.input for row in self.rows),
                 self.save_button, self.delete_button]
        set_tab_chain(chain)

    def _wire_row(self, number: int, row: ItemRow, is_step: bool) -> None:
        row.input.advance.connect(lambda: self.focus_row(number + 1))
        row.input.back.connect(lambda: self.focus_row(number - 1))
        row.input.save_requested.connect(self._save_slot)
        key = "entry.survey.step_refused" if is_step else "entry.survey.likert_refused"
        row.input.refused.connect(lambda text: row.show_message(tr(
            key, key=text, min=self.definition.likert_min, max=self.definition.likert_max)))
        if is_step:
            row.input.installEventFilter(self._step_keys)
            row.input.changed.connect(lambda: StepKeys.show_mark(row.input))

    def _date_confirmed(self) -> None:
        self.ranking.first_input().setFocus(Qt.FocusReason.TabFocusReason)

    def focus_row(self, number: int) -> None:
        """Focus a statement or step; before the first the ranking, after the last Save."""
        if number < 0:
            self.ranking.first_input().setFocus(Qt.FocusReason.BacktabFocusReason)
        elif number >= len(self.rows):
            self.save_button.setFocus(Qt.FocusReason.TabFocusReason)
        else:
            self.rows[number].input.setFocus(Qt.FocusReason.TabFocusReason)

    def focus_date(self) -> None:
        self.date.setFocus(Qt.FocusReason.TabFocusReason)
        self.date.selectAll()

    def row(self, key: str) -> ItemRow:
        return next(row for row in self.rows if row.item.key == key)

    def answers(self) -> surveys.SurveyAnswers:
        count = len(self.definition.likert_items)
        values = [(row.item.key, row.input.value) for row in self.rows]
        return surveys.SurveyAnswers(
            ranks=self.ranking.ranks(),
            likert={key: value for key, value in values[:count] if value is not None},
            fidelity={key: value for key, value in values[count:] if value is not None},
            answered_on=self.date.date_text())

    def _values(self) -> tuple[object, ...]:
        answers = self.answers()
        return (answers.answered_on, *(tuple(sorted(given.items())) for given in (
            answers.ranks, answers.likert, answers.fidelity)))

    def has_unsaved_changes(self) -> bool:
        return self.professional_id is not None and self._values() != self._snapshot

    def load(self, professional_id: int | None) -> None:
        """Show the professional's stored survey, or an empty one; None empties the form."""
        self.professional_id = professional_id
        for widget in (self.date, self._scroll, self.save_button):  # the header stays usable
            widget.setEnabled(professional_id is not None)
        if professional_id is None:
            self._code = ""
            self.heading.setText(tr("entry.survey.no_professional"))
            stored = None
        else:
            self._code = professionals.get_professional(professional_id).code
            self.heading.setText(tr("entry.survey.heading", code=self._code,
                                    title=self.definition.title()))
            stored = surveys.get_survey_response(professional_id)
        self._fill(stored)

    def _fill(self, stored: StoredSurvey | None) -> None:
        self._stored = stored
        self._clear_messages()
        self.date.set_date_text(stored.answered_on.isoformat()
                                if stored and stored.answered_on else "")
        self.ranking.clear()
        if stored is not None:
            self.ranking.set_ranks(stored.ranks)
        given = {**stored.likert, **{key: int(value) for key, value in stored.fidelity.items()}
                 } if stored else {}
        for row in self.rows:
            row.input.set_answer(given.get(row.item.key))
        state = "none" if stored is None else "complete" if stored.complete else "partial"
        self.state.setText(tr(f"entry.survey.state.{state}"))
        self.delete_button.setEnabled(stored is not None)
        self._snapshot = self._values()

    def _clear_messages(self) -> None:
        self.ranking.clear_error()
        for label in [self.date_error, self.general_error] + [row.error for row in self.rows]:
            label.clear()
            label.setVisible(False)

    def show_error(self, error: BrugmeterError) -> None:
        """The message beside the answer the service named; focus there; the input stays."""
        self._clear_messages()
        field = getattr(error, "field", "")
        if field == "answered_on":
            self.date_error.setText(error.message)
            self.date_error.setVisible(True)
            self.focus_date()
        elif field in self.definition.element_keys:
            self.ranking.mark_error(field, error.message)
        elif any(row.item.key == field for row in self.rows):
            row = self.row(field)
            row.show_message(error.message)
            self.focus_row(self.rows.index(row))
        else:
            self.general_error.setText(error.message)
            self.general_error.setVisible(True)

    def _save_slot(self) -> None:
        """Slots return nothing: a bool handed back to Qt trips a PySide6 refcount bug."""
        self.save()

    def save(self) -> bool:
        """Store the survey in one service call; True when it was stored."""
        if self.professional_id is None:
            return False
        version = self._stored.version if self._stored is not None else NOT_STORED
        professional_id, answers = self.professional_id, self.answers()
        try:
            if not save_resolving_conflicts(
                    self, lambda expected: surveys.save_survey_response(
                        professional_id, answers, expected_version=expected),
                    version, lambda: self.load(professional_id)):
                return False
        except BrugmeterError as error:  # refused, or the professional is gone meanwhile
            self.show_error(error)
            return False
        complete = surveys.get_survey_response(professional_id).complete
        state = tr("entry.survey.complete" if complete else "entry.survey.partial")
        self.load(self.professional_id)
        self.saved.emit(self.professional_id,
                        tr("entry.survey.saved", code=self._code, state=state))
        return True

    def save_and_next(self) -> None:
        """Ctrl+Enter: save, then the page opens the next professional."""
        if self.save():
            self.next_requested.emit()

    def delete(self) -> None:
        """Ask, then delete the stored survey (the professional stays)."""
        if self.professional_id is None or self._stored is None:
            return
        reason = self.delete_reason()
        if reason is None:
            return
        try:
            surveys.delete_survey_response(self.professional_id, reason)
        except BrugmeterError as error:
            self.show_error(error)
            return
        self.load(self.professional_id)
        self.deleted.emit(self.professional_id, tr("entry.survey.deleted", code=self._code))

    def delete_reason(self) -> str | None:
        """Why the survey is deleted, or None to keep it."""
        return ask_reason(self, tr("entry.survey.delete_question", code=self._code))

    def confirm_discard(self) -> bool:
        """True when the form may be left: nothing unsaved, or the user chose to discard."""
        return not self.has_unsaved_changes() or self.ask_discard()

    def ask_discard(self) -> bool:
        return ask_discard(self, tr("entry.survey.unsaved", code=self._code))
