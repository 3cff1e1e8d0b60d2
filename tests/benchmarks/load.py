"""(m) Team mode under load: 8 processes × 500 saves each against one PostgreSQL database, a
quarter of them on participants every process shares. Checks that no save is lost or doubled
and that every collision was detected (a ConflictError, or a refused second insert), and
reports throughput and save times beside a plain baseline: the same number of single-row
psycopg2 INSERT … COMMITs, measured in the same run.

Not part of CI. Run: `python tests/benchmarks/load.py [--processes 8] [--saves 500]`.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

PILLARS = ["gezinsstabiliteit", "sociaal_netwerk", "huisvesting", "opleiding", "gezondheid",
           "schulden", "sparen", "inkomen"]
OWN_PARTICIPANTS = 30  # per process
SHARED_PARTICIPANTS = 6  # every process saves on these too: the collisions
SHARED_SHARE = 0.25


def prepare(url: str, processes: int) -> None:
    """One study; each process gets its own participants, and some are everybody's."""
    import datetime as dt

    from desktop.models.database import close_database, open_database
    from desktop.models.services import participants, studies

    open_database(url)
    study = studies.create_study(studies.StudyInput(name="Belasting", sites=["Alphen"]))
    codes = [f"S-{n:03d}" for n in range(SHARED_PARTICIPANTS)] + [
        f"P{worker}-{n:03d}" for worker in range(processes) for n in range(OWN_PARTICIPANTS)]
    for code in codes:
        participants.add_participant(study, participants.ParticipantInput(
            code, None, "consented", dt.date(2018, 1, 8)))
    close_database()


def work(url: str, worker: int, saves: int, seed: int, queue) -> None:
    """Save Bridge assessments as a form does: read the stored version, save from it."""
    from desktop.models import audit
    from desktop.models.database import open_database
    from desktop.models.errors import StorageError
    from desktop.models.schema import Participant, Study
    from desktop.models.services import bridge, studies
    from desktop.models.services.conflicts import ConflictError

    audit.set_current_user(f"assistant{worker}")
    open_database(url, create=False)
    study = studies.get_study(Study.select().first().id)
    moments = [m.id for m in study.moments]
    by_code = {p.code: p.id for p in Participant.select(Participant.id, Participant.code)}
    own = [pid for code, pid in by_code.items() if code.startswith(f"P{worker}-")]
    shared = [pid for code, pid in by_code.items() if code.startswith("S-")]
    rng = random.Random(seed + worker)
    stored, conflicts, times = [], 0, []
    for _ in range(saves):
        participant = rng.choice(shared if rng.random() < SHARED_SHARE else own)
        moment = rng.choice(moments)
        levels = {pillar: rng.randint(1, 5) for pillar in PILLARS}
        date = f"2018-{1 + moments.index(moment) * 5:02d}-15"
        opened = bridge.get_assessment(participant, moment)
        if opened is not None and opened.values == levels:  # an unchanged save stores nothing
            levels["sparen"] = levels["sparen"] % 5 + 1
        started = time.perf_counter()
        try:
            bridge.save_assessment(participant, moment, date, levels,
                                   expected_version=opened.version if opened else None)
        except ConflictError:
            conflicts += 1
        except StorageError as error:  # two first saves of one assessment: one is refused
            if error.key != "error.db_conflict":
                raise
            conflicts += 1
        else:
            stored.append((participant, moment))
        times.append(time.perf_counter() - started)
    queue.put((worker, stored, conflicts, times))


def baseline(url_parts: dict, rows: int) -> float:
    """Plain single-row INSERT … COMMIT with psycopg2, no checks: seconds for `rows`."""
    import psycopg2

    connection = psycopg2.connect(**url_parts)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE plain (id serial PRIMARY KEY, participant int, "
                       "moment int, levels text)")
    connection.commit()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for number in range(rows):
            cursor.execute("INSERT INTO plain (participant, moment, levels) VALUES (%s, %s, %s)",
                           (number, number % 3, "3,3,3,3,3,3,3,3"))
            connection.commit()
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def verify(url: str, results: list) -> dict[str, int]:
    """Every acknowledged save is in the database exactly once: a response's version is one
    more than the saves that updated it (the first save makes version 1), and every response
    has its eight answers, no more."""
    from collections import Counter

    from desktop.models.database import close_database, open_database
    from desktop.models.schema import Response, ResponseValue

    open_database(url, create=False)
    acknowledged = Counter(pair for _, stored, _, _ in results for pair in stored)
    responses = {(r.participant_id, r.moment_id): r for r in Response.select()}
    assert set(responses) == set(acknowledged), "a save lost, or one stored unacknowledged"
    for pair, count in acknowledged.items():
        response = responses[pair]
        assert response.version == count, (pair, response.version, count)
    values = ResponseValue.select().count()
    assert values == len(responses) * len(PILLARS), "an answer lost or doubled"
    close_database()
    return {"responses": len(responses), "saves": sum(acknowledged.values())}


def main() -> int:
    import postgres

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--saves", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    cluster = postgres.start_cluster()
    try:
        name = cluster.new_database()
        url = cluster.url(name)
        prepare(url, args.processes)
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        started = time.perf_counter()
        workers = [context.Process(target=work, args=(url, n, args.saves, args.seed, queue))
                   for n in range(args.processes)]
        for process in workers:
            process.start()
        results = [queue.get() for _ in workers]
        elapsed = time.perf_counter() - started
        for process in workers:
            process.join()
        checked = verify(url, results)
        total = args.processes * args.saves
        conflicts = sum(c for _, _, c, _ in results)
        times = sorted(t for _, _, _, ts in results for t in ts)
        p95 = times[int(0.95 * (len(times) - 1))]
        plain = baseline({"host": cluster.socket_dir, "port": postgres.PORT,
                          "user": postgres.SUPERUSER, "dbname": name}, total)
        print(f"(m) {args.processes} processes × {args.saves} Bridge saves on one PostgreSQL "
              f"database ({SHARED_PARTICIPANTS} shared participants, "
              f"{SHARED_SHARE:.0%} of saves on them)")
        print(f"    stored {checked['saves']} saves in {checked['responses']} responses; "
              f"{conflicts} collisions detected; {total - checked['saves'] - conflicts} "
              "unaccounted (must be 0)")
        print(f"    throughput {total / elapsed:.0f} saves/s over {elapsed:.1f} s "
              f"(incl. process start-up); save p50 {statistics.median(times) * 1000:.1f} ms, "
              f"p95 {p95 * 1000:.1f} ms, max {times[-1] * 1000:.1f} ms")
        print(f"    baseline: {total} plain single-row INSERT+COMMIT in one connection: "
              f"{plain:.2f} s ({plain / total * 1000:.2f} ms each)")
        assert total == checked["saves"] + conflicts
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
