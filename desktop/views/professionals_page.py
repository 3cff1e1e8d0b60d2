"""The professionals page: who took the survey (a filterable list and the professional's form)
beside what they answered (the survey form), and the study's survey itself one key away."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.models.services import professionals, surveys
from desktop.views import shortcuts, theme
from desktop.views.lead_only import restrict
from desktop.views.page import Page
from desktop.views.professional_editor import ProfessionalEditor
from desktop.views.professional_table_model import (
    CODE,
    SURVEY,
    ProfessionalFilterModel,
    ProfessionalTableModel,
)
from desktop.views.survey_form import SurveyForm
from desktop.views.widgets import add_shortcut, set_tab_chain, set_up_list


class ProfessionalsPage(Page):
    """List, find and edit professionals and type their survey; Ctrl+N or Insert adds one."""

    TITLE_KEY = "entry.professionals.title"

    def __init__(self, study_id: int, parent: QWidget | None = None) -> None:
        super().__init__(study_id, parent)
        self._survey_version = surveys.study_survey(study_id).version
        self.model = ProfessionalTableModel(self)
        self.proxy = ProfessionalFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("entry.professionals.search_placeholder"))
        self.search.setClearButtonEnabled(True)
        self.count = QLabel()
        self.count.setStyleSheet(f"color: {theme.GREY_700};")
        self.new_button = QPushButton(tr("entry.professionals.new"))
        self.new_button.setToolTip(shortcuts.with_shortcut(tr("entry.professionals.new_tip"),
                                                           shortcuts.NEW_PARTICIPANT))
        self.definition_button = QPushButton(tr("entry.professionals.edit_survey"))
        self.definition_button.setToolTip(shortcuts.with_shortcut(
            tr("entry.professionals.edit_survey_tip"), shortcuts.EDIT_SURVEY))
        restrict(self.definition_button)  # the survey's definition: a lead's task
        self.table = QTableView()
        self.editor = ProfessionalEditor(study_id)
        self.survey = SurveyForm(study_id)
        self._build_layout()
        self._wire()

    def _build_layout(self) -> None:
        bar = QHBoxLayout()
        label = QLabel(tr("entry.professionals.search"))
        label.setBuddy(self.search)
        bar.addWidget(label)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.new_button)
        table = self.table
        set_up_list(table, self.proxy, CODE)
        table.setWordWrap(False)  # one line per professional; long names end in "…"
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)  # they share what is left
        for column in (CODE, SURVEY):  # short, and never cut off
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(bar)
        left_layout.addWidget(table, 1)
        left_layout.addWidget(self.count)
        left_layout.addWidget(self.editor)
        self.survey.header.addWidget(self.definition_button)
        self.survey.setContentsMargins(theme.SPACING, 0, 0, 0)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("professionals_splitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.survey)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([440, 660])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(theme.MARGIN, theme.MARGIN, theme.MARGIN, theme.MARGIN)
        layout.addWidget(self.splitter)
        chain = [self.search, self.new_button, self.table, self.editor.code]
        set_tab_chain(chain)
        QWidget.setTabOrder(self.editor.delete_button, self.definition_button)
        QWidget.setTabOrder(self.definition_button, self.survey.date)

    def _wire(self) -> None:
        self.search.textChanged.connect(self._filter)
        self.new_button.clicked.connect(self.new_professional)
        self.definition_button.clicked.connect(self.edit_survey_definition)
        self.table.activated.connect(self._open_index)
        self.editor.saved.connect(self._professional_saved)
        self.editor.deleted.connect(self._professional_deleted)
        self.survey.saved.connect(self._survey_changed)
        self.survey.deleted.connect(self._survey_changed)
        self.survey.next_requested.connect(self.open_next)
        add_shortcut(self, shortcuts.NEW_PARTICIPANT, self.new_professional)
        # Insert only in the list and the professional's form: in the ranking it ranks an
        # element, and one key bound twice where the focus is does nothing at all.
        for widget in (self.table, self.editor):
            add_shortcut(widget, shortcuts.INSERT_ROW, self.new_professional)
        add_shortcut(self, shortcuts.EDIT_SURVEY, self.edit_survey_definition)

    def _filter(self, text: str) -> None:
        self.proxy.set_text(text)
        self._show_count()

    def _show_count(self) -> None:
        self.count.setText(tr("entry.professionals.count", shown=self.proxy.rowCount(),
                              total=self.model.rowCount()))

    def refresh(self) -> None:
        """Reload rows, sites and (when nothing typed would be lost) the survey's definition."""
        self._reload_rows()
        self.editor.reload_study()
        current = surveys.study_survey(self.study_id)
        if current.version != self._survey_version and not self.survey.has_unsaved_changes():
            self._show_definition(current)

    def _reload_rows(self) -> None:
        self.model.set_rows(professionals.professional_rows(self.study_id))
        self._show_count()
        record = self.editor.record()
        if record is not None:
            self.select_professional(record.id)

    def _show_definition(self, current: surveys.StudySurvey) -> None:
        self._survey_version = current.version
        self.survey.set_definition(current.definition)
        self.survey.load(self.survey.professional_id)

    def select_professional(self, professional_id: int) -> None:
        """Make the professional's row the table's current row (the filter permitting)."""
        source_row = self.model.row_of(professional_id)
        index = self.proxy.mapFromSource(self.model.index(source_row, CODE))
        if index.isValid():
            flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                     | QItemSelectionModel.SelectionFlag.Rows)
            self.table.selectionModel().setCurrentIndex(index, flags)
            self.table.scrollTo(index)

    def confirm_discard(self) -> bool:
        """True when both forms may be left (each asks about its own unsaved input)."""
        return self.editor.confirm_discard() and self.survey.confirm_discard()

    def new_professional(self) -> None:
        if self.confirm_discard():
            self.table.clearSelection()
            self.survey.load(None)
            self.editor.new_professional()

    def _open_index(self, index: QModelIndex) -> None:
        professional_id = self.proxy.professional_id(index.row())
        if professional_id is not None:
            self.open_professional(professional_id)

    def open_professional(self, professional_id: int) -> bool:
        """Show a professional and their survey (asking about unsaved input first); focus goes
        to the survey's date, the next thing on the paper."""
        if not self.confirm_discard():
            return False
        self.select_professional(professional_id)
        self.editor.edit_professional(professional_id)
        self.survey.load(professional_id)
        self.survey.focus_date()
        return True

    def open_next(self) -> None:
        """After Ctrl+Enter: the next professional in the list; after the last, a new one."""
        record = self.editor.record()
        index = (self.proxy.mapFromSource(self.model.index(self.model.row_of(record.id), CODE))
                 if record is not None else QModelIndex())
        following = self.proxy.professional_id(index.row() + 1) if index.isValid() else None
        if following is None:
            self.new_professional()
        else:
            self.open_professional(following)

    def _professional_saved(self, professional_id: int, message: str) -> None:
        self._reload_rows()
        self.status_message.emit(message)
        if self.survey.professional_id != professional_id:  # just added: its survey comes next
            self.survey.load(professional_id)
            self.survey.focus_date()
        elif not self.survey.has_unsaved_changes():
            self.survey.load(professional_id)  # the heading shows the new code

    def _professional_deleted(self, message: str) -> None:
        self._reload_rows()
        self.survey.load(None)
        self.status_message.emit(message)

    def _survey_changed(self, _professional_id: int, message: str) -> None:
        self._reload_rows()
        self.status_message.emit(message)

    def edit_survey_definition(self) -> None:
        """The study's survey: elements, statements, steps; the form follows what is stored
        (saved, or imported and then cancelled)."""
        if not self.survey.confirm_discard():
            return
        from desktop.views.survey_definition_dialog import SurveyDefinitionDialog

        SurveyDefinitionDialog(self.study_id, self).exec()
        current = surveys.study_survey(self.study_id)
        if current.version != self._survey_version:
            self._show_definition(current)
            self._reload_rows()  # a new element or step makes earlier surveys partial
            self.status_message.emit(tr("entry.survey_definition.saved"))

    def confirm_leave(self) -> bool:
        return self.confirm_discard()
