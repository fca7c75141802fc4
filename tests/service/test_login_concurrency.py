"""Login throttling under concurrency (issue 11, item 5), on SQLite and PostgreSQL.

The probe sent a burst of guesses the moment a delay expired: the failure was recorded only
after argon2 had run, so 40 of 40 guesses were checked across two processes. Now an attempt
is charged before the check, so such a burst gets exactly one guess per window.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from simulator.service import auth, login_guard, users
from simulator.service.auth import SYSTEM, AuthSettings
from simulator.service.errors import InvalidCredentials, InvalidInput, LoginBusy, LoginThrottled
from simulator.store import Database
from simulator.store.models import LoginThrottle

CHILD = Path(__file__).parent / "helpers" / "login_burst.py"
PASSWORD = "oikea-salasana-123"


def _settings(**changes: object) -> AuthSettings:
    return AuthSettings(hasher=auth.password_hasher(fast=True), **changes)  # type: ignore[arg-type]


def test_burst_across_two_processes_gets_one_guess_per_window(db: Database, db_url: str) -> None:
    users.create_user(db, SYSTEM, "maija", PASSWORD, "trainee")
    now = datetime.now(UTC)
    with db.transaction() as session:  # three failures already; the 1 s delay ran out just now
        session.add(LoginThrottle(username="maija", failures=3, last_failure_at=now - timedelta(seconds=2),
                                  blocked_until=now - timedelta(milliseconds=200)))
    start = time.time() + 4.0  # both children are up and waiting by then
    env = {**os.environ, "KOHTAAMO_ARGON2_FAST": "1"}
    children = [
        subprocess.Popen([sys.executable, str(CHILD), db_url, str(start), "20", "maija"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=env)
        for _ in range(2)
    ]
    outcomes: list[str] = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        outcomes += json.loads(out)
    assert len(outcomes) == 40
    assert outcomes.count("checked") == 1, outcomes  # the probe: 40 of 40
    assert outcomes.count("throttled") == 39


def test_source_budget_stops_spraying_across_names(db: Database) -> None:
    settings = _settings()
    now = datetime(2026, 12, 6, 12, tzinfo=UTC)
    for index in range(settings.source_free_failures + 1):
        with pytest.raises(InvalidCredentials):
            auth.login(db, f"name{index}", "guess-guess", now, settings=settings, source="203.0.113.9")
    with pytest.raises(LoginThrottled):
        auth.login(db, "fresh.name", "guess-guess", now, settings=settings, source="203.0.113.9")
    with pytest.raises(InvalidCredentials):  # another address is not held up
        auth.login(db, "fresh.name", "guess-guess", now, settings=settings, source="198.51.100.7")


def test_global_budget_caps_failures_per_minute(db: Database) -> None:
    settings = _settings(global_failures_per_minute=5)
    now = datetime(2026, 12, 6, 12, 0, 10, tzinfo=UTC)
    for index in range(5):
        with pytest.raises(InvalidCredentials):
            auth.login(db, f"spray{index}", "guess-guess", now, settings=settings, source=f"10.0.0.{index}")
    with pytest.raises(LoginThrottled) as refused:
        auth.login(db, "spray9", "guess-guess", now, settings=settings, source="10.0.0.9")
    assert refused.value.retry_after_seconds == 50
    with pytest.raises(InvalidCredentials):  # the next minute has its own budget
        auth.login(db, "spray9", "guess-guess", now + timedelta(minutes=1), settings=settings, source="10.0.0.9")


def test_a_right_login_gives_the_charge_back(db: Database) -> None:
    settings = _settings(global_failures_per_minute=2)
    users.create_user(db, SYSTEM, "maija", PASSWORD, "trainee")
    now = datetime(2026, 12, 6, 12, tzinfo=UTC)
    for _ in range(3):  # successes never use up the global failure budget
        auth.login(db, "maija", PASSWORD, now, settings=settings, source="10.0.0.1")


def test_password_change_is_throttled_like_a_login(db: Database) -> None:
    settings = _settings()
    users.create_user(db, SYSTEM, "maija", PASSWORD, "trainee")
    principal, _ = auth.login(db, "maija", PASSWORD, settings=settings)
    for _ in range(settings.free_failures + 1):
        with pytest.raises(InvalidInput):
            auth.change_password(db, principal, "wrong-current", "uusi-salasana-456", settings=settings)
    with pytest.raises(LoginThrottled):  # even the right one waits out the delay
        auth.change_password(db, principal, PASSWORD, "uusi-salasana-456", settings=settings)


class _CountingHasher(PasswordHasher):
    """Real argon2id that also records how many verifications ran at once."""

    def __init__(self) -> None:
        super().__init__()
        self.running = 0
        self.most = 0
        self._guard = threading.Lock()

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:  # noqa: A002 - argon2's name
        with self._guard:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            return super().verify(hash, password)
        finally:
            with self._guard:
                self.running -= 1


def test_verifications_per_process_are_bounded(db: Database) -> None:
    hasher = _CountingHasher()
    settings = AuthSettings(hasher=hasher, verify_slots=2, verify_wait=timedelta(seconds=30))
    outcomes: list[str] = []

    def one(index: int) -> None:
        try:
            auth.login(db, f"flood{index}", "guess-guess", settings=settings, source=f"10.1.0.{index}")
        except InvalidCredentials:
            outcomes.append("checked")
        except LoginThrottled:
            outcomes.append("busy")

    workers = [threading.Thread(target=one, args=(i,)) for i in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert outcomes == ["checked"] * 8
    assert hasher.most == 2, hasher.most


def test_a_flood_from_one_address_is_checked_a_bounded_number_of_times(db: Database) -> None:
    """80 fresh names from one address: at most the source's free failures (+1, the one
    that sets the block) reach argon2; a real user from elsewhere still logs in."""
    hasher = _CountingHasher()
    settings = AuthSettings(hasher=hasher, verify_slots=2, verify_wait=timedelta(seconds=60))
    users.create_user(db, SYSTEM, "oikea.kayttaja", PASSWORD, "trainee", settings=settings)
    outcomes: list[str] = []
    go = threading.Event()

    def attacker(index: int) -> None:
        go.wait()
        try:
            auth.login(db, f"fresh{index}", "guess-guess", settings=settings, source="203.0.113.50")
        except InvalidCredentials:
            outcomes.append("checked")
        except LoginThrottled:
            outcomes.append("throttled")

    workers = [threading.Thread(target=attacker, args=(i,)) for i in range(80)]
    for worker in workers:
        worker.start()
    go.set()
    principal, _ = auth.login(db, "oikea.kayttaja", PASSWORD, settings=settings, source="198.51.100.20")
    for worker in workers:
        worker.join()
    assert principal.username == "oikea.kayttaja"
    assert outcomes.count("checked") <= settings.source_free_failures + 1, outcomes.count("checked")
    assert len(outcomes) == 80 and hasher.most <= 2


def test_a_clean_login_is_not_queued_behind_the_flood(db: Database) -> None:
    """While a flood's check holds the slots suspects may use, a real user's login still
    runs at once: one slot is kept for attempts whose name and source never failed. The
    real login waits for nothing here (``verify_wait`` 0), so any queueing would refuse it."""
    settings = _settings(verify_slots=2, verify_wait=timedelta(0))
    users.create_user(db, SYSTEM, "maija", PASSWORD, "trainee", settings=settings)
    with pytest.raises(InvalidCredentials):  # the flood's address has failed once
        auth.login(db, "fresh0", "guess-guess", settings=settings, source="203.0.113.50")
    slots = login_guard.slots_for(settings)
    assert slots.acquire(priority=False, wait=0)  # a suspect check from the flood is running
    try:
        with pytest.raises(LoginBusy):  # the flood's next attempt finds no slot it may use
            auth.login(db, "fresh1", "guess-guess", settings=settings, source="203.0.113.50")
        principal, _ = auth.login(db, "maija", PASSWORD, settings=settings, source="198.51.100.20")
        assert principal.username == "maija"
    finally:
        slots.release()


def test_a_failing_source_is_answered_busy_without_a_database_write(db: Database) -> None:
    """Once this process saw an address fail, its next attempt that would get no slot is
    refused from memory: no charge is written (and none refunded), so a flood does not
    queue its writes ahead of a real user's login on SQLite's one write lock."""
    settings = _settings(verify_slots=1, verify_wait=timedelta(seconds=30))
    with pytest.raises(InvalidCredentials):
        auth.login(db, "fresh0", "guess-guess", settings=settings, source="203.0.113.60")
    slots = login_guard.slots_for(settings)
    assert slots.acquire(priority=True, wait=0)  # the one slot is in use ...
    waiter = threading.Thread(target=lambda: slots.acquire(priority=False, wait=30) and slots.release())
    waiter.start()  # ... and a suspect already waits for it: nobody else may queue
    try:
        deadline = time.monotonic() + 10
        while slots.waiting(priority=False) < 1:
            assert time.monotonic() < deadline
            time.sleep(0.005)
        with pytest.raises(LoginBusy):
            auth.login(db, "fresh1", "guess-guess", settings=settings, source="203.0.113.60")
    finally:
        slots.release()
        waiter.join(timeout=30)
    with db.read() as session:
        keys = set(session.scalars(select(LoginThrottle.username)))
    assert "fresh0" in keys and "fresh1" not in keys  # the refused attempt wrote nothing
