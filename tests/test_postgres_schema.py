"""Schema v8, on SQLite and PostgreSQL alike: a study-wide narrative and a top-level category are
unique although their site / parent is empty (NULL), and a v7 database with such doubles
migrates, keeping the newest text and numbering the doubled category."""

from __future__ import annotations

import peewee as pw
import pytest

from desktop.models.database import close_database, open_database
from desktop.models.migrations import CURRENT_VERSION
from desktop.models.schema import CodeCategory, Narrative, SchemaVersion, database
from desktop.models.services import narratives


def _narrative(study_id: int, text: str) -> None:
    Narrative.insert(study=study_id, site=None, language="nl", kind="introduction", text=text,
                     updated_by="test").execute()


def test_a_second_study_wide_narrative_or_top_level_category_is_refused(study):
    narratives.save_narrative(study.id, "introduction", "nl", "Eerste tekst", None)
    with pytest.raises(pw.IntegrityError), database.atomic():
        _narrative(study.id, "Tweede tekst")
    CodeCategory.create(study=study.id, name="Werk")
    with pytest.raises(pw.IntegrityError), database.atomic():
        CodeCategory.create(study=study.id, name="Werk")
    # per site, and under a parent, the same names stay allowed
    site = study.sites[0].id
    Narrative.create(study=study.id, site=site, language="nl", kind="introduction", text="x",
                     updated_by="test")
    parent = CodeCategory.get(CodeCategory.name == "Werk")
    CodeCategory.create(study=study.id, name="Werk", parent=parent)
    assert Narrative.select().count() == 2 and CodeCategory.select().count() == 2


def test_a_version_7_database_with_doubles_is_migrated(study, db, db_path):
    for index in ("narrative_study_wide_unique", "codecategory_top_level_unique"):
        db.execute_sql(f"DROP INDEX {index}")
    SchemaVersion.update(version=7).execute()
    _narrative(study.id, "Oud")
    _narrative(study.id, "Nieuw")
    for _ in range(3):
        CodeCategory.insert(study=study.id, name="Werk", position=0).execute()
    close_database()

    open_database(db_path)
    assert SchemaVersion.get().version == CURRENT_VERSION
    assert [n.text for n in Narrative.select()] == ["Nieuw"]
    assert sorted(c.name for c in CodeCategory.select()) == ["Werk", "Werk (2)", "Werk (3)"]
    with pytest.raises(pw.IntegrityError), database.atomic():
        _narrative(study.id, "Nog een")
