"""Shared fixtures.

``db`` runs a test against SQLite (a temporary file) and PostgreSQL (a database created
for this test session and dropped at its end). PostgreSQL comes from
``KOHTAAMO_TEST_PG_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``,
used only to create and drop the test databases); when it is unreachable those cases
skip, saying so. Password hashing uses cheap argon2id parameters
(``KOHTAAMO_ARGON2_FAST=1``): still argon2id, 170 ms less per hash.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from simulator.store import Database

os.environ.setdefault("KOHTAAMO_ARGON2_FAST", "1")

PG_ADMIN_URL_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _pg_admin_url() -> str:
    from simulator.store.database import normalise_url

    return normalise_url(os.environ.get("KOHTAAMO_TEST_PG_URL") or PG_ADMIN_URL_DEFAULT)


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    """The maintenance URL, after checking the server answers (skips otherwise)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = _pg_admin_url()
    shown = make_url(url).render_as_string(hide_password=True)
    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to reach it means: skip, visibly
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        pytest.skip(f"PostgreSQL not reachable at {shown}: {first_line}")
    finally:
        engine.dispose()
    return url


@pytest.fixture(scope="session")
def pg_new_database(pg_admin_url: str) -> Iterator[Callable[[], str]]:
    """A factory of fresh, empty, uniquely named PostgreSQL databases; all dropped at the end."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    created: list[str] = []

    def new() -> str:
        name = f"kohtaamo_test_{os.getpid()}_{uuid.uuid4().hex[:10]}"  # generated, never user text
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)

    yield new
    with admin.connect() as connection:
        for name in created:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def pg_migrated_url(pg_new_database: Callable[[], str]) -> str:
    """One PostgreSQL database at head, shared by the session; ``db`` empties it after each test."""
    from simulator.store.migrate import upgrade

    url = pg_new_database()
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once; tests get copies, which is faster than migrating each."""
    from simulator.store.migrate import upgrade

    path = tmp_path_factory.mktemp("template") / "kohtaamo.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_backend(request: pytest.FixtureRequest) -> str:
    """Which backend a ``db``/``db_url``/``empty_db_url`` test runs on."""
    return str(request.param)


@pytest.fixture
def db_url(request: pytest.FixtureRequest, db_backend: str, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database at the newest schema, on each backend."""
    if db_backend == "sqlite":
        path = tmp_path / "kohtaamo.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url = request.getfixturevalue("pg_migrated_url")
    yield url
    _truncate_all(url)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """A ``simulator.store.Database`` at the newest schema with no rows, on each backend."""
    from simulator.store import Database

    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    """SQLite only (SQLite-specific behaviour: pragmas, locking, backups)."""
    from simulator.store import Database

    path = tmp_path / "kohtaamo.db"
    shutil.copyfile(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


@pytest.fixture
def empty_db_url(request: pytest.FixtureRequest, db_backend: str, tmp_path: Path) -> str:
    """The URL of a database with no tables at all (for migration tests), on each backend."""
    if db_backend == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return str(request.getfixturevalue("pg_new_database")())


def _truncate_all(url: str) -> None:
    from sqlalchemy import text

    from simulator.store import make_sql_engine
    from simulator.store.models import Base

    engine = make_sql_engine(url)
    preparer = engine.dialect.identifier_preparer
    names = ", ".join(preparer.quote(table.name) for table in Base.metadata.sorted_tables)
    try:
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()


# --- the small test rubric and scenario (engine and session tests, not the product content)

MINI_CONTENT = Path(__file__).resolve().parent / "data" / "content"


@pytest.fixture(scope="session")
def mini_library():
    from simulator.content.library import load_library

    library = load_library(
        scenario_paths=[MINI_CONTENT / "scenarios" / "mini-client.yaml"],
        rubric_paths=[MINI_CONTENT / "rubrics" / "mini.yaml"],
    )
    assert not library.issues, [issue.format() for issue in library.issues]
    return library


@pytest.fixture()
def mini(mini_library):
    scenario = mini_library.scenario("mini-client")
    return scenario, mini_library.rubric_for(scenario)
