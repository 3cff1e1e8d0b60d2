"""The Data quality window: every finding of the quality checks in one list, narrowed by check
and by a search text, and Enter (or a double-click) opens the record it is about in the main
window — the Bridge or questionnaire form at that moment, the participant, the professional.

The checks run off the GUI thread (a 20,000-participant study takes seconds) and the rows'
texts are made there too, so the window stays responsive and filtering stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.models.services import quality, studies
from desktop.views import background, error_dialog, shortcuts, theme
from desktop.views.rows_model import RowsTableModel, TextFilterModel
from desktop.views.widgets import add_shortcut, set_column_widths, set_tab_chain, set_up_list

if TYPE_CHECKING:
    from desktop.views.main_window import MainWindow

SEVERITY, CHECK, SUBJECT, MOMENT, INSTRUMENT, TEXT = range(6)
COLUMN_KEYS = ("severity", "check", "subject", "moment", "instrument", "text")
SEVERITY_COLOURS = {"error": theme.ERROR, "warning": theme.ACCENT, "review": theme.GREY_700}


@dataclass(frozen=True)
class FindingRow:
    """A finding as the list shows it: its cells, and its text once more, folded for search."""

    id: int
    finding: quality.Finding
    cells: tuple[str, ...]
    search: str


def finding_rows(report: quality.QualityReport) -> list[FindingRow]:
    """The list's rows; made on the worker thread, in the language of the moment."""
    titles = {key: quality.check_title(key) for key in quality.CHECKS}
    severities = {key: tr(f"quality.severity.{key}") for key in quality.SEVERITIES}
    rows = []
    for number, finding in enumerate(report.findings):
        cells = (severities[finding.severity], titles[finding.check], finding.subject,
                 finding.moment, finding.instrument, finding.text)
        rows.append(FindingRow(number, finding, cells, "\n".join(cells).casefold()))
    return rows


class FindingsModel(RowsTableModel[FindingRow]):
    """The findings in the report's order: most serious first within each check."""

    HEADER_KEY = "quality.column"
    COLUMN_KEYS = COLUMN_KEYS

    def _display(self, row: FindingRow, column: int) -> str:
        return row.cells[column]

    def _styled(self, row: FindingRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == SEVERITY:
            return QColor(SEVERITY_COLOURS[row.finding.severity])
        if role == Qt.ItemDataRole.ToolTipRole and column in (INSTRUMENT, TEXT):
            return row.cells[column]
        return None


class FindingsFilter(TextFilterModel):
    """Keeps the rows of one check (or of all) that hold the search text in any column."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._check: str | None = None
        self.setDynamicSortFilter(False)  # the report's order is the order to read in

    def set_check(self, key: str | None) -> None:
        self.beginFilterChange()
        self._check = key
        self.endFilterChange(TextFilterModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int,  # noqa: N802 - Qt's name
                         source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        model = self.sourceModel()
        if not isinstance(model, FindingsModel):
            return True
        row = model.row_at(source_row)
        return ((self._check is None or row.finding.check == self._check)
                and self._text in row.search)

    def finding(self, proxy_row: int) -> quality.Finding | None:
        index = self.mapToSource(self.index(proxy_row, 0))
        model = self.sourceModel()
        if not index.isValid() or not isinstance(model, FindingsModel):
            return None
        return model.row_at(index.row()).finding


class QualityWindow(QDialog):
    """A window beside the main window (not modal: fix a record, come back, press F5)."""

    def __init__(self, main_window: MainWindow) -> None:
        super().__init__(main_window)
        self.main_window = main_window
        self.study_id = main_window.study_id
        self.report: quality.QualityReport | None = None
        self._job: background.Job | None = None
        self.setWindowTitle(tr("quality.window.title",
                               study=studies.get_study(self.study_id).name))
        self.check_filter = QComboBox()
        self.check_filter.setObjectName("check_filter")
        self.check_filter.setMinimumWidth(theme.FORM_FIELD_MIN_WIDTH)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(tr("quality.window.search_placeholder"))
        self.search.setClearButtonEnabled(True)
        self.refresh_button = QPushButton(tr("quality.window.refresh"))
        self.refresh_button.setToolTip(shortcuts.with_shortcut(
            tr("quality.window.refresh").replace("&", ""), shortcuts.REFRESH_QUALITY))
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.detail = QLabel()  # the current finding in full: the list cuts long texts
        self.detail.setObjectName("detail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setMinimumHeight(2 * self.detail.fontMetrics().lineSpacing()
                                     + 2 * theme.SPACING_SMALL)
        self.detail.setStyleSheet(f"color: {theme.GREY_900}; padding: {theme.SPACING_SMALL}px 0;")
        self.model = FindingsModel(self)
        self.proxy = FindingsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("findings")
        set_up_list(self.table, self.proxy, fixed_rows=True)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        widest = max(self.table.fontMetrics().horizontalAdvance(tr(f"quality.severity.{key}"))
                     for key in quality.SEVERITIES)
        set_column_widths(self.table, {SEVERITY: widest + theme.SPACING_LARGE, CHECK: 200,
                                       SUBJECT: 110, MOMENT: 180, INSTRUMENT: 170},
                          theme.SPACING_LARGE)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(
            tr("quality.window.close"))
        buttons.rejected.connect(self.reject)
        for button in (self.refresh_button, *buttons.buttons()):
            button.setAutoDefault(False)  # Enter belongs to the list and the search field
        self._build_layout(buttons)
        self.check_filter.currentIndexChanged.connect(self._check_chosen)
        self.search.textChanged.connect(self._search)
        self.search.returnPressed.connect(self._to_list)
        self.refresh_button.clicked.connect(self.refresh)
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        for key in shortcuts.OPEN_FINDING:
            add_shortcut(self.table, key, self.open_current, Qt.ShortcutContext.WidgetShortcut)
        add_shortcut(self, shortcuts.REFRESH_QUALITY, self.refresh,
                     Qt.ShortcutContext.WindowShortcut)
        self.resize(1200, 640)

    def _build_layout(self, buttons: QDialogButtonBox) -> None:
        check_label = QLabel(tr("quality.window.check_label"))
        check_label.setBuddy(self.check_filter)
        search_label = QLabel(tr("quality.window.search_label"))
        search_label.setBuddy(self.search)
        top = QHBoxLayout()
        top.addWidget(check_label)
        top.addWidget(self.check_filter)
        top.addSpacing(theme.SPACING_LARGE)
        top.addWidget(search_label)
        top.addWidget(self.search, 1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(theme.MARGIN, theme.MARGIN, theme.MARGIN, theme.MARGIN)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addWidget(buttons)
        set_tab_chain([self.check_filter, self.search, self.table, self.refresh_button,
                       *buttons.buttons()])

    # running the checks --------------------------------------------------------------------
    def is_checking(self) -> bool:
        return self._job is not None

    def refresh(self) -> None:
        """Run the checks again (off the GUI thread); the list shows the new report when done."""
        if self._job is not None:
            return
        study_id = self.study_id

        def work(_progress: background.Progress,
                 _cancelled: background.Cancelled) -> tuple[quality.QualityReport,
                                                            list[FindingRow]]:
            report = quality.run_checks(study_id)
            return report, finding_rows(report)

        job = background.Job(work)
        job.succeeded.connect(self._checked)
        job.failed.connect(self._failed)
        job.finished.connect(self._job_done)
        self._job = job
        self.refresh_button.setEnabled(False)
        self.summary.setText(tr("quality.window.checking"))
        job.start()

    def _checked(self, value: tuple[quality.QualityReport, list[FindingRow]]) -> None:
        self.report, rows = value
        self.model.set_rows(rows)
        self._fill_check_filter()
        self._show_summary()

    def _failed(self, error: Exception) -> None:
        self.summary.setText("")
        error_dialog.show_error(self, error)

    def _job_done(self) -> None:
        self._job = None
        self.refresh_button.setEnabled(True)

    def _fill_check_filter(self) -> None:
        """"All checks (n)" and each check with its count; the choice survives a refresh."""
        assert self.report is not None
        chosen = self.check_filter.currentData()
        counts = self.report.counts
        self.check_filter.blockSignals(True)
        self.check_filter.clear()
        self.check_filter.addItem(tr("quality.window.all_checks",
                                     count=len(self.report.findings)), None)
        for key, count in counts.items():
            self.check_filter.addItem(tr("quality.window.check_item",
                                         title=quality.check_title(key), count=count), key)
        self.check_filter.setCurrentIndex(max(0, self.check_filter.findData(chosen)))
        self.check_filter.blockSignals(False)
        self._check_chosen(self.check_filter.currentIndex())

    def _show_summary(self) -> None:
        if self.report is None:
            return
        as_of = quality.format_date(self.report.as_of)
        if not self.report.findings:
            self.summary.setText(tr("quality.window.none", as_of=as_of))
            return
        self.summary.setText(tr("quality.window.summary", as_of=as_of,
                                shown=self.proxy.rowCount(), **self.report.severity_counts))

    # filtering -----------------------------------------------------------------------------
    def _check_chosen(self, _index: int) -> None:
        self.proxy.set_check(self.check_filter.currentData())
        self.table.setColumnHidden(CHECK, self.check_filter.currentData() is not None)
        self._show_summary()

    def _show_detail(self, current: QModelIndex) -> None:
        finding = self.proxy.finding(current.row()) if current.isValid() else None
        if finding is None:
            self.detail.setText("")
            return
        where = " · ".join(part for part in (finding.subject, finding.moment,
                                                finding.instrument) if part)
        self.detail.setText(f"{where}: {finding.text}")

    def _search(self, text: str) -> None:
        self.proxy.set_text(text)
        self._show_summary()

    def _to_list(self) -> None:
        """Enter in the search field: on to the first row found."""
        if self.proxy.rowCount():
            self.table.setFocus(Qt.FocusReason.TabFocusReason)
            if not self.table.currentIndex().isValid():
                self.table.selectRow(0)

    # opening a record ----------------------------------------------------------------------
    def open_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.open_row(index.row())

    def open_row(self, proxy_row: int) -> bool:
        """Show the finding's record in the main window; False when it could not be shown
        (the page there kept unsaved input, or the record is gone)."""
        finding = self.proxy.finding(proxy_row)
        if finding is None or not open_finding(self.main_window, finding):
            return False
        self.main_window.show_status(tr("quality.window.opened", subject=finding.subject))
        self.main_window.raise_()
        self.main_window.activateWindow()
        return True


def open_finding(window: MainWindow, finding: quality.Finding) -> bool:
    """The record of a finding on its page: a response at its moment in the Bridge or
    questionnaire form, a professional with their survey, else the participant (with their
    actions) on the Participants page."""
    if finding.professional_ids:
        page = window.show_page_of("ProfessionalsPage")
        return page is not None and page.open_professional(finding.professional_ids[0])
    if not finding.participant_ids:
        return False
    participant_id = finding.participant_ids[0]
    if finding.instrument_key and finding.moment_id is not None:
        bridge = finding.instrument_key == "bridge"
        page = window.show_page_of("BridgePage" if bridge else "QuestionnairePage")
        if page is None or not (bridge or page.choose_questionnaire(finding.instrument_key)):
            return False
        return page.show_participant(participant_id) and page.show_moment(finding.moment_id)
    page = window.show_page_of("ParticipantsPage")
    if page is None:
        return False
    page.edit_participant(participant_id)
    return True
