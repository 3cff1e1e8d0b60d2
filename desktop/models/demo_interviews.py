"""The demo study's interviews: a codebook of the themes participants and professionals named
in the Alphen pilot, synthetic transcripts built from short utterances per theme, coded by
one coder and, for about half the interviews, blind by a second coder who mostly agrees.
Participants who improved on the Bridge mention learning to arrange things themselves and the
goal-action plans more often, so the findings have something to show."""

from __future__ import annotations

import datetime as dt
import json
import random
from functools import cache
from typing import Any

from desktop.models.schema import Code, CodeCategory, Coding, Interview, Professional
from desktop.paths import RESOURCES

DEMO = RESOURCES / "demo" / "interviews.json"
SECOND_CODER_SHARE = 0.5
SECOND_CODER_AGREES = 0.88  # the chance the second coder also finds a theme the first found
SECOND_CODER_EXTRA = 0.04  # the chance of a theme the first coder did not see


@cache
def _demo() -> dict[str, Any]:
    with open(DEMO, encoding="utf-8") as handle:
        return json.load(handle)


def write_interviews(rng: random.Random, study_id: int, improvement: dict[int, float],
                     language: str, user: str, now: dt.datetime) -> None:
    """`improvement` maps each participant with a later Bridge measurement to their mean
    change over the pillars; the demo interviews 17 of 120 of them, as the pilot did."""
    demo = _demo()
    codes = _codebook(study_id, demo, language)
    wanted = min(len(improvement), max(4, min(60, round(len(improvement) * 17 / 100))))
    interviewees = rng.sample(sorted(improvement), wanted)
    professionals = [pid for (pid,) in Professional.select(Professional.id)
                     .where(Professional.study == study_id).order_by(Professional.id).tuples()]
    subjects = [("participant", pid) for pid in interviewees] + [
        ("professional", pid) for pid in rng.sample(professionals, min(4, len(professionals)))]
    first, second = demo["coders"][language]
    codings: list[dict[str, object]] = []
    for kind, subject in subjects:
        lift = 1.0 if kind == "participant" and improvement.get(subject, 0) > 0.3 else 0.0
        themes = [code for code in codes if code["subject"] == kind
                  and rng.random() < code["rate"] + lift * code["lift"]]
        text, spans = _transcript(rng, demo, language, kind, themes)
        interview = Interview.create(
            study=study_id, participant=subject if kind == "participant" else None,
            professional=subject if kind == "professional" else None,
            held_on=dt.date(2019, 2, 1) + dt.timedelta(days=rng.randrange(90)),
            interviewer=rng.choice(demo["interviewers"]), source="demo", transcript=text,
            entered_by=user, entered_at=now)
        codings += [{"interview": interview.id, "code": code_id, "coder": first,
                     "start": start, "end": end, "created_at": now}
                    for code_id, start, end in spans]
        if rng.random() < SECOND_CODER_SHARE:
            codings += _second_coder(rng, interview.id, spans, codes, kind, second, now)
    if codings:
        Coding.insert_many(codings).execute()


def _codebook(study_id: int, demo: dict[str, Any], language: str) -> list[dict[str, Any]]:
    codes = []
    for position, category in enumerate(demo["categories"]):
        node = CodeCategory.create(study=study_id, name=category["name"][language],
                                   position=position)
        for code in category["codes"]:
            row = Code.create(study=study_id, category=node, name=code["name"][language],
                              definition=code["definition"][language], colour=code["colour"],
                              position=len(codes))
            codes.append({"id": row.id, "subject": category["subject"], "rate": code["rate"],
                          "lift": code["lift"], "phrases": code["phrases"][language]})
    return codes


def _transcript(rng: random.Random, demo: dict[str, Any], language: str, kind: str,
                themes: list[dict[str, Any]]) -> tuple[str, list[tuple[int, int, int]]]:
    """Alternating questions and answers; each theme's utterance is where its coding goes."""
    interviewer, participant, professional = demo["speakers"][language]
    speaker = participant if kind == "participant" else professional
    questions, filler = demo["questions"][language], demo["filler"][language]
    lines: list[str] = []
    spans: list[tuple[int, int, int]] = []
    length = 0

    def say(who: str, words: str, code_id: int | None = None) -> None:
        nonlocal length
        prefix = f"{who}: "
        if code_id is not None:
            spans.append((code_id, length + len(prefix), length + len(prefix) + len(words)))
        lines.append(prefix + words)
        length += len(prefix) + len(words) + 1  # the line end

    order = themes[:]
    rng.shuffle(order)
    for turn in range(max(6, len(order) + 3)):
        say(interviewer, questions[turn % len(questions)])
        say(speaker, rng.choice(filler))
        if turn < len(order):
            say(speaker, rng.choice(order[turn]["phrases"]), order[turn]["id"])
    return "\n".join(lines), spans


def _second_coder(rng: random.Random, interview_id: int, spans: list[tuple[int, int, int]],
                  codes: list[dict[str, Any]], kind: str, coder: str,
                  now: dt.datetime) -> list[dict[str, object]]:
    rows = [{"interview": interview_id, "code": code_id, "coder": coder, "start": start,
             "end": end, "created_at": now}
            for code_id, start, end in spans if rng.random() < SECOND_CODER_AGREES]
    found = {code_id for code_id, _, _ in spans}
    for code in codes:
        if code["subject"] == kind and code["id"] not in found \
                and rng.random() < SECOND_CODER_EXTRA:
            rows.append({"interview": interview_id, "code": code["id"], "coder": coder,
                         "start": None, "end": None, "created_at": now})
    if not rows and spans:  # a second coder who coded nothing would not count as coding
        code_id, start, end = spans[0]
        rows.append({"interview": interview_id, "code": code_id, "coder": coder,
                     "start": start, "end": end, "created_at": now})
    return rows
