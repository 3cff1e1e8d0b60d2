"""The overview page: how far data entry is, so an assistant sees what is still missing."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QScrollArea,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.models.errors import BrugmeterError
from desktop.models.services import double_entry, participants, progress, studies
from desktop.views import theme
from desktop.views.page import Page

BAR_ROLE = Qt.ItemDataRole.UserRole + 1  # a fraction 0..1 drawn as a bar
_Index = QModelIndex | QPersistentModelIndex


class Fraction(float):
    """A share shown as a bar with its percentage."""


class CountTableModel(QAbstractTableModel):
    """A small read-only table of counts; a Fraction cell becomes a bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._headers: list[str] = []
        self._rows: list[list[object]] = []

    def set_rows(self, headers: list[str], rows: list[list[object]]) -> None:
        self.beginResetModel()
        self._headers, self._rows = headers, rows
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        value = self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if isinstance(value, Fraction):
                return f"{value:.0%}"
            return str(value)
        if role == BAR_ROLE and isinstance(value, Fraction):
            return float(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, int | float):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None


class BarDelegate(QStyledItemDelegate):
    """Paints a Fraction cell as a flat horizontal bar in the theme's blue, then its text."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        share = index.data(BAR_ROLE)
        if share is None:
            super().paint(painter, option, index)
            return
        rect: QRect = option.rect.adjusted(theme.SPACING_SMALL, 0, -theme.SPACING_SMALL, 0)
        text_width = option.fontMetrics.horizontalAdvance("100%") + theme.SPACING
        bar = QRect(rect.left(), rect.center().y() - theme.BAR_HEIGHT // 2,
                    max(0, rect.width() - text_width), theme.BAR_HEIGHT)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(theme.GREY_300))
        painter.drawRoundedRect(bar, 3, 3)
        filled = QRect(bar.left(), bar.top(), round(bar.width() * min(1.0, share)), bar.height())
        painter.setBrush(QColor(theme.PRIMARY))
        painter.drawRoundedRect(filled, 3, 3)
        painter.setPen(QColor(theme.GREY_900))
        text_rect = QRect(bar.right() + theme.SPACING, rect.top(), text_width, rect.height())
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                         index.data(Qt.ItemDataRole.DisplayRole))
        painter.restore()


def _share(part: int, whole: int) -> Fraction:
    return Fraction(part / whole if whole else 0.0)


class OverviewPage(Page):
    """Participants per status, measured / missing per moment, and measured per site."""

    TITLE_KEY = "shell.page.overview"

    def __init__(self, study_id: int, parent: QWidget | None = None) -> None:
        super().__init__(study_id, parent)
        self.summary = QLabel()
        self.summary.setStyleSheet(theme.heading_style())
        self.summary.setWordWrap(True)
        self.status_model = CountTableModel(self)
        self.moment_model = CountTableModel(self)
        self.site_model = CountTableModel(self)
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(theme.MARGIN, theme.MARGIN, theme.MARGIN, theme.MARGIN)
        column.setSpacing(theme.SPACING_LARGE)
        column.addWidget(self.summary)
        self.tables: dict[str, QTableView] = {}
        for name, model in (("statuses", self.status_model), ("moments", self.moment_model),
                            ("sites", self.site_model)):
            group = QGroupBox(tr(f"shell.overview.{name}"))
            box = QVBoxLayout(group)
            self.tables[name] = self._table(model)
            box.addWidget(self.tables[name])
            column.addWidget(group)
        self.waiting_model = CountTableModel(self)
        self.agreement_model = CountTableModel(self)
        self.double_entry = QGroupBox(tr("double_entry.overview.title"))
        box = QVBoxLayout(self.double_entry)
        for name, model in (("waiting", self.waiting_model), ("agreement", self.agreement_model)):
            box.addWidget(QLabel(tr(f"double_entry.cli.{name}")))
            self.tables[name] = self._table(model)
            box.addWidget(self.tables[name])
        box.addStretch(1)
        column.addWidget(self.double_entry)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def _table(self, model: CountTableModel) -> QTableView:
        view = QTableView()
        view.setModel(model)
        view.setItemDelegate(BarDelegate(view))
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        view.setAlternatingRowColors(True)
        view.verticalHeader().setVisible(False)
        view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        model.modelReset.connect(lambda: self._fit_height(view))
        if model is self.site_model:  # names wide, the counts beside them compact
            header.setStretchLastSection(False)
            model.modelReset.connect(
                lambda: model.columnCount() and header.setSectionResizeMode(
                    0, QHeaderView.ResizeMode.Stretch)
            )
        return view

    @staticmethod
    def _fit_height(view: QTableView) -> None:
        """Show every row without an inner scroll bar: these tables are short."""
        rows = view.model().rowCount()
        height = view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth()
        height += sum(view.rowHeight(row) for row in range(rows)) or view.verticalHeader(
        ).defaultSectionSize()
        view.setFixedHeight(height)

    def refresh(self) -> None:
        try:
            data = progress.entry_progress(self.study_id)
        except BrugmeterError as error:
            self.summary.setText(error.message)
            return
        approached = sum(data.statuses.values())
        participating = data.moments[0].participating if data.moments else 0
        self.summary.setText(tr("shell.overview.summary", approached=approached,
                                participating=participating,
                                percent=round(100 * participating / approached)
                                if approached else 0))
        self.status_model.set_rows(
            [tr("shell.overview.status"), tr("shell.overview.count"), tr("shell.overview.share")],
            [[tr(f"status.{status}"), data.statuses.get(status, 0),
              _share(data.statuses.get(status, 0), approached)]
             for status in participants.RECRUITMENT_STATUSES]
            + [[tr("shell.overview.total"), approached, ""]],
        )
        self.moment_model.set_rows(
            [tr("shell.overview.moment"), tr("shell.overview.participating"),
             tr("shell.overview.measured"), tr("shell.overview.missing"),
             tr("shell.overview.progress")],
            [[m.name, m.participating, m.measured, m.missing, _share(m.measured, m.participating)]
             for m in data.moments],
        )
        names = [m.name for m in data.moments]
        sites = [site.name for site in studies.get_study(self.study_id).sites]
        sites += sorted(set(data.by_site) - set(sites))  # "" = participants without a site
        self.site_model.set_rows(
            [tr("shell.overview.site"), *names],
            [[site or tr("shell.overview.no_site"),
              *(data.by_site.get(site, {}).get(n, 0) for n in names)] for site in sites],
        )
        self._show_double_entry()

    def _show_double_entry(self) -> None:
        """Forms waiting for a second entry or a resolution, and each typist's agreement —
        only in a study that enters its forms twice (else every form would be 'waiting')."""
        in_use = double_entry.in_use(self.study_id)
        self.double_entry.setVisible(in_use)
        if not in_use:
            return
        self.waiting_model.set_rows(
            [tr(f"double_entry.cli.{key}") for key in ("instrument", "moment", "first_by",
                                                       "second_entry", "resolution")],
            [[row.title, row.moment, row.first_by, row.second_entry, row.resolution]
             for row in double_entry.waiting_summary(self.study_id)])
        self.agreement_model.set_rows(
            [tr(f"double_entry.cli.{key}") for key in ("assistant", "role", "forms", "fields",
                                                       "agreed")] + ["%"],
            [[row.assistant, tr(f"double_entry.role.{row.role}"), row.forms, row.fields,
              row.agreed, Fraction(row.rate)] for row in double_entry.agreement(self.study_id)])
