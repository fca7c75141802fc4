"""Benchmark: logins under a burst and under a flood (issue 11, item 5).

Run by hand: ``.venv/bin/python bench/login_flood.py [DATABASE_URL]`` (default: a fresh
SQLite file). Three figures, each printed beside its budget:

1. **burst**: two processes send 20 wrong passwords each for one name at the instant its
   delay expires; how many were actually checked (budget: 1; before the fix 40);
2. **flood**: 80 concurrent logins with fresh names from one address (real argon2id, one
   thread each) while a real user logs in from another address; the real login's latency
   (budget 2 s) and this process's peak resident memory (budget 400 MiB);
3. **HTTP flood**: the same through the real ``POST /auth/login`` route (served by uvicorn
   in this process, so Starlette's thread pool of 40 is in the way too): 80 attackers from
   127.0.0.1, the real user from 127.0.0.2; the real login's latency (budget 2 s).

A busy answer ("try again in 1 s", what the login page shows) is retried after 0.1 s, as a
person pressing the button again would, and counts in the latency.

``PYTHONPATH`` decides which code runs, so the same script measures an older checkout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from simulator.service import auth, users
from simulator.service.auth import SYSTEM
from simulator.service.errors import InvalidCredentials, LoginThrottled
from simulator.store import Database, migrate
from simulator.store.models import LoginThrottle

ROOT = Path(__file__).resolve().parent.parent
CHILD = ROOT / "tests" / "service" / "helpers" / "login_burst.py"
BUDGET_CHECKED = 1
BUDGET_LOGIN_S = 2.0
BUDGET_RSS_MIB = 400.0
FLOOD = 80
PASSWORD = "oikea-salasana-123"


def peak_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def burst(url: str, db: Database) -> int:
    users.create_user(db, SYSTEM, "burst.target", PASSWORD, "trainee")
    now = datetime.now(UTC)
    with db.transaction() as session:
        session.execute(insert(LoginThrottle).values(username="burst.target", failures=3,
                                                     last_failure_at=now - timedelta(seconds=2),
                                                     blocked_until=now - timedelta(milliseconds=200)))
    start = time.time() + 4.0
    env = {**os.environ, "KOHTAAMO_ARGON2_FAST": "1"}
    children = [subprocess.Popen([sys.executable, str(CHILD), url, str(start), "20", "burst.target"],
                                 stdout=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    outcomes: list[str] = []
    for child in children:
        out, _ = child.communicate(timeout=300)
        outcomes += json.loads(out)
    return outcomes.count("checked")


def flood(db: Database) -> tuple[float, float, dict[str, int]]:
    users.create_user(db, SYSTEM, "real.user", PASSWORD, "trainee")
    counts: dict[str, int] = {}
    guard = threading.Lock()
    go = threading.Event()

    def attacker(index: int) -> None:
        go.wait()
        try:
            auth.login(db, f"fresh{index}", "guess-guess-guess", **_source("203.0.113.50"))
            outcome = "ok"
        except InvalidCredentials:
            outcome = "checked"
        except LoginThrottled as refused:  # older code has no LoginBusy: every refusal was "throttled"
            outcome = "busy" if getattr(refused, "reason", None) == "busy" else "throttled"
        with guard:
            counts[outcome] = counts.get(outcome, 0) + 1

    workers = [threading.Thread(target=attacker, args=(i,)) for i in range(FLOOD)]
    for worker in workers:
        worker.start()
    go.set()
    time.sleep(0.1)
    started = time.perf_counter()
    for _ in range(20):  # a busy answer means "try again in a moment", as the login page says
        try:
            auth.login(db, "real.user", PASSWORD, **_source("198.51.100.20"))
            break
        except LoginThrottled:
            time.sleep(0.1)
    latency = time.perf_counter() - started
    for worker in workers:
        worker.join()
    return latency, peak_rss_mib(), counts


def http_flood(db: Database) -> tuple[float, dict[str, int]]:
    """The flood through the login route, over sockets, with the route's own thread pool.

    The server runs in this process (its memory is what the budget is about); the attackers
    run in a child process, as they would on another machine, so their 80 threads do not
    compete with the server for this process's interpreter lock.
    """
    import socket

    import uvicorn
    from starlette.applications import Starlette

    from simulator.ui.routes import make_routes

    users.create_user(db, SYSTEM, "http.user", PASSWORD, "trainee")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(Starlette(routes=make_routes(lambda: db)), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    start = time.time() + 3.0  # the child is up and its threads wait for this instant
    child = subprocess.Popen([sys.executable, __file__, "--http-attackers", str(port), str(start)],
                             stdout=subprocess.PIPE, text=True)
    time.sleep(max(0.0, start - time.time()) + 0.1)
    started = time.perf_counter()
    for _ in range(20):
        outcome = _post(port, "http.user", PASSWORD, "127.0.0.2")
        if outcome == "ok":
            break
        assert outcome in ("throttled", "busy"), outcome
        time.sleep(0.1)
    latency = time.perf_counter() - started
    out, _ = child.communicate(timeout=300)
    server.should_exit = True
    thread.join(timeout=10)
    return latency, json.loads(out)


def _post(port: int, name: str, password: str, source: str) -> str:
    """One login form POST from ``source``; the outcome word the redirect carries."""
    import http.client
    from urllib.parse import urlencode

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120, source_address=(source, 0))
    body = urlencode({"username": name, "password": password})
    connection.request("POST", "/auth/login", body, {"Content-Type": "application/x-www-form-urlencoded",
                                                      "Origin": f"http://127.0.0.1:{port}"})
    location = connection.getresponse().getheader("location", "")
    connection.close()
    for word in ("throttled", "busy", "invalid"):
        if f"auth={word}" in location:
            return "checked" if word == "invalid" else word
    return "ok" if location == "/" else f"unexpected {location}"


def _http_attackers(port: int, start: float) -> None:
    """The child process of :func:`http_flood`: FLOOD fresh names from 127.0.0.1 at one instant."""
    counts: dict[str, int] = {}
    guard = threading.Lock()

    def attacker(index: int) -> None:
        while time.time() < start:
            time.sleep(0.001)
        outcome = _post(port, f"httpfresh{index}", "guess-guess-guess", "127.0.0.1")
        with guard:
            counts[outcome] = counts.get(outcome, 0) + 1

    workers = [threading.Thread(target=attacker, args=(i,)) for i in range(FLOOD)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(json.dumps(counts))


def _source(address: str) -> dict[str, str]:
    """Older code has no ``source`` parameter; pass it only where it exists."""
    import inspect

    return {"source": address} if "source" in inspect.signature(auth.login).parameters else {}


def main() -> None:
    if sys.argv[1:2] == ["--http-attackers"]:
        _http_attackers(int(sys.argv[2]), float(sys.argv[3]))
        return
    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    migrate.upgrade(url)
    db = Database(url)
    checked = burst(url, db)
    print(f"burst: {checked} of 40 guesses checked (budget {BUDGET_CHECKED})")
    latency, rss, counts = flood(db)
    print(f"flood: real login {latency:.2f} s (budget {BUDGET_LOGIN_S:.0f} s), peak RSS {rss:.0f} MiB "
          f"(budget {BUDGET_RSS_MIB:.0f} MiB); attackers {counts}")
    http_latency, http_counts = http_flood(db)
    print(f"http flood: real login {http_latency:.2f} s (budget {BUDGET_LOGIN_S:.0f} s), peak RSS {peak_rss_mib():.0f} MiB "
          f"(budget {BUDGET_RSS_MIB:.0f} MiB); attackers {http_counts}")
    db.dispose()
    ok = (checked <= BUDGET_CHECKED and max(latency, http_latency) <= BUDGET_LOGIN_S
          and peak_rss_mib() <= BUDGET_RSS_MIB)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
