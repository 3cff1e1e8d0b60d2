"""Resolving a double entry: every field the two entries of a paper form disagree on, with
both values and who typed them; for each the user takes the first (F1), the second (F2) or
types what the paper says, and Enter goes on — on the last field (or Ctrl+S anywhere) the
response is stored with the chosen values and marked verified."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.models.errors import ValidationError
from desktop.models.services import double_entry
from desktop.models.services.conflicts import ConflictError
from desktop.models.services.double_entry import Comparison, Difference
from desktop.views import shortcuts, theme
from desktop.views.widgets import add_shortcut, error_label

FIRST, SECOND, TYPED = "first", "second", "typed"


class ChoiceEdit(QLineEdit):
    """The value chosen for one field: F1 takes the first entry's, F2 the second's, typing
    gives the paper's own; Enter confirms and moves on."""

    def __init__(self, difference: Difference, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.difference = difference
        self.choice: str | None = None
        self.setObjectName(f"choice_{difference.field}")
        self.setAccessibleName(difference.label)
        self.setPlaceholderText(tr("double_entry.dialog.placeholder"))
        self.setMinimumWidth(200)  # a chosen reason such as "ontbreekt: Niet ingevuld" fits
        self.textEdited.connect(self._typed)

    def pick(self, choice: str) -> None:
        self.choice = choice
        self.setText(self.difference.first_shown if choice == FIRST
                     else self.difference.second_shown)
        self.selectAll()

    def _typed(self, text: str) -> None:
        self.choice = TYPED if text.strip() else None

    def value(self) -> object:
        """The value as resolve() takes it: a stored one as typed, or the text typed here."""
        if self.choice == FIRST:
            return _as_typed(self.difference.first)
        if self.choice == SECOND:
            return _as_typed(self.difference.second)
        return self.text().strip()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_F1:
            self.pick(FIRST)
        elif event.key() == Qt.Key.Key_F2:
            self.pick(SECOND)
        else:
            super().keyPressEvent(event)


def _as_typed(stored: str | None) -> str | None:
    return stored.removeprefix("missing:") if stored else stored


class ResolutionDialog(QDialog):
    """One row per difference: the field, the first value (by whom), the second (by whom) and
    the value to keep. Escape leaves the form to resolve later, nothing changed."""

    def __init__(self, comparison: Comparison, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.comparison = comparison
        self.resolved = False
        self.setWindowTitle(tr("double_entry.dialog.title"))
        self.heading = QLabel()
        self.heading.setStyleSheet(theme.heading_style())
        self.heading.setWordWrap(True)
        self.explain = QLabel(tr("double_entry.dialog.explain"))
        self.explain.setWordWrap(True)
        self.explain.setStyleSheet(f"color: {theme.GREY_700};")
        self.general_error = error_label("general")
        self.grid_host = QWidget()
        rows = QVBoxLayout(self.grid_host)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(theme.SPACING_LARGE)
        for column, stretch in enumerate((3, 3, 3, 2)):
            self.grid.setColumnStretch(column, stretch)
        rows.addLayout(self.grid)
        rows.addStretch(1)  # the rows stay together at the top
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidget(self.grid_host)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(tr("double_entry.dialog.save"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setToolTip(shortcuts.with_shortcut(tr("double_entry.dialog.save_tip"),
                                                            shortcuts.SAVE))
        self.later_button = buttons.addButton(tr("double_entry.dialog.later"),
                                              QDialogButtonBox.ButtonRole.RejectRole)
        for button in (self.save_button, self.later_button):
            button.setAutoDefault(False)
        self.save_button.clicked.connect(self._save_slot)
        self.later_button.clicked.connect(self.reject)
        add_shortcut(self, shortcuts.SAVE, self._save_slot)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.explain)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.choices: list[ChoiceEdit] = []
        self.errors: dict[str, QLabel] = {}
        self._show(comparison)
        self.resize(940, 220 + 44 * min(len(comparison.differences), 10))

    def _show(self, comparison: Comparison) -> None:
        """(Re)build the rows for a comparison; focus the first choice."""
        self.comparison = comparison
        while self.grid.count():
            widget = self.grid.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.heading.setText(tr("double_entry.dialog.heading", code=comparison.code,
                                moment=comparison.moment, title=comparison.title,
                                count=len(comparison.differences)))
        headers = (tr("double_entry.dialog.field"),
                   tr("double_entry.dialog.first", user=comparison.first_by),
                   tr("double_entry.dialog.second", user=comparison.second_by),
                   tr("double_entry.dialog.chosen"))
        for column, text in enumerate(headers):
            label = QLabel(text)
            label.setStyleSheet("font-weight: 600;")
            self.grid.addWidget(label, 0, column)
        self.choices, self.errors = [], {}
        for row, difference in enumerate(comparison.differences, start=1):
            choice = ChoiceEdit(difference)
            label = QLabel(difference.label.replace("&", "&&"))
            label.setWordWrap(True)
            label.setBuddy(choice)
            first = QPushButton(f"F1  {difference.first_shown}")
            second = QPushButton(f"F2  {difference.second_shown}")
            for button, which in ((first, FIRST), (second, SECOND)):
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # F1/F2 from the keyboard
                button.setStyleSheet("text-align: left; padding: 4px 8px;")
                button.clicked.connect(lambda _=False, c=choice, w=which: self._pick(c, w))
            error = error_label(difference.field)
            cell = QVBoxLayout()
            cell.setSpacing(2)
            cell.addWidget(choice)
            cell.addWidget(error)
            host = QWidget()
            host.setLayout(cell)
            cell.setContentsMargins(0, 0, 0, 0)
            self.grid.addWidget(label, row, 0)
            self.grid.addWidget(first, row, 1)
            self.grid.addWidget(second, row, 2)
            self.grid.addWidget(host, row, 3)
            choice.returnPressed.connect(lambda n=row - 1: self._next(n))
            self.choices.append(choice)
            self.errors[difference.field] = error
        for before, after in zip(self.choices, self.choices[1:], strict=False):
            QWidget.setTabOrder(before, after)
        if self.choices:
            QWidget.setTabOrder(self.choices[-1], self.save_button)
            self.choices[0].setFocus()

    def _pick(self, choice: ChoiceEdit, which: str) -> None:
        choice.pick(which)
        choice.setFocus()

    def _next(self, index: int) -> None:
        """Enter: the next field; past the last one, store."""
        if index + 1 < len(self.choices):
            self.choices[index + 1].setFocus()
            self.choices[index + 1].selectAll()
        else:
            self.save()

    def _save_slot(self) -> None:
        self.save()

    def _clear_errors(self) -> None:
        for label in [self.general_error, *self.errors.values()]:
            label.clear()
            label.setVisible(False)

    def save(self) -> bool:
        """Resolve with the chosen values; a refusal is said beside its field, a colleague's
        change in between shows the differences as they are now."""
        self._clear_errors()
        chosen = {choice.difference.field: choice.value() for choice in self.choices
                  if choice.choice is not None}
        try:
            double_entry.resolve(self.comparison.response_id, chosen, self.comparison.version)
        except ConflictError:
            self._show(double_entry.compare(self.comparison.response_id))
            self._say("general", tr("double_entry.dialog.changed"))
            return False
        except ValidationError as error:
            self._say(error.field, error.message)
            return False
        self.resolved = True
        self.accept()
        return True

    def _say(self, field: str, message: str) -> None:
        label = self.errors.get(field, self.general_error)
        label.setText(message)
        label.setVisible(True)
        target = next((c for c in self.choices if c.difference.field == field), None)
        if target is not None:
            target.setFocus()
            target.selectAll()


def resolve_differences(parent: QWidget | None, response_id: int) -> bool:
    """Show the differences of a response's two entries and let the user resolve them; True
    when the response was stored and verified."""
    dialog = ResolutionDialog(double_entry.compare(response_id), parent)
    dialog.exec()
    return dialog.resolved
