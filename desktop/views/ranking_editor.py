"""The ranking question of the professionals' survey: type each element's rank in the order of
the paper form, or drag the elements into order. Both views show one state, checked live by the
survey service, so the form and the save agree on what is wrong."""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QRegularExpression,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import pick, tr
from desktop.models.errors import ValidationError
from desktop.models.services.surveys import check_ranking
from desktop.models.surveys import SurveyDefinition
from desktop.views import theme
from desktop.views.ranking_order_model import DIVIDER, RankingOrderModel
from desktop.views.shortcuts import MOVE_DOWN, MOVE_UP, RANK, RANK_ALSO, UNRANK, shortcut_text
from desktop.views.widgets import add_shortcut, set_tab_chain

_FORWARD = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Down)
_PROBLEM_STYLE = (f"QLineEdit {{ border: 2px solid {theme.ERROR}; border-radius: 3px;"
                  f" background: {theme.WHITE}; }}")


class RankInput(QLineEdit):
    """One element's rank, digits only. Enter, Down (and Tab) move on, Up goes back; the editor
    moves on by itself once no further digit could extend the rank (`filled`)."""

    advance = Signal()
    back = Signal()

    def __init__(self, places: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._places = places
        self.setValidator(QRegularExpressionValidator(QRegularExpression("[0-9]{0,2}"), self))
        self.setMaxLength(2)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.ensurePolished()  # the app's font and style, for the sizes below
        self.setFixedSize(self.fontMetrics().horizontalAdvance("MM") + 16,
                          self.sizeHint().height())  # a red border must not change it
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)

    def filled(self) -> bool:
        """True when another digit cannot make a rank: '3' of five places, '12' or '2' of 12."""
        text = self.text()
        return bool(text) and (len(text) >= len(str(self._places))
                               or int(text) * 10 > self._places)

    def show_problem(self, problem: bool) -> None:
        self.setStyleSheet(_PROBLEM_STYLE if problem else "")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        plain = not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
        if plain and event.key() in _FORWARD:
            self.advance.emit()
        elif plain and event.key() == Qt.Key.Key_Up:
            self.back.emit()
        else:
            super().keyPressEvent(event)


class RankingEditor(QWidget):
    """The ranking of one paper survey, typed or dragged; `changed` on every user change.

    Left, one rank input per element in paper order. Right, the resulting order: the ranked
    elements by rank, then "Not ranked". There, drag an element to its place (dropped below
    the divider it is unranked), or use the keys: Alt+Up/Alt+Down one place up/down (an
    unranked element goes up to the last place; the last ranked one goes down out of the
    ranking; the first cannot go higher), Delete unranks, Insert or Enter ranks an unranked
    element last. A ranking already at its places drops its last element when one is put in
    before it, and refuses one added at the end. Every move renumbers the ranks 1..k and
    rewrites the typed ranks; while the typed ranks are invalid the order shows them as typed.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._definition: SurveyDefinition | None = None
        self._inputs: dict[str, RankInput] = {}
        self.question = QLabel()
        self.typed_heading = QLabel(tr("ranking.typed.heading"))
        self.typed_hint = QLabel()
        self.rows_area = QScrollArea()
        self.order_heading = QLabel(tr("ranking.order.heading"))
        self.order_model = RankingOrderModel(self)
        self.order_view = QListView()
        self.order_hint = QLabel(self._order_keys_text())
        self.message = QLabel()
        self.message.setObjectName("ranking_message")
        self.message.setWordWrap(True)
        self._build_order_view()
        self._build_layout()
        self.order_model.reordered.connect(self._apply_order)

    # Building

    def _build_order_view(self) -> None:
        view = self.order_view
        view.setObjectName("ranking_order")
        view.setModel(self.order_model)
        view.setAccessibleName(tr("ranking.order.name"))
        view.setToolTip(tr("ranking.order.tooltip", keys=self._order_keys_text()))
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # DragDrop, not InternalMove: a drop Qt cannot trace to this view (another window's,
        # a test's) still reaches the model as mime data; a drag without an element is refused.
        view.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        view.setDefaultDropAction(Qt.DropAction.MoveAction)
        view.setDropIndicatorShown(True)
        view.setWordWrap(True)
        view.setResizeMode(QListView.ResizeMode.Adjust)
        view.setSpacing(2)
        context = Qt.ShortcutContext.WidgetShortcut
        add_shortcut(view, MOVE_UP, lambda: self._move_selected(-1), context)
        add_shortcut(view, MOVE_DOWN, lambda: self._move_selected(1), context)
        add_shortcut(view, UNRANK, self._unrank_selected, context)
        for key in (RANK, *RANK_ALSO):
            add_shortcut(view, key, self._rank_selected, context)

    def _build_layout(self) -> None:
        for label in (self.question, self.typed_hint, self.order_hint):
            label.setWordWrap(True)
            label.setStyleSheet(f"color: {theme.GREY_700};")
        for heading in (self.typed_heading, self.order_heading):
            heading.setStyleSheet(theme.heading_style())
        self.order_heading.setBuddy(self.order_view)
        self.rows_area.setWidgetResizable(True)
        self.rows_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.rows_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        typed = QVBoxLayout()
        typed.setSpacing(theme.SPACING)  # else it takes the columns' wide spacing
        typed.addWidget(self.typed_heading)
        typed.addWidget(self.typed_hint)
        typed.addWidget(self.rows_area, 1)
        order = QVBoxLayout()
        order.setSpacing(theme.SPACING)
        order.addWidget(self.order_heading)
        order.addWidget(self.order_view, 1)
        order.addWidget(self.order_hint)
        columns = QHBoxLayout()
        columns.setSpacing(theme.SPACING_LARGE)
        columns.addLayout(typed, 3)
        columns.addLayout(order, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(theme.SPACING)
        layout.addWidget(self.question)
        layout.addLayout(columns, 1)
        layout.addWidget(self.message)

    @staticmethod
    def _order_keys_text() -> str:
        return tr("ranking.order.keys", up=shortcut_text(MOVE_UP), down=shortcut_text(MOVE_DOWN),
                  unrank=shortcut_text(UNRANK), rank=shortcut_text(RANK))

    def set_definition(self, definition: SurveyDefinition, language: str | None = None) -> None:
        """One rank input per element, in the order printed on the paper form."""
        self._definition = definition
        texts = {element.key: element.text(language) for element in definition.elements}
        places = definition.places
        self.question.setText(pick(definition.ranking_question, language))
        self.typed_hint.setText(tr("ranking.typed.hint", places=places))
        grid = QGridLayout()
        grid.setHorizontalSpacing(theme.SPACING_LARGE)
        grid.setVerticalSpacing(theme.SPACING)
        grid.setColumnStretch(1, 1)
        self._inputs = {}
        for number, (key, text) in enumerate(texts.items()):
            rank_input, label = self._row(key, text, places)
            grid.addWidget(rank_input, number, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(label, number, 1, Qt.AlignmentFlag.AlignTop)
            self._inputs[key] = rank_input
        rows = QWidget()
        column = QVBoxLayout(rows)
        column.setContentsMargins(0, 0, theme.SPACING, 0)
        column.addLayout(grid)
        column.addStretch(1)
        self.rows_area.setWidget(rows)  # deletes the previous definition's rows
        self._set_tab_order()
        self.typed_heading.setBuddy(self.first_input())
        self.order_model.set_elements(texts, places)
        self._refresh()

    def _set_tab_order(self) -> None:
        """Tab goes through the rank inputs in paper order, then the order view. New inputs
        join the end of the window's focus chain (behind the page's later fields), so they are
        moved behind the rows area, which takes focus only meanwhile: setTabOrder ignores
        widgets without focus."""
        self.rows_area.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        chain = [self.rows_area, *self._inputs.values(), self.order_view]
        set_tab_chain(chain)
        self.rows_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def _row(self, key: str, text: str, places: int) -> tuple[RankInput, QLabel]:
        rank_input = RankInput(places)
        rank_input.setObjectName(f"rank_{key}")
        rank_input.setAccessibleName(text)
        rank_input.setToolTip(tr("ranking.typed.tooltip", places=places))
        rank_input.textEdited.connect(lambda _text, k=key: self._typed(k))
        rank_input.advance.connect(lambda k=key: self._focus_next(k, 1))
        rank_input.back.connect(lambda k=key: self._focus_next(k, -1))
        label = QLabel(text.replace("&", "&&"))
        label.setWordWrap(True)
        label.setBuddy(rank_input)
        label.setMinimumHeight(rank_input.sizeHint().height())  # one line: centred on it
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return rank_input, label

    # The page's API

    def set_ranks(self, ranks: dict[str, int]) -> None:
        """Show stored ranks (element key → rank); elements not given are unranked."""
        for key, rank_input in self._inputs.items():
            rank_input.setText(str(ranks[key]) if key in ranks else "")
        self._refresh()

    def ranks(self) -> dict[str, str]:
        """What is typed, element key → text, leaving out empty inputs; the service checks it."""
        return {key: text for key, rank_input in self._inputs.items()
                if (text := rank_input.text().strip())}

    def clear(self) -> None:
        self.set_ranks({})

    def first_input(self) -> QWidget:
        return next(iter(self._inputs.values()), self.order_view)

    def is_valid(self) -> bool:
        return self._check() is None

    def mark_error(self, element_key: str, message: str) -> None:
        """Show an error the page got from the service, until the next change."""
        self._show_problem(element_key, message)
        if element_key in self._inputs:
            self.rows_area.ensureWidgetVisible(self._inputs[element_key])

    def clear_error(self) -> None:
        self._refresh()

    # Typed ranks

    def _typed(self, key: str) -> None:
        self._refresh()
        self.changed.emit()
        if self._inputs[key].filled():
            self._focus_next(key, 1)

    def _focus_next(self, key: str, step: int) -> None:
        """The next (or previous) element's input; past the last one, the order view."""
        keys = list(self._inputs)
        number = keys.index(key) + step
        if number >= len(keys):
            self.order_view.setFocus(Qt.FocusReason.TabFocusReason)
        elif number >= 0:
            target = self._inputs[keys[number]]
            target.setFocus(Qt.FocusReason.TabFocusReason)  # selects it: typing replaces
            self.rows_area.ensureWidgetVisible(target)

    def _check(self) -> ValidationError | None:
        if self._definition is None:
            return None
        try:
            check_ranking(self._definition, self.ranks())
        except ValidationError as error:
            return error
        return None

    def _refresh(self) -> None:
        """Check the typed ranks with the service and show the result in both views."""
        error = self._check()
        if error is not None:
            self._show_problem(error.field, error.message)
            return
        for rank_input in self._inputs.values():
            rank_input.show_problem(False)
        self._show_status()
        self._show_order("")

    def _show_status(self) -> None:
        """How far the ranking is: none yet, partial (allowed, stored as such) or complete."""
        places = self._definition.places if self._definition else 0
        count = len(self.ranks())
        status, colour = (("empty", theme.GREY_700) if count == 0
                          else ("complete", theme.SUCCESS) if count >= places
                          else ("partial", theme.GREY_700))
        self.message.setStyleSheet(f"color: {colour};")
        self.message.setText(tr(f"ranking.status.{status}", count=count, places=places))

    def _show_problem(self, key: str, message: str) -> None:
        for element, rank_input in self._inputs.items():
            rank_input.show_problem(element == key)
        self.message.setStyleSheet(theme.error_style())
        self.message.setText(message)
        self._show_order(key)

    # The order view

    def _show_order(self, problem: str) -> None:
        """Rebuild the order from the typed ranks; while the order view has the focus, its
        selected element stays selected."""
        selected = self._selected_key() if self.order_view.hasFocus() else DIVIDER
        self.order_model.show_ranks({key: int(text) for key, text in self.ranks().items()},
                                    problem)
        if selected:
            self._select(selected)

    def _selected_key(self) -> str:
        current = self.order_view.currentIndex()
        return self.order_model.key_at(current.row()) if current.isValid() else DIVIDER

    def _select(self, key: str) -> None:
        index = self.order_model.index(self.order_model.row_of(key))
        self.order_view.setCurrentIndex(index)
        self.order_view.scrollTo(index)

    def _move(self, destination: int) -> None:
        """Move the selected element to before row `destination`: the drop's own path."""
        key = self._selected_key()
        if key:
            self.order_model.moveRow(QModelIndex(), self.order_model.row_of(key),
                                     QModelIndex(), destination)

    def _move_selected(self, step: int) -> None:
        key = self._selected_key()
        if not key:
            return
        row, divider = self.order_model.row_of(key), self.order_model.divider_row()
        if row > divider:  # unranked: only up, to the last place
            if step < 0:
                self._move(divider)
        elif step < 0 and row > 0:
            self._move(row - 1)
        elif step > 0:
            self._move(row + 2)  # before the row after next: one place down

    def _unrank_selected(self) -> None:
        key = self._selected_key()
        if key and self.order_model.row_of(key) < self.order_model.divider_row():
            self._move(self.order_model.rowCount())

    def _rank_selected(self) -> None:
        key = self._selected_key()
        if key and self.order_model.row_of(key) > self.order_model.divider_row():
            self._move(self.order_model.divider_row())

    def _apply_order(self, ranked: list[str], moved: str) -> None:
        """A move in the order view: write the new ranks 1..k into the typed inputs."""
        before = self.ranks()
        for key, rank_input in self._inputs.items():
            rank_input.setText(str(ranked.index(key) + 1) if key in ranked else "")
        self._refresh()
        self._select(moved)  # the next Alt+Up moves it again
        if self.ranks() != before:  # a refused move (Insert into a full ranking) is no change
            self.changed.emit()
