"""`brugmeter interview …` and `brugmeter codebook …`: interviews and the qualitative codebook
on the command line, through the same services as the Interviews page."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from desktop.i18n import tr


def add_parsers(commands: argparse._SubParsersAction) -> list[argparse.ArgumentParser]:
    """The subcommands; returns those that take --db and --study."""
    interview = commands.add_parser("interview", help="list and import interviews")
    actions = interview.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="interviews with size, codings and coders")
    importing = actions.add_parser("import", help="add an interview from a .txt or .docx "
                                                  "transcript")
    importing.add_argument("file", type=Path, help="transcript (.txt in any encoding, .docx)")
    subject = importing.add_mutually_exclusive_group(required=True)
    subject.add_argument("--participant", help="the participant's code")
    subject.add_argument("--professional", help="the professional's code")
    importing.add_argument("--date", help="date of the interview (31-12-2018 or 2018-12-31)")
    importing.add_argument("--interviewer", default="", help="who held the interview")

    codebook = commands.add_parser("codebook", help="the interviews' codebook")
    book_actions = codebook.add_subparsers(dest="action", required=True)
    showing = book_actions.add_parser("show", help="categories and codes")
    exporting = book_actions.add_parser("export", help="write a REFI-QDA codebook (.qdc)")
    exporting.add_argument("file", type=Path, help="target file (.qdc)")
    book_import = book_actions.add_parser("import", help="add the codes of a .qdc codebook")
    book_import.add_argument("file", type=Path, help="REFI-QDA codebook (.qdc)")
    return [listing, importing, showing, exporting, book_import]


def run_interview(study_id: int, args: argparse.Namespace) -> int:
    from desktop.models.services import interviews

    if args.action == "import":
        participant, professional = interviews.subject_by_code(study_id, args.participant,
                                                               args.professional)
        interview_id = interviews.import_interview(study_id, args.file, interviews.InterviewInput(
            participant, professional, args.date, args.interviewer))
        record = interviews.get_interview(interview_id)
        print(tr("cli.interview_imported", id=interview_id, subject=record.subject,
                 characters=len(record.transcript)))
        return 0
    for row in interviews.interview_rows(study_id):
        held = row.held_on.isoformat() if row.held_on else "–"
        print(f"{row.id:>5}  {row.subject:<12} {tr('cli.subject.' + row.kind):<13} {held:<10} "
              f"{row.interviewer:<20} {row.characters:>8}  {row.codings:>5}  "
              f"{', '.join(row.coders)}")
    return 0


def run_codebook(study_id: int, args: argparse.Namespace) -> int:
    from desktop.models.services.codebook import codebook
    from desktop.models.services.codebook_exchange import export_qdc, import_qdc

    if args.action == "export":
        export_qdc(study_id, args.file)
        print(tr("cli.codebook_exported", path=args.file))
        return 0
    if args.action == "import":
        count = import_qdc(study_id, args.file)
        print(tr("cli.codebook_imported", path=args.file, categories=count.categories,
                 codes=count.codes, present=count.already_present))
    book = codebook(study_id)
    for code in book.codes:
        print(f"{code.colour}  {book.path(code.category_id) or '–':<28} {code.name}")
    return 0


def interview_lines(found: dict[str, Any]) -> list[str]:
    """The interviews in the text output of `brugmeter findings`."""
    lines = [tr("findings.interviews_header", coded=found["coded"],
                participants=found["coded_participant_interviews"],
                professionals=found["coded_professional_interviews"])]
    for row in sorted(found["codes"], key=lambda row: -row["interviews"]):
        lines.append(f"  {row['code']:<36} {row['interviews']:>4}  "
                     f"{_number(row['percent'], 0):>4}%  {row['category']}")
    for pair in found["agreement"]:
        lines.append("  " + tr("findings.kappa", coders=" / ".join(pair["coders"]),
                               n=pair["interviews"], kappa=_number(pair["kappa"], 2),
                               agreement=_number(pair["agreement"], 0)))
    return lines


def _number(value: float | None, digits: int) -> str:
    return "–" if value is None else f"{value:.{digits}f}"
