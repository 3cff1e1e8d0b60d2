"""The study's codebook: codes with a definition and a colour, in a tree of categories.
Renaming or moving a code keeps its codings (they point at the code, not its name); merging
moves one code's codings onto another. Every change returns what an undo needs."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from desktop.models import audit
from desktop.models.database import transaction
from desktop.models.errors import NotFoundError, ValidationError
from desktop.models.schema import Code, CodeCategory, Coding
from desktop.models.services.conflicts import update_versioned
from desktop.models.services.validation import clean_text

_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
# One restrained set a new code cycles through: readable as a highlight behind black text.
COLOURS = ("#A8C5E2", "#F4C59A", "#B5DDB0", "#E7B3C8", "#D3C4E6", "#F2E29B", "#A9DCD6",
           "#E0C1A8")


@dataclass(frozen=True)
class CategoryInfo:
    id: int
    name: str
    parent_id: int | None
    position: int


@dataclass(frozen=True)
class CodeInfo:
    id: int
    name: str
    definition: str
    category_id: int | None
    colour: str
    position: int
    version: int


@dataclass(frozen=True)
class Codebook:
    categories: tuple[CategoryInfo, ...]
    codes: tuple[CodeInfo, ...]

    def path(self, category_id: int | None) -> str:
        """"Begeleiding / Contact": the category and its ancestors, for lists and exports."""
        by_id = {category.id: category for category in self.categories}
        names: list[str] = []
        while category_id is not None and category_id in by_id:
            names.insert(0, by_id[category_id].name)
            category_id = by_id[category_id].parent_id
        return " / ".join(names)

    def descendants(self, category_id: int) -> set[int]:
        """The category and every category below it."""
        found = {category_id}
        changed = True
        while changed:
            more = {c.id for c in self.categories if c.parent_id in found} - found
            found |= more
            changed = bool(more)
        return found


@dataclass(frozen=True)
class MergeRecord:
    """What merge_codes did, so undo_merge can put it back exactly."""

    source: CodeInfo
    target_id: int
    moved: tuple[int, ...]  # codings now on the target
    dropped: tuple[tuple, ...]  # codings removed as exact doubles: the rows as they were


def codebook(study_id: int) -> Codebook:
    categories = tuple(CategoryInfo(c.id, c.name, c.parent_id, c.position)
                       for c in CodeCategory.select().where(CodeCategory.study == study_id)
                       .order_by(CodeCategory.position, CodeCategory.name))
    codes = tuple(_info(code) for code in Code.select().where(Code.study == study_id)
                  .order_by(Code.position, Code.name))
    return Codebook(categories, codes)


def _info(code: Code) -> CodeInfo:
    return CodeInfo(code.id, code.name, code.definition, code.category_id, code.colour,
                    code.position, code.version)


def _category_of(study_id: int, category_id: int | None) -> int | None:
    if category_id is not None and not CodeCategory.select().where(
            (CodeCategory.id == category_id) & (CodeCategory.study == study_id)).exists():
        raise ValidationError("category", "error.category_missing")
    return category_id


def is_colour(value: str) -> bool:
    return bool(_COLOUR.match(value))


def check_colour(raw: object) -> str | None:
    """A colour #RRGGBB in capitals, or None where none was given."""
    if raw is None or not str(raw).strip():
        return None
    colour = str(raw).strip()
    if not _COLOUR.match(colour):
        raise ValidationError("colour", "error.colour", value=colour)
    return colour.upper()


def default_colour(codes: int) -> str:
    """The colour a new code gets when none is given: the next of COLOURS, by the number of
    codes the codebook already has."""
    return COLOURS[codes % len(COLOURS)]


def _colour(raw: object, study_id: int) -> str:
    return check_colour(raw) or default_colour(
        Code.select().where(Code.study == study_id).count())


# One rule per typed field of a code, for the codebook panel and the workbook import.
FIELD_CHECKS: dict[str, Callable[[object], object]] = {
    "name": lambda raw: clean_text(raw, "name", 120, required=True),
    "definition": lambda raw: clean_text(raw, "definition", 4000),
    "colour": check_colour,
}


def _refuse_duplicate_name(study_id: int, name: str, exclude: int | None = None) -> None:
    """Names compare without case in Python (SQLite's LOWER knows only A–Z: "Ärger" and
    "ärger" would both pass it)."""
    names = Code.select(Code.id, Code.name).where(Code.study == study_id).tuples()
    if any(other.casefold() == name.casefold() for code_id, other in names
           if code_id != exclude):
        raise ValidationError("name", "error.codebook_duplicate", name=name)


def _refuse_duplicate_category(study_id: int, name: str, parent: int | None,
                               exclude: int | None = None) -> None:
    """Two categories of one name under one parent (the top level included: the database's
    unique index lets NULL parents through) would be indistinguishable."""
    siblings = CodeCategory.select(CodeCategory.id, CodeCategory.name).where(
        (CodeCategory.study == study_id)
        & (CodeCategory.parent.is_null() if parent is None else CodeCategory.parent == parent)
    ).tuples()
    if any(other.casefold() == name.casefold() for category_id, other in siblings
           if category_id != exclude):
        raise ValidationError("name", "error.category_duplicate", name=name)


def add_category(study_id: int, name: object, parent_id: int | None = None) -> int:
    with transaction():
        name = clean_text(name, "name", 120, required=True)
        parent = _category_of(study_id, parent_id)
        _refuse_duplicate_category(study_id, name, parent)
        position = CodeCategory.select().where(CodeCategory.study == study_id).count()
        category = CodeCategory.create(study=study_id, name=name, parent=parent,
                                       position=position)
        audit.record("code_category", category.id, "insert",
                     {"name": (None, name), "parent": (None, parent)})
    return category.id


def rename_category(category_id: int, name: object) -> None:
    with transaction():
        category = _find_category(category_id)
        name = clean_text(name, "name", 120, required=True)
        _refuse_duplicate_category(category.study_id, name, category.parent_id, category_id)
        if name != category.name:
            audit.record("code_category", category_id, "update", {"name": (category.name, name)})
            CodeCategory.update(name=name).where(CodeCategory.id == category_id).execute()


def delete_category(category_id: int) -> CategoryInfo:
    """Remove an empty category (no codes, no categories below it)."""
    with transaction():
        category = _find_category(category_id)
        if Code.select().where(Code.category == category_id).exists() or \
                CodeCategory.select().where(CodeCategory.parent == category_id).exists():
            raise ValidationError("category", "error.category_not_empty", name=category.name)
        info = CategoryInfo(category.id, category.name, category.parent_id, category.position)
        category.delete_instance()
        audit.record("code_category", category_id, "delete", {"name": (category.name, None)})
    return info


def restore_category(study_id: int, info: CategoryInfo) -> None:
    """Undo of delete_category: the category back under its own id."""
    with transaction():
        CodeCategory.insert(id=info.id, study=study_id, name=info.name, parent=info.parent_id,
                            position=info.position).execute()
        audit.record("code_category", info.id, "insert", {"name": (None, info.name)})


def _find_category(category_id: int) -> CodeCategory:
    category = CodeCategory.get_or_none(CodeCategory.id == category_id)
    if category is None:
        raise NotFoundError("error.category_missing")
    return category


def add_code(study_id: int, name: object, definition: object = "",
             category_id: int | None = None, colour: object = None) -> int:
    with transaction():
        name = FIELD_CHECKS["name"](name)
        _refuse_duplicate_name(study_id, name)
        fields = {"name": name, "definition": FIELD_CHECKS["definition"](definition),
                  "category": _category_of(study_id, category_id),
                  "colour": _colour(colour, study_id)}
        position = Code.select().where(Code.study == study_id).count()
        code = Code.create(study=study_id, position=position, **fields)
        audit.record("code", code.id, "insert", {k: (None, v) for k, v in fields.items()})
    return code.id


def update_code(code_id: int, name: object, definition: object, category_id: int | None,
                colour: object, expected_version: int | None = None) -> CodeInfo:
    """Rename, redefine, recolour or move a code; its codings stay. Returns the code as it
    was, for undo."""
    with transaction():
        code = find_code(code_id)
        before = _info(code)
        name = FIELD_CHECKS["name"](name)
        fields = {"name": name, "definition": FIELD_CHECKS["definition"](definition),
                  "category": _category_of(code.study_id, category_id),
                  "colour": check_colour(colour) or code.colour}  # none given: keep it
        if expected_version in (None, code.version):
            _refuse_duplicate_name(code.study_id, name, exclude=code_id)
        update_versioned(code, "code", expected_version, fields, _stored_fields, "name",
                         _shown)
    return before


def _stored_fields(code: Code) -> dict[str, object]:
    return {"name": code.name, "definition": code.definition, "category": code.category_id,
            "colour": code.colour}


def _shown(fields: Mapping[str, object]) -> dict[str, object]:
    category = CodeCategory.get_or_none(CodeCategory.id == fields["category"]) \
        if fields["category"] else None
    return {**fields, "category": category.name if category else ""}


def delete_code(code_id: int) -> CodeInfo:
    """Remove a code nobody has applied; a code in use is merged into another instead."""
    with transaction():
        code = find_code(code_id)
        used = Coding.select().where(Coding.code == code_id).count()
        if used:
            raise ValidationError("name", "error.code_in_use", name=code.name, codings=used)
        info = _info(code)
        code.delete_instance()
        audit.record("code", code_id, "delete", {"name": (code.name, None)})
    return info


def restore_code(study_id: int, info: CodeInfo) -> None:
    """Undo of delete_code (and of a merge's removal): the code back under its own id."""
    with transaction():
        Code.insert(id=info.id, study=study_id, name=info.name, definition=info.definition,
                    category=info.category_id, colour=info.colour, position=info.position,
                    version=info.version).execute()
        audit.record("code", info.id, "insert", {"name": (None, info.name)})


def merge_codes(source_id: int, target_id: int) -> MergeRecord:
    """Move every coding of `source` onto `target` and remove `source`; a coding the target
    already has (same interview, coder and passage) is not doubled."""
    with transaction():
        source, target = find_code(source_id), find_code(target_id)
        if source.id == target.id or source.study_id != target.study_id:
            raise ValidationError("name", "error.merge_same")
        existing = {(c.interview_id, c.coder, c.start, c.end)
                    for c in Coding.select().where(Coding.code == target_id)}
        moved, dropped = [], []
        for coding in Coding.select().where(Coding.code == source_id).order_by(Coding.id):
            key = (coding.interview_id, coding.coder, coding.start, coding.end)
            if key in existing:
                dropped.append((coding.id, coding.interview_id, coding.coder, coding.start,
                                coding.end, coding.memo, coding.created_at))
            else:
                existing.add(key)
                moved.append(coding.id)
        if dropped:
            Coding.delete().where(Coding.id.in_([row[0] for row in dropped])).execute()
        if moved:
            Coding.update(code=target_id).where(Coding.id.in_(moved)).execute()
        record = MergeRecord(_info(source), target_id, tuple(moved), tuple(dropped))
        source.delete_instance()
        audit.record("code", source_id, "merge",
                     {"name": (source.name, None), "merged_into": (None, target.name),
                      "codings": (None, len(moved)),
                      "doubles_removed": (None, ",".join(str(row[0]) for row in dropped))})
    return record


def undo_merge(study_id: int, record: MergeRecord) -> None:
    """Put the merged code and its codings back as they were before merge_codes."""
    with transaction():
        restore_code(study_id, record.source)
        if record.moved:
            Coding.update(code=record.source.id).where(Coding.id.in_(record.moved)).execute()
        for coding_id, interview, coder, start, end, memo, created in record.dropped:
            Coding.insert(id=coding_id, interview=interview, code=record.source.id,
                          coder=coder, start=start, end=end, memo=memo,
                          created_at=created).execute()
        audit.record("code", record.source.id, "unmerge",
                     {"codings": (None, len(record.moved) + len(record.dropped))})


def find_code(code_id: int) -> Code:
    code = Code.get_or_none(Code.id == code_id)
    if code is None:
        raise NotFoundError("error.code_missing", id=code_id)
    return code
