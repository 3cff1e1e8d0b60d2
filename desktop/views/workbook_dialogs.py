"""The Excel workbook from the File menu (issue 7): export it (and SPSS files), write the empty
import template, import a workbook and read the import's report.

The export and the import run as background jobs (desktop/views/workbook_worker.py) behind a
progress dialog that can be cancelled; the dialogs here only ask and show. `WorkbookActions`
is the main window's part: it asks (through methods tests may replace), runs the job, and
tells the result in the status bar, the error dialog or the report dialog.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSortFilterProxyModel,
    QStandardPaths,
    Qt,
    Slot,
)
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.i18n import tr
from desktop.models.errors import BrugmeterError
from desktop.models.services import studies
from desktop.views import background, error_dialog, theme, workbook_worker
from desktop.views.widgets import set_tab_chain

if TYPE_CHECKING:
    from desktop.views.main_window import MainWindow
    from reports.workbook import WorkbookResult
    from reports.workbook.importer import ImportReport, Rejection

log = logging.getLogger(__name__)

PROGRESS_DELAY_MS = 400  # a quick export or import never flashes a progress dialog
SETTING_FOLDER = "workbook/folder"  # the folder last chosen for a workbook
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')


def default_file_name(study: str, suffix: str = "") -> str:
    """"Pilot Alphen.xlsx": the study's name, safe on every disk."""
    name = _UNSAFE.sub("-", study).strip(" .-") or "brugmeter"
    return f"{name}{suffix}.xlsx"


def count_text(number: int) -> str:
    """12.345 in Dutch, 12,345 in English."""
    language = QLocale.Language.Dutch if i18n.language() == "nl" else QLocale.Language.English
    return QLocale(language).toString(number)


def sheets_in_file(result: WorkbookResult) -> int:
    """The sheets a user sees in the workbook: the result's, which have rows, and the info
    sheet."""
    return len(result.sheets) + (0 if "info" in result.rows else 1)


def with_xlsx(path: Path) -> Path:
    """The name typed, with .xlsx added when it has another ending or none."""
    return path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")


def save_dialog(parent: QWidget | None, title: str, suggestion: Path, filters: list[str],
                suffix: str) -> QFileDialog:
    """A save dialog that adds the suffix to a name typed without it before it checks whether
    the file exists, so replacing a file is asked about under its real name."""
    dialog = QFileDialog(parent, title, str(suggestion.parent), ";;".join(filters))
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setDefaultSuffix(suffix)
    dialog.selectFile(str(suggestion))
    return dialog


def run_file_dialog(dialog: QFileDialog) -> Path | None:
    try:
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        files = dialog.selectedFiles()
    finally:
        dialog.deleteLater()
    return Path(files[0]) if accepted and files else None


def ask_replace(parent: QWidget, title: str, target: Path) -> bool:
    """Replace an existing file? Keeping it is the default and Escape."""
    box = QMessageBox(QMessageBox.Icon.Question, title,
                      tr("workbook_gui.replace_question", file=target.name),
                      QMessageBox.StandardButton.NoButton, parent)
    replace = box.addButton(tr("workbook_gui.replace"), QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton(tr("workbook_gui.keep"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    return box.clickedButton() is replace


# the export dialog -------------------------------------------------------------------------
class ExportDialog(QDialog):
    """Where to write the workbook, the language of its labels and whether SPSS files come
    along. Accepted with `request()` ready."""

    def __init__(self, study: studies.StudyInfo, suggestion: Path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.study = study
        self._confirmed: Path | None = None  # a file the file dialog already asked about
        self._folder = suggestion.parent
        self.setWindowTitle(tr("workbook_gui.export.title"))
        intro = QLabel(tr("workbook_gui.export.intro", study=study.name))
        intro.setWordWrap(True)
        self.target_edit = QLineEdit(str(suggestion))
        self.target_edit.setMinimumWidth(420)
        self.target_edit.setToolTip(tr("workbook_gui.export.file_tip"))
        self.target_edit.textEdited.connect(self._target_typed)
        self.browse_button = QPushButton(tr("workbook_gui.export.browse"))
        self.browse_button.setToolTip(tr("workbook_gui.export.browse_tip"))
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self.browse)
        self.language_combo = QComboBox()
        for code in i18n.LANGUAGES:
            self.language_combo.addItem(tr(f"shell.language.{code}"), code)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(
            study.language)))
        self.language_combo.setToolTip(tr("workbook_gui.export.language_tip"))
        self.sav_check = QCheckBox(tr("workbook_gui.export.sav"))
        self.sav_check.setToolTip(tr("workbook_gui.export.sav_tip"))
        self.error = QLabel()
        self.error.setStyleSheet(theme.error_style())
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        file_label = QLabel(tr("workbook_gui.export.file"))
        file_label.setBuddy(self.target_edit)
        language_label = QLabel(tr("workbook_gui.export.language"))
        language_label.setBuddy(self.language_combo)
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(tr("workbook_gui.export.start"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        self.buttons.addButton(tr("shell.cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        grid = QGridLayout()
        grid.setHorizontalSpacing(theme.SPACING)
        grid.addWidget(file_label, 0, 0)
        grid.addWidget(self.target_edit, 0, 1)
        grid.addWidget(self.browse_button, 0, 2)
        grid.addWidget(self.error, 1, 1, 1, 2)
        grid.addWidget(language_label, 2, 0)
        grid.addWidget(self.language_combo, 2, 1, Qt.AlignmentFlag.AlignLeft)
        grid.addWidget(self.sav_check, 3, 1, 1, 2)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.setSpacing(theme.SPACING)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addWidget(self.buttons)
        set_tab_chain([self.target_edit, self.browse_button, self.language_combo,
                       self.sav_check, self.export_button])
        self.target_edit.setFocus()
        self.target_edit.selectAll()

    def target(self) -> Path:
        """The file typed, with .xlsx; a bare name goes into the suggested folder."""
        path = Path(self.target_edit.text().strip()).expanduser()
        return with_xlsx(path if path.is_absolute() else self._folder / path)

    def language(self) -> str:
        return self.language_combo.currentData()

    def request(self) -> workbook_worker.ExportRequest:
        return workbook_worker.ExportRequest(self.study.id, self.target(), self.language(),
                                             self.sav_check.isChecked())

    def browse(self) -> None:
        chosen = self.ask_target(self.target())
        if chosen is not None:
            self.target_edit.setText(str(chosen))
            self._confirmed = with_xlsx(chosen)
            self.error.setVisible(False)

    def ask_target(self, suggestion: Path) -> Path | None:
        """The platform's save dialog (tests replace this)."""
        return run_file_dialog(save_dialog(self, tr("workbook_gui.export.title"), suggestion,
                                           [tr("workbook_gui.filter.xlsx")], "xlsx"))

    def confirm_replace(self, target: Path) -> bool:
        """The question before an existing file is written over (tests replace this)."""
        return ask_replace(self, tr("workbook_gui.export.title"), target)

    def _target_typed(self) -> None:
        self._confirmed = None
        self.error.setVisible(False)

    def accept(self) -> None:
        text = self.target_edit.text().strip()
        if not text:
            self._refuse(tr("workbook_gui.export.no_file"))
            return
        target = self.target()
        if target.is_dir():
            self._refuse(tr("workbook_gui.export.is_folder", file=str(target)))
            return
        if target.exists() and target != self._confirmed and not self.confirm_replace(target):
            return
        super().accept()

    def _refuse(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(True)
        self.target_edit.setFocus()


# the import report -------------------------------------------------------------------------
SHEET, ROW, COLUMN, CELL, VALUE, REASON = range(6)
_COLUMN_KEYS = ("sheet", "row", "column", "cell", "value", "reason")
_SORT_ROLE = Qt.ItemDataRole.UserRole + 2
_Index = QModelIndex | QPersistentModelIndex


class RejectionModel(QAbstractTableModel):
    """The refused cells, one per row: sheet, row, column, cell, value and reason."""

    def __init__(self, rejected: list[Rejection], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = list(rejected)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_COLUMN_KEYS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(_COLUMN_KEYS)):
            return tr(f"import.report.{_COLUMN_KEYS[section]}")
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        rejection, column = self._rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == ROW:
                return str(rejection.row) if rejection.row else ""
            return (rejection.sheet, "", rejection.column, rejection.cell, rejection.value,
                    rejection.reason)[column]
        if role == _SORT_ROLE:
            if column == ROW:
                return rejection.row
            if column == CELL:  # B7 before B10: the row, then the column letters
                return (rejection.row, len(rejection.cell), rejection.cell)
            return str(self.data(index)).casefold()
        if role == Qt.ItemDataRole.TextAlignmentRole and column == ROW:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def rejection(self, row: int) -> Rejection:
        return self._rows[row]

    def sheets(self) -> list[str]:
        return sorted({r.sheet for r in self._rows if r.sheet}, key=str.casefold)


class RejectionFilter(QSortFilterProxyModel):
    """Keeps the refused cells of one sheet (or all) whose texts hold the search words."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._sheet: str | None = None
        self.setSortRole(_SORT_ROLE)

    def lessThan(self, left: _Index, right: _Index) -> bool:
        a, b = left.data(_SORT_ROLE), right.data(_SORT_ROLE)
        try:
            return a < b
        except TypeError:
            return str(a) < str(b)

    def set_filter(self, text: str, sheet: str | None) -> None:
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self._sheet = sheet
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        model = self.sourceModel()
        if not isinstance(model, RejectionModel):
            return True
        rejection = model.rejection(source_row)
        if self._sheet is not None and rejection.sheet != self._sheet:
            return False
        if not self._text:
            return True
        words = (rejection.sheet, str(rejection.row), rejection.column, rejection.cell,
                 rejection.value, rejection.reason)
        return any(self._text in word.casefold() for word in words)


class ImportReportDialog(QDialog):
    """What an import did: on success the rows per sheet (and the study made), on refusal
    every refused cell, searchable and sortable; the notes; and the report as a file."""

    def __init__(self, report: ImportReport, current_study_id: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = report
        self.go_to_study = False  # accepted with this True: the user wants the imported study
        self.setWindowTitle(tr("workbook_gui.report.title", file=report.path.name))
        self.heading = QLabel()
        self.heading.setStyleSheet(theme.heading_style() + " font-size: 12pt;")
        self.heading.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setSpacing(theme.SPACING)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        self.table = QTableView(self)
        self.table.hide()  # shown where a table is laid out
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.search_edit: QLineEdit | None = None
        self.sheet_combo: QComboBox | None = None
        self.count_label = QLabel()
        self.model: QAbstractTableModel | None = None
        self.proxy: RejectionFilter | None = None
        focus_chain: list[QWidget] = []
        file_refused = bool(report.rejected) and not report.rejected[0].sheet \
            and report.rejected_count == 1
        if report.imported:
            self._fill_imported(layout, current_study_id)
            focus_chain.append(self.table)
        elif file_refused:
            self.heading.setText(tr("workbook_gui.report.file_refused"))
            self.summary.setText(report.rejected[0].reason + "\n\n"
                                 + tr("workbook_gui.report.nothing_written"))
        else:
            focus_chain += self._fill_refused(layout)
        self.notices = QListWidget()
        self.notices.addItems([self._notice_text(n) for n in report.notices])
        self.notices.setWordWrap(True)
        self.notices.setResizeMode(QListWidget.ResizeMode.Adjust)
        notices_label = QLabel(tr("workbook_gui.report.notices", count=len(report.notices)))
        notices_label.setBuddy(self.notices)
        if report.notices:
            layout.addWidget(notices_label)
            layout.addWidget(self.notices)
            focus_chain.append(self.notices)
        else:
            notices_label.hide()
            self.notices.hide()
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(tr("workbook_gui.report.save"),
                                                  QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.setToolTip(tr("workbook_gui.report.save_tip"))
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save_report)
        focus_chain.append(self.save_button)
        self.study_button: QPushButton | None = None
        if report.imported and report.study_id != current_study_id:
            self.study_button = self.buttons.addButton(
                tr("workbook_gui.report.go_to_study", name=report.study_name),
                QDialogButtonBox.ButtonRole.AcceptRole)
            self.study_button.setToolTip(tr("workbook_gui.report.go_to_study_tip"))
            self.study_button.clicked.connect(self._go_to_study)
            focus_chain.append(self.study_button)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setText(tr("shell.close"))
        close.setDefault(self.study_button is None)
        focus_chain.append(close)
        self.buttons.rejected.connect(self.reject)
        self.saved_label = QLabel()
        self.saved_label.setWordWrap(True)
        self.saved_label.setStyleSheet(f"color: {theme.GREY_700};")
        self.saved_label.hide()
        if self.model is None:
            layout.addStretch(1)
        layout.addWidget(self.saved_label)
        layout.addWidget(self.buttons)
        set_tab_chain(focus_chain)
        if focus_chain:
            focus_chain[0].setFocus()
        self.resize(*((1060, 580) if self.proxy is not None else (760, 540)
                      if self.model is not None else (640, 200)))

    def _fit_notices(self) -> None:
        """The notes' list as high as its (wrapped) lines, up to five; the rest scrolls."""
        if self.notices.isHidden():
            return
        frame = self.notices.frameWidth()
        width = self.notices.width() - 2 * frame - 8
        metrics = self.notices.fontMetrics()
        height = sum(metrics.boundingRect(QRect(0, 0, max(width, 80), 10_000),
                                          Qt.TextFlag.TextWordWrap, self.notices.item(row).text())
                     .height() + 2 for row in range(min(self.notices.count(), 5)))
        self.notices.setFixedHeight(height + 2 * frame + 6)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_notices()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_notices()

    def _fill_imported(self, layout: QVBoxLayout, current_study_id: int | None) -> None:
        report = self.report
        name = report.study_name
        total = sum(report.rows.values())
        if report.created:
            self.heading.setText(tr("workbook_gui.report.created", name=name))
        else:
            self.heading.setText(tr("workbook_gui.report.added", name=name))
        summary = tr("workbook_gui.report.rows_total", rows=count_text(total),
                     sheets=len(report.rows))
        if report.study_id != current_study_id:
            summary += " " + tr("workbook_gui.report.other_study", name=name)
        self.summary.setText(summary)
        model = SheetRowsModel(report.rows, self)
        self.model = model
        self.table.setModel(model)
        self.table.setSortingEnabled(False)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setColumnWidth(0, 260)
        self.table.setColumnWidth(1, 120)
        self.table.setMaximumWidth(380 + 2 * self.table.frameWidth()
                                   + self.table.verticalScrollBar().sizeHint().width())
        label = QLabel(tr("workbook_gui.report.rows"))
        label.setBuddy(self.table)
        layout.addWidget(label)
        layout.addWidget(self.table, 1)
        self.table.show()

    def _fill_refused(self, layout: QVBoxLayout) -> list[QWidget]:
        report = self.report
        self.heading.setText(tr("workbook_gui.report.refused", count=count_text(
            report.rejected_count)))
        self.summary.setText(tr("workbook_gui.report.nothing_written") + " "
                             + tr("workbook_gui.report.fix_and_retry"))
        model = RejectionModel(report.rejected, self)
        proxy = RejectionFilter(self)
        proxy.setSourceModel(model)
        self.model, self.proxy = model, proxy
        self.table.setModel(proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the import's own order
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in ((SHEET, 120), (ROW, 44), (COLUMN, 120), (CELL, 48),
                              (VALUE, 120)):
            title = str(model.headerData(column, Qt.Orientation.Horizontal))
            self.table.setColumnWidth(column, max(width, header.fontMetrics().horizontalAdvance(
                title) + 28))
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(tr("workbook_gui.report.search_placeholder"))
        self.search_edit.setToolTip(tr("workbook_gui.report.search_tip"))
        self.search_edit.setClearButtonEnabled(True)
        self.sheet_combo = QComboBox()
        self.sheet_combo.addItem(tr("workbook_gui.report.all_sheets"), None)
        for sheet in model.sheets():
            self.sheet_combo.addItem(sheet, sheet)
        self.sheet_combo.setToolTip(tr("workbook_gui.report.sheet_tip"))
        self.search_edit.textChanged.connect(self._filter)
        self.sheet_combo.currentIndexChanged.connect(self._filter)
        search_label = QLabel(tr("workbook_gui.report.search"))
        search_label.setBuddy(self.search_edit)
        sheet_label = QLabel(tr("workbook_gui.report.sheet"))
        sheet_label.setBuddy(self.sheet_combo)
        bar = QHBoxLayout()
        bar.setSpacing(theme.SPACING)
        bar.addWidget(search_label)
        bar.addWidget(self.search_edit, 1)
        bar.addSpacing(theme.SPACING_LARGE)
        bar.addWidget(sheet_label)
        bar.addWidget(self.sheet_combo)
        table_label = QLabel(tr("workbook_gui.report.cells"))
        table_label.setBuddy(self.table)
        layout.addLayout(bar)
        layout.addWidget(table_label)
        layout.addWidget(self.table, 1)
        self.table.show()
        layout.addWidget(self.count_label)
        self._filter()
        return [self.search_edit, self.sheet_combo, self.table]

    @staticmethod
    def _notice_text(notice: Any) -> str:
        where = " · ".join(part for part in (notice.sheet, notice.column) if part)
        return f"{where}: {notice.text}" if where else notice.text

    def _filter(self) -> None:
        if self.proxy is None or self.search_edit is None or self.sheet_combo is None:
            return
        self.proxy.set_filter(self.search_edit.text(), self.sheet_combo.currentData())
        shown, listed = self.proxy.rowCount(), len(self.report.rejected)
        text = tr("workbook_gui.report.count", shown=count_text(shown),
                  count=count_text(listed))
        if self.report.rejected_count > listed:
            text += " " + tr("workbook_gui.report.more", count=count_text(
                self.report.rejected_count - listed))
        self.count_label.setText(text)

    def rejections_shown(self) -> list[Rejection]:
        """The refused cells in the table's order, as filtered (tests read the table so)."""
        if self.proxy is None or not isinstance(self.model, RejectionModel):
            return []
        return [self.model.rejection(self.proxy.mapToSource(self.proxy.index(row, 0)).row())
                for row in range(self.proxy.rowCount())]

    def save_report(self) -> None:
        """Write the report as .xlsx or .csv (write_report), where the user chooses."""
        from reports.workbook.importer import write_report

        suggestion = self.report.path.with_name(
            f"{self.report.path.stem}-{tr('workbook_gui.report.file_suffix')}.xlsx")
        target = self.ask_report_target(suggestion)
        if target is None:
            return
        try:
            written = write_report(self.report, target)
        except BrugmeterError as error:
            error_dialog.show_error(self, error)
            return
        self.saved_label.setText(tr("workbook_gui.report.saved", path=str(written)))
        self.saved_label.show()

    def ask_report_target(self, suggestion: Path) -> Path | None:
        """Where the report goes: an .xlsx workbook or a .csv file (tests replace this)."""
        filters = [tr("workbook_gui.filter.xlsx"), tr("workbook_gui.filter.csv")]
        dialog = save_dialog(self, tr("workbook_gui.report.save_title"), suggestion, filters,
                             "xlsx")
        dialog.filterSelected.connect(lambda chosen: dialog.setDefaultSuffix(
            "csv" if chosen == filters[1] else "xlsx"))
        return run_file_dialog(dialog)

    def _go_to_study(self) -> None:
        self.go_to_study = True
        self.accept()


class SheetRowsModel(QAbstractTableModel):
    """The rows imported per sheet, in the import's order."""

    def __init__(self, rows: dict[str, int], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = list(rows.items())

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr("import.report.sheet" if section == 0 else "workbook_gui.report.count_rows")
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        sheet, rows = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return sheet if index.column() == 0 else count_text(rows)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def sheet_rows(self) -> dict[str, int]:
        return dict(self._rows)


# the main window's part --------------------------------------------------------------------
class WorkbookActions(QObject):
    """Export, template and import for one main window; one job at a time."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._job: workbook_worker.Job | None = None
        self._progress: QProgressDialog | None = None
        self._result: object = None
        self._error: Exception | None = None
        self._done = None  # what to do with the result once the progress dialog is gone
        self._cancelled_message = ""
        self._focus_before: QWidget | None = None
        folder = window.settings.value(SETTING_FOLDER) if window.settings is not None else None
        self._folder = Path(folder) if folder else Path(QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or Path.home())

    def is_busy(self) -> bool:
        return self._job is not None

    def _remember_folder(self, path: Path) -> None:
        self._folder = path.parent
        if self.window.settings is not None:
            self.window.settings.setValue(SETTING_FOLDER, str(self._folder))

    # export --------------------------------------------------------------------------------
    def export_workbook(self) -> None:
        """Ask where and how, then write the workbook (and SPSS files) off the GUI thread."""
        if self.is_busy():
            return
        study = studies.get_study(self.window.study_id)
        request = self.ask_export(study, self._folder / default_file_name(study.name))
        if request is None:
            return
        self._remember_folder(request.target)
        label = tr("workbook_gui.export.progress_sav" if request.sav
                   else "workbook_gui.export.progress", file=request.target.name)
        self._start(workbook_worker.export_job(request), label, self._exported,
                    tr("workbook_gui.export.cancelled"))

    def ask_export(self, study: studies.StudyInfo,
                   suggestion: Path) -> workbook_worker.ExportRequest | None:
        """The export dialog (tests replace this, or answer the dialog)."""
        dialog = ExportDialog(study, suggestion, self.window)
        try:
            return dialog.request() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()

    def _exported(self, done: workbook_worker.ExportDone) -> None:
        message = tr("workbook_gui.export.done", path=str(done.workbook.path),
                     sheets=sheets_in_file(done.workbook), rows=count_text(done.rows))
        if done.sav is not None:
            message += " " + tr("workbook_gui.export.done_sav", count=len(done.sav.paths),
                                folder=str(done.workbook.path.parent))
        self.window.show_status(message)

    # template ------------------------------------------------------------------------------
    def write_template(self) -> None:
        """The current study's empty workbook, to fill in and import."""
        if self.is_busy():
            return
        from reports.workbook import write_template

        study = studies.get_study(self.window.study_id)
        target = self.ask_template_target(
            self._folder / default_file_name(study.name, tr("workbook_gui.template.suffix")))
        if target is None:
            return
        target = with_xlsx(target)
        self._remember_folder(target)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            result = write_template(study.id, target)
        except BrugmeterError as error:
            QApplication.restoreOverrideCursor()
            error_dialog.show_error(self.window, error)
            return
        QApplication.restoreOverrideCursor()
        self.window.show_status(tr("workbook_gui.template.done", path=str(result.path),
                                   sheets=sheets_in_file(result)))

    def ask_template_target(self, suggestion: Path) -> Path | None:
        """The save dialog for the template (tests replace this)."""
        return run_file_dialog(save_dialog(self.window, tr("workbook_gui.template.title"),
                                           suggestion, [tr("workbook_gui.filter.xlsx")],
                                           "xlsx"))

    # import --------------------------------------------------------------------------------
    def import_workbook(self) -> None:
        """Choose a workbook and import it off the GUI thread; then the report."""
        if self.is_busy() or not self.window.may_leave():
            return  # a page's unsaved input first: the pages are reloaded afterwards
        path = self.ask_import_file(self._folder)
        if path is None:
            return
        self._remember_folder(path)
        self._start(workbook_worker.import_job(path),
                    tr("workbook_gui.import.progress", file=path.name), self._imported,
                    tr("workbook_gui.import.cancelled"))

    def ask_import_file(self, folder: Path) -> Path | None:
        """The workbook to import (tests replace this)."""
        dialog = QFileDialog(self.window, tr("workbook_gui.import.title"), str(folder),
                             ";;".join([tr("workbook_gui.filter.xlsx"),
                                        tr("workbook_gui.filter.all")]))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        return run_file_dialog(dialog)

    def _imported(self, report: ImportReport) -> None:
        window = self.window
        if report.imported:
            rows = sum(report.rows.values())
            window.show_status(tr(
                "workbook_gui.import.done_created" if report.created
                else "workbook_gui.import.done", name=report.study_name,
                rows=count_text(rows), sheets=len(report.rows)))
            if report.study_id == window.study_id:
                window.data_changed()  # the pages show the new rows
        else:
            window.show_status(tr("workbook_gui.import.refused",
                                  count=count_text(report.rejected_count)))
        if self.show_report(report) and report.imported and report.study_id is not None:
            window.study_requested.emit(report.study_id)  # the window is replaced: last

    def show_report(self, report: ImportReport) -> bool:
        """The report dialog; True when the user wants to go to the imported study (tests
        replace this)."""
        dialog = ImportReportDialog(report, self.window.study_id, self.window)
        try:
            dialog.exec()
            return dialog.go_to_study
        finally:
            dialog.deleteLater()

    # running a job -------------------------------------------------------------------------
    def _start(self, job: workbook_worker.Job, label: str, done: Any,
               cancelled_message: str) -> None:
        job.progressed.connect(self._progressed)
        job.succeeded.connect(self._succeeded)
        job.failed.connect(self._failed)
        job.cancelled.connect(self._was_cancelled)
        job.finished.connect(self._finished)
        dialog = background.progress_dialog(
            self.window, label, tr("workbook_gui.progress.title"),
            tr("workbook_gui.progress.cancel"), PROGRESS_DELAY_MS, self.cancel)
        self._focus_before = QApplication.focusWidget()
        self._progress = dialog
        self._result, self._error, self._done = None, None, done
        self._cancelled_message = cancelled_message
        self._job = job
        job.start()

    def cancel(self) -> None:
        """Stop the running job; it writes nothing (the Stop button, Escape)."""
        if self._job is not None:
            self._job.cancel()
            if self._progress is not None:
                self._progress.setLabelText(tr("workbook_gui.progress.stopping"))

    @Slot(int, int)
    def _progressed(self, done: int, total: int) -> None:
        if self.sender() is self._job and self._progress is not None:
            background.show_progress(self._progress, done, total)

    @Slot(object)
    def _succeeded(self, value: object) -> None:
        if self.sender() is self._job:
            self._result = value

    @Slot(object)
    def _failed(self, error: Exception) -> None:
        if self.sender() is self._job:
            self._error = error

    @Slot()
    def _was_cancelled(self) -> None:
        if self.sender() is self._job:
            self.window.show_status(self._cancelled_message)

    @Slot()
    def _finished(self) -> None:
        """The job is over: the progress dialog goes first, then the result is shown (a
        dialog of its own, maybe)."""
        if self.sender() is not self._job:
            return
        result, error, done = self._result, self._error, self._done
        self._job, self._result, self._error, self._done = None, None, None, None
        self._close_progress()
        if error is not None:
            error_dialog.show_error(self.window, error)
        elif result is not None and done is not None:
            done(result)

    def _close_progress(self) -> None:
        dialog, self._progress = self._progress, None
        widget, self._focus_before = self._focus_before, None
        background.close_progress(dialog, self.window, widget, self.cancel)

