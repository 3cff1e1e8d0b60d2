"""(i) The Excel workbook of the 20,000-participant demo study (`write_workbook`: every data
sheet, the codebook, the findings and their charts) beside `pandas.DataFrame.to_excel` writing
the same data sheets, from the same rows, in the same run (goal: faster than pandas).

pandas (installed with Brugmeter for the SPSS export) takes minutes on this study, so it runs
once; Brugmeter runs min(repeat, 3) times (median).
Called from run.py as bench_workbook(path, repeat); also runnable alone:
`python tests/benchmarks/workbook.py [STUDY.sqlite]`.

(j) `bench_import(path)`: the same study's workbook imported into an empty database (every cell
through the services' checks, the rows written in bulk), and a participants sheet of 100,000
rows; each import runs in a child process, which reports its time and its peak memory.
`python tests/benchmarks/workbook.py --import [STUDY.sqlite]`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _pandas_baseline(study_id: int, target: Path) -> tuple[float, int, str] | None:
    """Seconds, rows written and engine of pandas writing the workbook's data sheets."""
    try:
        import pandas as pd
    except ImportError:
        return None
    from reports.workbook.context import export_context
    from reports.workbook.registry import data_sheets

    start = time.perf_counter()
    rows = 0
    with pd.ExcelWriter(target) as writer:
        engine = writer.engine
        for sheet in data_sheets(export_context(study_id)):
            frame = pd.DataFrame(list(sheet.rows()), columns=sheet.header())
            frame.to_excel(writer, sheet_name=sheet.name[:31], index=False)
            rows += len(frame)
    return time.perf_counter() - start, rows, engine


def bench_workbook(path: Path, repeat: int) -> None:
    from desktop.models.database import close_database, open_database
    from desktop.models.services import studies
    from reports.workbook import write_workbook

    open_database(path, create=False)
    study = studies.resolve_study()
    folder = Path(tempfile.mkdtemp(prefix="brugmeter-workbook-bench-"))
    times, result = [], None
    for _ in range(max(1, min(repeat, 3))):
        start = time.perf_counter()
        result = write_workbook(study.id, folder / "brugmeter.xlsx")
        times.append(time.perf_counter() - start)
    ours = statistics.median(times)
    data_rows = sum(count for name, count in result.rows.items()
                    if not name.startswith("findings_") and name != "codebook")
    size = (folder / "brugmeter.xlsx").stat().st_size / 1e6
    baseline = _pandas_baseline(study.id, folder / "pandas.xlsx")
    close_database()
    line = (f"(i) Excel workbook, {len(result.sheets)} sheets, {sum(result.rows.values()):,} rows "
            f"({data_rows:,} in the data sheets), {size:.0f} MB   Brugmeter {ours:6.1f} s")
    if baseline is None:
        print(line + "   pandas.to_excel skipped: pandas is not installed in this venv")
    else:
        seconds, rows, engine = baseline
        size = (folder / "pandas.xlsx").stat().st_size / 1e6
        print(f"{line}   pandas.to_excel ({engine}) of the data sheets, {rows:,} rows, "
              f"{size:.0f} MB {seconds:6.1f} s   ratio {ours / seconds:4.2f}x   (goal < 1)")
    for file in folder.iterdir():
        file.unlink()
    folder.rmdir()


def _import_child(workbook: Path, target: Path) -> None:
    """In a child process: import `workbook` into a new database; print seconds, rows and the
    peak memory (resident set) before and during the import, as JSON."""
    from desktop.models.database import close_database, open_database
    from reports.workbook.importer import import_workbook

    open_database(target)
    before = _memory("VmRSS")
    _reset_peak()
    start = time.perf_counter()
    report = import_workbook(workbook)
    seconds = time.perf_counter() - start
    close_database()
    print(json.dumps({"seconds": seconds, "imported": report.imported,
                      "rows": sum(report.rows.values()), "refused": report.rejected_count,
                      "base_mb": before, "peak_mb": _memory("VmHWM")}))


def _memory(field: str) -> float:
    """Megabytes of the process's resident set (VmRSS: now; VmHWM: the peak) from Linux's
    /proc; elsewhere the peak so far."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    """Start the peak (VmHWM) afresh, so it is the import's own (Linux 4.0 and later)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _timed_import(workbook: Path, target: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "--import-child", str(workbook),
                           str(target)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _participants_only(folder: Path, count: int) -> tuple[Path, float]:
    """A study of `count` participants and nothing else, exported: its workbook and the
    export's seconds."""
    from desktop.models.database import close_database, open_database, transaction
    from desktop.models.schema import Participant
    from desktop.models.services import studies
    from reports.workbook import write_workbook

    open_database(folder / "participants.sqlite")
    study_id = studies.create_study(studies.StudyInput("Participants only",
                                                       sites=["Alphen", "Leiden"]))
    site = studies.get_study(study_id).sites[0].id
    rows = [(study_id, f"P{n:06d}", site, "consented" if n % 2 else "approached",
             dt.date(2018, 1, 1 + n % 28) if n % 2 else None, "beloning" if n % 2 else "")
            for n in range(count)]
    fields = [Participant.study, Participant.code, Participant.site, Participant.status,
              Participant.inclusion_date, Participant.study_group]
    with transaction():
        for start in range(0, count, 5000):
            Participant.insert_many(rows[start:start + 5000], fields=fields).execute()
    start = time.perf_counter()
    workbook = write_workbook(study_id, folder / "participants.xlsx").path
    seconds = time.perf_counter() - start
    close_database()
    return workbook, seconds


def bench_import(path: Path) -> None:
    """(j) Export the study at `path` (a copy: opening may migrate it) and import the workbook
    into an empty database; then the same for a participants sheet of 100,000 rows."""
    from desktop.models.database import close_database, open_database
    from desktop.models.services import studies
    from reports.workbook import write_workbook

    folder = Path(tempfile.mkdtemp(prefix="brugmeter-import-bench-"))
    try:
        copy = folder / "study.sqlite"
        shutil.copy(path, copy)
        open_database(copy, create=False)
        study = studies.resolve_study()
        start = time.perf_counter()
        result = write_workbook(study.id, folder / "study.xlsx")
        exported = time.perf_counter() - start
        close_database()
        data_rows = sum(count for name, count in result.rows.items()
                        if not name.startswith("findings_") and name != "codebook")
        found = _timed_import(result.path, folder / "imported.sqlite")
        print(f"(j) workbook import, {data_rows:,} data rows ({found['rows']:,} read, "
              f"{found['refused']} refused)   export {exported:6.1f} s   import into an "
              f"empty database {found['seconds']:6.1f} s   peak memory "
              f"{found['peak_mb']:.0f} MB ({found['base_mb']:.0f} MB before the import)")
        workbook, exported = _participants_only(folder, 100_000)
        found = _timed_import(workbook, folder / "participants-imported.sqlite")
        print(f"    participants sheet of 100,000 rows   export {exported:5.1f} s   import "
              f"{found['seconds']:5.1f} s   peak memory {found['peak_mb']:.0f} MB "
              f"({found['base_mb']:.0f} MB before the import)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":

    if sys.argv[1:2] == ["--import-child"]:
        _import_child(Path(sys.argv[2]), Path(sys.argv[3]))
        sys.exit(0)
    importing = sys.argv[1:2] == ["--import"]
    arguments = sys.argv[2:] if importing else sys.argv[1:]
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import study_from_arguments

    study_file = study_from_arguments(arguments)
    if importing:
        bench_import(study_file)
    else:
        bench_workbook(study_file, 3)
