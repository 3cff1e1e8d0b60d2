"""(l) The data-quality report (`quality.run_checks`: every registered check) on the
20,000-participant demo study, beside a plain baseline in the same run: sqlite3 only reading
the rows the checks look at (participants, every response's moment and date, every Bridge
level, the answers of responses with a gap, the actions' dates), with no logic at all.

Each check is also timed on its own, so a slow one shows up when a check is added.
Run by hand: `python tests/benchmarks/quality.py [STUDY.sqlite]` (without a file, the
benchmark study of run.py, written on first use).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

REPEAT = 5

BASELINE = (
    "SELECT id, code, site_id, status, inclusion_date FROM participant",
    "SELECT r.id, r.participant_id, r.moment_id, r.instrument_id, r.assessed_on "
    "FROM response r JOIN moment m ON m.id = r.moment_id",
    "SELECT r.participant_id, v.item, v.value, r.assessed_on FROM response_value v "
    "JOIN response r ON r.id = v.response_id WHERE v.value IS NOT NULL "
    "AND r.instrument_id IN (SELECT id FROM instrument WHERE kind = 'bridge')",
    "SELECT v.response_id, v.item, v.value, v.missing_reason FROM response_value v "
    "WHERE v.response_id IN (SELECT response_id FROM response_value WHERE value IS NULL)",
    "SELECT id, participant_id, agreed_on, done_on FROM action",
    "SELECT id, code, site_id FROM professional",
)


def _median(work, repeat: int = REPEAT) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _baseline(path: Path) -> tuple[float, int]:
    def read() -> int:
        connection = sqlite3.connect(path)
        try:
            return sum(len(connection.execute(query).fetchall()) for query in BASELINE)
        finally:
            connection.close()

    seconds, rows = _median(read)
    return seconds, int(rows)  # type: ignore[arg-type]


def studies_participants(path: Path) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT id FROM participant").fetchall()
    finally:
        connection.close()


def bench_quality(path: Path) -> None:
    from desktop.models.database import close_database, open_database
    from desktop.models.services import quality, studies

    open_database(path, create=False)
    study = studies.resolve_study()
    participants = len(studies_participants(path))
    today = dt.date.today()
    per_check = {}
    for key, check in quality.CHECKS.items():
        seconds, found = _median(lambda check=check: list(check(
            quality.StudyData(study.id, today))))
        per_check[key] = (seconds, len(found))  # type: ignore[arg-type]
    ours, report = _median(lambda: quality.run_checks(study.id, today))
    close_database()
    baseline, rows = _baseline(path)
    findings = len(report.findings)  # type: ignore[union-attr]
    print(f"(l) data-quality report, {participants:,} participants (approached included), "
          f"{findings:,} findings   Brugmeter {ours:6.2f} s   sqlite3 reading the "
          f"{rows:,} rows the checks look at {baseline:6.2f} s   ratio {ours / baseline:4.1f}x")
    for key, (seconds, count) in per_check.items():
        print(f"      {key:<22} {seconds:6.2f} s  {count:>7,} findings")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import study_from_arguments

    bench_quality(study_from_arguments(sys.argv[1:]))
