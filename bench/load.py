"""Benchmark: N concurrent trainees playing whole scenarios through the service layer.

Why: a national rollout means hundreds of trainees typing at once, and nothing a trainee
typed may be lost. This drives ``simulator.service.practice`` (start, reply, end: one
transaction per turn) from N threads against a real database, with a think time between
replies like a person reading the client's answer, and then counts the rows to prove
that every acknowledged turn is stored exactly once.

Run by hand::

    .venv/bin/python bench/load.py                          # N=200, SQLite file, 60 s
    .venv/bin/python bench/load.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
    .venv/bin/python bench/load.py --no-think               # saturation throughput
    .venv/bin/python bench/load.py --find-max               # largest N with p95 <= 50 ms
    .venv/bin/python bench/load.py --engine-noop            # the same load with the engine step a no-op

Budgets (this 2-core machine, SQLite and PostgreSQL): at N = 200 with 1-3 s think time,
p95 <= 50 ms per turn, 0 lost, 0 duplicated, 0 "database is locked".

Verification is by counting: each trainee keeps its own count of acknowledged replies
per attempt (a reply is acknowledged when ``practice.reply`` returned); afterwards the
``turns`` rows of those attempts are counted. ``lost`` = acknowledged but not stored,
``duplicated`` = stored more than once (same attempt and index) or more rows than were
acknowledged, ``unacknowledged stored`` = rows for replies whose call raised.
Argon2 is not part of a turn, so users are created with cheap parameters
(``KOHTAAMO_ARGON2_FAST=1``).

Where the time goes: besides latency the run prints the work done per turn, which other
load on the machine does not change: this process's CPU per turn (the GIL makes it one
core's worth at most), the database server's CPU per turn when the server runs on this
machine (every PostgreSQL process, read from ``/proc``; other users of the server count
too), and the connections opened. ``--engine-noop`` replaces the engine step
(``Simulation.reply``) with one that records a bare turn, so the database's own cost is
seen apart from the CPU the engine takes from the same cores.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("KOHTAAMO_ARGON2_FAST", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, func, select  # noqa: E402

from simulator.content.errors import ContentError  # noqa: E402
from simulator.content.library import get_library  # noqa: E402
from simulator.runtime import prepare_process  # noqa: E402
from simulator.content.transcript import load_transcripts  # noqa: E402
from simulator.service import practice  # noqa: E402
from simulator.service.auth import SYSTEM, Principal  # noqa: E402
from simulator.service.errors import AttemptFinished, ServiceError  # noqa: E402
from simulator.service.users import create_user  # noqa: E402
from simulator.store import Database  # noqa: E402
from simulator.store.migrate import upgrade  # noqa: E402
from simulator.store.models import Attempt, Turn  # noqa: E402
from simulator.engine.state import SessionState, TurnRecord  # noqa: E402
from simulator.session.simulation import Simulation  # noqa: E402

BUDGET_N = 200
BUDGET_P95_MS = 50.0
TRANSCRIPT_KINDS = ("good", "poor", "skipped_guidance")


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (the same definition as bench/turn.py)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


@dataclass
class TraineeResult:
    """What one simulated trainee saw: its own acknowledgements are the ground truth."""

    acknowledged: Counter[int] = field(default_factory=Counter)  # attempt id -> replies acknowledged
    failed: Counter[int] = field(default_factory=Counter)  # attempt id -> replies whose call raised
    latencies_ms: list[float] = field(default_factory=list)
    start_ms: list[float] = field(default_factory=list)
    end_ms: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    locked: int = 0
    attempts_finished: int = 0


@dataclass
class RunResult:
    n: int
    processes: int
    think: tuple[float, float]
    duration_s: float
    backend: str
    turns: int
    turns_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    start_p95_ms: float
    end_p95_ms: float
    attempts: int
    attempts_finished: int
    lost: int
    duplicated: int
    unacknowledged_stored: int
    state_mismatch: int
    locked: int
    errors: dict[str, int]
    load_average: float = 0.0  # the machine's 1-minute load at the end: others' work skews figures
    client_cpu_ms: float = float("nan")  # this process's CPU per acknowledged turn (all its threads)
    server_cpu_ms: float = float("nan")  # the local database server's CPU per turn (PostgreSQL on this host)
    connections: int = 0  # database connections opened during the run

    @property
    def holds(self) -> bool:
        return (
            self.p95_ms <= BUDGET_P95_MS
            and self.lost == 0
            and self.duplicated == 0
            and self.locked == 0
            and not self.errors
        )


def load_scripts() -> list[tuple[str, str, list[str]]]:
    """(scenario id, transcript kind, replies) for every golden transcript."""
    scripts = []
    for scenario_id in sorted(get_library().scenarios):
        try:  # a scenario being written may not have its golden transcripts yet
            transcripts = load_transcripts(scenario_id)
        except ContentError:
            continue
        for kind in TRANSCRIPT_KINDS:
            scripts.append((scenario_id, kind, list(getattr(transcripts, kind).replies)))
    if not scripts:
        raise SystemExit("no scenarios with golden transcripts to replay")
    return scripts


def make_trainees(db: Database, n: int, tag: str) -> list[Principal]:
    """N trainee accounts (cheap argon2id; hashing is not part of a turn)."""
    principals = []
    for i in range(n):
        info = create_user(db, SYSTEM, f"load-{tag}-{i:05d}", "load-password-1", "trainee")
        principals.append(
            Principal(user_id=info.id, username=info.username, role="trainee", locale="fi", display_name=info.username)
        )
    return principals


def warm_up(db: Database, principal: Principal, scripts: list[tuple[str, str, list[str]]]) -> None:
    """Play each scenario once so lazy loads are not timed, then get ready as an app
    instance does (``prepare_process``; forked workers inherit it)."""
    for scenario_id in sorted({s for s, _, _ in scripts}):
        replies = next(r for s, _, r in scripts if s == scenario_id)
        attempt = practice.start_attempt(db, principal, scenario_id, seed=0)
        for index, text in enumerate(replies[:3]):
            practice.reply(db, principal, attempt.id, text, expected_index=index)
        practice.end_attempt(db, principal, attempt.id)
    prepare_process()


def is_locked_error(exc: BaseException) -> bool:
    return "database is locked" in str(exc).lower() or "database is busy" in str(exc).lower()


def trainee_loop(
    db: Database,
    principal: Principal,
    scripts: list[tuple[str, str, list[str]]],
    think: tuple[float, float],
    deadline: float,
    stop: threading.Event,
    rng: random.Random,
    result: TraineeResult,
) -> None:
    """Play whole scenarios one after another until the deadline; every call is timed."""

    def pause() -> bool:
        low, high = think
        if high <= 0:
            return not stop.is_set() and time.perf_counter() < deadline
        delay = rng.uniform(low, high)
        if time.perf_counter() + delay >= deadline:
            stop.wait(max(0.0, deadline - time.perf_counter()))
            return False
        return not stop.wait(delay)

    def record_error(exc: BaseException) -> None:
        name = type(exc).__name__
        if is_locked_error(exc):
            result.locked += 1
            name = "database is locked"
        result.errors[name] += 1

    if think[1] > 0:  # spread the first replies over the think window
        if stop.wait(rng.uniform(0, think[1])):
            return
    while not stop.is_set() and time.perf_counter() < deadline:
        scenario_id, _kind, replies = scripts[rng.randrange(len(scripts))]
        started = time.perf_counter()
        try:
            attempt = practice.start_attempt(db, principal, scenario_id, seed=rng.randrange(2**31))
        except Exception as exc:  # noqa: BLE001 - every failure is counted, none hidden
            record_error(exc)
            if not pause():
                return
            continue
        result.start_ms.append((time.perf_counter() - started) * 1000)
        result.acknowledged[attempt.id] += 0
        index = 0
        closed = False
        for text in replies:
            if not pause():
                return
            started = time.perf_counter()
            try:
                practice.reply(db, principal, attempt.id, text, expected_index=index)
            except AttemptFinished:
                closed = True
                break
            except Exception as exc:  # noqa: BLE001
                result.failed[attempt.id] += 1
                record_error(exc)
                break  # the page would reload the attempt; start a new one
            result.latencies_ms.append((time.perf_counter() - started) * 1000)
            result.acknowledged[attempt.id] += 1
            index += 1
        if not pause():
            return
        started = time.perf_counter()
        try:
            practice.end_attempt(db, principal, attempt.id)
            result.end_ms.append((time.perf_counter() - started) * 1000)
            result.attempts_finished += 1
        except ServiceError as exc:
            if not closed:
                record_error(exc)
        except Exception as exc:  # noqa: BLE001
            record_error(exc)


def verify(db: Database, results: list[TraineeResult]) -> tuple[int, int, int, int]:
    """Count stored turns of every attempt the trainees made: (lost, duplicated, unacked, state mismatch)."""
    acknowledged: Counter[int] = Counter()
    failed: Counter[int] = Counter()
    for result in results:
        acknowledged.update(result.acknowledged)
        for attempt_id in result.acknowledged:
            acknowledged[attempt_id] += 0
        failed.update(result.failed)
    ids = sorted(acknowledged)
    stored: dict[int, tuple[int, int]] = {}
    state_turns: dict[int, int] = {}
    with db.read() as session:
        for chunk_start in range(0, len(ids), 500):
            chunk = ids[chunk_start : chunk_start + 500]
            rows = session.execute(
                select(Turn.attempt_id, func.count(), func.count(func.distinct(Turn.index)))
                .where(Turn.attempt_id.in_(chunk))
                .group_by(Turn.attempt_id)
            ).all()
            stored.update({attempt_id: (total, distinct) for attempt_id, total, distinct in rows})
            for attempt_id, state in session.execute(select(Attempt.id, Attempt.state).where(Attempt.id.in_(chunk))):
                state_turns[attempt_id] = len((state or {}).get("turns") or [])
    lost = duplicated = unacked = mismatch = 0
    for attempt_id in ids:
        total, distinct = stored.get(attempt_id, (0, 0))
        acked = acknowledged[attempt_id]
        duplicated += total - distinct
        if distinct < acked:
            lost += acked - distinct
        elif distinct > acked:
            extra = distinct - acked
            allowed = failed.get(attempt_id, 0)  # a call that raised may still have committed
            unacked += min(extra, allowed)
            duplicated += max(0, extra - allowed)
        if state_turns.get(attempt_id, -1) != total:
            mismatch += 1
    return lost, duplicated, unacked, mismatch


def play(
    db: Database,
    principals: list[Principal],
    scripts: list[tuple[str, str, list[str]]],
    think: tuple[float, float],
    deadline_wall: float,
    seeds: list[int],
) -> list[TraineeResult]:
    """One thread per trainee until the wall-clock deadline (shared by every process)."""
    results = [TraineeResult() for _ in principals]
    stop = threading.Event()
    deadline = time.perf_counter() + (deadline_wall - time.time())
    threads = [
        threading.Thread(
            target=trainee_loop,
            args=(db, principal, scripts, think, deadline, stop, random.Random(seeds[i]), results[i]),
            name=f"trainee-{i}",
            daemon=True,
        )
        for i, principal in enumerate(principals)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.1, deadline + 60 - time.perf_counter()))
    if any(t.is_alive() for t in threads):
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    return results


def _process_main(
    url: str,
    principals: list[Principal],
    scripts: list[tuple[str, str, list[str]]],
    think: tuple[float, float],
    deadline_wall: float,
    seeds: list[int],
    queue: Any,
) -> None:
    """A worker process (an "instance"): its own engine and pool, its own GIL."""
    db = Database(url)
    try:
        queue.put(play(db, principals, scripts, think, deadline_wall, seeds))
    finally:
        db.dispose()


def _postgres_cpu_s() -> float | None:
    """CPU seconds of every PostgreSQL process on this machine, including exited backends.

    The postmaster's own time plus its reaped children's (``cutime``/``cstime``) plus its
    live children's: the difference over a run is what the server spent, even though
    backends come and go. None when no local server is visible (another host, no /proc).
    """
    ticks = os.sysconf("SC_CLK_TCK")
    proc = Path("/proc")
    try:
        for entry in proc.iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if (entry / "comm").read_text().strip() != "postgres":
                    continue
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[1] != "1" and fields[1] != "0":  # ppid: the postmaster is a child of init
                continue
            total = sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
            children = (entry / "task" / entry.name / "children").read_text().split()
            for child in children:
                try:
                    child_fields = (proc / child / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                total += int(child_fields[11]) + int(child_fields[12])
            return total / ticks
    except OSError:
        return None
    return None


def _noop_reply(self: Simulation, text: str, hint_used: bool = False) -> TurnRecord:
    """The engine step as a no-op (``--engine-noop``): a bare turn, so that the run measures
    the service and the database without the engine's CPU."""
    state: SessionState = self.state
    turn = TurnRecord(
        index=len(state.turns), reply=text, stage=state.stage, stage_after=state.stage,
        signals=[], findings=[], reply_score=0.0, trust_before=state.trust, trust_after=state.trust,
        client_line_id=state.used_lines[-1], client_line="...", hint_used=hint_used,
    )
    state.turns.append(turn)
    return turn


def run(
    db: Database,
    n: int,
    duration: float,
    think: tuple[float, float],
    scripts: list[tuple[str, str, list[str]]],
    seed: int,
    tag: str,
    processes: int = 1,
) -> RunResult:
    """One load level: N trainee threads (spread over ``processes``) for ``duration`` s, then the count."""
    principals = make_trainees(db, n, tag)
    seeds = [seed * 100_003 + i for i in range(n)]
    connections = [0]

    def count_connection(*_args: Any) -> None:
        connections[0] += 1

    event.listen(db.sql_engine, "connect", count_connection)
    local_server = db.sql_engine.dialect.name == "postgresql" and db.sql_engine.url.host in ("127.0.0.1", "localhost", None)
    server_before = _postgres_cpu_s() if local_server else None
    cpu_before = time.process_time()
    started = time.perf_counter()
    deadline_wall = time.time() + duration
    if processes <= 1:
        results = play(db, principals, scripts, think, deadline_wall, seeds)
    else:
        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        groups = [list(range(p, n, processes)) for p in range(processes)]
        workers = [
            context.Process(
                target=_process_main,
                args=(db.url, [principals[i] for i in g], scripts, think, deadline_wall, [seeds[i] for i in g], queue),
                daemon=True,
            )
            for g in groups
        ]
        db.dispose()  # no pooled connection crosses the fork
        for worker in workers:
            worker.start()
        results = []
        for _ in workers:
            results.extend(queue.get(timeout=duration + 120))
        for worker in workers:
            worker.join(timeout=30)
    elapsed = time.perf_counter() - started
    client_cpu = time.process_time() - cpu_before  # forked workers: only the parent's share
    server_after = _postgres_cpu_s() if server_before is not None else None
    event.remove(db.sql_engine, "connect", count_connection)
    latencies = [x for r in results for x in r.latencies_ms]
    lost, duplicated, unacked, mismatch = verify(db, results)
    errors: Counter[str] = Counter()
    for result in results:
        errors.update(result.errors)
    return RunResult(
        n=n,
        processes=processes,
        think=think,
        duration_s=elapsed,
        backend=db.sql_engine.dialect.name,
        turns=len(latencies),
        turns_per_s=len(latencies) / elapsed if elapsed else 0.0,
        p50_ms=statistics.median(latencies) if latencies else float("nan"),
        p95_ms=percentile(latencies, 0.95),
        p99_ms=percentile(latencies, 0.99),
        max_ms=max(latencies) if latencies else float("nan"),
        start_p95_ms=percentile([x for r in results for x in r.start_ms], 0.95),
        end_p95_ms=percentile([x for r in results for x in r.end_ms], 0.95),
        attempts=sum(len(r.acknowledged) for r in results),
        attempts_finished=sum(r.attempts_finished for r in results),
        lost=lost,
        duplicated=duplicated,
        unacknowledged_stored=unacked,
        state_mismatch=mismatch,
        locked=sum(r.locked for r in results),
        errors=dict(errors),
        load_average=os.getloadavg()[0],
        client_cpu_ms=1000 * client_cpu / len(latencies) if latencies and processes <= 1 else float("nan"),
        server_cpu_ms=(
            1000 * (server_after - server_before) / len(latencies)
            if latencies and server_before is not None and server_after is not None
            else float("nan")
        ),
        connections=connections[0],
    )


def report(result: RunResult, *, budgets: bool = True) -> None:
    think = "no think time" if result.think[1] <= 0 else f"think {result.think[0]:g}-{result.think[1]:g} s"
    where = "one process" if result.processes <= 1 else f"{result.processes} processes"
    print(
        f"\n{result.backend}: N = {result.n} trainees in {where}, {think}, {result.duration_s:.1f} s "
        f"(load average {result.load_average:.1f} on {os.cpu_count()} cores)"
    )
    print(f"  {'figure':<28}{'measured':>14}{'budget':>14}")

    def line(name: str, value: str, budget: str = "", ok: bool | None = None) -> None:
        verdict = "" if ok is None else ("  OK" if ok else "  OVER")
        print(f"  {name:<28}{value:>14}{budget:>14}{verdict}")

    at_budget_n = budgets and result.n == BUDGET_N and result.think[1] > 0
    line("turns", f"{result.turns}")
    line("turns per second", f"{result.turns_per_s:.1f}")
    line("p50 per turn", f"{result.p50_ms:.1f} ms")
    line(
        "p95 per turn",
        f"{result.p95_ms:.1f} ms",
        f"<= {BUDGET_P95_MS:g} ms" if at_budget_n else "",
        (result.p95_ms <= BUDGET_P95_MS) if at_budget_n else None,
    )
    line("p99 / max per turn", f"{result.p99_ms:.0f} / {result.max_ms:.0f} ms")
    line("p95 start / end attempt", f"{result.start_p95_ms:.1f} / {result.end_p95_ms:.1f} ms")
    # per turn, the start and end calls' share included: work done, which others' load does not change
    line("client CPU per turn", f"{result.client_cpu_ms:.1f} ms")
    if result.server_cpu_ms == result.server_cpu_ms:  # not NaN: a local PostgreSQL
        line("server CPU per turn", f"{result.server_cpu_ms:.1f} ms")
    line("connections opened", str(result.connections))
    line("attempts (finished)", f"{result.attempts} ({result.attempts_finished})")
    line("lost turns", str(result.lost), "0", result.lost == 0)
    line("duplicated turns", str(result.duplicated), "0", result.duplicated == 0)
    line('"database is locked"', str(result.locked), "0", result.locked == 0)
    line("state/turn-row mismatches", str(result.state_mismatch), "0", result.state_mismatch == 0)
    if result.unacknowledged_stored:
        line("stored, call raised", str(result.unacknowledged_stored))
    if result.errors:
        print(f"  errors: {result.errors}")


def open_database(url: str | None, keep: bool) -> tuple[Database, str]:
    if url is None:
        directory = Path(tempfile.mkdtemp(prefix="kohtaamo-load-"))
        url = f"sqlite:///{directory / 'load.db'}"
        if not keep:
            print(f"SQLite file {directory / 'load.db'} (removed at the end; --keep to keep it)")
    upgrade(url)
    db = Database(url)
    if db.sql_engine.dialect.name == "postgresql":
        vacuum(db)
    return db, url


def vacuum(db: Database) -> None:
    """Clean up the dead rows earlier runs left (every turn rewrites its attempt's row).

    Autovacuum does this on a normal server; on one where it is off (this machine's: a
    reused bench database held 95,604 dead attempt rows beside 13,455 live ones, 755 MB
    after 20 runs) every run would start slower than the last.
    """
    with db.sql_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        autovacuum = connection.exec_driver_sql("SHOW autovacuum").scalar()
        started = time.perf_counter()
        connection.exec_driver_sql("VACUUM (ANALYZE) attempts, turns")
        print(f"VACUUM (ANALYZE) attempts, turns: {time.perf_counter() - started:.1f} s (server autovacuum {autovacuum})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--trainees", type=int, default=BUDGET_N, help="concurrent trainees (threads)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per load level")
    parser.add_argument("--think-min", type=float, default=1.0)
    parser.add_argument("--think-max", type=float, default=3.0)
    parser.add_argument("--no-think", action="store_true", help="back-to-back replies: saturation throughput")
    parser.add_argument(
        "--levels", default=None, help="comma-separated N to step through (--no-think: 1,2,4,8,16,32)"
    )
    parser.add_argument("--find-max", action="store_true", help="step N up; report the largest N with p95 <= 50 ms")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file in a temp dir")
    parser.add_argument("--keep", action="store_true", help="keep the temporary SQLite file")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--engine-noop", action="store_true",
        help="replace the engine step with a no-op: the database's cost apart from the engine's CPU",
    )
    parser.add_argument(
        "--processes", type=int, default=1,
        help="spread the trainees over this many processes (app instances; Python's GIL caps one process)",
    )
    args = parser.parse_args(argv)

    if args.engine_noop:
        Simulation.reply = _noop_reply  # type: ignore[method-assign]
        print("engine step replaced by a no-op (--engine-noop): database and service cost only")
    db, url = open_database(args.database_url, args.keep)
    scripts = load_scripts()
    tag = uuid.uuid4().hex[:6]
    warm_up(db, make_trainees(db, 1, f"{tag}w")[0], scripts)
    ok = True
    try:
        if args.no_think:
            levels = [int(x) for x in (args.levels or "1,2,4,8,16,32").split(",")]
            best: RunResult | None = None
            for i, n in enumerate(levels):
                result = run(db, n, args.duration, (0.0, 0.0), scripts, args.seed + i, f"{tag}s{i}", args.processes)
                report(result, budgets=False)
                ok &= result.lost == 0 and result.duplicated == 0 and result.locked == 0
                if best is None or result.turns_per_s > best.turns_per_s:
                    best = result
            assert best is not None
            print(
                f"\nsaturation throughput ({best.backend}): {best.turns_per_s:.0f} turns/s "
                f"at N = {best.n} back-to-back (p50 {best.p50_ms:.1f} ms, p95 {best.p95_ms:.1f} ms)"
            )
        elif args.find_max:
            levels = [int(x) for x in (args.levels or "100,200,300,400,500,600,800,1000").split(",")]
            largest: RunResult | None = None
            for i, n in enumerate(levels):
                result = run(db, n, args.duration, (args.think_min, args.think_max), scripts, args.seed + i, f"{tag}m{i}", args.processes)
                report(result)
                ok &= result.lost == 0 and result.duplicated == 0
                if not result.holds:
                    break
                largest = result
            if largest is None:
                print(f"\nno level held p95 <= {BUDGET_P95_MS:g} ms")
                ok = False
            else:
                print(
                    f"\nlargest N holding p95 <= {BUDGET_P95_MS:g} ms ({largest.backend}, think "
                    f"{args.think_min:g}-{args.think_max:g} s): {largest.n} "
                    f"(p95 {largest.p95_ms:.1f} ms, {largest.turns_per_s:.0f} turns/s; levels tried: {levels[: i + 1]})"
                )
        else:
            think = (0.0, 0.0) if args.no_think else (args.think_min, args.think_max)
            result = run(db, args.trainees, args.duration, think, scripts, args.seed, tag, args.processes)
            report(result)
            ok = result.holds if args.trainees == BUDGET_N else (result.lost == 0 and result.duplicated == 0)
    finally:
        db.dispose()
        if args.database_url is None and not args.keep:
            path = Path(url.removeprefix("sqlite:///"))
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            path.parent.rmdir()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
