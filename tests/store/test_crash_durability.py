"""Crash durability: a process playing attempts is killed with SIGKILL at random moments.

Why: nothing a trainee typed may be lost. A turn is acknowledged to the trainee only after
its transaction committed, so whatever instant the server dies at, every acknowledged
turn must be in the database afterwards, the attempt must resume from the stored state,
and (SQLite) the file must pass ``PRAGMA integrity_check``.

Each life is a process forked from a pre-imported helper (this file run as a script): it
plays golden-transcript replies through ``simulator.service.practice`` back to back
(about 5 ms a turn, so kills land inside transactions and commits too) and writes
``ACK <attempt> <index>`` after each ``reply()`` returned. Each life starts by resuming
the user's active attempt, so every life is itself a resume test; at the end the test
sends one more reply itself. ``pytest -s`` prints the tally.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SQLITE_KILLS = 20
PG_KILLS = 20
TIME_BUDGET_S = 60.0


# --- the child ----------------------------------------------------------------------------
#
# Starting Python and importing the engine costs 1-2 s, which 20 lives cannot afford. A
# "zygote" process (this file run as a script) imports everything once, single-threaded
# and without any database connection, then forks one child per life on request. Each
# child is a real process with its own engine and connections, killed with a real SIGKILL.


def _zygote(url: str, user_id: int) -> None:  # pragma: no cover - runs in a subprocess
    from simulator.content.errors import ContentError
    from simulator.content.library import get_library
    from simulator.content.transcript import load_transcripts
    from simulator.service import practice  # noqa: F401 - imported before forking
    from simulator.store import Database  # noqa: F401

    scripts: dict[str, list[str]] = {}
    from simulator.runtime import prepare_process

    prepare_process()  # as a serving process does: content, detectors and routing indexes loaded
    for sid in sorted(get_library().scenarios):
        try:  # a scenario being written may not have its golden transcripts yet
            scripts[sid] = list(load_transcripts(sid).good.replies)
        except ContentError:
            continue
    print("READY", flush=True)
    for command in sys.stdin:
        verb, _, argument = command.strip().partition(" ")
        if verb == "life":
            pid = os.fork()
            if pid == 0:
                try:
                    _life(url, user_id, scripts, argument)
                finally:
                    os._exit(3)
            print(pid, flush=True)
        elif verb == "wait":
            _, status = os.waitpid(int(argument), 0)
            print(os.waitstatus_to_exitcode(status), flush=True)
        else:
            return


def _life(url: str, user_id: int, scripts: dict[str, list[str]], log_path: str) -> None:  # pragma: no cover
    """Play back to back, writing ``ACK attempt index`` after each reply() returned."""
    from simulator.service import practice
    from simulator.service.errors import AttemptFinished
    from simulator.service.auth import Principal
    from simulator.store import Database

    out = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def say(line: str) -> None:
        os.write(out, (line + "\n").encode())  # one write(2): a line is whole or absent

    db = Database(url)
    me = Principal(user_id=user_id, username="crash-trainee", role="trainee", locale="fi", display_name="Crash")
    order = sorted(scripts)
    rng = random.Random(os.getpid())
    say("READY")
    while True:
        attempt = practice.latest_active_attempt(db, me)
        if attempt is None:
            attempt = practice.start_attempt(db, me, order[rng.randrange(len(order))], seed=rng.randrange(1000))
            say(f"START {attempt.id}")
        replies = scripts.get(attempt.scenario_id, [])
        index = len(attempt.turns)
        if index >= len(replies):
            practice.end_attempt(db, me, attempt.id)
            say(f"END {attempt.id}")
            continue
        try:
            turn = practice.reply(db, me, attempt.id, replies[index], expected_index=index)
        except AttemptFinished:
            say(f"CLOSED {attempt.id}")
            continue
        say(f"ACK {attempt.id} {turn.index}")


# --- the test -----------------------------------------------------------------------------


def _make_trainee(url: str) -> int:
    from simulator.service.auth import SYSTEM
    from simulator.service.users import create_user
    from simulator.store import Database

    db = Database(url)
    try:
        return create_user(db, SYSTEM, "crash-trainee", "crash-password-1", "trainee").id
    finally:
        db.dispose()


class Zygote:
    """The forking helper process, driven over its stdin/stdout."""

    def __init__(self, url: str, user_id: int) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO), "KOHTAAMO_ARGON2_FAST": "1"}
        self.process = subprocess.Popen(
            [sys.executable, __file__, url, str(user_id)],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        if self._read() != "READY":
            self.close()
            pytest.fail(f"the zygote did not start:\n{self.process.stderr.read()[-2000:] if self.process.stderr else ''}")

    def _read(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def _send(self, line: str) -> str:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return self._read()

    def life(self, log_path: Path) -> int:
        return int(self._send(f"life {log_path}"))

    def wait(self, pid: int) -> int:
        return int(self._send(f"wait {pid}"))

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self._send("quit")
            except (BrokenPipeError, ValueError):
                pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def _one_life(zygote: Zygote, log_path: Path, rng: random.Random) -> list[tuple[int, int]]:
    """Fork a child, let it play for a random moment, SIGKILL it; its acknowledgements."""
    pid = zygote.life(log_path)
    deadline = time.monotonic() + 20
    while not (log_path.exists() and log_path.read_text().startswith("READY")):  # connected and playing
        assert time.monotonic() < deadline, "the child never started playing"
        time.sleep(0.005)
    time.sleep(rng.uniform(0.0, 0.5))
    os.kill(pid, signal.SIGKILL)
    status = zygote.wait(pid)
    text = log_path.read_text()
    assert status == -signal.SIGKILL, f"child ended on its own ({status}): {text[-500:]}"
    acks = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "ACK":
            acks.append((int(parts[1]), int(parts[2])))
    return acks


def _stored(url: str) -> tuple[set[tuple[int, int]], dict[int, tuple[str, int, int]]]:
    """Every (attempt, index) turn row; per attempt (status, turn rows, turns in the state JSON)."""
    from sqlalchemy import func, select

    from simulator.store import Database
    from simulator.store.models import Attempt, Turn

    db = Database(url)
    try:
        with db.read() as session:
            turns = set((tuple(row) for row in session.execute(select(Turn.attempt_id, Turn.index))))
            counts = {a: n for a, n in session.execute(select(Turn.attempt_id, func.count()).group_by(Turn.attempt_id))}
            attempts = {
                a.id: (a.status, counts.get(a.id, 0), len((a.state or {}).get("turns") or []))
                for a in session.scalars(select(Attempt))
            }
        return turns, attempts
    finally:
        db.dispose()


def _crash_many(url: str, kills: int, tmp_path: Path) -> None:
    user_id = _make_trainee(url)
    rng = random.Random(20240606)
    acknowledged: list[tuple[int, int]] = []
    began = time.monotonic()
    zygote = Zygote(url, user_id)
    try:
        for life in range(kills):
            acknowledged.extend(_one_life(zygote, tmp_path / f"life-{life}.log", rng))
            assert time.monotonic() - began < TIME_BUDGET_S, "crash test over its time budget"
    finally:
        zygote.close()

    assert len(acknowledged) > kills, "the child hardly played; the kills tested nothing"
    elapsed = time.monotonic() - began
    assert len(set(acknowledged)) == len(acknowledged), "an (attempt, index) was acknowledged twice"
    turns, attempts = _stored(url)
    missing = sorted(set(acknowledged) - turns)
    assert not missing, f"acknowledged turns missing after SIGKILL: {missing[:10]}"
    for attempt_id, (status, rows, in_state) in attempts.items():
        assert rows == in_state, f"attempt {attempt_id}: {rows} turn rows but {in_state} turns in its state"
        indexes = sorted(i for a, i in turns if a == attempt_id)
        assert indexes == list(range(rows)), f"attempt {attempt_id}: turn indexes {indexes} have gaps"

    unacked = len(turns) - len(set(acknowledged))
    print(
        f"\n{kills} SIGKILLs in {elapsed:.1f} s: {len(acknowledged)} turns acknowledged, all stored; "
        f"{unacked} stored but killed before acknowledging; {len(attempts)} attempts consistent"
    )
    # The attempt the last life was in resumes: the next reply continues from the stored state.
    from simulator.service import _attempts, practice
    from simulator.service.auth import Principal
    from simulator.store import Database

    db = Database(url)
    try:
        me = Principal(user_id=user_id, username="crash-trainee", role="trainee", locale="fi", display_name="Crash")
        attempt = practice.latest_active_attempt(db, me)
        if attempt is None:  # killed right after an END: start one, which must also work
            attempt = practice.start_attempt(db, me, sorted(_attempts.library().scenarios)[0], seed=1)
        before = len(attempt.turns)
        turn = practice.reply(db, me, attempt.id, "Kerro lisää, kuuntelen.", expected_index=before)
        assert turn.index == before
        again = practice.get_attempt(db, me, attempt.id)
        assert len(again.turns) == before + 1
        assert [t.reply for t in again.turns[:before]] == [t.reply for t in attempt.turns]
    finally:
        db.dispose()


@pytest.mark.slow
def test_sigkill_sqlite_keeps_every_acknowledged_turn(tmp_path: Path, sqlite_template: Path) -> None:
    import shutil
    import sqlite3

    path = tmp_path / "crash.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    _crash_many(url, SQLITE_KILLS, tmp_path)
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        connection.close()


@pytest.mark.slow
@pytest.mark.postgres
def test_sigkill_postgresql_keeps_every_acknowledged_turn(pg_new_database: Callable[[], str], tmp_path: Path) -> None:
    from simulator.store.migrate import upgrade

    url = pg_new_database()
    upgrade(url)
    _crash_many(url, PG_KILLS, tmp_path)


if __name__ == "__main__":  # pragma: no cover
    _zygote(sys.argv[1], int(sys.argv[2]))
