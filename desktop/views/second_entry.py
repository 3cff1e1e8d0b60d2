"""The second-entry mode of an instrument form (double data entry): the same form, empty, for
a response entered once — without its values, date or scores — saved apart as the second
entry; differences then go to the resolution dialog. The mode stays on from form to form, as
a second typist works through a stack of paper forms, until it is switched off."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QPushButton

from desktop.i18n import tr
from desktop.models.errors import ValidationError
from desktop.models.services import double_entry
from desktop.views import shortcuts, theme
from desktop.views.double_entry_dialog import resolve_differences
from desktop.views.widgets import add_shortcut

if TYPE_CHECKING:
    from desktop.views.instrument_form import InstrumentForm


class SecondEntryMode:
    """The form's second-entry switch (button and Ctrl+Shift+D), its Resolve button
    (Ctrl+Shift+R, for a response whose entries differ) and the double-entry state shown."""

    def __init__(self, form: InstrumentForm) -> None:
        self.form = form
        self.active = False
        self.response_id: int | None = None  # the response being entered a second time
        self.button = QPushButton(tr("double_entry.form.switch"))
        self.button.setObjectName("second_entry")
        self.button.setCheckable(True)
        self.button.setToolTip(shortcuts.with_shortcut(tr("double_entry.form.switch_tip"),
                                                       shortcuts.SECOND_ENTRY))
        self.button.clicked.connect(lambda _=False: self.toggle())
        self.resolve_button = QPushButton(tr("double_entry.form.resolve"))
        self.resolve_button.setObjectName("resolve_differences")
        self.resolve_button.setToolTip(shortcuts.with_shortcut(
            tr("double_entry.form.resolve_tip"), shortcuts.RESOLVE_DIFFERENCES))
        self.resolve_button.clicked.connect(self.resolve)
        self.state = QLabel()
        self.state.setObjectName("verification")
        add_shortcut(form, shortcuts.SECOND_ENTRY, self.toggle)
        add_shortcut(form, shortcuts.RESOLVE_DIFFERENCES, self.resolve)

    def toggle(self) -> None:
        """Switch the mode (asking first about anything typed and unsaved)."""
        if not self.form.confirm_discard():
            self.button.setChecked(self.active)
            return
        self.active = not self.active
        self.button.setChecked(self.active)
        self.form.second_entry_changed.emit(self.active)
        self.form.load(self.form.participant_id, self.form.moment_id)

    def load(self) -> None:
        """An empty form to type the paper on, or why this form cannot be entered again."""
        form = self.form
        form._fill(None, "", "")
        self.response_id = None
        self.resolve_button.setVisible(False)
        try:
            blank = double_entry.start_second_entry(form.participant_id, form.moment_id,
                                                    form.definition.key)
        except ValidationError as error:
            form.heading.setText(tr("double_entry.form.heading_refused"))
            self._set_state(error.message, theme.ERROR)
            self._enable_inputs(False)
            self.button.setFocus()  # the keys go on working: Space switches the mode off
            return
        self.response_id = blank.response_id
        self._enable_inputs(True)
        form.heading.setText(tr("double_entry.form.heading", code=blank.code,
                                moment=blank.moment, title=blank.title))
        self._set_state(tr("double_entry.form.blind"), theme.ACCENT)
        form.focus_date()

    def _enable_inputs(self, enabled: bool) -> None:
        for widget in [self.form.date, self.form.save_button, self.form.mark_missing_button,
                       *(row.input for row in self.form.rows)]:
            widget.setEnabled(enabled)

    def show_state(self) -> None:
        """Outside the mode: the stored response's double-entry state, Resolve when due."""
        self._enable_inputs(True)
        form = self.form
        found = (double_entry.state_of(form.participant_id, form.moment_id, form.definition.key)
                 if form.participant_id is not None and form.moment_id is not None else None)
        self.response_id, state = found if found else (None, None)
        self.resolve_button.setVisible(state == double_entry.TO_RESOLVE)
        colour = {double_entry.VERIFIED: theme.SUCCESS,
                  double_entry.TO_RESOLVE: theme.ERROR}.get(state or "", theme.GREY_700)
        self._set_state(tr(f"double_entry.state.{state}") if state else "", colour)

    def _set_state(self, text: str, colour: str) -> None:
        self.state.setText(text)
        self.state.setStyleSheet(f"color: {colour};")
        self.state.setVisible(bool(text))

    def save(self) -> bool:
        """Store the second entry; differences open the resolution dialog at once (the paper
        form is still at hand). True when it was stored."""
        form = self.form
        if self.response_id is None:
            return False
        form.date.complete(form._default_year)
        try:
            result = double_entry.save_second_entry(
                form.participant_id, form.moment_id, form.definition.key,
                form.date.date_text(), form.answers())
        except ValidationError as error:
            form.show_error(error)
            return False
        participant_id, moment_id = form.participant_id, form.moment_id
        texts = {"code": form._code, "moment": form._moment_name,
                 "title": form.definition.title()}
        if result.verified:
            message = tr("double_entry.form.verified", **texts)
        else:
            resolved = resolve_differences(form, result.response_id)
            message = tr("double_entry.form.resolved" if resolved else "double_entry.form.differ",
                         count=result.fields - result.agreed, **texts)
        form.load(participant_id, moment_id)
        form.saved.emit(participant_id, moment_id, message)
        return True

    def resolve(self) -> None:
        """Ctrl+Shift+R: resolve the stored response's differences (outside the mode)."""
        form = self.form
        if self.active or self.response_id is None or not self.resolve_button.isVisible() \
                or not form.confirm_discard():
            return
        if resolve_differences(form, self.response_id):
            stored = form.participant_id, form.moment_id
            form.load(*stored)
            form.saved.emit(*stored, tr("double_entry.form.resolved_later", code=form._code,
                                        moment=form._moment_name,
                                        title=form.definition.title()))
