"""The professionals' survey of a study: its definition (the study's own copy of the template,
editable) and each professional's response — a ranking, Likert answers and fidelity steps.

Validation lives here once, for the form, the importer and the CLI.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import peewee as pw

from desktop.models import audit
from desktop.models.database import transaction
from desktop.models.errors import ValidationError
from desktop.models.files import write_text_atomically
from desktop.models.schema import Professional, Site, Survey, SurveyAnswer, SurveyResponse
from desktop.models.services.conflicts import (
    ConflictError,
    claim_version,
    conflict,
    field_label,
    refuse_if_deleted,
)
from desktop.models.services.professionals import find_professional
from desktop.models.services.recycle_bin import Owner, check_reason, discard
from desktop.models.services.users import require_lead
from desktop.models.services.validation import parse_date, parse_level, require_past
from desktop.models.surveys import (
    APPLIED,
    NOT_APPLIED,
    SurveyDefinition,
    builtin_surveys,
    load_survey,
    parse_survey,
)

SURVEY_KEY = "professionals"
_YES = {"1", "j", "ja", "y", "yes", "true"}
_NO = {"0", "n", "nee", "no", "false"}


@dataclass(frozen=True)
class StudySurvey:
    id: int
    definition: SurveyDefinition
    version: int


@dataclass
class SurveyAnswers:
    """What was typed from one paper survey, before checking."""

    ranks: Mapping[str, object] = field(default_factory=dict)
    likert: Mapping[str, object] = field(default_factory=dict)
    fidelity: Mapping[str, object] = field(default_factory=dict)
    answered_on: object = None


@dataclass(frozen=True)
class StoredSurvey:
    response_id: int
    ranks: dict[str, int]
    likert: dict[str, int]
    fidelity: dict[str, bool]
    answered_on: dt.date | None
    complete: bool
    entered_by: str
    version: int


@dataclass(frozen=True)
class SurveyRow:
    """One response as the findings read it: every answer by key."""

    professional_id: int
    site: str
    role: str
    complete: bool
    answers: dict[str, int]


@dataclass(frozen=True)
class SurveyData:
    definition: SurveyDefinition
    responses: list[SurveyRow]


def _stored_survey(study_id: int) -> StudySurvey | None:
    """The study's survey if it has one stored; reading never writes."""
    survey = Survey.get_or_none((Survey.study == study_id) & (Survey.key == SURVEY_KEY))
    if survey is None:
        return None
    return StudySurvey(survey.id, parse_survey(survey.definition, f"study survey {survey.id}"),
                       survey.version)


def study_survey(study_id: int) -> StudySurvey:
    """The study's survey; the first time asked, a copy of the built-in template is stored."""
    stored = _stored_survey(study_id)
    if stored is not None:
        return stored
    template = builtin_surveys()[SURVEY_KEY]
    with transaction():
        survey = Survey.create(study=study_id, key=SURVEY_KEY, definition=template.to_json())
        audit.record("survey", survey.id, "insert", {"key": (None, SURVEY_KEY)})
    return StudySurvey(survey.id, template, survey.version)


def check_rank(definition: SurveyDefinition, key: str, raw: object) -> int:
    """One element's rank: a whole number from 1 to the places to fill."""
    return parse_level(raw, key, 1, definition.places, "rank")


def check_ranking(definition: SurveyDefinition,
                  ranks: Mapping[str, object]) -> tuple[dict[str, int], bool]:
    """The ranks as whole numbers, and whether the ranking is complete.

    Refused: a rank that is not a number or lies beyond the places to fill, two elements with
    one rank, and a gap (rank 4 given while 3 is not). Fewer ranks than places is a partial
    ranking: allowed, and stored as partial.
    """
    unknown = sorted(set(ranks) - set(definition.element_keys))
    if unknown:
        raise ValidationError(unknown[0], "error.element_unknown", element=unknown[0])
    checked: dict[str, int] = {}
    holder: dict[int, str] = {}
    for key in definition.element_keys:
        raw = ranks.get(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        rank = check_rank(definition, key, raw)
        if rank in holder:
            raise ValidationError(key, "error.rank_duplicate", rank=rank,
                                  first=definition.element(holder[rank]).text(),
                                  second=definition.element(key).text())
        holder[rank] = key
        checked[key] = rank
    if checked:
        highest = max(holder)
        gap = next((rank for rank in range(1, highest) if rank not in holder), None)
        if gap is not None:
            raise ValidationError(holder[highest], "error.rank_gap", missing=gap,
                                  highest=highest)
    return checked, len(checked) == definition.places


def check_likert(definition: SurveyDefinition, raw: Mapping[str, object]) -> dict[str, int]:
    unknown = sorted(set(raw) - set(definition.likert_keys))
    if unknown:
        raise ValidationError(unknown[0], "error.answer_unknown", item=unknown[0])
    return {key: parse_level(value, key, definition.likert_min, definition.likert_max, "answer")
            for key, value in raw.items()
            if value is not None and not (isinstance(value, str) and not value.strip())}


def _applied(key: str, value: object) -> int:
    if isinstance(value, bool):
        return APPLIED if value else NOT_APPLIED
    text = str(value).strip().lower()
    if text in _YES:
        return APPLIED
    if text in _NO:
        return NOT_APPLIED
    raise ValidationError(key, "error.step_value", value=value)


def check_fidelity(definition: SurveyDefinition, raw: Mapping[str, object]) -> dict[str, int]:
    unknown = sorted(set(raw) - set(definition.step_keys))
    if unknown:
        raise ValidationError(unknown[0], "error.step_unknown", step=unknown[0])
    return {key: _applied(key, value) for key, value in raw.items()
            if value is not None and not (isinstance(value, str) and not value.strip())}


def check_answered_on(raw: object) -> dt.date | None:
    answered_on = parse_date(raw, "answered_on")
    if answered_on:
        require_past(answered_on, "answered_on")
    return answered_on


def is_complete(definition: SurveyDefinition, answers: Mapping[str, int]) -> bool:
    ranked = sum(1 for key in definition.element_keys if key in answers)
    return (ranked == definition.places
            and all(key in answers for key in definition.likert_keys + definition.step_keys))


def save_survey_response(professional_id: int, answers: SurveyAnswers,
                         expected_version: int | None = None) -> tuple[int, bool]:
    """Check and store one professional's survey in one transaction.

    Returns the response id and whether it is complete; a partial response (a shorter ranking,
    statements or steps left empty) is stored and marked partial.
    """
    professional = find_professional(professional_id)
    survey = study_survey(professional.study_id)
    definition = survey.definition
    ranks, _ = check_ranking(definition, answers.ranks)
    values = {**ranks, **check_likert(definition, answers.likert),
              **check_fidelity(definition, answers.fidelity)}
    if not values:
        raise ValidationError("ranking", "error.survey_empty")
    answered_on = check_answered_on(answers.answered_on)
    complete = is_complete(definition, values)
    user = audit.current_user()
    with transaction():
        response = SurveyResponse.get_or_none((SurveyResponse.survey == survey.id)
                                              & (SurveyResponse.professional == professional_id))
        if response is None:
            refuse_if_deleted(expected_version, "ranking")
            response = SurveyResponse.create(survey=survey.id, professional=professional_id,
                                             answered_on=answered_on, complete=complete,
                                             entered_by=user)
            old: dict[str, object] = {}
            action = "insert"
        else:
            old = _answers_of(response.id)
            old["answered_on"] = parse_date(response.answered_on, "answered_on")
            action = "update"
        new = {**values, "answered_on": answered_on}
        if action == "update" and expected_version not in (None, response.version):
            raise _response_conflict(response, definition, new, old)
        changes = {key: (old.get(key), value) for key, value in new.items()
                   if old.get(key) != value}
        changes.update({key: (value, None) for key, value in old.items() if key not in new})
        if action == "update" and not changes:
            return response.id, complete
        if action == "update":
            if not claim_version(SurveyResponse, response.id, expected_version,
                                 answered_on=answered_on, complete=complete, entered_by=user,
                                 entered_at=dt.datetime.now().replace(microsecond=0)):
                fresh = SurveyResponse.get_by_id(response.id)
                raise _response_conflict(fresh, definition, new, {
                    **_answers_of(fresh.id),
                    "answered_on": parse_date(fresh.answered_on, "answered_on")})
            SurveyAnswer.delete().where(SurveyAnswer.response == response.id).execute()
        SurveyAnswer.insert_many([{"response": response.id, "item": key, "value": value}
                                  for key, value in values.items()]).execute()
        audit.record("survey_response", response.id, action, changes)
    return response.id, complete


def _response_conflict(stored: SurveyResponse, definition: SurveyDefinition,
                       mine: Mapping[str, object], theirs: Mapping[str, object]
                       ) -> ConflictError:
    texts = {row.key: row.text() for row in (*definition.elements, *definition.likert_items,
                                              *definition.fidelity_steps)}
    return conflict("ranking", "survey_response", stored.id, stored.version, mine, theirs,
                    lambda key: texts.get(key) or field_label(key))


def _answers_of(response_id: int) -> dict[str, object]:
    return dict(SurveyAnswer.select(SurveyAnswer.item, SurveyAnswer.value)
                .where(SurveyAnswer.response == response_id).tuples())


def get_survey_response(professional_id: int) -> StoredSurvey | None:
    professional = find_professional(professional_id)
    survey = _stored_survey(professional.study_id)
    if survey is None:
        return None
    response = SurveyResponse.get_or_none((SurveyResponse.survey == survey.id)
                                          & (SurveyResponse.professional == professional_id))
    if response is None:
        return None
    definition = survey.definition
    answers = _answers_of(response.id)
    return StoredSurvey(
        response.id,
        {key: int(answers[key]) for key in definition.element_keys if key in answers},
        {key: int(answers[key]) for key in definition.likert_keys if key in answers},
        {key: answers[key] == APPLIED for key in definition.step_keys if key in answers},
        parse_date(response.answered_on, "answered_on"),
        bool(response.complete),
        response.entered_by,
        response.version,
    )


def delete_survey_response(professional_id: int, reason: object) -> None:
    """Move a professional's survey response with its answers to the recycle bin: a lead's
    task, with a reason."""
    require_lead()
    reason = check_reason(reason)
    stored = get_survey_response(professional_id)
    if stored is None:
        return
    with transaction():
        response = SurveyResponse.get_or_none(SurveyResponse.id == stored.response_id)
        if response is None:  # deleted by someone else meanwhile
            return
        discard(response, Owner.professional(Professional.get_by_id(professional_id)), reason,
                {key: (value, None) for key, value in _answers_of(response.id).items()})


def survey_data(study_id: int, site_id: int | None = None) -> SurveyData:
    """Every response of the study's survey (or of one site's professionals), in two queries."""
    survey = _stored_survey(study_id)
    if survey is None:  # no survey yet, so no answers
        return SurveyData(builtin_surveys()[SURVEY_KEY], [])
    query = (SurveyResponse
             .select(SurveyResponse.id, Professional.id, Site.name, Professional.role,
                     SurveyResponse.complete)
             .join(Professional)
             .join(Site, pw.JOIN.LEFT_OUTER, on=(Professional.site == Site.id))
             .where(SurveyResponse.survey == survey.id)
             .order_by(Professional.code))
    if site_id is not None:
        query = query.where(Professional.site == site_id)
    heads = list(query.tuples())
    answers = _survey_answers(survey.id)
    return SurveyData(survey.definition, [
        SurveyRow(professional_id, site or "", role, bool(complete), answers[response_id])
        for response_id, professional_id, site, role, complete in heads
    ])


def save_survey_definition(study_id: int, definition: SurveyDefinition,
                           expected_version: int | None = None) -> None:
    """Store the study's edited survey. Texts, new elements and a longer ranking are always
    fine; removing what holds answers, or fewer places than ranks given, is refused. A lead's
    task."""
    require_lead()
    text = definition.to_json()
    parse_survey(text, "survey")  # built in code or typed in a form: the file rules hold too
    with transaction():
        current = study_survey(study_id)
        if expected_version is not None and current.version != expected_version:
            raise _definition_conflict(current, definition)
        if definition.key != current.definition.key:
            raise ValidationError("survey", "error.survey_key", expected=current.definition.key,
                                  found=definition.key)
        _refuse_lost_answers(current, definition)
        old_text = current.definition.to_json()
        if text == old_text:
            return
        if not claim_version(Survey, current.id, expected_version, definition=text):
            raise _definition_conflict(study_survey(study_id), definition)
        _recount_complete(current.id, definition)
        audit.record("survey", current.id, "update", {"definition": (old_text, text)})


def _definition_conflict(current: StudySurvey, mine: SurveyDefinition) -> ConflictError:
    """Both definitions, part by part, as the lists of texts the editor shows."""
    def parts(definition: SurveyDefinition) -> dict[str, object]:
        return {part: " · ".join(row.text() for row in rows) for part, rows in (
            ("elements", definition.elements), ("statements", definition.likert_items),
            ("steps", definition.fidelity_steps))}

    return conflict("survey", "survey", current.id, current.version, parts(mine),
                    parts(current.definition))


def _sections(definition: SurveyDefinition) -> dict[str, str]:
    """Which part of the survey each key belongs to: a stored value means a rank, a Likert
    answer or a step applied only by the section its key is in."""
    return {**dict.fromkeys(definition.element_keys, "ranking"),
            **dict.fromkeys(definition.likert_keys, "likert"),
            **dict.fromkeys(definition.step_keys, "fidelity")}


def _refuse_lost_answers(current: StudySurvey, new: SurveyDefinition) -> None:
    answers = _survey_answers(current.id)
    used = Counter(key for given in answers.values() for key in given)
    old, now = _sections(current.definition), _sections(new)
    for key, count in sorted(used.items()):
        if key not in now:
            raise ValidationError(key, "error.survey_key_in_use", key=key, count=count)
        if key in old and now[key] != old[key]:
            raise ValidationError(key, "error.survey_key_moved", key=key, count=count)
    highest = max((value for given in answers.values() for key, value in given.items()
                   if old.get(key) == "ranking"), default=0)
    if highest > new.places:
        raise ValidationError("top", "error.survey_places_in_use", highest=highest,
                              places=new.places)
    rescaled = ((new.likert_min, new.likert_max, new.agree_from, new.disagree_to)
                != (current.definition.likert_min, current.definition.likert_max,
                    current.definition.agree_from, current.definition.disagree_to))
    if rescaled and any(old.get(key) == "likert" for key in used):
        raise ValidationError("likert", "error.survey_scale_in_use")


def _survey_answers(survey_id: int) -> dict[int, dict[str, int]]:
    """response id → every answer by key, for all responses of a survey, in one query."""
    answers: dict[int, dict[str, int]] = defaultdict(dict)
    for response_id, item, value in (SurveyAnswer
                                     .select(SurveyAnswer.response, SurveyAnswer.item,
                                             SurveyAnswer.value)
                                     .join(SurveyResponse)
                                     .where(SurveyResponse.survey == survey_id).tuples()):
        answers[response_id][item] = value
    return answers


def _recount_complete(survey_id: int, definition: SurveyDefinition) -> None:
    """Adding an element or a step makes earlier responses partial, and the reverse: the flag
    follows the definition so the findings' counts stay true."""
    answers = _survey_answers(survey_id)
    for flag in (True, False):
        ids = [rid for rid, given in answers.items() if is_complete(definition, given) == flag]
        if ids:
            SurveyResponse.update(complete=flag).where(SurveyResponse.id.in_(ids)).execute()


def import_survey_definition(study_id: int, path: Path,
                             expected_version: int | None = None) -> SurveyDefinition:
    definition = load_survey(path)
    save_survey_definition(study_id, definition, expected_version)
    return definition


def export_survey_definition(study_id: int, path: Path) -> None:
    """Write the study's survey to a file in the survey format, to edit or reuse elsewhere."""
    write_text_atomically(path, study_survey(study_id).definition.to_json())
