"""``simulator db upgrade|current``: bring the schema up to date, or show where it is.

Also holds what the other database commands share: finding the URL and turning database
errors into one friendly line instead of a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI imports the store lazily so `simulator --help` stays quick
    from simulator.store import Database


def add_url_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        metavar="URL",
        default=None,
        help="database to use (default: $DATABASE_URL, else sqlite:///kohtaamo.db)",
    )


def resolve_url(args: argparse.Namespace) -> str:
    from simulator.store.database import database_url, normalise_url

    url = getattr(args, "database_url", None)
    return normalise_url(url) if url else database_url()


def shown_url(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def error(message: str) -> int:
    print(f"simulator: error: {message}", file=sys.stderr)
    return 1


@contextmanager
def friendly_errors(url: str) -> Iterator[None]:
    """Re-raise nothing the user cannot act on: print one line and exit 1 instead."""
    from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

    from simulator.service.errors import ServiceError
    from simulator.store.backup import BackupError

    try:
        yield
    except ServiceError as exc:
        raise _Exit(error(str(exc))) from None
    except BackupError as exc:
        raise _Exit(error(str(exc))) from None
    except (ArgumentError, NoSuchModuleError) as exc:
        raise _Exit(error(f"not a usable database URL {shown_url(url)!r}: {exc}")) from None
    except DBAPIError as exc:
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else type(exc).__name__
        raise _Exit(error(f"database error at {shown_url(url)}: {detail}")) from None
    except SQLAlchemyError as exc:
        raise _Exit(error(f"database error at {shown_url(url)}: {exc}")) from None


class _Exit(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def run_friendly(url: str, action: Callable[[], int]) -> int:
    try:
        with friendly_errors(url):
            return action()
    except _Exit as exc:
        return exc.code


def require_schema(url: str) -> Database:
    """A Database on an up-to-date schema, or a clear instruction to migrate first."""
    from simulator.service.errors import ServiceError
    from simulator.store import Database
    from simulator.store.migrate import current_revision, head_revision

    _require_file(url)
    db = Database(url)
    current = current_revision(db.sql_engine)
    if current != head_revision():
        db.dispose()
        state = "has no tables yet" if current is None else f"is at revision {current}"
        raise ServiceError(f"the database {shown_url(url)} {state}; run `simulator db upgrade` first")
    return db


@contextmanager
def schema_database(url: str) -> Iterator[Database]:
    """``require_schema``'s Database for the block, disposed after it."""
    db = require_schema(url)
    try:
        yield db
    finally:
        db.dispose()


def run_with_database(args: argparse.Namespace, action: Callable[[Database], int]) -> int:
    """A command's body on the up-to-date database at ``--database-url``, with friendly errors."""
    url = resolve_url(args)

    def on_database() -> int:
        with schema_database(url) as db:
            return action(db)

    return run_friendly(url, on_database)


def _require_file(url: str) -> None:
    """Refuse to conjure an empty SQLite file out of a mistyped path."""
    from pathlib import Path

    from simulator.service.errors import ServiceError
    from simulator.store.database import sqlite_path

    path = sqlite_path(url)
    if path is not None and not Path(path).exists():
        raise ServiceError(f"no database file at {path}; run `simulator db upgrade` (or `simulator demo`) first")


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = sub.add_parser("upgrade", help="apply migrations up to the newest (or --revision)")
    upgrade.add_argument("--revision", default="head", help="target revision (default: head)")
    add_url_option(upgrade)
    current = sub.add_parser("current", help="show the schema revision of the database")
    add_url_option(current)


def run(args: argparse.Namespace) -> int:
    url = resolve_url(args)

    def action() -> int:
        from simulator.store import migrate

        if args.db_command == "upgrade":
            before = migrate.current_revision(url)
            migrate.upgrade(url, args.revision)
            after = migrate.current_revision(url)
            if before == after:
                print(f"{shown_url(url)}: already at revision {after}")
            else:
                print(f"{shown_url(url)}: upgraded {before or '(empty)'} -> {after}")
            return 0
        _require_file(url)
        current = migrate.current_revision(url)
        head = migrate.head_revision()
        if current is None:
            print(f"{shown_url(url)}: not initialised (newest revision is {head}); run `simulator db upgrade`")
        else:
            suffix = " (up to date)" if current == head else f" (newest is {head}; run `simulator db upgrade`)"
            print(f"{shown_url(url)}: revision {current}{suffix}")
        return 0

    return run_friendly(url, action)
