"""Cohorts: a mentor's team of trainees. Create one, add and remove trainees (existing
accounts, or new ones with a one-time password to hand over), share it with another mentor.

Every use case asks :mod:`simulator.service.policy` first (the table is in
``docs/authorization.md``). Every function takes the database first and the acting
principal second (``None`` = anonymous, always refused), like the practice service.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from simulator.service import users as user_service
from simulator.service.policy import cohorts_visible_to, require_cohort_mentor, require_signed_in, require_staff
from simulator.service.principal import Principal
from simulator.service.errors import Conflict, InvalidInput, NotFound
from simulator.store import Database
from simulator.store import cohorts as cohort_repo
from simulator.store import users as user_repo
from simulator.store.models import Cohort

log = logging.getLogger(__name__)

COHORT_NAME_MAX = 200
ONE_TIME_PASSWORD_BYTES = 9  # 12 URL-safe characters: easy to read out, 72 bits


@dataclass(frozen=True)
class Person:
    """A member or mentor as a cohort's mentors see them."""

    id: int
    username: str
    display_name: str


@dataclass(frozen=True)
class CohortSummary:
    """One cohort in a list; what a trainee may know of their own cohorts."""

    id: int
    name: str
    members: int
    mentors: int


@dataclass(frozen=True)
class CohortView:
    """A cohort as its mentors see it: who is in it and who mentors it."""

    id: int
    name: str
    members: tuple[Person, ...]
    mentors: tuple[Person, ...]


@dataclass(frozen=True)
class NewTrainee:
    """A trainee account just opened; the password is shown once and never stored in clear."""

    user_id: int
    username: str
    display_name: str
    one_time_password: str


def _name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput("the cohort needs a name", field="name", reason="cohort_name_empty")
    name = " ".join(name.replace("\x00", "").split())  # PostgreSQL cannot store NUL
    if not name:
        raise InvalidInput("the cohort needs a name", field="name", reason="cohort_name_empty")
    if len(name) > COHORT_NAME_MAX:
        raise InvalidInput("the cohort name is too long", field="name", reason="cohort_name_too_long",
                           max=COHORT_NAME_MAX)
    return name


def _person(user: Any) -> Person:
    return Person(id=user.id, username=user.username, display_name=user.display_name)


def _view(session: Session, cohort: Cohort) -> CohortView:
    return CohortView(
        id=cohort.id,
        name=cohort.name,
        members=tuple(_person(u) for u in cohort_repo.members(session, cohort.id)),
        mentors=tuple(_person(u) for u in cohort_repo.mentors(session, cohort.id)),
    )


# --- use cases ------------------------------------------------------------------------------


def create_cohort(db: Database, principal: Principal | None, name: str) -> CohortView:
    """A new, empty cohort; its creator becomes its first mentor."""
    principal = require_staff(principal)
    name = _name(name)
    with db.transaction() as session:
        cohort = cohort_repo.create_cohort(session, name, created_by=principal.user_id)
        cohort_repo.add_mentor(session, cohort.id, principal.user_id)
        view = _view(session, cohort)
    log.info("cohort %d created by user %d", view.id, principal.user_id)
    return view


def my_cohorts(db: Database, principal: Principal | None) -> list[CohortSummary]:
    """Mentors: the cohorts they mentor; admins: every cohort; trainees: the cohorts they belong to."""
    principal = require_signed_in(principal)
    mentored_by, member = cohorts_visible_to(principal)
    with db.read() as session:
        rows = cohort_repo.summaries(session, mentored_by=mentored_by, member=member)
    return [CohortSummary(id=r[0], name=r[1], members=int(r[2]), mentors=int(r[3])) for r in rows]


def get_cohort(db: Database, principal: Principal | None, cohort_id: int) -> CohortView:
    """Members and mentors by name: for the cohort's mentors and admins only."""
    with db.read() as session:
        cohort = require_cohort_mentor(session, principal, cohort_id)
        return _view(session, cohort)


def add_trainee(db: Database, principal: Principal | None, cohort_id: int, user_id: int) -> CohortView:
    """Add an existing trainee account (adding one already in is harmless)."""
    with db.transaction() as session:
        cohort = require_cohort_mentor(session, principal, cohort_id)
        user = user_repo.get_user(session, user_id) if isinstance(user_id, int) else None
        if user is None:
            raise NotFound("no such user", reason="user_not_found")
        if user.role != "trainee":
            raise InvalidInput("only trainees can be members", field="user_id", reason="not_a_trainee")
        cohort_repo.add_member(session, cohort.id, user.id)
        return _view(session, cohort)


def add_new_trainee(
    db: Database,
    principal: Principal | None,
    cohort_id: int,
    username: str,
    *,
    display_name: str | None = None,
    locale: str = "fi",
) -> NewTrainee:
    """Open a trainee account in the cohort with a one-time password the mentor hands over;
    the trainee must choose their own at first login (``must_change_password``)."""
    with db.read() as session:
        require_cohort_mentor(session, principal, cohort_id)
    password = secrets.token_urlsafe(ONE_TIME_PASSWORD_BYTES)
    info = user_service.create_trainee(
        db, principal, username, password, display_name=display_name, locale=locale, cohort_id=cohort_id,
        must_change_password=True,
    )
    return NewTrainee(user_id=info.id, username=info.username, display_name=info.display_name,
                      one_time_password=password)


def remove_trainee(db: Database, principal: Principal | None, cohort_id: int, user_id: int) -> CohortView:
    """Take a trainee out of the cohort; their account and attempts stay."""
    with db.transaction() as session:
        cohort = require_cohort_mentor(session, principal, cohort_id)
        if not isinstance(user_id, int) or not cohort_repo.is_member_of(session, cohort.id, user_id):
            raise NotFound("that trainee is not in this cohort", reason="not_a_member")
        cohort_repo.remove_member(session, cohort.id, user_id)
        session.expire_all()
        return _view(session, cohort)


def share_cohort(db: Database, principal: Principal | None, cohort_id: int, mentor_username: str) -> CohortView:
    """Let another mentor (by username) co-mentor the cohort: they get the same rights."""
    with db.transaction() as session:
        cohort = require_cohort_mentor(session, principal, cohort_id)
        other = user_repo.get_by_username(session, mentor_username.strip()) if isinstance(mentor_username, str) else None
        if other is None:
            raise NotFound("no such user", reason="user_not_found")
        if other.role != "mentor":
            raise InvalidInput("a cohort can be shared with mentors only", field="mentor_username",
                               reason="not_a_mentor")
        if cohort_repo.is_mentor_of(session, cohort.id, other.id):
            raise Conflict("already a mentor of this cohort", reason="already_mentor")
        cohort_repo.add_mentor(session, cohort.id, other.id)
        return _view(session, cohort)


def trainee_candidates(db: Database, principal: Principal | None, cohort_id: int) -> list[Person]:
    """Trainee accounts not yet in the cohort (the "add existing" chooser)."""
    with db.read() as session:
        cohort = require_cohort_mentor(session, principal, cohort_id)
        inside = set(cohort_repo.member_ids(session, cohort.id))
        return [_person(u) for u in user_repo.list_users(session, role="trainee") if u.id not in inside]


__all__ = [
    "CohortSummary",
    "CohortView",
    "NewTrainee",
    "Person",
    "add_new_trainee",
    "add_trainee",
    "create_cohort",
    "get_cohort",
    "my_cohorts",
    "remove_trainee",
    "share_cohort",
    "trainee_candidates",
]
