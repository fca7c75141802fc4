"""The real-browser harness: ``streamlit run`` servers on free ports and Debian's Chromium.

Chromium is ``/usr/bin/chromium`` (installed by ``.ci/run``); Playwright drives it through
``executable_path`` and never downloads a browser.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"
CHAT_INPUT = "[data-testid=stChatInputTextArea]"
CHAT_MESSAGE = "[data-testid=stChatMessage]"
SCENARIO = "fi-kiintiopakolainen"
SERVER_START_TIMEOUT = 60.0
STEP_TIMEOUT_MS = 90_000

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing: apt-get install chromium (.ci/run does)"),
]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(database_url: str) -> dict[str, str]:
    """The environment of a served app: no test seams or Streamlit overrides leak in."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("KOHTAAMO_", "STREAMLIT_"))}
    env["DATABASE_URL"] = database_url
    env["PYTHONUNBUFFERED"] = "1"
    return env


def seed_demo(env: dict[str, str]) -> None:
    """Migrate the database and seed the demo accounts and cohort, as ``run.sh`` does."""
    for command in (("db", "upgrade"), ("demo",)):
        subprocess.run([sys.executable, "-m", "simulator", *command], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=120)


def _start(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen[bytes]:
    with log_path.open("wb") as log:
        return subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
                "--server.port", str(port),
                "--server.address", "127.0.0.1",
                "--server.headless", "true",
                "--browser.gatherUsageStats", "false",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def _wait_healthy(process: subprocess.Popen[bytes], base: str, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while True:
        if process.poll() is not None:
            pytest.fail(f"streamlit exited with {process.returncode}:\n{log_path.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"streamlit did not answer within {SERVER_START_TIMEOUT:.0f} s:\n{log_path.read_text(errors='replace')}")
        time.sleep(0.25)


@contextmanager
def servers(env: dict[str, str], logs: Sequence[Path]) -> Iterator[list[str]]:
    """One ``streamlit run`` per log file, each on a free port; their base URLs."""
    ports = [free_port() for _ in logs]
    processes = [_start(env, port, log) for port, log in zip(ports, logs, strict=True)]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for process, base, log in zip(processes, bases, logs, strict=True):
            _wait_healthy(process, base, log)
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def idle(page: object) -> None:
    """Wait until the script run the last action caused has finished."""
    page.wait_for_timeout(300)  # type: ignore[attr-defined]  # let the run begin
    page.wait_for_selector(IDLE)  # type: ignore[attr-defined]


def login(browser: object, base: str, username: str) -> tuple[object, object]:
    """A new browser context logged in through the real form (demo password = username)."""
    context = browser.new_context(locale="fi-FI", viewport={"width": 1280, "height": 1000})  # type: ignore[attr-defined]
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = context.new_page()
    page.goto(base)
    idle(page)
    page.fill("#kohtaamo-username", username)
    page.fill("#kohtaamo-password", username)
    page.click("[data-testid=kohtaamo-login-submit]")
    page.wait_for_url(f"{base}/")
    idle(page)
    return context, page


def send(page: object, text: str) -> None:
    """Type a reply and wait for it and the client's answer to show."""
    from playwright.sync_api import expect

    messages = page.locator(CHAT_MESSAGE)  # type: ignore[attr-defined]
    before = messages.count()
    page.fill(CHAT_INPUT, text)  # type: ignore[attr-defined]
    page.press(CHAT_INPUT, "Enter")  # type: ignore[attr-defined]
    expect(messages).to_have_count(before + 2)  # the reply and the client's answer
    idle(page)
