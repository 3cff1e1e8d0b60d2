"""Create or edit a study: the form only collects text; studies.py checks and stores it.

A refused field is marked in red right under it and the dialog stays open with everything
the user typed, so a typo in the end date never costs them the list of sites.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.i18n import tr
from desktop.models.errors import ValidationError
from desktop.models.services import instrument_library, studies
from desktop.views import error_dialog, shortcuts, theme
from desktop.views.widgets import add_shortcut, format_date, set_tab_chain

_SPEC_ROLE = Qt.ItemDataRole.UserRole


class StudyDialog(QDialog):
    """The study's name, organisation, language, period, sites and measurement moments."""

    def __init__(self, study_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.study_id = study_id
        self.setWindowTitle(tr("shell.study.title_edit" if study_id else "shell.study.title_new"))
        self.setMinimumWidth(620)
        self._build()
        if study_id is None:
            self._fill_moments(studies.default_moments(i18n.language()))
        else:
            self._load(studies.get_study(study_id))

    # layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.name_edit = QLineEdit()
        self.organisation_edit = QLineEdit()
        self.municipality_edit = QLineEdit()
        self.language_combo = QComboBox()
        for code in i18n.LANGUAGES:
            self.language_combo.addItem(tr(f"shell.language.{code}"), code)
        self.language_combo.setCurrentIndex(i18n.LANGUAGES.index(i18n.language()))
        self.start_edit = QLineEdit()
        self.end_edit = QLineEdit()
        for edit in (self.start_edit, self.end_edit):
            edit.setPlaceholderText(tr("shell.date_placeholder"))
        self.sites_list = QListWidget()
        self.sites_list.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.sites_list.setMaximumHeight(120)
        self.moments_table = QTableWidget(0, 2)
        self.moments_table.setHorizontalHeaderLabels(
            [tr("shell.study.moment_name"), tr("shell.study.moment_months")]
        )
        header = self.moments_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.moments_table.verticalHeader().setVisible(False)
        self.moments_table.setMaximumHeight(150)
        self.moments_table.setWordWrap(False)
        self.instruments_list = QListWidget()
        self._fill_instruments(set(studies.StudyInput("").instrument_keys))
        self.import_button = QPushButton(tr("entry.import.button_study"))
        self.import_button.setToolTip(tr("entry.import.tip"))
        self.import_button.clicked.connect(self.import_instrument)

        self.errors: dict[str, QLabel] = {}
        self.inputs: dict[str, QWidget] = {
            "name": self.name_edit,
            "organisation": self.organisation_edit,
            "municipality": self.municipality_edit,
            "language": self.language_combo,
            "period_start": self.start_edit,
            "period_end": self.end_edit,
            "sites": self.sites_list,
            "moments": self.moments_table,
            "instruments": self.instruments_list,
        }
        self.add_site_button, self.remove_site_button = self._row_buttons(
            self.sites_list, "site", self.add_site, self.remove_site
        )
        self.add_moment_button, self.remove_moment_button = self._row_buttons(
            self.moments_table, "moment", self.add_moment, self.remove_moment
        )
        side_buttons = {
            "sites": (self.add_site_button, self.remove_site_button),
            "moments": (self.add_moment_button, self.remove_moment_button),
            "instruments": (self.import_button,),
        }
        form = QFormLayout()
        form.setSpacing(theme.SPACING)
        for field, widget in self.inputs.items():
            label = QLabel(tr(f"shell.study.{field}"))
            label.setBuddy(widget)
            form.addRow(label, self._with_error(field, widget, side_buttons.get(field, ())))
        self.general_error = self._error_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("shell.save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("shell.cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        save_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        save_button.setToolTip(shortcuts.with_shortcut(tr("shell.save").replace("&", ""),
                                                       shortcuts.SAVE_AND_NEXT))
        for key in (shortcuts.SAVE_AND_NEXT, shortcuts.SAVE_AND_NEXT_KEYPAD):
            QShortcut(key, self, self.accept)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(theme.MARGIN, theme.MARGIN, theme.MARGIN, theme.MARGIN)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        chain = [self.name_edit, self.organisation_edit, self.municipality_edit,
                 self.language_combo, self.start_edit, self.end_edit, self.sites_list,
                 self.add_site_button, self.remove_site_button, self.moments_table,
                 self.add_moment_button, self.remove_moment_button, self.instruments_list,
                 self.import_button, self.buttons]
        set_tab_chain(chain)

    def _fill_instruments(self, checked: set[str]) -> None:
        """Every instrument the database knows (built in and imported), the chosen ones ticked."""
        self.instruments_list.clear()
        for key, title in instrument_library.available_instruments():
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if key in checked
                               else Qt.CheckState.Unchecked)
            self.instruments_list.addItem(item)
        self.instruments_list.setMaximumHeight(
            self.instruments_list.sizeHintForRow(0) * max(2, self.instruments_list.count()) + 8)

    def import_instrument(self) -> None:
        """Import a definition file; the new instrument appears ticked, ready to be saved."""
        from desktop.views import instrument_import  # loaded when first needed

        result = instrument_import.choose_and_import(self)
        if result is None:
            return
        checked = set(self.study_input().instrument_keys) | {result.key}
        self._fill_instruments(checked)
        self.instruments_list.setCurrentRow(next(
            row for row in range(self.instruments_list.count())
            if self.instruments_list.item(row).data(Qt.ItemDataRole.UserRole) == result.key))
        instrument_import.report(self, instrument_import.result_text(result) + "\n\n"
                                 + tr("entry.import.tick_hint"))

    def _error_label(self) -> QLabel:
        label = QLabel()
        label.setStyleSheet(theme.error_style())
        label.setWordWrap(True)
        label.hide()
        return label

    def _with_error(
        self, field: str, widget: QWidget, buttons: tuple[QPushButton, ...] = ()
    ) -> QWidget:
        """The input (with its row buttons, if any) and a hidden red line for its error."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        if not buttons:
            column.addWidget(widget)
        else:
            row = QHBoxLayout()
            row.addWidget(widget, 1)
            side = QVBoxLayout()
            for button in buttons:
                side.addWidget(button)
            side.addStretch(1)
            row.addLayout(side)
            column.addLayout(row)
        self.errors[field] = self._error_label()
        column.addWidget(self.errors[field])
        return box

    def _row_buttons(
        self, view: QWidget, kind: str, add: Callable[[], None], remove: Callable[[], None]
    ) -> tuple[QPushButton, QPushButton]:
        """Add/Remove buttons beside an editable list, and the Insert/Delete keys on it."""
        add_button = QPushButton(tr(f"shell.study.add_{kind}"))
        remove_button = QPushButton(tr(f"shell.study.remove_{kind}"))
        add_button.setToolTip(shortcuts.with_shortcut(add_button.text().replace("&", ""),
                                                      shortcuts.INSERT_ROW))
        remove_button.setToolTip(shortcuts.with_shortcut(remove_button.text().replace("&", ""),
                                                         shortcuts.DELETE_ROW))
        add_button.clicked.connect(add)
        remove_button.clicked.connect(remove)
        for key, slot in ((shortcuts.INSERT_ROW, add), (shortcuts.DELETE_ROW, remove)):
            add_shortcut(view, key, slot, Qt.ShortcutContext.WidgetShortcut)
        return add_button, remove_button

    # data in and out ---------------------------------------------------------------------
    def _load(self, study: studies.StudyInfo) -> None:
        self.name_edit.setText(study.name)
        self.organisation_edit.setText(study.organisation)
        self.municipality_edit.setText(study.municipality)
        self.language_combo.setCurrentIndex(max(0, i18n.LANGUAGES.index(study.language)))
        self.start_edit.setText(format_date(study.period_start))
        self.end_edit.setText(format_date(study.period_end))
        for site in study.sites:
            self._append_site(site.name)
        self._fill_moments(
            [studies.MomentSpec(m.name, m.months, m.key, m.id) for m in study.moments]
        )
        for row in range(self.instruments_list.count()):
            item = self.instruments_list.item(row)
            used = item.data(Qt.ItemDataRole.UserRole) in study.instrument_keys
            item.setCheckState(Qt.CheckState.Checked if used else Qt.CheckState.Unchecked)

    def _fill_moments(self, specs: list[studies.MomentSpec]) -> None:
        self.moments_table.setRowCount(0)
        for spec in specs:
            self._append_moment(spec)

    def _append_site(self, name: str) -> QListWidgetItem:
        item = QListWidgetItem(name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.sites_list.addItem(item)
        return item

    def _append_moment(self, spec: studies.MomentSpec) -> int:
        row = self.moments_table.rowCount()
        self.moments_table.insertRow(row)
        name = QTableWidgetItem(spec.name)
        name.setData(_SPEC_ROLE, (spec.key, spec.id))
        months = QTableWidgetItem()
        months.setData(Qt.ItemDataRole.EditRole, spec.months)
        self.moments_table.setItem(row, 0, name)
        self.moments_table.setItem(row, 1, months)
        return row

    def study_input(self) -> studies.StudyInput:
        """What the form holds now, unchecked: validation is the service's job."""
        sites = [self.sites_list.item(i).text() for i in range(self.sites_list.count())]
        moments = []
        for row in range(self.moments_table.rowCount()):
            name = self.moments_table.item(row, 0)
            months = self.moments_table.item(row, 1)
            key, moment_id = name.data(_SPEC_ROLE) or ("", None)
            value = months.data(Qt.ItemDataRole.EditRole) if months else 0
            moments.append(studies.MomentSpec(name.text() if name else "", int(value or 0),
                                              key, moment_id))
        return studies.StudyInput(
            name=self.name_edit.text(),
            organisation=self.organisation_edit.text(),
            municipality=self.municipality_edit.text(),
            language=self.language_combo.currentData(),
            period_start=self.start_edit.text(),
            period_end=self.end_edit.text(),
            sites=sites,
            moments=moments,
            instrument_keys=tuple(
                item.data(Qt.ItemDataRole.UserRole)
                for item in map(self.instruments_list.item, range(self.instruments_list.count()))
                if item.checkState() == Qt.CheckState.Checked
            ),
        )

    # editing the lists --------------------------------------------------------------------
    def add_site(self) -> None:
        item = self._append_site("")
        self.sites_list.setCurrentItem(item)
        self.sites_list.setFocus()
        self.sites_list.editItem(item)

    def remove_site(self) -> None:
        row = self.sites_list.currentRow()
        if row >= 0:
            self.sites_list.takeItem(row)
            self.sites_list.setFocus()

    def add_moment(self) -> None:
        last = self.moments_table.rowCount() - 1
        previous = self.moments_table.item(last, 1) if last >= 0 else None
        months = int(previous.data(Qt.ItemDataRole.EditRole) or 0) if previous else -6
        row = self._append_moment(studies.MomentSpec("", months + 6))
        self.moments_table.setFocus()
        self.moments_table.setCurrentCell(row, 0)
        self.moments_table.editItem(self.moments_table.item(row, 0))

    def remove_moment(self) -> None:
        row = self.moments_table.currentRow()
        if row >= 0:
            self.moments_table.removeRow(row)
            self.moments_table.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Return in the sites or moments list ends the edit there; it must not save the study."""
        focus = QApplication.focusWidget()
        in_list = focus is not None and any(
            view is focus or view.isAncestorOf(focus)
            for view in (self.sites_list, self.moments_table)
        )
        if in_list and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)

    # saving -------------------------------------------------------------------------------
    def clear_errors(self) -> None:
        for label in [*self.errors.values(), self.general_error]:
            label.clear()
            label.hide()

    def show_validation_error(self, error: ValidationError) -> None:
        """Red text under the field the service named, and the cursor in that field."""
        label = self.errors.get(error.field, self.general_error)
        label.setText(error.message)
        label.show()
        widget = self.inputs.get(error.field)
        if widget is not None:
            widget.setFocus()

    def accept(self) -> None:
        self.clear_errors()
        data = self.study_input()
        if error_dialog.call_service(self, lambda: self._store(data), self.show_validation_error):
            super().accept()

    def _store(self, data: studies.StudyInput) -> None:
        if self.study_id is None:
            self.study_id = studies.create_study(data)
        else:
            studies.update_study(self.study_id, data)
