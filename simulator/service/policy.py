"""Every permission of Kohtaamo: each "may X do Y" is one small named function here.

A use case in ``simulator/service/`` calls the function for what it is about to do before
it reads or changes anything, and no other module in the service layer decides access
(``tests/service/test_policy_is_the_only_judge.py`` checks that). The table of who may do
what is ``docs/authorization.md``; ``tests/service/test_authorization_matrix.py`` calls
every use case as every kind of caller and checks that table.

Two kinds of functions:

- ``may_*`` / ``is_*`` / ``can_*`` answer True or False (for filtering a list, say);
- ``require_*`` raise :class:`~simulator.service.errors.Forbidden` with a stable
  ``reason`` the UI translates, and return what they checked (the principal, the cohort).

Anonymous callers (``None``) are refused with ``signed_out`` before any lookup, so they
learn nothing, not even whether a thing exists. Roles are checked as well as cohort links,
so a demoted mentor loses access at once.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy.orm import Session

from simulator.service.principal import Actor, Principal, _System
from simulator.service.errors import Forbidden, NotFound
from simulator.store import cohorts as cohort_repo
from simulator.store import users as user_repo
from simulator.store.ids import is_row_id
from simulator.store.models import Cohort

# --- who is calling -----------------------------------------------------------------------


def require_signed_in(principal: Principal | None) -> Principal:
    """Anyone signed in; anonymous callers get ``signed_out``."""
    if not isinstance(principal, Principal):
        raise Forbidden("sign in first", reason="signed_out")
    return principal


def require_staff(principal: Principal | None) -> Principal:
    """Mentors and admins only (``mentor_only``): creating cohorts, the mentor pages."""
    principal = require_signed_in(principal)
    if principal.role not in ("mentor", "admin"):
        raise Forbidden("only mentors and admins may do this", reason="mentor_only")
    return principal


def require_role(actor: Actor | None, *roles: str) -> Actor:
    """SYSTEM (the local operator) or a principal with one of ``roles`` (``role_required``)."""
    if isinstance(actor, _System):
        return actor
    if not isinstance(actor, Principal) or actor.role not in roles:
        raise Forbidden("you are not allowed to do this", reason="role_required", roles=list(roles))
    return actor


def require_admin(actor: Actor | None) -> Actor:
    """Admins and SYSTEM: accounts, roles, retention, content status, the audit log."""
    return require_role(actor, "admin")


def is_self_or_admin(actor: Actor | None, user_id: int) -> bool:
    """The account's own user, an admin, or SYSTEM."""
    return isinstance(actor, _System) or (
        isinstance(actor, Principal) and (actor.is_admin or actor.user_id == user_id)
    )


def require_self_or_admin(actor: Actor | None, user_id: int, what: str) -> None:
    """Profile edits, account deletion, the data export: the person themselves or an admin."""
    if not is_self_or_admin(actor, user_id):
        raise Forbidden(f"you may {what} only your own account", reason="not_your_account")


# --- accounts -------------------------------------------------------------------------------


def require_create_user(actor: Actor | None, role: str, *, weak_password: bool) -> None:
    """Admins and SYSTEM open any account, mentors trainee accounts; weak passwords are SYSTEM's."""
    if isinstance(actor, Principal) and not actor.is_admin:
        if not (actor.is_mentor and role == "trainee"):
            raise Forbidden("only admins may create this kind of account", reason="create_user_forbidden")
    elif not isinstance(actor, (Principal, _System)):
        raise Forbidden("sign in first", reason="signed_out")
    if weak_password and not isinstance(actor, _System):
        raise Forbidden("weak passwords are only for demo accounts", reason="weak_password_forbidden")


def may_see_user(session: Session, actor: Actor | None, user_id: int) -> bool:
    """An account's details: the user, admins, SYSTEM, and mentors of a cohort the user is in."""
    return is_self_or_admin(actor, user_id) or (
        isinstance(actor, Principal) and actor.is_mentor and cohort_repo.mentors_user(session, actor.user_id, user_id)
    )


def require_see_user(session: Session, actor: Actor | None, user_id: int) -> None:
    if not may_see_user(session, actor, user_id):
        raise Forbidden("you may not see this account", reason="not_your_account")


def listable_role(actor: Actor | None, role: str | None) -> str | None:
    """Which accounts a caller may list: admins any role, mentors trainees only."""
    require_role(actor, "admin", "mentor")
    if isinstance(actor, Principal) and actor.is_mentor:
        if role not in (None, "trainee"):
            raise Forbidden("mentors may list trainees only", reason="mentor_lists_trainees")
        return "trainee"
    return role


# --- cohorts --------------------------------------------------------------------------------


def load_cohort(session: Session, cohort_id: Any) -> Cohort:
    """The cohort, or ``NotFound`` for a missing or malformed id (checked after the role)."""
    if not is_row_id(cohort_id):
        raise NotFound("no such cohort", reason="cohort_not_found")
    cohort = cohort_repo.get_cohort(session, cohort_id)
    if cohort is None:
        raise NotFound("no such cohort", reason="cohort_not_found", cohort_id=cohort_id)
    return cohort


def is_cohort_mentor(session: Session, principal: Principal, cohort_id: int) -> bool:
    """Admins, and mentors listed for the cohort (the role is checked, not only the row)."""
    if principal.is_admin:
        return True
    return principal.is_mentor and cohort_repo.is_mentor_of(session, cohort_id, principal.user_id)


def is_cohort_member(session: Session, principal: Principal, cohort_id: int) -> bool:
    return cohort_repo.is_member_of(session, cohort_id, principal.user_id)


def cohorts_visible_to(principal: Principal) -> tuple[int | None, int | None]:
    """Which cohorts a caller's list shows, as ``(mentored_by, member)`` filters: admins all,
    mentors those they mentor, trainees those they belong to (names and counts only)."""
    if principal.is_admin:
        return None, None
    if principal.is_mentor:
        return principal.user_id, None
    return None, principal.user_id


def require_cohort_mentor(session: Session, principal: Principal | None, cohort_id: Any) -> Cohort:
    """Managing a cohort (members, sharing, assignments, review queue, dashboard, CSV)."""
    principal = require_staff(principal)
    cohort = load_cohort(session, cohort_id)
    if not is_cohort_mentor(session, principal, cohort.id):
        raise Forbidden("you do not mentor this cohort", reason="not_cohort_mentor", cohort_id=cohort.id)
    return cohort


def require_cohort_reader(session: Session, principal: Principal | None, cohort_id: Any) -> Cohort:
    """The cohort's shared attempts: its mentors and its members (``not_in_cohort``)."""
    principal = require_signed_in(principal)
    cohort = load_cohort(session, cohort_id)
    if not (is_cohort_mentor(session, principal, cohort.id) or is_cohort_member(session, principal, cohort.id)):
        raise Forbidden("you are not in this cohort", reason="not_in_cohort", cohort_id=cohort.id)
    return cohort


def require_cohort_member_view(session: Session, principal: Principal | None, cohort_id: Any) -> Cohort:
    """A trainee's anonymised position in the cohort: members only (``not_cohort_member``)."""
    cohort = require_cohort_reader(session, principal, cohort_id)
    assert isinstance(principal, Principal)
    if not is_cohort_member(session, principal, cohort.id):
        raise Forbidden("this view is for the cohort's trainees", reason="not_cohort_member")
    return cohort


# --- cohort membership: consent -------------------------------------------------------------


def may_place_trainee(session: Session, principal: Principal, trainee_id: int) -> bool:
    """Whether the caller may put this trainee into a cohort they manage without the trainee acting.

    Admins place anyone. A mentor only places trainees whose account they opened themselves;
    anyone else joins by accepting an invitation (a code), so no mentor gains a trainee's past
    attempts without the trainee's or an admin's action.
    """
    if principal.is_admin:
        return True
    return principal.is_mentor and user_repo.creator_of(session, trainee_id) == principal.user_id


def candidates_created_by(principal: Principal) -> int | None:
    """Whose trainees the "add existing" chooser lists: every trainee for admins (``None``),
    for a mentor only the accounts they opened (anyone else joins with a code)."""
    return None if principal.is_admin else principal.user_id


def require_place_trainee(session: Session, principal: Principal, trainee_id: int) -> None:
    if not may_place_trainee(session, principal, trainee_id):
        raise Forbidden("this trainee joins by accepting an invitation", reason="needs_consent",
                        user_id=trainee_id)


def require_join_by_invitation(principal: Principal | None) -> Principal:
    """Accepting an invitation code: trainees only (staff are added as mentors instead)."""
    principal = require_signed_in(principal)
    if principal.role != "trainee":
        raise Forbidden("only trainees join cohorts as members", reason="not_a_trainee")
    return principal


def require_leave_cohort(session: Session, principal: Principal | None, cohort_id: Any) -> Cohort:
    """A trainee may leave a cohort they are in (``not_in_cohort`` otherwise)."""
    principal = require_signed_in(principal)
    cohort = load_cohort(session, cohort_id)
    if not is_cohort_member(session, principal, cohort.id):
        raise Forbidden("you are not in this cohort", reason="not_in_cohort", cohort_id=cohort.id)
    return cohort


# --- attempts -------------------------------------------------------------------------------


class AttemptLike(Protocol):
    """What the checks need of an attempt (the ORM row or a view)."""

    id: int
    user_id: int


def is_owner(principal: Principal | None, attempt: AttemptLike) -> bool:
    return isinstance(principal, Principal) and principal.user_id == attempt.user_id


def can_review_attempt(principal: Principal | None, attempt: AttemptLike, *, session: Session) -> bool:
    """Inner thoughts mid-meeting, comments, corrections: admins and the owner's mentors."""
    if not isinstance(principal, Principal):
        return False
    if principal.is_admin:
        return True
    return principal.is_mentor and cohort_repo.mentors_user(session, principal.user_id, attempt.user_id)


def can_read_attempt(principal: Principal | None, attempt: AttemptLike, *, session: Session | None = None) -> bool:
    """Transcript, debrief, exports: owner, admins, the owner's mentors, and (when shared)
    the other members of a cohort the owner belongs to."""
    if not isinstance(principal, Principal):
        return False
    if is_owner(principal, attempt) or principal.is_admin:
        return True
    if session is None:
        return False
    if can_review_attempt(principal, attempt, session=session):
        return True
    return bool(getattr(attempt, "shared_with_cohort", False)) and cohort_repo.share_a_cohort(
        session, principal.user_id, attempt.user_id
    )


def can_act_on_attempt(principal: Principal | None, attempt: AttemptLike) -> bool:
    """Replying, hints, ending, sharing: the trainee who practises it, no one else."""
    return is_owner(principal, attempt)


def may_know_owner(principal: Principal, attempt: AttemptLike, *, session: Session) -> bool:
    """Who owns the attempt and how their other attempts went: the owner, admins and the
    owner's mentors; not a cohort member reading a shared attempt."""
    return is_owner(principal, attempt) or can_review_attempt(principal, attempt, session=session)


def require_read(principal: Principal | None, attempt: AttemptLike, *, session: Session | None = None) -> None:
    if not can_read_attempt(principal, attempt, session=session):
        raise Forbidden("this attempt belongs to someone else", reason="not_your_attempt", attempt_id=attempt.id)


def require_review(principal: Principal | None, attempt: AttemptLike, *, session: Session) -> None:
    if not can_review_attempt(principal, attempt, session=session):
        raise Forbidden("only the trainee's mentors may review this attempt", reason="not_your_trainee",
                        attempt_id=attempt.id)


def require_act(principal: Principal | None, attempt: AttemptLike) -> None:
    if not can_act_on_attempt(principal, attempt):
        raise Forbidden("only the trainee who practises this attempt can change it", reason="not_your_attempt",
                        attempt_id=attempt.id)


def require_read_progress(session: Session, principal: Principal, user_id: int) -> None:
    """Someone's progress over time: themselves, admins, and their mentors."""
    if principal.user_id == user_id or principal.is_admin:
        return
    if not (principal.is_mentor and cohort_repo.mentors_user(session, principal.user_id, user_id)):
        raise Forbidden("this attempt belongs to someone else", reason="not_your_attempt")


# --- assignments and corrections ------------------------------------------------------------


def require_manage_assignment(session: Session, principal: Principal | None, cohort_id: int | None,
                              user_id: int | None) -> None:
    """Withdrawing an assignment: a mentor of its cohort, or of the trainee it was given to, or an admin."""
    principal = require_staff(principal)
    if cohort_id is not None:
        require_cohort_mentor(session, principal, cohort_id)
    elif not (principal.is_admin or cohort_repo.mentors_user(session, principal.user_id, user_id or 0)):
        raise Forbidden("you do not mentor this trainee", reason="not_cohort_mentor")


def corrections_scope(actor: Actor | None) -> int | None:
    """Whose corrections a caller may export: ``None`` for everything (SYSTEM, admins),
    else the mentor's user id (only their cohorts' trainees)."""
    if isinstance(actor, _System):
        return None
    principal = require_staff(actor)
    return None if principal.is_admin else principal.user_id


# --- the audit log --------------------------------------------------------------------------


def require_read_audit(actor: Actor | None) -> None:
    """The whole audit log (and its export): admins and SYSTEM."""
    if not isinstance(actor, _System):
        principal = require_signed_in(actor if isinstance(actor, Principal) else None)
        if not principal.is_admin:
            raise Forbidden("only admins may read the audit log", reason="admin_only")


def require_read_own_audit(actor: Actor | None, user_id: int) -> None:
    """What was done with one person's data: that person and admins."""
    if isinstance(actor, _System):
        return
    principal = require_signed_in(actor if isinstance(actor, Principal) else None)
    if not (principal.is_admin or principal.user_id == user_id):
        raise Forbidden("you may see only what was done with your own data", reason="not_your_account")


def is_staff_reading_another(principal: Principal, owner_id: int) -> bool:
    """A read that the audit log records: staff reading someone else's attempt."""
    return principal.role in ("mentor", "admin") and principal.user_id != owner_id


# --- what a trainee may learn about the others in a cohort -----------------------------------

MIN_COMPARISON_ENV = "KOHTAAMO_MIN_COHORT_COMPARISON"
DEFAULT_MIN_COMPARISON = 5
MIN_MEAN_CONTRIBUTORS = 3  # with two people, a mean and one's own value give away the other's


def min_cohort_comparison() -> int:
    """How many trainees with results a cohort needs before a trainee sees positions and ranks
    (``$KOHTAAMO_MIN_COHORT_COMPARISON``, default 5; never below 2)."""
    import os

    raw = os.environ.get(MIN_COMPARISON_ENV, "").strip()
    try:
        value = int(raw) if raw else DEFAULT_MIN_COMPARISON
    except ValueError:
        value = DEFAULT_MIN_COMPARISON
    return max(2, value)


def may_show_positions(contributors: int) -> bool:
    """A trainee may see the distribution and their rank only in a cohort large enough that
    nobody can be recognised ("1 of 1", a lone other tick); below that only aggregates."""
    return contributors >= min_cohort_comparison()


def may_show_mean(contributors: int) -> bool:
    """The cohort mean alone, when it cannot be undone into another person's value."""
    return contributors >= MIN_MEAN_CONTRIBUTORS
