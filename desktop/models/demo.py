"""A realistic synthetic study, reproducible from a seed, for trying the app and for benchmarks.

Shaped like the Alphen pilot: about 46% of those approached take part; three moments with
drop-out; clear progress on housing, health, social network, debts and income, little on
family stability, education and savings.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator

from desktop.i18n import tr
from desktop.models import audit
from desktop.models.database import transaction
from desktop.models.demo_interviews import write_interviews
from desktop.models.schema import (
    Action,
    Participant,
    Professional,
    Response,
    ResponseValue,
    SurveyAnswer,
    SurveyResponse,
)
from desktop.models.services.actions import action_types
from desktop.models.services.instrument_library import linked_instrument, study_instrument
from desktop.models.services.studies import MomentInfo, StudyInput, create_study, get_study
from desktop.models.services.surveys import is_complete, study_survey

SITES = ("Alphen aan den Rijn", "Leiden", "Gouda", "Zoetermeer")
GROUPS = ("beloning", "geen beloning")
TAKE_PART = 0.46
# Per pillar: chance to move up, chance to move down between intake and a later moment.
PROGRESS = {
    "huisvesting": (0.45, 0.08),
    "gezondheid": (0.50, 0.08),
    "sociaal_netwerk": (0.50, 0.07),
    "schulden": (0.55, 0.06),
    "inkomen": (0.58, 0.07),
    "gezinsstabiliteit": (0.14, 0.11),
    "opleiding": (0.05, 0.04),
    "sparen": (0.08, 0.07),
}
INTAKE_WEIGHTS = {1: 0.22, 2: 0.33, 3: 0.27, 4: 0.13, 5: 0.05}
# Questionnaires: filled in at most intakes and at about half of the later conversations
# (the pilot measured progress for 21–31 of its 64 participants). Per instrument: mean and
# spread of a participant's level at intake, the mean change by the last moment (on the scored
# scale, so negative for scarcity), and per item an offset and an extra change.
QUESTIONNAIRES = ("financial_scarcity", "quality_of_life")
FILLED_IN_AT_INTAKE, FILLED_IN_LATER = 0.8, 0.5
QUESTIONNAIRE_MODEL = {
    "financial_scarcity": (5.7, 0.6, -0.7, {"fs04": (0.2, -0.6), "fs07": (0.3, -0.2),
                                            "fs08": (0.2, -0.2), "fs10": (-0.3, 0.2),
                                            "fs12": (-0.6, 0.3)}),
    "quality_of_life": (3.0, 0.45, 0.35, {"zorgen": (-1.0, 0.45), "financien": (-0.8, 0.1),
                                          "gezondheid": (-0.3, 0.35), "leven": (0.1, 0.1)}),
}
# Professionals: one per eight participants (at least 16), most of whom answer the survey. The
# chance to rank an element follows the factsheet's top five (Plackett–Luce: a weight per
# element, Gumbel noise per respondent); Likert means follow its implementation insights (a
# high workload for the majority, about half not yet at ease with the earlier changes); the
# fidelity steps leave room for improvement, as the pilot's evaluation found.
ROLES = (("access_worker", 0.35), ("mentor", 0.45), ("team_lead", 0.1), ("policy_officer", 0.1))
SURVEY_ANSWERED, SURVEY_PARTIAL = 0.85, 0.12
ELEMENT_WEIGHTS = {"positive_approach": 3.0, "small_steps": 2.6, "success_experiences": 2.2,
                   "goal_setting": 1.9, "bridge_overview": 1.6, "fixed_contact": 1.0,
                   "action_plans": 0.9, "equal_partnership": 0.6, "recognition": 0.2}
LIKERT_MEANS = {"workload": 3.8, "mastery": 3.0, "support": 3.4, "clarity": 3.9,
                "exchange": 4.0, "changes_after_start": 3.6}
STEP_APPLIED = {"bridge_intake": 0.88, "bridge_followup": 0.6, "goals_together": 0.82,
                "action_plan": 0.55, "small_actions": 0.72, "progress_review": 0.62,
                "recognition_given": 0.45}
# Goal-action plans: a few actions per participant in the first year; about three in four
# get done, after a skewed number of days (median about three weeks). The reward group gets
# a gift voucher for a done rewardable action and is about as fast as the other group, as in
# the pilot (no significant difference).
ACTIONS_PER_PARTICIPANT = (1, 7)
ACTION_DONE = 0.75
ACTION_PILLARS = {"debt_overview": "schulden", "debt_help_request": "schulden",
                  "benefit_application": "inkomen", "administration": "schulden",
                  "job_application": "inkomen", "budget_plan": "sparen",
                  "gp_appointment": "gezondheid", "course_enrolment": "opleiding",
                  "social_activity": "sociaal_netwerk"}
REWARD_VALUES = (10, 15, 25)
CHUNK = 2000


def _chunks(rows: list[dict[str, object]]) -> Iterator[list[dict[str, object]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start:start + CHUNK]


def write_demo(participants: int = 120, seed: int = 2017, language: str = "nl") -> int:
    """Write a demo study into the open database; `participants` is how many take part.

    One transaction: an interrupted demo leaves nothing behind.
    """
    with transaction():
        return _write_demo(participants, random.Random(seed), language)


def _write_demo(participants: int, rng: random.Random, language: str) -> int:
    study_id = create_study(StudyInput(
        name=tr("demo.study_name", language=language),
        organisation=tr("demo.organisation", language=language),
        municipality=SITES[0],
        language=language,
        period_start=dt.date(2017, 12, 1),
        period_end=dt.date(2019, 5, 31),
        sites=list(SITES),
        instrument_keys=("bridge", *QUESTIONNAIRES),
    ))
    study = get_study(study_id)
    instrument_id, definition = study_instrument(study_id, "bridge")
    site_ids = [site.id for site in study.sites]
    site_weights = [0.55, 0.2, 0.15, 0.1][: len(site_ids)]
    approached = max(participants, round(participants / TAKE_PART))
    first_day = dt.date(2017, 12, 1)
    intake_span = (dt.date(2018, 7, 1) - first_day).days
    user = audit.current_user()
    now = dt.datetime.now().replace(microsecond=0)
    next_id = _next_id(Participant)
    people: list[dict[str, object]] = []
    taking_part = set(rng.sample(range(approached), participants))
    for index in range(approached):
        included = first_day + dt.timedelta(days=rng.randrange(intake_span))
        if index in taking_part:
            status = "withdrawn" if rng.random() < 0.08 else "consented"
        else:
            status = "declined" if rng.random() < 0.8 else "approached"
        people.append({
            "id": next_id + index,
            "study": study_id,
            "code": f"D{index + 1:05d}",
            "site": rng.choices(site_ids, site_weights)[0],
            "status": status,
            "inclusion_date": included if index in taking_part else None,
            "study_group": rng.choice(GROUPS) if index in taking_part else "",
            "remarks": "",
        })
    for chunk in _chunks(people):
        Participant.insert_many(chunk).execute()
    first_response = _next_id(Response)
    responses, values = _assessments(rng, people, study.moments, definition, instrument_id,
                                     user, now, first_response)
    responses_q, values_q = _questionnaires(rng, study_id, study.moments, responses, user, now,
                                            first_response + len(responses))
    responses += responses_q
    values += values_q
    for chunk in _chunks(responses):
        Response.insert_many(chunk).execute()
    for chunk in _chunks(values):
        ResponseValue.insert_many(chunk).execute()
    _actions(rng, study_id, people, study.period_end, user, now, language)
    _professionals(rng, study_id, {site.id: site.name for site in study.sites}, site_weights,
                   max(16, participants // 8), user, now, language)
    write_interviews(rng, study_id, _improvement(responses, values, study.moments,
                                                 instrument_id), language, user, now)
    audit.record("study", study_id, "demo", {"participants": (None, approached)})
    return study_id


def _improvement(responses: list[dict[str, object]], values: list[dict[str, object]],
                 moments: tuple[MomentInfo, ...], bridge_id: int) -> dict[int, float]:
    """Each participant's mean change over the pillars from intake to their last Bridge."""
    position = {moment.id: moment.position for moment in moments}
    bridge = {r["id"]: (r["participant"], position[r["moment"]]) for r in responses
              if r["instrument"] == bridge_id}
    levels: dict[int, dict[int, list[int]]] = {}
    for value in values:
        if value["response"] in bridge and value["value"] is not None:
            pid, moment = bridge[value["response"]]
            levels.setdefault(pid, {}).setdefault(moment, []).append(value["value"])
    return {pid: (sum(by[max(by)]) / len(by[max(by)]) - sum(by[0]) / len(by[0]))
            for pid, by in levels.items() if 0 in by and max(by) > 0}


def _next_id(model: type[Participant | Response | Professional | SurveyResponse | Action]) -> int:
    """The id the next inserted row gets: rows are written with their ids, in bulk."""
    return (model.select(model.id).order_by(model.id.desc()).scalar() or 0) + 1


def _assessments(rng, people, moments, definition, instrument_id, user, now, next_response):
    """Responses and their pillar values, with drop-out and the pilot's pattern of progress."""
    reasons = definition.missing_reason_keys
    responses: list[dict[str, object]] = []
    values: list[dict[str, object]] = []
    attendance = {0: 1.0, 1: 0.82, 2: 0.72}
    last_position = max(1, max(moment.position for moment in moments))
    for person in people:
        if person["status"] not in ("consented", "withdrawn"):
            continue
        included: dt.date = person["inclusion_date"]  # type: ignore[assignment]
        intake = {item: rng.choices(list(INTAKE_WEIGHTS), list(INTAKE_WEIGHTS.values()))[0]
                  for item in definition.item_keys}
        final = {item: _step(rng, item, level) for item, level in intake.items()}
        for moment in moments:
            if moment.position > 0 and person["status"] == "withdrawn":
                break
            if rng.random() > attendance.get(moment.position, 0.65):
                continue
            # At 6 months most of the change a participant will make has happened already.
            realised = {item: moment.position == last_position or rng.random() < 0.75
                        for item in intake} if moment.position else dict.fromkeys(intake, False)
            levels = {item: final[item] if realised[item] else intake[item] for item in intake}
            offset = moment.months * 30 + rng.randrange(3, 25)
            responses.append({
                "id": next_response, "participant": person["id"], "moment": moment.id,
                "instrument": instrument_id, "assessed_on": included + dt.timedelta(days=offset),
                "entered_by": user, "entered_at": now,
            })
            for item, level in levels.items():
                missing = rng.random() < 0.04
                values.append({
                    "response": next_response, "item": item,
                    "value": None if missing else level,
                    "missing_reason": rng.choice(reasons) if missing and reasons else None,
                })
            next_response += 1
    return responses, values


def _step(rng: random.Random, item: str, level: int) -> int:
    up, down = PROGRESS.get(item, (0.2, 0.1))
    draw = rng.random()
    if draw < up:
        return min(5, level + (2 if rng.random() < 0.2 else 1))
    if draw < up + down:
        return max(1, level - 1)
    return level


def _questionnaires(rng: random.Random, study_id: int, moments: tuple[MomentInfo, ...],
                    bridge_responses: list[dict[str, object]], user: str, now: dt.datetime,
                    next_response: int):
    """Questionnaires filled in at the same conversations as the Bridge, typed as on paper
    (reverse items mirrored back), with a few explicit missing answers."""
    positions = {moment.id: moment.position for moment in moments}
    last_position = max(positions.values())
    responses: list[dict[str, object]] = []
    values: list[dict[str, object]] = []
    instruments = [linked_instrument(study_id, key) for key in QUESTIONNAIRES]
    people: dict[object, float] = {}
    levels: dict[tuple[object, str], float] = {}
    for bridge in bridge_responses:
        position = positions[bridge["moment"]]
        if rng.random() > (FILLED_IN_AT_INTAKE if position == 0 else FILLED_IN_LATER):
            continue
        pid = bridge["participant"]
        progress = people.setdefault(pid, rng.random())  # how far this person gets
        share = 0.0 if position == 0 else (1.0 if position == last_position else 0.7)
        for linked in instruments:
            definition = linked.definition
            mean, spread, change, per_item = QUESTIONNAIRE_MODEL[definition.key]
            responses.append({"id": next_response, "participant": pid,
                              "moment": bridge["moment"], "instrument": linked.id,
                              "assessed_on": bridge["assessed_on"], "entered_by": user,
                              "entered_at": now})
            level = levels.setdefault((pid, definition.key), rng.gauss(mean, spread))
            for item in definition.item_keys:
                offset, extra = per_item.get(item, (0.0, 0.0))
                target = level + offset + share * (change + extra) * (0.4 + progress)
                scored = min(definition.maximum, max(definition.minimum,
                                                     round(rng.gauss(target, 0.7))))
                raw = definition.scored(item, scored)  # mirroring twice gives the paper value
                missing = rng.random() < 0.03
                values.append({"response": next_response, "item": item,
                               "value": None if missing else raw,
                               "missing_reason": definition.missing_reason_keys[0]
                               if missing else None})
            next_response += 1
    return responses, values


def _professionals(rng: random.Random, study_id: int, sites: dict[int, str],
                   site_weights: list[float], count: int, user: str, now: dt.datetime,
                   language: str) -> None:
    """Professionals with role and site, and their survey answers (some partial)."""
    survey = study_survey(study_id)
    definition = survey.definition
    first_professional, first_response = _next_id(Professional), _next_id(SurveyResponse)
    roles, role_weights = zip(*ROLES, strict=True)
    people, responses, answers = [], [], []
    for index in range(count):
        site = rng.choices(list(sites), site_weights)[0]
        people.append({"id": first_professional + index, "study": study_id,
                       "code": f"P{index + 1:04d}", "role": rng.choices(roles, role_weights)[0],
                       "site": site,
                       "organisation": tr("demo.professional_organisation",
                                                          language=language, site=sites[site])})
        if rng.random() > SURVEY_ANSWERED:
            continue
        partial = rng.random() < SURVEY_PARTIAL
        order = sorted(definition.element_keys, reverse=True,
                       key=lambda key: ELEMENT_WEIGHTS.get(key, 1.0) - math.log(-math.log(
                           rng.random() or 1e-12)))
        places = rng.randint(2, definition.places - 1) if partial else definition.places
        given = {key: rank for rank, key in enumerate(order[:places], start=1)}
        for key in definition.likert_keys:
            if not (partial and rng.random() < 0.3):
                mean = LIKERT_MEANS.get(key, 3.5)
                given[key] = min(definition.likert_max, max(definition.likert_min,
                                                            round(rng.gauss(mean, 0.9))))
        for key in definition.step_keys:
            given[key] = int(rng.random() < STEP_APPLIED.get(key, 0.6))
        response_id = first_response + len(responses)
        responses.append({"id": response_id, "survey": survey.id,
                          "professional": first_professional + index,
                          "answered_on": dt.date(2019, 3, 1) + dt.timedelta(days=rng.randrange(45)),
                          "complete": is_complete(definition, given), "entered_by": user,
                          "entered_at": now})
        answers += [{"response": response_id, "item": key, "value": value}
                    for key, value in given.items()]
    for model, rows in ((Professional, people), (SurveyResponse, responses),
                        (SurveyAnswer, answers)):
        for chunk in _chunks(rows):
            model.insert_many(chunk).execute()


def _actions(rng: random.Random, study_id: int, people: list[dict[str, object]],
             period_end: dt.date | None, user: str, now: dt.datetime, language: str) -> None:
    """Goal-action-plan actions of everyone taking part; open at the study's end if not done
    by then."""
    kinds = action_types(study_id)
    end = period_end or dt.date.today()
    voucher = tr("demo.reward_kind", language=language)
    first = _next_id(Action)
    rows: list[dict[str, object]] = []
    for person in people:
        if person["status"] not in ("consented", "withdrawn"):
            continue
        included: dt.date = person["inclusion_date"]  # type: ignore[assignment]
        rewarded_group = person["study_group"] == GROUPS[0]
        for _ in range(rng.randint(*ACTIONS_PER_PARTICIPANT)):
            kind = rng.choice(kinds)
            agreed = included + dt.timedelta(days=rng.randrange(300))
            if agreed > end:
                continue
            done = agreed + dt.timedelta(days=round(rng.lognormvariate(3.0, 0.8)))
            if rng.random() > ACTION_DONE or done > end:
                done = None
            reward = rewarded_group and kind.rewardable and done is not None
            rows.append({"id": first + len(rows), "participant": person["id"],
                         "action_type": kind.id, "pillar": ACTION_PILLARS.get(kind.key, ""),
                         "agreed_on": agreed, "done_on": done,
                         "reward_kind": voucher if reward else "",
                         "reward_value": rng.choice(REWARD_VALUES) if reward else None,
                         "remarks": "", "entered_by": user, "entered_at": now})
    for chunk in _chunks(rows):
        Action.insert_many(chunk).execute()
