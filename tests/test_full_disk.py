"""A full disk and a read-only folder: every save and export that meets one gets a clear
message naming the place, loses nothing saved before, and leaves no partial or temporary file.

A full disk is simulated with RLIMIT_FSIZE in a worker process (tests/helpers/limited_writer.py
for the services and reports, the brugmeter command for the CLI), with SIGXFSZ ignored so that
the write fails with EFBIG as it would with ENOSPC. A read-only folder is a folder without
write permission, and the writer runs as root without CAP_DAC_OVERRIDE (dropped from its
capability bounding set), so that root meets the permission as any user does.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.models.database import close_database, open_database
from desktop.models.demo import write_demo
from desktop.models.services import codebook, studies

ROOT = Path(__file__).resolve().parents[1]
WORKER = ROOT / "tests" / "helpers" / "limited_writer.py"
SAVES = ("participant", "bridge", "questionnaire")
EXPORTS = {"xlsx": "study.xlsx", "pdf": "factsheet.pdf", "template": "template.xlsx",
           "qdc": "codebook.qdc", "sav": "study.sav"}
CLI_EXPORTS = {"xlsx": ["export-xlsx", "-o"], "pdf": ["factsheet", "-o"],
               "template": ["template", "--study", "Demostudie Mobility Mentoring®", "-o"],
               "qdc": ["codebook", "export"]}  # --sav writes the workbook first: as xlsx
PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2
SAVE_ROOM = 40_000  # bytes a database may grow by before the "disk" is full
EXPORT_ROOM = 1_000  # bytes an export may write


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    """A small demo study with its interviews' codebook, the base every test copies."""
    path = tmp_path_factory.mktemp("full-disk") / "demo.sqlite"
    open_database(path)
    study_id = write_demo(6, 3)
    assert codebook.codebook(study_id).codes
    close_database()
    return path


@pytest.fixture
def study_file(demo_file, tmp_path) -> Path:
    """A copy of the demo study, opened once here so that today's automatic backup is made
    before any limit (a failed backup is only logged, but would add a line to the output)."""
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "study.sqlite"
    shutil.copyfile(demo_file, path)
    open_database(path)
    close_database()
    return path


def _environment(data: Path) -> dict[str, str]:
    """The writer's environment: its own data folder, and no bytecode written — under a size
    limit Python would leave truncated .pyc files in the source tree."""
    return {**os.environ, "PYTHONPATH": str(ROOT), "BRUGMETER_DATA_DIR": str(data),
            "XDG_CONFIG_HOME": str(data / "config"), "QT_QPA_PLATFORM": "offscreen",
            "PYTHONDONTWRITEBYTECODE": "1"}


def _limit_file_size(size: int):
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, resource.RLIM_INFINITY))
    return limit


def _without_permission_override() -> None:
    """Root as any user: without the capabilities that let it write where it may not."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@pytest.fixture(scope="module")
def read_only_runs() -> None:
    """Skip where a read-only folder cannot be made to hold for this process's children."""
    probe = Path(os.environ.get("TMPDIR", "/tmp")) / f"brugmeter-ro-probe-{os.getpid()}"
    probe.mkdir(mode=0o555)
    try:
        result = subprocess.run([sys.executable, "-c", f"open({str(probe / 'x')!r}, 'w')"],
                                preexec_fn=_without_permission_override, capture_output=True)
        if result.returncode == 0:
            pytest.skip("cannot make a folder read-only for a child process here")
    except OSError as error:
        pytest.skip(f"cannot drop the permission override here: {error}")
    finally:
        (probe / "x").unlink(missing_ok=True)
        probe.rmdir()


def _worker(database: Path, job: str, target: Path, limit: int | None = None,
            read_only: bool = False) -> list[dict]:
    command = [sys.executable, str(WORKER), str(database), job, str(target)]
    if limit is not None:
        command += ["--limit", str(limit)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120,
                            env=_environment(database.parent),
                            preexec_fn=_without_permission_override if read_only else None)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def _contents(database: Path) -> tuple[list, dict[str, int]]:
    """The file's integrity check and its row counts, read with plain sqlite3."""
    with sqlite3.connect(database) as connection:
        check = connection.execute("PRAGMA integrity_check").fetchall()
        tables = [name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        counts = {table: connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
                  for table in tables}
    connection.close()
    return check, counts


def _leftovers(folder: Path, expected: set[str]) -> set[str]:
    """Files in `folder` that should not be there: partial outputs and temporary files."""
    return {path.name for path in folder.iterdir()} - expected


DATABASE_FILES = {"study.sqlite", "study.sqlite-wal", "study.sqlite-shm", "backups", "config"}


# -- saves -----------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", SAVES)
def test_a_save_on_a_full_disk_is_refused_clearly_and_loses_nothing(study_file, kind):
    _, before = _contents(study_file)
    lines = _worker(study_file, kind, study_file.parent / "unused", limit=SAVE_ROOM)
    saved = [line["saved"] for line in lines if "saved" in line]
    refusal = lines[-1]
    assert refusal["type"] == "StorageError"
    assert refusal["error"] in ("error.db_write_failed", "error.disk_full")
    assert str(study_file) in refusal["message"]
    assert "schijf" in refusal["message"] and "vol" in refusal["message"]
    check, after = _contents(study_file)
    assert check == [("ok",)]
    # every acknowledged save is there; of the refused one, at most its first transaction
    # (a participant added before the response that did not fit)
    added = after["participant"] - before["participant"]
    assert len(saved) <= added <= len(saved) + 1
    if kind != "participant":
        items = 8 if kind == "bridge" else 12
        assert after["response"] - before["response"] == len(saved)
        assert after["response_value"] - before["response_value"] == len(saved) * items
    assert _leftovers(study_file.parent, DATABASE_FILES) == set()


def test_saves_nested_in_one_transaction_are_refused_once_and_whole(study_file):
    """As an import saves: when the disk fills up inside a save nested in a bigger one, SQLite
    has already dropped the whole transaction; the message says why, once."""
    _, before = _contents(study_file)
    lines = _worker(study_file, "nested", study_file.parent / "unused", limit=SAVE_ROOM)
    assert lines[-1]["error"] in ("error.db_write_failed", "error.disk_full"), lines
    assert lines[-1]["message"].count(str(study_file)) == 1
    assert _contents(study_file) == ([("ok",)], before)


def test_a_database_in_a_read_only_folder_is_said_so(study_file, read_only_runs):
    _, before = _contents(study_file)
    study_file.parent.chmod(0o555)
    try:
        lines = _worker(study_file, "participant", study_file.parent / "unused",
                        read_only=True)
    finally:
        study_file.parent.chmod(0o755)
    assert lines == [{"error": "error.db_read_only", "type": "DatabaseOpenError",
                      "message": lines[-1]["message"]}]
    assert str(study_file) in lines[-1]["message"] and "alleen-lezen" in lines[-1]["message"]
    assert _contents(study_file) == ([("ok",)], before)


# -- exports ---------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(EXPORTS))
def test_an_export_to_a_full_disk_is_refused_clearly_and_leaves_no_file(study_file, tmp_path,
                                                                        kind):
    out = tmp_path / "out"
    out.mkdir()
    _, before = _contents(study_file)
    target = out / EXPORTS[kind]
    lines = _worker(study_file, kind, target, limit=EXPORT_ROOM)
    assert lines[-1]["error"] == "error.file_disk_full", lines
    assert lines[-1]["type"] == "StorageError"
    assert out.name in lines[-1]["message"] and "de schijf is vol" in lines[-1]["message"]
    assert list(out.iterdir()) == []
    assert _contents(study_file) == ([("ok",)], before)


@pytest.mark.parametrize("kind", sorted(EXPORTS))
def test_an_export_to_a_read_only_folder_is_refused_clearly(study_file, tmp_path, kind,
                                                           read_only_runs):
    out = tmp_path / "out"
    out.mkdir(mode=0o555)
    target = out / EXPORTS[kind]
    lines = _worker(study_file, kind, target, read_only=True)
    assert lines[-1]["error"] == "error.file_not_writable", lines
    assert str(out) in lines[-1]["message"] and "schrijfrechten" in lines[-1]["message"]
    assert list(out.iterdir()) == []


# -- the command line ------------------------------------------------------------------------

def _cli(arguments: list[str], data: Path, preexec=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "desktop.cli", *arguments],
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env=_environment(data), preexec_fn=preexec)


def _one_clear_line(result: subprocess.CompletedProcess, *words: str) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]
    return lines[0]


def _grow_codebook(database: Path) -> None:
    """Codes enough for a codebook file larger than the room the CLI test leaves."""
    open_database(database)
    study_id = studies.resolve_study(None).id
    for number in range(40):
        codebook.add_code(study_id, f"Code {number}", "Een lange omschrijving. " * 40, None)
    close_database()


@pytest.mark.parametrize("kind", sorted(CLI_EXPORTS))
def test_the_cli_says_in_one_line_that_the_disk_is_full(study_file, tmp_path, kind):
    out = tmp_path / "out"
    out.mkdir()
    target = out / EXPORTS[kind]
    if kind == "qdc":
        _grow_codebook(study_file)
    # room for SQLite's 32 KiB shared-memory index, not for any export
    result = _cli([*CLI_EXPORTS[kind], str(target), "--db", str(study_file)],
                  study_file.parent, _limit_file_size(33_000))
    _one_clear_line(result, "de schijf is vol", out.name)
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("kind", sorted(CLI_EXPORTS))
def test_the_cli_says_in_one_line_that_a_folder_is_read_only(study_file, tmp_path, kind,
                                                             read_only_runs):
    out = tmp_path / "out"
    out.mkdir(mode=0o555)
    target = out / EXPORTS[kind]
    result = _cli([*CLI_EXPORTS[kind], str(target), "--db", str(study_file)],
                  study_file.parent, _without_permission_override)
    _one_clear_line(result, "schrijfrechten", str(out))
    assert list(out.iterdir()) == []


def test_the_cli_says_in_one_line_that_a_save_did_not_fit(study_file, tmp_path):
    """An import is the command line's big save: refused whole when the disk fills up."""
    workbook = tmp_path / "study.xlsx"
    assert _cli(["export-xlsx", "-o", str(workbook), "--db", str(study_file)],
                study_file.parent).returncode == 0
    target = tmp_path / "target" / "study.sqlite"
    target.parent.mkdir()
    open_database(target)  # an empty database, made while there is room
    close_database()
    _, before = _contents(target)
    result = _cli(["import", str(workbook), "--db", str(target)], target.parent,
                  _limit_file_size(33_000))  # the shared-memory index, a few pages
    _one_clear_line(result, str(target), "schijf")
    assert _contents(target) == ([("ok",)], before)
    assert _leftovers(target.parent, {"study.sqlite", "study.sqlite-wal", "study.sqlite-shm",
                                      "backups", "config"}) == set()


def test_the_cli_says_in_one_line_that_the_database_folder_is_read_only(study_file,
                                                                        read_only_runs):
    _, before = _contents(study_file)
    study_file.parent.chmod(0o555)
    try:
        result = _cli(["professional", "add", "PR-NEW", "--db", str(study_file)],
                      study_file.parent, _without_permission_override)
    finally:
        study_file.parent.chmod(0o755)
    _one_clear_line(result, str(study_file), "alleen-lezen")
    assert _contents(study_file) == ([("ok",)], before)


def test_the_limit_lets_small_writes_through(study_file, tmp_path):
    """The simulation itself: under the same limits a write that fits succeeds, so what the
    tests above see is the full disk and not a broken worker."""
    lines = _worker(study_file, "qdc", tmp_path / "small.qdc", limit=10**7)
    assert lines == [{"done": str(tmp_path / "small.qdc")}]
    assert (tmp_path / "small.qdc").stat().st_size > 0


# -- a real full disk: a small tmpfs, where the container allows mounting one ----------------

def _in_small_tmpfs(script: str, folder: Path, size: str) -> subprocess.CompletedProcess:
    """Run a shell script in a private mount namespace with a tmpfs of `size` at `folder`."""
    return subprocess.run(["unshare", "--mount", "sh", "-c",
                           f"mount -t tmpfs -o size={size} brugmeter-full {folder} && {script}"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env=_environment(folder.parent))


@pytest.fixture(scope="module")
def tmpfs_mounts(tmp_path_factory) -> None:
    folder = tmp_path_factory.mktemp("tmpfs-probe")
    try:
        result = _in_small_tmpfs("true", folder, "64k")
    except (OSError, subprocess.SubprocessError) as error:
        pytest.skip(f"cannot mount a tmpfs here: {error}")
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")


def test_saves_on_a_really_full_disk(study_file, tmp_path, tmpfs_mounts):
    """ENOSPC, as SQLite meets it on a full disk: the save is refused by name, the file (copied
    out of the tmpfs afterwards) holds every acknowledged save and passes its check."""
    disk = tmp_path / "disk"
    disk.mkdir()
    kept = tmp_path / "kept"
    kept.mkdir()
    _, before = _contents(study_file)
    room = study_file.stat().st_size + 512 * 1024
    worker = f"{sys.executable} {WORKER} {disk}/study.sqlite bridge {disk}/unused"
    result = _in_small_tmpfs(f"cp {study_file} {disk}/ && {worker}; cp {disk}/study.* {kept}/",
                             disk, str(room))
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[-1]["error"] == "error.disk_full", (lines[-1:], result.stderr)
    assert "vol" in lines[-1]["message"] and str(disk) in lines[-1]["message"]
    saved = [line for line in lines if "saved" in line]
    check, after = _contents(kept / "study.sqlite")
    assert check == [("ok",)] and saved
    assert after["response"] - before["response"] == len(saved)
    assert after["response_value"] - before["response_value"] == 8 * len(saved)


@pytest.mark.parametrize("kind", sorted(EXPORTS))
def test_exports_to_a_really_full_disk(study_file, tmp_path, tmpfs_mounts, kind):
    disk = tmp_path / "disk"
    disk.mkdir()
    if kind == "qdc":
        _grow_codebook(study_file)
    worker = f"{sys.executable} {WORKER} {study_file} {kind} {disk}/{EXPORTS[kind]}"
    result = _in_small_tmpfs(f"{worker}; echo LISTING; ls -A {disk}", disk, "8k")
    said, listing = result.stdout.split("LISTING\n")
    refusal = json.loads(said.splitlines()[-1])
    assert refusal["error"] == "error.file_disk_full", (said, result.stderr)
    assert EXPORTS[kind].split(".")[0] in refusal["message"]
    assert listing == "", f"left behind: {listing}"
