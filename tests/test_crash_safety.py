"""Killing the app mid-save loses nothing acknowledged and leaves no half-saved response.

A worker process (tests/helpers/crash_worker.py) saves Bridge assessments and questionnaire
responses into one real SQLite file through the services, and says `ack` after every save that
returned. It is killed with SIGKILL at random moments and restarted on the same file, again
and again; after every kill the file must pass SQLite's integrity check and hold exactly the
last acknowledged answers of every response (or those of the one save in flight, whole).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from desktop.models.database import close_database, open_database
from desktop.models.services import participants, studies

ROOT = Path(__file__).resolve().parents[1]
WORKER = ROOT / "tests" / "helpers" / "crash_worker.py"
KILLS = 24
SEED = int(os.environ.get("BRUGMETER_CRASH_SEED", "20260401"))


def _make_study(path: Path) -> None:
    """A study with the Bridge and one questionnaire, and a handful of participants."""
    open_database(path)
    study_id = studies.create_study(studies.StudyInput(
        name="Crash", sites=["Alphen"],
        instrument_keys=("bridge", "financial_scarcity")))
    site_id = studies.get_study(study_id).sites[0].id
    for number in range(1, 7):
        participants.add_participant(study_id, participants.ParticipantInput(
            f"CR-{number:03}", site_id, "consented", dt.date(2018, 1, 8)))
    close_database()


def _run_and_kill(path: Path, log: Path, seed: int, delay: float) -> list[tuple[str, dict]]:
    """Start the worker, let it save for `delay` seconds once ready, SIGKILL it; its lines."""
    errors = log.with_suffix(".err")
    with log.open("w") as out, errors.open("w") as err:
        worker = subprocess.Popen([sys.executable, str(WORKER), str(path), str(seed)],
                                  stdout=out, stderr=err, cwd=ROOT,
                                  env={**os.environ, "PYTHONPATH": str(ROOT)})
        deadline = time.monotonic() + 15
        while ("ready" not in log.read_text() and worker.poll() is None
               and time.monotonic() < deadline):
            time.sleep(0.01)
        time.sleep(delay)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    assert worker.returncode == -signal.SIGKILL, errors.read_text()
    lines = [line.split(" ", 1) for line in log.read_text().splitlines(keepends=True)
             if line.endswith("\n") and line.startswith(("start ", "ack "))]
    return [(word, json.loads(payload)) for word, payload in lines]


def _stored(path: Path) -> dict[tuple[int, int, str], dict[str, object]]:
    """Every response in the file: (participant, moment, instrument) → its date and answers,
    read with plain sqlite3 so the check does not lean on the code under test."""
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        rows = connection.execute(
            "SELECT r.id, r.participant_id, r.moment_id, i.key, r.assessed_on, v.item, v.value,"
            " v.missing_reason FROM response r JOIN instrument i ON i.id = r.instrument_id"
            " LEFT JOIN response_value v ON v.response_id = r.id").fetchall()
        audited = {record_id for (record_id,) in connection.execute(
            "SELECT record_id FROM audit_entry WHERE \"table\" = 'response'")}
    connection.close()
    stored: dict[tuple[int, int, str], dict[str, object]] = {}
    for response_id, participant, moment, key, date, item, value, reason in rows:
        assert response_id in audited, f"response {response_id} saved without an audit entry"
        entry = stored.setdefault((participant, moment, key), {"date": date, "answers": {}})
        entry["answers"][item] = value if value is not None else reason  # type: ignore[index]
    return stored


def _key(save: dict) -> tuple[int, int, str]:
    return save["participant"], save["moment"], save["instrument"]


def _content(save: dict) -> dict[str, object]:
    return {"date": save["date"], "answers": save["answers"]}


def test_sigkill_during_saves_keeps_every_acknowledged_save_whole(tmp_path):
    print(f"crash-safety seed: {SEED} (set BRUGMETER_CRASH_SEED to repeat another run)")
    rng = random.Random(SEED)
    path = tmp_path / "study.sqlite"
    _make_study(path)
    acknowledged: dict[tuple[int, int, str], dict] = {}
    acks = 0
    for run in range(KILLS):
        events = _run_and_kill(path, tmp_path / f"worker-{run}.log", rng.randrange(2**32),
                               rng.uniform(0.0, 0.35))
        in_flight = None
        for word, save in events:
            if word == "ack":
                acknowledged[_key(save)] = save
                acks += 1
                in_flight = None
            else:
                in_flight = save
        stored = _stored(path)
        for key, entry in stored.items():
            candidates = [_content(save) for save in (acknowledged.get(key), in_flight)
                          if save is not None and _key(save) == key]
            assert entry in candidates, (
                f"run {run}: {key} holds {entry}, acknowledged {acknowledged.get(key)}")
        if in_flight is not None and stored.get(_key(in_flight)) == _content(in_flight):
            # the save in flight committed just before the kill: it is the latest one now
            acknowledged[_key(in_flight)] = in_flight
        assert set(acknowledged) <= set(stored), f"run {run}: an acknowledged save is gone"
    print(f"{KILLS} kills, {acks} acknowledged saves, {len(acknowledged)} responses checked")
    assert acks >= KILLS  # the kills did land in the middle of real work
