"""Create, describe and change studies: sites, measurement moments and instruments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from desktop.i18n import LANGUAGES, tr
from desktop.models import audit
from desktop.models.database import transaction
from desktop.models.errors import NotFoundError, ValidationError
from desktop.models.schema import (
    Instrument,
    Moment,
    Participant,
    Professional,
    Response,
    Site,
    Study,
    StudyInstrument,
)
from desktop.models.services.instrument_library import (
    catalogue,
    check_study_figures,
    ensure_instrument,
)
from desktop.models.services.users import require_lead, session_user
from desktop.models.services.validation import clean_text, parse_date


@dataclass(frozen=True)
class MomentSpec:
    name: str
    months: int
    key: str = ""
    id: int | None = None


@dataclass(frozen=True)
class SiteInfo:
    id: int
    name: str


@dataclass(frozen=True)
class MomentInfo:
    id: int
    key: str
    name: str
    position: int
    months: int


@dataclass(frozen=True)
class StudyInfo:
    id: int
    name: str
    organisation: str
    municipality: str
    language: str
    period_start: dt.date | None
    period_end: dt.date | None
    sites: tuple[SiteInfo, ...] = ()
    moments: tuple[MomentInfo, ...] = ()
    instrument_keys: tuple[str, ...] = ()


@dataclass
class StudyInput:
    """What a user types in the study dialog (or a script passes), before checking."""

    name: str
    organisation: str = ""
    municipality: str = ""
    language: str = "nl"
    period_start: object = None
    period_end: object = None
    sites: list[str] = field(default_factory=list)
    moments: list[MomentSpec] | None = None
    instrument_keys: tuple[str, ...] = ("bridge",)


def default_moments(language: str | None = None) -> list[MomentSpec]:
    """Intake, 6 months, 12 months / last contact: the moments of the Alphen pilot."""
    return [
        MomentSpec(tr("moment.intake", language=language), 0, "intake"),
        MomentSpec(tr("moment.m6", language=language), 6, "m6"),
        MomentSpec(tr("moment.m12", language=language), 12, "m12"),
    ]


def _checked(data: StudyInput) -> dict[str, object]:
    if data.language not in LANGUAGES:
        raise ValidationError("language", "error.language", value=data.language)
    start = parse_date(data.period_start, "period_start")
    end = parse_date(data.period_end, "period_end")
    if start and end and end < start:
        raise ValidationError("period_end", "error.period_order")
    sites = [clean_text(name, "sites", 200) for name in data.sites]
    sites = [name for name in sites if name]
    if len({name.casefold() for name in sites}) != len(sites):
        raise ValidationError("sites", "error.site_duplicate")
    moments = data.moments if data.moments is not None else default_moments(data.language)
    if not moments:
        raise ValidationError("moments", "error.moments_empty")
    names = [clean_text(m.name, "moments", 100, required=True) for m in moments]
    if len({n.casefold() for n in names}) != len(names):
        raise ValidationError("moments", "error.moment_duplicate")
    months = [m.months for m in moments]
    if months[0] != 0:
        raise ValidationError("moments", "error.moment_intake_first")
    if any(later <= earlier for earlier, later in zip(months, months[1:], strict=False)):
        raise ValidationError("moments", "error.moment_order")
    if len(set(data.instrument_keys)) != len(data.instrument_keys):
        raise ValidationError("instruments", "error.instrument_twice")
    known = catalogue()
    unknown = [key for key in data.instrument_keys if key not in known]
    if unknown:
        raise ValidationError("instruments", "error.instrument_unknown", key=unknown[0])
    if not any(known[key].kind == "bridge" for key in data.instrument_keys):
        raise ValidationError("instruments", "error.bridge_required")
    return {
        "name": clean_text(data.name, "name", 200, required=True),
        "organisation": clean_text(data.organisation, "organisation", 200),
        "municipality": clean_text(data.municipality, "municipality", 200),
        "language": data.language,
        "period_start": start,
        "period_end": end,
        "sites": sites,
        "moments": moments,
    }


def create_study(data: StudyInput) -> int:
    """A new study; its creator is registered as a user first, so the creator of a new
    database is its lead (see services/users.py)."""
    session_user()
    checked = _checked(data)
    fields = {k: checked[k] for k in ("name", "organisation", "municipality", "language",
                                      "period_start", "period_end")}
    with transaction():
        study = Study.create(**fields)
        audit.record("study", study.id, "insert", {k: (None, v) for k, v in fields.items()})
        _replace_sites(study, checked["sites"])
        _replace_moments(study, checked["moments"])
        _replace_instruments(study, data.instrument_keys)
    return study.id


def update_study(study_id: int, data: StudyInput) -> None:
    """Change the study, its sites, moments and instruments: a lead's task."""
    require_lead()
    checked = _checked(data)
    with transaction():
        study = _study(study_id)
        fields = {k: checked[k] for k in ("name", "organisation", "municipality", "language",
                                          "period_start", "period_end")}
        old = {k: getattr(study, k) for k in fields}
        changes = audit.changes_between(old, fields)
        if changes:
            Study.update(**fields).where(Study.id == study_id).execute()
            audit.record("study", study_id, "update", changes)
        _replace_sites(study, checked["sites"])
        _replace_moments(study, checked["moments"])
        _replace_instruments(study, data.instrument_keys)


def _replace_sites(study: Study, names: list[str]) -> None:
    """Add new sites, keep existing ones; a site with participants is never removed silently."""
    existing = {site.name: site for site in Site.select().where(Site.study == study)}
    for name in names:
        if name not in existing:
            site = Site.create(study=study, name=name)
            audit.record("site", site.id, "insert", {"name": (None, name)})
    for name, site in existing.items():
        if name in names:
            continue
        if (Participant.select().where(Participant.site == site).exists()
                or Professional.select().where(Professional.site == site).exists()):
            raise ValidationError("sites", "error.site_in_use", name=name)
        audit.record("site", site.id, "delete", {"name": (name, None)})
        site.delete_instance()


def _replace_moments(study: Study, specs: list[MomentSpec]) -> None:
    """Renumber moments in the given order; a moment with responses is never removed."""
    existing = {m.id: m for m in Moment.select().where(Moment.study == study)}
    kept_ids = {spec.id for spec in specs if spec.id}
    for moment_id, moment in existing.items():
        if moment_id in kept_ids:
            continue
        if Response.select().where(Response.moment == moment).exists():
            raise ValidationError("moments", "error.moment_in_use", name=moment.name)
        audit.record("moment", moment_id, "delete", {"name": (moment.name, None)})
        moment.delete_instance()
    # Move positions out of the way first: (study, position) is unique.
    Moment.update(position=Moment.position + 1000).where(Moment.study == study).execute()
    used_keys = {m.key for m in existing.values() if m.id in kept_ids}
    for position, spec in enumerate(specs):
        if spec.id and spec.id in existing:
            Moment.update(name=spec.name, months=spec.months, position=position).where(
                Moment.id == spec.id
            ).execute()
            continue
        key = spec.key or f"m{spec.months}"
        while key in used_keys:
            key += "_"
        used_keys.add(key)
        moment = Moment.create(study=study, key=key, name=spec.name, position=position,
                               months=spec.months)
        audit.record("moment", moment.id, "insert", {"name": (None, spec.name)})


def _replace_instruments(study: Study, keys: tuple[str, ...]) -> None:
    """Link the chosen instruments; one with responses in this study is never unlinked, and
    one without moves to the latest version of its definition."""
    linked = {
        link.instrument.key: link
        for link in StudyInstrument.select(StudyInstrument, Instrument).join(Instrument)
        .where(StudyInstrument.study == study)
    }
    for key in keys:
        if key not in linked:
            StudyInstrument.create(study=study, instrument=ensure_instrument(key))
            audit.record("study", study.id, "update", {"instrument": (None, key)})
    for key, link in linked.items():
        answered = (Response.select().join(Participant)
                    .where((Response.instrument == link.instrument_id)
                           & (Participant.study == study)).exists())
        if key in keys:
            latest = ensure_instrument(key)
            if latest.id != link.instrument_id and not answered:
                StudyInstrument.update(instrument=latest).where(
                    StudyInstrument.id == link.id).execute()
                check_study_figures(latest)
                audit.record("study", study.id, "update", {"instrument": (
                    f"{key} v{link.instrument.version}", f"{key} v{latest.version}")})
            continue
        if answered:
            raise ValidationError("instruments", "error.instrument_in_use", key=key)
        audit.record("study", study.id, "update", {"instrument": (key, None)})
        link.delete_instance()


def _study(study_id: int) -> Study:
    study = Study.get_or_none(Study.id == study_id)
    if study is None:
        raise NotFoundError("error.study_missing", id=study_id)
    return study


def get_study(study_id: int) -> StudyInfo:
    study = _study(study_id)
    sites = tuple(SiteInfo(s.id, s.name) for s in study.sites.order_by(Site.name))
    moments = tuple(
        MomentInfo(m.id, m.key, m.name, m.position, m.months)
        for m in study.moments.order_by(Moment.position)
    )
    keys = tuple(
        i.key for i in Instrument.select(Instrument.key).join(StudyInstrument)
        .where(StudyInstrument.study == study_id)
    )
    return StudyInfo(study.id, study.name, study.organisation, study.municipality,
                     study.language, study.period_start, study.period_end, sites, moments, keys)


def list_studies() -> list[StudyInfo]:
    return [get_study(study.id) for study in Study.select(Study.id).order_by(Study.id)]


def resolve_study(name: str | None = None) -> StudyInfo:
    """The study a command means: the one named, or the only one in the database."""
    studies = list_studies()
    if name is not None:
        for study in studies:
            if study.name == name:
                return study
        raise NotFoundError("error.study_name_missing", name=name)
    if not studies:
        raise NotFoundError("error.no_study")
    if len(studies) > 1:
        raise NotFoundError("error.study_ambiguous", names=", ".join(s.name for s in studies))
    return studies[0]
