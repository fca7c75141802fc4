"""Login sessions, looked up by the SHA-256 of the bearer token (never by the token)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from simulator.store._dml import rows_changed
from simulator.store.models import AuthSession


def hash_token(token: str) -> str:
    """Tokens are 256 random bits, so a fast unsalted hash is enough (unlike passwords)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_session(
    session: Session, *, user_id: int, token_hash: str, now: datetime, expires_at: datetime
) -> AuthSession:
    row = AuthSession(
        user_id=user_id, token_hash=token_hash, created_at=now, last_seen_at=now, expires_at=expires_at
    )
    session.add(row)
    session.flush()
    return row


def find_session(session: Session, token_hash: str) -> AuthSession | None:
    return session.scalars(select(AuthSession).where(AuthSession.token_hash == token_hash)).one_or_none()


def touch(session: Session, session_id: int, now: datetime) -> None:
    session.execute(update(AuthSession).where(AuthSession.id == session_id).values(last_seen_at=now))


def revoke(session: Session, token_hash: str, now: datetime) -> bool:
    return bool(rows_changed(
        session,
        update(AuthSession)
        .where(AuthSession.token_hash == token_hash, AuthSession.revoked_at.is_(None))
        .values(revoked_at=now),
    ))


def revoke_all_for_user(
    session: Session, user_id: int, now: datetime, *, except_hash: str | None = None
) -> int:
    query = update(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
    if except_hash is not None:
        query = query.where(AuthSession.token_hash != except_hash)
    return rows_changed(session, query.values(revoked_at=now))


def delete_dead(session: Session, now: datetime) -> int:
    """Remove expired and revoked sessions (housekeeping; they no longer authenticate anyone)."""
    return rows_changed(
        session, delete(AuthSession).where(or_(AuthSession.expires_at <= now, AuthSession.revoked_at.is_not(None)))
    )
