"""Start the desktop app: Qt set-up, logging, settings, the database and the study's window.

`Shell` carries out what replaces the main window (another database, the demo, a new study,
another language), so the window itself never reaches for a global application object.
"""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QObject, QSettings, QTranslator
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from desktop import i18n, paths
from desktop.i18n import tr
from desktop.models import pgpass
from desktop.models.database import is_url
from desktop.models.errors import BrugmeterError
from desktop.models.server import hide_password, is_server_url, url_without_password
from desktop.models.services import shell_support
from desktop.views import background, backup_dialogs, error_dialog, theme
from desktop.views.error_dialog import DatabaseChoice
from desktop.views.main_window import MainWindow, PageFactory, default_pages

log = logging.getLogger(__name__)

ORGANISATION = APPLICATION = "Brugmeter"
# UI preferences (study data lives in the database); each with its default where it is read.
SETTING_LANGUAGE = "language"  # default: i18n.DEFAULT_LANGUAGE
SETTING_DATABASE = "last_database"  # default: paths.default_database()
SETTING_STUDY = "last_study"  # default: the database's first study


def setup_logging() -> Path:
    """A rotating log file in the platform's log folder; set up once per process."""
    path = paths.log_dir() / "brugmeter.log"
    root = logging.getLogger()
    if not any(getattr(handler, "brugmeter", False) for handler in root.handlers):
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.brugmeter = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    return path


def make_settings() -> QSettings:
    return QSettings(ORGANISATION, APPLICATION)


class Shell(QObject):
    """Owns the current main window and the open database for one run of the app."""

    def __init__(self, settings: QSettings, page_factories: list[PageFactory] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.page_factories = page_factories
        self.window: MainWindow | None = None
        self.database: str | None = None
        self._translator: QTranslator | None = None
        self.backup_timer = backup_dialogs.hourly_backup_timer(self, lambda: self.window)

    # language ------------------------------------------------------------------------------
    def set_language(self, language: str | None) -> None:
        """Our catalogue and Qt's own texts (standard buttons, context menus) in one language."""
        if language not in i18n.LANGUAGES:
            language = i18n.DEFAULT_LANGUAGE
        i18n.set_language(language)
        self.settings.setValue(SETTING_LANGUAGE, language)
        app = QApplication.instance()
        if self._translator is not None:
            app.removeTranslator(self._translator)
        translator = QTranslator(self)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if translator.load(f"qtbase_{language}", folder):
            app.installTranslator(translator)
            self._translator = translator
        else:
            log.info("no Qt translation for %s in %s", language, folder)
            self._translator = None

    # database ------------------------------------------------------------------------------
    def ask_database_file(self, parent: QWidget | None) -> str | None:
        start = (str(Path(self.database).parent) if self.database and not is_url(self.database)
                 else str(paths.data_dir()))
        chosen, _ = QFileDialog.getOpenFileName(parent, tr("shell.open_database_title"), start,
                                                tr("shell.database_filter"))
        return chosen or None

    def ask_connection(self, parent: QWidget | None, current: str | None,
                       title: str | None = None) -> str | None:
        """The Database connection dialog: a file or a team's server. A password the user asks
        to remember goes to PostgreSQL's password file, never to our settings."""
        from desktop.views.connection_dialog import ConnectionDialog

        dialog = ConnectionDialog(current, parent)
        if title:
            dialog.setWindowTitle(title)
        if not dialog.exec():
            return None
        address = dialog.address()
        if address is not None and dialog.remember_password and address.password:
            try:
                pgpass.remember_password(address)
            except BrugmeterError as error:
                error_dialog.show_error(parent, error)
        return dialog.target()

    def _remember_database(self, target: str | Path) -> None:
        """The database to open next time; a server's URL without its password."""
        self.database = str(target)
        remembered = url_without_password(self.database) if is_server_url(
            self.database) else self.database
        self.settings.setValue(SETTING_DATABASE, remembered)

    def open_first(self, target: str | Path) -> bool:
        """Open a database at start-up; on failure the user picks another, the default or quits."""
        while True:
            try:
                shell_support.switch_database(target)
            except BrugmeterError as error:
                shown = hide_password(str(target)) if is_url(target) else target
                log.warning("cannot open database %s: %s", shown, error.key)
                choice = error_dialog.ask_database_choice(self.window, error)
                if choice is DatabaseChoice.QUIT:
                    return False
                if choice is DatabaseChoice.CREATE_DEFAULT:
                    target = paths.default_database()
                elif is_server_url(target):  # a server: its password or address to correct
                    target = self.ask_connection(self.window, str(target)) or target
                else:
                    target = self.ask_database_file(self.window) or target
                continue
            self._remember_database(target)
            return True

    def show_study(self, preferred: int | None = None) -> bool:
        """Show a study of the open database; an empty database gets the welcome dialog."""
        while True:
            study_id = shell_support.first_study_id(preferred)
            if study_id is not None:
                self.show_window(study_id)
                return True
            from desktop.views.welcome_dialog import WelcomeDialog  # first start only

            welcome = WelcomeDialog(self.window)
            if not welcome.exec():
                return False
            if welcome.opened_demo:
                self._remember_database(paths.demo_database())
            if welcome.wants_database:
                chosen = self.ask_database_file(self.window)
                if chosen and not self.open_first(chosen):
                    return False
            preferred = welcome.study_id

    # window --------------------------------------------------------------------------------
    def show_window(self, study_id: int) -> MainWindow:
        """A fresh window for a study; the old one (already asked) closes without asking."""
        old = self.window
        if old is not None:
            old.save_state()
        window = MainWindow(study_id, self.page_factories or default_pages(), self.settings)
        window.open_database_requested.connect(self.open_database)
        window.open_demo_requested.connect(self.open_demo)
        window.connection_requested.connect(self.open_connection)
        window.copy_study_requested.connect(self.copy_study)
        window.new_study_requested.connect(self.new_study)
        window.language_requested.connect(self.switch_language)
        window.study_requested.connect(self.open_study)
        window.restore_requested.connect(self.restore_backup)
        window.show()
        self.window = window
        self.settings.setValue(SETTING_STUDY, study_id)
        if old is not None:
            old.close_without_asking()
            old.deleteLater()
        return window

    def _may_switch_database(self, window: MainWindow) -> bool:
        """The page may be left and no background job still reads the open database: work of
        a page not shown (or not asked) is cancelled and waited for too."""
        if not window.may_leave():
            return False
        if not background.stop_all():
            window.show_status(tr("workbook_gui.still_stopping"))
            return False
        return True

    def open_database(self) -> None:
        window = self.window
        if window is None or not self._may_switch_database(window):
            return
        chosen = self.ask_database_file(window)
        if chosen:
            self._switch_to(window, chosen)

    def _switch_to(self, window: MainWindow, chosen: str) -> None:
        """Open another database and show a study of it; when it cannot be opened (the message
        says why) the open one stays."""
        previous = self.database
        try:
            shell_support.switch_database(chosen)
        except BrugmeterError as error:
            error_dialog.show_error(window, error)
            return
        self._remember_database(chosen)
        if not self.show_study() and previous:  # empty file and the user changed their mind
            shell_support.switch_database(previous)
            self._remember_database(previous)

    def restore_backup(self) -> None:
        """File → Restore…: the backup takes the closed database's place, which opens again."""
        window = self.window
        if window is None or not self.database or not self._may_switch_database(window):
            return
        message = backup_dialogs.restore_with_dialog(window, self.database)
        if message is None:
            return
        if not (self.open_first(self.database) and self.show_study(window.study_id)):
            window.close_without_asking()  # the user chose to quit
            return
        self.window.show_status(message)

    def open_connection(self) -> None:
        """File → Database connection…: open the file or server chosen, the study after."""
        window = self.window
        if window is None or not self._may_switch_database(window):
            return
        chosen = self.ask_connection(window, self.database)
        if chosen:
            self._switch_to(window, chosen)

    def copy_study(self) -> None:
        """File → Copy study to another database…: the open study into a file or a team's
        server, every table counted; the database open now stays open as it is."""
        window = self.window
        if window is None or self.database is None or not self._may_switch_database(window):
            return
        destination = self.ask_connection(window, None, tr("copy.title"))
        if not destination:
            return
        from desktop.views.study_copy_run import run_copy

        run_copy(window, self.database, destination, window.study_id)
        self._switch_to_same_database(window)

    def _switch_to_same_database(self, window: MainWindow) -> None:
        """Bind the models to the open database again after a job opened others."""
        try:
            shell_support.switch_database(self.database)
        except BrugmeterError as error:
            error_dialog.show_error(window, error)

    def open_demo(self) -> None:
        window = self.window
        if window is None or not self._may_switch_database(window):
            return
        from desktop.views.welcome_dialog import open_demo_study

        study_id = open_demo_study(window)
        if study_id is None:
            return
        self._remember_database(paths.demo_database())
        self.show_window(study_id)

    def new_study(self) -> None:
        window = self.window
        if window is None or not window.may_leave():
            return
        from desktop.views.study_dialog import StudyDialog

        dialog = StudyDialog(None, window)
        if dialog.exec() and dialog.study_id is not None:
            self.show_window(dialog.study_id)

    def open_study(self, study_id: int) -> None:
        """Show another study of the open database (one just imported), once the page may be
        left."""
        window = self.window
        if window is None or study_id == window.study_id or not window.may_leave():
            return
        self.show_window(study_id)

    def switch_language(self, language: str) -> None:
        """Rebuild the window in the other language, on the same study and page."""
        window = self.window
        if window is None or not window.may_leave():
            return
        self.set_language(language)
        self.show_window(window.study_id)


def start(db_target: str | None, language: str | None, settings: QSettings | None = None,
          page_factories: list[PageFactory] | None = None) -> Shell | None:
    """Everything run_app does before the event loop; None when the user chose to quit."""
    settings = settings or make_settings()
    shell = Shell(settings, page_factories)
    shell.set_language(language or settings.value(SETTING_LANGUAGE, i18n.DEFAULT_LANGUAGE))
    target: str | Path | None = db_target
    remembered = settings.value(SETTING_DATABASE)
    if target is None and remembered and (is_server_url(remembered)
                                          or Path(remembered).exists()):
        target = remembered
    target = target or paths.default_database()
    if not shell.open_first(target):
        return None
    preferred = settings.value(SETTING_STUDY) if shell.database == remembered else None
    if not shell.show_study(int(preferred) if preferred else None):
        return None
    return shell


def run_app(db_target: str | None = None, language: str | None = None, *,
            exit_when_shown: bool = False) -> int:
    """Open the desktop app; returns the process exit code.

    exit_when_shown returns as soon as the window is painted: the start-up benchmark's end point.
    """
    log_file = setup_logging()
    app = QApplication.instance() or QApplication(sys.argv)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    theme.apply_theme(app)
    sys.excepthook = error_dialog.excepthook
    log.info("starting Brugmeter; log file %s", log_file)
    shell = start(db_target, language)
    if shell is None:
        return 1
    if exit_when_shown:
        app.processEvents()
        return 0
    return app.exec()
