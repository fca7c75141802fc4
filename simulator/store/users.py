"""User rows. Lookups by username ignore case, matching the unique index on lower(username)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from simulator.store.ids import is_row_id
from simulator.store.models import User, utcnow


def get_user(session: Session, user_id: int) -> User | None:
    if not is_row_id(user_id):  # a huge id from outside would overflow the driver
        return None
    return session.get(User, user_id)


def creator_of(session: Session, user_id: int) -> int | None:
    """Who opened the account (``None``: SYSTEM, self-service or before revision 0004)."""
    return session.scalar(select(User.created_by).where(User.id == user_id))


def get_by_username(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(func.lower(User.username) == username.lower())).one_or_none()


def add_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    password_hash: str,
    role: str,
    locale: str = "fi",
    must_change_password: bool = False,
    created_at: datetime | None = None,
    created_by: int | None = None,
) -> User:
    """Insert and flush, so the id is known and a duplicate fails here, inside the caller's transaction."""
    user = User(
        username=username,
        display_name=display_name,
        password_hash=password_hash,
        role=role,
        locale=locale,
        must_change_password=must_change_password,
        created_at=created_at or utcnow(),
        created_by=created_by,
    )
    session.add(user)
    session.flush()
    return user


def list_users(session: Session, *, role: str | None = None) -> list[User]:
    query = select(User).order_by(func.lower(User.username))
    if role is not None:
        query = query.where(User.role == role)
    return list(session.scalars(query))


def count_users(session: Session, *, role: str | None = None) -> int:
    query = select(func.count()).select_from(User)
    if role is not None:
        query = query.where(User.role == role)
    return int(session.scalar(query) or 0)


def delete_user(session: Session, user_id: int) -> bool:
    """Delete the row; the database cascades to sessions, attempts, turns, memberships, comments.

    Accounts this user opened forget their creator, so a later account that happens to get
    the same id (SQLite may reuse the highest rowid) cannot inherit the right to place them.
    """
    session.execute(update(User).where(User.created_by == user_id).values(created_by=None))
    result = session.execute(delete(User).where(User.id == user_id))
    session.expire_all()  # cascaded rows may still sit in the identity map
    return bool(result.rowcount)  # type: ignore[attr-defined]
