"""The Bridge page: pick a participant by code and a moment, then type the assessment."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtGui import QShortcut
from PySide6.QtWidgets import (
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.models.services import bridge, participants, studies
from desktop.views import shortcuts, theme
from desktop.views.bridge_form import BridgeForm
from desktop.views.page import Page
from desktop.views.widgets import error_label, format_date


class BridgePage(Page):
    """Participant code field (with completion), a tab per moment, and the Bridge form."""

    TITLE_KEY = "entry.bridge.title"

    def __init__(self, study_id: int, parent: QWidget | None = None) -> None:
        super().__init__(study_id, parent)
        self._rows: dict[str, participants.ParticipantRow] = {}
        self._moments: list[studies.MomentInfo] = []
        self.participant_id: int | None = None
        self.code = QLineEdit()
        self.code.setObjectName("participant_code")
        self.code.setPlaceholderText(tr("entry.bridge.participant_placeholder"))
        self.code.setMaximumWidth(220)
        self._codes = QStringListModel(self)
        completer = QCompleter(self._codes, self.code)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.code.setCompleter(completer)
        self.code_label = QLabel(tr("entry.bridge.participant"))
        self.code_label.setBuddy(self.code)
        self.info = QLabel()
        self.info.setStyleSheet(f"color: {theme.GREY_700};")
        self.code_error = error_label("participant")
        self.tabs = QTabBar()
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Ctrl+PgDn/PgUp switch moments
        self.tabs.setToolTip(tr("entry.bridge.moment_tip"))
        self.tabs.setExpanding(False)
        self.form = BridgeForm(study_id)
        self._build_layout()
        self.code.returnPressed.connect(self._code_entered)
        completer.activated.connect(self._code_entered)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.form.saved.connect(self._saved)
        for key, step in ((shortcuts.NEXT_MOMENT, 1), (shortcuts.PREVIOUS_MOMENT, -1)):
            shortcut = QShortcut(shortcuts.key_sequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda s=step: self.step_moment(s))


    def _build_layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.code_label)
        top.addWidget(self.code)
        top.addWidget(self.info)
        top.addWidget(self.code_error, 1)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(theme.MARGIN, theme.MARGIN, theme.MARGIN, theme.MARGIN)
        layout.addLayout(top)
        layout.addWidget(self.tabs)
        layout.addWidget(self.form, 1)
        QWidget.setTabOrder(self.code, self.form.date)

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
        if not self.form.has_unsaved_changes():
            self.form.load(self.participant_id, self.moment_id())

    def moment_id(self) -> int | None:
        index = self.tabs.currentIndex()
        return self._moments[index].id if 0 <= index < len(self._moments) else None

    def _update_tabs(self) -> None:
        """Mark each moment that already has an assessment, with its date."""
        for index, moment in enumerate(self._moments):
            existing = (bridge.get_assessment(self.participant_id, moment.id)
                        if self.participant_id is not None else None)
            text = (tr("entry.bridge.moment_measured", moment=moment.name,
                       date=format_date(existing.assessed_on)) if existing
                    else tr("entry.bridge.moment_open", moment=moment.name))
            self.tabs.setTabText(index, text)

    def _code_entered(self, text: str | None = None) -> None:
        """Slot (returns nothing, see BridgeForm._save_slot) for Enter or a completion."""
        self.choose_code(self.code.text() if text is None else text)

    def choose_code(self, text: str) -> bool:
        """Open the participant with this code (any case); an unknown code is said inline."""
        row = self._rows.get(text.strip().casefold())
        if row is None:
            self.code_error.setText(tr("entry.bridge.participant_unknown", code=text.strip()))
            self.code_error.setVisible(bool(text.strip()))
            return False
        self.code_error.setVisible(False)
        return self.show_participant(row.id)

    def show_participant(self, participant_id: int) -> bool:
        """Switch participant (asking first about unsaved input); focus goes to the date."""
        if participant_id == self.participant_id:
            self.form.focus_date()  # same participant again: keep what is typed
            return True
        if not self.form.confirm_discard():
            current = next((r for r in self._rows.values() if r.id == self.participant_id), None)
            self.code.setText(current.code if current else "")  # the form's participant
            return False
        row = next((r for r in self._rows.values() if r.id == participant_id), None)
        if row is None:
            return False
        self.participant_id = participant_id
        self.code.setText(row.code)
        inclusion = format_date(row.inclusion_date) or tr("entry.bridge.no_date")
        self.info.setText(tr("entry.bridge.participant_info", site=row.site or "—",
                             status=tr(f"status.{row.status}"), inclusion=inclusion))
        if not participants.is_participating(row.status):  # say it now, not at saving
            self.code_error.setText(tr("entry.bridge.not_participating", code=row.code,
                                       status=tr(f"status.{row.status}")))
            self.code_error.setVisible(True)
        self._update_tabs()
        self.form.load(participant_id, self.moment_id())
        return True

    def _tab_changed(self, index: int) -> None:
        previous = self.form.moment_id
        if self.form.moment_id != self.moment_id() and not self.form.confirm_discard():
            back = next((i for i, m in enumerate(self._moments) if m.id == previous), 0)
            self.tabs.blockSignals(True)
            self.tabs.setCurrentIndex(back)
            self.tabs.blockSignals(False)
            return
        self.form.load(self.participant_id, self.moment_id())

    def step_moment(self, step: int) -> None:
        """Ctrl+PgDn / Ctrl+PgUp: the next or previous moment (asks about unsaved input)."""
        index = self.tabs.currentIndex() + step
        if 0 <= index < self.tabs.count():
            self.tabs.setCurrentIndex(index)

    def _saved(self, participant_id: int, moment_id: int, message: str) -> None:
        """Say what was saved, then go on: next moment's date, or the code of the next one."""
        self._update_tabs()
        self.status_message.emit(message)
        index = self.tabs.currentIndex()
        if index + 1 < self.tabs.count():
            self.tabs.setCurrentIndex(index + 1)
        else:
            self.code.setFocus(Qt.FocusReason.TabFocusReason)
            self.code.selectAll()

    def confirm_leave(self) -> bool:
        return self.form.confirm_discard()
