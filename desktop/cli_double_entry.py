"""`brugmeter double-entry status`: which paper forms still wait for a second entry or for
their differences to be resolved, and how well each assistant's entries agreed — the same
figures as the app's overview and the data-quality report."""

from __future__ import annotations

import argparse
import json
import sys

from desktop.cli_support import open_study
from desktop.i18n import tr


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    double = commands.add_parser("double-entry", help="double data entry of paper forms")
    actions = double.add_subparsers(dest="action", required=True)
    status = actions.add_parser("status", help="forms waiting for a second entry or a "
                                "resolution, and the agreement per assistant")
    status.add_argument("--db", dest="db_command", help="database file or URL")
    status.add_argument("--study", help="study name, when the database holds several")
    status.add_argument("--json", action="store_true", help="machine-readable JSON")
    return double


def run(target: str | None, args: argparse.Namespace) -> int:

    return status(open_study(target, args.study).id, args.json)


def status(study_id: int, as_json: bool) -> int:
    from desktop.models.services import double_entry

    waiting = double_entry.waiting_summary(study_id)
    agreement = double_entry.agreement(study_id)
    if as_json:
        json.dump({
            "waiting": [{"instrument": row.title, "moment": row.moment,
                         "first_entry_by": row.first_by, "second_entry": row.second_entry,
                         "resolution": row.resolution} for row in waiting],
            "agreement": [{"assistant": row.assistant, "role": row.role, "forms": row.forms,
                           "fields": row.fields, "agreed": row.agreed,
                           "rate": round(row.rate, 4)} for row in agreement],
        }, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    print(_table(tr("double_entry.cli.waiting"),
                 [tr("double_entry.cli.instrument"), tr("double_entry.cli.moment"),
                  tr("double_entry.cli.first_by"), tr("double_entry.cli.second_entry"),
                  tr("double_entry.cli.resolution")],
                 [[row.title, row.moment, row.first_by, str(row.second_entry),
                   str(row.resolution)] for row in waiting]))
    print(_table(tr("double_entry.cli.agreement"),
                 [tr("double_entry.cli.assistant"), tr("double_entry.cli.role"),
                  tr("double_entry.cli.forms"), tr("double_entry.cli.fields"),
                  tr("double_entry.cli.agreed"), "%"],
                 [[row.assistant, tr(f"double_entry.role.{row.role}"), str(row.forms),
                   str(row.fields), str(row.agreed), f"{100 * row.rate:.1f}"]
                  for row in agreement]))
    return 0


def _table(title: str, headers: list[str], rows: list[list[str]]) -> str:
    """A heading, then aligned columns (text left, counts right); a line saying none."""
    if not rows:
        return f"{title}\n  {tr('double_entry.cli.none')}\n"
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = [title]
    for row in [headers, *rows]:
        cells = [cell.rjust(width) if cell.replace(".", "").isdigit() or cell == "%"
                 else cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
        lines.append("  " + "  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"
