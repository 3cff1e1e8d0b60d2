"""Every key sequence of the app in one module, so menus, tooltips and pages agree on them.

Constants are a `QKeySequence.StandardKey` (the platform's own binding, preferred) or a portable
string. They are not QKeySequence objects: building one from a StandardKey before the
QApplication exists crashes Qt. Both kinds can be passed straight to `QAction.setShortcut`
and `QShortcut(...)`; use `key_sequence()` when you need the object itself.
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence

Shortcut = QKeySequence.StandardKey | str

_Std = QKeySequence.StandardKey

# Forms and pages
SAVE: Shortcut = _Std.Save  # Ctrl+S
SAVE_AND_NEXT: Shortcut = "Ctrl+Return"  # save a form and return to its first field
SAVE_AND_NEXT_KEYPAD: Shortcut = "Ctrl+Enter"  # the same from the numeric keypad
NEW_PARTICIPANT: Shortcut = _Std.New  # Ctrl+N
NEW_RECORD: Shortcut = _Std.New  # Ctrl+N where the focus is: an action, an action type
EDIT_ACTION_TYPES: Shortcut = "Ctrl+Shift+T"  # the study's action types (dialog)
NEXT_MOMENT: Shortcut = "Ctrl+PgDown"
PREVIOUS_MOMENT: Shortcut = "Ctrl+PgUp"
MARK_EMPTY_MISSING: Shortcut = "Ctrl+0"  # every empty item: the first missing reason (0 = one)
INSTRUMENT_SETTINGS: Shortcut = "Ctrl+I"  # the study's cut-off and norm group of a questionnaire
IMPORT_INSTRUMENT: Shortcut = "Ctrl+Shift+I"  # read an instrument definition file
SECOND_ENTRY: Shortcut = "Ctrl+Shift+D"  # a form's blind second entry ("dubbele invoer"), on/off
RESOLVE_DIFFERENCES: Shortcut = "Ctrl+Shift+R"  # the two entries' differences of a form
INSERT_ROW: Shortcut = "Ins"
DELETE_ROW: Shortcut = "Del"
ERASE_PARTICIPANT: Shortcut = "Ctrl+Shift+Del"  # GDPR erasure of the chosen participant
EDIT_ROW: Shortcut = "F2"  # edit the selected entry of a list (survey definition lists)
EDIT_SURVEY: Shortcut = "Ctrl+Shift+E"  # the study's professionals' survey definition

# The factsheet page
PREVIEW_FACTSHEET: Shortcut = "F5"  # generate the factsheet again and show its pages
# Save as PDF. Not Ctrl+E: in Linux text fields that moves to the end of the line, so it would
# not work from the text being edited.
SAVE_FACTSHEET: Shortcut = "Ctrl+Shift+S"
ZOOM_IN: Shortcut = _Std.ZoomIn  # Ctrl++ (the preview's pages)
ZOOM_IN_ALSO: Shortcut = "Ctrl+="  # the same where + needs Shift
ZOOM_OUT: Shortcut = _Std.ZoomOut  # Ctrl+-
# The preview's pages as wide as the pane. Ctrl+0 is also a questionnaire form's key; both are
# bound to their own page only, so they never meet.
ZOOM_FIT: Shortcut = "Ctrl+0"

# Ordered lists: the ranking's order view and the survey definition's lists
MOVE_UP: Shortcut = "Alt+Up"  # one place up; in a ranking an unranked element goes last
MOVE_DOWN: Shortcut = "Alt+Down"  # one place down; the last ranked element leaves the ranking
UNRANK: Shortcut = DELETE_ROW  # the selected element out of the ranking
RANK: Shortcut = INSERT_ROW  # the selected unranked element to the end of the ranking
RANK_ALSO: tuple[Shortcut, ...] = ("Return", "Enter")  # the same as RANK

# The interviews page (qualitative coding). Ctrl+1 … Ctrl+9 belong to the navigation, so the
# first nine codes sit on Alt+1 … Alt+9; every key here is bound to its own widget or page.
NEW_INTERVIEW: Shortcut = _Std.New  # Ctrl+N
IMPORT_TRANSCRIPT: Shortcut = "Ctrl+Shift+O"  # a new interview from a .txt or .docx file
APPLY_CODE: tuple[Shortcut, ...] = ("Return", "Enter")  # the codebook's current code to the
# selected passage (in the transcript; in the codebook also a double-click)
QUICK_CODES: tuple[Shortcut, ...] = tuple(f"Alt+{number}" for number in range(1, 10))
CODE_WHOLE_INTERVIEW: Shortcut = "Ctrl+Shift+Return"  # the current code, without a passage
REMOVE_CODING: Shortcut = DELETE_ROW  # the coding at the cursor (transcript, codings list)
NEW_CODE: Shortcut = INSERT_ROW  # in the codebook
NEW_CATEGORY: Shortcut = "Ctrl+Shift+N"  # in the codebook
EDIT_CODE: Shortcut = EDIT_ROW  # name, definition, category, colour (a category: its name)
MERGE_CODE: Shortcut = "Ctrl+M"  # the current code into another
DELETE_CODE: Shortcut = DELETE_ROW  # in the codebook; a code in use offers a merge
FIND: Shortcut = _Std.Find  # Ctrl+F: search the transcript
FIND_NEXT: Shortcut = "F3"
FIND_PREVIOUS: Shortcut = "Shift+F3"
UNDO: Shortcut = "Ctrl+Z"  # text fields keep their own Ctrl+Z while they have the focus
REDO: tuple[Shortcut, ...] = ("Ctrl+Shift+Z", "Ctrl+Y")

# Application
OPEN: Shortcut = _Std.Open  # Ctrl+O
QUIT: Shortcut = "Ctrl+Q"  # StandardKey.Quit is empty on Windows
EXPORT_WORKBOOK: Shortcut = "Ctrl+Shift+X"  # the study's Excel workbook (and SPSS files)
IMPORT_WORKBOOK: Shortcut = "Ctrl+Shift+L"  # load a workbook: "laden" in Dutch

# The Data quality window (Extra → Data quality). Ctrl+Shift+K: "kwaliteit" in Dutch.
DATA_QUALITY: Shortcut = "Ctrl+Shift+K"
REFRESH_QUALITY: Shortcut = "F5"  # run the checks again (bound to that window only)
OPEN_FINDING: tuple[Shortcut, ...] = ("Return", "Enter")  # the finding's record, in the list
# The Audit trail window (Extra → Audit trail); A for audit, in Dutch and English alike.
AUDIT_TRAIL: Shortcut = "Ctrl+Shift+A"

# Ctrl+1 … Ctrl+9: the first nine entries of the main window's navigation.
GO_TO_PAGE: tuple[Shortcut, ...] = tuple(f"Ctrl+{number}" for number in range(1, 10))


def key_sequence(shortcut: Shortcut) -> QKeySequence:
    """The QKeySequence for a constant above (call only once a QApplication exists)."""
    return QKeySequence(shortcut)


def shortcut_text(shortcut: Shortcut) -> str:
    """How the platform writes the sequence, e.g. "Ctrl+S" (empty when it has no binding)."""
    return key_sequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)


def with_shortcut(text: str, sequence: Shortcut) -> str:
    """A tooltip that names its key: "Opslaan (Ctrl+S)"; the bare text if the key is unbound."""
    keys = shortcut_text(sequence)
    return f"{text} ({keys})" if keys else text
