"""`brugmeter erase CODE`: the GDPR right to erasure on the command line, through the same
service as the app's participants page."""

from __future__ import annotations

import argparse

from desktop.i18n import tr


def add_parsers(commands: argparse._SubParsersAction) -> list[argparse.ArgumentParser]:
    """The subcommands; returns those that take --db and --study."""
    erase = commands.add_parser(
        "erase", help="erase a participant's data everywhere (GDPR right to erasure)")
    erase.add_argument("code", help="the participant's code")
    erase.add_argument("--yes", action="store_true",
                       help="erase; without it, only show what would be erased")
    return [erase]


def run_erase(study_id: int, args: argparse.Namespace) -> int:
    from desktop.models.services import erasure, participants

    participant_id = participants.participant_by_code(study_id, args.code)
    scope = erasure.erasure_scope(participant_id)
    print(describe(scope))
    if not args.yes:
        print(tr("privacy.cli_dry_run"))
        return 1
    erasure.erase_participant(participant_id, args.code)
    print(tr("privacy.erased", code=scope.code))
    return 0


def describe(scope: object) -> str:
    """What an erasure removes, in one sentence (the GUI's dialog says the same)."""
    return tr("privacy.scope", **vars(scope))
