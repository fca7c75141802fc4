"""Cohorts: a mentor's team of trainees. Create one, invite trainees with a code, add new
ones (with a one-time password to hand over) or those the mentor opened, remove them, share
the cohort with another mentor; a trainee joins with a code or leaves.

Consent: a mentor never gains a trainee's past data without the trainee's or an admin's
action. Trainees join by accepting an invitation code, or are placed by an admin; a mentor
places only trainee accounts they opened themselves. Every membership change is recorded
in the audit log (:mod:`simulator.service.audit`).

Every use case asks :mod:`simulator.service.policy` first (the table is in
``docs/authorization.md``). Every function takes the database first and the acting
principal second (``None`` = anonymous, always refused), like the practice service.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from simulator.service._passwords import one_time_password
from simulator.service import audit
from simulator.service._text import is_clean_name
from simulator.service import users as user_service
from simulator.service.policy import (
    candidates_created_by,
    cohorts_visible_to,
    load_cohort,
    require_cohort_mentor,
    require_join_by_invitation,
    require_leave_cohort,
    require_place_trainee,
    require_signed_in,
    require_staff,
)
from simulator.service.principal import Principal
from simulator.service.errors import Conflict, InvalidInput, NotFound
from simulator.store import Database
from simulator.store.ids import is_row_id
from simulator.store import cohorts as cohort_repo
from simulator.store import users as user_repo
from simulator.store.models import Cohort

log = logging.getLogger(__name__)

COHORT_NAME_MAX = 200
INVITATION_DAYS = 14


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
class Invitation:
    """A join code just made; shown to the mentor once."""

    cohort_id: int
    code: str
    expires_at: datetime


@dataclass(frozen=True)
class NewTrainee:
    """A trainee account just opened; the password is shown once and never stored in clear."""

    user_id: int
    username: str
    display_name: str
    one_time_password: str


def _name(raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidInput("the cohort needs a name", field="name", reason="cohort_name_empty")
    name = " ".join(raw.replace("\x00", "").split())  # PostgreSQL cannot store NUL
    if not is_clean_name(name):
        raise InvalidInput("the cohort name contains invisible or control characters", field="name",
                           reason="cohort_name_characters")
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
        user = user_repo.get_user(session, user_id) if is_row_id(user_id) else None
        if user is None:
            raise NotFound("no such user", reason="user_not_found")
        if user.role != "trainee":
            raise InvalidInput("only trainees can be members", field="user_id", reason="not_a_trainee")
        assert principal is not None
        require_place_trainee(session, principal, user.id)
        if not cohort_repo.is_member_of(session, cohort.id, user.id):
            cohort_repo.add_member(session, cohort.id, user.id)
            audit.record(session, principal, audit.PLACED, subject_id=user.id, cohort_id=cohort.id)
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
    assert principal is not None  # require_cohort_mentor refused anonymous callers
    password = one_time_password()
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
        if not is_row_id(user_id) or not cohort_repo.is_member_of(session, cohort.id, user_id):
            raise NotFound("that trainee is not in this cohort", reason="not_a_member")
        cohort_repo.remove_member(session, cohort.id, user_id)
        audit.record(session, principal, audit.REMOVED, subject_id=user_id, cohort_id=cohort.id)
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
    """Trainees the caller may place in the cohort (the "add existing" chooser): for a mentor
    only the accounts they opened, for an admin every trainee; others join with a code."""
    with db.read() as session:
        cohort = require_cohort_mentor(session, principal, cohort_id)
        assert principal is not None
        creator = candidates_created_by(principal)
        return [_person(u) for u in cohort_repo.trainees_created_by(session, creator, not_in_cohort=cohort.id)]


def create_invitation(
    db: Database, principal: Principal | None, cohort_id: int, *, valid_days: int = INVITATION_DAYS
) -> Invitation:
    """A code trainees enter to join the cohort; shown once (only its hash is stored)."""
    if not isinstance(valid_days, int) or isinstance(valid_days, bool) or not 1 <= valid_days <= 90:
        raise InvalidInput("an invitation is valid for 1 to 90 days", field="valid_days", reason="days_invalid")
    code = _new_code()
    expires = datetime.now(UTC) + timedelta(days=valid_days)
    with db.transaction() as session:
        cohort = require_cohort_mentor(session, principal, cohort_id)
        assert principal is not None
        cohort_repo.add_invitation(session, cohort.id, _code_hash(code), created_by=principal.user_id,
                                   expires_at=expires)
    return Invitation(cohort_id=cohort.id, code=code, expires_at=expires)


def join_cohort(db: Database, principal: Principal | None, code: str) -> CohortSummary:
    """A trainee accepts an invitation: their consent to let the cohort's mentors read their practice."""
    principal = require_join_by_invitation(principal)
    normalised = _normalise_code(code)
    with db.transaction() as session:
        invitation = cohort_repo.invitation_by_hash(session, _code_hash(normalised)) if normalised else None
        if invitation is None or invitation.expires_at <= datetime.now(UTC):
            raise InvalidInput("that code is not valid (it may have expired)", field="code", reason="invitation_invalid")
        cohort = load_cohort(session, invitation.cohort_id)
        if not cohort_repo.is_member_of(session, cohort.id, principal.user_id):
            cohort_repo.add_member(session, cohort.id, principal.user_id)
            audit.record(session, principal, audit.JOINED, subject_id=principal.user_id, cohort_id=cohort.id)
        rows = cohort_repo.summaries(session, member=principal.user_id)
    return next(CohortSummary(id=r[0], name=r[1], members=r[2], mentors=r[3]) for r in rows if r[0] == cohort.id)


def leave_cohort(db: Database, principal: Principal | None, cohort_id: int) -> None:
    """A trainee leaves a cohort; its mentors can no longer read their practice."""
    with db.transaction() as session:
        cohort = require_leave_cohort(session, principal, cohort_id)
        assert principal is not None
        cohort_repo.remove_member(session, cohort.id, principal.user_id)
        audit.record(session, principal, audit.LEFT, subject_id=principal.user_id, cohort_id=cohort.id)


_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out loud or typed from paper
CODE_LENGTH = 12  # 60 bits; a guess also needs a live, unexpired invitation


def _new_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _normalise_code(code: Any) -> str:
    if not isinstance(code, str) or len(code) > 64:
        return ""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _code_hash(code: str) -> str:
    return hashlib.sha256(_normalise_code(code).encode("ascii", "ignore")).hexdigest()


__all__ = [
    "CohortSummary",
    "CohortView",
    "Invitation",
    "NewTrainee",
    "Person",
    "add_new_trainee",
    "add_trainee",
    "create_cohort",
    "create_invitation",
    "get_cohort",
    "join_cohort",
    "leave_cohort",
    "my_cohorts",
    "remove_trainee",
    "share_cohort",
    "trainee_candidates",
]
