"""Numbered schema migrations, so a newer Brugmeter opens a file an older one wrote."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import peewee as pw
from peewee import fn
from playhouse.migrate import SchemaMigrator, migrate

from desktop.models import audit_guard, backups
from desktop.models.errors import DatabaseOpenError
from desktop.models.schema import (
    MODELS,
    Action,
    ActionType,
    AuditEntry,
    Code,
    CodeCategory,
    Coding,
    DeletedRecord,
    ErasurePermit,
    Interview,
    Narrative,
    Participant,
    Professional,
    Response,
    SchemaVersion,
    SecondEntry,
    SecondEntryValue,
    StudyInstrument,
    Survey,
    SurveyAnswer,
    SurveyResponse,
    User,
)

log = logging.getLogger(__name__)

CURRENT_VERSION = 11


def _to_2(migrator: SchemaMigrator) -> None:
    """Version columns for conflict detection and the double-entry state of a response."""
    migrate(
        migrator.add_column("participant", "version", Participant.version),
        migrator.add_column("response", "version", Response.version),
        migrator.add_column("response", "verification", Response.verification),
    )


def _to_3(migrator: SchemaMigrator) -> None:
    """Instruments versioned (one row per key and version); a study's own cut-off and norm."""
    migrate(
        migrator.drop_index("instrument", "instrument_key"),
        migrator.add_index("instrument", ("key", "version"), True),
        migrator.add_column("study_instrument", "cutoff", StudyInstrument.cutoff),
        migrator.add_column("study_instrument", "norm_n", StudyInstrument.norm_n),
        migrator.add_column("study_instrument", "norm_percent_high",
                            StudyInstrument.norm_percent_high),
    )


def _to_4(migrator: SchemaMigrator) -> None:
    """Professionals and their survey: rankings, implementation statements, fidelity."""
    migrator.database.create_tables([Professional, Survey, SurveyResponse, SurveyAnswer])


def _to_5(migrator: SchemaMigrator) -> None:
    """Goal-action plans: action types (rewardable or not) and each participant's actions."""
    migrator.database.create_tables([ActionType, Action])


def _to_6(migrator: SchemaMigrator) -> None:
    """The factsheet's narrative texts and edited result sentences."""
    migrator.database.create_tables([Narrative])


def _to_7(migrator: SchemaMigrator) -> None:
    """Interviews with their transcripts, the codebook and the codings."""
    migrator.database.create_tables([Interview, CodeCategory, Code, Coding])


def _to_8(migrator: SchemaMigrator) -> None:
    """Unique where a column is empty too: one study-wide text per kind and language, one
    top-level category per name (doubles written at the same moment by two people are resolved
    first: the newest text is kept, a doubled category gets a number)."""
    for keep in (Narrative.select(fn.MAX(Narrative.id)).where(Narrative.site.is_null())
                 .group_by(Narrative.study, Narrative.language, Narrative.kind)
                 .having(fn.COUNT(Narrative.id) > 1).scalars()):
        newest = Narrative.get_by_id(keep)
        removed = Narrative.delete().where(
            (Narrative.study == newest.study_id) & (Narrative.language == newest.language)
            & (Narrative.kind == newest.kind) & Narrative.site.is_null()
            & (Narrative.id != keep)).execute()
        log.warning("narrative %s: %d older double(s) removed", newest.kind, removed)
    doubled = (CodeCategory.select(CodeCategory.study, CodeCategory.name)
               .where(CodeCategory.parent.is_null())
               .group_by(CodeCategory.study, CodeCategory.name)
               .having(fn.COUNT(CodeCategory.id) > 1).tuples())
    for study_id, name in list(doubled):
        rows = (CodeCategory.select().where((CodeCategory.study == study_id)
                                            & (CodeCategory.name == name)
                                            & CodeCategory.parent.is_null())
                .order_by(CodeCategory.id))
        for number, category in enumerate(list(rows)[1:], start=2):
            category.name = f"{name} ({number})"[:120]
            category.save()
    for model in (Narrative, CodeCategory):
        model._schema.create_indexes(safe=True)


def _to_9(migrator: SchemaMigrator) -> None:
    """The audit trail append-only in the database itself (erasure's permit table and the
    triggers), and indexes to browse it per user, per table and per period."""
    migrator.database.create_tables([ErasurePermit])
    AuditEntry._schema.create_indexes(safe=True)
    audit_guard.install(migrator.database)


def _to_10(migrator: SchemaMigrator) -> None:
    """Users with a role (assistant or lead), and the recycle bin of soft-deleted records."""
    migrator.database.create_tables([User, DeletedRecord])


def _to_11(migrator: SchemaMigrator) -> None:
    """Double data entry: second entries of paper forms, kept apart from the responses."""
    migrator.database.create_tables([SecondEntry, SecondEntryValue])


MIGRATIONS: dict[int, Callable[[SchemaMigrator], None]] = {
    2: _to_2, 3: _to_3, 4: _to_4, 5: _to_5, 6: _to_6, 7: _to_7, 8: _to_8, 9: _to_9,
    10: _to_10, 11: _to_11}


def stored_version(db: pw.Database) -> int | None:
    """The schema version written in the file; None for an empty database."""
    if not db.table_exists(SchemaVersion._meta.table_name):
        if db.get_tables():
            raise DatabaseOpenError("error.db_foreign")
        return None
    row = SchemaVersion.select().first()
    if row is None:  # our tables, but the version row is gone: do not guess
        raise DatabaseOpenError("error.db_damaged")
    return row.version


def ensure_schema(db: pw.Database, create: bool = True) -> Path | None:
    """Create a new schema (when asked to), or migrate an older one after a backup; refuse a
    newer one. Returns the backup path when a migration ran.
    """
    version = stored_version(db)
    if version is None and not create:  # an empty file where a study was expected
        raise DatabaseOpenError("error.db_empty")
    if version is None:
        with db.atomic():
            db.create_tables(MODELS)
            audit_guard.install(db)
            SchemaVersion.delete().execute()
            SchemaVersion.create(version=CURRENT_VERSION)
        return None
    if version > CURRENT_VERSION:
        raise DatabaseOpenError("error.db_too_new", found=version, supported=CURRENT_VERSION)
    if version == CURRENT_VERSION:
        return None
    backup = backups.before_migration(db, CURRENT_VERSION) if _is_sqlite(db) else None
    migrator = SchemaMigrator.from_database(db)
    # SQLite rebuilds a table to change a column; with foreign keys on, dropping the old copy
    # would cascade-delete every row that points at it. Off for the migration, checked after.
    if _is_sqlite(db):
        db.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        for target in range(version + 1, CURRENT_VERSION + 1):
            with db.atomic():
                log.info("migrating schema to version %d", target)
                MIGRATIONS[target](migrator)
                SchemaVersion.update(version=target).execute()
                if _is_sqlite(db) and db.execute_sql("PRAGMA foreign_key_check").fetchall():
                    raise DatabaseOpenError("error.migration_failed", version=target)
        db.create_tables(MODELS, safe=True)  # indexes a rebuilt table lost come back
    finally:
        if _is_sqlite(db):
            db.execute_sql("PRAGMA foreign_keys = ON")
    return backup


def _is_sqlite(db: pw.Database) -> bool:
    return isinstance(db, pw.SqliteDatabase)
