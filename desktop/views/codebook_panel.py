"""The codebook beside the transcript, as the Code System of MAXQDA or QualCoder's code tree:
categories and codes with colour swatches, the number of codings in the open interview and
the quick key of the first nine codes. Every change goes through an undoable command; the
page runs it (`run`) so that a refusal is shown and nothing half-done lands on the stack."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from PySide6.QtCore import QPoint, QStandardPaths, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.models.errors import BrugmeterError, ValidationError
from desktop.models.services.codebook import COLOURS, CategoryInfo, Codebook, CodeInfo
from desktop.models.services.codebook_exchange import export_qdc
from desktop.views import error_dialog, shortcuts, theme
from desktop.views.coding_commands import (
    AddCategoryCommand,
    AddCodeCommand,
    CommandHost,
    DeleteCategoryCommand,
    DeleteCodeCommand,
    ImportCodebookCommand,
    MergeCodesCommand,
    RenameCategoryCommand,
    ServiceCommand,
    UpdateCodeCommand,
)
from desktop.views.widgets import FieldErrors, ask_discard, field_grid, set_tab_chain

KIND_ROLE = Qt.ItemDataRole.UserRole + 1  # "category" or "code"
ITEM_ID_ROLE = Qt.ItemDataRole.UserRole + 2
NAME, COUNT, KEY = range(3)

Runner = Callable[[ServiceCommand, bool], bool]  # (command, show a refusal) → done


def swatch(colour: str, size: int = 12) -> QIcon:
    """A small square of the code's colour with a thin darker edge."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour).darker(130))
    inner = QPixmap(size - 2, size - 2)
    inner.fill(QColor(colour))
    painter = QPainter(pixmap)
    painter.drawPixmap(1, 1, inner)
    painter.end()
    return QIcon(pixmap)


@dataclass(frozen=True)
class CodeValues:
    name: str
    definition: str
    category_id: int | None
    colour: str


def _category_choices(book: Codebook, combo: QComboBox, none_key: str,
                      exclude: set[int] | None = None) -> None:
    combo.addItem(tr(none_key), None)
    for category in book.categories:
        if exclude and category.id in exclude:
            continue
        combo.addItem(book.path(category.id), category.id)


class _FormDialog(QDialog):
    """A small codebook form: Save stores through `_store` (a refused value shows under its
    field), and Escape or Cancel drop what was typed only when the user says so."""

    FIELDS: ClassVar[tuple[str, ...]] = ()

    errors: FieldErrors
    _snapshot: object

    def _button_box(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("entry.save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("interviews.cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        return buttons

    def field_widget(self, name: str) -> QWidget:
        raise NotImplementedError

    def values(self) -> object:
        raise NotImplementedError

    def _store(self) -> None:
        raise NotImplementedError

    def accept(self) -> None:
        self.errors.hide_all()
        if error_dialog.call_service(self, self._store, self.show_invalid):
            super().accept()

    def show_invalid(self, error: ValidationError) -> None:
        name = error.field if error.field in self.errors else "name"
        self.errors.show_message(name, error.message)
        self.field_widget(name).setFocus(Qt.FocusReason.OtherFocusReason)

    def reject(self) -> None:
        if self.values() != self._snapshot and not ask_discard(
                self, tr("interviews.code_dialog.unsaved")):
            return
        super().reject()


class CodeDialog(_FormDialog):
    """A new code, or one code's name, category, colour and definition. `submit` stores the
    values (raising ValidationError, shown under its field); the dialog closes when it did."""

    FIELDS = ("name", "category", "colour", "definition")

    def __init__(self, book: Codebook, code: CodeInfo | None, category_id: int | None,
                 submit: Callable[[CodeValues], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._submit = submit
        self.setWindowTitle(tr("interviews.code_dialog.edit_title", code=code.name) if code
                            else tr("interviews.code_dialog.new_title"))
        self.name = QLineEdit(code.name if code else "")
        self.name.setMaxLength(120)
        self.category = QComboBox()
        _category_choices(book, self.category, "interviews.code_dialog.no_category")
        chosen = code.category_id if code else category_id
        self.category.setCurrentIndex(max(0, self.category.findData(chosen)))
        self.colour_button = QPushButton()
        self.colour_button.setToolTip(tr("interviews.code_dialog.colour_tip"))
        self.colour_button.clicked.connect(self._choose_colour)
        self._colour = code.colour if code else COLOURS[len(book.codes) % len(COLOURS)]
        self._show_colour()
        self.definition = QPlainTextEdit(code.definition if code else "")
        self.definition.setTabChangesFocus(True)
        self.definition.setPlaceholderText(tr("interviews.code_dialog.definition_placeholder"))
        self.definition.setMinimumHeight(90)
        self.errors = FieldErrors(self.FIELDS)
        self.buttons = self._button_box()
        grid = field_grid(self.FIELDS, self.field_widget, "interviews.code_dialog", self.errors,
                          self.name.sizeHint().height())
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.buttons)
        set_tab_chain([self.name, self.category, self.colour_button, self.definition,
                       self.buttons])
        self.resize(460, 300)
        self._snapshot = self.values()

    def field_widget(self, name: str) -> QWidget:
        return {"name": self.name, "category": self.category, "colour": self.colour_button,
                "definition": self.definition}[name]

    def values(self) -> CodeValues:
        return CodeValues(self.name.text(), self.definition.toPlainText(),
                          self.category.currentData(), self._colour)

    def _show_colour(self) -> None:
        self.colour_button.setText(self._colour.upper())
        self.colour_button.setIcon(swatch(self._colour, 14))

    def _choose_colour(self) -> None:
        chosen = ask_colour(self, self._colour)
        if chosen:
            self._colour = chosen
            self._show_colour()

    def _store(self) -> None:
        self._submit(self.values())


class CategoryDialog(_FormDialog):
    """A new category (name, and under which category) or a category's new name."""

    FIELDS = ("name", "parent")

    def __init__(self, book: Codebook, category: CategoryInfo | None, parent_id: int | None,
                 submit: Callable[[str, int | None], None], parent: QWidget | None = None,
                 ) -> None:
        super().__init__(parent)
        self._submit = submit
        self.setWindowTitle(tr("interviews.category_dialog.rename_title", name=category.name)
                            if category else tr("interviews.category_dialog.new_title"))
        self.name = QLineEdit(category.name if category else "")
        self.name.setMaxLength(120)
        self.parent_combo = QComboBox()
        _category_choices(book, self.parent_combo, "interviews.category_dialog.top")
        self.parent_combo.setCurrentIndex(max(0, self.parent_combo.findData(parent_id)))
        self.errors = FieldErrors(self.FIELDS)
        self.buttons = self._button_box()
        names = self.FIELDS if category is None else ("name",)
        grid = field_grid(names, self.field_widget, "interviews.category_dialog", self.errors,
                          self.name.sizeHint().height())
        self.parent_combo.setVisible(category is None)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.buttons)
        self.resize(380, 120)
        self._snapshot = self.values()

    def field_widget(self, name: str) -> QWidget:
        return {"name": self.name, "parent": self.parent_combo}[name]

    def values(self) -> tuple[str, int | None]:
        return self.name.text(), self.parent_combo.currentData()

    def _store(self) -> None:
        self._submit(*self.values())


def ask_colour(parent: QWidget, current: str) -> str | None:
    """The platform's colour dialog; None when cancelled."""
    colour = QColorDialog.getColor(QColor(current), parent, tr("interviews.colour_dialog"))
    return colour.name().upper() if colour.isValid() else None


class CodebookPanel(QWidget):
    """The study's codebook as a tree; `apply_requested(code_id)` on Enter or double-click."""

    apply_requested = Signal(int)
    status_message = Signal(str)

    def __init__(self, study_id: int, host: CommandHost, run: Runner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.study_id = study_id
        self.host = host
        self.run = run
        self.book = Codebook((), ())
        self._counts: dict[int, int] = {}
        self._quick: list[int] = []
        self._folder = Path(QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or Path.home())
        self.heading = QLabel(tr("interviews.codebook.title"))
        self.heading.setStyleSheet(theme.heading_style())
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels([tr("interviews.codebook.column.name"),
                                   tr("interviews.codebook.column.count"),
                                   tr("interviews.codebook.column.key")])
        self.tree.headerItem().setToolTip(COUNT, tr("interviews.codebook.column.count_tip"))
        self.tree.headerItem().setToolTip(KEY, tr("interviews.codebook.column.key_tip"))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setExpandsOnDoubleClick(True)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COUNT, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(KEY, QHeaderView.ResizeMode.ResizeToContents)
        self.heading.setBuddy(self.tree)
        self.actions: dict[str, QAction] = {}
        for name, key in (("new_code", shortcuts.NEW_CODE),
                          ("new_category", shortcuts.NEW_CATEGORY),
                          ("edit", shortcuts.EDIT_CODE), ("colour", None),
                          ("merge", shortcuts.MERGE_CODE), ("delete", shortcuts.DELETE_CODE),
                          ("export", None), ("import", None)):
            self._add_action(name, key)
        self.new_button = self._tool_button("new_code")
        self.edit_button = self._tool_button("edit")
        self.more_button = QToolButton()
        self.more_button.setText(tr("interviews.codebook.more"))
        self.more_button.setToolTip(tr("interviews.codebook.more_tip"))
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.more_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.more_button.setMenu(self._menu())
        self.context_menu = self._menu()
        self.hint = QLabel(tr("interviews.codebook.hint",
                              apply=shortcuts.shortcut_text(shortcuts.APPLY_CODE[0]),
                              new=shortcuts.shortcut_text(shortcuts.NEW_CODE),
                              edit=shortcuts.shortcut_text(shortcuts.EDIT_CODE),
                              delete=shortcuts.shortcut_text(shortcuts.DELETE_CODE)))
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {theme.GREY_700};")
        self._build_layout()
        self.tree.itemActivated.connect(self._activated)
        self.tree.currentItemChanged.connect(self._update_actions)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self._update_actions()

    def _add_action(self, name: str, key: shortcuts.Shortcut | None) -> None:
        action = QAction(tr(f"interviews.codebook.action.{name}"), self)
        tip = tr(f"interviews.codebook.action.{name}_tip")
        if key is not None:
            action.setShortcut(shortcuts.key_sequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            tip = shortcuts.with_shortcut(tip, key)
        action.setToolTip(tip)
        action.triggered.connect(getattr(self, name + "_clicked"))
        self.tree.addAction(action)  # its key works while the tree has the focus
        self.actions[name] = action

    def _tool_button(self, name: str) -> QToolButton:
        button = QToolButton()
        button.setDefaultAction(self.actions[name])
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        return button

    def _menu(self) -> QMenu:
        menu = QMenu(self)
        for name in ("new_code", "new_category", "edit", "colour", "merge", "delete"):
            menu.addAction(self.actions[name])
        menu.addSeparator()
        menu.addAction(self.actions["export"])
        menu.addAction(self.actions["import"])
        return menu

    def _build_layout(self) -> None:
        bar = QHBoxLayout()
        bar.setSpacing(theme.SPACING_SMALL)
        bar.addWidget(self.heading, 1)
        bar.addWidget(self.new_button)
        bar.addWidget(self.edit_button)
        bar.addWidget(self.more_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(theme.SPACING_SMALL)
        layout.addLayout(bar)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.hint)
        set_tab_chain([self.tree, self.new_button, self.edit_button, self.more_button])

    def _context_menu(self, point: QPoint) -> None:
        self.context_menu.exec(self.tree.viewport().mapToGlobal(point))

    # showing the codebook -----------------------------------------------------------------
    def set_codebook(self, book: Codebook, counts: dict[int, int]) -> None:
        """Rebuild the tree, keeping the current item and what was folded."""
        current = self.current()
        folded = self._folded()
        self.book = book
        self._counts = counts
        self.tree.clear()
        self._quick = []
        bold = QFont(self.tree.font())
        bold.setBold(True)
        items: dict[int | None, QTreeWidgetItem | None] = {None: None}
        pending = list(book.categories)
        while pending:  # parents before children, whatever their order
            placed = [c for c in pending if c.parent_id in items]
            if not placed:
                placed = pending  # a parent outside the study: show at the top
            for category in placed:
                item = QTreeWidgetItem([category.name, "", ""])
                item.setData(NAME, KIND_ROLE, "category")
                item.setData(NAME, ITEM_ID_ROLE, category.id)
                item.setFont(NAME, bold)
                item.setToolTip(NAME, tr("interviews.codebook.category_tip"))
                parent = items.get(category.parent_id)
                if parent is None:
                    self.tree.addTopLevelItem(item)
                else:
                    parent.addChild(item)
                items[category.id] = item
                pending.remove(category)
        for code in book.codes:
            item = QTreeWidgetItem([code.name, "", ""])
            item.setData(NAME, KIND_ROLE, "code")
            item.setData(NAME, ITEM_ID_ROLE, code.id)
            item.setIcon(NAME, swatch(code.colour))
            item.setToolTip(NAME, code.definition or tr("interviews.codebook.no_definition"))
            count = counts.get(code.id, 0)
            item.setText(COUNT, str(count) if count else "")
            item.setTextAlignment(COUNT, Qt.AlignmentFlag.AlignRight)
            parent = items.get(code.category_id)
            if parent is None:
                self.tree.addTopLevelItem(item)
            else:
                parent.addChild(item)
        self.tree.expandAll()
        for item in self._all_items():
            if self._key(item) in folded:
                item.setExpanded(False)
        for item in self._all_items():  # the quick keys follow the tree as it reads
            if item.data(NAME, KIND_ROLE) == "code" and len(self._quick) < len(
                    shortcuts.QUICK_CODES):
                key = shortcuts.QUICK_CODES[len(self._quick)]
                item.setText(KEY, shortcuts.shortcut_text(key))
                self._quick.append(item.data(NAME, ITEM_ID_ROLE))
        if (current is None or not self.select_item(*current)) and self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0))  # it was deleted, or none yet
        self._update_actions()

    def set_counts(self, counts: dict[int, int]) -> None:
        """Only the numbers of the open interview (after a coding: no rebuild)."""
        self._counts = counts
        for item in self._all_items():
            if item.data(NAME, KIND_ROLE) == "code":
                count = counts.get(item.data(NAME, ITEM_ID_ROLE), 0)
                item.setText(COUNT, str(count) if count else "")

    def _all_items(self) -> list[QTreeWidgetItem]:
        found: list[QTreeWidgetItem] = []

        def walk(item: QTreeWidgetItem) -> None:
            found.append(item)
            for number in range(item.childCount()):
                walk(item.child(number))

        for number in range(self.tree.topLevelItemCount()):
            walk(self.tree.topLevelItem(number))
        return found

    @staticmethod
    def _key(item: QTreeWidgetItem | None) -> tuple[str, int] | None:
        if item is None:
            return None
        return item.data(NAME, KIND_ROLE), item.data(NAME, ITEM_ID_ROLE)

    def _folded(self) -> set[tuple[str, int] | None]:
        return {self._key(item) for item in self._all_items()
                if item.childCount() and not item.isExpanded()}

    def current(self) -> tuple[str, int] | None:
        return self._key(self.tree.currentItem())

    def select_item(self, kind: str, item_id: int) -> bool:
        for item in self._all_items():
            if self._key(item) == (kind, item_id):
                self.tree.setCurrentItem(item)
                self.tree.scrollToItem(item)
                return True
        return False

    def quick_code_ids(self) -> list[int]:
        """The codes on Alt+1 … Alt+9, in the tree's order."""
        return list(self._quick)

    def code(self, code_id: int | None) -> CodeInfo | None:
        return next((c for c in self.book.codes if c.id == code_id), None)

    def current_code(self) -> CodeInfo | None:
        current = self.current()
        return self.code(current[1]) if current and current[0] == "code" else None

    def current_category(self) -> CategoryInfo | None:
        current = self.current()
        if current is None or current[0] != "category":
            return None
        return next((c for c in self.book.categories if c.id == current[1]), None)

    def _update_actions(self, *_args: object) -> None:
        current = self.current()
        is_code = current is not None and current[0] == "code"
        for name in ("edit", "delete"):
            self.actions[name].setEnabled(current is not None)
        for name in ("colour", "merge"):
            self.actions[name].setEnabled(is_code)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        if item.data(NAME, KIND_ROLE) == "code":
            self.apply_requested.emit(item.data(NAME, ITEM_ID_ROLE))

    # changing it ---------------------------------------------------------------------------
    def _run_or_raise(self, command: ServiceCommand) -> None:
        """For the dialogs: a refusal is raised, so call_service shows it under its field."""
        if not self.run(command, False) and command.refusal is not None:
            raise command.refusal

    def _default_category(self) -> int | None:
        category = self.current_category()
        if category is not None:
            return category.id
        code = self.current_code()
        return code.category_id if code else None

    def new_code_clicked(self) -> None:
        """Ins: a new code, in the current category; it becomes the current code."""

        def submit(values: CodeValues) -> None:
            command = AddCodeCommand(self.host, self.study_id, values.name, values.definition,
                                     values.category_id, values.colour)
            self._run_or_raise(command)
            if command.code_id is not None:
                self.select_item("code", command.code_id)
                self.status_message.emit(tr("interviews.codebook.code_added",
                                            code=values.name.strip()))

        self.open_dialog(CodeDialog(self.book, None, self._default_category(), submit, self))

    def new_category_clicked(self) -> None:
        def submit(name: str, parent_id: int | None) -> None:
            command = AddCategoryCommand(self.host, self.study_id, name, parent_id)
            self._run_or_raise(command)
            if command.category_id is not None:
                self.select_item("category", command.category_id)

        category = self.current_category()
        self.open_dialog(CategoryDialog(self.book, None, category.id if category else None,
                                        submit, self))

    def edit_clicked(self) -> None:
        """F2: the code's dialog, or a category's new name."""
        code = self.current_code()
        if code is not None:
            def submit(values: CodeValues) -> None:
                self._run_or_raise(UpdateCodeCommand(
                    self.host, code, values.name, values.definition, values.category_id,
                    values.colour, "interviews.command.edit_code"))

            self.open_dialog(CodeDialog(self.book, code, None, submit, self))
            return
        category = self.current_category()
        if category is not None:
            def rename(name: str, _parent: int | None) -> None:
                self._run_or_raise(RenameCategoryCommand(self.host, category, name))

            self.open_dialog(CategoryDialog(self.book, category, category.parent_id, rename,
                                            self))

    def colour_clicked(self) -> None:
        code = self.current_code()
        if code is None:
            return
        colour = self.ask_colour(code.colour)
        if colour and colour.upper() != code.colour.upper():
            self.run(UpdateCodeCommand(self.host, code, code.name, code.definition,
                                       code.category_id, colour,
                                       "interviews.command.colour_code"), True)

    def merge_clicked(self) -> None:
        """Ctrl+M: move the current code's codings onto another code and remove it."""
        code = self.current_code()
        if code is not None:
            self.merge(code)

    def merge(self, source: CodeInfo) -> bool:
        target = self.code(self.ask_merge_target(source))
        if target is None:
            return False
        command = MergeCodesCommand(self.host, self.study_id, source, target)
        if not self.run(command, True):
            return False
        self.select_item("code", target.id)
        moved = len(command.record.moved) + len(command.record.dropped) if command.record else 0
        self.status_message.emit(tr("interviews.codebook.merged", source=source.name,
                                    target=target.name, codings=moved))
        return True

    def delete_clicked(self) -> None:
        """Del: remove an unused code or an empty category; a code in use may be merged."""
        code = self.current_code()
        if code is not None:
            command = DeleteCodeCommand(self.host, self.study_id, code)
            if self.run(command, False):
                self.status_message.emit(tr("interviews.codebook.code_deleted", code=code.name))
                return
            error = command.refusal
            if isinstance(error, ValidationError) and error.key == "error.code_in_use":
                if self.ask_merge_instead(error.message):
                    self.merge(code)
            elif error is not None:
                error_dialog.show_error(self, error)
            return
        category = self.current_category()
        if category is not None:
            self.run(DeleteCategoryCommand(self.host, self.study_id, category), True)

    def export_clicked(self) -> None:
        """The codebook as a REFI-QDA file that ATLAS.ti, MAXQDA, NVivo and QualCoder read."""
        target = self.ask_export_path(self._folder / tr("interviews.codebook.export_name"))
        if target is None:
            return
        if target.suffix.lower() != ".qdc":
            target = target.with_name(target.name + ".qdc")
        self._folder = target.parent
        try:
            export_qdc(self.study_id, target)
        except BrugmeterError as error:
            error_dialog.show_error(self, error)
            return
        except OSError as error:
            error_dialog.show_error(self, ValidationError(
                "file", "error.transcript_unreadable", file=target.name,
                problem=error.strerror or str(error)))
            return
        self.status_message.emit(tr("interviews.codebook.exported", path=str(target),
                                    codes=len(self.book.codes)))

    def import_clicked(self) -> None:
        source = self.ask_import_path()
        if source is None:
            return
        self._folder = source.parent
        command = ImportCodebookCommand(self.host, self.study_id, source)
        if self.run(command, True) and command.count is not None:
            count = command.count
            self.status_message.emit(tr("interviews.codebook.imported", file=source.name,
                                        codes=count.codes, categories=count.categories,
                                        present=count.already_present))

    # asking the user (tests replace these) ------------------------------------------------
    def open_dialog(self, dialog: QDialog) -> None:
        dialog.exec()

    def ask_colour(self, current: str) -> str | None:
        return ask_colour(self, current)

    def ask_merge_target(self, source: CodeInfo) -> int | None:
        others = [code for code in self.book.codes if code.id != source.id]
        if not others:
            return None
        labels = [f"{code.name} — {self.book.path(code.category_id)}"
                  if code.category_id else code.name for code in others]
        label, ok = QInputDialog.getItem(
            self, tr("interviews.merge.title"), tr("interviews.merge.question", code=source.name),
            labels, 0, False)
        return others[labels.index(label)].id if ok and label in labels else None

    def ask_merge_instead(self, message: str) -> bool:
        answer = QMessageBox.question(
            self, tr("interviews.merge.title"),
            f"{message}\n\n{tr('interviews.merge.instead')}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def ask_export_path(self, suggestion: Path) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self, tr("interviews.codebook.export_title"),
                                              str(suggestion), tr("interviews.codebook.filter"))
        return Path(path) if path else None

    def ask_import_path(self) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(self, tr("interviews.codebook.import_title"),
                                              str(self._folder), tr("interviews.codebook.filter"))
        return Path(path) if path else None

