"""`brugmeter backup` and `brugmeter restore`: the SQLite file's backups on the command line,
through the same functions as File → Back up now and File → Restore… in the app."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.i18n import tr
from desktop.models import backups


def add_parsers(commands: argparse._SubParsersAction) -> list[argparse.ArgumentParser]:
    """The subcommands; both take --db."""
    backup = commands.add_parser("backup", help="copy the database (a SQLite file) into the "
                                 "backup folder")
    backup.add_argument("--folder", type=Path, help="this folder instead of the backup folder "
                        "(default: backups/ beside the database, or the one chosen in the app)")
    backup.add_argument("--list", action="store_true",
                        help="list the database's backups, newest first, instead")
    restoring = commands.add_parser("restore", help="put a backup in the database's place; "
                                    "the current file is kept in the backup folder")
    restoring.add_argument("backup", type=Path, help="the backup file (.sqlite)")
    restoring.add_argument("--yes", action="store_true", help="restore even when that brings "
                           "back participants erased after the backup was made")
    return [backup, restoring]


def run(target: str | None, args: argparse.Namespace) -> int:
    from desktop.models.database import is_url
    from desktop.paths import default_database

    if target and is_url(target):
        raise backups.BackupError("backup.not_sqlite")
    database = Path(target).expanduser() if target else default_database()
    if args.command == "restore":
        return _restore(database, args.backup, args.yes)
    if args.list:
        return _list(database, args.folder)
    _check_database(database)
    written = backups.make_backup(database, backups.MANUAL, args.folder)
    print(tr("cli_backup.written", path=written))
    print("  " + backups.contents_text(backups.describe(written)))
    return 0


# describe() words its refusals for a backup; here the file refused is the database
_AS_DATABASE = {"backup.missing": "backup.source_missing",
                "backup.not_database": "error.db_not_database",
                "backup.damaged": "error.db_not_database", "backup.too_new": "error.db_too_new"}


def _check_database(database: Path) -> None:
    """Refuse a file that is not a Brugmeter database before copying it, naming it a database."""
    try:
        backups.describe(database)
    except backups.BackupError as error:
        if error.key not in _AS_DATABASE:
            raise
        raise backups.BackupError(_AS_DATABASE[error.key], **error.params) from None


def _list(database: Path, folder: Path | None) -> int:
    folder = folder or backups.backup_folder(database)
    found = backups.list_backups(database, folder)
    if not found:
        print(tr("cli_backup.none", database=database, folder=folder))
        return 0
    print(tr("cli_backup.listed", database=database, folder=folder))
    for backup in found:
        try:
            participants = str(backups.describe(backup.path).participants)
        except backups.BackupError:
            participants = "?"
        print(f"  {backup.made_at.strftime(backups.SHOWN)}  {backups.kind_label(backup.kind):<26}"
              f" {backups.size_text(backup.size):>10} {participants:>6}  {backup.path.name}")
    return 0


def _restore(database: Path, backup: Path, confirmed: bool) -> int:
    _require_lead(database)
    try:
        result = backups.restore(backup, database, bring_back_erased=confirmed)
    except backups.ErasedDataError as error:
        print(tr("cli.error", message=error.message), file=sys.stderr)
        print(tr("cli_backup.use_yes"), file=sys.stderr)
        return 1
    print(tr("cli_backup.restored", backup=backup, database=database))
    print("  " + backups.contents_text(result.restored))
    if result.kept_aside is not None:
        print(tr("cli_backup.kept_aside", path=result.kept_aside))
    return 0


def _require_lead(database: Path) -> None:
    """Restoring is a lead's task, asked of the database to be replaced while it still opens
    (a file too damaged to open is what a restore is for). No daily backup of it: its thinning
    could take the very backup being restored."""
    from desktop.models.database import close_database, open_database
    from desktop.models.errors import DatabaseOpenError
    from desktop.models.services.users import require_lead

    if not database.exists():
        return
    try:
        open_database(database, create=False, daily_backup=False)
    except DatabaseOpenError:
        return
    try:
        require_lead()
    finally:
        close_database()
