"""Who may read or act on an attempt: the one place the practice pages' authorization lives.

Acting on an attempt (replying, taking a hint, ending it) is for its owner only: an
attempt is a trainee's own practice. Reading it is wider: the owner and admins today;
mentors of the owner's cohort are added by the mentor work by extending
:func:`can_read_attempt` (it already receives the open session for the cohort lookup).
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
    return is_owner(principal, attempt) or principal.is_admin


def can_act_on_attempt(principal: Principal, attempt: AttemptLike) -> bool:
    """True when ``principal`` may change ``attempt``: only the trainee who practises it."""
    return is_owner(principal, attempt)


def require_read(principal: Principal, attempt: AttemptLike, *, session: Any = None) -> None:
    """Raise ``Forbidden`` (reason ``not_your_attempt``) unless the attempt may be read."""
    if not can_read_attempt(principal, attempt, session=session):
        raise Forbidden("this attempt belongs to someone else", reason="not_your_attempt", attempt_id=attempt.id)


def require_act(principal: Principal, attempt: AttemptLike) -> None:
    """Raise ``Forbidden`` unless the principal owns the attempt (admins read, never reply)."""
    if not can_act_on_attempt(principal, attempt):
        raise Forbidden("only the trainee who practises this attempt can change it", reason="not_your_attempt",
                        attempt_id=attempt.id)
