"""Two assistants open the same empty form: the one who saves second is shown the first one's
version and chooses — the first save is never silently overwritten (issue 8 item 5)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from helpers.conflict_answers import answer_conflict
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.models import audit
from desktop.models.database import current_database
from desktop.models.services import bridge
from desktop.views.bridge_page import BridgePage

PILLARS = ("gezinsstabiliteit", "sociaal_netwerk", "huisvesting", "opleiding", "gezondheid",
           "schulden", "sparen", "inkomen")


@pytest.fixture(autouse=True)
def _no_user():
    yield
    audit.set_current_user(None)


def _colleague_enters(participant_id: int, moment_id: int) -> None:
    """Bram's app, on a connection of its own, stores the form Anna has open (empty)."""
    def run() -> None:
        audit.set_current_user("bram")
        bridge.save_assessment(participant_id, moment_id, dt.date(2018, 3, 15),
                               dict.fromkeys(PILLARS, 2))
        current_database().close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)


def test_a_form_opened_empty_and_stored_meanwhile_shows_both(qtbot, study, participant):
    page = BridgePage(study.id)
    page.refresh()
    qtbot.addWidget(page)
    page.resize(1100, 750)
    page.show()
    page.activateWindow()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    audit.set_current_user("anna")
    page.code.setFocus()
    qtbot.keyClicks(page.code, participant.code)
    qtbot.keyClick(page.code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.form.date)
    moment = study.moments[0].id
    assert bridge.get_assessment(participant.id, moment) is None  # Anna sees an empty form
    qtbot.keyClicks(page.form.date, "16032018")
    for row in page.form.rows:
        qtbot.keyClicks(row.input, "4")
    _colleague_enters(participant.id, moment)

    seen: list = []
    answer_conflict(qtbot, "theirs", seen)
    assert page.form.save() is False
    assert seen and ("Datum afname", "16-03-2018", "15-03-2018") in seen[0]
    stored = bridge.get_assessment(participant.id, moment)
    assert stored.assessed_on == dt.date(2018, 3, 15) and set(stored.values.values()) == {2}
    assert page.form.date.date_text() == "15-03-2018"  # theirs loaded into the form
