"""The in-process half of login throttling (simulator/service/login_slots.py).

Why these rules: under a flood the probe's real login waited behind attackers' argon2
checks and behind their queue for a shared lock. A clean attempt (what a real user's login
looks like) must find a slot that suspect attempts can never take, must go ahead of
suspects waiting for one, and suspects must not pile up threads waiting.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from simulator.service.login_slots import KeyLocks, VerificationSlots

LONG = 30.0  # a wait that, if it ran out, would mean the rule under test failed


def _until(condition: Callable[[], bool]) -> None:
    """Wait (polling, up to 10 s) for another thread to reach a state; fails if it never does."""
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "the other thread never got there"
        time.sleep(0.005)


def test_suspect_attempts_never_take_the_slot_kept_for_clean_ones() -> None:
    slots = VerificationSlots(2)
    assert slots.acquire(priority=False, wait=0)
    assert not slots.acquire(priority=False, wait=0)  # the second slot is the reserve
    assert slots.acquire(priority=True, wait=0)  # a clean attempt gets it at once
    assert not slots.acquire(priority=True, wait=0)  # and then all are in use
    slots.release()
    slots.release()


def test_a_clean_attempt_goes_ahead_of_waiting_suspects() -> None:
    slots = VerificationSlots(2)
    assert slots.acquire(priority=True, wait=0) and slots.acquire(priority=True, wait=0)
    got: list[str] = []
    suspect = threading.Thread(target=lambda: got.append("suspect") if slots.acquire(priority=False, wait=LONG) else None)
    suspect.start()
    _until(lambda: slots.waiting(priority=False) == 1)
    clean = threading.Thread(target=lambda: got.append("clean") if slots.acquire(priority=True, wait=LONG) else None)
    clean.start()
    _until(lambda: slots.waiting(priority=True) == 1)
    slots.release()  # one slot frees: the clean attempt takes it, the suspect keeps waiting
    clean.join(timeout=LONG)
    assert got == ["clean"]
    assert slots.waiting(priority=False) == 1
    slots.release()  # the reserve frees, and the suspect still may not take it
    assert slots.waiting(priority=False) == 1 and got == ["clean"]
    slots.release()  # the last one: now a suspect may run beside the reserve
    suspect.join(timeout=LONG)
    assert got == ["clean", "suspect"]
    slots.release()


def test_suspects_waiting_are_bounded_and_the_rest_refused_at_once() -> None:
    slots = VerificationSlots(2)
    assert slots.acquire(priority=True, wait=0) and slots.acquire(priority=True, wait=0)
    waiters = [threading.Thread(target=slots.acquire, kwargs={"priority": False, "wait": LONG}) for _ in range(2)]
    for waiter in waiters:
        waiter.start()
    _until(lambda: slots.waiting(priority=False) == 2)
    assert not slots.acquire(priority=False, wait=LONG)  # refused while the two still wait
    assert slots.waiting(priority=False) == 2
    assert not slots.could_take(priority=False) and slots.could_take(priority=True)
    slots.release()
    slots.release()  # one waiter runs now (beside the reserve); the other waits its turn
    _until(lambda: slots.waiting(priority=False) == 1)
    slots.release()
    for waiter in waiters:
        waiter.join(timeout=LONG)
    assert slots.waiting(priority=False) == 0
    slots.release()


def test_one_slot_has_no_reserve() -> None:
    slots = VerificationSlots(1)
    assert slots.acquire(priority=False, wait=0)
    assert not slots.acquire(priority=True, wait=0)
    slots.release()
    assert slots.acquire(priority=True, wait=0)
    slots.release()


def test_key_locks_queue_only_requests_for_the_same_key() -> None:
    """With hash stripes, fresh names queueing for their shared source held the stripe of
    an unrelated real user's name; per-key locks never make one key wait for another."""
    locks = KeyLocks()
    done: list[str] = []
    with locks.hold(("src:203.0.113.50", "fresh1")):
        other = threading.Thread(target=lambda: _hold_and_note(locks, ("real.user", "src:198.51.100.20"), done, "other"))
        other.start()
        other.join(timeout=LONG)
        assert done == ["other"]  # not held up by the flood's keys
        same = threading.Thread(target=lambda: _hold_and_note(locks, ("src:203.0.113.50", "fresh2"), done, "same"))
        same.start()
        _until(lambda: len(locks) == 3)  # the flood's source, fresh1 and fresh2
        assert done == ["other"]  # the same source waits
    same.join(timeout=LONG)
    assert done == ["other", "same"]
    assert len(locks) == 0  # nothing kept for names nobody uses any more


def _hold_and_note(locks: KeyLocks, keys: tuple[str, ...], done: list[str], label: str) -> None:
    with locks.hold(keys):
        done.append(label)
