"""Save or export with a file-size limit, as a full disk does it, and say what happened.

Used by tests/test_full_disk.py. Opens the study file, then (with --limit) lowers
RLIMIT_FSIZE — ignoring SIGXFSZ, so that a write past it fails with EFBIG as on a full disk —
and runs one job. For saves no file may grow past `limit` bytes beyond the larger of the
database and its write-ahead log; for exports, past `limit` bytes. Prints one JSON line per
acknowledged save ({"saved": n}) and a last line: {"done": ...} or {"error": key, "type": ...,
"message": ...}. Any other exception is a traceback and exit status 2.

Usage: limited_writer.py DATABASE JOB TARGET [--limit BYTES]
Jobs: participant, bridge, questionnaire (save in a loop until refused); nested (participants
saved in a loop inside one transaction, as an import does); xlsx, pdf, template, qdc, sav
(export to TARGET).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import signal
from pathlib import Path

from desktop.models.database import open_database, transaction
from desktop.models.errors import BrugmeterError
from desktop.models.schema import Moment, Participant, Study, database
from desktop.models.services import bridge, participants, responses

SAVES = 10_000  # more than any limit lets through


def _limit(limit: int, beyond: Path | None) -> None:
    files = [] if beyond is None else [beyond, Path(f"{beyond}-wal")]
    biggest = max((path.stat().st_size for path in files if path.exists()), default=0)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (biggest + limit, resource.RLIM_INFINITY))


def _save(job: str, study_id: int, number: int) -> None:
    """One save of the kind asked: a new participant, or a response for a new participant."""
    code = f"FULL-{os.getpid()}-{number:05}"
    participant_id = participants.add_participant(study_id, participants.ParticipantInput(
        code, None, "consented", dt.date(2018, 1, 8), remarks="x" * 1500))
    if job == "participant":
        return
    moment = Moment.select().where(Moment.study == study_id).order_by(Moment.position).get()
    if job == "bridge":
        bridge.save_assessment(participant_id, moment.id, dt.date(2018, 2, 1),
                               {"inkomen": 3, "schulden": 2, "huisvesting": 4})
    else:
        responses.save_response(participant_id, moment.id, "financial_scarcity",
                                dt.date(2018, 2, 1), dict.fromkeys(
                                    [f"fs{n:02}" for n in range(1, 13)], 4))


def _export(job: str, study_id: int, target: Path) -> object:
    if job == "xlsx":
        from reports.workbook import write_workbook
        return str(write_workbook(study_id, target).path)
    if job == "pdf":
        from reports.factsheet import FactsheetRequest, write_factsheet
        return str(write_factsheet(FactsheetRequest(study_id), target).path)
    if job == "template":
        from reports.workbook import write_template
        return str(write_template(study_id, target).path)
    if job == "qdc":
        from desktop.models.services.codebook_exchange import export_qdc
        export_qdc(study_id, target)
        return str(target)
    from reports.workbook import write_sav
    return [str(path) for path in write_sav(study_id, target).paths]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database", type=Path)
    parser.add_argument("job")
    parser.add_argument("target", type=Path)
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    try:
        open_database(args.database, create=False)
        study_id = Study.select(Study.id).scalar()
        Participant.select().count()  # read once, before the limit
        saving = args.job in ("participant", "bridge", "questionnaire", "nested")
        if args.limit is not None:
            _limit(args.limit, args.database if saving else None)
        if args.job == "nested":
            database.execute_sql("PRAGMA cache_size = 16")  # spill to the log early
            with transaction():
                for number in range(SAVES):
                    _save("participant", study_id, number)
            done: object = SAVES
        elif saving:
            for number in range(SAVES):
                _save(args.job, study_id, number)
                print(json.dumps({"saved": number}), flush=True)
            done = SAVES
        else:
            done = _export(args.job, study_id, args.target)
    except BrugmeterError as error:
        print(json.dumps({"error": error.key, "type": type(error).__name__,
                          "message": error.message}), flush=True)
        return
    print(json.dumps({"done": done}), flush=True)


if __name__ == "__main__":
    main()
