"""`brugmeter user list|add|role|deactivate|activate`: who works in a database and with which
role, through the same service as Tools → Users. The user running the command is whoever is
logged in (or the PostgreSQL role connected as): no option lets anyone act as someone else."""

from __future__ import annotations

import argparse

from desktop.cli_support import open_target
from desktop.i18n import tr
from desktop.models.schema import USER_ROLES


def add_parser(commands: argparse._SubParsersAction) -> None:
    """`brugmeter user …`, each subcommand with its own --db."""
    user = commands.add_parser("user", help="users of the database and their roles "
                                            "(changes: a lead's task)")
    actions = user.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="users with role, active, added by")
    adding = actions.add_parser("add", help="register a colleague's login name")
    adding.add_argument("name", help="their login name (or PostgreSQL role in team mode)")
    adding.add_argument("--role", default=USER_ROLES[0], help="assistant (default) or lead")
    role = actions.add_parser("role", help="make a user an assistant or a lead")
    role.add_argument("name")
    role.add_argument("role", help="assistant or lead")
    deactivate = actions.add_parser("deactivate", help="a user leaves (never deleted)")
    deactivate.add_argument("name")
    activate = actions.add_parser("activate", help="a user returns")
    activate.add_argument("name")
    for sub in (listing, adding, role, deactivate, activate):
        sub.add_argument("--db", dest="db_command", help="database file or URL")


def run(target: str | None, args: argparse.Namespace) -> int:
    from desktop.models.services import users

    open_target(target)
    if args.action == "add":
        users.add_user(args.name, args.role)
        print(tr("cli_users.added", name=args.name, role=_role(args.role)))
    elif args.action == "role":
        users.set_role(args.name, args.role)
        print(tr("cli_users.role_set", name=args.name, role=_role(args.role)))
    elif args.action in ("deactivate", "activate"):
        users.set_active(args.name, args.action == "activate")
        print(tr(f"cli_users.{args.action}d", name=args.name))
    else:
        _print_users(users.list_users())
    return 0


def _role(typed: str) -> str:
    return tr(f"users.role.{typed.strip().lower()}")


def _print_users(found: list) -> None:
    print(tr("cli_users.header", name=tr("users.dialog.name"), role=tr("users.dialog.role"),
             active=tr("users.dialog.active"), added=tr("users.dialog.added")))
    for user in found:
        print(tr("cli_users.header", name=user.name, role=tr(f"users.role.{user.role}"),
                 active=tr("users.dialog.yes" if user.active else "users.dialog.no"),
                 added=f"{user.added_by} {user.added_at:%Y-%m-%d}"))
