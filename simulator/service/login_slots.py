"""The in-process side of login throttling: who may run argon2 now, and per-key queues.

The budgets themselves live in the database (:mod:`simulator.service.login_guard`); these
two primitives decide what one process does while a flood is on: how many password checks
run at once and which attempts may wait for one (:class:`VerificationSlots`), and a lock per
name or source so requests for the same key meet in memory before the database
(:class:`KeyLocks`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from simulator.service.errors import LoginBusy


class VerificationSlots:
    """The process's password checks at once, with one slot kept for clean attempts.

    A clean attempt (``priority``) takes any free slot, or waits for one up to its time
    limit, ahead of waiting suspect attempts. A suspect attempt takes a slot only while the
    reserve stays free and no clean attempt is waiting; at most ``size`` of them wait, the
    rest are refused at once, so a flood holds neither argon2 buffers nor threads. With one
    slot there is no reserve: suspect attempts then only take it when it is free.
    """

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self.reserve = 1 if self.size >= 2 else 0
        self._in_use = 0
        self._waiting = {True: 0, False: 0}
        self._changed = threading.Condition()

    def _free(self, priority: bool) -> bool:
        if priority:
            return self._in_use < self.size
        return self._in_use < self.size - self.reserve and self._waiting[True] == 0

    def could_take(self, *, priority: bool) -> bool:
        """Whether an attempt would get a slot or a place in the queue now (a hint: no slot is held)."""
        with self._changed:
            return self._free(priority) or priority or self._waiting[False] < self.size

    def waiting(self, *, priority: bool) -> int:
        """How many attempts of this kind wait for a slot now."""
        with self._changed:
            return self._waiting[priority]

    def acquire(self, *, priority: bool, wait: float) -> bool:
        """Take a slot (True), waiting at most ``wait`` seconds where the kind may wait at all."""
        deadline = time.monotonic() + wait
        with self._changed:
            if not self._free(priority):
                if not priority and self._waiting[False] >= self.size:
                    return False
                self._waiting[priority] += 1
                try:
                    while not self._free(priority):
                        left = deadline - time.monotonic()
                        if left <= 0:
                            return False
                        self._changed.wait(left)
                finally:
                    self._waiting[priority] -= 1
                    self._changed.notify_all()  # a clean waiter leaving may free suspects' turn
            self._in_use += 1
            return True

    def release(self) -> None:
        with self._changed:
            self._in_use -= 1
            self._changed.notify_all()


_pools: dict[int, VerificationSlots] = {}
_pools_guard = threading.Lock()


def process_slots(size: int) -> VerificationSlots:
    """The process-wide slots of this size (settings objects come and go; the slots stay)."""
    size = max(1, size)
    with _pools_guard:
        pool = _pools.get(size)
        if pool is None:
            pool = _pools[size] = VerificationSlots(size)
        return pool


class KeyLocks:
    """One lock per key in use (not hash stripes: with stripes, 80 fresh names from one
    address held nearly every stripe while queueing for their shared source, and a real
    user's name landed behind the whole flood; the profile showed 0.4-1.6 s lost there)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, tuple[threading.Lock, int]] = {}

    def __len__(self) -> int:
        """Keys held or waited for now (a key nobody uses is forgotten: fresh names never pile up)."""
        with self._guard:
            return len(self._locks)

    @contextmanager
    def hold(self, keys: tuple[str | None, ...], *, max_waiting: int | None = None) -> Iterator[None]:
        """Hold the locks of ``keys``; ``LoginBusy`` at once when more than ``max_waiting``
        requests already hold or wait for one of them (a flood from one address then costs
        one thread per waiter, not one per request: each waiter is a thread of the server's
        pool, and 79 of them handing one lock on took 1.5-2 s from a real login's request)."""
        chosen = sorted({key for key in keys if key is not None})  # one order: no deadlock
        taken: list[str] = []
        try:
            for key in chosen:
                with self._guard:
                    lock, users = self._locks.get(key) or (threading.Lock(), 0)
                    if max_waiting is not None and users > max_waiting:
                        raise LoginBusy()
                    self._locks[key] = (lock, users + 1)
                taken.append(key)
                lock.acquire()
            yield
        finally:
            for key in reversed(taken):
                with self._guard:
                    lock, users = self._locks[key]
                    if users <= 1:
                        del self._locks[key]
                    else:
                        self._locks[key] = (lock, users - 1)
                lock.release()
