"""Passwords, logins and login sessions.

Passwords are hashed with argon2id (argon2-cffi's defaults, about 170 ms here) and
re-hashed on login when the parameters change. A login returns an opaque random token for
the cookie; only its SHA-256 is stored, so a copy of the database logs no one in. Failed
logins per username earn growing delays recorded in the database, so every instance
enforces them and no account can be locked for good by a stranger.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from simulator.service import login_guard
from simulator.service._text import has_surrogate, is_clean_name
from simulator.service.errors import InvalidCredentials, InvalidInput, LoginThrottled, NotFound
from simulator.service.policy import require_role, require_signed_in
# The caller's identity is imported from here by pages and the CLI: one place to log in and to name who acts.
from simulator.service.principal import SYSTEM as SYSTEM
from simulator.service.principal import Actor as Actor
from simulator.service.principal import Principal as Principal
from simulator.store import Database
from simulator.store import sessions as session_repo
from simulator.store import users as user_repo
from simulator.store.models import LOCALES, ROLES

log = logging.getLogger(__name__)

USERNAME_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]*")
USERNAME_MIN, USERNAME_MAX = 3, 64
DISPLAY_NAME_MAX = 200
PASSWORD_MIN, PASSWORD_MAX = 8, 1024  # the maximum bounds the hashing work per request
TOKEN_MAX = 256


def password_hasher(fast: bool | None = None) -> PasswordHasher:
    """argon2id with the library defaults, or cheap argon2id for tests (``KOHTAAMO_ARGON2_FAST=1``)."""
    if fast is None:
        fast = os.environ.get("KOHTAAMO_ARGON2_FAST", "") not in ("", "0")
    return _hasher(fast)


@lru_cache(maxsize=2)
def _hasher(fast: bool) -> PasswordHasher:
    if fast:
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


@dataclass(frozen=True)
class AuthSettings:
    """Session lifetimes and throttling policy; ``from_env`` reads the deployment's choices."""

    session_ttl: timedelta = timedelta(hours=12)
    idle_timeout: timedelta | None = None
    # last_seen_at is written at most this often: Streamlit reruns the script on every click.
    touch_interval: timedelta = timedelta(minutes=1)
    free_failures: int = 2  # delays start with the failure after these
    max_delay: timedelta = timedelta(minutes=15)
    forget_failures_after: timedelta = timedelta(hours=24)
    # Against spraying and floods (simulator/service/login_guard.py; figures in docs/security.md).
    source_free_failures: int = 10
    global_failures_per_minute: int = 600
    verify_slots: int = field(default_factory=lambda: int(os.environ.get("KOHTAAMO_LOGIN_SLOTS", "2")))
    verify_wait: timedelta = timedelta(seconds=1.5)
    hasher: PasswordHasher = field(default_factory=password_hasher)

    @classmethod
    def from_env(cls) -> AuthSettings:
        hours = float(os.environ.get("KOHTAAMO_SESSION_HOURS", "12"))
        idle = os.environ.get("KOHTAAMO_SESSION_IDLE_MINUTES")
        return cls(
            session_ttl=timedelta(hours=hours),
            idle_timeout=timedelta(minutes=float(idle)) if idle else None,
        )

    def delay_for(self, failures: int) -> timedelta:
        """2**(failures-3) s from the third failure on (1 s, 2 s, 4 s...), capped."""
        return login_guard.delay_for(failures, self.free_failures, self.max_delay)


def _settings(settings: AuthSettings | None) -> AuthSettings:
    return settings if settings is not None else AuthSettings.from_env()


def _now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now


# --- validation ---------------------------------------------------------------------------


def validate_username(username: str) -> str:
    """Return the username without surrounding spaces, or raise ``InvalidInput`` saying why."""
    if not isinstance(username, str):
        raise InvalidInput("username must be text", field="username")
    name = username.strip()
    if len(name) < USERNAME_MIN:
        raise InvalidInput(
            f"username must be at least {USERNAME_MIN} characters",
            field="username",
            reason="username_too_short",
            min=USERNAME_MIN,
        )
    if len(name) > USERNAME_MAX:
        raise InvalidInput(
            f"username must be at most {USERNAME_MAX} characters",
            field="username",
            reason="username_too_long",
            max=USERNAME_MAX,
        )
    if not USERNAME_RE.fullmatch(name):
        raise InvalidInput(
            "username may contain only letters a-z, digits and . _ @ - and must start with a letter or digit",
            field="username",
            reason="username_characters",
        )
    return name


def validate_display_name(display_name: str) -> str:
    """Any printable text (names have accents, apostrophes, spaces), 1-200 characters."""
    if not isinstance(display_name, str):
        raise InvalidInput("display name must be text", field="display_name")
    name = unicodedata.normalize("NFC", display_name.strip())
    if not name:
        raise InvalidInput("display name must not be empty", field="display_name", reason="display_name_empty")
    if len(name) > DISPLAY_NAME_MAX:
        raise InvalidInput(
            f"display name must be at most {DISPLAY_NAME_MAX} characters",
            field="display_name",
            reason="display_name_too_long",
            max=DISPLAY_NAME_MAX,
        )
    if not is_clean_name(name):  # bidi overrides and zero-width characters disguise a name
        raise InvalidInput(
            "display name contains control, format or unassigned characters",
            field="display_name",
            reason="display_name_characters",
        )
    return name


def validate_password(password: str, *, allow_weak: bool = False, field_name: str = "password") -> None:
    if not isinstance(password, str) or not password:
        raise InvalidInput("password must not be empty", field=field_name, reason="password_empty")
    if len(password) > PASSWORD_MAX:
        raise InvalidInput(
            f"password must be at most {PASSWORD_MAX} characters",
            field=field_name,
            reason="password_too_long",
            max=PASSWORD_MAX,
        )
    if not allow_weak and len(password) < PASSWORD_MIN:
        raise InvalidInput(
            f"password must be at least {PASSWORD_MIN} characters",
            field=field_name,
            reason="password_too_short",
            min=PASSWORD_MIN,
        )
    if "\x00" in password or has_surrogate(password):
        raise InvalidInput("password must not contain NUL characters", field=field_name, reason="password_characters")


def validate_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}", field="role", reason="role_unknown")
    return role


def validate_locale(locale: str) -> str:
    if locale not in LOCALES:
        raise InvalidInput(f"locale must be one of {', '.join(LOCALES)}", field="locale", reason="locale_unknown")
    return locale


# --- passwords ----------------------------------------------------------------------------


def verify_password(password_hash: str, password: str, hasher: PasswordHasher | None = None) -> bool:
    try:
        return (hasher or password_hasher()).verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=4)
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash(secrets.token_hex(16))


# --- login sessions -----------------------------------------------------------------------


def login(
    db: Database,
    username: str,
    password: str,
    now: datetime | None = None,
    *,
    settings: AuthSettings | None = None,
    source: str | None = None,
) -> tuple[Principal, str]:
    """Check the password and open a session; returns the principal and the bearer token.

    The attempt is charged to the name's, the ``source``'s and the installation's budgets
    *before* the password is checked (:mod:`login_guard`), so concurrent guesses cannot
    slip past a delay. Raises ``LoginThrottled`` (without checking the password) while a
    budget is spent or no verification slot is free, and ``InvalidCredentials`` alike for
    an unknown user and a wrong password.
    """
    settings = _settings(settings)
    now = _now(now)
    name = username.strip() if isinstance(username, str) else ""
    key = name.lower()
    # A name no account can have is refused before the database sees it (PostgreSQL
    # rejects NUL bytes in text, and throttle rows for garbage names help nobody).
    if not USERNAME_RE.fullmatch(name) or not (USERNAME_MIN <= len(name) <= USERNAME_MAX) \
            or not isinstance(password, str) or len(password) > PASSWORD_MAX or has_surrogate(password):
        with login_guard.verification_slot(settings, suspect=True):  # no real login looks like this
            _dummy_verify(settings.hasher, "x")
        raise InvalidCredentials()

    reservation = login_guard.reserve(db, settings, key, source, now)
    with db.read() as session:
        user = user_repo.get_by_username(session, key)
        account = (user.id, user.password_hash) if user is not None else None

    # The slow hash runs outside any transaction so it never holds the write lock.
    # ``verified`` is the account only once its password checked out.
    verified: tuple[int, str] | None = None
    try:
        with login_guard.verification_slot(settings, suspect=reservation.suspect):
            if account is None:
                _dummy_verify(settings.hasher, password)
            elif verify_password(account[1], password, settings.hasher):
                verified = account
    except LoginThrottled:
        login_guard.release(db, reservation, settings)
        raise

    if verified is None:
        log.info("failed login (charged before the check)")
        raise InvalidCredentials()

    user_id, stored_hash = verified
    new_hash = settings.hasher.hash(password) if settings.hasher.check_needs_rehash(stored_hash) else None
    token = secrets.token_urlsafe(32)
    with db.transaction() as session:
        user = user_repo.get_user(session, user_id)
        if user is None or user.deactivated_at is not None:  # deleted meanwhile, or switched off by an admin
            raise InvalidCredentials()
        login_guard.settle_success(db, reservation, settings)  # joins this transaction
        if new_hash is not None:
            user.password_hash = new_hash
        session_repo.add_session(
            session,
            user_id=user.id,
            token_hash=session_repo.hash_token(token),
            now=now,
            expires_at=now + settings.session_ttl,
        )
        principal = Principal.of(user)
    log.info("user %d logged in%s", principal.user_id, " (password re-hashed)" if new_hash else "")
    return principal, token


def _dummy_verify(hasher: PasswordHasher, password: str) -> None:
    """Spend the same time as a real check, so timing does not reveal unknown usernames."""
    verify_password(_dummy_hash(hasher), password, hasher)


def authenticate(
    db: Database, token: str | None, now: datetime | None = None, *, settings: AuthSettings | None = None
) -> Principal | None:
    """The principal behind a token, or None when it is unknown, revoked, expired or idle too long."""
    if not token or not isinstance(token, str) or len(token) > TOKEN_MAX:
        return None
    settings = _settings(settings)
    now = _now(now)
    token_hash = session_repo.hash_token(token)
    with db.read() as session:
        auth = session_repo.find_session(session, token_hash)
        if auth is None or auth.revoked_at is not None or auth.expires_at <= now:
            return None
        if settings.idle_timeout is not None and auth.last_seen_at + settings.idle_timeout <= now:
            return None
        user = user_repo.get_user(session, auth.user_id)
        if user is None:
            return None
        principal = Principal.of(user)
        needs_touch = now - auth.last_seen_at >= settings.touch_interval
        session_id = auth.id
    if needs_touch:
        with db.transaction() as session:
            session_repo.touch(session, session_id, now)
    return principal


def logout(db: Database, token: str | None, now: datetime | None = None) -> bool:
    """Revoke the session server-side (clearing the cookie alone would leave it valid)."""
    if not token or not isinstance(token, str) or len(token) > TOKEN_MAX:
        return False
    with db.transaction() as session:
        return session_repo.revoke(session, session_repo.hash_token(token), _now(now))


def change_password(
    db: Database,
    actor: Principal,
    current_password: str,
    new_password: str,
    *,
    keep_token: str | None = None,
    settings: AuthSettings | None = None,
    now: datetime | None = None,
) -> None:
    """The user changes their own password; every other session of theirs is revoked."""
    settings = _settings(settings)
    actor = require_signed_in(actor)
    validate_password(new_password, field_name="new_password")
    with db.read() as session:
        user = user_repo.get_user(session, actor.user_id)
        if user is None:
            raise NotFound("user not found")
        stored_hash = user.password_hash
    # The same budgets as a login: a stolen session cannot brute-force the current password.
    reservation = login_guard.reserve(db, settings, actor.username.lower(), None, _now(now))
    try:
        with login_guard.verification_slot(settings, suspect=reservation.suspect):
            ok = verify_password(stored_hash, current_password, settings.hasher)
    except LoginThrottled:
        login_guard.release(db, reservation, settings)
        raise
    if not ok:
        raise InvalidInput("the current password is wrong", field="current_password", reason="password_wrong")
    login_guard.settle_success(db, reservation, settings)
    new_hash = settings.hasher.hash(new_password)
    keep = session_repo.hash_token(keep_token) if keep_token else None
    with db.transaction() as session:
        user = user_repo.get_user(session, actor.user_id)
        if user is None:
            raise NotFound("user not found")
        user.password_hash = new_hash
        user.must_change_password = False
        session_repo.revoke_all_for_user(session, user.id, _now(now), except_hash=keep)
    log.info("user %d changed their password", actor.user_id)


def reset_password(
    db: Database,
    actor: Actor,
    user_id: int,
    new_password: str,
    *,
    settings: AuthSettings | None = None,
    now: datetime | None = None,
) -> None:
    """An admin sets a temporary password; the user must change it and is logged out everywhere."""
    require_role(actor, "admin")
    settings = _settings(settings)
    validate_password(new_password)
    new_hash = settings.hasher.hash(new_password)
    with db.transaction() as session:
        user = user_repo.get_user(session, user_id)
        if user is None:
            raise NotFound("user not found")
        user.password_hash = new_hash
        user.must_change_password = True
        session_repo.revoke_all_for_user(session, user.id, _now(now))
    log.info("password of user %d reset", user_id)
