"""The Audit trail window: who changed what, newest first, narrowed by participant, user,
table, period and text. Read-only — the trail can be looked at, never changed. The list
fetches a page at a time as it is scrolled (a large study holds millions of entries), and the
current entry is shown in full below it (the list cuts long values)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.models.errors import BrugmeterError
from desktop.models.services import audit_trail, participants, studies
from desktop.models.services.audit_trail import TrailFilter, TrailPage, TrailRow
from desktop.models.services.validation import parse_date
from desktop.views import theme
from desktop.views.rows_model import RowsTableModel
from desktop.views.widgets import set_column_widths, set_tab_chain, set_up_list

PAGE_SIZE = 200
WHEN, USER, WHAT, ACTION, FIELD, OLD, NEW = range(7)
COLUMN_KEYS = ("when", "user", "what", "action", "field", "old", "new")


class TrailModel(RowsTableModel[TrailRow]):
    """The entries fetched so far; Qt asks for more (fetchMore) as the list is scrolled."""

    HEADER_KEY = "audit.column"
    COLUMN_KEYS = COLUMN_KEYS

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.criteria: TrailFilter | None = None
        self.next_before: int | None = None

    def load(self, criteria: TrailFilter) -> None:
        """Start over with these filters: the first page."""
        self.criteria = criteria
        page = audit_trail.browse(criteria, PAGE_SIZE)
        self.set_rows(page.rows)
        self.next_before = page.next_before

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex(),  # noqa: B008, N802 - Qt's name
                     ) -> bool:
        return not parent.isValid() and self.next_before is not None

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex(),  # noqa: B008, N802 - Qt's name
                  ) -> None:
        if parent.isValid() or self.criteria is None or self.next_before is None:
            return
        self.append(audit_trail.browse(self.criteria, PAGE_SIZE, self.next_before))

    def append(self, page: TrailPage) -> None:
        if page.rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self._rows += page.rows
            self.endInsertRows()
        self.next_before = page.next_before

    def _display(self, row: TrailRow, column: int) -> str:
        if column == WHEN:
            return f"{row.at:%Y-%m-%d %H:%M:%S}"
        cells = (row.user, row.what, row.action_label, row.field_label, row.old, row.new)
        return _one_line(cells[column - 1])

    def _styled(self, row: TrailRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and column in (OLD, NEW):
            return row.old if column == OLD else row.new
        return None


def _one_line(text: str, width: int = 120) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[:width - 1] + "…"


class AuditWindow(QDialog):
    """Beside the main window, not modal: look something up, go on working."""

    def __init__(self, study_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.study_id = study_id
        self.setWindowTitle(tr("audit.window.title", study=studies.get_study(study_id).name))
        self._codes = {row.code: row.id for row in participants.participant_rows(study_id)}
        self.participant = QLineEdit()
        self.participant.setObjectName("participant")
        self.participant.setPlaceholderText(tr("audit.window.participant_placeholder"))
        self.participant.setClearButtonEnabled(True)
        completer = QCompleter(sorted(self._codes), self.participant)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.participant.setCompleter(completer)
        self.user = QComboBox()
        self.user.setObjectName("user")
        self.table_filter = QComboBox()
        self.table_filter.setObjectName("table_filter")
        self.since = QLineEdit()
        self.until = QLineEdit()
        for field, name in ((self.since, "since"), (self.until, "until")):
            field.setObjectName(name)
            field.setPlaceholderText(tr("audit.window.date_placeholder"))
            field.setClearButtonEnabled(True)
            field.setMaximumWidth(140)
        self.text = QLineEdit()
        self.text.setObjectName("text")
        self.text.setPlaceholderText(tr("audit.window.text_placeholder"))
        self.text.setClearButtonEnabled(True)
        self.search_button = QPushButton(tr("audit.window.search"))
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.detail = QLabel()
        self.detail.setObjectName("detail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                            | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setMinimumHeight(3 * self.detail.fontMetrics().lineSpacing())
        self.detail.setStyleSheet(f"color: {theme.GREY_900}; padding: {theme.SPACING_SMALL}px 0;")
        self.model = TrailModel(self)
        self.list = QTableView()
        self.list.setObjectName("entries")
        set_up_list(self.list, self.model, fixed_rows=True)
        self.list.setWordWrap(False)
        self.list.horizontalHeader().setStretchLastSection(True)
        self.list.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        set_column_widths(self.list, {WHEN: 150, USER: 110, WHAT: 230, ACTION: 100,
                                      FIELD: 130, OLD: 200}, theme.SPACING_LARGE)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(tr("audit.window.close"))
        buttons.rejected.connect(self.reject)
        for button in (self.search_button, *buttons.buttons()):
            button.setAutoDefault(False)  # Enter in a filter field searches
        self._build_layout(buttons)
        self._fill_choices()
        self._wire()
        self.resize(1250, 660)

    def _build_layout(self, buttons: QDialogButtonBox) -> None:
        grid = QGridLayout()
        fields = (("participant", self.participant), ("user", self.user),
                  ("table", self.table_filter), ("since", self.since), ("until", self.until),
                  ("text", self.text))
        for number, (key, widget) in enumerate(fields):
            label = QLabel(tr(f"audit.window.{key}_label"))
            label.setBuddy(widget)
            row, column = divmod(number, 3)
            grid.addWidget(label, row, 2 * column)
            grid.addWidget(widget, row, 2 * column + 1)
        grid.addWidget(self.search_button, 1, 6)
        for column in (1, 3, 5):
            grid.setColumnStretch(column, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(theme.MARGIN, theme.MARGIN, theme.MARGIN, theme.MARGIN)
        layout.addLayout(grid)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.detail)
        layout.addWidget(buttons)
        set_tab_chain([self.participant, self.user, self.table_filter, self.since, self.until,
                       self.text, self.search_button, self.list, *buttons.buttons()])

    def _fill_choices(self) -> None:
        self.user.addItem(tr("audit.window.all_users"), None)
        for name in audit_trail.trail_users():
            self.user.addItem(name, name)
        self.table_filter.addItem(tr("audit.window.all_tables"), None)
        for table, label in audit_trail.table_choices():
            self.table_filter.addItem(label, table)

    def _wire(self) -> None:
        for field in (self.participant, self.since, self.until, self.text):
            field.returnPressed.connect(self.search)
        self.participant.completer().activated.connect(lambda _text: self.search())
        for combo in (self.user, self.table_filter):
            combo.activated.connect(lambda _index: self.search())
        self.search_button.clicked.connect(self.search)
        self.list.selectionModel().currentRowChanged.connect(self._show_detail)

    # the filters ---------------------------------------------------------------------------
    def show_participant(self, code: str) -> None:
        """Narrow to one participant (the participants page's shortcut) and search."""
        self.participant.setText(code)
        self.search()

    def criteria(self) -> TrailFilter:
        """The filters as typed; a code or date that cannot be used is a BrugmeterError."""
        code = self.participant.text().strip()
        participant_id = None
        if code:
            participant_id = self._codes.get(code) or next(
                (pid for known, pid in self._codes.items() if known.casefold() == code.casefold()),
                None)
            if participant_id is None:
                raise BrugmeterError("audit.window.unknown_participant", code=code)
        return TrailFilter(participant_id, self.user.currentData(),
                           self.table_filter.currentData(),
                           parse_date(self.since.text(), "since"),
                           parse_date(self.until.text(), "until"), self.text.text())

    def search(self) -> None:
        try:
            criteria = self.criteria()
            self.model.load(criteria)
        except BrugmeterError as error:
            self.summary.setText(error.message)
            self.summary.setStyleSheet(f"color: {theme.ERROR};")
            return
        self.summary.setStyleSheet("")
        self._show_summary()
        if self.model.rowCount():
            self.list.selectRow(0)
        else:
            self.detail.setText("")

    def _show_summary(self) -> None:
        shown = self.model.rowCount()
        if not shown:
            self.summary.setText(tr("audit.none"))
        elif self.model.next_before is None:
            self.summary.setText(tr("audit.window.count", count=shown))
        else:
            self.summary.setText(tr("audit.window.count_more", count=shown))

    def _show_detail(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.detail.setText("")
            return
        row = self.model.row_at(current.row())
        head = f"{row.at:%Y-%m-%d %H:%M:%S} · {row.user} · {row.what} · {row.action_label}"
        change = (tr("audit.window.change", field=row.field_label, old=row.old or "–",
                     new=row.new or "–") if row.field else "")
        self.detail.setText("\n".join(part for part in (head, change) if part))
        if current.row() >= self.model.rowCount() - 1 and self.model.canFetchMore():
            self.model.fetchMore()  # the arrow keys reach the end: the next page
            self._show_summary()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self.model.criteria is None:
            self.search()
            self.participant.setFocus()


def open_audit_window(parent: QWidget, study_id: int, code: str | None = None) -> AuditWindow:
    """The window (one per parent), shown and raised; narrowed to a participant if given."""
    window = parent.findChild(AuditWindow) or AuditWindow(study_id, parent)
    window.show()
    window.raise_()
    window.activateWindow()
    if code:
        window.show_participant(code)
    return window
