"""``simulator users add|list|delete|reset-password``: accounts from the server's shell.

Whoever can run this already controls the server, so it acts as SYSTEM. Passwords are
asked twice with getpass on a terminal, or read as one line from standard input
otherwise (for scripts: ``printf '%s\\n' "$PW" | simulator users add maija --role mentor``).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from simulator.cli.db import add_url_option, error, run_with_database


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="create an account")
    add.add_argument("name", help="username (letters, digits, . _ @ -)")
    add.add_argument("--role", required=True, choices=["trainee", "mentor", "admin"])
    add.add_argument("--display-name", default=None, help="name shown in the app (default: the username)")
    add.add_argument("--locale", default="fi", choices=["fi", "en"])
    add.add_argument("--must-change-password", action="store_true", help="ask for a new password at first login")
    listing = sub.add_parser("list", help="list accounts")
    delete = sub.add_parser("delete", help="delete an account and all of its data")
    delete.add_argument("name")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    reset = sub.add_parser("reset-password", help="set a temporary password the user must change")
    reset.add_argument("name")
    for sub_parser in (add, listing, delete, reset):
        add_url_option(sub_parser)


def read_password(prompt: str = "Password: ") -> str | None:
    """Twice with getpass on a terminal; one line from stdin otherwise. None when they differ or are empty."""
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        second = getpass.getpass("Again: ")
        if first != second:
            print("simulator: error: the passwords differ", file=sys.stderr)
            return None
        password = first
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        print("simulator: error: no password given", file=sys.stderr)
        return None
    return password


def run(args: argparse.Namespace) -> int:
    return run_with_database(args, lambda db: _run(args, db))


def _run(args: argparse.Namespace, db: Any) -> int:
    from simulator.service import auth, users
    from simulator.store import users as user_repo

    if args.users_command == "list":
        for user in users.list_users(db, auth.SYSTEM):
            flag = "  (must change password)" if user.must_change_password else ""
            print(f"{user.id}\t{user.username}\t{user.role}\t{user.locale}\t{user.display_name}{flag}")
        return 0
    if args.users_command == "add":
        auth.validate_username(args.name)  # fail before asking for a password
        password = read_password()
        if password is None:
            return 1
        info = users.create_user(
            db,
            auth.SYSTEM,
            args.name,
            password,
            args.role,
            display_name=args.display_name,
            locale=args.locale,
            must_change_password=args.must_change_password,
        )
        print(f"created {info.role} {info.username} (id {info.id})")
        return 0
    with db.read() as session:
        found = user_repo.get_by_username(session, args.name)
        user_id = found.id if found is not None else None
    if user_id is None:
        return error(f"no user named {args.name!r}")
    if args.users_command == "delete":
        if not args.yes:
            if not sys.stdin.isatty():
                return error("deleting needs --yes when not run on a terminal")
            answer = input(f"Delete {args.name} and all of their attempts? [y/N] ")
            if answer.strip().lower() not in ("y", "yes", "k", "kyllä"):
                print("nothing deleted")
                return 0
        users.delete_user(db, auth.SYSTEM, user_id)
        print(f"deleted {args.name}")
        return 0
    password = read_password("New password: ")
    if password is None:
        return 1
    auth.reset_password(db, auth.SYSTEM, user_id, password)
    print(f"password of {args.name} reset; they must change it at their next login")
    return 0
