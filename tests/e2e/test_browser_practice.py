"""One practice attempt in a real browser, against ``streamlit run streamlit_app.py``.

What only a browser can show: the login form POST sets the HttpOnly cookie, the cookie
reaches the app over the websocket, the attempt survives a page reload (a new Streamlit
session), and the pages work together through to the debrief. Chromium is Debian's
(``/usr/bin/chromium``, installed by ``.ci/run``); Playwright never downloads a browser.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
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
REPLIES = (
    "Hei ja tervetuloa! Olen Anna, työllisyyspalveluiden asiantuntija. Meillä on tänään tunti aikaa, ja ensin juttelemme rauhassa.",
    "Miten sinulla menee? Kerro vapaasti, mikä sinulle on nyt tärkeintä.",
    "Kuulostaa siltä, että lasten hoito mietityttää sinua. Kertoisitko siitä lisää?",
)
SERVER_START_TIMEOUT = 60.0
STEP_TIMEOUT_MS = 90_000  # the first reply may load the Finnish lemmatiser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing: apt-get install chromium (.ci/run does)"),
]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _simulator(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "simulator", *args], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``streamlit run`` on a free port over a fresh SQLite database with the demo accounts."""
    workdir = tmp_path_factory.mktemp("e2e")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("KOHTAAMO_", "STREAMLIT_"))}
    env["DATABASE_URL"] = f"sqlite:///{workdir / 'kohtaamo.db'}"
    env["PYTHONUNBUFFERED"] = "1"
    _simulator("db", "upgrade", env=env)
    _simulator("demo", env=env)
    port = _free_port()
    log_path = workdir / "streamlit.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
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
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"streamlit exited with {process.returncode}:\n{log_path.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer within {SERVER_START_TIMEOUT:.0f} s:\n{log_path.read_text(errors='replace')}")
            time.sleep(0.25)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture
def page(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(locale="fi-FI", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(STEP_TIMEOUT_MS)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


def _idle(page: object) -> None:
    """Wait until the script run the last action caused has finished."""
    page.wait_for_timeout(300)  # type: ignore[attr-defined]  # let the rerun begin
    page.wait_for_selector(IDLE)  # type: ignore[attr-defined]


def _as_typed(text: str) -> re.Pattern[str]:
    """The reply as typed; HTML may collapse a run of whitespace, but never drop it."""
    return re.compile(r"\s+".join(re.escape(word) for word in text.split()))


def test_log_in_practise_three_turns_reload_and_debrief(server: str, page: object, tmp_path: Path) -> None:
    try:
        _practise(server, page)
    except BaseException:
        shot = tmp_path / "failure.png"
        page.screenshot(path=str(shot), full_page=True)  # type: ignore[attr-defined]
        print(f"screenshot of the failure: {shot}\nURL: {page.url}")  # type: ignore[attr-defined]
        raise


def _practise(server: str, page: object) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(f"{server}/practice")  # a bookmarked deep link shows the login form, not "page not found"
    _idle(page)
    expect(page.locator("#kohtaamo-username")).to_be_visible()
    expect(page.locator("[role=dialog]")).to_have_count(0)

    # A wrong password comes back as a message, without a cookie.
    page.fill("#kohtaamo-username", "trainee")
    page.fill("#kohtaamo-password", "not-the-password")
    page.click("[data-testid=kohtaamo-login-submit]")
    page.wait_for_url(re.compile(r"auth=invalid"))
    _idle(page)
    expect(page.locator("[data-testid=stAlert]")).to_contain_text("Väärä käyttäjätunnus tai salasana")
    assert "kohtaamo_session" not in {cookie["name"] for cookie in page.context.cookies()}

    # Log in through the real form; the cookie is HttpOnly, so page scripts cannot see it.
    page.fill("#kohtaamo-username", "trainee")
    page.fill("#kohtaamo-password", "trainee")
    page.click("[data-testid=kohtaamo-login-submit]")
    page.wait_for_url(f"{server}/")
    _idle(page)
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    assert cookies["kohtaamo_session"]["httpOnly"] and cookies["kohtaamo_session"]["sameSite"] == "Lax"
    assert "kohtaamo_session" not in page.evaluate("document.cookie")
    expect(page.locator("[data-testid=kohtaamo-logout]")).to_be_visible()

    # Open the flagship scenario from the picker.
    page.locator(f".st-key-picker_start_{SCENARIO} button").click()
    page.wait_for_selector(CHAT_INPUT)
    _idle(page)
    messages = page.locator(CHAT_MESSAGE)
    opening = 1  # the client's opening line
    expect(messages).to_have_count(opening)

    for number, reply in enumerate(REPLIES, start=1):
        page.fill(CHAT_INPUT, reply)
        page.press(CHAT_INPUT, "Enter")
        expect(messages).to_have_count(opening + 2 * number)
        _idle(page)
        expect(messages.nth(opening + 2 * number - 2)).to_contain_text(_as_typed(reply))

    # Feedback under the trainee's own replies.
    feedback = page.locator(f"{CHAT_MESSAGE} [data-testid=stExpander]")
    expect(feedback.first).to_be_visible()
    expect(messages.nth(opening + 4)).to_contain_text("Palaute")

    # A reload is a new Streamlit session: identity from the cookie, the attempt from the database.
    page.reload()
    _idle(page)
    page.wait_for_selector(CHAT_INPUT)
    expect(messages).to_have_count(opening + 2 * len(REPLIES))
    for index, reply in enumerate(REPLIES):
        expect(messages.nth(opening + 2 * index)).to_contain_text(_as_typed(reply))

    # End the meeting and land on the debrief.
    page.locator(".st-key-practice_end_button button").click()
    _idle(page)
    page.locator(".st-key-practice_end_yes button").click()
    page.wait_for_selector(".st-key-debrief_download_md")
    _idle(page)
    assert "/debrief" in page.url
    expect(page.locator(CHAT_INPUT)).to_have_count(0)
