"""The workbook importer on PostgreSQL: it writes ids of its own (MAX(id) + 1, in bulk), so the
tables' sequences must be moved past them, or the next record typed in the app would collide.
A SQLite study exported and imported into PostgreSQL gives the same findings and the same
workbook, and new records follow the imported ones."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from desktop.models.database import close_database, open_database
from desktop.models.demo import write_demo
from desktop.models.schema import (
    Code,
    Moment,
    Narrative,
    Participant,
    Response,
    ResponseValue,
    Site,
    Study,
)
from desktop.models.services import bridge, codebook, narratives, participants, studies
from reports.findings import study_findings
from reports.workbook import write_workbook
from reports.workbook.importer import import_workbook

pytestmark = pytest.mark.postgresql_only
# tables the import wrote ids into, each given a new record through the services afterwards
TYPED_AFTER = (Participant, Response, ResponseValue, Code, Narrative, Study, Site, Moment)


def _sheets(path) -> dict[str, list[tuple]]:
    """Every sheet but the audit trail (the database's own history, which an import never
    copies; test_audit_trail checks it), without the export time and the trail's info line."""
    book = load_workbook(path, read_only=True)
    found = {name: [row for row in book[name].iter_rows(values_only=True)
                    if not (row and row[0] in ("Geëxporteerd op", "Exported on", "audit"))]
             for name in book.sheetnames if name != "audit"}
    book.close()
    return found


def test_a_sqlite_study_imported_into_postgresql_and_new_records_after_it(backend, db_path,
                                                                          tmp_path):
    source = tmp_path / "bron.sqlite"
    open_database(source)
    study_id = write_demo(40, 5)
    findings = study_findings(study_id)
    exported = write_workbook(study_id, tmp_path / "bron.xlsx").path
    close_database()

    open_database(db_path)
    assert backend == "postgresql"
    report = import_workbook(exported)
    assert report.imported and report.created
    assert study_findings(report.study_id) == findings
    again = write_workbook(report.study_id, tmp_path / "terug.xlsx").path
    assert _sheets(again) == _sheets(exported)

    # every table's sequence is past the ids the import wrote: new records just follow
    highest = Participant.select(Participant.id).order_by(Participant.id.desc()).first().id
    study = studies.get_study(report.study_id)
    new = participants.add_participant(study.id, participants.ParticipantInput(
        "NIEUW-01", study.sites[0].id, "consented", dt.date(2018, 3, 1)))
    assert new == highest + 1
    responses = Response.select().count()
    bridge.save_assessment(new, study.moments[0].id, "2018-03-02", {"huisvesting": 2})
    assert Response.select().count() == responses + 1
    codebook.add_code(study.id, "Nieuwe code", "na de import")
    narratives.save_narrative(study.id, "introduction", "nl", "Na de import geschreven.")
    studies.create_study(studies.StudyInput(name="Tweede studie", sites=["Delft"]))
    counts = {model.__name__: model.select().count() for model in TYPED_AFTER}
    assert all(counts.values()), counts
