"""User rows. Lookups by username ignore case, matching the unique index on lower(username)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from simulator.store._dml import rows_changed
from simulator.store.ids import is_row_id
from simulator.store.models import (
    Assignment,
    Attempt,
    AuthSession,
    Cohort,
    CohortMember,
    Correction,
    TurnComment,
    User,
    utcnow,
)


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


def display_names(session: Session, user_ids: set[int]) -> dict[int, str]:
    """User id -> display name, for the given ids (authors of comments and corrections)."""
    if not user_ids:
        return {}
    return {int(r[0]): str(r[1]) for r in session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids)))}


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
    deleted = rows_changed(session, delete(User).where(User.id == user_id))
    session.expire_all()  # cascaded rows may still sit in the identity map
    return bool(deleted)


def count_active_admins(session: Session, *, other_than: int) -> int:
    """Active admins other than one user (the last admin must stay active)."""
    query = select(func.count()).select_from(User).where(
        User.role == "admin", User.deactivated_at.is_(None), User.id != other_than
    )
    return int(session.scalar(query) or 0)


def attempt_counts(session: Session) -> dict[int, int]:
    """User id -> number of attempts, for users with any."""
    query = select(Attempt.user_id, func.count()).group_by(Attempt.user_id)
    return {int(r[0]): int(r[1]) for r in session.execute(query)}


def membership_counts(session: Session) -> dict[int, int]:
    """User id -> number of cohorts they are a member of, for users in any."""
    query = select(CohortMember.user_id, func.count()).group_by(CohortMember.user_id)
    return {int(r[0]): int(r[1]) for r in session.execute(query)}


@dataclass(frozen=True)
class Footprint:
    """What is stored for one user, counted: what deleting the account removes (and keeps)."""

    attempts: int
    sessions: int
    memberships: int
    comments: int
    corrections: int
    assignments: int
    cohorts_created: int  # kept on deletion, forgetting their creator


def footprint(session: Session, user_id: int) -> Footprint:
    def count(model: type, *where: Any) -> int:
        query: Any = select(func.count()).select_from(model).where(*where)
        return int(session.scalar(query) or 0)

    return Footprint(
        attempts=count(Attempt, Attempt.user_id == user_id),
        sessions=count(AuthSession, AuthSession.user_id == user_id),
        memberships=count(CohortMember, CohortMember.user_id == user_id),
        comments=count(TurnComment, TurnComment.author_id == user_id),
        corrections=count(Correction, Correction.author_id == user_id),
        assignments=count(Assignment, Assignment.user_id == user_id),
        cohorts_created=count(Cohort, Cohort.created_by == user_id),
    )
