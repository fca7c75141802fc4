"""Schema migrations, callable from Python (the app at start-up, the CLI, tests).

Alembic's configuration is built here, so neither an ``alembic.ini`` nor a working
directory is needed: the scripts ship inside the package.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from simulator.store.database import make_sql_engine, normalise_url, writer_lock

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic ``Config`` pointing at the packaged scripts and at ``url``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser would treat "%" in a password as interpolation.
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision`` in one transaction."""
    _run(url, lambda config: command.upgrade(config, revision))


def downgrade(url: str, revision: str) -> None:
    """Step the schema back (development only: data in dropped tables is lost)."""
    _run(url, lambda config: command.downgrade(config, revision))


def _run(url: str, action: Callable[[Config], None]) -> None:
    url = normalise_url(url)
    sql_engine = make_sql_engine(url)
    lock = writer_lock(url) if sql_engine.dialect.name == "sqlite" else None
    try:
        if lock is not None:
            lock.acquire()
        with sql_engine.begin() as connection:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            action(config)
    finally:
        if lock is not None:
            lock.release()
        sql_engine.dispose()


def current_revision(url_or_sql_engine: str | Engine) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    sql_engine = make_sql_engine(url_or_sql_engine) if isinstance(url_or_sql_engine, str) else url_or_sql_engine
    try:
        with sql_engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        if isinstance(url_or_sql_engine, str):
            sql_engine.dispose()


def head_revision() -> str:
    """The newest revision shipped with this version of the code."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def is_up_to_date(url_or_sql_engine: str | Engine) -> bool:
    return current_revision(url_or_sql_engine) == head_revision()
