"""Failed-login counters per username, kept in the database so every instance sees them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from simulator.store._dml import rows_changed
from simulator.store.models import LoginThrottle


def get(session: Session, key: str) -> LoginThrottle | None:
    return session.scalars(select(LoginThrottle).where(LoginThrottle.username == key)).one_or_none()


def reserve(session: Session, key: str, now: datetime, *, forget_before: datetime) -> int | None:
    """Count one attempt for ``key`` unless it is blocked at ``now``; the count, or None if blocked.

    One statement (an upsert whose update is conditional), so two instances racing for the
    same key are serialised by the row lock (PostgreSQL) or the write lock (SQLite): the
    second sees the block the first one set in its transaction. This is what lets a login
    be charged as a failure *before* the slow password check.
    """
    table = cast(Table, LoginThrottle.__table__)
    insert = _insert(session)
    stale = table.c.last_failure_at.is_(None) | (table.c.last_failure_at < forget_before)
    open_now = table.c.blocked_until.is_(None) | (table.c.blocked_until <= now)
    statement = (
        insert(table)
        .values(username=key, failures=1, last_failure_at=now, blocked_until=None)
        .on_conflict_do_update(
            index_elements=[table.c.username],
            set_={"failures": case((stale, 1), else_=table.c.failures + 1), "last_failure_at": now},
            where=open_now,
        )
        .returning(table.c.failures)
    )
    value = session.execute(statement).scalar_one_or_none()
    return None if value is None else int(value)


def refund(session: Session, key: str) -> int:
    """Take back one counted attempt (it succeeded, or never ran); the count left."""
    table = cast(Table, LoginThrottle.__table__)
    statement = (
        update(table)
        .where(table.c.username == key)
        .values(failures=case((table.c.failures > 0, table.c.failures - 1), else_=0))
        .returning(table.c.failures)
    )
    value = session.execute(statement).scalar_one_or_none()
    return 0 if value is None else int(value)


def _insert(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"login throttling needs an upsert for {dialect}")
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def block_until(session: Session, key: str, until: datetime | None) -> None:
    session.execute(update(LoginThrottle).where(LoginThrottle.username == key).values(blocked_until=until))


def clear(session: Session, key: str) -> None:
    session.execute(delete(LoginThrottle).where(LoginThrottle.username == key))


def prune(session: Session, older_than: datetime) -> int:
    """Forget streaks nobody continued (guessed names would otherwise pile up)."""
    return rows_changed(
        session,
        delete(LoginThrottle).where(
            LoginThrottle.last_failure_at < older_than,
            (LoginThrottle.blocked_until.is_(None)) | (LoginThrottle.blocked_until < older_than),
        ),
    )
