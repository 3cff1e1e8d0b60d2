"""Speed of the real paths on a 20,000-participant study, each beside a plain baseline measured
in the same run. Not part of CI: run `make benchmark` (or `python tests/benchmarks/run.py`).

(a) start-up to a shown main window vs a bare QApplication + QMainWindow + QTableView
(b) saving one Bridge assessment through the service layer vs a raw sqlite3 insert
(c) `brugmeter findings --json` vs a Python process that only reads the same rows with sqlite3
(d) questionnaire scoring and findings (two questionnaires, every participant at two moments)
    vs reading the same answers with sqlite3 and averaging them per response in plain Python
(e) professionals' survey findings (ranking, Likert, fidelity) of the demo's professionals
    vs reading the same answers with sqlite3 and summing Borda points in plain Python
(f) saving one professional's survey through the service layer vs a raw sqlite3 insert
(g) rewards findings (days per action by group, Mann–Whitney, Kaplan–Meier, log-rank) of the
    demo's actions vs reading the same dates with sqlite3 and taking medians in plain Python
(h) the PDF factsheet of the whole study (findings, sentences, every section and chart), in the
    process and as `brugmeter factsheet`, vs a bare reportlab document with as many charts
(i), (j) the Excel workbook and its import: see workbook.py
(k) coding a 300,000-character transcript in the real coding view: see coding.py
(l) the data-quality report: see quality.py
(m) team mode under load, 8 processes × 500 saves on one PostgreSQL database: see load.py
(n) browsing the audit trail of 1.6 million entries: see audit.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

BARE_WINDOW = """
import os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
app = QApplication(sys.argv)
window = QMainWindow()
window.setCentralWidget(QTableView())
window.show()
app.processEvents()
"""

APP_WINDOW = """
import os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from desktop.app import run_app
sys.exit(run_app(sys.argv[1], None, exit_when_shown=True))
"""

RAW_READ = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT r.participant_id, r.moment_id, v.item, v.value FROM response_value v "
                  "JOIN response r ON r.id = v.response_id").fetchall()
print(len(rows))
"""


def _median_run(args: list[str], repeat: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(args, check=True, env=env, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_folder() -> Path:
    """The benchmarks' shared folder in the temp dir, also their data folder (backups, logs):
    the synthetic studies are written once and reused by every benchmark script."""
    folder = Path(tempfile.gettempdir()) / "brugmeter-bench"
    folder.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("BRUGMETER_DATA_DIR", str(folder / "data"))
    return folder


def study_from_arguments(arguments: list[str]) -> Path:
    """The study file named on the command line, or the shared 20,000-participant demo."""
    return Path(arguments[0]) if arguments else _study_file(bench_folder(), 20_000)


def _study_file(folder: Path, participants: int) -> Path:
    path = folder / f"bench-{participants}.sqlite"
    if path.exists():
        return path
    from desktop.models.database import close_database, open_database
    from desktop.models.demo import write_demo

    start = time.perf_counter()
    open_database(path)
    write_demo(participants, seed=2017)
    close_database()
    print(f"  (demo study of {participants:,} participants taking part written in "
          f"{time.perf_counter() - start:.1f} s)")
    return path


def bench_startup(path: Path, repeat: int, env: dict[str, str]) -> None:
    bare = _median_run([sys.executable, "-c", BARE_WINDOW], repeat, env)
    app = _median_run([sys.executable, "-c", APP_WINDOW, str(path)], repeat, env)
    print(f"(a) start-up to shown window   bare Qt {bare:6.3f} s   Brugmeter {app:6.3f} s   "
          f"ratio {app / bare:4.2f}x   (goal ≤ 1.5x)")


def bench_save(path: Path, saves: int) -> None:
    from desktop.models.database import close_database, open_database
    from desktop.models.services import bridge, instrument_library, participants, studies

    work = path.with_name("bench-save.sqlite")
    shutil.copy(path, work)
    open_database(work)
    study = studies.resolve_study()
    rows = [r for r in participants.participant_rows(study.id) if r.status == "consented"]
    rng = random.Random(1)
    pillars = list(instrument_library.study_instrument(study.id)[1].item_keys)
    moment = study.moments[1]
    targets = rng.sample(rows, saves)
    times = []
    for row in targets:
        answers = {key: rng.randint(1, 5) for key in pillars}
        day = (row.inclusion_date or dt.date(2018, 1, 1)) + dt.timedelta(days=200)
        existing = bridge.get_assessment(row.id, moment.id)
        if existing and existing.assessed_on:
            day = existing.assessed_on
        start = time.perf_counter()
        try:
            bridge.save_assessment(row.id, moment.id, day, answers)
        except Exception as error:  # a date clash with another moment: not what we time
            print("  skipped:", error)
            continue
        times.append(time.perf_counter() - start)
    close_database()
    raw = sqlite3.connect(work, isolation_level=None)
    raw_times = []
    for index in range(saves):
        start = time.perf_counter()
        raw.execute("BEGIN")
        cursor = raw.execute(
            "INSERT INTO audit_entry (\"table\", record_id, action, field, user, at) "
            "VALUES ('bench', ?, 'insert', '', 'bench', '2020-01-01')", (index,))
        raw.executemany("INSERT INTO audit_entry (\"table\", record_id, action, field, user, at) "
                        "VALUES ('bench', ?, 'value', ?, 'bench', '2020-01-01')",
                        [(cursor.lastrowid, p) for p in pillars])
        raw.execute("COMMIT")
        raw_times.append(time.perf_counter() - start)
    raw.close()
    work.unlink()

    def pct(values: list[float], q: float) -> float:
        return statistics.quantiles(values, n=100)[q - 1] * 1000

    print(f"(b) save one Bridge assessment  service p50 {pct(times, 50):5.1f} ms  "
          f"p95 {pct(times, 95):5.1f} ms   raw sqlite3 9-row transaction p50 "
          f"{pct(raw_times, 50):5.1f} ms   ratio p50 {pct(times, 50) / pct(raw_times, 50):4.1f}x"
          f"   (goal p95 ≤ 20 ms; n={len(times)})")


def bench_findings(path: Path, repeat: int, env: dict[str, str]) -> None:
    exe = shutil.which("brugmeter", path=str(Path(sys.executable).parent)) or "brugmeter"
    raw = _median_run([sys.executable, "-c", RAW_READ, str(path)], repeat, env)
    cli = _median_run([exe, "findings", "--db", str(path), "--json"], repeat, env)
    print(f"(c) brugmeter findings --json   raw read {raw:6.3f} s   Brugmeter {cli:6.3f} s   "
          f"ratio {cli / raw:4.1f}x   (goal ≤ 1 s)")


def _questionnaire_file(folder: Path, participants: int) -> Path:
    """Every participant answers both built-in questionnaires at intake and at 12 months."""
    path = folder / f"bench-questionnaires-{participants}.sqlite"
    if path.exists():
        return path
    from desktop.models.database import close_database, open_database
    from desktop.models.services import instrument_library, studies

    open_database(path)
    keys = ("financial_scarcity", "quality_of_life")
    study_id = studies.create_study(studies.StudyInput(
        name="Bench", moments=[studies.MomentSpec("Intake", 0, "intake"),
                               studies.MomentSpec("12 maanden", 12, "m12")],
        instrument_keys=("bridge", *keys)))
    moments = [m.id for m in studies.get_study(study_id).moments]
    linked = [instrument_library.linked_instrument(study_id, key) for key in keys]
    close_database()
    rng = random.Random(3)
    db = sqlite3.connect(path)
    with db:
        db.executemany("INSERT INTO participant (id, study_id, code, status, inclusion_date, "
                       "study_group, remarks, version) VALUES (?, ?, ?, 'consented', "
                       "'2018-01-08', '', '', 1)",
                       [(pid, study_id, f"B{pid:06d}") for pid in range(1, participants + 1)])
        response_id, rows, values = 0, [], []
        for pid in range(1, participants + 1):
            for position, moment in enumerate(moments):
                for instrument in linked:
                    response_id += 1
                    rows.append((response_id, pid, moment, instrument.id,
                                 f"{2018 + position}-01-15"))
                    definition = instrument.definition
                    for item in definition.item_keys:
                        value = rng.randint(definition.minimum, definition.maximum)
                        missing = rng.random() < 0.03
                        values.append((response_id, item, None if missing else value,
                                       "not_answered" if missing else None))
        db.executemany("INSERT INTO response (id, participant_id, moment_id, instrument_id, "
                       "assessed_on, entered_by, entered_at, verification, version) VALUES "
                       "(?, ?, ?, ?, ?, 'bench', '2020-01-01', 'single', 1)", rows)
        db.executemany("INSERT INTO response_value (response_id, item, value, missing_reason) "
                       "VALUES (?, ?, ?, ?)", values)
    db.close()
    print(f"  (questionnaire study: {participants:,} participants × 2 moments × 2 "
          f"questionnaires, {len(values):,} answers)")
    return path


def bench_questionnaires(folder: Path, participants: int, repeat: int) -> None:
    from desktop.models.database import close_database, open_database
    from desktop.models.services import studies
    from reports.findings import questionnaire_findings

    path = _questionnaire_file(folder, participants)
    open_database(path)
    study = studies.resolve_study()
    findings = []
    for _ in range(repeat):
        start = time.perf_counter()
        questionnaire_findings(study)
        findings.append(time.perf_counter() - start)
    close_database()
    baseline = []
    for _ in range(repeat):
        start = time.perf_counter()
        db = sqlite3.connect(path)
        sums: dict[int, list[int]] = {}
        for response_id, value in db.execute(
                "SELECT response_id, value FROM response_value WHERE value IS NOT NULL"):
            entry = sums.setdefault(response_id, [0, 0])
            entry[0] += value
            entry[1] += 1
        means = {rid: total / count for rid, (total, count) in sums.items()}
        db.close()
        baseline.append(time.perf_counter() - start)
    base, found = statistics.median(baseline), statistics.median(findings)
    print(f"(d) questionnaire scoring + findings, {participants:,} × 2 moments × 2 questionnaires"
          f"   raw read + means {base:6.3f} s   Brugmeter {found:6.3f} s   ratio "
          f"{found / base:4.1f}x   (goal ≤ 1 s; {len(means):,} responses)")


RAW_BORDA = """
SELECT a.item, a.value FROM survey_answer a JOIN survey_response r ON r.id = a.response_id
"""


def bench_professionals(path: Path, repeat: int) -> None:
    from desktop.models.database import close_database, open_database
    from desktop.models.services import studies
    from desktop.models.services.surveys import survey_data
    from reports.professionals import professional_findings

    open_database(path)
    study = studies.resolve_study()
    found, respondents = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        data = survey_data(study.id)
        respondents = professional_findings(data)["respondents"]
        found.append(time.perf_counter() - start)
    close_database()
    places = data.definition.places
    elements = set(data.definition.element_keys)
    baseline = []
    for _ in range(repeat):
        start = time.perf_counter()
        db = sqlite3.connect(path)
        borda: dict[str, int] = {}
        for item, value in db.execute(RAW_BORDA):
            if item in elements:
                borda[item] = borda.get(item, 0) + places - value + 1
        db.close()
        baseline.append(time.perf_counter() - start)
    base, ours = statistics.median(baseline), statistics.median(found)
    print(f"(e) professionals' findings, {respondents:,} respondents   raw read + Borda "
          f"{base:6.3f} s   Brugmeter {ours:6.3f} s   ratio {ours / base:4.1f}x")


def bench_survey_save(path: Path, saves: int) -> None:
    from desktop.models.database import close_database, open_database
    from desktop.models.services import professionals, studies, surveys

    work = path.with_name("bench-survey-save.sqlite")
    shutil.copy(path, work)
    open_database(work)
    study = studies.resolve_study()
    definition = surveys.study_survey(study.id).definition
    rng = random.Random(5)
    times = []
    for number in range(saves):
        pid = professionals.add_professional(
            study.id, professionals.ProfessionalInput(f"BS{number:05d}"))
        order = rng.sample(definition.element_keys, definition.places)
        answers = surveys.SurveyAnswers(
            ranks={key: rank for rank, key in enumerate(order, start=1)},
            likert={key: rng.randint(1, 5) for key in definition.likert_keys},
            fidelity={key: rng.random() < 0.6 for key in definition.step_keys},
            answered_on=dt.date(2019, 3, 1))
        start = time.perf_counter()
        surveys.save_survey_response(pid, answers)
        times.append(time.perf_counter() - start)
    close_database()
    raw = []
    db = sqlite3.connect(work)
    with db:
        first = db.execute("SELECT MAX(id) FROM professional").fetchone()[0] + 1
        db.executemany("INSERT INTO professional (id, study_id, code, role, organisation, "
                       "remarks, version) VALUES (?, ?, ?, '', '', '', 1)",
                       [(first + n, study.id, f"RAW{n:05d}") for n in range(saves)])
    for number in range(saves):
        start = time.perf_counter()
        with db:
            cursor = db.execute("INSERT INTO survey_response (survey_id, professional_id, "
                                "answered_on, complete, entered_by, entered_at, version) "
                                "VALUES (1, ?, '2019-03-01', 1, 'raw', '2020-01-01', 1)",
                                (first + number,))
            db.executemany("INSERT INTO survey_answer (response_id, item, value) "
                           "VALUES (?, ?, ?)", [(cursor.lastrowid, f"k{i}", i) for i in range(18)])
        raw.append(time.perf_counter() - start)
    db.close()
    work.unlink()

    def pct(values: list[float], q: int) -> float:
        return statistics.quantiles(values, n=100)[q - 1] * 1000

    print(f"(f) save one professional's survey   service p50 {pct(times, 50):5.1f} ms  "
          f"p95 {pct(times, 95):5.1f} ms   raw insert p50 {pct(raw, 50):5.1f} ms   "
          f"ratio {pct(times, 50) / pct(raw, 50):4.1f}x")


RAW_ACTIONS = """
SELECT p.study_group, a.agreed_on, a.done_on FROM action a
JOIN participant p ON p.id = a.participant_id
"""


def bench_rewards(path: Path, repeat: int) -> None:
    from desktop.models.database import close_database, open_database
    from desktop.models.services import studies
    from desktop.models.services.actions import action_rows
    from reports.rewards import follow_up_end, reward_findings

    open_database(path)
    study = studies.resolve_study()
    found = []
    for _ in range(repeat):
        start = time.perf_counter()
        types, rows = action_rows(study.id)
        reward_findings(types, rows, follow_up_end(study.period_end))
        found.append(time.perf_counter() - start)
    close_database()
    baseline = []
    for _ in range(repeat):
        start = time.perf_counter()
        db = sqlite3.connect(path)
        days: dict[str, list[int]] = {}
        for group, agreed, done in db.execute(RAW_ACTIONS):
            if done:
                days.setdefault(group, []).append(
                    (dt.date.fromisoformat(done) - dt.date.fromisoformat(agreed)).days)
        medians = {group: statistics.median(values) for group, values in days.items()}
        db.close()
        baseline.append(time.perf_counter() - start)
    base, ours = statistics.median(baseline), statistics.median(found)
    print(f"(g) rewards findings, {len(rows):,} actions   raw read + medians {base:6.3f} s   "
          f"Brugmeter {ours:6.3f} s   ratio {ours / base:4.1f}x   ({len(medians)} groups)")


def _bare_reportlab(path: Path, charts: int) -> None:
    """A plain reportlab document: a heading, a paragraph and an 8 × 3 bar chart per chart."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    sheet = getSampleStyleSheet()
    story = []
    for index in range(charts):
        drawing = Drawing(480, 220)
        chart = HorizontalBarChart()
        chart.x, chart.y, chart.width, chart.height = 120, 20, 340, 190
        chart.data = [[(index * 7 + j * 13 + k * 5) % 100 for j in range(8)] for k in range(3)]
        chart.categoryAxis.categoryNames = [f"Pillar {j}" for j in range(8)]
        chart.categoryAxis.style = "stacked"
        drawing.add(chart)
        story += [Paragraph(f"Chart {index + 1}", sheet["Heading2"]),
                  Paragraph("A sentence about the chart. " * 6, sheet["BodyText"]), drawing]
    SimpleDocTemplate(str(path)).build(story)


def bench_factsheet(path: Path, repeat: int, env: dict[str, str]) -> None:
    from desktop.models.database import close_database, open_database
    from desktop.models.services import studies
    from reports.factsheet import FactsheetRequest, write_factsheet
    from reports.findings import study_findings

    open_database(path)
    study = studies.resolve_study()
    target = path.parent / "factsheet.pdf"
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = write_factsheet(FactsheetRequest(study.id), target)
        times.append(time.perf_counter() - start)
    found = study_findings(study.id)
    close_database()
    # the charts a reader sees: progress, one per measured pillar, per questionnaire its means
    # and its share high, rewards
    charts = (1 + sum(1 for p in found["bridge"]["pillars"] if p["n"])
              + 2 * len(found["questionnaires"]) + 1)
    bare = []
    for _ in range(repeat):
        start = time.perf_counter()
        _bare_reportlab(path.parent / "bare.pdf", charts)
        bare.append(time.perf_counter() - start)
    cli = _median_run([sys.executable, "-m", "desktop", "factsheet", "--db", str(path), "-o",
                       str(target)],
                      max(1, repeat // 2), env)
    base, ours = statistics.median(bare), statistics.median(times)
    print(f"(h) factsheet, {result.pages} pages, {charts} charts   bare reportlab {base:6.3f} s   "
          f"Brugmeter {ours:6.3f} s   ratio {ours / base:4.1f}x   "
          f"`brugmeter factsheet` {cli:6.3f} s (goal ≤ 3 s)")


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from coding import bench_coding
    from workbook import bench_import, bench_workbook

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--participants", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--folder", default=os.path.join(tempfile.gettempdir(), "brugmeter-bench"))
    args = parser.parse_args()
    folder = Path(args.folder)
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", BRUGMETER_DATA_DIR=str(folder / "data"),
               XDG_CONFIG_HOME=str(folder / "config"))
    os.environ.update(env)
    print(f"Brugmeter benchmarks, {args.participants:,} participants taking part "
          f"(Python {sys.version.split()[0]}, {os.cpu_count()} cores)")
    path = _study_file(folder, args.participants)
    bench_startup(path, args.repeat, env)
    bench_save(path, args.saves)
    bench_findings(path, args.repeat, env)
    bench_questionnaires(folder, args.participants, args.repeat)
    bench_professionals(path, args.repeat)
    bench_survey_save(path, min(args.saves, 200))
    bench_rewards(path, args.repeat)
    bench_factsheet(path, args.repeat, env)
    bench_workbook(path, args.repeat)
    bench_import(path)
    bench_coding()


if __name__ == "__main__":
    main()
