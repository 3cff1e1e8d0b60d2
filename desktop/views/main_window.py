"""The main window of one study: navigation on the left, the chosen page on the right.

Pages plug in as factories (`Callable[[int], Page]`), so each page module stays independent.
Actions that replace the window (another database, the demo, a new study, another language)
are only announced as signals; the application shell (desktop/app.py) carries them out.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QSettings, Qt, QTime, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from desktop import i18n
from desktop.i18n import tr
from desktop.models.audit import current_user
from desktop.models.services import studies
from desktop.views import shortcuts, theme
from desktop.views.lead_only import restrict_window
from desktop.views.overview_page import OverviewPage
from desktop.views.page import Page

if TYPE_CHECKING:
    from desktop.views.workbook_dialogs import WorkbookActions

log = logging.getLogger(__name__)

class PageFactory(Protocol):
    """A Page class, or anything else that names its page and builds it for a study."""

    def page_title(self) -> str: ...

    def __call__(self, study_id: int) -> Page: ...


@dataclass(frozen=True)
class LazyPage:
    """A page whose module is imported only when the user first opens it (fast start-up)."""

    module: str
    class_name: str
    title_key: str

    def page_title(self) -> str:
        return tr(self.title_key)

    def __call__(self, study_id: int) -> Page:
        return getattr(importlib.import_module(self.module), self.class_name)(study_id)


def default_pages() -> list[PageFactory]:
    """The navigation, in order: overview, participants, Bridge and questionnaire entry,
    professionals, interviews, the factsheet."""
    return [
        OverviewPage,
        LazyPage("desktop.views.participants_page", "ParticipantsPage",
                 "entry.participants.title"),
        LazyPage("desktop.views.bridge_page", "BridgePage", "entry.bridge.title"),
        LazyPage("desktop.views.questionnaire_page", "QuestionnairePage",
                 "entry.questionnaire.title"),
        LazyPage("desktop.views.professionals_page", "ProfessionalsPage",
                 "entry.professionals.title"),
        LazyPage("desktop.views.interviews_page", "InterviewsPage", "interviews.title"),
        LazyPage("desktop.views.factsheet_page", "FactsheetPage", "factsheet_page.title"),
    ]


class MainWindow(QMainWindow):
    """One study's window; remembers its geometry and splitter in the given settings."""

    open_database_requested = Signal()
    open_demo_requested = Signal()
    connection_requested = Signal()  # File → Database connection…: a file or a team's server
    copy_study_requested = Signal()  # File → Copy study to another database…
    new_study_requested = Signal()
    language_requested = Signal(str)
    study_requested = Signal(int)  # show another study of the open database (e.g. imported)
    restore_requested = Signal()  # File → Restore…: the database is closed, replaced, reopened

    def __init__(self, study_id: int, page_factories: list[PageFactory],
                 settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.study_id = study_id
        self.settings = settings
        self._closing_without_asking = False
        self.navigation = QListWidget()
        self.navigation.setMinimumWidth(theme.NAVIGATION_WIDTH - 40)
        self.navigation.setStyleSheet(theme.navigation_style())
        self.stack = QStackedWidget()
        self._factories = list(page_factories)
        self._pages: dict[int, Page] = {}
        for factory in self._factories:
            self.stack.addWidget(QWidget())  # a placeholder until the page is first shown
            self.navigation.addItem(factory.page_title())
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.navigation)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([theme.NAVIGATION_WIDTH, 820])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        self.status_label = QLabel()
        self.statusBar().addWidget(self.status_label, 1)
        self.actions: dict[str, QAction] = {}
        self._workbook: WorkbookActions | None = None  # made when first used
        self._build_menus()
        self.navigation.currentRowChanged.connect(self._navigate)
        self.update_title()
        self.resize(1100, 720)
        self._restore_state()

    # menus ---------------------------------------------------------------------------------
    def _action(self, name: str, slot: Callable[[], object],
                shortcut: shortcuts.Shortcut | None = None, key: str | None = None) -> QAction:
        action = QAction(tr(key or f"shell.action.{name}"), self)
        if shortcut is not None:
            action.setShortcut(shortcut)
            action.setToolTip(shortcuts.with_shortcut(action.text().replace("&", ""), shortcut))
        action.triggered.connect(slot)
        self.actions[name] = action
        self.addAction(action)  # shortcuts work even when the menu bar is hidden
        return action

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(tr("shell.menu.file"))
        file_menu.addAction(self._action("new_study", self.new_study_requested.emit))
        file_menu.addAction(self._action("edit_study", self.edit_study))
        file_menu.addSeparator()
        file_menu.addAction(self._action("open_database", self.open_database_requested.emit,
                                         shortcuts.OPEN))
        file_menu.addAction(self._action("open_demo", self.open_demo_requested.emit))
        file_menu.addAction(self._action("connection", self.connection_requested.emit,
                                         key="team.action.connection"))
        file_menu.addAction(self._action("copy_study", self.copy_study_requested.emit,
                                         key="copy.menu"))
        file_menu.addSeparator()
        file_menu.addAction(self._action("export_workbook", self.export_workbook,
                                         shortcuts.EXPORT_WORKBOOK,
                                         "workbook_gui.action.export"))
        file_menu.addAction(self._action("import_workbook", self.import_workbook,
                                         shortcuts.IMPORT_WORKBOOK,
                                         "workbook_gui.action.import"))
        file_menu.addAction(self._action("write_template", self.write_template,
                                         key="workbook_gui.action.template"))
        file_menu.addSeparator()
        file_menu.addAction(self._action("backup_now", self.back_up_now,
                                         key="backup_gui.action.backup_now"))
        file_menu.addAction(self._action("restore_backup", self.restore_requested.emit,
                                         key="backup_gui.action.restore"))
        file_menu.addAction(self._action("backup_folder", self.choose_backup_folder,
                                         key="backup_gui.action.folder"))
        file_menu.addSeparator()
        file_menu.addAction(self._action("quit", self.close, shortcuts.QUIT))

        view_menu = self.menuBar().addMenu(tr("shell.menu.view"))
        for index, factory in enumerate(self._factories):
            action = QAction(factory.page_title(), self)
            if index < len(shortcuts.GO_TO_PAGE):
                action.setShortcut(shortcuts.GO_TO_PAGE[index])
            action.triggered.connect(lambda _=False, i=index: self.show_page(i))
            self.addAction(action)
            self.actions[f"page_{index + 1}"] = action
            view_menu.addAction(action)
        view_menu.addSeparator()
        language_menu = view_menu.addMenu(tr("shell.menu.language"))
        group = QActionGroup(self)
        for code in i18n.LANGUAGES:
            action = self._action(f"language_{code}",
                                  lambda _=False, c=code: self._request_language(c))
            action.setCheckable(True)
            action.setChecked(code == i18n.language())
            group.addAction(action)
            language_menu.addAction(action)

        tools_menu = self.menuBar().addMenu(tr("quality.menu.tools"))
        tools_menu.addAction(self._action("data_quality", self.show_data_quality,
                                          shortcuts.DATA_QUALITY, "quality.action.open"))
        tools_menu.addAction(self._action("audit_trail", self.show_audit_trail,
                                          shortcuts.AUDIT_TRAIL, "audit.action.open"))
        tools_menu.addAction(self._action("users", self.show_users, key="users.action.users"))
        tools_menu.addAction(self._action("deleted_records", self.show_deleted_records,
                                          key="users.action.deleted"))

        help_menu = self.menuBar().addMenu(tr("shell.menu.help"))
        help_menu.addAction(self._action("about", self.show_about))
        restrict_window(self.actions)  # a lead's actions greyed out for an assistant

    # pages ---------------------------------------------------------------------------------
    def page(self, index: int) -> Page:
        """The page at a navigation index, built on first use."""
        page = self._pages.get(index)
        if page is None:
            page = self._factories[index](self.study_id)
            page.status_message.connect(self.show_status)
            current = self.stack.currentIndex()
            placeholder = self.stack.widget(index)
            self.stack.insertWidget(index, page)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self.stack.setCurrentIndex(current)
            self._pages[index] = page
        return page

    def current_page(self) -> Page | None:
        page = self.stack.currentWidget()
        return page if isinstance(page, Page) else None

    def may_leave(self) -> bool:
        """Ask the current page whether it can be left (it may ask the user)."""
        page = self.current_page()
        return page is None or page.confirm_leave()

    def show_page(self, index: int) -> bool:
        """Switch to a page; False when the current page wants to stay."""
        if not 0 <= index < len(self._factories):
            return False
        self.navigation.setCurrentRow(index)
        return self.stack.currentIndex() == index

    def show_page_of(self, class_name: str) -> Page | None:
        """Show the page made by the class of this name (e.g. "BridgePage") and return it; None
        when the window has no such page or the current page wants to stay."""
        for index, factory in enumerate(self._factories):
            if getattr(factory, "class_name", getattr(factory, "__name__", "")) == class_name:
                return self.page(index) if self.show_page(index) else None
        return None

    def _navigate(self, row: int) -> None:
        current = self.stack.currentIndex()
        if row < 0 or row == current:
            return
        if not self.may_leave():
            self.navigation.blockSignals(True)
            self.navigation.setCurrentRow(current)
            self.navigation.blockSignals(False)
            return
        page = self.page(row)
        self.stack.setCurrentIndex(row)
        page.refresh()

    def show_status(self, message: str) -> None:
        """A page's message, stamped with the time so the user knows how recent it is."""
        time = QTime.currentTime().toString("HH:mm")
        self.status_label.setText(tr("shell.status", time=time, message=message))

    # study ---------------------------------------------------------------------------------
    def update_title(self) -> None:
        study = studies.get_study(self.study_id)
        self.setWindowTitle(tr("shell.window_title", study=study.name, user=current_user()))

    def show_users(self) -> None:
        from desktop.views.users_dialog import show_users  # loaded when first needed

        show_users(self, self.actions)

    def show_deleted_records(self) -> None:
        from desktop.views.deleted_records import show_deleted_records  # when first needed

        show_deleted_records(self, self.study_id,
                             lambda message: (self.show_status(message), self.data_changed()))

    def edit_study(self) -> None:
        if not self.may_leave():
            return
        from desktop.views.study_dialog import StudyDialog  # loaded when first needed

        dialog = StudyDialog(self.study_id, self)
        if dialog.exec():
            self.update_title()
            self.show_status(tr("shell.study_saved", name=studies.get_study(self.study_id).name))
            page = self.current_page()
            if page is not None:
                page.refresh()

    def data_changed(self) -> None:
        """The study's data changed behind the pages' back (an import): the page shown reloads
        now, the others as they are shown (the window refreshes a page on every visit)."""
        self.update_title()
        page = self.current_page()
        if page is not None:
            page.refresh()

    # the workbook --------------------------------------------------------------------------
    def workbook_actions(self) -> WorkbookActions:
        if self._workbook is None:
            from desktop.views.workbook_dialogs import WorkbookActions  # when first needed

            self._workbook = WorkbookActions(self)
        return self._workbook

    def export_workbook(self) -> None:
        """The study's Excel workbook (and SPSS files), written off the GUI thread."""
        self.workbook_actions().export_workbook()

    def import_workbook(self) -> None:
        """A workbook into the database, with a report of what was taken or refused."""
        self.workbook_actions().import_workbook()

    def write_template(self) -> None:
        """The study's empty workbook, to fill in and import."""
        self.workbook_actions().write_template()

    # backups -------------------------------------------------------------------------------
    def back_up_now(self) -> None:
        """A backup of the database now, in the backup folder; says where it went."""
        from desktop.views import backup_dialogs  # when first needed

        backup_dialogs.back_up_now(self)

    def choose_backup_folder(self) -> None:
        """Where the backups go: a folder chooser, or the default beside the database."""
        from desktop.views import backup_dialogs

        backup_dialogs.choose_backup_folder(self)

    def show_data_quality(self) -> None:
        """The Data quality window (one per main window), its checks run afresh."""
        from desktop.views.quality_window import QualityWindow  # when first needed

        window = self.findChild(QualityWindow) or QualityWindow(self)
        window.show()
        window.raise_()
        window.activateWindow()
        window.refresh()

    def show_audit_trail(self, code: str | None = None) -> None:
        """The Audit trail window (one per main window), narrowed to a participant if given."""
        from desktop.views.audit_window import open_audit_window  # when first needed

        open_audit_window(self, self.study_id, code)

    def _request_language(self, code: str) -> None:
        if code != i18n.language():
            self.language_requested.emit(code)
        self.actions[f"language_{i18n.language()}"].setChecked(True)

    def show_about(self) -> None:
        QMessageBox.about(self, tr("shell.about_title"), tr("shell.about_text"))

    # state ---------------------------------------------------------------------------------
    def _restore_state(self) -> None:
        """Last geometry, splitter and page; the first page is refreshed as it is shown."""
        index = 0
        if self.settings is not None:
            index = int(self.settings.value("main_window/page", 0) or 0)
        index = index if 0 <= index < len(self._factories) else 0
        if self._factories:
            page = self.page(index)
            self.stack.setCurrentIndex(index)
            self.navigation.blockSignals(True)
            self.navigation.setCurrentRow(index)
            self.navigation.blockSignals(False)
            page.refresh()
        if self.settings is None:
            return
        geometry = self.settings.value("main_window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        splitter = self.settings.value("main_window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)

    def save_state(self) -> None:
        if self.settings is None:
            return
        self.settings.setValue("main_window/geometry", self.saveGeometry())
        self.settings.setValue("main_window/splitter", self.splitter.saveState())
        self.settings.setValue("main_window/page", self.stack.currentIndex())

    def close_without_asking(self) -> None:
        """Close after the caller has already asked the page (e.g. to rebuild the window)."""
        self._closing_without_asking = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closing_without_asking and not self.may_leave():
            event.ignore()
            return
        self.save_state()
        event.accept()
