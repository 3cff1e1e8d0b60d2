"""Where Brugmeter keeps its files, so every layer agrees on one place."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import PlatformDirs

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
INSTRUMENTS = RESOURCES / "instruments"
SURVEYS = RESOURCES / "surveys"
ACTION_TYPES = RESOURCES / "actions" / "action_types.json"
CATALOGUES = RESOURCES / "i18n"
NARRATIVES = RESOURCES / "narratives"

_DIRS = PlatformDirs("Brugmeter", appauthor=False)


def data_dir() -> Path:
    """The user's data folder; BRUGMETER_DATA_DIR overrides it (tests, portable installs)."""
    override = os.environ.get("BRUGMETER_DATA_DIR")
    path = Path(override) if override else Path(_DIRS.user_data_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database() -> Path:
    return data_dir() / "brugmeter.sqlite"


def demo_database() -> Path:
    return data_dir() / "demo.sqlite"


def log_dir() -> Path:
    override = os.environ.get("BRUGMETER_DATA_DIR")
    path = Path(override) / "logs" if override else Path(_DIRS.user_log_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path
