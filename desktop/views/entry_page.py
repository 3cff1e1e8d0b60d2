"""What every data-entry page shares: pick a participant by code, a moment by tab, then type
the form below; after a save go on to the next moment, or back to the code for the next form.

The Bridge page shows one form; the Questionnaires page swaps forms as the questionnaire
changes. Both ask before anything typed and unsaved would be dropped.
"""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.models.services import participants, responses, studies
from desktop.views import shortcuts, theme
from desktop.views.instrument_form import InstrumentForm
from desktop.views.page import Page
from desktop.views.widgets import add_shortcut, error_label, format_date


class EntryPage(Page):
    """Participant code field (with completion), a tab per moment, and the current form."""

    def __init__(self, study_id: int, parent: QWidget | None = None) -> None:
        super().__init__(study_id, parent)
        self._rows: dict[str, participants.ParticipantRow] = {}
        self._moments: list[studies.MomentInfo] = []
        self.participant_id: int | None = None
        self.form: InstrumentForm | None = None
        self.code = QLineEdit()
        self.code.setObjectName("participant_code")
        self.code.setPlaceholderText(tr("entry.page.participant_placeholder"))
        self.code.setMaximumWidth(220)
        self._codes = QStringListModel(self)
        completer = QCompleter(self._codes, self.code)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.code.setCompleter(completer)
        self.code_label = QLabel(tr("entry.page.participant"))
        self.code_label.setBuddy(self.code)
        self.info = QLabel()
        self.info.setStyleSheet(f"color: {theme.GREY_700};")
        self.code_error = error_label("participant")
        self.tabs = QTabBar()
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Ctrl+PgDn/PgUp switch moments
        self.tabs.setToolTip(tr("entry.page.moment_tip"))
        self.tabs.setExpanding(False)
        self.last_saved = QLabel()
        self.last_saved.setObjectName("last_saved")
        self.last_saved.setWordWrap(True)
        self.last_saved.setStyleSheet(f"color: {theme.SUCCESS};")
        self.last_saved.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.last_saved.setVisible(False)
        self.code.returnPressed.connect(self._code_entered)
        completer.activated.connect(self._code_entered)
        self.tabs.currentChanged.connect(self._tab_changed)
        for key, step in ((shortcuts.NEXT_MOMENT, 1), (shortcuts.PREVIOUS_MOMENT, -1)):
            add_shortcut(self, key, lambda s=step: self.step_moment(s))

    def _build_layout(self, body: QWidget, chooser: QLayout | None = None) -> None:
        """Code row, the subclass's own row (e.g. the questionnaire), the tabs, the body."""
        top = QHBoxLayout()
        top.addWidget(self.code_label)
        top.addWidget(self.code)
        top.addWidget(self.info)
        top.addWidget(self.code_error, 1)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(theme.MARGIN, theme.MARGIN, theme.MARGIN, theme.MARGIN)
        layout.addLayout(top)
        if chooser is not None:
            layout.addLayout(chooser)
        layout.addWidget(self.tabs)
        layout.addWidget(body, 1)
        layout.addWidget(self.last_saved)

    def attach_form(self, form: InstrumentForm) -> None:
        form.saved.connect(self._saved)
        form.second_entry_changed.connect(lambda _active: self._update_tabs())

    def refresh(self) -> None:
        """Reload codes and moments; the form is reloaded only when it holds nothing unsaved."""
        rows = participants.participant_rows(self.study_id)
        self._rows = {row.code.casefold(): row for row in rows}
        self._codes.setStringList([row.code for row in rows])
        self._moments = list(studies.get_study(self.study_id).moments)
        self.tabs.blockSignals(True)
        current = max(0, self.tabs.currentIndex())
        while self.tabs.count():
            self.tabs.removeTab(0)
        for moment in self._moments:
            self.tabs.addTab(moment.name)
        self.tabs.setCurrentIndex(min(current, len(self._moments) - 1))
        self.tabs.blockSignals(False)
        if self.participant_id is not None and not any(
                row.id == self.participant_id for row in rows):
            self.participant_id = None
        self._update_tabs()
        if self.form is not None and not self.form.has_unsaved_changes():
            self.form.load(self.participant_id, self.moment_id())

    def moment_id(self) -> int | None:
        index = self.tabs.currentIndex()
        return self._moments[index].id if 0 <= index < len(self._moments) else None

    def _update_tabs(self) -> None:
        """Mark each moment where the current form's instrument is filled in, with its date
        (not while it is entered a second time: that is blind)."""
        dates = (responses.response_dates(self.participant_id, self.form.definition.key)
                 if self.participant_id is not None and self.form is not None
                 and not self.form.second_entry.active else {})
        for index, moment in enumerate(self._moments):
            date = dates.get(moment.id)
            text = (tr("entry.page.moment_measured", moment=moment.name, date=format_date(date))
                    if date else tr("entry.page.moment_open", moment=moment.name))
            self.tabs.setTabText(index, text)

    def _code_entered(self, text: str | None = None) -> None:
        """Slot (returns nothing, see InstrumentForm._save_slot) for Enter or a completion."""
        self.choose_code(self.code.text() if text is None else text)

    def choose_code(self, text: str) -> bool:
        """Open the participant with this code (any case); an unknown code is said inline."""
        row = self._rows.get(text.strip().casefold())
        if row is None:
            self.code_error.setText(tr("entry.page.participant_unknown", code=text.strip()))
            self.code_error.setVisible(bool(text.strip()))
            return False
        self.code_error.setVisible(False)
        return self.show_participant(row.id)

    def confirm_discard(self) -> bool:
        """True when the current form may be left (asks the user about unsaved input)."""
        return self.form is None or self.form.confirm_discard()

    def load_form(self) -> None:
        """Show the current participant and moment in the current form (focus: its date)."""
        if self.form is not None:
            self.form.load(self.participant_id, self.moment_id())

    def show_participant(self, participant_id: int) -> bool:
        """Switch participant (asking first about unsaved input); focus goes to the date."""
        if participant_id == self.participant_id:
            if self.form is not None:
                self.form.focus_date()  # same participant again: keep what is typed
            return True
        if not self.confirm_discard():
            current = next((r for r in self._rows.values() if r.id == self.participant_id), None)
            self.code.setText(current.code if current else "")  # the form's participant
            return False
        row = next((r for r in self._rows.values() if r.id == participant_id), None)
        if row is None:
            return False
        self.participant_id = participant_id
        self.code.setText(row.code)
        inclusion = format_date(row.inclusion_date) or tr("entry.page.no_date")
        self.info.setText(tr("entry.page.participant_info", site=row.site or "—",
                             status=tr(f"status.{row.status}"), inclusion=inclusion))
        if not participants.is_participating(row.status):  # say it now, not at saving
            self.code_error.setText(tr("entry.page.not_participating", code=row.code,
                                       status=tr(f"status.{row.status}")))
            self.code_error.setVisible(True)
        self._update_tabs()
        self.load_form()
        return True

    def _tab_changed(self, index: int) -> None:
        previous = self.form.moment_id if self.form is not None else None
        if previous != self.moment_id() and not self.confirm_discard():
            back = next((i for i, m in enumerate(self._moments) if m.id == previous), 0)
            self.tabs.blockSignals(True)
            self.tabs.setCurrentIndex(back)
            self.tabs.blockSignals(False)
            return
        self.load_form()

    def show_moment(self, moment_id: int) -> bool:
        """Switch to a moment's tab (asking about unsaved input); True when it is shown."""
        index = next((i for i, moment in enumerate(self._moments) if moment.id == moment_id), -1)
        if index >= 0:
            self.tabs.setCurrentIndex(index)
        return self.moment_id() == moment_id

    def step_moment(self, step: int) -> None:
        """Ctrl+PgDn / Ctrl+PgUp: the next or previous moment (asks about unsaved input)."""
        index = self.tabs.currentIndex() + step
        if 0 <= index < self.tabs.count():
            self.tabs.setCurrentIndex(index)

    def _saved(self, participant_id: int, moment_id: int, message: str) -> None:
        """Say what was saved, then go on: next moment's date, or the code of the next one."""
        self._update_tabs()
        self.status_message.emit(message)
        self.last_saved.setText(message)
        self.last_saved.setVisible(True)
        index = self.tabs.currentIndex()
        if index + 1 < self.tabs.count():
            self.tabs.setCurrentIndex(index + 1)
        else:
            self.code.setFocus(Qt.FocusReason.TabFocusReason)
            self.code.selectAll()

    def confirm_leave(self) -> bool:
        return self.confirm_discard()
