"""A study holding one record of every kind that can be deleted, for the users and recycle-bin
tests: a Bridge assessment, an action, an interview with codings, a professional with a survey
response, and a professional without one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from desktop.models import audit
from desktop.models.schema import MODELS
from desktop.models.services import (
    actions,
    bridge,
    codebook,
    codings,
    interviews,
    participants,
    professionals,
    surveys,
    users,
)
from desktop.models.surveys import builtin_surveys

PILLARS = ["gezinsstabiliteit", "sociaal_netwerk", "huisvesting", "opleiding", "gezondheid",
           "schulden", "sparen", "inkomen"]
SURVEY = builtin_surveys()["professionals"]


@dataclass(frozen=True)
class Records:
    study_id: int
    participant_id: int
    intake_id: int
    action_id: int
    interview_id: int
    code_id: int
    respondent_id: int  # a professional with a survey response
    professional_id: int  # a professional without one


def fill(study) -> Records:
    pid = participants.add_participant(study.id, participants.ParticipantInput(
        "AL-001", study.sites[0].id, "consented", dt.date(2018, 1, 8)))
    intake = study.moments[0].id
    bridge.save_assessment(pid, intake, "2018-01-15", dict.fromkeys(PILLARS, 2))
    bridge.save_assessment(pid, study.moments[1].id, "2018-07-15", dict.fromkeys(PILLARS, 3))
    kind = actions.action_types(study.id)[0]
    action = actions.add_action(pid, actions.ActionInput(kind.id, "2018-01-20", "2018-02-03",
                                                         reward_kind="voucher",
                                                         reward_value="12.50", remarks="stap"))
    code = codebook.add_code(study.id, "Steun uit het netwerk")
    interview = interviews.add_interview(study.id, interviews.InterviewInput(
        participant_id=pid, held_on="2018-08-01", interviewer="Anna",
        transcript="Mijn buurvrouw hielp me met de formulieren."))
    codings.add_coding(interview, code, "A", 0, 14, "buurvrouw")
    codings.add_coding(interview, code, "B", None, None, "")
    respondent = professionals.add_professional(study.id, professionals.ProfessionalInput(
        "PR-01", "access_worker", study.sites[0].id, "Gemeente Alphen"))
    surveys.save_survey_response(respondent, surveys.SurveyAnswers(
        ranks=dict(zip(SURVEY.element_keys[:5], (1, 2, 3, 4, 5), strict=True)),
        likert=dict.fromkeys(SURVEY.likert_keys, 4),
        fidelity=dict.fromkeys(SURVEY.step_keys, True), answered_on=dt.date(2019, 3, 1)))
    professional = professionals.add_professional(study.id, professionals.ProfessionalInput(
        "PR-02", "mentor"))
    return Records(study.id, pid, intake, action, interview, code, respondent, professional)


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, to compare before and after."""
    return {model._meta.table_name: list(model.select().order_by(model.id).tuples())
            for model in MODELS}



def fill_as_lead(study) -> Records:
    """The filled study, with the OS login registered: the database's first user, its lead."""
    filled = fill(study)
    users.session_user()
    return filled


@contextmanager
def colleague(name: str = "bram") -> Iterator[users.UserInfo]:
    """The session's user switched to a colleague new to the database (an assistant) and
    back to the OS login afterwards."""
    audit.set_current_user(name)
    try:
        yield users.session_user()
    finally:
        audit.set_current_user(None)
