"""How far data entry is, and the stored scores in the plain shape the findings need."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import peewee as pw

from desktop.models.instruments import InstrumentDefinition
from desktop.models.schema import (
    PARTICIPATING_STATUSES,
    Moment,
    Participant,
    Response,
    ResponseValue,
    Site,
)
from desktop.models.services.studies import study_instrument


@dataclass(frozen=True)
class MomentProgress:
    moment_id: int
    name: str
    participating: int
    measured: int

    @property
    def missing(self) -> int:
        return self.participating - self.measured


@dataclass(frozen=True)
class EntryProgress:
    statuses: dict[str, int]
    moments: tuple[MomentProgress, ...]
    by_site: dict[str, dict[str, int]]  # site name → moment name → measured


def entry_progress(study_id: int) -> EntryProgress:
    """Participants per status, and per moment (and site) how many have a Bridge assessment."""
    instrument_id, _ = study_instrument(study_id, "bridge")
    statuses = Counter(
        status for (status,) in Participant.select(Participant.status)
        .where(Participant.study == study_id).tuples()
    )
    participating = sum(statuses[s] for s in PARTICIPATING_STATUSES)
    measured = Counter()
    by_site: dict[str, Counter[str]] = {}
    query = (
        Response.select(Moment.name, Site.name)
        .join(Moment).switch(Response).join(Participant)
        .join(Site, on=(Participant.site == Site.id), join_type=pw.JOIN.LEFT_OUTER)
        .where((Participant.study == study_id) & (Response.instrument == instrument_id))
        .tuples()
    )
    for moment_name, site_name in query:
        measured[moment_name] += 1
        by_site.setdefault(site_name or "", Counter())[moment_name] += 1
    moments = tuple(
        MomentProgress(m.id, m.name, participating, measured[m.name])
        for m in Moment.select().where(Moment.study == study_id).order_by(Moment.position)
    )
    return EntryProgress(dict(statuses), moments, {k: dict(v) for k, v in by_site.items()})


@dataclass(frozen=True)
class ScoreTable:
    """Everything the Bridge findings read, fetched in a few plain queries."""

    definition: InstrumentDefinition
    moments: tuple[tuple[int, str, str, int], ...]  # (id, key, name, position)
    moment_months: dict[int, int]  # moment id → months after intake
    participants: dict[int, str]  # id → recruitment status
    inclusion: dict[int, dt.date | None]  # id → inclusion date
    # (participant, moment, item, value, missing reason)
    values: list[tuple[int, int, str, int | None, str | None]]


def bridge_scores(study_id: int) -> ScoreTable:
    instrument_id, definition = study_instrument(study_id, "bridge")
    moment_rows = list(
        Moment.select(Moment.id, Moment.key, Moment.name, Moment.position, Moment.months)
        .where(Moment.study == study_id).order_by(Moment.position).tuples()
    )
    participants: dict[int, str] = {}
    inclusion: dict[int, dt.date | None] = {}
    for pid, status, included in (
        Participant.select(Participant.id, Participant.status, Participant.inclusion_date)
        .where(Participant.study == study_id).tuples().iterator()
    ):
        participants[pid] = status
        inclusion[pid] = _as_date(included)
    values = list(
        ResponseValue.select(Response.participant, Response.moment, ResponseValue.item,
                             ResponseValue.value, ResponseValue.missing_reason)
        .join(Response).join(Participant)
        .where((Participant.study == study_id) & (Response.instrument == instrument_id))
        .tuples()
        .iterator()
    )
    return ScoreTable(definition, tuple(row[:4] for row in moment_rows),
                      {row[0]: row[4] for row in moment_rows}, participants, inclusion, values)


def _as_date(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value  # type: ignore[return-value]
    return dt.date.fromisoformat(str(value)[:10])
