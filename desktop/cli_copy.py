"""`brugmeter copy-study`: a study from one database to another (a SQLite file, a PostgreSQL
server), with every table counted on both sides."""

from __future__ import annotations

import argparse

from desktop.i18n import tr


def add_parsers(commands: argparse._SubParsersAction) -> list[argparse.ArgumentParser]:
    """The subcommand; returns those that take --db and --study."""
    copy = commands.add_parser("copy-study", help="copy a study to another database "
                               "(SQLite file or postgresql://…), with a count check")
    copy.add_argument("--to", required=True, dest="destination",
                      help="destination: a .sqlite file (created when missing) or a URL")
    copy.add_argument("--as", dest="new_name", help="the study's name in the destination")
    return [copy]


def run_copy(source: str, args: argparse.Namespace) -> int:
    from desktop.models.study_copy import copy_between

    result = copy_between(source, args.destination, args.study, args.new_name)
    print(tr("copy.done", name=result.study_name, destination=args.destination.split("@")[-1]))
    for table, count in result.counts.items():
        print(f"  {table:<20} {count:>9}")
    if result.audit_left_out:
        print(tr("copy.audit_left_out", count=result.audit_left_out))
    if result.bin_left_out:
        print(tr("copy.bin_left_out", count=result.bin_left_out))
    return 0
