"""What every sheet needs to know about the study, read once per export: the study, its
moments, its Bridge and questionnaires (the study's stored definitions, so a team's own
variant exports with its own texts), the professionals' survey and the action types."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from desktop.i18n import pick, tr
from desktop.models.instruments import InstrumentDefinition
from desktop.models.schema import RECRUITMENT_STATUSES
from desktop.models.services.instrument_library import LinkedInstrument, study_questionnaires
from desktop.models.services.instrument_library import study_instrument as _study_instrument
from desktop.models.services.professionals import ROLES, role_text
from desktop.models.services.studies import StudyInfo, get_study
from desktop.models.services.surveys import survey_data
from desktop.models.surveys import SurveyDefinition
from reports.workbook import readers
from reports.workbook.columns import ValueLabels, keyed


@dataclass(frozen=True)
class ActionKind:
    key: str
    label: str
    rewardable: bool


@dataclass(frozen=True)
class ExportContext:
    study: StudyInfo
    language: str
    bridge_id: int
    bridge: InstrumentDefinition
    questionnaires: tuple[LinkedInstrument, ...]
    survey: SurveyDefinition
    action_kinds: tuple[ActionKind, ...]

    def t(self, key: str, /, **params: Any) -> str:
        """A catalogue text in the export's language."""
        return tr(key, language=self.language, **params)

    def pick(self, texts: dict[str, str]) -> str:
        return pick(texts, self.language)

    # -- value labels used by several sheets ----------------------------------------------
    def moment_labels(self) -> ValueLabels:
        return keyed((m.key, m.name) for m in self.study.moments)

    def pillar_labels(self) -> ValueLabels:
        return keyed((item.key, item.text(self.language)) for item in self.bridge.items)

    def status_labels(self) -> ValueLabels:
        return keyed((s, self.t(f"status.{s}")) for s in RECRUITMENT_STATUSES)

    def role_labels(self) -> ValueLabels:
        return keyed((role, role_text(role, self.language)) for role in ROLES)

    def reason_labels(self, definition: InstrumentDefinition) -> ValueLabels:
        return keyed((r.key, r.text(self.language)) for r in definition.missing_reasons)

    def level_labels(self, definition: InstrumentDefinition, item_key: str) -> ValueLabels:
        """The labels of one item's values: a Bridge pillar's level texts, else the scale's
        value labels."""
        item = definition.item(item_key)
        if item.levels:
            return tuple((level, item.level_text(level, self.language))
                         for level in sorted(item.levels))
        return tuple((value, definition.value_label(value, self.language))
                     for value in sorted(definition.value_labels))

    def instrument_title(self, definition: InstrumentDefinition) -> str:
        return f"{definition.title(self.language)} (v{definition.version})"


def export_context(study_id: int, language: str | None = None) -> ExportContext:
    study = get_study(study_id)
    language = language or study.language
    bridge_id, bridge = _study_instrument(study_id, "bridge")
    kinds = tuple(ActionKind(key, pick(json.loads(label), language), bool(rewardable))
                  for key, label, rewardable in readers.action_types(study_id))
    return ExportContext(study, language, bridge_id, bridge,
                         tuple(study_questionnaires(study_id)),
                         survey_data(study_id).definition, kinds)
