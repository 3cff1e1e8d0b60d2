"""The Questionnaires page: pick a participant, a moment and one of the study's questionnaires,
then type the paper form one key per question; the scale scores show after saving.

Each questionnaire gets its own form (built when first chosen); they share the dates typed in
this session, because a participant usually fills in every questionnaire on the same day.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QWidget,
)

from desktop.i18n import tr
from desktop.models.services import instrument_library, studies
from desktop.models.services.instrument_library import LinkedInstrument
from desktop.views import instrument_import, shortcuts, theme
from desktop.views.entry_page import EntryPage
from desktop.views.instrument_form import InstrumentForm
from desktop.views.lead_only import restrict
from desktop.views.widgets import add_shortcut


class QuestionnairePage(EntryPage):
    """Code, questionnaire and moment above; the chosen questionnaire's form below."""

    TITLE_KEY = "entry.questionnaire.title"

    def __init__(self, study_id: int, parent: QWidget | None = None) -> None:
        super().__init__(study_id, parent)
        self._linked: dict[str, LinkedInstrument] = {}
        self._forms: dict[str, InstrumentForm] = {}
        self._session_dates: dict[int, str] = {}
        self.questionnaire = QComboBox()
        self.questionnaire.setObjectName("questionnaire")
        self.questionnaire.setMinimumWidth(theme.FORM_FIELD_MIN_WIDTH)
        self.questionnaire_label = QLabel(tr("entry.questionnaire.choose"))
        self.questionnaire_label.setBuddy(self.questionnaire)
        self.settings_button = QPushButton(tr("entry.questionnaire.settings"))  # tip: _show_form
        self.import_button = QPushButton(tr("entry.import.button"))
        self.import_button.setToolTip(shortcuts.with_shortcut(
            tr("entry.import.tip"), shortcuts.IMPORT_INSTRUMENT))
        restrict(self.settings_button, self.import_button)  # instruments: a lead's task
        self.empty_note = QLabel(tr(
            "entry.questionnaire.none", path=instrument_import.study_menu_path(),
            import_key=shortcuts.shortcut_text(shortcuts.IMPORT_INSTRUMENT)))
        self.empty_note.setObjectName("no_questionnaire")
        self.empty_note.setWordWrap(True)
        self.empty_note.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.empty_note.setStyleSheet(f"color: {theme.GREY_700}; padding: {theme.SPACING}px;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_note)
        chooser = QHBoxLayout()
        chooser.addWidget(self.questionnaire_label)
        chooser.addWidget(self.questionnaire)
        chooser.addWidget(self.settings_button)
        chooser.addWidget(self.import_button)
        chooser.addStretch(1)
        self._build_layout(self.stack, chooser)
        QWidget.setTabOrder(self.code, self.questionnaire)
        self.questionnaire.currentIndexChanged.connect(self._questionnaire_changed)
        self.settings_button.clicked.connect(self.open_settings)
        self.import_button.clicked.connect(self.import_definition)
        add_shortcut(self, shortcuts.INSTRUMENT_SETTINGS, self.open_settings)
        add_shortcut(self, shortcuts.IMPORT_INSTRUMENT, self.import_definition)
        self._show_form(None)

    # questionnaires ------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the study's questionnaires (a new one, a new version, another cut-off), then
        codes and moments. A form holding unsaved input is kept as it is."""
        self._linked = {linked.key: linked
                        for linked in instrument_library.study_questionnaires(self.study_id)}
        current = self.form.definition.key if self.form is not None else None
        for key, form in list(self._forms.items()):
            linked = self._linked.get(key)
            stale = linked is None or linked.definition.source_json != form.definition.source_json
            if stale and not form.has_unsaved_changes():
                self._drop_form(key)
        self.questionnaire.blockSignals(True)
        self.questionnaire.clear()
        for key, linked in self._linked.items():
            self.questionnaire.addItem(linked.definition.title(), key)
        index = self.questionnaire.findData(current)
        self.questionnaire.setCurrentIndex(max(0, index) if self._linked else -1)
        self.questionnaire.blockSignals(False)
        self._show_form(self.questionnaire.currentData())
        super().refresh()

    def _drop_form(self, key: str) -> None:
        form = self._forms.pop(key)
        if form is self.form:
            self.form = None
        self.stack.removeWidget(form)
        form.deleteLater()

    def _show_form(self, key: str | None) -> None:
        """Make the questionnaire with this key the current form (None: say there is none)."""
        self.questionnaire.setEnabled(bool(self._linked))
        linked = self._linked.get(key) if key is not None else None
        has_cutoff = linked is not None and linked.definition.cutoff is not None
        self.settings_button.setEnabled(has_cutoff)
        self.settings_button.setToolTip(
            shortcuts.with_shortcut(tr("entry.questionnaire.settings_tip"),
                                    shortcuts.INSTRUMENT_SETTINGS)
            if has_cutoff or linked is None else tr("entry.questionnaire.no_cutoff"))
        if linked is None:
            self.form = None
            self.stack.setCurrentWidget(self.empty_note)
            return
        form = self._forms.get(key)
        if form is None:
            form = InstrumentForm(self.study_id, linked.definition, cutoff=linked.cutoff,
                                  session_dates=self._session_dates)
            self.attach_form(form)
            self.stack.addWidget(form)
            self._forms[key] = form
        else:
            form.cutoff = linked.cutoff
            form.show_stored_scores()
        self.form = form
        self.stack.setCurrentWidget(form)
        QWidget.setTabOrder(self.questionnaire, form.date)

    def _questionnaire_changed(self, index: int) -> None:
        key = self.questionnaire.itemData(index)
        current = self.form.definition.key if self.form is not None else None
        if key == current:
            return
        if not self.confirm_discard():
            self.questionnaire.blockSignals(True)
            self.questionnaire.setCurrentIndex(self.questionnaire.findData(current))
            self.questionnaire.blockSignals(False)
            return
        self._show_form(key)
        self._update_tabs()
        self.load_form()

    def choose_questionnaire(self, key: str) -> bool:
        """Switch to a questionnaire by key (asks about unsaved input); True when shown."""
        self.questionnaire.setCurrentIndex(self.questionnaire.findData(key))
        return self.form is not None and self.form.definition.key == key

    # settings and import --------------------------------------------------------------------
    def open_settings(self) -> None:
        """The study's cut-off and norm group for the current questionnaire."""
        if self.form is None or self.form.definition.cutoff is None:
            return
        from desktop.views.instrument_settings_dialog import InstrumentSettingsDialog

        key = self.form.definition.key
        dialog = InstrumentSettingsDialog(self.study_id, key, self)
        if dialog.exec():
            linked = instrument_library.linked_instrument(self.study_id, key)
            self._linked[key] = linked
            self.form.cutoff = linked.cutoff
            self.form.show_stored_scores()
            self.status_message.emit(tr("entry.settings.saved", title=linked.definition.title()))

    def import_definition(self) -> None:
        """Import a definition file; say what happened and, for an instrument the study does
        not use yet, how to add it."""
        result = instrument_import.choose_and_import(self)
        if result is None:
            return
        text = instrument_import.result_text(result)
        if result.key not in studies.get_study(self.study_id).instrument_keys:
            text += "\n\n" + tr("entry.import.add_hint", path=instrument_import.study_menu_path())
        instrument_import.report(self, text)
        self.status_message.emit(instrument_import.result_text(result))
        self.refresh()
