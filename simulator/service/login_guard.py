"""Login throttling that holds under concurrency, floods and spraying.

Three budgets, each kept in the ``login_throttle`` table so every instance enforces them:

- **per name** (case-insensitive): two free failures, then 1 s, 2 s, 4 s ... up to 15 min;
- **per source** (the client address the login route sees): ``source_free_failures`` free
  failures across any names, then the same growing delays: password spraying from one
  address stops there;
- **global**: at most ``global_failures_per_minute`` failed logins per minute for the whole
  installation, against spraying from many addresses.

An attempt is *charged before the password is checked* (:func:`reserve`): one atomic
statement per budget counts it unless that budget is blocked, and sets the next block in the
same transaction. A burst sent the moment a delay expires therefore gets one guess checked,
not all of them. A login that succeeds is refunded (the name's streak is cleared); one that
never ran (no verification slot) is refunded entirely.

Verification itself (argon2id, about 64 MiB and 170 ms each) runs under a per-process
semaphore of ``verify_slots``; a request that cannot get a slot within ``verify_wait`` is
told to retry instead of queueing, so a flood cannot exhaust memory or starve a real login.
"""

from __future__ import annotations

import functools
import math
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.orm import Session

from simulator.service.errors import LoginThrottled
from simulator.store import Database
from simulator.store import throttle as throttle_repo

SOURCE_PREFIX = "src:"
GLOBAL_PREFIX = "*:"
SOURCE_MAX = 60  # the column holds 64 characters; an IPv6 address with a zone fits


class Budgets(Protocol):
    """The fields of ``AuthSettings`` this module reads (read-only: the settings are frozen)."""

    @property
    def free_failures(self) -> int: ...
    @property
    def source_free_failures(self) -> int: ...
    @property
    def global_failures_per_minute(self) -> int: ...
    @property
    def max_delay(self) -> timedelta: ...
    @property
    def forget_failures_after(self) -> timedelta: ...
    @property
    def verify_slots(self) -> int: ...
    @property
    def verify_wait(self) -> timedelta: ...


@dataclass(frozen=True)
class Reservation:
    """The keys one attempt was charged to, to settle once the password was checked."""

    name: str
    source: str | None
    minute: str
    suspect: bool = False  # the source already failed in this streak: it gets the smaller share of slots


def delay_for(failures: int, free: int, cap: timedelta) -> timedelta:
    """2**(failures-free-1) s once ``free`` failures are used (1 s, 2 s, 4 s...), capped."""
    excess = failures - free - 1
    if excess < 0:
        return timedelta(0)
    return min(timedelta(seconds=2 ** min(excess, 40)), cap)


def source_key(source: str | None) -> str | None:
    if not source:
        return None
    return SOURCE_PREFIX + source.strip().lower()[:SOURCE_MAX]


# Blocks this process has seen, so a flood against a blocked key is refused without a
# database write (on SQLite every reservation is a commit behind the one write lock). The
# database stays the authority: a block set by another instance is found there.
_STRIPES = tuple(threading.Lock() for _ in range(64))


@contextmanager
def _stripes(keys: tuple[str | None, ...]) -> Iterator[None]:
    """Hold the in-process locks of these keys (a fixed set of stripes, taken in order)."""
    chosen = sorted({hash(key) % len(_STRIPES) for key in keys if key is not None})
    for index in chosen:
        _STRIPES[index].acquire()
    try:
        yield
    finally:
        for index in reversed(chosen):
            _STRIPES[index].release()


_known_blocks: weakref.WeakKeyDictionary[Database, dict[str, datetime]] = weakref.WeakKeyDictionary()
_known_guard = threading.Lock()
_KNOWN_MAX = 10_000


def _remember(key: str, until: datetime | None, db: Database) -> None:
    """Note (or forget) a block of ``key`` in ``db``; kept per Database object, so a new
    database (or a test's fresh one) never inherits another's blocks."""
    with _known_guard:
        known = _known_blocks.setdefault(db, {})
        if until is None:
            known.pop(key, None)
            return
        if len(known) >= _KNOWN_MAX:
            known.clear()
        known[key] = until


def _known_retry(keys: tuple[str | None, ...], now: datetime, db: Database) -> int | None:
    with _known_guard:
        known = _known_blocks.get(db, {})
        until = max((known[k] for k in keys if k is not None and k in known), default=None)
    if until is None or until <= now:
        return None
    return max(1, math.ceil((until - now).total_seconds()))


def reserve(db: Database, budgets: Budgets, name: str, source: str | None, now: datetime) -> Reservation:
    """Charge one attempt to the name, the source and the minute, or raise ``LoginThrottled``.

    Nothing is charged when any budget refuses (the transaction rolls back).
    """
    forget = now - budgets.forget_failures_after
    reservation = Reservation(name=name, source=source_key(source), minute=GLOBAL_PREFIX + now.strftime("%Y%m%d%H%M"))
    # Requests for the same name or source queue here, in this process, before the database:
    # once one of them has set a block, the rest are refused from memory instead of each
    # taking the database's write lock in turn ahead of everyone else's login.
    with _stripes((reservation.name, reservation.source)):
        known = _known_retry((reservation.name, reservation.source), now, db)
        if known is not None:
            raise LoginThrottled(known)
        _, suspect = _charge(db, budgets, reservation, now, forget)
    return Reservation(reservation.name, reservation.source, reservation.minute, suspect)


def _charge(db: Database, budgets: Budgets, reservation: Reservation, now: datetime,
            forget: datetime) -> tuple[list[tuple[str, datetime]], bool]:
    """The database part of :func:`reserve`: one transaction over the three budgets."""
    blocks: list[tuple[str, datetime]] = []
    suspect = False
    with db.transaction() as session:
        for key, free in ((reservation.name, budgets.free_failures), (reservation.source, budgets.source_free_failures)):
            if key is None:
                continue
            failures = throttle_repo.reserve(session, key, now, forget_before=forget)
            if failures is None:
                row = throttle_repo.get(session, key)
                until = row.blocked_until if row is not None and row.blocked_until is not None else now
                _remember(key, until, db)
                raise LoginThrottled(max(1, math.ceil((until - now).total_seconds())))
            if key == reservation.source and failures > 1:
                suspect = True
            delay = delay_for(failures, free, budgets.max_delay)
            if delay:
                throttle_repo.block_until(session, key, now + delay)
                blocks.append((key, now + delay))
        used = throttle_repo.reserve(session, reservation.minute, now, forget_before=now - timedelta(minutes=1))
        if used is not None and used > budgets.global_failures_per_minute:
            raise LoginThrottled(max(1, 60 - now.second))
    for key, until in blocks:  # committed: this process may now refuse them without asking
        _remember(key, until, db)
    return blocks, suspect


def settle_success(db: Database, reservation: Reservation, budgets: Budgets) -> None:
    """The password was right: the name's streak ends, the source and minute get their charge back."""
    _remember(reservation.name, None, db)
    if reservation.source is not None:
        _remember(reservation.source, None, db)
    with db.transaction() as session:
        throttle_repo.clear(session, reservation.name)
        _refund(session, reservation.source, budgets.source_free_failures, budgets)
        throttle_repo.refund(session, reservation.minute)


def release(db: Database, reservation: Reservation, budgets: Budgets) -> None:
    """The password was never checked (no slot): every charge is taken back."""
    _remember(reservation.name, None, db)
    if reservation.source is not None:
        _remember(reservation.source, None, db)
    with db.transaction() as session:
        for key, free in ((reservation.name, budgets.free_failures), (reservation.source, budgets.source_free_failures)):
            _refund(session, key, free, budgets)
        throttle_repo.refund(session, reservation.minute)


def _refund(session: Session, key: str | None, free: int, budgets: Budgets) -> None:
    """One charge back; the block shrinks to what the remaining streak earns."""
    if key is None:
        return
    left = throttle_repo.refund(session, key)
    row = throttle_repo.get(session, key)
    if row is not None and row.last_failure_at is not None:
        delay = delay_for(left, free, budgets.max_delay)
        throttle_repo.block_until(session, key, row.last_failure_at + delay if delay else None)


@functools.lru_cache(maxsize=16)
def _slots(size: int, kind: str) -> threading.BoundedSemaphore:
    return threading.BoundedSemaphore(size)


@contextmanager
def verification_slot(budgets: Budgets, *, suspect: bool = False) -> Iterator[None]:
    """Hold one of the process's ``verify_slots`` while a password is checked.

    ``LoginThrottled(1)`` when none frees up within ``verify_wait``: a flood is answered
    "busy, retry" at once instead of piling up 64 MiB argon2 buffers. Requests from a
    source that already failed in this streak (``suspect``) share all but one slot, so a
    flood from one address always leaves a slot for everyone else.
    """
    size = max(1, budgets.verify_slots)
    wait = budgets.verify_wait.total_seconds()
    gates = [_slots(max(1, size - 1), "suspect")] if suspect else []
    gates.append(_slots(size, "all"))
    held: list[threading.BoundedSemaphore] = []
    try:
        for gate in gates:
            if not gate.acquire(timeout=wait):
                raise LoginThrottled(1)
            held.append(gate)
        yield
    finally:
        for gate in reversed(held):
            gate.release()
