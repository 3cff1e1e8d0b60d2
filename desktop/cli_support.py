"""What nearly every command does first: open the database named by --db (or the user's
default one) and find the study named by --study (or the database's only one)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line imports the database layer only once a command runs
    from desktop.models.services.studies import StudyInfo


def database_target(target: str | None) -> str | Path:
    """The database to use: the one named on the command line, else the default file."""
    from desktop.paths import default_database

    return target or default_database()


def open_target(target: str | None, create: bool = False) -> None:
    from desktop.models.database import open_database

    open_database(database_target(target), create=create)


def open_study(target: str | None, study_name: str | None) -> StudyInfo:
    """Open an existing database and return the study asked for; a clear error otherwise."""
    from desktop.models.services.studies import resolve_study

    open_target(target)
    return resolve_study(study_name)
