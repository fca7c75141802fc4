"""``simulator demo|purge|backup|restore``: running a deployment.

One module serves four subcommands (the name the parser was registered under picks one),
because they share the same few helpers and all act as SYSTEM.
"""

from __future__ import annotations

import argparse
import sys

from simulator.cli.db import add_url_option, error, resolve_url, run_friendly, schema_database, shown_url

DEMO_COHORT = "Demo-ryhmä"
DEMO_ACCOUNTS = (
    ("trainee", "Demo Harjoittelija", "trainee"),
    ("mentor", "Demo Mentori", "mentor"),
    ("admin", "Demo Ylläpitäjä", "admin"),
)


def configure(parser: argparse.ArgumentParser) -> None:
    command = parser.prog.rsplit(" ", 1)[-1]
    if command == "purge":
        parser.add_argument("--days", type=int, required=True, help="delete attempts untouched for this many days")
    elif command == "backup":
        parser.add_argument("path", help="file to write the copy to")
        parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    elif command == "restore":
        parser.add_argument("path", help="backup file written by `simulator backup`")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add_url_option(parser)
    parser.set_defaults(admin_command=command)


def run(args: argparse.Namespace) -> int:
    url = resolve_url(args)
    handler = {"demo": _demo, "purge": _purge, "backup": _backup, "restore": _restore}[args.admin_command]
    return run_friendly(url, lambda: handler(args, url))


def _demo(args: argparse.Namespace, url: str) -> int:
    """Seed demo accounts into an empty database only: never next to real accounts."""
    from sqlalchemy.exc import IntegrityError

    from simulator.service import auth
    from simulator.store import Database, migrate
    from simulator.store import cohorts as cohort_repo
    from simulator.store import users as user_repo

    migrate.upgrade(url)
    db = Database(url)
    try:
        with db.read() as session:
            existing = user_repo.count_users(session)
        if existing:
            print(f"{shown_url(url)} already has {existing} user(s); demo data is seeded only into an empty database")
            return 0
        hasher = auth.password_hasher()
        hashes = {name: hasher.hash(name) for name, _, _ in DEMO_ACCOUNTS}  # slow: outside the transaction
        try:
            with db.transaction() as session:
                if user_repo.count_users(session):  # another process seeded meanwhile
                    print("users appeared meanwhile; nothing seeded")
                    return 0
                created = {
                    name: user_repo.add_user(
                        session, username=name, display_name=shown, password_hash=hashes[name], role=role, locale="fi"
                    )
                    for name, shown, role in DEMO_ACCOUNTS
                }
                cohort = cohort_repo.create_cohort(session, DEMO_COHORT, created_by=created["mentor"].id)
                cohort_repo.add_mentor(session, cohort.id, created["mentor"].id)
                cohort_repo.add_member(session, cohort.id, created["trainee"].id)
        except IntegrityError:
            print("users appeared meanwhile; nothing seeded")
            return 0
    finally:
        db.dispose()
    print(f"seeded {shown_url(url)}: accounts trainee/trainee, mentor/mentor, admin/admin and cohort {DEMO_COHORT}")
    print("these passwords are public: do not use the demo database for real people")
    return 0


def _purge(args: argparse.Namespace, url: str) -> int:
    from simulator.service import auth, users

    with schema_database(url) as db:
        removed = users.purge_attempts_older_than(db, args.days, actor=auth.SYSTEM)
    print(f"deleted {removed} attempt(s) untouched for more than {args.days} day(s)")
    return 0


def _backup(args: argparse.Namespace, url: str) -> int:
    from simulator.store.backup import backup_sqlite

    path = backup_sqlite(url, args.path, overwrite=args.force)
    print(f"backed up {shown_url(url)} to {path}")
    return 0


def _restore(args: argparse.Namespace, url: str) -> int:
    from simulator.store import migrate
    from simulator.store.backup import restore_sqlite

    if not args.yes and sys.stdin.isatty():
        answer = input(f"Replace everything in {shown_url(url)} with {args.path}? [y/N] ")
        if answer.strip().lower() not in ("y", "yes", "k", "kyllä"):
            print("nothing restored")
            return 0
    target = restore_sqlite(url, args.path)
    migrate.upgrade(url)  # an older backup is brought up to this version's schema
    print(f"restored {target} from {args.path}; restart running app instances")
    return 0


__all__ = ["configure", "run", "error"]
