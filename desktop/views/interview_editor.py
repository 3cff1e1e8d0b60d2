"""The interview's details: who was interviewed (a participant's or professional's code), when
and by whom, and for a new interview its transcript, pasted or read from a .txt or .docx file
by the service. A file the service cannot read is refused with its message and nothing is
stored; what was typed stays, and leaving with unsaved details asks first."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import tr
from desktop.models.errors import BrugmeterError, NotFoundError, ValidationError
from desktop.models.services import interviews, participants, professionals
from desktop.models.services.interviews import InterviewInput, InterviewRecord
from desktop.views import error_dialog, shortcuts, theme
from desktop.views.conflict_dialog import save_resolving_conflicts
from desktop.views.interview_table_model import format_count
from desktop.views.lead_only import restrict
from desktop.views.widgets import (
    DateLineEdit,
    FieldErrors,
    add_save_shortcuts,
    ask_discard,
    field_grid,
    set_tab_chain,
)

KINDS = ("participant", "professional")


def _completer(parent: QWidget) -> QCompleter:
    """Suggestions that contain what was typed, in any case (codes are typed in part)."""
    completer = QCompleter(QStringListModel(parent), parent)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    return completer


class InterviewEditor(QWidget):
    """Add an interview or change one's details; `saved(id, message)` after a save. Delete is
    the page's (`delete_requested`): it knows the codings and the undo history."""

    saved = Signal(int, str)
    delete_requested = Signal()
    FIELDS = ("kind", "subject", "held_on", "interviewer", "transcript")

    def __init__(self, study_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.study_id = study_id
        self._record: InterviewRecord | None = None
        self._file: Path | None = None
        self._code_lists: dict[str, list[str]] = {kind: [] for kind in KINDS}  # suggestions
        self._snapshot: tuple[object, ...] = ()
        self._folder = Path(QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or Path.home())
        self.heading = QLabel()
        self.heading.setStyleSheet(theme.heading_style())
        self.kind = QComboBox()
        for kind in KINDS:
            self.kind.addItem(tr(f"interviews.editor.kind.{kind}"), kind)
        self.subject = QLineEdit()
        self.subject.setMaxLength(40)
        self.subject.setPlaceholderText(tr("interviews.editor.subject_placeholder"))
        self.subject.setCompleter(_completer(self.subject))
        self.held_on = DateLineEdit()
        self.interviewer = QLineEdit()
        self.interviewer.setMaxLength(100)
        self.interviewer.setCompleter(_completer(self.interviewer))
        self.transcript = QPlainTextEdit()
        self.transcript.setTabChangesFocus(True)
        self.transcript.setPlaceholderText(tr("interviews.editor.transcript_placeholder"))
        self.transcript.setMinimumHeight(80)
        self.file_label = QLabel()
        self.file_label.setWordWrap(True)
        self.clear_file_button = QToolButton()
        self.clear_file_button.setText("✕")
        self.clear_file_button.setToolTip(tr("interviews.editor.clear_file_tip"))
        self.import_button = QPushButton(tr("interviews.editor.from_file"))
        self.import_button.setToolTip(shortcuts.with_shortcut(
            tr("interviews.editor.from_file_tip"), shortcuts.IMPORT_TRANSCRIPT))
        self.source = QLabel()  # an existing interview: where its transcript came from
        self.source.setWordWrap(True)
        self.source.setStyleSheet(f"color: {theme.GREY_700};")
        self.transcript_box = QWidget()
        self.transcript_box.setFocusProxy(self.transcript)
        self.save_button = QPushButton(tr("entry.save"))
        self.save_button.setToolTip(shortcuts.with_shortcut(tr("interviews.editor.save_tip"),
                                                            shortcuts.SAVE))
        self.save_button.setAutoDefault(True)
        self.delete_button = QPushButton(tr("interviews.editor.delete"))
        self.delete_button.setToolTip(tr("interviews.editor.delete_tip"))
        restrict(self.delete_button)  # deleting: a lead's task
        self.errors = FieldErrors(self.FIELDS)
        self._build_layout()
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.save_button.clicked.connect(self._save_slot)
        self.import_button.clicked.connect(self.import_file)
        self.clear_file_button.clicked.connect(self._clear_file)
        self.delete_button.clicked.connect(self.delete_requested.emit)
        for edit in (self.subject, self.interviewer):
            edit.returnPressed.connect(self._save_slot)
        self.held_on.confirmed.connect(self._save_slot)
        add_save_shortcuts(self, self._save_slot)
        self.new_interview()

    def _build_layout(self) -> None:
        file_row = QHBoxLayout()
        file_row.setContentsMargins(0, 0, 0, 0)
        file_row.addWidget(self.file_label, 1)
        file_row.addWidget(self.clear_file_button)
        file_row.addWidget(self.import_button)
        box = QVBoxLayout(self.transcript_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(theme.SPACING_SMALL)
        box.addWidget(self.transcript, 1)
        box.addWidget(self.source)
        box.addLayout(file_row)
        grid = field_grid(self.FIELDS, self.field_widget, "interviews.editor", self.errors,
                          self.subject.sizeHint().height())
        grid.setVerticalSpacing(theme.SPACING_SMALL)
        grid.setRowStretch(len(self.FIELDS) - 1, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, theme.SPACING, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(grid, 1)
        layout.addLayout(buttons)
        set_tab_chain([self.kind, self.subject, self.held_on, self.interviewer, self.transcript,
                       self.import_button, self.save_button, self.delete_button])

    def field_widget(self, name: str) -> QWidget:
        """The input a ValidationError's field refers to."""
        return {"kind": self.kind, "subject": self.subject, "held_on": self.held_on,
                "interviewer": self.interviewer, "transcript": self.transcript_box}[name]

    def _save_slot(self) -> None:
        """Slots return nothing: a value handed back to Qt trips a PySide6 refcount bug."""
        self.save()

    # the study's people --------------------------------------------------------------------
    def reload_study(self, interviewers: list[str]) -> None:
        """The codes that can be interviewed, and the interviewers known so far."""
        people = {"participant": participants.participant_rows(self.study_id),
                  "professional": professionals.professional_rows(self.study_id)}
        for kind, rows in people.items():
            self._code_lists[kind] = sorted((row.code for row in rows), key=str.casefold)
        self._kind_changed()
        model = self.interviewer.completer().model()
        assert isinstance(model, QStringListModel)
        model.setStringList(sorted(set(interviewers), key=str.casefold))

    def _kind_changed(self, *_args: object) -> None:
        model = self.subject.completer().model()
        assert isinstance(model, QStringListModel)
        model.setStringList(self._code_lists[self.kind.currentData()])

    def _subject_ids(self) -> tuple[int | None, int | None]:
        """(participant id, professional id) of the typed code, by the service; an unknown
        code is shown under the field, an empty one the service refuses on saving."""
        code = self.subject.text().strip()
        if not code:
            return None, None
        participant = self.kind.currentData() == "participant"
        try:
            return interviews.subject_by_code(self.study_id, code if participant else None,
                                              None if participant else code)
        except NotFoundError as error:
            raise ValidationError("subject", error.key, **error.params) from None

    # state ---------------------------------------------------------------------------------
    def record(self) -> InterviewRecord | None:
        return self._record

    def _values(self) -> tuple[object, ...]:
        return (self.kind.currentData(), self.subject.text().strip(), self.held_on.date_text(),
                self.interviewer.text().strip(),
                self.transcript.toPlainText() if self._record is None else "", self._file)

    def has_unsaved_changes(self) -> bool:
        return self._values() != self._snapshot

    def new_interview(self) -> None:
        """Empty details with the focus on the subject; kind and interviewer stay as they
        were (a series of interviews is usually held by one person)."""
        self._record = None
        self._file = None
        self.heading.setText(tr("interviews.editor.new_heading"))
        self.subject.clear()
        self.held_on.clear()
        self.transcript.clear()
        self.transcript.setVisible(True)
        self.source.setVisible(False)
        self.import_button.setVisible(True)
        self.delete_button.setEnabled(False)
        self._show_file()
        self.errors.hide_all()
        self._snapshot = self._values()

    def edit_interview(self, record: InterviewRecord) -> None:
        self._record = record
        self._file = None
        kind = "participant" if record.participant_id is not None else "professional"
        self.kind.blockSignals(True)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        self.kind.blockSignals(False)
        self._kind_changed()
        self.heading.setText(tr("interviews.editor.edit_heading", subject=record.subject))
        self.subject.setText(record.subject)
        self.held_on.set_date_text(record.held_on.isoformat() if record.held_on else "")
        self.interviewer.setText(record.interviewer)
        self.transcript.clear()
        self.transcript.setVisible(False)
        self.import_button.setVisible(False)
        self.source.setText(tr("interviews.editor.source",
                               source=record.source or tr("interviews.editor.pasted"),
                               characters=format_count(len(record.transcript))))
        self.source.setVisible(True)
        self.delete_button.setEnabled(True)
        self._show_file()
        self.errors.hide_all()
        self._snapshot = self._values()

    def _show_file(self) -> None:
        chosen = self._file is not None
        self.file_label.setText(tr("interviews.editor.file_chosen", file=self._file.name)
                                if self._file is not None else "")
        self.file_label.setVisible(chosen)
        self.clear_file_button.setVisible(chosen)
        self.transcript.setEnabled(not chosen)

    def _clear_file(self) -> None:
        self._file = None
        self._show_file()
        self.transcript.setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_subject(self) -> None:
        self.subject.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.subject.selectAll()

    # saving --------------------------------------------------------------------------------
    def show_error(self, error: ValidationError) -> None:
        """Red text under the field the service named; focus goes there; input stays."""
        name = {"source": "transcript", "passage": "transcript"}.get(error.field, error.field)
        name = name if name in self.errors else "subject"
        self.errors.show_message(name, error.message)
        self.field_widget(name).setFocus(Qt.FocusReason.OtherFocusReason)

    def _input(self, transcript: str, source: str) -> InterviewInput:
        participant_id, professional_id = self._subject_ids()
        return InterviewInput(participant_id, professional_id, self.held_on.date_text(),
                              self.interviewer.text(), transcript, source)

    def save(self) -> int | None:
        """Store the details (and a new interview's transcript); the id, or None if refused."""
        self.errors.hide_all()
        record = self._record
        try:
            if record is not None:
                data = self._input(record.transcript, record.source)
                if not save_resolving_conflicts(
                        self, lambda version: interviews.update_interview(
                            record.id, data, expected_version=version), record.version,
                        lambda: self.edit_interview(interviews.get_interview(record.id))):
                    return None
                interview_id = record.id
                message = tr("interviews.editor.updated", subject=self.subject.text().strip())
            elif self._file is not None:
                interview_id = interviews.import_interview(self.study_id, self._file,
                                                           self._input("", ""))
                message = tr("interviews.editor.imported", subject=self.subject.text().strip(),
                             file=self._file.name)
            else:
                interview_id = interviews.add_interview(self.study_id, self._input(
                    self.transcript.toPlainText(), ""))
                message = tr("interviews.editor.added", subject=self.subject.text().strip())
        except ValidationError as error:
            if error.field == "transcript" and self._file is not None:
                self._file = None  # that file cannot be read: choose another, or paste
                self._show_file()
            self.show_error(error)
            return None
        except BrugmeterError as error:
            error_dialog.show_error(self, error)
            return None
        self.edit_interview(interviews.get_interview(interview_id))
        self.saved.emit(interview_id, message)
        return interview_id

    def import_file(self) -> None:
        """A new interview from a .txt or .docx file, with the details typed above; refused
        details keep the chosen file for the next save."""
        if self._record is not None:
            return
        path = self.ask_transcript_file()
        if path is None:
            return
        self._folder = path.parent
        self._file = path
        self._show_file()
        self.save()

    # asking the user (tests replace these) ------------------------------------------------
    def ask_transcript_file(self) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(self, tr("interviews.editor.file_title"),
                                              str(self._folder),
                                              tr("interviews.editor.file_filter"))
        return Path(path) if path else None

    def confirm_discard(self) -> bool:
        """True when the details may be left: nothing unsaved, or the user chose to discard."""
        return not self.has_unsaved_changes() or self.ask_discard()

    def ask_discard(self) -> bool:
        return ask_discard(self, tr("interviews.editor.unsaved"))

