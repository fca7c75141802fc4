"""Two app instances, one PostgreSQL database: what one instance stores, the other shows.

Why: a national rollout runs several ``streamlit run`` processes behind a load balancer.
Nothing may live only in one process: the attempt is in the database after every turn
and identity is the cookie token checked against the database. Here a trainee logs in
and replies on instance A, carries on in the same attempt on instance B (as after a
failover), and a mentor logged in on B reviews both replies. Both servers' logs are then
searched for the session token.

Needs PostgreSQL (127.0.0.1:5432 or ``KOHTAAMO_TEST_PG_URL``; skipped with the reason
otherwise) and Debian's Chromium (``/usr/bin/chromium``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_browser_practice import (  # noqa: E402
    CHAT_INPUT,
    CHAT_MESSAGE,
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    SCENARIO,
    SERVER_START_TIMEOUT,
    STEP_TIMEOUT_MS,
    _free_port,
    _idle,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing: apt-get install chromium (.ci/run does)"),
]

REPLY_ON_A = "Hei ja tervetuloa! Olen Anna. Meillä on tänään tunti aikaa, ja ensin juttelemme rauhassa."
REPLY_ON_B = "Miten sinulla menee? Kerro vapaasti, mikä sinulle on nyt tärkeintä."


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


@pytest.fixture(scope="module")
def two_servers(
    tmp_path_factory: pytest.TempPathFactory, pg_new_database: Callable[[], str]
) -> Iterator[tuple[str, str, list[Path]]]:
    """Two ``streamlit run`` on different ports over one fresh PostgreSQL database with the demo data."""
    workdir = tmp_path_factory.mktemp("two-instances")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("KOHTAAMO_", "STREAMLIT_"))}
    env["DATABASE_URL"] = pg_new_database()
    env["PYTHONUNBUFFERED"] = "1"
    for command in (("db", "upgrade"), ("demo",)):
        subprocess.run([sys.executable, "-m", "simulator", *command], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=120)
    ports = (_free_port(), _free_port())
    logs = [workdir / f"streamlit-{name}.log" for name in ("a", "b")]
    processes = [_start(env, port, log) for port, log in zip(ports, logs, strict=True)]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for process, base, log in zip(processes, bases, logs, strict=True):
            _wait_healthy(process, base, log)
        yield bases[0], bases[1], logs
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


@pytest.fixture
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _login(browser: object, base: str, username: str) -> tuple[object, object]:
    context = browser.new_context(locale="fi-FI", viewport={"width": 1280, "height": 1000})  # type: ignore[attr-defined]
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = context.new_page()
    page.goto(base)
    _idle(page)
    page.fill("#kohtaamo-username", username)
    page.fill("#kohtaamo-password", username)
    page.click("[data-testid=kohtaamo-login-submit]")
    page.wait_for_url(f"{base}/")
    _idle(page)
    return context, page


def _send(page: object, text: str) -> None:
    from playwright.sync_api import expect

    messages = page.locator(CHAT_MESSAGE)  # type: ignore[attr-defined]
    before = messages.count()
    page.fill(CHAT_INPUT, text)  # type: ignore[attr-defined]
    page.press(CHAT_INPUT, "Enter")  # type: ignore[attr-defined]
    expect(messages).to_have_count(before + 2)  # the reply and the client's answer
    _idle(page)


def test_attempt_on_one_instance_is_seen_on_the_other(two_servers: tuple[str, str, list[Path]], browser: object) -> None:
    from playwright.sync_api import expect

    base_a, base_b, logs = two_servers

    trainee_context, trainee = _login(browser, base_a, "trainee")
    trainee.locator(f".st-key-picker_start_{SCENARIO} button").click()  # type: ignore[attr-defined]
    trainee.wait_for_selector(CHAT_INPUT)  # type: ignore[attr-defined]
    _idle(trainee)
    _send(trainee, REPLY_ON_A)

    # Failover: the same browser goes to instance B; the cookie (one host, any port) and
    # the attempt in the database carry the conversation on.
    trainee.goto(f"{base_b}/practice")  # type: ignore[attr-defined]
    _idle(trainee)
    expect(trainee.locator(CHAT_MESSAGE, has_text=REPLY_ON_A)).to_have_count(1)  # type: ignore[attr-defined]
    _send(trainee, REPLY_ON_B)

    # The mentor, logged in on B, reviews the trainee's attempt: both replies are there.
    _, mentor = _login(browser, base_b, "mentor")
    mentor.goto(f"{base_b}/mentor_review")  # type: ignore[attr-defined]
    _idle(mentor)
    expect(mentor.locator(CHAT_MESSAGE, has_text=REPLY_ON_A)).to_have_count(1)  # type: ignore[attr-defined]
    expect(mentor.locator(CHAT_MESSAGE, has_text=REPLY_ON_B)).to_have_count(1)  # type: ignore[attr-defined]

    # And back on A the trainee sees the reply sent on B.
    trainee.goto(f"{base_a}/practice")  # type: ignore[attr-defined]
    _idle(trainee)
    expect(trainee.locator(CHAT_MESSAGE, has_text=REPLY_ON_B)).to_have_count(1)  # type: ignore[attr-defined]

    tokens = [c["value"] for c in trainee_context.cookies() if c["name"] == "kohtaamo_session"]  # type: ignore[attr-defined]
    assert tokens, "the login set the session cookie"
    for log in logs:
        text = log.read_text(errors="replace")
        assert tokens[0] not in text, f"the session token appeared in {log.name}"
        assert "Traceback" not in text, f"{log.name}:\n{text[-3000:]}"
