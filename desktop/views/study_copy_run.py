"""Carrying out File → Copy study: a progress dialog per table, then what was counted.

The copy runs on the GUI thread: it opens the source and the destination itself, so nothing
else may use the models meanwhile, and the modal progress dialog keeps the user out. The
caller binds the models to the open database again afterwards.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from desktop.i18n import tr
from desktop.models.errors import BrugmeterError
from desktop.models.services import studies
from desktop.models.study_copy import CopyResult, copy_between
from desktop.views.error_dialog import show_error


def run_copy(parent: QWidget, source: str, destination: str,
             study_id: int) -> CopyResult | None:
    """Copy the study shown in the window; says how it went. None when refused."""
    name = studies.get_study(study_id).name
    progress = QProgressDialog(tr("copy.progress", table=""), "", 0, 0, parent)
    progress.setWindowTitle(tr("copy.title"))
    progress.setCancelButton(None)  # one transaction: stopping halfway has nothing to keep
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(0)
    progress.show()

    def step(table: str) -> None:
        progress.setLabelText(tr("copy.progress", table=table))
        QApplication.processEvents()

    try:
        result = copy_between(source, destination, name, progress=step)
    except BrugmeterError as error:
        progress.close()
        show_error(parent, error)
        return None
    progress.close()
    lines = [tr("copy.done", name=result.study_name, destination=destination.split("@")[-1])]
    lines += [f"{table}: {count}" for table, count in result.counts.items()]
    if result.audit_left_out:
        lines.append(tr("copy.audit_left_out", count=result.audit_left_out))
    if result.bin_left_out:
        lines.append(tr("copy.bin_left_out", count=result.bin_left_out))
    QMessageBox.information(parent, tr("copy.title"), "\n".join(lines))
    return result
