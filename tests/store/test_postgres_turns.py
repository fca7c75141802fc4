"""PostgreSQL under load: the pool keeps its connections, idle ones are pinged, a turn is
one statement. Why these exist: see ``docs/deploy.md`` (the load runs) and
``simulator/store/database.py``. The turn's writes are checked on both backends."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, event, select, text, update
from sqlalchemy.exc import IntegrityError

from simulator.store import Database
from simulator.store import attempts as attempt_repo
from simulator.store import database as store_database
from simulator.store import users as user_repo
from simulator.store.models import Attempt, Base, Turn


@pytest.fixture
def pg_db(request: pytest.FixtureRequest) -> Iterator[Database]:
    """A ``Database`` on PostgreSQL only (skips without a server), emptied afterwards."""
    url = request.getfixturevalue("pg_migrated_url")
    database = Database(url)
    yield database
    names = ", ".join(database.sql_engine.dialect.identifier_preparer.quote(t.name) for t in Base.metadata.sorted_tables)
    with database.sql_engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    database.dispose()


def _attempt(db: Database, name: str = "maija") -> int:
    with db.transaction() as session:
        user = user_repo.add_user(session, username=name, display_name=name, password_hash="$argon2id$x", role="trainee")
        return attempt_repo.create_attempt(session, user_id=user.id, scenario_id="s", language="fi", state={"v": 0}).id


def _backend_pid(db: Database) -> int:
    with db.transaction() as session:
        return int(session.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(db: Database, pid: int) -> None:
    admin = create_engine(db.url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar() is True
    finally:
        admin.dispose()


@pytest.mark.postgres
def test_the_pool_keeps_a_busy_instances_connections(pg_db: Database) -> None:
    """25 threads in transactions at once, twice: the second round opens no connection.

    With SQLAlchemy's default pool (5 kept) every burst above 5 opened connections and
    closed them again: 675 connections in a 40 s load run, each a server process.
    """
    opened: list[int] = []
    event.listen(pg_db.sql_engine, "connect", lambda *_: opened.append(1))
    threads = 25
    assert threads <= store_database.POOL_SIZE + store_database.MAX_OVERFLOW

    def burst() -> None:
        barrier = threading.Barrier(threads)

        def work() -> None:
            with pg_db.transaction() as session:
                session.execute(text("SELECT 1"))  # checks a connection out
                barrier.wait(timeout=30)  # all 25 hold one at the same moment

        workers = [threading.Thread(target=work) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)

    burst()
    first_round = len(opened)
    burst()
    assert first_round == threads
    assert len(opened) - first_round == threads - store_database.POOL_SIZE  # only the overflow above the kept 20


@pytest.mark.postgres
def test_an_idle_connection_closed_by_the_server_is_replaced_before_use(
    pg_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server restart or an idle timeout between two script runs: the ping finds the dead
    connection and the unit of work gets a fresh one instead of an error."""
    monkeypatch.setattr(store_database, "PING_AFTER_IDLE_S", 0.0)
    first = _backend_pid(pg_db)
    _terminate(pg_db, first)
    second = _backend_pid(pg_db)  # no OperationalError
    assert second != first


@pytest.mark.postgres
def test_a_connection_in_steady_use_is_not_pinged(pg_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The ping is a round trip; back-to-back units of work skip it."""
    pings: list[Any] = []
    real_ping = pg_db.sql_engine.dialect.do_ping
    monkeypatch.setattr(pg_db.sql_engine.dialect, "do_ping", lambda conn: pings.append(conn) or real_ping(conn))
    for _ in range(5):
        _backend_pid(pg_db)
    assert pings == []
    monkeypatch.setattr(store_database, "PING_AFTER_IDLE_S", 0.0)
    _backend_pid(pg_db)
    assert len(pings) == 1


def test_pool_size_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none"  # never connected
    monkeypatch.setenv("KOHTAAMO_DB_POOL_SIZE", "7")
    monkeypatch.setenv("KOHTAAMO_DB_MAX_OVERFLOW", "3")
    sql_engine = store_database.make_sql_engine(url)
    assert (sql_engine.pool.size(), sql_engine.pool._max_overflow) == (7, 3)  # type: ignore[attr-defined]
    monkeypatch.setenv("KOHTAAMO_DB_POOL_SIZE", "many")
    with pytest.raises(ValueError, match="KOHTAAMO_DB_POOL_SIZE"):
        store_database.make_sql_engine(url)


@pytest.mark.postgres
def test_a_turn_is_one_statement_on_postgres(pg_db: Database) -> None:
    attempt_id = _attempt(pg_db)
    statements: list[str] = []
    event.listen(pg_db.sql_engine, "before_cursor_execute", lambda _c, _cur, statement, *_: statements.append(statement))
    with pg_db.transaction() as session:
        attempt = session.get(Attempt, attempt_id, with_for_update=True)
        assert attempt is not None
        statements.clear()
        attempt_repo.add_turn(session, attempt, reply="hei", client_line="moi", stage="empathy", trust=0.5,
                              state={"v": 1}, turn_state={"m": 1}, index=0, hints_used=1)
        assert not session.dirty  # nothing left for the commit to write
    assert len(statements) == 1
    assert statements[0].lstrip().startswith("WITH")


def test_a_turn_moves_its_attempt_and_the_session_sees_both(db: Database) -> None:
    """Both backends: the stored rows and the objects in the session agree after add_turn."""
    attempt_id = _attempt(db)
    with db.transaction() as session:
        attempt = session.get(Attempt, attempt_id)
        assert attempt is not None
        turn = attempt_repo.add_turn(session, attempt, reply="hei", client_line="moi", stage="empathy", trust=0.5,
                                     state={"v": 1, "turns": ["hei"]}, turn_state={"v": 1}, index=0, hints_used=2)
        assert turn.id is not None and turn in session
        assert (attempt.state, attempt.hints_used) == ({"v": 1, "turns": ["hei"]}, 2)
        assert session.get(Turn, turn.id) is turn
        written_at = attempt.updated_at
    with db.read() as session:
        stored = session.get(Attempt, attempt_id)
        assert stored is not None
        assert (stored.state, stored.hints_used, stored.updated_at) == ({"v": 1, "turns": ["hei"]}, 2, written_at)
        rows = attempt_repo.list_turns(session, attempt_id)
        assert [(t.index, t.reply, t.client_line, t.state, t.trust) for t in rows] == [(0, "hei", "moi", {"v": 1}, 0.5)]


@pytest.mark.postgres
def test_no_turn_without_its_attempt_moving_on_postgres(pg_db: Database) -> None:
    """The turn's attempt id comes from the attempt's UPDATE: an attempt finished behind the
    session's back (its object still says active) takes no turn, and keeps its state."""
    attempt_id = _attempt(pg_db)
    with pytest.raises(IntegrityError):
        with pg_db.transaction() as session:
            attempt = session.get(Attempt, attempt_id)
            assert attempt is not None and attempt.status == "active"
            session.execute(  # another instance's end_attempt, as far as this session can tell
                update(Attempt).where(Attempt.id == attempt_id).values(status="finished"),
                execution_options={"synchronize_session": False},
            )
            attempt_repo.add_turn(session, attempt, reply="late", client_line="", stage="farewell", trust=0,
                                  state={"v": 9}, index=0)
    with pg_db.read() as session:
        assert session.scalars(select(Turn).where(Turn.attempt_id == attempt_id)).all() == []
        stored = session.get(Attempt, attempt_id)
        assert stored is not None and stored.state == {"v": 0}
