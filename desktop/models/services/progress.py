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
    Site,
    database,
)
from desktop.models.services.instrument_library import study_instrument
from desktop.models.services.validation import as_date


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
    db = database.obj
    statuses = dict(db.execute(
        Participant.select(Participant.status, pw.fn.COUNT(Participant.id))
        .where(Participant.study == study_id).group_by(Participant.status)
    ))
    participating = sum(statuses.get(s, 0) for s in PARTICIPATING_STATUSES)
    measured: Counter[int] = Counter()
    by_site: dict[str, dict[str, int]] = {}
    moments = list(db.execute(
        Moment.select(Moment.id, Moment.name).where(Moment.study == study_id)
        .order_by(Moment.position)
    ))
    names = dict(moments)
    counts = db.execute(
        Response.select(Response.moment, Site.name, pw.fn.COUNT(Response.id))
        .join(Participant)
        .join(Site, on=(Participant.site == Site.id), join_type=pw.JOIN.LEFT_OUTER)
        .where((Participant.study == study_id) & (Response.instrument == instrument_id)
               & Participant.status.in_(PARTICIPATING_STATUSES))
        .group_by(Response.moment, Site.name)
    )
    for moment_id, site_name, count in counts:
        measured[moment_id] += count
        by_site.setdefault(site_name or "", {})[names[moment_id]] = count
    return EntryProgress(
        statuses,
        tuple(MomentProgress(mid, name, participating, measured[mid]) for mid, name in moments),
        by_site,
    )


Pairs = list[tuple[str, int, int, int]]  # (pillar, intake level, last later level, count)


@dataclass(frozen=True)
class BridgeData:
    """What the Bridge findings read, already reduced by the database to small tables."""

    definition: InstrumentDefinition
    moments: tuple[tuple[int, str, str, int, int], ...]  # (id, key, name, position, months)
    participants: dict[int, tuple[str, dt.date | None]]  # id → (status, inclusion date)
    measured: dict[int, set[int]]  # moment id → participants with an assessment
    pairs: Pairs
    missing: list[tuple[str, str, str | None, int]]  # (pillar, moment key, reason, count)
    site_pairs: dict[int | None, Pairs]  # site id (None: no site) → that site's pairs


# Each participant's intake level of a pillar beside the level at the last later moment that
# has one (DESIGN §4), counted per (site, pillar, intake, last) in one GROUP BY pass: the last
# later level is found as the largest position * 1000 + (level − scale minimum); the loader
# keeps scales narrower than 1000 and from 0 up. No '%' (a placeholder to psycopg2) and no
# parameters outside the WHERE clause, so PostgreSQL prepares it as SQLite does.
_PAIRS = """
SELECT site_id, item, intake, last_code - (last_code / 1000) * 1000, COUNT(*)
FROM (
    SELECT r.participant_id, MAX(p.site_id) AS site_id, v.item AS item,
           MAX(CASE WHEN m.position = 0 THEN v.value END) AS intake,
           MAX(CASE WHEN m.position > 0 THEN m.position * 1000 + v.value - {low} END)
               AS last_code
    FROM response_value v
    JOIN response r ON r.id = v.response_id
    JOIN moment m ON m.id = r.moment_id
    JOIN participant p ON p.id = r.participant_id
    WHERE m.study_id = {p} AND r.instrument_id = {p} AND v.value IS NOT NULL
      AND p.status IN ({participating}) {site}
    GROUP BY r.participant_id, v.item
) per_participant
WHERE intake IS NOT NULL AND last_code IS NOT NULL
GROUP BY 1, 2, 3, 4
"""

_MISSING = """
SELECT v.item, m.key, v.missing_reason, COUNT(*)
FROM response_value v
JOIN response r ON r.id = v.response_id
JOIN moment m ON m.id = r.moment_id
JOIN participant p ON p.id = r.participant_id
WHERE m.study_id = {p} AND r.instrument_id = {p} AND v.value IS NULL
  AND p.status IN ({participating}) {site}
GROUP BY v.item, m.key, v.missing_reason
"""

def bridge_data(study_id: int, site_id: int | None = None) -> BridgeData:
    """Read the study's Bridge data (or one site's) in four queries, with plain cursors: this
    feeds findings on studies of tens of thousands of participants, where model objects would
    cost seconds. The pairs come per site as well, for the factsheet's comparison of sites."""
    instrument_id, definition = study_instrument(study_id, "bridge")
    db = database.obj
    moments = tuple(
        Moment.select(Moment.id, Moment.key, Moment.name, Moment.position, Moment.months)
        .where(Moment.study == study_id).order_by(Moment.position).tuples()
    )
    people = Participant.select(Participant.id, Participant.status, Participant.inclusion_date
                                ).where(Participant.study == study_id)
    if site_id is not None:
        people = people.where(Participant.site == site_id)
    participants = {pid: (status, as_date(included))
                    for pid, status, included in db.execute(people)}
    measured: dict[int, set[int]] = {moment[0]: set() for moment in moments}
    for pid, moment_id in db.execute(
        Response.select(Response.participant, Response.moment)
        .join(Moment).where((Moment.study == study_id) & (Response.instrument == instrument_id))
    ):
        if pid in participants:
            measured[moment_id].add(pid)
    params: tuple[int, ...] = (study_id, instrument_id)
    site = ""
    if site_id is not None:
        params, site = (*params, site_id), f"AND p.site_id = {db.param}"
    participating = _participating()
    low = int(definition.minimum)  # a checked whole number, written into the query
    by_site: dict[int | None, Pairs] = {}
    totals: Counter[tuple[str, int, int]] = Counter()
    for site_of, item, before, after, count in db.execute_sql(
            _PAIRS.format(p=db.param, participating=participating, low=low, site=site), params):
        by_site.setdefault(site_of, []).append((item, before, after + low, count))
        totals[item, before, after + low] += count
    pairs = [(item, before, after, count) for (item, before, after), count in totals.items()]
    missing = db.execute_sql(_MISSING.format(p=db.param, participating=participating,
                                             site=site), params).fetchall()
    return BridgeData(definition, moments, participants, measured, pairs, missing, by_site)


def _participating() -> str:
    return ", ".join(f"'{status}'" for status in PARTICIPATING_STATUSES)  # constants


# One row per response with a column per item: the database pivots hundreds of thousands of
# answers in one pass, and scoring.score_matrix takes the matrix as it comes. Grouped by the
# response id, which the instrument index already yields in order (no temporary sort).
_PIVOT = """
SELECT MAX(r.participant_id), MAX(m.position), {columns}
FROM response r
JOIN response_value v ON v.response_id = r.id
JOIN moment m ON m.id = r.moment_id
JOIN participant p ON p.id = r.participant_id
WHERE m.study_id = {p} AND r.instrument_id = {p} AND p.status IN ({participating}) {site}
GROUP BY r.id
"""


def questionnaire_rows(study_id: int, instrument_id: int, item_keys: tuple[str, ...],
                       site_id: int | None = None) -> list[tuple]:
    """(participant, moment position, raw value per item or None) per response of everyone
    taking part (at one site, if given), in no particular order."""
    db = database.obj
    columns = ", ".join([f"MAX(CASE WHEN v.item = {db.param} THEN v.value END)"] * len(item_keys))
    params: tuple[object, ...] = (*item_keys, study_id, instrument_id)
    site = ""
    if site_id is not None:
        params, site = (*params, site_id), f"AND p.site_id = {db.param}"
    query = _PIVOT.format(columns=columns, p=db.param, participating=_participating(),
                          site=site)
    return db.execute_sql(query, params).fetchall()


_PARTICIPANT_CHANGE = """
SELECT r.participant_id, v.item,
       MAX(CASE WHEN m.position = 0 THEN v.value END),
       MAX(CASE WHEN m.position > 0 THEN m.position * 1000 + v.value - {low} END)
FROM response_value v
JOIN response r ON r.id = v.response_id
JOIN moment m ON m.id = r.moment_id
JOIN participant p ON p.id = r.participant_id
WHERE m.study_id = {p} AND r.instrument_id = {p} AND v.value IS NOT NULL
  AND p.status IN ({participating})
  AND r.participant_id IN (SELECT participant_id FROM interview WHERE study_id = {p})
GROUP BY r.participant_id, v.item
"""


def participant_changes(study_id: int) -> dict[int, dict[str, int]]:
    """Per interviewed participant and pillar the change from intake to the last later level
    (+ is better), for linking what participants said to how they moved on the Bridge."""
    instrument_id, definition = study_instrument(study_id, "bridge")
    db = database.obj
    low = int(definition.minimum)  # a checked whole number, written into the query
    changes: dict[int, dict[str, int]] = {}
    for pid, item, intake, last_code in db.execute_sql(
            _PARTICIPANT_CHANGE.format(p=db.param, low=low, participating=_participating()),
            (study_id, instrument_id, study_id)):
        if intake is not None and last_code is not None:
            last = last_code - (last_code // 1000) * 1000 + low
            changes.setdefault(pid, {})[item] = last - intake
    return changes
