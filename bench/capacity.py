"""Benchmark: how many trainees one Streamlit process serves with a chat turn under 1 s.

Why: sizing a deployment needs the number of concurrently active trainees one app
process can take before a reply feels slow. A "turn" is measured as the trainee sees
it: from pressing Enter in the chat input to the client's answer rendered as a new chat
message in the page, against a real ``streamlit run streamlit_app.py`` server, with
real browsers (Debian's Chromium through Playwright, one browser context per trainee,
every context logged in through the real login form and cookie).

Run by hand::

    .venv/bin/python bench/capacity.py                      # levels 1,2,4,8,12,16,24; think 1-3 s
    .venv/bin/python bench/capacity.py --levels 4,8 --duration 30 --think-min 5 --think-max 15

Each level N runs N trainees for ``--duration`` seconds, each replying with a golden
transcript's replies after a think time, and reports p50/p95 per turn, turns per second
and the CPU the server and the browser used. Stepping stops at the first level whose
p95 is over the budget (1 s); the largest level under it is the capacity figure.

Method caveat (printed with the figure): the browsers run on the same 2-core machine as
the server, so at high N they take CPU the server would have in production; the CPU
columns show how much. The figure is therefore a lower bound for one process.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("KOHTAAMO_ARGON2_FAST", "1")

# One definition of how the project drives Debian's Chromium and finds a free port: the
# browser tests' harness (the benchmark runs in the test environment).
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from harness import CHAT_INPUT, CHAT_MESSAGE, CHROMIUM, CHROMIUM_ARGS, IDLE, free_port  # noqa: E402

BUDGET_P95_S = 1.0
STEP_TIMEOUT_MS = 60_000
PASSWORD = "capacity-password-1"


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def cpu_seconds(pids: list[int]) -> float:
    """User+system CPU of these processes and their children (from /proc; 0 when gone)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15]) / ticks  # utime stime cutime cstime
    return total


def descendants(pid: int) -> list[int]:
    """The process and everything below it (Chromium runs many processes)."""
    found = [pid]
    for item in Path("/proc").iterdir():
        if not item.name.isdigit():
            continue
        try:
            parent = int((item / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent in found:
            found.append(int(item.name))
    return found


@dataclass
class Level:
    n: int
    turns: list[float] = field(default_factory=list)
    server_parts: list[float] = field(default_factory=list)  # Enter to the last websocket frame before the answer showed
    errors: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    server_cpu: float = 0.0
    browser_cpu: float = 0.0
    setup_s: float = 0.0

    @property
    def p50(self) -> float:
        return statistics.median(self.turns) if self.turns else float("nan")

    @property
    def p95(self) -> float:
        return percentile(self.turns, 0.95)

    @property
    def holds(self) -> bool:
        return bool(self.turns) and self.p95 < BUDGET_P95_S and not self.errors


class Server:
    """``streamlit run`` over a fresh database, with N trainee accounts made up front."""

    def __init__(self, database_url: str | None) -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="kohtaamo-capacity-"))
        self.url = database_url or f"sqlite:///{self.workdir / 'capacity.db'}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("KOHTAAMO_", "STREAMLIT_"))}
        self.env.update({"DATABASE_URL": self.url, "PYTHONUNBUFFERED": "1", "KOHTAAMO_ARGON2_FAST": "1"})
        from simulator.store.migrate import upgrade

        upgrade(self.url)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = self.workdir / "streamlit.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.made = 0

    def accounts(self, n: int, tag: str) -> list[str]:
        from simulator.service.auth import SYSTEM
        from simulator.service.users import create_user
        from simulator.store import Database

        db = Database(self.url)
        try:
            names = []
            for i in range(n):
                name = f"cap-{tag}-{i:03d}"
                create_user(db, SYSTEM, name, PASSWORD, "trainee")
                names.append(name)
            return names
        finally:
            db.dispose()

    def start(self) -> None:
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(self.port),
                 "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
                 "--server.fileWatcherType", "none"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"streamlit exited:\n{self.log.read_text(errors='replace')[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.base}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.25)
        raise SystemExit("streamlit did not start within 60 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


def load_replies() -> dict[str, list[str]]:
    from simulator.content.errors import ContentError
    from simulator.content.library import get_library
    from simulator.content.transcript import load_transcripts

    replies = {}
    for scenario_id, scenario in sorted(get_library().scenarios.items()):
        if scenario.language != "fi":  # the accounts are Finnish; the picker lists their language first
            continue
        try:
            replies[scenario_id] = list(load_transcripts(scenario_id).good.replies)
        except ContentError:
            continue
    return replies


async def trainee(
    browser: object, server: Server, username: str, scenario_id: str, replies: list[str],
    think: tuple[float, float], ready: asyncio.Barrier, deadline_box: list[float], level: Level, rng: random.Random,
) -> None:
    """Log in, start the scenario, then reply after a think time until the deadline."""
    context = await browser.new_context(locale="fi-FI", viewport={"width": 1100, "height": 900})  # type: ignore[attr-defined]
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = await context.new_page()
    last_frame = [0.0]

    def on_socket(socket: object) -> None:
        socket.on("framereceived", lambda _frame: last_frame.__setitem__(0, time.perf_counter()))  # type: ignore[attr-defined]

    page.on("websocket", on_socket)

    async def idle() -> None:
        await page.wait_for_timeout(150)
        await page.wait_for_selector(IDLE)

    async def start() -> None:
        await page.goto(f"{server.base}/")  # the picker is the default page
        await idle()
        await page.locator(f".st-key-picker_start_{scenario_id} button").click()
        await page.wait_for_selector(CHAT_INPUT)
        await idle()

    try:
        await page.goto(server.base)
        await idle()
        await page.fill("#kohtaamo-username", username)
        await page.fill("#kohtaamo-password", PASSWORD)
        await page.click("[data-testid=kohtaamo-login-submit]")
        await page.wait_for_url(f"{server.base}/")
        await idle()
        await start()
    except Exception as exc:  # noqa: BLE001 - counted, reported
        level.errors.append(f"setup {username}: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
        await ready.wait()
        await context.close()
        return
    await ready.wait()
    index = 0
    try:
        await asyncio.sleep(rng.uniform(0, think[1]))
        while time.monotonic() < deadline_box[0]:
            if index >= len(replies):
                await start()
                index = 0
            messages = page.locator(CHAT_MESSAGE)
            before = await messages.count()
            await page.fill(CHAT_INPUT, replies[index])
            sent = time.perf_counter()
            await page.press(CHAT_INPUT, "Enter")
            await messages.nth(before + 1).wait_for(state="visible")  # the client's answer is rendered
            shown = time.perf_counter()
            level.turns.append(shown - sent)
            if sent < last_frame[0] <= shown:
                level.server_parts.append(last_frame[0] - sent)
            index += 1
            await idle()
            await asyncio.sleep(rng.uniform(*think))
    except Exception as exc:  # noqa: BLE001
        level.errors.append(f"turn {username}: {type(exc).__name__}: {str(exc).splitlines()[0][:160]}")
    finally:
        await context.close()


async def run_level(
    playwright: object, server: Server, n: int, duration: float, think: tuple[float, float],
    replies: dict[str, list[str]], seed: int,
) -> Level:
    level = Level(n=n)
    names = server.accounts(n, f"{n}x{seed}")
    browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)  # type: ignore[attr-defined]
    try:
        ready = asyncio.Barrier(n + 1)
        deadline_box = [float("inf")]
        order = sorted(replies)
        setup_started = time.monotonic()
        tasks = [
            asyncio.create_task(
                trainee(browser, server, name, order[i % len(order)], replies[order[i % len(order)]], think, ready,
                        deadline_box, level, random.Random(seed * 1000 + i))
            )
            for i, name in enumerate(names)
        ]
        await ready.wait()
        level.setup_s = time.monotonic() - setup_started
        assert server.process is not None
        server_pids = [server.process.pid]
        browser_pids = [p for p in descendants(os.getpid()) if p not in (os.getpid(), server.process.pid)]
        cpu_server, cpu_browser = cpu_seconds(server_pids), cpu_seconds(browser_pids)
        started = time.monotonic()
        deadline_box[0] = started + duration
        await asyncio.gather(*tasks)
        level.elapsed = time.monotonic() - started
        level.server_cpu = (cpu_seconds(server_pids) - cpu_server) / level.elapsed
        level.browser_cpu = (cpu_seconds(browser_pids) - cpu_browser) / level.elapsed
    finally:
        await browser.close()
    return level


def report(level: Level, think: tuple[float, float]) -> None:
    verdict = "OK" if level.holds else "OVER"
    rate = len(level.turns) / level.elapsed if level.elapsed else 0.0
    print(
        f"  N={level.n:>3}  turns={len(level.turns):>4}  {rate:5.1f}/s  p50={level.p50 * 1000:6.0f} ms  "
        f"p95={level.p95 * 1000:6.0f} ms (budget < {BUDGET_P95_S * 1000:.0f} ms) {verdict}  "
        f"[server part p50 {statistics.median(level.server_parts or [float('nan')]) * 1000:.0f} ms]  "
        f"server CPU {level.server_cpu * 100:4.0f}%  browsers CPU {level.browser_cpu * 100:4.0f}%  "
        f"load {os.getloadavg()[0]:.1f}  setup {level.setup_s:.0f} s",
        flush=True,
    )
    for error in level.errors[:5]:
        print(f"      error: {error}")


async def main_async(args: argparse.Namespace) -> int:
    from playwright.async_api import async_playwright

    if not CHROMIUM.exists():
        raise SystemExit("/usr/bin/chromium is missing: apt-get install chromium")
    replies = load_replies()
    server = Server(args.database_url)
    server.start()
    think = (args.think_min, args.think_max)
    levels = [int(x) for x in args.levels.split(",")]
    print(f"one streamlit process at {server.base}, {server.url.split('://')[0]}, think {think[0]:g}-{think[1]:g} s, "
          f"{args.duration:g} s per level, {os.cpu_count()} cores shared with the browsers")
    best: Level | None = None
    try:
        async with async_playwright() as playwright:
            # Warm-up: load detectors and the lemmatiser in the server before timing.
            await run_level(playwright, server, 1, 5, (0.2, 0.4), replies, seed=0)
            for i, n in enumerate(levels, start=1):
                level = await run_level(playwright, server, n, args.duration, think, replies, seed=i)
                report(level, think)
                if not level.holds:
                    break
                best = level
    finally:
        server.stop()
    if best is None:
        print(f"\ncapacity: no level kept p95 < {BUDGET_P95_S:g} s")
        return 1
    print(
        f"\ncapacity of one Streamlit process: {best.n} concurrently active trainees with p95 "
        f"{best.p95 * 1000:.0f} ms per chat turn (< {BUDGET_P95_S:g} s), think time {think[0]:g}-{think[1]:g} s;\n"
        f"method: Playwright + Chromium contexts on the same {os.cpu_count()}-core machine, Enter to the rendered "
        f"answer; a lower bound (the browsers used {best.browser_cpu * 100:.0f}% CPU beside the server's "
        f"{best.server_cpu * 100:.0f}%)."
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--levels", default="1,2,4,8,12,16,24")
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--think-min", type=float, default=1.0)
    parser.add_argument("--think-max", type=float, default=3.0)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    return asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
