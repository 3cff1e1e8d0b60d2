"""The factsheet page: the researchers' texts and result sentences on the left, the factsheet's
pages on the right, and the PDF saved where the user wants it.

The factsheet's language and edition (whole study or one site) are chosen here, apart from the
app's language: a Dutch team may publish an English factsheet. Generating takes seconds on a
large study, so it runs off the GUI thread with a progress dialog that can cancel it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QStandardPaths, Qt, QTime, Slot
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop import i18n
from desktop.i18n import tr
from desktop.models.services import studies
from desktop.views import background, error_dialog, factsheet_worker, shortcuts, theme
from desktop.views.narratives_editor import NarrativesEditor, ask_confirm, language_name
from desktop.views.page import Page
from desktop.views.pdf_preview import PdfPreview
from desktop.views.sentences_editor import SentencesEditor
from desktop.views.widgets import add_shortcut, set_tab_chain

if TYPE_CHECKING:
    from reports.factsheet import FactsheetRequest, FactsheetResult

TEXTS_TAB, SENTENCES_TAB = range(2)
PROGRESS_DELAY_MS = 400  # a quicker job never flashes the progress dialog
LEAVE_WAIT_MS = 30_000  # how long leaving waits for a cancelled generation to stop
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')


def default_file_name(study: str, language: str, site: str | None) -> str:
    """"Factsheet Pilot Alphen - Leiden (nl).pdf": one name per edition, safe on every disk."""
    parts = [tr("factsheet_page.save.file_prefix"), study] + ([f"- {site}"] if site else [])
    name = _UNSAFE.sub("-", " ".join(parts)).strip(" .-") or "factsheet"
    return f"{name} ({language}).pdf"


class FactsheetPage(Page):
    """Write the factsheet's texts, check its sentences, look at it and save it as PDF."""

    TITLE_KEY = "factsheet_page.title"

    def __init__(self, study_id: int, parent: QWidget | None = None) -> None:
        super().__init__(study_id, parent)
        study = studies.get_study(study_id)
        self._job: factsheet_worker.Job | None = None
        self._progress: QProgressDialog | None = None
        self._target: Path | None = None  # where the running save writes
        self._error: Exception | None = None  # the running job's failure, shown when it ends
        self._focus_before: QWidget | None = None  # the keyboard's place when the job started
        self._folder = Path(QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or Path.home())
        self._pending: tuple[str, int | None] | None = None  # the edition being previewed
        self._previewed: tuple[str, int | None] | None = None  # the edition shown
        self._previewed_at = ""
        self._outdated = False  # texts saved since the preview
        self.language_combo = QComboBox()
        for code in i18n.LANGUAGES:
            self.language_combo.addItem(language_name(code), code)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(study.language)))
        self.language_combo.setToolTip(tr("factsheet_page.language_tip"))
        self.edition_combo = QComboBox()
        self.edition_combo.setToolTip(tr("factsheet_page.edition_tip"))
        self._fill_editions(study)
        self.preview_button = QPushButton(tr("factsheet_page.preview"))
        self.preview_button.setToolTip(shortcuts.with_shortcut(tr("factsheet_page.preview_tip"),
                                                               shortcuts.PREVIEW_FACTSHEET))
        self.save_button = QPushButton(tr("factsheet_page.save"))
        self.save_button.setToolTip(shortcuts.with_shortcut(tr("factsheet_page.save_tip"),
                                                            shortcuts.SAVE_FACTSHEET))
        language = self.language()
        self.narratives = NarrativesEditor(study_id, language)
        self.sentences = SentencesEditor(study_id, language, self.site_id())
        self.tabs = QTabWidget()
        self.tabs.addTab(self.narratives, tr("factsheet_page.tab.texts"))
        self.tabs.addTab(self.sentences, tr("factsheet_page.tab.sentences"))
        self.preview = PdfPreview()
        self.preview.show_message(tr("factsheet_page.preview.none",
                                     key=shortcuts.shortcut_text(shortcuts.PREVIEW_FACTSHEET)))
        self.preview_state = QLabel()
        self.preview_state.setWordWrap(True)
        self.zoom_out_button = self._tool_button("−", "factsheet_page.zoom_out", shortcuts.ZOOM_OUT)
        self.zoom_in_button = self._tool_button("+", "factsheet_page.zoom_in", shortcuts.ZOOM_IN)
        self.zoom_fit_button = self._tool_button(tr("factsheet_page.zoom_fit"),
                                                 "factsheet_page.zoom_fit_tip", shortcuts.ZOOM_FIT)
        self.zoom_label = QLabel()
        self.zoom_label.setMinimumWidth(44)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.warnings_label = QLabel()
        self.warnings = QListWidget()
        self.warnings.setWordWrap(True)
        self.warnings_label.setBuddy(self.warnings)
        self._build_layout()
        self._wire()
        self._show_warnings(None)
        self._show_zoom()
        self._show_preview_state()

    def _tool_button(self, text: str, tip_key: str, key: shortcuts.Shortcut) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(shortcuts.with_shortcut(tr(tip_key), key))
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # reachable by Tab too
        return button

    def _fill_editions(self, study: studies.StudyInfo) -> None:
        current = self.edition_combo.currentData() if self.edition_combo.count() else None
        self.edition_combo.blockSignals(True)
        self.edition_combo.clear()
        self.edition_combo.addItem(tr("factsheet_page.edition.study"), None)
        for site in study.sites:
            self.edition_combo.addItem(tr("factsheet_page.edition.site", site=site.name), site.id)
        self.edition_combo.setCurrentIndex(max(0, self.edition_combo.findData(current)))
        self.edition_combo.blockSignals(False)

    def _build_layout(self) -> None:
        bar = QHBoxLayout()
        bar.setSpacing(theme.SPACING)
        language_label = QLabel(tr("factsheet_page.language"))
        language_label.setBuddy(self.language_combo)
        edition_label = QLabel(tr("factsheet_page.edition"))
        edition_label.setBuddy(self.edition_combo)
        bar.addWidget(language_label)
        bar.addWidget(self.language_combo)
        bar.addSpacing(theme.SPACING_LARGE)
        bar.addWidget(edition_label)
        bar.addWidget(self.edition_combo)
        bar.addStretch(1)
        bar.addWidget(self.preview_button)
        bar.addWidget(self.save_button)
        zoom = QHBoxLayout()
        zoom.setSpacing(theme.SPACING_SMALL)
        zoom.addWidget(self.preview_state, 1)
        for widget in (self.zoom_out_button, self.zoom_label, self.zoom_in_button,
                       self.zoom_fit_button):
            zoom.addWidget(widget)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(theme.SPACING, 0, 0, 0)
        right_layout.setSpacing(theme.SPACING_SMALL)
        right_layout.addLayout(zoom)
        right_layout.addWidget(self.preview, 1)
        right_layout.addWidget(self.warnings_label)
        right_layout.addWidget(self.warnings)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("factsheet_splitter")
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([460, 440])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(theme.MARGIN, theme.MARGIN, theme.MARGIN, theme.MARGIN)
        layout.setSpacing(theme.SPACING)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        narratives, sentences = self.narratives, self.sentences
        set_tab_chain([
            self.language_combo, self.edition_combo, self.preview_button, self.save_button,
            self.tabs.tabBar(), narratives.sections, narratives.text, narratives.save_button,
            narratives.reset_button, sentences.table, sentences.text, sentences.save_button,
            sentences.reset_button, self.preview, self.zoom_out_button, self.zoom_in_button,
            self.zoom_fit_button, self.warnings])

    def _wire(self) -> None:
        self.language_combo.currentIndexChanged.connect(self._language_chosen)
        self.edition_combo.currentIndexChanged.connect(self._edition_chosen)
        self.preview_button.clicked.connect(self.generate_preview)
        self.save_button.clicked.connect(self.save_pdf)
        self.tabs.currentChanged.connect(self._tab_shown)
        self.narratives.saved.connect(self._texts_changed)
        self.sentences.saved.connect(self._texts_changed)
        self.zoom_in_button.clicked.connect(self.preview.zoom_in)
        self.zoom_out_button.clicked.connect(self.preview.zoom_out)
        self.zoom_fit_button.clicked.connect(self.preview.zoom_fit)
        self.preview.zoom_changed.connect(self._show_zoom)
        add_shortcut(self, shortcuts.PREVIEW_FACTSHEET, self.generate_preview)
        add_shortcut(self, shortcuts.SAVE_FACTSHEET, self.save_pdf)
        for key in (shortcuts.ZOOM_IN, shortcuts.ZOOM_IN_ALSO):
            add_shortcut(self, key, self.preview.zoom_in)
        add_shortcut(self, shortcuts.ZOOM_OUT, self.preview.zoom_out)
        add_shortcut(self, shortcuts.ZOOM_FIT, self.preview.zoom_fit)

    # choices -----------------------------------------------------------------------------
    def language(self) -> str:
        return self.language_combo.currentData()

    def site_id(self) -> int | None:
        return self.edition_combo.currentData()

    def request(self) -> FactsheetRequest:
        from reports.factsheet import FactsheetRequest

        return FactsheetRequest(self.study_id, self.language(), self.site_id())

    def _language_chosen(self, _index: int) -> None:
        language = self.language()
        if language == self.narratives.language:
            return
        if not self.confirm_discard():
            self._set_combo(self.language_combo, self.narratives.language)
            return
        self.narratives.set_language(language)
        self.sentences.set_edition(language, self.site_id())
        self._show_preview_state()

    def _edition_chosen(self, _index: int) -> None:
        site_id = self.site_id()
        if site_id == self.sentences.site_id:
            return
        if not self.sentences.confirm_discard():
            self._set_combo(self.edition_combo, self.sentences.site_id)
            return
        self.sentences.set_edition(self.language(), site_id)
        self._show_preview_state()

    @staticmethod
    def _set_combo(combo: QComboBox, value: object) -> None:
        combo.blockSignals(True)
        combo.setCurrentIndex(max(0, combo.findData(value)))
        combo.blockSignals(False)

    def _tab_shown(self, index: int) -> None:
        if index == SENTENCES_TAB:
            self.sentences.load_if_needed()

    def _texts_changed(self, message: str) -> None:
        self._outdated = True
        self._show_preview_state()
        self.status_message.emit(message)

    # generating --------------------------------------------------------------------------
    def is_busy(self) -> bool:
        return self._job is not None

    def generate_preview(self) -> None:
        """Generate the chosen edition to a temporary file and show its pages (F5)."""
        if self.is_busy():
            return
        request = self.request()
        job = factsheet_worker.preview_job(request, self.preview.scale_function())
        job.succeeded.connect(self._preview_ready)
        self._pending = (request.language, request.site_id)
        self._start(job, tr("factsheet_page.progress.preview"))

    def save_pdf(self) -> None:
        """Ask where, then write the chosen edition there (Ctrl+Shift+S)."""
        if self.is_busy():
            return
        study = studies.get_study(self.study_id)
        site = next((s.name for s in study.sites if s.id == self.site_id()), None)
        chosen = self.ask_target(self._folder / default_file_name(study.name, self.language(),
                                                                   site))
        if chosen is None:
            return
        target = chosen
        if target.suffix.lower() != ".pdf":  # "rapport.v2": the dialog added no suffix
            target = target.with_name(target.name + ".pdf")
            if target.exists() and not self.confirm_replace(target):
                return  # the dialog asked about the name typed, not about this one
        self._folder = target.parent
        self._target = target
        job = factsheet_worker.save_job(self.request(), target)
        job.succeeded.connect(self._saved)
        self._start(job, tr("factsheet_page.progress.save", file=target.name))

    def ask_target(self, suggestion: Path) -> Path | None:
        """The file to write, asked with the platform's dialog (tests replace this)."""
        dialog = self.target_dialog(suggestion)
        try:
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
            files = dialog.selectedFiles()
        finally:
            dialog.deleteLater()
        return Path(files[0]) if accepted and files else None

    def target_dialog(self, suggestion: Path) -> QFileDialog:
        """The save dialog: it adds ".pdf" to a name typed without it before it checks whether
        the file exists, so replacing an existing PDF is asked about under its real name."""
        dialog = QFileDialog(self, tr("factsheet_page.save.title"), str(suggestion.parent),
                             tr("factsheet_page.save.filter"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setDefaultSuffix("pdf")
        dialog.selectFile(str(suggestion))
        return dialog

    def confirm_replace(self, target: Path) -> bool:
        """The question before an existing file is written over (tests replace this)."""
        return ask_confirm(self, tr("factsheet_page.save.title"),
                           tr("factsheet_page.save.replace_question", file=target.name),
                           tr("factsheet_page.save.replace"))

    def _start(self, job: factsheet_worker.Job, label: str) -> None:
        job.progressed.connect(self._progressed)
        job.failed.connect(self._failed)
        job.cancelled.connect(self._cancelled)
        job.finished.connect(self._finished)
        dialog = background.progress_dialog(
            self, label, tr("factsheet_page.progress.title"),
            tr("factsheet_page.progress.cancel"), PROGRESS_DELAY_MS, self.cancel_generation)
        self._focus_before = QApplication.focusWidget()
        self._progress = dialog
        self._error = None
        self._job = job
        self._set_busy(True)
        job.start()

    def cancel_generation(self) -> None:
        """Stop the running generation; nothing is written (the Cancel button, Escape)."""
        if self._job is not None:
            self._job.cancel()
            if self._progress is not None:
                self._progress.setLabelText(tr("factsheet_page.progress.stopping"))

    def _set_busy(self, busy: bool) -> None:
        self.preview_button.setEnabled(not busy)
        self.save_button.setEnabled(not busy)

    @Slot(int, int)
    def _progressed(self, done: int, total: int) -> None:
        if self.sender() is self._job and self._progress is not None:
            background.show_progress(self._progress, done, total)

    @Slot(object)
    def _preview_ready(self, preview: factsheet_worker.Preview) -> None:
        if self.sender() is not self._job:
            return
        self.preview.set_document(preview.pdf, preview.pages)
        self._previewed = self._pending
        self._outdated = False
        self._previewed_at = QTime.currentTime().toString("HH:mm")
        self._show_zoom()
        self._show_warnings(preview.result)
        self._show_preview_state()
        self.status_message.emit(tr("factsheet_page.preview.done", pages=preview.result.pages,
                                    warnings=len(preview.result.warnings)))

    @Slot(object)
    def _saved(self, result: FactsheetResult) -> None:
        if self.sender() is not self._job:
            return
        self._show_warnings(result)
        self.status_message.emit(tr("factsheet_page.save.done", path=str(result.path),
                                    pages=result.pages))

    @Slot(object)
    def _failed(self, error: Exception) -> None:
        if self.sender() is self._job:
            self._error = error  # shown once the page is idle again (_finished)

    @Slot()
    def _cancelled(self) -> None:
        if self.sender() is not self._job:
            return
        self.status_message.emit(tr("factsheet_page.save.cancelled" if self._target is not None
                                    else "factsheet_page.preview.cancelled"))

    @Slot()
    def _finished(self) -> None:
        if self.sender() is not self._job:
            return
        error, self._error = self._error, None
        self._job = None
        self._target = None
        self._set_busy(False)  # first: the keyboard may go back to the Preview button
        self._close_progress()
        if error is not None:
            error_dialog.show_error(self, error)

    def _close_progress(self) -> None:
        dialog, self._progress = self._progress, None
        widget, self._focus_before = self._focus_before, None
        background.close_progress(dialog, self.window(), widget, self.cancel_generation)

    # what the preview shows --------------------------------------------------------------
    def _show_zoom(self) -> None:
        self.zoom_label.setText(f"{self.preview.zoom_percent()}%")
        self.zoom_fit_button.setEnabled(not self.preview.is_fitted())

    def _show_warnings(self, result: FactsheetResult | None) -> None:
        self.warnings.clear()
        found = list(result.warnings) if result is not None else []
        self.warnings.addItems(found)
        self.warnings.setVisible(bool(found))
        if found:  # as high as its lines, up to four; the preview keeps the rest
            rows = sum(self.warnings.sizeHintForRow(row) for row in range(min(len(found), 4)))
            self.warnings.setFixedHeight(rows + 2 * self.warnings.frameWidth() + 2)
        if result is None:
            self.warnings_label.setText("")
        elif found:
            self.warnings_label.setText(tr("factsheet_page.warnings", count=len(found)))
        else:
            self.warnings_label.setText(tr("factsheet_page.warnings_none"))
        self.warnings_label.setVisible(result is not None)

    def _show_preview_state(self) -> None:
        """Whether the pages shown are those of the chosen edition and the texts as saved."""
        if self._previewed is None:
            self.preview_state.setText("")
            return
        current = (self.language(), self.site_id())
        if current != self._previewed or self._outdated:
            self.preview_state.setText(tr(
                "factsheet_page.preview.outdated",
                key=shortcuts.shortcut_text(shortcuts.PREVIEW_FACTSHEET)))
            self.preview_state.setStyleSheet(f"color: {theme.ACCENT};")
        else:
            self.preview_state.setText(tr("factsheet_page.preview.current",
                                          time=self._previewed_at))
            self.preview_state.setStyleSheet(f"color: {theme.GREY_700};")

    # page --------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Sites may have changed in the study dialog, texts elsewhere, figures by entry."""
        self._fill_editions(studies.get_study(self.study_id))
        if self.site_id() != self.sentences.site_id and not self.sentences.has_unsaved_changes():
            self.sentences.set_edition(self.language(), self.site_id())
        self.narratives.reload()
        self.sentences.invalidate()
        if self.tabs.currentIndex() == SENTENCES_TAB:
            self.sentences.load_if_needed()

    def confirm_discard(self) -> bool:
        """True when both editors may be left (each asks about its own typed text)."""
        return self.narratives.confirm_discard() and self.sentences.confirm_discard()

    def confirm_leave(self) -> bool:
        """Leaving may be followed by another database being opened, or by quitting: a job
        must not read on meanwhile, so what runs is cancelled and waited for (its last
        signals still arrive; a stopped save says so in the status bar)."""
        if not self.confirm_discard():
            return False
        if not factsheet_worker.stop_all(LEAVE_WAIT_MS):
            self.status_message.emit(tr("factsheet_page.still_stopping"))
            return False
        return True
