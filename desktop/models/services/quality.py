"""The data-quality report: what a research assistant should look at again before the figures
are trusted — moments not measured, dates out of order, improbable jumps on the Bridge, codes
that look like one another, and incomplete forms.

Every check is one function in one registry (`CHECKS`, filled by `@check`), so a new check
(e.g. double-entry agreement per assistant) is added in one place; the CLI and the window show
whatever the registry holds. Checks read with plain cursors and let the database do the
filtering, so a study of 20,000 participants is checked in about a second.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from itertools import combinations
from typing import Literal

from desktop.i18n import pick, tr
from desktop.models.errors import NotFoundError
from desktop.models.instruments import InstrumentDefinition
from desktop.models.schema import PARTICIPATING_STATUSES, Participant, Professional, database
from desktop.models.scoring import score_matrix
from desktop.models.services import double_entry
from desktop.models.services.instrument_library import study_instrument, study_questionnaires
from desktop.models.services.studies import MomentInfo, get_study
from desktop.models.services.surveys import SURVEY_KEY, study_survey
from desktop.models.services.validation import as_date

Severity = Literal["error", "warning", "review"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "review")  # most serious first

# A Bridge pillar moving this many levels or more between two assessments at most this many
# days apart is flagged: seven months, so that a six-month follow-up held a few weeks late
# still counts as "within six months".
JUMP_LEVELS = 3
JUMP_DAYS = 214


@dataclass(frozen=True)
class Finding:
    """One thing to look at, with what is needed to show it and to open the record.

    `message` is a catalogue key filled from `params` (dates are formatted as the reader
    writes them when the text is asked for); `record` is the row the finding is about,
    e.g. ("response", 12), ("action", 7) or ("survey_response", 3).
    """

    check: str
    severity: Severity
    subject: str  # a participant's or professional's code, or two codes for a pair
    message: str
    params: Mapping[str, object] = field(default_factory=dict)
    moment: str = ""
    instrument: str = ""
    participant_ids: tuple[int, ...] = ()
    professional_ids: tuple[int, ...] = ()
    moment_id: int | None = None
    instrument_key: str = ""
    record: tuple[str, int] | None = None

    @property
    def text(self) -> str:
        return tr(self.message, **{key: format_date(value) if isinstance(value, dt.date)
                                   else value for key, value in self.params.items()})


@dataclass(frozen=True)
class QualityReport:
    """The findings of every registered check, most serious first within each check."""

    study_id: int
    as_of: dt.date
    findings: tuple[Finding, ...]

    @property
    def counts(self) -> dict[str, int]:
        """Findings per check, every registered check included (0 when it found nothing)."""
        counts = dict.fromkeys(CHECKS, 0)
        for finding in self.findings:
            counts[finding.check] += 1
        return counts

    @property
    def severity_counts(self) -> dict[Severity, int]:
        counts: dict[Severity, int] = dict.fromkeys(SEVERITIES, 0)
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    @property
    def has_errors(self) -> bool:
        return any(finding.severity == "error" for finding in self.findings)


def format_date(value: dt.date) -> str:
    """dd-mm-yyyy in Dutch, yyyy-mm-dd in English (the catalogue says which)."""
    return tr("quality.date", day=value.day, month=value.month, year=value.year)


class StudyData:
    """What several checks need, read once per report: the study's moments, instruments,
    participants and sites."""

    def __init__(self, study_id: int, as_of: dt.date) -> None:
        self.study_id = study_id
        self.as_of = as_of
        study = get_study(study_id)
        self.moments: dict[int, MomentInfo] = {moment.id: moment for moment in study.moments}
        self.sites: dict[int, str] = {site.id: site.name for site in study.sites}
        self.db = database.obj

    @cached_property
    def bridge(self) -> tuple[int, InstrumentDefinition] | None:
        try:
            return study_instrument(self.study_id, "bridge")
        except NotFoundError:
            return None

    @cached_property
    def instruments(self) -> dict[int, InstrumentDefinition]:
        """The instruments participants fill in: the Bridge first, then the questionnaires."""
        found = dict([self.bridge]) if self.bridge else {}
        found.update((linked.id, linked.definition)
                     for linked in study_questionnaires(self.study_id))
        return found

    @cached_property
    def titles(self) -> dict[int, str]:
        """Instrument id → its title in the language of the moment."""
        return {iid: definition.title() for iid, definition in self.instruments.items()}

    @cached_property
    def participants(self) -> dict[int, tuple[str, int | None, str, dt.date | None]]:
        """id → (code, site id, status, inclusion date) of everyone in the study."""
        query = (Participant.select(Participant.id, Participant.code, Participant.site,
                                    Participant.status, Participant.inclusion_date)
                 .where(Participant.study == self.study_id))
        return {pid: (code, site, status, as_date(included))
                for pid, code, site, status, included in self.db.execute(query)}

    def code(self, participant_id: int) -> str:
        return self.participants[participant_id][0]

    def sql(self, query: str, params: tuple[object, ...]) -> list[tuple]:
        """A query written with {p} for the driver's placeholder and {participating} for the
        statuses of those taking part, run through a plain cursor."""
        statuses = ", ".join(f"'{status}'" for status in PARTICIPATING_STATUSES)  # constants
        return self.db.execute_sql(query.format(p=self.db.param, participating=statuses),
                                   params).fetchall()


Check = Callable[[StudyData], Iterable[Finding]]
CHECKS: dict[str, Check] = {}  # key → check, in the order the report shows them


def check(key: str) -> Callable[[Check], Check]:
    """Register a check under `key`; its title is the catalogue's `quality.check.<key>`."""
    def register(function: Check) -> Check:
        CHECKS[key] = function
        return function
    return register


def check_title(key: str) -> str:
    return tr(f"quality.check.{key}")


def run_checks(study_id: int, as_of: dt.date | None = None,
               only: Iterable[str] | None = None) -> QualityReport:
    """Run every registered check (or those in `only`) on a study; `as_of` is the day against
    which moments count as due (default: today)."""
    data = StudyData(study_id, as_of or dt.date.today())
    wanted = list(CHECKS) if only is None else [key for key in CHECKS if key in set(only)]
    rank = {severity: number for number, severity in enumerate(SEVERITIES)}
    findings: list[Finding] = []
    for key in wanted:
        found = sorted(CHECKS[key](data), key=lambda f: (
            rank[f.severity], f.subject.casefold(), _position(data, f.moment_id), f.message,
            [str(value) for value in f.params.values()]))
        findings += found
    return QualityReport(study_id, data.as_of, tuple(findings))


def _position(data: StudyData, moment_id: int | None) -> int:
    moment = data.moments.get(moment_id) if moment_id is not None else None
    return moment.position if moment else -1


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the month's last day where it is shorter (31 Jan + 1 →
    28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# missing moments ----------------------------------------------------------------------------
_MEASURED = """
SELECT r.participant_id, r.moment_id, r.instrument_id
FROM response r JOIN participant p ON p.id = r.participant_id
WHERE p.study_id = {p} AND p.status IN ({participating})
"""


@check("missing_moments")
def missing_moments(data: StudyData) -> Iterator[Finding]:
    """Participants taking part without a Bridge assessment (warning) or a questionnaire
    (to look at) at a moment that is due: the inclusion date plus the moment's months has
    passed. A withdrawn participant is only expected at moments before one they were still
    measured at, since the date they withdrew is not recorded."""
    if not data.instruments:
        return
    measured: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for pid, moment_id, instrument_id in data.sql(_MEASURED, (data.study_id,)):
        measured[pid].add((moment_id, instrument_id))
    moments = sorted(data.moments.values(), key=lambda moment: moment.position)
    bridge_id = data.bridge[0] if data.bridge else None
    for pid, (code, _, status, included) in data.participants.items():
        if status not in PARTICIPATING_STATUSES:
            continue
        if included is None:
            yield Finding("missing_moments", "warning", code, "quality.missing.no_inclusion",
                          participant_ids=(pid,))
            continue
        present = measured.get(pid, set())
        last = max((data.moments[moment_id].position for moment_id, _ in present), default=-1)
        for moment in moments:
            due = add_months(included, moment.months)
            if due > data.as_of or (status == "withdrawn" and moment.position >= last):
                continue
            missing = [iid for iid in data.instruments if (moment.id, iid) not in present]
            if not missing:
                continue
            titles = ", ".join(data.titles[iid] for iid in missing)
            yield Finding(
                "missing_moments", "warning" if bridge_id in missing else "review", code,
                "quality.missing.moment",
                {"missing": len(missing), "total": len(data.instruments), "due": due},
                moment=moment.name, instrument=titles, participant_ids=(pid,),
                moment_id=moment.id, instrument_key=data.instruments[missing[0]].key)


# dates out of order -------------------------------------------------------------------------
_OUT_OF_ORDER = """
SELECT id, participant_id, instrument_id, moment_id, assessed_on, inclusion_date,
       previous_moment, previous_on
FROM (
    SELECT r.id, r.participant_id, r.instrument_id, r.moment_id, r.assessed_on,
           p.inclusion_date,
           LAG(r.moment_id) OVER w AS previous_moment,
           LAG(r.assessed_on) OVER w AS previous_on
    FROM response r
    JOIN moment m ON m.id = r.moment_id
    JOIN participant p ON p.id = r.participant_id
    WHERE p.study_id = {p}
    WINDOW w AS (PARTITION BY r.participant_id, r.instrument_id ORDER BY m.position)
) dated
WHERE assessed_on <= previous_on OR assessed_on < inclusion_date
"""

_ACTIONS_OUT_OF_ORDER = """
SELECT a.id, a.participant_id, t.label, a.agreed_on, a.done_on, p.inclusion_date
FROM action a
JOIN participant p ON p.id = a.participant_id
JOIN action_type t ON t.id = a.action_type_id
WHERE p.study_id = {p} AND (a.done_on < a.agreed_on OR a.agreed_on < p.inclusion_date)
"""


@check("date_order")
def dates_out_of_order(data: StudyData) -> Iterator[Finding]:
    """Per participant and instrument, an assessment dated before (error) or on the same day
    as (warning) the one of the moment before it; an assessment before the inclusion date; an
    action done before it was agreed, or agreed before the inclusion date (errors)."""
    for (response_id, pid, instrument_id, moment_id, assessed_on, included, previous_moment,
         previous_on) in data.sql(_OUT_OF_ORDER, (data.study_id,)):
        assessed, included, previous = (as_date(assessed_on), as_date(included),
                                        as_date(previous_on))
        definition = data.instruments.get(instrument_id)
        common = {"moment": data.moments[moment_id].name,
                  "instrument": data.titles.get(instrument_id, ""),
                  "participant_ids": (pid,), "moment_id": moment_id,
                  "instrument_key": definition.key if definition else "",
                  "record": ("response", response_id)}
        if previous is not None and assessed <= previous:
            same = assessed == previous
            yield Finding("date_order", "warning" if same else "error", data.code(pid),
                          "quality.order.same_day" if same else "quality.order.before_previous",
                          {"date": assessed, "previous": data.moments[previous_moment].name,
                           "previous_date": previous, "days": (previous - assessed).days},
                          **common)
        if included is not None and assessed < included:
            yield Finding("date_order", "error", data.code(pid),
                          "quality.order.before_inclusion",
                          {"date": assessed, "inclusion": included,
                           "days": (included - assessed).days}, **common)
    for action_id, pid, label, agreed_on, done_on, included in data.sql(
            _ACTIONS_OUT_OF_ORDER, (data.study_id,)):
        agreed, done, included = as_date(agreed_on), as_date(done_on), as_date(included)
        where = {"participant_ids": (pid,), "record": ("action", action_id)}
        if done is not None and done < agreed:
            yield Finding("date_order", "error", data.code(pid), "quality.order.action",
                          {"action": _label(label), "agreed": agreed, "done": done,
                           "days": (agreed - done).days}, **where)
        if included is not None and agreed < included:
            yield Finding("date_order", "error", data.code(pid),
                          "quality.order.action_before_inclusion",
                          {"action": _label(label), "agreed": agreed, "inclusion": included,
                           "days": (included - agreed).days}, **where)


def _label(stored: str) -> str:
    return pick(json.loads(stored))


# impossible jumps ---------------------------------------------------------------------------
_JUMPS = """
SELECT response_id, participant_id, item, moment_id, assessed_on, value,
       previous_moment, previous_on, previous_value
FROM (
    SELECT r.id AS response_id, r.participant_id, v.item, r.moment_id, r.assessed_on, v.value,
           LAG(r.moment_id) OVER w AS previous_moment,
           LAG(r.assessed_on) OVER w AS previous_on,
           LAG(v.value) OVER w AS previous_value
    FROM response_value v
    JOIN response r ON r.id = v.response_id
    JOIN moment m ON m.id = r.moment_id
    JOIN participant p ON p.id = r.participant_id
    WHERE p.study_id = {p} AND r.instrument_id = {p} AND v.value IS NOT NULL
    WINDOW w AS (PARTITION BY r.participant_id, v.item ORDER BY m.position)
) levels
WHERE value - previous_value >= {p} OR previous_value - value >= {p}
"""


@check("impossible_jumps")
def impossible_jumps(data: StudyData) -> Iterator[Finding]:
    """A Bridge pillar that moved JUMP_LEVELS levels or more between two consecutive
    assessments at most JUMP_DAYS apart: possible, but worth a second look at the paper."""
    if data.bridge is None:
        return
    instrument_id, definition = data.bridge
    for (response_id, pid, item, moment_id, assessed_on, value, previous_moment, previous_on,
         previous_value) in data.sql(_JUMPS, (data.study_id, instrument_id, JUMP_LEVELS,
                                              JUMP_LEVELS)):
        days = (as_date(assessed_on) - as_date(previous_on)).days
        if days > JUMP_DAYS:
            continue
        yield Finding("impossible_jumps", "review", data.code(pid), "quality.jump",
                      {"pillar": definition.item(item).text(), "before": previous_value,
                       "after": value, "days": days,
                       "previous": data.moments[previous_moment].name},
                      moment=data.moments[moment_id].name, instrument=data.titles[instrument_id],
                      participant_ids=(pid,), moment_id=moment_id,
                      instrument_key=definition.key, record=("response", response_id))


# duplicate-looking codes --------------------------------------------------------------------
_SEPARATORS = re.compile(r"[\s\-_.]+")
_CONFUSABLE = str.maketrans("oil", "011")
_NUMBER = re.compile(r"\d+")
_NON_DIGIT = re.compile(r"\D")


@dataclass(frozen=True)
class _Code:
    id: int
    code: str
    site: int | None
    flat: str  # case folded, separators dropped
    skeleton: str  # and O/0, I/1/l read alike


def fold_code(code: str) -> str:
    """A code as it reads when case, spaces, dashes, underscores, dots and the look-alikes
    O/0 and I/1/l are ignored: codes with one skeleton are easily taken for one another."""
    return _flat(code).translate(_CONFUSABLE)


def _flat(code: str) -> str:
    return _SEPARATORS.sub("", code.casefold())


def _numbered_apart(first: _Code, second: _Code) -> bool:
    """Codes of one numbering that differ in their number only (D00012/D00013, AL-1/AL-11):
    different people by design, not a slip of the pen."""
    return (_NUMBER.sub("#", first.flat) == _NUMBER.sub("#", second.flat)
            and [int(n) for n in _NUMBER.findall(first.flat)]
            != [int(n) for n in _NUMBER.findall(second.flat)])


def look_alike_pairs(codes: Iterable[tuple[int, str, int | None]]
                     ) -> list[tuple[str, _Code, _Code]]:
    """Pairs (reason, first, second), each once: codes equal when folded ("folded"), or one
    typing slip apart within one site ("one_apart": a character more, less or different),
    leaving out codes that differ only in their number.

    One apart is found without comparing every pair: two codes are one substitution apart
    when deleting the same position from both gives the same text, and one insertion apart
    when deleting a position from the longer gives the shorter (a deletion neighbourhood)."""
    entries = [_Code(pid, code, site, _flat(code), fold_code(code)) for pid, code, site in codes]
    pairs: dict[tuple[int, int], tuple[str, _Code, _Code]] = {}

    def add(reason: str, first: _Code, second: _Code) -> None:
        first, second = sorted((first, second), key=lambda entry: (entry.code, entry.id))
        pairs.setdefault((first.id, second.id), (reason, first, second))

    by_skeleton: dict[str, list[_Code]] = defaultdict(list)
    for entry in entries:
        by_skeleton[entry.skeleton].append(entry)
    for group in by_skeleton.values():
        for first, second in combinations(group, 2):
            add("folded", first, second)
    by_site: dict[int | None, list[_Code]] = defaultdict(list)
    for entry in entries:
        by_site[entry.site].append(entry)
    for group in by_site.values():
        skeletons: dict[str, list[_Code]] = defaultdict(list)
        letter_places: set[tuple[int, int]] = set()  # (length, place) of a non-digit
        for entry in group:
            skeletons[entry.skeleton].append(entry)
            length = len(entry.skeleton)
            letter_places.update((length, match.start())
                                 for match in _NON_DIGIT.finditer(entry.skeleton))
        lengths = {len(skeleton) for skeleton in skeletons}
        substitutions: dict[tuple[str, int], list[_Code]] = defaultdict(list)
        for entry in group:
            skeleton = entry.skeleton
            length = len(skeleton)
            inserted = length - 1 in lengths
            for index in range(length):
                if not inserted and (length, index) not in letter_places:
                    continue  # numbered codes: most places can make no pair, skip them fast
                shorter = skeleton[:index] + skeleton[index + 1:]
                if (length, index) in letter_places:
                    substitutions[shorter, index].append(entry)
                for other in skeletons.get(shorter, ()) if inserted else ():
                    if not _numbered_apart(entry, other):  # one character more than `other`
                        add("one_apart", entry, other)
        for (_, index), bucket in substitutions.items():  # one character different
            for first, second in combinations(bucket, 2):
                # a digit for another (O and I/l read as 0 and 1) is the next number of a
                # numbering: never a pair
                if first.skeleton != second.skeleton and not (
                        first.skeleton[index].isdigit() and second.skeleton[index].isdigit()):
                    add("one_apart", first, second)
    return sorted(pairs.values(), key=lambda pair: (pair[1].code, pair[2].code))


@check("duplicate_codes")
def duplicate_codes(data: StudyData) -> Iterator[Finding]:
    """Participant and professional codes that could be one person typed twice."""
    people = [(pid, code, site) for pid, (code, site, _, _) in data.participants.items()]
    professionals = list(data.db.execute(
        Professional.select(Professional.id, Professional.code, Professional.site)
        .where(Professional.study == data.study_id)))
    for kind, codes in (("participant", people), ("professional", professionals)):
        for reason, first, second in look_alike_pairs(codes):
            ids = (first.id, second.id)
            yield Finding(
                "duplicate_codes", "warning", f"{first.code} / {second.code}",
                f"quality.duplicate.{reason}",
                {"first": first.code, "second": second.code,
                 "site": data.sites.get(first.site, "") if first.site else tr("quality.no_site"),
                 "kind": tr(f"quality.kind.{kind}")},
                participant_ids=ids if kind == "participant" else (),
                professional_ids=ids if kind == "professional" else ())


# incomplete responses -----------------------------------------------------------------------
_INCOMPLETE = """
SELECT r.id, r.participant_id, r.moment_id, r.instrument_id, v.item, v.value, v.missing_reason
FROM response r
JOIN participant p ON p.id = r.participant_id
JOIN response_value v ON v.response_id = r.id
WHERE p.study_id = {p} AND r.id IN (SELECT response_id FROM response_value WHERE value IS NULL)
"""


@check("incomplete_responses")
def incomplete_responses(data: StudyData) -> Iterator[Finding]:
    """Questionnaire responses with unanswered items — a warning when a scale can no longer be
    scored under the instrument's missing-data rule — and professionals' surveys stored as
    partial. (An empty Bridge pillar is no finding: not every pillar is discussed every
    time.)"""
    import numpy as np

    questionnaires = {iid: definition for iid, definition in data.instruments.items()
                      if definition.kind != "bridge"}
    answers: dict[int, dict[str, int | None]] = defaultdict(dict)
    heads: dict[int, tuple[int, int, int]] = {}
    reasons: dict[int, int] = defaultdict(int)
    for response_id, pid, moment_id, instrument_id, item, value, reason in data.sql(
            _INCOMPLETE, (data.study_id,)):
        if instrument_id not in questionnaires:
            continue
        heads[response_id] = (pid, moment_id, instrument_id)
        answers[response_id][item] = value
        reasons[response_id] += value is None and reason is not None
    for instrument_id, definition in questionnaires.items():
        ids = [rid for rid, head in heads.items() if head[2] == instrument_id]
        if not ids:
            continue
        keys = definition.item_keys
        matrix = np.array([[np.nan if answers[rid].get(item) is None else answers[rid][item]
                            for item in keys] for rid in ids], dtype=float)
        scores = score_matrix(definition, matrix)
        for row, response_id in enumerate(ids):
            pid, moment_id, _ = heads[response_id]
            unscored = [scale.text() for scale in definition.scales
                        if np.isnan(scores[scale.key][0][row])]
            params = {"missing": int(np.isnan(matrix[row]).sum()),
                      "items": len(keys),
                      "with_reason": reasons[response_id], "scales": ", ".join(unscored)}
            yield Finding(
                "incomplete_responses", "warning" if unscored else "review", data.code(pid),
                "quality.incomplete.unscored" if unscored else "quality.incomplete.items",
                params, moment=data.moments[moment_id].name, instrument=data.titles[instrument_id],
                participant_ids=(pid,), moment_id=moment_id, instrument_key=definition.key,
                record=("response", response_id))
    yield from _partial_surveys(data)


_PARTIAL_SURVEYS = """
SELECT r.id, r.professional_id, pr.code, a.item
FROM survey_response r
JOIN survey s ON s.id = r.survey_id
JOIN professional pr ON pr.id = r.professional_id
LEFT JOIN survey_answer a ON a.response_id = r.id
WHERE s.study_id = {p} AND s.key = {p} AND NOT r.complete
"""


def _partial_surveys(data: StudyData) -> Iterator[Finding]:
    """Surveys stored as partial (surveys.is_complete decided that when they were saved),
    with how much of each part was filled in."""
    given: dict[tuple[int, int, str], set[str]] = defaultdict(set)
    for response_id, professional_id, code, item in data.sql(_PARTIAL_SURVEYS,
                                                             (data.study_id, SURVEY_KEY)):
        given[response_id, professional_id, code].add(item)
    if not given:
        return
    definition = study_survey(data.study_id).definition  # stored: it has responses
    for (response_id, professional_id, code), items in given.items():
        yield Finding(
            "incomplete_responses", "review", code, "quality.incomplete.survey",
            {"ranked": len(items.intersection(definition.element_keys)),
             "places": definition.places,
             "statements": len(items.intersection(definition.likert_keys)),
             "statements_total": len(definition.likert_keys),
             "steps": len(items.intersection(definition.step_keys)),
             "steps_total": len(definition.step_keys)},
            instrument=definition.title(), professional_ids=(professional_id,),
            record=("survey_response", response_id))


# double data entry --------------------------------------------------------------------------
AGREEMENT_WARNING = 0.95  # an assistant whose entries agree on fewer fields than this


@check("double_entry_agreement")
def double_entry_agreement(data: StudyData) -> Iterator[Finding]:
    """Per assistant, as first and as second typist, the fields (date and items) of their
    double-entered forms both entries agreed on: a warning below AGREEMENT_WARNING."""
    for row in double_entry.agreement(data.study_id):
        yield Finding("double_entry_agreement",
                      "warning" if row.rate < AGREEMENT_WARNING else "review", row.assistant,
                      f"quality.double_entry.agreement_{row.role}",
                      {"agreed": row.agreed, "fields": row.fields, "forms": row.forms,
                       "percent": int(100 * row.rate)})


@check("double_entry_waiting")
def double_entry_waiting(data: StudyData) -> Iterator[Finding]:
    """Once a study enters forms twice: each form whose entries differ and wait for a
    resolution (warning), and per instrument, moment and first typist how many forms still
    wait for their second entry."""
    if not double_entry.in_use(data.study_id):
        return
    second: dict[tuple[str, int, str], list[double_entry.WaitingForm]] = defaultdict(list)
    for form in double_entry.waiting_forms(data.study_id):
        if form.state == "second_entry":
            second[form.instrument_key, form.moment_id, form.first_by].append(form)
            continue
        yield Finding("double_entry_waiting", "warning", form.code,
                      "quality.double_entry.to_resolve", {"first": form.first_by},
                      moment=form.moment, instrument=form.title,
                      participant_ids=(form.participant_id,), moment_id=form.moment_id,
                      instrument_key=form.instrument_key, record=("response", form.response_id))
    for (key, moment_id, first_by), forms in second.items():
        yield Finding("double_entry_waiting", "review", first_by,
                      "quality.double_entry.waiting", {"forms": len(forms)},
                      moment=forms[0].moment, instrument=forms[0].title, moment_id=moment_id,
                      instrument_key=key)
