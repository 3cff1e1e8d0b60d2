"""Moving a study between databases — a SQLite file and a team's PostgreSQL server, either way —
with a count check of every table.

The study's rows are found by following each table's foreign keys to the study. Into an empty
database every id is kept; into one with other studies each table's ids are shifted past its
highest id, so no row of the destination is touched. Instruments are shared between studies:
one of the same key and version is reused, and refused if its definition differs. Audit
entries follow the records they are about; the recycle bin's deleted records come along into
an empty database (their saved rows name the ids). Users are not copied: who works in the
destination is its own business (a team server's roles). All of it is one transaction: a
failed count, a lost connection or a full disk leaves the destination as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import peewee as pw

from desktop.models.errors import BrugmeterError, StorageError, ValidationError
from desktop.models.schema import (
    MODELS,
    AuditEntry,
    DeletedRecord,
    Instrument,
    SchemaVersion,
    Study,
)

log = logging.getLogger(__name__)

CHUNK = 2_000


class CopyError(BrugmeterError):
    """The study could not be copied; the destination is unchanged."""


@dataclass
class CopyResult:
    study_name: str
    destination_study_id: int
    counts: dict[str, int] = field(default_factory=dict)  # table → rows copied (and checked)
    audit_left_out: int = 0  # entries about records of other studies' or deleted records
    bin_left_out: int = 0  # deleted records: their saved rows name the source's ids


def _path_to_study(model: type[pw.Model]) -> list[pw.ForeignKeyField] | None:
    """The foreign keys leading from `model` to Study (a direct `study` key first)."""
    if model is Study:
        return []
    keys = [f for f in model._meta.fields.values()
            if isinstance(f, pw.ForeignKeyField) and f.rel_model is not model]
    keys.sort(key=lambda f: (f.rel_model is not Study, f.null))
    for key in keys:
        rest = _path_to_study(key.rel_model)
        if rest is not None:
            return [key, *rest]
    return None


def _scoped(model: type[pw.Model], study_id: int, db: pw.Database) -> pw.ModelSelect:
    query = model.select(*model._meta.sorted_fields)
    for key in _path_to_study(model) or []:
        query = query.join(key.rel_model, on=(key == key.rel_model.id))
    return query.where(Study.id == study_id).order_by(model.id).bind(db)


def study_record_ids(model: type[pw.Model], study_id: int) -> pw.ModelSelect:
    """The ids of `model`'s rows that belong to the study, as a subquery."""
    query = model.select(model.id)
    for key in _path_to_study(model) or []:
        query = query.join(key.rel_model, on=(key == key.rel_model.id))
    return query.where(Study.id == study_id)


def study_models() -> list[type[pw.Model]]:
    """Tables whose rows belong to one study, in an order that inserts parents first."""
    return [model for model in MODELS if _path_to_study(model) is not None]


def copy_study(source: pw.Database, destination: pw.Database, study_name: str,
               new_name: str | None = None,
               progress: Callable[[str], None] | None = None) -> CopyResult:
    """Copy the study called `study_name` from `source` into `destination` (both open, both at
    the current schema), as `new_name` if given. Raises CopyError/ValidationError with the
    reason; nothing is written then."""
    study = Study.select().where(Study.name == study_name).bind(source).first()
    if study is None:
        raise ValidationError("study", "error.copy_no_study", name=study_name)
    name = (new_name or study_name).strip()
    if Study.select().where(Study.name == name).bind(destination).exists():
        raise ValidationError("study", "error.copy_name_taken", name=name)
    studies_in_source = Study.select().bind(source).count()
    result = CopyResult(name, 0)
    with destination.atomic():
        if isinstance(destination, pw.PostgresqlDatabase):  # a colleague's insert would take
            for model in MODELS:  # an id we are about to use: they wait till we commit
                destination.execute_sql(
                    f'LOCK TABLE "{model._meta.table_name}" IN EXCLUSIVE MODE')
        offsets = {model: _highest_id(destination, model) for model in MODELS
                   if model is not SchemaVersion}
        instruments = _instrument_ids(source, destination, study.id, offsets)
        copied: dict[str, set[int]] = {}
        for model in study_models():
            if progress:
                progress(model._meta.table_name)
            copied[model._meta.table_name] = _copy_rows(
                source, destination, model, study.id, offsets, instruments,
                name if model is Study else None)
        audit_rows = _copy_audit(source, destination, copied, offsets,
                                 whole_file=studies_in_source == 1)
        bin_rows = DeletedRecord.select().where(DeletedRecord.study == study.id).bind(source)
        if not _ids_kept(offsets, instruments):
            result.bin_left_out = bin_rows.count()
        else:  # what the bin holds can be put back in the destination as it is
            fields = DeletedRecord._meta.sorted_fields
            _insert(destination, DeletedRecord, bin_rows.select(*fields).tuples().iterator(),
                    tuple(f.name for f in fields))
            result.counts["deleted_record"] = bin_rows.count()
        result.destination_study_id = study.id + offsets[Study]
        result.counts = {**_checked_counts(source, destination, study.id,
                                           result.destination_study_id, copied),
                         **result.counts}
        result.counts["audit_entry"] = audit_rows
        result.audit_left_out = (
            AuditEntry.select().bind(source).count() - audit_rows)
        _move_sequences(destination)
    log.info("study %r copied: %s", study_name, result.counts)
    return result


def _ids_kept(offsets: dict[type[pw.Model], int], instruments: dict[int, int]) -> bool:
    """Whether the study's records keep their ids in the destination, as the bin's saved rows
    name them (the destination's users and audit entries do not matter)."""
    return not any(offsets[model] for model in (*study_models(), DeletedRecord)) and all(
        source == there for source, there in instruments.items())


def _highest_id(db: pw.Database, model: type[pw.Model]) -> int:
    return model.select(pw.fn.MAX(model.id)).bind(db).scalar() or 0


def _instrument_ids(source: pw.Database, destination: pw.Database, study_id: int,
                    offsets: dict[type[pw.Model], int]) -> dict[int, int]:
    """Source instrument id → destination id: the same key and version reused (refused when its
    definition differs), any other added."""
    used = set()
    for model in study_models():
        if "instrument" in model._meta.fields and model._meta.fields["instrument"].rel_model \
                is Instrument:
            used.update(row[0] for row in _scoped(model, study_id, source)
                        .select(model._meta.fields["instrument"]).tuples())
    mapping: dict[int, int] = {}
    next_id = offsets[Instrument] + 1
    for row in (Instrument.select().where(Instrument.id.in_(sorted(used)))
                .order_by(Instrument.id).bind(source)):
        there = Instrument.select().where((Instrument.key == row.key)
                                          & (Instrument.version == row.version)) \
            .bind(destination).first()
        if there is not None and there.definition != row.definition:
            raise CopyError("error.copy_instrument_differs", key=row.key, version=row.version)
        if there is None:
            _insert(destination, Instrument, [
                (next_id, row.key, row.kind, row.version, row.definition)],
                ("id", "key", "kind", "version", "definition"))
            mapping[row.id] = next_id
            next_id += 1
        else:
            mapping[row.id] = there.id
    return mapping


def _copy_rows(source: pw.Database, destination: pw.Database, model: type[pw.Model],
               study_id: int, offsets: dict[type[pw.Model], int], instruments: dict[int, int],
               study_name: str | None) -> set[int]:
    fields = model._meta.sorted_fields
    names = tuple(f.name for f in fields)
    shift: list[Callable[[object], object]] = []
    for f in fields:
        if isinstance(f, pw.ForeignKeyField) and f.rel_model is Instrument:
            shift.append(lambda value: None if value is None else instruments[value])
        elif isinstance(f, pw.ForeignKeyField | pw.AutoField):
            step = offsets[model if isinstance(f, pw.AutoField) else f.rel_model]
            shift.append(lambda value, step=step: None if value is None else value + step)
        elif f.name == "name" and study_name is not None:
            shift.append(lambda _value, name=study_name: name)
        else:
            shift.append(lambda value: value)
    ids: set[int] = set()

    def rows() -> Iterator[tuple]:
        for row in _scoped(model, study_id, source).tuples().iterator():
            ids.add(row[0])
            yield tuple(move(value) for move, value in zip(shift, row, strict=True))

    _insert(destination, model, rows(), names)
    return ids


def _copy_audit(source: pw.Database, destination: pw.Database, copied: dict[str, set[int]],
                offsets: dict[type[pw.Model], int], whole_file: bool) -> int:
    """The entries about the copied records; from a file holding only this study, every entry
    (also about records since deleted or erased), their ids shifted as their table's were."""
    steps = {model._meta.table_name: offsets[model] for model in offsets}
    fields = AuditEntry._meta.sorted_fields
    names = tuple(f.name for f in fields)
    position = {name: index for index, name in enumerate(names)}
    next_id = offsets[AuditEntry]
    written = 0

    def rows() -> Iterator[tuple]:
        nonlocal next_id, written
        query = AuditEntry.select(*fields).order_by(AuditEntry.id).bind(source)
        for row in query.tuples().iterator():
            table, record = row[position["table"]], row[position["record_id"]]
            if not whole_file and record not in copied.get(table, ()):
                continue
            values = list(row)
            next_id += 1
            values[position["id"]] = next_id
            values[position["record_id"]] = record + steps.get(table, 0)
            written += 1
            yield tuple(values)

    _insert(destination, AuditEntry, rows(), names)
    return written


def _insert(db: pw.Database, model: type[pw.Model], rows: object,
            names: tuple[str, ...]) -> None:
    """Rows of Python values in `names` order, converted as the destination stores them and
    written with the driver's executemany in chunks."""
    fields = [model._meta.fields[name] for name in names]
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    sql = (f'INSERT INTO "{model._meta.table_name}" ({columns}) '
           f'VALUES ({", ".join([db.param] * len(fields))})')
    chunk: list[tuple] = []
    with pw.__exception_wrapper__:
        cursor = db.cursor()
        for row in rows:  # type: ignore[attr-defined]
            chunk.append(tuple(f.db_value(value) for f, value in zip(fields, row, strict=True)))
            if len(chunk) >= CHUNK:
                cursor.executemany(sql, chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)


def _checked_counts(source: pw.Database, destination: pw.Database, study_id: int,
                    new_study_id: int, copied: dict[str, set[int]]) -> dict[str, int]:
    """Every table's rows of the study counted again on both sides: they must agree."""
    counts: dict[str, int] = {}
    for model in study_models():
        table = model._meta.table_name
        there = _scoped(model, new_study_id, destination).count()
        here = _scoped(model, study_id, source).count()
        if not here == there == len(copied[table]):
            raise CopyError("error.copy_count", table=table, source=here, destination=there)
        counts[table] = there
    return counts


def _move_sequences(db: pw.Database) -> None:
    """PostgreSQL hands out ids from a sequence: move each past the ids written here."""
    if not isinstance(db, pw.PostgresqlDatabase):
        return
    for model in MODELS:
        if model is SchemaVersion:
            continue
        table = model._meta.table_name
        db.execute_sql(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                       f"GREATEST((SELECT MAX(id) FROM \"{table}\"), 1))")


def copy_between(source_target: str, destination_target: str, study_name: str | None,
                 new_name: str | None = None,
                 progress: Callable[[str], None] | None = None) -> CopyResult:
    """Open both databases (the destination is created when it is a new file) and copy; the
    models are left bound to neither: the caller reopens what it works with."""
    from desktop.models.database import (
        close_database,
        describe,
        open_database,
        translate_database_error,
    )

    source = open_database(source_target, create=False)
    try:
        names = [row.name for row in Study.select(Study.name).order_by(Study.id)]
        if not names:
            raise ValidationError("study", "error.no_study")
        if study_name is None:
            if len(names) != 1:
                raise ValidationError("study", "error.copy_choose_study",
                                      names=", ".join(names))
            study_name = names[0]
        destination = open_database(destination_target, create=True)
        try:
            return copy_study(source, destination, study_name, new_name, progress)
        except (pw.OperationalError, pw.InterfaceError, pw.IntegrityError) as error:
            raise translate_database_error(error, describe(destination), StorageError) \
                from None
        finally:
            close_database()
    finally:
        if not source.is_closed():
            source.close()
