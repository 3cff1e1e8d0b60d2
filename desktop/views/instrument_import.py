"""Import an instrument definition file (.json) from the GUI: choose it, hand it to the
instrument library, say what happened. The library checks everything; a refused file's
message names the file, the field and the problem."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop.i18n import tr
from desktop.models.errors import InstrumentDefinitionError, ValidationError
from desktop.models.services import instrument_library
from desktop.models.services.instrument_library import ImportResult


def report(parent: QWidget | None, text: str, error: bool = False) -> None:
    """The outcome in a message box (tests replace this function)."""
    if error:
        QMessageBox.warning(parent, tr("entry.import.title"), text)
    else:
        QMessageBox.information(parent, tr("entry.import.title"), text)


def study_menu_path() -> str:
    """'File → Edit study… → Instruments in study', in the words the menus themselves use."""
    parts = (tr("shell.menu.file"), tr("shell.action.edit_study"), tr("shell.study.instruments"))
    return " → ".join(part.replace("&", "").rstrip(":") for part in parts)


def result_text(result: ImportResult) -> str:
    """'Added: Financial scarcity (financial_scarcity, version 2).' and the like."""
    return tr(f"entry.import.{result.action}", title=result.title, key=result.key,
              version=result.version)


def choose_and_import(parent: QWidget | None) -> ImportResult | None:
    """Ask for a file and import it; None when cancelled or refused (the refusal is reported,
    the success is left to the caller, which knows what the user should do next)."""
    path, _ = QFileDialog.getOpenFileName(parent, tr("entry.import.title"), "",
                                          tr("entry.import.filter"))
    if not path:
        return None
    try:
        return instrument_library.import_definition(Path(path))
    except (InstrumentDefinitionError, ValidationError) as error:
        report(parent, tr("entry.import.refused", message=error.message), error=True)
        return None
