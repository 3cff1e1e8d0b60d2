"""`brugmeter check`: the data-quality report on the command line, grouped per check for
reading, or as JSON for scripts — the same report as the app's Data quality window."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from desktop import i18n
from desktop.cli_support import open_study
from desktop.i18n import tr

if TYPE_CHECKING:
    from desktop.models.services.quality import QualityReport

EXIT_ERRORS_FOUND = 3  # 1 is taken: the check could not run (database missing, …)

EPILOG = ("Exit code: 0 when no finding has severity 'error' (warnings and 'to look at' are "
          "shown all the same), 3 when at least one error was found, 1 when the check could "
          "not run (e.g. the database was not found), 2 on a wrong invocation.")


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "check", help="data-quality report: missing moments, dates out of order, improbable "
        "jumps, look-alike codes, incomplete forms", epilog=EPILOG)
    parser.add_argument("--db", dest="db_command", help="database file or URL")
    parser.add_argument("--study", help="study name, when the database holds several")
    parser.add_argument("--json", action="store_true", help="machine-readable JSON")
    parser.add_argument("--lang", dest="check_lang", choices=i18n.LANGUAGES,
                        help="language of the report (default: nl)")
    parser.add_argument("--as-of", help="count moments as due by this date (default: today; "
                        "2019-06-30 or 30-06-2019)")
    return parser


def run(target: str | None, args: argparse.Namespace) -> int:
    from desktop.models.services.quality import run_checks
    from desktop.models.services.validation import parse_date

    if args.check_lang:
        i18n.set_language(args.check_lang)
    as_of = parse_date(args.as_of, "as_of")
    study = open_study(target, args.study)
    report = run_checks(study.id, as_of)
    if args.json:
        json.dump(report_json(study.name, report), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(report_text(study.name, report))
    return EXIT_ERRORS_FOUND if report.has_errors else 0


def report_text(study_name: str, report: QualityReport) -> str:
    """Per check its title and count, then one aligned line per finding; a summary last."""
    from desktop.models.services.quality import check_title, format_date

    lines = [tr("quality.cli.header", study=study_name, as_of=format_date(report.as_of)), ""]
    if not report.findings:
        return "\n".join([*lines, tr("quality.cli.none")]) + "\n"
    counts = report.counts
    for key, count in counts.items():
        lines.append(tr("quality.cli.check", title=check_title(key), count=count))
        rows = [(tr(f"quality.severity.{f.severity}"), f.subject, f.moment, f.instrument, f.text)
                for f in report.findings if f.check == key]
        widths = [max((len(row[column]) for row in rows), default=0) for column in range(3)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            instrument = f"{row[3]}: " if row[3] else ""
            lines.append(f"  {'  '.join(cells)}  {instrument}{row[4]}".rstrip())
        lines.append("")
    lines.append(tr("quality.cli.summary", **report.severity_counts))
    return "\n".join(lines) + "\n"


def report_json(study_name: str, report: QualityReport) -> dict[str, Any]:
    """Everything of the report, with each finding's catalogue key and figures beside its text
    (in the chosen language), and the ids a script needs to find the record."""
    return {
        "study": study_name,
        "as_of": report.as_of.isoformat(),
        "counts": report.counts,
        "severities": report.severity_counts,
        "findings": [{
            "check": f.check, "severity": f.severity, "subject": f.subject,
            "moment": f.moment, "instrument": f.instrument, "explanation": f.text,
            "message": f.message,
            "figures": {key: value.isoformat() if hasattr(value, "isoformat") else value
                        for key, value in f.params.items()},
            "participant_ids": list(f.participant_ids),
            "professional_ids": list(f.professional_ids),
            "moment_id": f.moment_id, "instrument_key": f.instrument_key or None,
            "record": {"table": f.record[0], "id": f.record[1]} if f.record else None,
        } for f in report.findings],
    }
