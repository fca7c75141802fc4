"""Accounts: creating, listing, editing and deleting users, exporting their data, retention.

Who may do which is asked of :mod:`simulator.service.policy`: admins manage everyone,
mentors create trainees, everyone may see, export and delete their own account. SYSTEM
(the local CLI) may do anything.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError

from simulator.service import audit
from simulator.service.auth import (
    SYSTEM,
    Actor,
    AuthSettings,
    Principal,
    validate_display_name,
    validate_locale,
    validate_password,
    validate_role,
    validate_username,
)
from simulator.service.errors import Conflict, InvalidInput, NotFound
from simulator.service.principal import _System
from simulator.service.policy import (
    listable_role,
    require_admin,
    require_cohort_mentor,
    require_create_user,
    require_role,
    require_self_or_admin,
    require_see_user,
)
from simulator.store import Database
from simulator.store import attempts as attempt_repo
from simulator.store import cohorts as cohort_repo
from simulator.store import review as review_repo
from simulator.store import sessions as session_repo
from simulator.store import throttle as throttle_repo
from simulator.store import users as user_repo
from simulator.store.models import User

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UserInfo:
    """A user as the UI sees one (never the password hash)."""

    id: int
    username: str
    display_name: str
    role: str
    locale: str
    must_change_password: bool
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> UserInfo:
        return cls(
            id=user.id,
            username=user.username,
            display_name=user.display_name,
            role=user.role,
            locale=user.locale,
            must_change_password=user.must_change_password,
            created_at=user.created_at,
        )


def _settings(settings: AuthSettings | None) -> AuthSettings:
    return settings if settings is not None else AuthSettings.from_env()


def create_user(
    db: Database,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    *,
    display_name: str | None = None,
    locale: str = "fi",
    must_change_password: bool = False,
    allow_weak_password: bool = False,
    cohort_id: int | None = None,
    settings: AuthSettings | None = None,
) -> UserInfo:
    """Create an account. Admins (and SYSTEM) create any role, mentors only trainees.

    ``allow_weak_password`` is for SYSTEM's demo seeding only. A ``cohort_id`` adds the new
    trainee to that cohort (a mentor must mentor it).
    """
    validate_role(role)
    require_create_user(actor, role, weak_password=allow_weak_password)
    name = validate_username(username)
    shown = validate_display_name(display_name if display_name is not None else name)
    validate_locale(locale)
    validate_password(password, allow_weak=allow_weak_password)
    password_hash = _settings(settings).hasher.hash(password)  # slow: before the transaction
    try:
        with db.transaction() as session:
            if user_repo.get_by_username(session, name) is not None:
                raise Conflict("that username is taken", reason="username_taken", username=name)
            if cohort_id is not None and isinstance(actor, Principal):
                require_cohort_mentor(session, actor, cohort_id)
            elif cohort_id is not None and cohort_repo.get_cohort(session, cohort_id) is None:
                raise NotFound("cohort not found", reason="cohort_not_found")
            user = user_repo.add_user(
                session,
                username=name,
                display_name=shown,
                password_hash=password_hash,
                role=role,
                locale=locale,
                must_change_password=must_change_password,
                created_by=actor.user_id if isinstance(actor, Principal) else None,
            )
            if cohort_id is not None:
                cohort_repo.add_member(session, cohort_id, user.id)
                audit.record(session, actor, audit.OPENED_ACCOUNT, subject_id=user.id, cohort_id=cohort_id)
            info = UserInfo.of(user)
    except IntegrityError:  # a concurrent create of the same name won the race
        raise Conflict("that username is taken", reason="username_taken", username=name) from None
    log.info("user %d (%s) created by %s", info.id, role, _who(actor))
    return info


def create_trainee(
    db: Database,
    actor: Actor,
    username: str,
    password: str,
    *,
    display_name: str | None = None,
    locale: str = "fi",
    cohort_id: int | None = None,
    must_change_password: bool = True,
    settings: AuthSettings | None = None,
) -> UserInfo:
    """A mentor (or admin) opens an account for a trainee, who picks their own password at first login."""
    require_role(actor, "mentor", "admin")
    return create_user(
        db,
        actor,
        username,
        password,
        "trainee",
        display_name=display_name,
        locale=locale,
        must_change_password=must_change_password,
        cohort_id=cohort_id,
        settings=settings,
    )


def get_user(db: Database, actor: Actor, user_id: int) -> UserInfo:
    with db.read() as session:
        require_see_user(session, actor, user_id)
        user = user_repo.get_user(session, user_id)
        if user is None:
            raise NotFound("user not found")
        return UserInfo.of(user)


def list_users(db: Database, actor: Actor, *, role: str | None = None) -> list[UserInfo]:
    """Admins see everyone; mentors see trainees (to add them to cohorts)."""
    role = listable_role(actor, role)
    with db.read() as session:
        return [UserInfo.of(user) for user in user_repo.list_users(session, role=role)]


def update_profile(
    db: Database,
    actor: Actor,
    user_id: int,
    *,
    display_name: str | None = None,
    locale: str | None = None,
) -> UserInfo:
    require_self_or_admin(actor, user_id, "edit the profile of")
    shown = validate_display_name(display_name) if display_name is not None else None
    if locale is not None:
        validate_locale(locale)
    with db.transaction() as session:
        user = user_repo.get_user(session, user_id)
        if user is None:
            raise NotFound("user not found")
        if shown is not None:
            user.display_name = shown
        if locale is not None:
            user.locale = locale
        return UserInfo.of(user)


def delete_user(db: Database, actor: Actor, user_id: int) -> None:
    """Delete an account and everything of theirs: sessions, attempts, turns, memberships,
    comments and corrections they wrote, assignments made to them. Cohorts and assignments
    they created stay (the group owns them) with the creator cleared."""
    require_self_or_admin(actor, user_id, "delete")
    with db.transaction() as session:
        user = user_repo.get_user(session, user_id)
        if user is None:
            raise NotFound("user not found")
        if user.role == "admin" and user_repo.count_users(session, role="admin") <= 1:
            raise InvalidInput("the last admin cannot be deleted", field="user_id", reason="last_admin")
        throttle_repo.clear(session, user.username.lower())
        user_repo.delete_user(session, user_id)
    log.info("user %d deleted by %s", user_id, _who(actor))


def export_user_data(db: Database, actor: Actor, user_id: int) -> dict[str, Any]:
    """Everything stored about a user, JSON-ready (the right of access)."""
    require_self_or_admin(actor, user_id, "export the data of")
    with db.read() as session:
        user = user_repo.get_user(session, user_id)
        if user is None:
            raise NotFound("user not found")
        attempts = []
        for attempt in attempt_repo.list_attempts(session, user_id):
            data = attempt_repo.attempt_to_dict(attempt, attempt_repo.list_turns(session, attempt.id))
            data["comments"] = [review_repo.comment_to_dict(c) for c in review_repo.comments_for_attempt(session, attempt.id)]
            data["corrections"] = [
                review_repo.correction_to_dict(c) for c in review_repo.corrections_for_attempt(session, attempt.id)
            ]
            attempts.append(data)
        return {
            "format": "kohtaamo-user-export/1",
            "exported_at": datetime.now(UTC).isoformat(),
            "user": {
                "id": user.id,
                "username": user.username,
                "display_name": user.display_name,
                "role": user.role,
                "locale": user.locale,
                "created_at": user.created_at.isoformat(),
            },
            "cohorts_member": [{"id": c.id, "name": c.name} for c in cohort_repo.cohorts_of_member(session, user_id)],
            "cohorts_mentor": [{"id": c.id, "name": c.name} for c in cohort_repo.cohorts_of_mentor(session, user_id)],
            "attempts": attempts,
            "comments_written": [review_repo.comment_to_dict(c) for c in review_repo.comments_by_author(session, user_id)],
            "corrections_written": [
                review_repo.correction_to_dict(c) for c in review_repo.corrections_by_author(session, user_id)
            ],
        }


def purge_attempts_older_than(
    db: Database, days: int, *, actor: Actor = SYSTEM, now: datetime | None = None
) -> int:
    """Data retention: delete attempts untouched for ``days`` days (with their turns and
    reviews), plus dead login sessions and stale login-failure streaks. Returns how many
    attempts went."""
    require_admin(actor)
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        raise InvalidInput("days must be a whole number of at least 1", field="days", reason="days_invalid")
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=days)
    with db.transaction() as session:
        removed = attempt_repo.delete_attempts_older_than(session, cutoff)
        session_repo.delete_dead(session, now)
        throttle_repo.prune(session, now - timedelta(days=1))
    log.info("purged %d attempts older than %d days", removed, days)
    return removed


def _who(actor: Actor) -> str:
    return "SYSTEM" if isinstance(actor, _System) else f"user {actor.user_id}"
