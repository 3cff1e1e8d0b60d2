"""Which study a workbook goes into: an existing one (given, named with --study, or named by
the workbook), or a new one made from the definitions sheet — its settings, sites and moments,
the instruments with their versions and the study's own figures, the professionals' survey,
the action types, the codebook's categories and the researchers' narratives — each through
the service that stores it in the app, so the same rules hold."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from desktop.i18n import LANGUAGES, tr
from desktop.models import audit
from desktop.models.errors import BrugmeterError, ValidationError
from desktop.models.instruments import InstrumentDefinition, parse_definition
from desktop.models.schema import Instrument, Study, StudyInstrument
from desktop.models.services import actions, codebook, narratives, surveys
from desktop.models.services.instrument_library import (
    incompatible_changes,
    set_instrument_settings,
)
from desktop.models.services.studies import MomentSpec, StudyInput, create_study, get_study
from desktop.models.surveys import parse_survey
from reports.workbook.definition_sheet import KINDS, STUDY_FIELDS
from reports.workbook.importer.report import ImportReport
from reports.workbook.importer.tables import Row, Table

INFO_STUDY = "workbook.info.study"  # the info sheet's row naming the study


@dataclass
class Entry:
    """One definition, its parts joined: the row it starts on, and its value."""

    row: Row
    kind: str
    key: str
    version: int | None
    value: str
    parts: int = 1


@dataclass
class Plan:
    """What the workbook says about its study."""

    entries: list[Entry] = field(default_factory=list)
    table: Table | None = None  # the definitions sheet, to refuse its cells
    info_name: str | None = None
    # cells of the definitions sheet in error: refused only when the study is made from them
    problems: list[tuple[Row, str, ValidationError]] = field(default_factory=list)

    def of(self, kind: str) -> list[Entry]:
        return [entry for entry in self.entries if entry.kind == kind]

    @property
    def name(self) -> str | None:
        names = [entry.value.strip() for entry in self.of("study") if entry.key == "name"]
        return names[0] if names and names[0] else self.info_name


def read_definitions(table: Table, plan: Plan) -> None:
    """The definitions, each value's parts joined in order; faults are kept in the plan, to
    refuse only when a study is made from it."""
    plan.table = table
    for row in table.rows():
        kind = str(row["kind"] or "").strip()
        key = str(row["key"] or "").strip()
        part, version = row["part"], row["version"]
        if kind not in KINDS:
            plan.problems.append((row, "kind", ValidationError(
                "kind", "import.definition_kind", kind=kind, kinds=", ".join(KINDS))))
            continue
        if version is not None and (not isinstance(version, int | float) or version < 1
                                    or float(version) != int(version)):
            plan.problems.append((row, "version", ValidationError("version",
                                                                  "import.whole_number")))
            continue
        value = "" if row["value"] is None else str(row["value"])
        if part in (None, 1):
            plan.entries.append(Entry(row, kind, key, None if version is None else int(version),
                                      value))
            continue
        last = plan.entries[-1] if plan.entries else None
        expected = last.parts + 1 if last else 1
        if last is None or (last.kind, last.key) != (kind, key) or part != expected:
            plan.problems.append((row, "part", ValidationError("part", "import.definition_part",
                                                               expected=expected)))
            continue
        last.value += value
        last.parts += 1


def read_info(table_rows: list[tuple[object, object]], plan: Plan) -> None:
    """The study's name from the info sheet's first rows, labelled in either language."""
    labels = {tr(INFO_STUDY, language=language).casefold() for language in LANGUAGES}
    labels.add("study")
    for label, value in table_rows:
        if isinstance(label, str) and label.strip().casefold() in labels and value:
            plan.info_name = str(value).strip()
            return


def find_study(name: str) -> int | None:
    study = Study.select(Study.id).where(Study.name == name).order_by(Study.id).first()
    return study.id if study else None


class Setup:
    """Creates the study from the plan, refusing the definitions' cells that break a rule."""

    def __init__(self, plan: Plan, report: ImportReport) -> None:
        self.plan = plan
        self.report = report

    def refuse(self, entry: Entry | None, error: BrugmeterError, column: str = "value") -> None:
        table = self.plan.table
        if entry is None or table is None:
            self.report.refuse(table.title if table else "definitions", 1, column, "", "",
                               error)
        else:
            table.refuse(entry.row, column, error, entry.value)

    def create(self, name: str) -> int | None:
        """The new study's id, or None when it cannot be made (the reasons are reported)."""
        if self.plan.table is not None:
            for row, column, error in self.plan.problems:
                self.plan.table.refuse(row, column, error)
        instruments = self._instruments()
        data = self._study_input(name, list(instruments))
        if data is None:
            return None
        try:
            study_id = create_study(data)
        except ValidationError as error:
            self.refuse(self._entry_for(error.field), error)
            return None
        self._link_versions(study_id, instruments)
        self._settings(study_id)
        self._survey(study_id)
        self._action_types(study_id)
        self._categories(study_id)
        self._narratives(study_id)
        return study_id

    # -- the study, its sites and moments ---------------------------------------------------
    def _entry_for(self, field_name: str) -> Entry | None:
        kind = {"sites": "site", "moments": "moment", "instruments": "instrument"}.get(
            field_name, "study")
        entries = self.plan.of(kind)
        return next((e for e in entries if kind != "study" or e.key == field_name),
                    entries[0] if entries else None)

    def _study_input(self, name: str, keys: list[str]) -> StudyInput | None:
        values = {entry.key: entry.value for entry in self.plan.of("study")}
        for entry in self.plan.of("study"):
            if entry.key not in STUDY_FIELDS:
                self.refuse(entry, ValidationError("key", "import.definition_key",
                                                   key=entry.key, keys=", ".join(STUDY_FIELDS)),
                            "key")
        moments = []
        for entry in self.plan.of("moment"):
            found = self._json(entry, dict)
            if found is None:
                continue
            months = found.get("months")
            if not isinstance(found.get("name"), str) or not isinstance(months, int):
                self.refuse(entry, ValidationError("value", "import.moment_value"))
                continue
            moments.append(MomentSpec(found["name"], months, entry.key))
        if self.report.rejected_count:
            return None
        return StudyInput(
            name=name, organisation=values.get("organisation", ""),
            municipality=values.get("municipality", ""),
            language=values.get("language") or StudyInput("").language,
            period_start=values.get("period_start"), period_end=values.get("period_end"),
            sites=[entry.key for entry in self.plan.of("site")],
            moments=moments or None, instrument_keys=tuple(keys))

    def _json(self, entry: Entry, kind: type) -> object:
        try:
            found = json.loads(entry.value)
        except json.JSONDecodeError as error:
            self.refuse(entry, ValidationError("value", "import.definition_json",
                                               problem=error.msg))
            return None
        if not isinstance(found, kind):
            self.refuse(entry, ValidationError("value", "import.definition_json",
                                               problem=type(found).__name__))
            return None
        return found

    # -- instruments -------------------------------------------------------------------------
    def _instruments(self) -> dict[str, Instrument]:
        """Each instrument of the plan stored in its own version (a version the database
        holds already must mean the same), by key, in the workbook's order."""
        stored: dict[str, Instrument] = {}
        for entry in self.plan.of("instrument"):
            try:
                definition = parse_definition(entry.value, f"definitions {entry.key}")
                if (definition.key, definition.version) != (entry.key, entry.version):
                    raise ValidationError("value", "import.instrument_mismatch",
                                          key=entry.key, version=entry.version,
                                          found=f"{definition.key} v{definition.version}")
                stored[entry.key] = self._stored(definition)
            except BrugmeterError as error:
                self.refuse(entry, error)
        return stored

    def _stored(self, definition: InstrumentDefinition) -> Instrument:
        text = definition.source_json
        row = Instrument.get_or_none((Instrument.key == definition.key)
                                     & (Instrument.version == definition.version))
        if row is None:
            row = Instrument.create(key=definition.key, kind=definition.kind,
                                    version=definition.version, definition=text)
            audit.record("instrument", row.id, "insert", {"key": (None, definition.key),
                                                          "version": (None, row.version)})
            return row
        if row.definition.replace("\r\n", "\n") == text.replace("\r\n", "\n"):
            return row
        problems = incompatible_changes(parse_definition(row.definition), definition)
        if problems:
            raise ValidationError("value", "import.instrument_differs", key=definition.key,
                                  version=definition.version, changes="; ".join(problems))
        self.report.note(self.plan.table.title if self.plan.table else "", "value",
                         "import.instrument_kept", key=definition.key,
                         version=definition.version)
        return row

    def _link_versions(self, study_id: int, instruments: dict[str, Instrument]) -> None:
        """create_study links each instrument's newest version; the study keeps the
        workbook's."""
        for key, wanted in instruments.items():
            link = (StudyInstrument.select(StudyInstrument.id, StudyInstrument.instrument)
                    .join(Instrument)
                    .where((StudyInstrument.study == study_id) & (Instrument.key == key))
                    .first())
            if link is not None and link.instrument_id != wanted.id:
                StudyInstrument.update(instrument=wanted).where(
                    StudyInstrument.id == link.id).execute()
                audit.record("study", study_id, "update",
                             {"instrument": (None, f"{key} v{wanted.version}")})

    def _settings(self, study_id: int) -> None:
        for entry in self.plan.of("instrument_settings"):
            found = self._json(entry, dict)
            if found is None:
                continue
            try:
                set_instrument_settings(study_id, entry.key, found.get("cutoff"),
                                        found.get("norm_n"), found.get("norm_percent_high"))
            except BrugmeterError as error:
                self.refuse(entry, error)

    # -- survey, action types, categories, narratives ----------------------------------------
    def _survey(self, study_id: int) -> None:
        for entry in self.plan.of("survey"):
            try:
                surveys.save_survey_definition(
                    study_id, parse_survey(entry.value, f"definitions {entry.key}"))
            except BrugmeterError as error:
                self.refuse(entry, error)

    def _action_types(self, study_id: int) -> None:
        for entry in self.plan.of("action_type"):
            found = self._json(entry, dict)
            if found is None:
                continue
            label = found.get("label") if isinstance(found.get("label"), dict) else {}
            try:
                actions.save_action_type(study_id, actions.ActionTypeInput(
                    label.get("nl", ""), label.get("en", ""), bool(found.get("rewardable"))),
                    key=entry.key)
            except BrugmeterError as error:
                self.refuse(entry, error)

    def _categories(self, study_id: int) -> None:
        made: dict[tuple[str, ...], int] = {}
        for entry in self.plan.of("code_category"):
            path = self._json(entry, list)
            if path is None:
                continue
            try:
                ensure_category(study_id, [str(name) for name in path], made)
            except BrugmeterError as error:
                self.refuse(entry, error)

    def _narratives(self, study_id: int) -> None:
        sites = {site.name: site.id for site in get_study(study_id).sites}
        for entry in self.plan.of("narrative"):
            found = self._json(entry, dict)
            if found is None:
                continue
            language, site = str(found.get("language", "")), found.get("site")
            try:
                if site is not None and site not in sites:
                    raise ValidationError("site", "error.site_unknown")
                if entry.key.startswith(narratives.SENTENCE):
                    narratives.save_sentence(study_id, language, sites.get(site),
                                             entry.key[len(narratives.SENTENCE):],
                                             found.get("text"), str(found.get("generated", "")))
                else:
                    narratives.save_narrative(study_id, entry.key, language, found.get("text"))
            except BrugmeterError as error:
                self.refuse(entry, error)


def ensure_category(study_id: int, path: list[str], made: dict[tuple[str, ...], int]) -> int:
    """The category at `path` (names from the top), made where missing with add_category."""
    parent: int | None = None
    for depth in range(1, len(path) + 1):
        key = tuple(path[:depth])
        if key not in made:
            made[key] = codebook.add_category(study_id, path[depth - 1], parent)
        parent = made[key]
    if parent is None:
        raise ValidationError("category", "error.required")
    return parent
