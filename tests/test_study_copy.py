"""Moving a study: SQLite → PostgreSQL → SQLite, every table counted, the findings equal; into
a server that holds another study, ids shifted and the other study untouched."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from desktop.cli import main
from desktop.models.database import close_database, open_database
from desktop.models.demo import write_demo
from desktop.models.errors import ValidationError
from desktop.models.schema import AuditEntry, DeletedRecord, Participant, Study
from desktop.models.services import erasure, participants
from desktop.models.study_copy import copy_between, study_models
from reports.findings import study_findings

TODAY = dt.date(2026, 11, 23)


def _findings(target, name: str | None = None) -> dict:
    open_database(target, create=False)
    try:
        study = Study.get(Study.name == name) if name else Study.select().first()
        return json.loads(json.dumps(study_findings(study.id, language="nl", today=TODAY),
                                     default=str))
    finally:
        close_database()


def _counts(target) -> dict[str, int]:
    db = open_database(target, create=False)
    try:
        return {model._meta.table_name: model.select().bind(db).count()
                for model in (*study_models(), AuditEntry, DeletedRecord)}
    finally:
        close_database()


@pytest.fixture
def demo_file(tmp_path):
    path = tmp_path / "demo.sqlite"
    open_database(path)
    write_demo(40, 2019, "nl")
    participant = Participant.select().order_by(Participant.id.desc()).first()
    erasure.erase_participant(participant.id, participant.code)  # an audit entry of a gone record
    close_database()
    return path


def test_sqlite_to_postgresql_and_back(demo_file, postgres_cluster, tmp_path):
    server = postgres_cluster.url(postgres_cluster.new_database())
    before, counts = _findings(demo_file), _counts(demo_file)
    assert counts["response"] > 50 and counts["coding"] > 10 and counts["audit_entry"] > 10

    there = copy_between(str(demo_file), server, None)
    assert there.counts == {**counts, "audit_entry": counts["audit_entry"]}
    assert there.audit_left_out == 0
    assert _findings(server) == before and _counts(server) == counts

    back_file = tmp_path / "back.sqlite"
    back = copy_between(server, str(back_file), None)
    assert back.counts == there.counts
    assert _findings(back_file) == before
    # into an empty database every id is kept: the same participant ids and codes
    open_database(back_file, create=False)
    copied = list(Participant.select(Participant.id, Participant.code).tuples())
    close_database()
    open_database(demo_file, create=False)
    assert list(Participant.select(Participant.id, Participant.code).tuples()) == copied
    close_database()


def test_into_a_server_with_another_study(demo_file, postgres_cluster, tmp_path):
    server = postgres_cluster.url(postgres_cluster.new_database())
    open_database(server)
    write_demo(25, 7, "nl")
    Study.update(name="Andere gemeente").execute()
    close_database()
    other_before = _findings(server, "Andere gemeente")
    server_counts = _counts(server)
    result = copy_between(str(demo_file), server, None, new_name="Pilot kopie")
    assert result.study_name == "Pilot kopie"
    copied, original = _findings(server, "Pilot kopie"), _findings(demo_file)
    assert copied["study"].pop("name") == "Pilot kopie"
    original["study"].pop("name")
    assert _without_ids(copied) == _without_ids(original)
    assert _findings(server, "Andere gemeente") == other_before
    after = _counts(server)
    grown = {table: after[table] - server_counts[table] for table in after}
    assert grown.pop("deleted_record") == 0 and result.bin_left_out == 0
    assert grown == result.counts
    # the server hands out new ids after the copied ones (its sequences moved on)
    open_database(server, create=False)
    study = Study.get(Study.name == "Pilot kopie")
    new_id = participants.add_participant(study.id, participants.ParticipantInput(
        "NIEUW-1", None, "consented", dt.date(2018, 1, 8)))
    assert new_id == max(p.id for p in Participant.select(Participant.id))
    close_database()


def _without_ids(value):
    """Findings with the database's own ids left out (they differ after a shifted copy)."""
    if isinstance(value, dict):
        return {k: _without_ids(v) for k, v in value.items() if not k.endswith("_id")}
    if isinstance(value, list):
        return [_without_ids(v) for v in value]
    return value


def test_a_taken_name_or_a_missing_study_copies_nothing(demo_file, tmp_path):
    target = tmp_path / "target.sqlite"
    copy_between(str(demo_file), str(target), None)
    counts = _counts(target)
    for name, new_name, key in ((None, None, "error.copy_name_taken"),
                                ("Bestaat niet", None, "error.copy_no_study")):
        with pytest.raises(ValidationError) as refused:
            copy_between(str(demo_file), str(target), name, new_name)
        assert refused.value.key == key
    assert _counts(target) == counts


def test_the_cli_prints_every_table_counted(demo_file, tmp_path, capsys):
    target = tmp_path / "cli.sqlite"
    assert main(["copy-study", "--db", str(demo_file), "--to", str(target)]) == 0
    out = capsys.readouterr().out
    assert "elke tabel geteld en gelijk" in out
    counts = _counts(demo_file)
    for table in ("participant", "response_value", "coding", "audit_entry"):
        assert f"{table:<20} {counts[table]:>9}" in out
    assert main(["copy-study", "--db", str(demo_file), "--to", str(target)]) == 1
    assert "al een studie" in capsys.readouterr().err


def test_a_source_without_a_study_says_so(tmp_path, capsys):
    empty = tmp_path / "empty.sqlite"
    open_database(empty)
    close_database()
    target = tmp_path / "target.sqlite"
    assert main(["copy-study", "--db", str(empty), "--to", str(target)]) == 1
    assert "Deze database bevat nog geen studie." in capsys.readouterr().err
    assert not target.exists()


def test_the_bin_comes_along_into_a_database_that_knows_only_its_users(demo_file, tmp_path):
    """A team's database opened once in the app holds its lead (and their audit entries) but
    no study yet: the copied study's ids are kept, so its deleted records come along and can
    be restored there."""
    from desktop.models.schema import Action
    from desktop.models.services import actions, recycle_bin, users

    open_database(demo_file, create=False)
    action = Action.select().order_by(Action.id).first()
    actions.delete_action(action.id, "dubbel ingevoerd")
    close_database()
    target = tmp_path / "team.sqlite"
    open_database(target)
    users.session_user()  # the lead opened it once
    close_database()

    result = copy_between(str(demo_file), str(target), None)
    assert result.bin_left_out == 0 and result.counts["deleted_record"] == 1
    open_database(target, create=False)
    try:
        (deleted,) = DeletedRecord.select()
        recycle_bin.restore(deleted.id)
        restored = Action.get_by_id(action.id)
        assert (restored.participant_id, restored.action_type_id) == (
            action.participant_id, action.action_type_id)
    finally:
        close_database()
