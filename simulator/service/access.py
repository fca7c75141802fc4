"""Who may read or act on an attempt: the one place the practice pages' authorization lives.

Acting on an attempt (replying, taking a hint, ending it) is for its owner only: an
attempt is a trainee's own practice. Reading it is wider: the owner, admins, mentors of a
cohort the owner belongs to, and (for an attempt the owner shared with the cohort) the
other members of a cohort the owner belongs to. Reviewing (comments, corrections) is for
admins and the owner's mentors only. The full table is in ``docs/authorization.md``.
"""

from __future__ import annotations

from typing import Any, Protocol

from simulator.service.auth import Principal
from simulator.service.errors import Forbidden


class AttemptLike(Protocol):
    """What the checks need of an attempt (the ORM row or a view)."""

    id: int
    user_id: int


def is_owner(principal: Principal, attempt: AttemptLike) -> bool:
    return isinstance(principal, Principal) and principal.user_id == attempt.user_id


def can_read_attempt(principal: Principal, attempt: AttemptLike, *, session: Any = None) -> bool:
    """True when ``principal`` may see ``attempt`` (transcript, debrief, exports).

    Extension point for mentors: ``session`` is the open SQLAlchemy session, so a rule like
    "a mentor of one of the owner's cohorts" can be checked without a second transaction.
    """
    if not isinstance(principal, Principal):
        return False
    if is_owner(principal, attempt) or principal.is_admin:
        return True
    if session is None:
        return False
    if can_review_attempt(principal, attempt, session=session):
        return True
    return bool(getattr(attempt, "shared_with_cohort", False)) and _share_a_cohort(session, principal, attempt)


def can_review_attempt(principal: Principal, attempt: AttemptLike, *, session: Any) -> bool:
    """True for admins and for mentors of a cohort the attempt's owner belongs to.

    The role is checked as well as the cohort link, so a mentor demoted to trainee loses
    review rights at once even if their ``cohort_mentors`` row stays.
    """
    if not isinstance(principal, Principal):
        return False
    if principal.is_admin:
        return True
    from simulator.store import cohorts as cohort_repo

    return principal.is_mentor and cohort_repo.mentors_user(session, principal.user_id, attempt.user_id)


def _share_a_cohort(session: Any, principal: Principal, attempt: AttemptLike) -> bool:
    """Whether the principal and the attempt's owner are members of one cohort."""
    from sqlalchemy import select
    from sqlalchemy.orm import aliased

    from simulator.store.models import CohortMember

    mine, theirs = aliased(CohortMember), aliased(CohortMember)
    query = (
        select(mine.cohort_id)
        .join(theirs, theirs.cohort_id == mine.cohort_id)
        .where(mine.user_id == principal.user_id, theirs.user_id == attempt.user_id)
        .limit(1)
    )
    return session.scalar(query) is not None


def can_act_on_attempt(principal: Principal, attempt: AttemptLike) -> bool:
    """True when ``principal`` may change ``attempt``: only the trainee who practises it."""
    return is_owner(principal, attempt)


def require_read(principal: Principal, attempt: AttemptLike, *, session: Any = None) -> None:
    """Raise ``Forbidden`` (reason ``not_your_attempt``) unless the attempt may be read."""
    if not can_read_attempt(principal, attempt, session=session):
        raise Forbidden("this attempt belongs to someone else", reason="not_your_attempt", attempt_id=attempt.id)


def require_review(principal: Principal, attempt: AttemptLike, *, session: Any) -> None:
    """Raise ``Forbidden`` (reason ``not_your_trainee``) unless the principal may review the attempt."""
    if not can_review_attempt(principal, attempt, session=session):
        raise Forbidden("only the trainee's mentors may review this attempt", reason="not_your_trainee",
                        attempt_id=attempt.id)


def require_act(principal: Principal, attempt: AttemptLike) -> None:
    """Raise ``Forbidden`` unless the principal owns the attempt (admins read, never reply)."""
    if not can_act_on_attempt(principal, attempt):
        raise Forbidden("only the trainee who practises this attempt can change it", reason="not_your_attempt",
                        attempt_id=attempt.id)
