"""The SQLAlchemy engine (the connection pool, "SQL engine" in these docs) and units of work.

SQLite is the default so a single instance needs nothing installed; PostgreSQL is for
several instances. SQLite under Streamlit's threads needs care (see ``docs/storage.md``):
WAL so readers never wait for the writer, ``synchronous=FULL`` so a committed turn
survives a power cut, ``foreign_keys=ON`` so cascades work, and ``BEGIN IMMEDIATE`` so a
read-then-write transaction takes the write lock up front instead of failing with
"database is locked" when it tries to upgrade. A process-wide lock per database file
serialises writers within the process, which sidesteps the WAL-reset bug of SQLite
< 3.51.3.

PostgreSQL serves several instances, each with many threads under one GIL: there every
round trip of a transaction costs a wait for the server and then one for the GIL, and a
new connection costs the server a process. The pool therefore keeps enough connections
for the bursts of a busy instance (``POOL_SIZE``; SQLAlchemy's default of 5 closed and
reopened hundreds of connections a minute at 200 trainees), and a connection is checked
with a ping only after it sat idle (``PING_AFTER_IDLE_S``) instead of before every unit of
work. See ``docs/deploy.md`` for the measurements.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_URL = "sqlite:///kohtaamo.db"
SQLITE_BUSY_TIMEOUT_MS = 15_000
_BEGIN_OPTION = "kohtaamo_begin"
_BEGIN_MODES = {"IMMEDIATE", "DEFERRED"}

# PostgreSQL pool per process (instance): connections kept, and extra ones opened for a burst
# and closed again. instances x (POOL_SIZE + MAX_OVERFLOW) must stay below the server's
# max_connections (100 by default); KOHTAAMO_DB_POOL_SIZE / KOHTAAMO_DB_MAX_OVERFLOW override.
POOL_SIZE = 20
MAX_OVERFLOW = 10
# A pooled connection unused for this long is pinged before it is handed out: a server
# restart or an idle timeout on the way may have closed it. A connection in steady use is
# not (a failure on it invalidates the whole pool, so the next checkout gets a fresh one).
PING_AFTER_IDLE_S = 10.0
_IDLE_SINCE = "kohtaamo_idle_since"

_writer_locks: dict[str, threading.RLock] = {}
_writer_locks_guard = threading.Lock()


def database_url(env: Mapping[str, str] | None = None) -> str:
    """The URL from ``DATABASE_URL``, else a SQLite file in the working directory."""
    env = os.environ if env is None else env
    return normalise_url(env.get("DATABASE_URL") or DEFAULT_URL)


def normalise_url(url: str | URL) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs (psycopg2 is not a dependency)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str | URL) -> str | None:
    """The file behind a SQLite URL, or None for in-memory databases."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file::memory:"):
        return None
    return os.path.abspath(database)


def writer_lock(url: str | URL) -> threading.RLock:
    """The one lock every writer to this SQLite file takes in this process.

    Keyed by the real path, so two ``Database`` objects on the same file (two "instances"
    in one process, as tests simulate) share it.
    """
    path = sqlite_path(url)
    key = os.path.realpath(path) if path else f"memory:{make_url(url)}"
    with _writer_locks_guard:
        lock = _writer_locks.get(key)
        if lock is None:
            lock = _writer_locks[key] = threading.RLock()
        return lock


def make_sql_engine(url: str | URL | None = None, **kwargs: Any) -> Engine:
    """Create a SQLAlchemy engine with the settings this project relies on.

    ``hide_parameters`` keeps bound values (password hashes, token hashes) out of logs
    and error messages.
    """
    url = normalise_url(url) if url is not None else database_url()
    kwargs.setdefault("hide_parameters", True)
    if is_sqlite(url):
        kwargs.setdefault("connect_args", {}).setdefault("check_same_thread", False)
        sql_engine = create_engine(url, **kwargs)
        _configure_sqlite(sql_engine)
        return sql_engine
    if make_url(url).get_backend_name() == "postgresql":
        kwargs.setdefault("pool_size", _env_int("KOHTAAMO_DB_POOL_SIZE", POOL_SIZE))
        kwargs.setdefault("max_overflow", _env_int("KOHTAAMO_DB_MAX_OVERFLOW", MAX_OVERFLOW))
        sql_engine = create_engine(url, **kwargs)
        _ping_when_idle(sql_engine)
        return sql_engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None
    if number < 0:
        raise ValueError(f"{name} must not be negative")
    return number


def _ping_when_idle(sql_engine: Engine) -> None:
    """Ping a pooled connection only when it has been idle for ``PING_AFTER_IDLE_S``.

    ``pool_pre_ping`` pings before every checkout: one more round trip in every turn, and
    under load each round trip waits for the server's process and then for the GIL. A
    connection that served a moment ago is alive, or its failure is seen by the unit of
    work using it (SQLAlchemy then invalidates every older connection of the pool).
    """

    @event.listens_for(sql_engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(sql_engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get(_IDLE_SINCE)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return
        try:
            sql_engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # noqa: BLE001 - any failure means: not this connection
            # The pool discards the connection and hands out a fresh one (up to three tries).
            raise DisconnectionError(f"pooled connection failed its ping: {exc}") from exc


def _configure_sqlite(sql_engine: Engine) -> None:
    """SQLAlchemy's documented recipe for controlling SQLite transactions ourselves."""

    @event.listens_for(sql_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Stop pysqlite from issuing its own BEGIN (and from committing before DDL).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            if sqlite_path(sql_engine.url) is not None:
                cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(sql_engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(_BEGIN_OPTION, "IMMEDIATE")
        if mode not in _BEGIN_MODES:  # never interpolate anything else into SQL
            raise ValueError(f"unknown SQLite begin mode {mode!r}")
        connection.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """A SQLAlchemy engine plus a session factory: the one handle the service layer receives.

    Put it in ``st.cache_resource`` (one per process); sessions are made per unit of work.
    """

    def __init__(self, url: str | URL | None = None, *, sql_engine: Engine | None = None) -> None:
        self.sql_engine = sql_engine if sql_engine is not None else make_sql_engine(url)
        self.url = self.sql_engine.url.render_as_string(hide_password=False)
        self.is_sqlite = self.sql_engine.dialect.name == "sqlite"
        self._lock = writer_lock(self.sql_engine.url) if self.is_sqlite else None
        self._sessions = sessionmaker(self.sql_engine, expire_on_commit=False)
        reader = self.sql_engine.execution_options(**{_BEGIN_OPTION: "DEFERRED"}) if self.is_sqlite else self.sql_engine
        self._read_sessions = sessionmaker(reader, expire_on_commit=False)
        self._local = threading.local()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back everything on any exception.

        A nested call in the same thread joins the outer transaction, so service functions
        compose without committing halfway.
        """
        current: Session | None = getattr(self._local, "session", None)
        if current is not None:
            yield current
            return
        lock = self._lock
        if lock is not None:
            lock.acquire()
        try:
            with self._sessions() as session, session.begin():
                self._local.session = session
                try:
                    yield session
                finally:
                    self._local.session = None
        finally:
            if lock is not None:
                lock.release()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only snapshot that takes no write lock (WAL readers never wait).

        Writes here are not supported; use :meth:`transaction` for anything that writes.
        """
        current: Session | None = getattr(self._local, "session", None)
        if current is not None:
            yield current
            return
        # close() (not rollback()) ends the snapshot yet leaves loaded objects readable.
        with self._read_sessions() as session:
            yield session

    def dispose(self) -> None:
        """Close pooled connections (tests, shutdown, before restoring a backup)."""
        self.sql_engine.dispose()

    def __repr__(self) -> str:
        return f"Database({self.sql_engine.url!r})"
