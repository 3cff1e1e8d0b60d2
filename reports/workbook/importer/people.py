"""The participants and professionals sheets, each cell through the check of its field in the
participants' and professionals' services; a code used twice (in the sheet, or already in the
study) is refused as the forms refuse it."""

from __future__ import annotations

from desktop.models.errors import ValidationError
from desktop.models.schema import Participant, Professional
from desktop.models.services import participants, professionals
from desktop.models.services.surveys import check_answered_on
from reports.workbook.importer.base import REFUSED, Memo, Run, checked
from reports.workbook.importer.state import Colleague, Known, Person
from reports.workbook.importer.tables import Row, Table

DEFAULT_STATUS = participants.ParticipantInput(code="").status  # the form's default
REPEATED = ("status", "inclusion_date", "study_group")  # few distinct values: checked once


def site_of(table: Table, row: Row, known: Known) -> object:
    """The site's id from its name (case does not matter), None for no site, or REFUSED."""
    name = row["site"]
    if name is None:
        return None
    found = known.sites.get(str(name).strip().casefold())
    if found is None:
        table.refuse(row, "site", ValidationError(
            "site", "import.site_unknown", site=name,
            sites=", ".join(site.name for site in known.study.sites) or "–"))
        return REFUSED
    return found


def _new_code(table: Table, row: Row, code: object, seen: dict[str, int], stored: bool,
              duplicate: str) -> bool:
    """Whether `code` may be added: not twice in the sheet, not already in the study."""
    if code is REFUSED:
        return False
    lower = str(code).lower()
    if lower in seen:
        table.refuse(row, "code", ValidationError("code", "import.code_twice", code=code,
                                                  row=seen[lower]))
        return False
    if stored:
        table.refuse(row, "code", ValidationError("code", duplicate, code=code))
        return False
    seen[lower] = row.number
    return True


def import_participants(run: Run) -> None:
    table = run.table("participants", ("code", "site", "status", "inclusion_date",
                                       "study_group", "remarks"))
    if table is None:
        return
    checks = {name: Memo(check) if name in REPEATED else check
              for name, check in participants.FIELD_CHECKS.items()}
    known, study_id = run.known, run.known.study.id
    seen: dict[str, int] = {}
    rows: list[tuple] = []
    for row in table.rows():
        status = DEFAULT_STATUS if row["status"] is None else str(row["status"]).strip()
        values = {name: checked(table, row, name, checks[name],
                                status if name == "status" else ...)
                  for name in ("code", "status", "inclusion_date", "study_group", "remarks")}
        site = site_of(table, row, known)
        code = values["code"]
        if not _new_code(table, row, code, seen, known.person(code) is not None
                         if code is not REFUSED else False, "error.code_duplicate"):
            continue
        pid = run.store.reserve(Participant)
        known.participants[str(code).lower()] = Person(
            pid, str(code), None if values["status"] is REFUSED else values["status"],
            None if values["inclusion_date"] is REFUSED else values["inclusion_date"])
        if site is not REFUSED and REFUSED not in values.values():
            rows.append((pid, study_id, code, site, values["status"], values["inclusion_date"],
                         values["study_group"], values["remarks"]))
    run.store.insert(Participant, ("id", "study", "code", "site", "status", "inclusion_date",
                                   "study_group", "remarks"), rows)
    run.done(table)


def import_professionals(run: Run) -> None:
    table = run.table("professionals", ("code", "role", "site", "organisation", "remarks",
                                        "answered_on"))
    if table is None:
        return
    checks, known, study_id = professionals.FIELD_CHECKS, run.known, run.known.study.id
    seen: dict[str, int] = {}
    rows: list[tuple] = []
    for row in table.rows():
        values = {name: checked(table, row, name, checks[name])
                  for name in ("code", "role", "organisation", "remarks")}
        answered_on = checked(table, row, "answered_on", check_answered_on)
        site = site_of(table, row, known)
        code = values["code"]
        if not _new_code(table, row, code, seen, known.colleague(code) is not None
                         if code is not REFUSED else False, "error.professional_duplicate"):
            continue
        pid = run.store.reserve(Professional)
        known.professionals[str(code).lower()] = Colleague(
            pid, str(code), False, None if answered_on is REFUSED else answered_on,
            row if answered_on else None)
        if site is not REFUSED and REFUSED not in values.values():
            rows.append((pid, study_id, code, values["role"], site, values["organisation"],
                         values["remarks"]))
    run.store.insert(Professional, ("id", "study", "code", "role", "site", "organisation",
                                    "remarks"), rows)
    run.done(table)
