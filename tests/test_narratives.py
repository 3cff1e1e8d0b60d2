"""The researchers' factsheet texts: per study and language, template until edited, audited,
and never overwriting someone else's save silently."""

from __future__ import annotations

import pytest

from desktop.models.errors import ValidationError
from desktop.models.schema import AuditEntry
from desktop.models.services import narratives, studies


def test_templates_until_the_study_has_its_own_text(study):
    texts = narratives.narratives(study.id, "nl")
    assert list(texts) == list(narratives.KINDS)
    assert all(item.is_template and item.version == 0 for item in texts.values())
    assert "{municipality}" in texts["introduction"].text
    english = narratives.narratives(study.id, "en")["questions"].text
    assert english.startswith("- What progress")

    saved = narratives.save_narrative(study.id, "introduction", "nl", "  Onze inleiding.  ")
    assert saved.text == "Onze inleiding." and saved.version == 1 and saved.updated_by
    assert narratives.narratives(study.id, "nl")["introduction"].text == "Onze inleiding."
    assert narratives.narratives(study.id, "en")["introduction"].is_template  # per language

    narratives.reset_narrative(study.id, "introduction", "nl")
    assert narratives.narratives(study.id, "nl")["introduction"].is_template
    actions = [e.action for e in AuditEntry.select().where(AuditEntry.table == "narrative")]
    assert actions == ["insert", "insert", "insert", "delete"]  # kind, language, text; delete


def test_a_text_saved_by_someone_else_in_between_is_not_overwritten(study):
    first = narratives.save_narrative(study.id, "recommendations", "nl", "Versie A")
    narratives.save_narrative(study.id, "recommendations", "nl", "Versie B",
                              expected_version=first.version)
    with pytest.raises(ValidationError) as error:
        narratives.save_narrative(study.id, "recommendations", "nl", "Versie C",
                                  expected_version=first.version)
    assert error.value.key == "error.record_changed"
    assert narratives.narratives(study.id, "nl")["recommendations"].text == "Versie B"
    with pytest.raises(ValidationError):  # a template (version 0) that someone has since saved
        narratives.save_narrative(study.id, "recommendations", "nl", "Versie D",
                                  expected_version=0)


@pytest.mark.parametrize("kind,language,text,key", [
    ("foreword", "nl", "x", "error.narrative_unknown"),
    ("introduction", "de", "x", "error.language"),
    ("introduction", "nl", "x" * (narratives.MAX_NARRATIVE + 1), "error.too_long"),
])
def test_bad_input_is_refused(study, kind, language, text, key):
    with pytest.raises(ValidationError) as error:
        narratives.save_narrative(study.id, kind, language, text)
    assert error.value.key == key


def test_sentence_edits_belong_to_one_edition(study):
    site = study.sites[1]
    narratives.save_sentence(study.id, "nl", None, "progress", "Hele studie", "app-zin")
    narratives.save_sentence(study.id, "nl", site.id, "progress", "Leiden", "app-zin L")
    assert narratives.sentence_edits(study.id, "nl", None)["progress"].text == "Hele studie"
    edit = narratives.sentence_edits(study.id, "nl", site.id)["progress"]
    assert (edit.text, edit.generated) == ("Leiden", "app-zin L")
    assert narratives.sentence_edits(study.id, "en", None) == {}
    with pytest.raises(ValidationError):
        narratives.save_sentence(study.id, "nl", None, "progress", "  ", "app-zin")
    other = studies.create_study(studies.StudyInput(name="Andere", sites=["Elders"]))
    elsewhere = studies.get_study(other).sites[0].id
    with pytest.raises(ValidationError) as error:
        narratives.save_sentence(study.id, "nl", elsewhere, "progress", "x", "y")
    assert error.value.key == "error.site_unknown"
    narratives.reset_sentence(study.id, "nl", site.id, "progress")
    assert narratives.sentence_edits(study.id, "nl", site.id) == {}
    assert "progress" in narratives.sentence_edits(study.id, "nl", None)
