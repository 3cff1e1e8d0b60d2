"""(n) Browsing the audit trail of the 20,000-participant demo study, its trail filled as a
team's years of work would fill it: every participant added, every response entered and
changed once, every action added, by eight assistants over two years (about two million
entries). Timed: the first page (200 entries) of one participant's trail — their own record,
their responses and actions, each entry with its code — and of one user's, and the list of
users; beside a plain baseline in the same run: sqlite3 reading the same participant's or
user's entries with one indexed SELECT, with no resolving at all.

Run by hand: `python tests/benchmarks/audit.py [STUDY.sqlite]` (without a file, a copy of the
benchmark study of run.py, its trail planted on first use).
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

REPEAT = 7
USERS = tuple(f"assistent{number}" for number in range(1, 9))
ITEMS = ("gezinsstabiliteit", "sociaal_netwerk", "huisvesting", "opleiding", "gezondheid",
         "schulden", "sparen", "inkomen")
INSERT = ('INSERT INTO audit_entry ("table", record_id, action, field, old_value, new_value, '
          '"user", at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')


def _median(work, repeat: int = REPEAT) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def plant_trail(path: Path) -> int:
    """Entries as the services write them, in time order; returns how many there are."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        start = dt.datetime(2018, 1, 1, 9)
        people = connection.execute("SELECT id, code, status FROM participant").fetchall()
        responses = connection.execute("SELECT id, participant_id FROM response").fetchall()
        actions = connection.execute("SELECT id, participant_id FROM action").fetchall()
        events: list[tuple] = []
        for pid, code, status in people:
            events += [("participant", pid, "insert", field, None, value)
                       for field, value in (("code", code), ("status", status),
                                            ("site", "1"), ("inclusion_date", "2018-01-08"))]
        for rid, _pid in responses:
            events += [("response", rid, "insert", item, None, "3") for item in ITEMS]
            events += [("response", rid, "update", item, "3", "4") for item in ITEMS[:4]]
        for aid, _pid in actions:
            events += [("action", aid, "insert", field, None, value)
                       for field, value in (("action_type", "1"), ("agreed_on", "2018-02-01"))]
        step = dt.timedelta(days=730) / max(1, len(events))
        connection.execute("BEGIN")
        connection.executemany(INSERT, (
            (*event, USERS[number % len(USERS)],
             (start + number * step).replace(microsecond=0).isoformat(sep=" "))
            for number, event in enumerate(events)))
        connection.execute("COMMIT")
        return connection.execute("SELECT COUNT(*) FROM audit_entry").fetchone()[0]
    finally:
        connection.close()


def _baseline(path: Path, participant_id: int, user: str) -> tuple[float, float]:
    """One SELECT each, nothing resolved: the participant's entries (their record, responses
    and actions by subquery); the user's newest 200."""
    connection = sqlite3.connect(path)
    try:
        own, _ = _median(lambda: connection.execute(
            "SELECT * FROM audit_entry WHERE (\"table\" = 'participant' AND record_id = ?) "
            "OR (\"table\" = 'response' AND record_id IN "
            "(SELECT id FROM response WHERE participant_id = ?)) "
            "OR (\"table\" = 'action' AND record_id IN "
            "(SELECT id FROM action WHERE participant_id = ?)) ORDER BY id DESC LIMIT 200",
            (participant_id,) * 3).fetchall())
        users, _ = _median(lambda: connection.execute(
            'SELECT * FROM audit_entry WHERE "user" = ? ORDER BY id DESC LIMIT 200',
            (user,)).fetchall())
        return own, users
    finally:
        connection.close()


def _busy_participant(path: Path) -> int:
    """A participant halfway down the list among those with the most responses and actions."""
    connection = sqlite3.connect(path)
    try:
        ranked = connection.execute(
            "SELECT p.id FROM participant p ORDER BY (SELECT COUNT(*) FROM response r "
            "WHERE r.participant_id = p.id) + (SELECT COUNT(*) FROM action a "
            "WHERE a.participant_id = p.id) DESC, p.id").fetchmany(200)
        return ranked[len(ranked) // 2][0]
    finally:
        connection.close()


def bench_audit(path: Path) -> None:
    from desktop.models.database import close_database, open_database
    from desktop.models.services import audit_trail
    from desktop.models.services.audit_trail import TrailFilter

    open_database(path, create=False)
    entries = audit_trail.count_entries()
    participant_id = _busy_participant(path)
    user = USERS[3]
    person, page = _median(lambda: audit_trail.browse(TrailFilter(participant_id=participant_id)))
    by_user, user_page = _median(lambda: audit_trail.browse(TrailFilter(user=user)))
    second, _ = _median(lambda: audit_trail.browse(TrailFilter(user=user),
                                                   before=user_page.next_before))
    users, names = _median(audit_trail.trail_users)
    common, _ = _median(lambda: audit_trail.browse(TrailFilter(text="2018-02-01")), 3)
    absent, _ = _median(lambda: audit_trail.browse(TrailFilter(text="nergens-te-vinden")), 3)
    close_database()
    own, plain_user = _baseline(path, participant_id, user)
    print(f"(n) audit trail, {entries:,} entries")
    print(f"      one participant ({len(page.rows)} entries: own record, responses, actions) "
          f"{person * 1000:7.1f} ms   sqlite3 the same rows {own * 1000:6.2f} ms")
    print(f"      one user, first page of {len(user_page.rows)} {by_user * 1000:7.1f} ms, "
          f"next page {second * 1000:6.1f} ms   sqlite3 the same rows "
          f"{plain_user * 1000:6.2f} ms")
    print(f"      the {len(names)} users for the filter {users * 1000:7.2f} ms")
    print(f"      text search (no index: read from the newest until a page is full), a "
          f"common text {common * 1000:7.1f} ms, one found nowhere (every entry read) "
          f"{absent * 1000:7.1f} ms")


if __name__ == "__main__":

    if sys.argv[1:]:
        study_file = Path(sys.argv[1])
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from run import _study_file, bench_folder

        bench = bench_folder()
        study_file = bench / "bench-audit-20000.sqlite"
        if not study_file.exists():
            from desktop.models.database import close_database, open_database

            shutil.copy(_study_file(bench, 20_000), study_file)
            open_database(study_file, create=False)  # migrated to this schema first
            close_database()
            started = time.perf_counter()
            planted = plant_trail(study_file)
            print(f"  ({planted:,} audit entries planted in "
                  f"{time.perf_counter() - started:.1f} s)")
    bench_audit(study_file)
