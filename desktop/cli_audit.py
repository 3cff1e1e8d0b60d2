"""`brugmeter audit`: the audit trail on the command line, newest first — the same filters as
the app's Audit trail window, as aligned lines to read or as JSON for scripts."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable

from desktop.cli_support import open_target
from desktop.i18n import tr

DEFAULT_LIMIT = 100


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "audit", help="the audit trail: who changed what, newest first",
        epilog="Dates as 2019-06-30 or 30-06-2019; --since and --until include the day.")
    parser.add_argument("--db", dest="db_command", help="database file or URL")
    parser.add_argument("--study", help="study name, when the database holds several")
    parser.add_argument("--participant", help="a participant's code: their entries and those "
                        "of their responses, actions, interviews and codings")
    parser.add_argument("--user", help="only this user's entries")
    parser.add_argument("--table", choices=audit_trail_tables(),
                        help="only entries about this kind of record (e.g. response)")
    parser.add_argument("--since", help="from this day on")
    parser.add_argument("--until", help="up to and including this day")
    parser.add_argument("--text", default="", help="only entries whose old or new value "
                        "holds this text (case does not matter)")
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT,
                        help=f"at most this many entries (default {DEFAULT_LIMIT}; 0: all)")
    parser.add_argument("--json", action="store_true", help="machine-readable JSON")
    return parser


def run(target: str | None, args: argparse.Namespace) -> int:
    from desktop.models.services import audit_trail
    from desktop.models.services.participants import participant_by_code
    from desktop.models.services.studies import resolve_study
    from desktop.models.services.validation import parse_date

    since, until = parse_date(args.since, "since"), parse_date(args.until, "until")
    open_target(target)  # the trail is the database's: a study only for --participant
    participant = (participant_by_code(resolve_study(args.study).id, args.participant.strip())
                   if args.participant else None)
    criteria = audit_trail.TrailFilter(participant, args.user, args.table, since, until,
                                       args.text)
    rows = list(audit_trail.entries(criteria, newest_first=True,
                                    limit=args.limit if args.limit > 0 else None))
    if args.json:
        json.dump([_as_json(row) for row in rows], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(trail_text(rows))
    return 0


def _as_json(row) -> dict[str, object]:
    return {"id": row.id, "at": row.at.isoformat(sep=" "), "user": row.user,
            "table": row.table, "record_id": row.record_id, "owner": row.owner,
            "action": row.action, "field": row.field, "old": row.old, "new": row.new}


def trail_text(rows: Iterable) -> str:
    """One line per entry: when, who, what, the field and old → new."""
    lines = [f"{row.at:%Y-%m-%d %H:%M:%S}  {row.user:<12}  {row.what} #{row.record_id}  "
             f"{row.action_label}" + (f"  {row.field_label}: {_short(row.old)} → "
                                      f"{_short(row.new)}" if row.field else "")
             for row in rows]
    return "\n".join(lines or [tr("audit.none")]) + "\n"


def _short(value: str, width: int = 60) -> str:
    flat = " ".join(value.split())
    return flat if len(flat) <= width else flat[:width - 1] + "…"


def audit_trail_tables() -> tuple[str, ...]:
    """The kinds of record the trail names (argparse refuses any other, listing these)."""
    from desktop.models.services.audit_trail import TRAIL_TABLES

    return TRAIL_TABLES

