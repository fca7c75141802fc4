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

Verification itself (argon2id, about 64 MiB and 170 ms each) runs in one of the process's
``verify_slots`` (:class:`~simulator.service.login_slots.VerificationSlots`). A *clean*
attempt (neither its name nor its source has failed in the current streak, which is what a
real user's login looks like) may wait ``verify_wait`` for any slot, and one slot is kept
for clean attempts only. Every other attempt takes a slot only beside that reserve, with at
most ``verify_slots`` of them waiting; otherwise it is answered "busy, try again" at once,
before any database write when this process already knows its source or name has failed.
So a flood from one address piles up neither 64 MiB argon2 buffers nor threads, and a real
login is not queued behind it.
"""

from __future__ import annotations

import math
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.orm import Session

from simulator.service.errors import LoginBusy, LoginThrottled
from simulator.service.login_slots import KeyLocks, VerificationSlots, process_slots
from simulator.store import Database
from simulator.store import throttle as throttle_repo

SOURCE_PREFIX = "src:"
GLOBAL_PREFIX = "*:"
SOURCE_MAX = 60  # the column holds 64 characters; an IPv6 address with a zone fits
# Requests for one name or source that may queue in a process for its charge; more are
# "busy" at once. A charge is one short transaction, so a classroom behind one address
# logging in together drains quickly; a flood holds no more than this many threads.
KEY_WAITERS = 4


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
    # The name or the source already failed in this streak (the counts include attempts
    # still being checked): it never takes the reserved slot nor goes ahead of a clean one.
    suspect: bool = False


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


_key_locks = KeyLocks()


# Blocks this process has seen, so a flood against a blocked key is refused without a
# database write (on SQLite every reservation is a commit behind the one write lock). The
# database stays the authority: a block set by another instance is found there.
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


# Failure counts (as charged, with when) this process has seen per key, so requests from a
# source or for a name that already failed are answered "busy" from memory when no slot is
# free, instead of each writing a charge and a refund.
_known_counts: weakref.WeakKeyDictionary[Database, dict[str, tuple[int, datetime]]] = weakref.WeakKeyDictionary()


def _note_count(key: str | None, failures: int, now: datetime | None, db: Database) -> None:
    """Note the count of ``key``; ``now`` None (a refund) keeps the time of the last failure."""
    if key is None:
        return
    with _known_guard:
        counts = _known_counts.setdefault(db, {})
        previous = counts.pop(key, None)
        at = now if now is not None else previous[1] if previous is not None else None
        if failures <= 0 or at is None:
            return
        if len(counts) >= _KNOWN_MAX:
            counts.clear()
        counts[key] = (failures, at)


def _known_suspect(keys: tuple[str | None, ...], since: datetime, db: Database) -> bool:
    """Whether this process saw a failure of one of ``keys`` in the streak (after ``since``)."""
    with _known_guard:
        counts = _known_counts.get(db, {})
        seen = [counts[key] for key in keys if key is not None and key in counts]
    return any(failures > 0 and at >= since for failures, at in seen)


def _known_retry(keys: tuple[str | None, ...], now: datetime, db: Database) -> int | None:
    with _known_guard:
        known = _known_blocks.get(db, {})
        until = max((known[k] for k in keys if k is not None and k in known), default=None)
    if until is None or until <= now:
        return None
    return max(1, math.ceil((until - now).total_seconds()))


def reserve(db: Database, budgets: Budgets, name: str, source: str | None, now: datetime) -> Reservation:
    """Charge one attempt to the name, the source and the minute, or raise ``LoginThrottled``.

    Nothing is charged when any budget refuses (the transaction rolls back), nor when this
    process already knows the name or source failed and no verification slot is free, or
    more than ``KEY_WAITERS`` requests for the name or source are queued here
    (``LoginBusy``, without a database write).
    """
    forget = now - budgets.forget_failures_after
    reservation = Reservation(name=name, source=source_key(source), minute=GLOBAL_PREFIX + now.strftime("%Y%m%d%H%M"))
    keys = (reservation.name, reservation.source)
    _refuse_from_memory(db, budgets, keys, now, forget)
    # Requests for the same name or source queue here, in this process, before the database:
    # once one of them has set a block or failed, the rest are refused from memory instead
    # of each taking the database's write lock in turn ahead of everyone else's login.
    with _key_locks.hold(keys, max_waiting=KEY_WAITERS):
        _refuse_from_memory(db, budgets, keys, now, forget)
        suspect = _charge(db, budgets, reservation, now, forget)
    return Reservation(reservation.name, reservation.source, reservation.minute, suspect)


def _refuse_from_memory(db: Database, budgets: Budgets, keys: tuple[str | None, ...], now: datetime,
                        forget: datetime) -> None:
    """Refuse without the database what this process already knows: a block, or a suspect
    attempt that would get no verification slot anyway."""
    known = _known_retry(keys, now, db)
    if known is not None:
        raise LoginThrottled(known)
    if _known_suspect(keys, forget, db) and not slots_for(budgets).could_take(priority=False):
        raise LoginBusy()


def _charge(db: Database, budgets: Budgets, reservation: Reservation, now: datetime, forget: datetime) -> bool:
    """The database part of :func:`reserve`: one transaction over the three budgets.

    True when the name or the source had failed before this attempt (suspect)."""
    blocks: list[tuple[str, datetime]] = []
    counts: list[tuple[str, int]] = []
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
            counts.append((key, failures))
            suspect = suspect or failures > 1
            delay = delay_for(failures, free, budgets.max_delay)
            if delay:
                throttle_repo.block_until(session, key, now + delay)
                blocks.append((key, now + delay))
        used = throttle_repo.reserve(session, reservation.minute, now, forget_before=now - timedelta(minutes=1))
        if used is not None and used > budgets.global_failures_per_minute:
            raise LoginThrottled(max(1, 60 - now.second))
    for key, until in blocks:  # committed: this process may now refuse them without asking
        _remember(key, until, db)
    for key, failures in counts:
        _note_count(key, failures, now, db)
    return suspect


def settle_success(db: Database, reservation: Reservation, budgets: Budgets) -> None:
    """The password was right: the name's streak ends, the source and minute get their charge back."""
    _remember(reservation.name, None, db)
    _note_count(reservation.name, 0, None, db)
    if reservation.source is not None:
        _remember(reservation.source, None, db)
    with db.transaction() as session:
        throttle_repo.clear(session, reservation.name)
        left = _refund(session, reservation.source, budgets.source_free_failures, budgets)
        throttle_repo.refund(session, reservation.minute)
    _note_count(reservation.source, left, None, db)


def release(db: Database, reservation: Reservation, budgets: Budgets) -> None:
    """The password was never checked (no slot): every charge is taken back."""
    _remember(reservation.name, None, db)
    if reservation.source is not None:
        _remember(reservation.source, None, db)
    left: list[tuple[str | None, int]] = []
    with db.transaction() as session:
        for key, free in ((reservation.name, budgets.free_failures), (reservation.source, budgets.source_free_failures)):
            left.append((key, _refund(session, key, free, budgets)))
        throttle_repo.refund(session, reservation.minute)
    for key, failures in left:
        _note_count(key, failures, None, db)


def _refund(session: Session, key: str | None, free: int, budgets: Budgets) -> int:
    """One charge back; the block shrinks to what the remaining streak earns. The count left."""
    if key is None:
        return 0
    left = throttle_repo.refund(session, key)
    row = throttle_repo.get(session, key)
    if row is not None and row.last_failure_at is not None:
        delay = delay_for(left, free, budgets.max_delay)
        throttle_repo.block_until(session, key, row.last_failure_at + delay if delay else None)
    return left


def slots_for(budgets: Budgets) -> VerificationSlots:
    """The process-wide slots for this size (settings objects come and go; the slots stay)."""
    return process_slots(budgets.verify_slots)


@contextmanager
def verification_slot(budgets: Budgets, *, suspect: bool = False) -> Iterator[None]:
    """Hold one of the process's ``verify_slots`` while a password is checked.

    ``LoginBusy`` ("try again shortly", a ``LoginThrottled``) when none is granted: a clean attempt waits up
    to ``verify_wait`` for one; a ``suspect`` one (its name or source already failed in this
    streak) gets one only beside the reserve kept for clean attempts (:class:`VerificationSlots`).
    """
    pool = slots_for(budgets)
    if not pool.acquire(priority=not suspect, wait=budgets.verify_wait.total_seconds()):
        raise LoginBusy()
    try:
        yield
    finally:
        pool.release()
