"""Passwords, logins, throttling and sessions."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from simulator.service import auth, users
from simulator.service.auth import SYSTEM, AuthSettings
from simulator.service.errors import Forbidden, InvalidCredentials, InvalidInput, LoginThrottled
from simulator.store import Database
from simulator.store.models import AuthSession, LoginThrottle, User

NOW = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)
PASSWORD = "oikea-salasana"


@pytest.fixture
def maija(db: Database) -> users.UserInfo:
    return users.create_user(db, SYSTEM, "Maija", PASSWORD, "trainee", display_name="Maija Mäkelä", locale="fi")


def test_passwords_are_argon2id(db: Database, maija: users.UserInfo) -> None:
    with db.read() as session:
        stored = session.get(User, maija.id).password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_default_hasher_is_library_argon2id() -> None:
    hasher = auth.password_hasher(fast=False)
    assert hasher.type.name == "ID" and hasher.time_cost >= 2 and hasher.memory_cost >= 19 * 1024
    fast = auth.password_hasher(fast=True)
    assert fast.hash("x").startswith("$argon2id$")


def test_login_ok_and_authenticate(db: Database, maija: users.UserInfo) -> None:
    principal, token = auth.login(db, "maija", PASSWORD, now=NOW)  # username case does not matter
    assert principal.user_id == maija.id and principal.username == "Maija" and principal.role == "trainee"
    assert principal.display_name == "Maija Mäkelä" and principal.locale == "fi"
    assert len(token) >= 40
    assert auth.authenticate(db, token, now=NOW + timedelta(minutes=5)) == principal


def test_wrong_password_and_unknown_user_look_the_same(db: Database, maija: users.UserInfo) -> None:
    with pytest.raises(InvalidCredentials) as wrong:
        auth.login(db, "maija", "väärä-salasana", now=NOW)
    with pytest.raises(InvalidCredentials) as unknown:
        auth.login(db, "nobody", "väärä-salasana", now=NOW)
    assert str(wrong.value) == str(unknown.value) and wrong.value.code == unknown.value.code == "invalid_credentials"
    with pytest.raises(InvalidCredentials):
        auth.login(db, "x" * 500, PASSWORD, now=NOW)


def test_token_is_stored_only_as_its_hash(db: Database, maija: users.UserInfo) -> None:
    _, token = auth.login(db, "maija", PASSWORD, now=NOW)
    with db.read() as session:
        rows = session.scalars(select(AuthSession)).all()
    assert len(rows) == 1
    import hashlib

    assert rows[0].token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert all(token not in str(value) for value in vars(rows[0]).values())


def test_throttle_grows_and_is_refused_without_checking_the_password(db: Database, maija: users.UserInfo) -> None:
    settings = AuthSettings()
    now = NOW
    delays = []
    for _ in range(6):
        with pytest.raises(InvalidCredentials):
            auth.login(db, "maija", "wrong-password", now=now, settings=settings)
        with db.read() as session:
            row = session.get(LoginThrottle, "maija")
        delay = (row.blocked_until - now).total_seconds() if row.blocked_until else 0
        delays.append(delay)
        if delay:
            # even the right password is refused while blocked
            with pytest.raises(LoginThrottled) as throttled:
                auth.login(db, "maija", PASSWORD, now=now + timedelta(seconds=delay / 2), settings=settings)
            assert throttled.value.code == "throttled"
            assert 0 < throttled.value.retry_after_seconds <= delay
        now = now + timedelta(seconds=delay + 1)
    assert delays == [0, 0, 1, 2, 4, 8]
    principal, _ = auth.login(db, "maija", PASSWORD, now=now, settings=settings)
    assert principal.user_id == maija.id
    with db.read() as session:
        assert session.get(LoginThrottle, "maija") is None  # success resets the streak


def test_throttle_is_capped_at_fifteen_minutes() -> None:
    settings = AuthSettings()
    assert settings.delay_for(2) == timedelta(0)
    assert settings.delay_for(3) == timedelta(seconds=1)
    assert settings.delay_for(12) == timedelta(seconds=512)
    assert settings.delay_for(13) == settings.delay_for(10_000) == timedelta(minutes=15)


def test_throttle_is_shared_between_instances(db: Database, maija: users.UserInfo) -> None:
    other = Database(db.url)  # a second app instance on the same database
    try:
        for instance in (db, other, db):
            with pytest.raises(InvalidCredentials):
                auth.login(instance, "maija", "wrong-password", now=NOW)
        with pytest.raises(LoginThrottled):
            auth.login(other, "maija", PASSWORD, now=NOW)
    finally:
        other.dispose()


def test_unknown_usernames_are_throttled_too(db: Database) -> None:
    for _ in range(3):
        with pytest.raises(InvalidCredentials):
            auth.login(db, "ghost", "whatever-pw", now=NOW)
    with pytest.raises(LoginThrottled):
        auth.login(db, "GHOST", "whatever-pw", now=NOW)


def test_logout_revokes_server_side(db: Database, maija: users.UserInfo) -> None:
    _, token = auth.login(db, "maija", PASSWORD, now=NOW)
    _, other_token = auth.login(db, "maija", PASSWORD, now=NOW)
    assert auth.logout(db, token, now=NOW)
    assert auth.authenticate(db, token, now=NOW) is None
    assert not auth.logout(db, token, now=NOW)
    assert auth.authenticate(db, other_token, now=NOW) is not None  # other devices stay logged in


def test_sessions_expire(db: Database, maija: users.UserInfo) -> None:
    _, token = auth.login(db, "maija", PASSWORD, now=NOW)
    assert auth.authenticate(db, token, now=NOW + timedelta(hours=11, minutes=59)) is not None
    assert auth.authenticate(db, token, now=NOW + timedelta(hours=12)) is None
    short = AuthSettings(session_ttl=timedelta(minutes=30))
    _, token = auth.login(db, "maija", PASSWORD, now=NOW, settings=short)
    assert auth.authenticate(db, token, now=NOW + timedelta(minutes=31)) is None


def test_session_hours_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOHTAAMO_SESSION_HOURS", "2")
    monkeypatch.setenv("KOHTAAMO_SESSION_IDLE_MINUTES", "30")
    settings = AuthSettings.from_env()
    assert settings.session_ttl == timedelta(hours=2) and settings.idle_timeout == timedelta(minutes=30)


def test_idle_timeout_slides_with_use(db: Database, maija: users.UserInfo) -> None:
    settings = AuthSettings(idle_timeout=timedelta(minutes=30))
    _, token = auth.login(db, "maija", PASSWORD, now=NOW, settings=settings)
    moment = NOW
    for _ in range(6):  # used every 20 minutes for two hours: stays alive
        moment += timedelta(minutes=20)
        assert auth.authenticate(db, token, now=moment, settings=settings) is not None
    assert auth.authenticate(db, token, now=moment + timedelta(minutes=31), settings=settings) is None


def test_last_seen_is_written_at_most_once_a_minute(db: Database, maija: users.UserInfo) -> None:
    _, token = auth.login(db, "maija", PASSWORD, now=NOW)
    auth.authenticate(db, token, now=NOW + timedelta(seconds=30))
    with db.read() as session:
        assert session.scalars(select(AuthSession)).one().last_seen_at == NOW
    auth.authenticate(db, token, now=NOW + timedelta(seconds=90))
    with db.read() as session:
        assert session.scalars(select(AuthSession)).one().last_seen_at == NOW + timedelta(seconds=90)


@pytest.mark.parametrize("token", [None, "", "nonsense", "x" * 10_000])
def test_bad_tokens_authenticate_no_one(db: Database, token: str | None) -> None:
    assert auth.authenticate(db, token, now=NOW) is None
    assert not auth.logout(db, token, now=NOW)


def test_deleted_user_token_is_dead(db: Database, maija: users.UserInfo) -> None:
    _, token = auth.login(db, "maija", PASSWORD, now=NOW)
    users.delete_user(db, SYSTEM, maija.id)
    assert auth.authenticate(db, token, now=NOW) is None


def test_rehash_when_parameters_change(db: Database) -> None:
    weak = AuthSettings(hasher=PasswordHasher(time_cost=1, memory_cost=512, parallelism=1))
    info = users.create_user(db, SYSTEM, "vanha", PASSWORD, "trainee", settings=weak)
    with db.read() as session:
        old_hash = session.get(User, info.id).password_hash
    stronger = AuthSettings(hasher=PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1))
    auth.login(db, "vanha", PASSWORD, now=NOW, settings=stronger)
    with db.read() as session:
        new_hash = session.get(User, info.id).password_hash
    assert new_hash != old_hash and new_hash.startswith("$argon2id$") and "t=2" in new_hash
    auth.login(db, "vanha", PASSWORD, now=NOW, settings=stronger)  # the new hash verifies


def test_change_password_revokes_other_sessions(db: Database, maija: users.UserInfo) -> None:
    principal, keep = auth.login(db, "maija", PASSWORD, now=NOW)
    _, other = auth.login(db, "maija", PASSWORD, now=NOW)
    with pytest.raises(InvalidInput) as wrong:
        auth.change_password(db, principal, "not-it", "uusi-salasana-1", keep_token=keep)
    assert wrong.value.field == "current_password"
    with pytest.raises(InvalidInput) as short:
        auth.change_password(db, principal, PASSWORD, "lyhyt", keep_token=keep)
    assert short.value.reason == "password_too_short"
    auth.change_password(db, principal, PASSWORD, "uusi-salasana-1", keep_token=keep, now=NOW)
    assert auth.authenticate(db, keep, now=NOW) is not None
    assert auth.authenticate(db, other, now=NOW) is None
    with pytest.raises(InvalidCredentials):
        auth.login(db, "maija", PASSWORD, now=NOW)
    auth.login(db, "maija", "uusi-salasana-1", now=NOW)


def test_reset_password_is_for_admins(db: Database, maija: users.UserInfo) -> None:
    trainee, token = auth.login(db, "maija", PASSWORD, now=NOW)
    with pytest.raises(Forbidden):
        auth.reset_password(db, trainee, maija.id, "temporary-pw")
    auth.reset_password(db, SYSTEM, maija.id, "temporary-pw", now=NOW)
    assert auth.authenticate(db, token, now=NOW) is None
    principal, _ = auth.login(db, "maija", "temporary-pw", now=NOW)
    assert principal.must_change_password


def test_no_password_or_token_in_logs(db: Database, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "Very-Secret-Passw0rd"
    users.create_user(db, SYSTEM, "logged", secret, "trainee")
    with pytest.raises(InvalidCredentials):
        auth.login(db, "logged", secret + "x", now=NOW)
    principal, token = auth.login(db, "logged", secret, now=NOW)
    auth.authenticate(db, token, now=NOW + timedelta(minutes=5))
    auth.change_password(db, principal, secret, secret + "2", keep_token=token)
    auth.logout(db, token)
    assert caplog.records, "the auth module should log something"
    text = caplog.text + " ".join(str(record.__dict__) for record in caplog.records)
    assert secret not in text and token not in text
