"""What the application shell needs from the core: switching databases and the demo study.

No Qt here, so the CLI and tests can use the same switching rules.
"""

from __future__ import annotations

import logging
from pathlib import Path

from desktop import paths
from desktop.models.database import open_database
from desktop.models.errors import BrugmeterError
from desktop.models.schema import database
from desktop.models.services import studies

log = logging.getLogger(__name__)


def switch_database(target: str | Path) -> None:
    """Open another database; if it cannot be used, the one open before stays open and usable."""
    previous = database.obj
    try:
        open_database(target)
    except BrugmeterError:
        if previous is not None:
            database.initialize(previous)
            if previous.is_closed():
                previous.connect()
        raise
    if previous is not None and previous is not database.obj and not previous.is_closed():
        previous.close()


def first_study_id(preferred: int | None = None) -> int | None:
    """The study to show: the preferred one if the open database has it, else the first."""
    ids = [study.id for study in studies.list_studies()]
    if preferred in ids:
        return preferred
    return ids[0] if ids else None


def open_demo_study(language: str, participants: int = 120, seed: int = 2017) -> int:
    """Open the demo database (creating it when needed) and return its study's id.

    The demo is written only once; opening it again shows what was entered since.
    """
    switch_database(paths.demo_database())
    existing = first_study_id()
    if existing is not None:
        return existing
    from desktop.models.demo import write_demo  # only needed the first time

    log.info("writing demo study (%d participants, seed %d)", participants, seed)
    return write_demo(participants=participants, seed=seed, language=language)
