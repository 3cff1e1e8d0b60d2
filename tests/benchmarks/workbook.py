"""(i) The Excel workbook of the 20,000-participant demo study (`write_workbook`: every data
sheet, the codebook, the findings and their charts) beside `pandas.DataFrame.to_excel` writing
the same data sheets, from the same rows, in the same run (goal: faster than pandas).

pandas is not a dependency of Brugmeter: install it into the venv to get the comparison
(`.venv/bin/pip install pandas`); without it the baseline is skipped and said so. pandas
takes minutes on this study, so it runs once; Brugmeter runs min(repeat, 3) times (median).
Called from run.py as bench_workbook(path, repeat); also runnable alone:
`python tests/benchmarks/workbook.py [STUDY.sqlite]`.
"""

from __future__ import annotations

import statistics
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


if __name__ == "__main__":
    import os

    if len(sys.argv) > 1:
        study_file = Path(sys.argv[1])
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from run import _study_file

        bench = Path(tempfile.gettempdir()) / "brugmeter-bench"
        bench.mkdir(parents=True, exist_ok=True)
        os.environ.setdefault("BRUGMETER_DATA_DIR", str(bench / "data"))
        study_file = _study_file(bench, 20_000)
    bench_workbook(study_file, 3)
