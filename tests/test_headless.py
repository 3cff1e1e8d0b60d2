"""The core and the reports must run without Qt: no module of theirs may load PySide6."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADLESS = ["desktop.cli", "desktop.i18n", "desktop.paths"] + sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts)
    for folder in ("desktop/models", "reports")
    for path in (ROOT / folder).rglob("*.py")
    if path.name != "__init__.py"
)


def test_headless_modules_never_import_qt():
    code = (
        "import importlib, sys\n"
        f"for name in {HEADLESS!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('PySide6'))\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_heavy_libraries_load_only_when_needed():
    """Start-up stays fast: opening a database and listing participants needs no scipy."""
    code = (
        "import sys\n"
        "import desktop.cli, desktop.models.database, desktop.models.services.participants\n"
        "import desktop.models.services.bridge, desktop.models.services.progress\n"
        "import reports.findings\n"
        "heavy = [m for m in ('scipy', 'openpyxl', 'reportlab') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_views_never_query_the_database():
    offenders = []
    for path in (ROOT / "desktop" / "views").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "import peewee" in text or "desktop.models.schema" in text or ".select(" in text:
            offenders.append(path.name)
    assert offenders == []
