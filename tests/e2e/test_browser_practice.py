"""One practice attempt in a real browser, against ``streamlit run streamlit_app.py``.

What only a browser can show: the login form POST sets the HttpOnly cookie, the cookie
reaches the app over the websocket, the attempt survives a page reload (a new Streamlit
session), and the pages work together through to the debrief. Chromium is Debian's
(``/usr/bin/chromium``, installed by ``.ci/run``); Playwright never downloads a browser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import BROWSER_MARKS, CHAT_INPUT, CHAT_MESSAGE, SCENARIO, STEP_TIMEOUT_MS, idle

REPLIES = (
    "Hei ja tervetuloa! Olen Anna, työllisyyspalveluiden asiantuntija. Meillä on tänään tunti aikaa, ja ensin juttelemme rauhassa.",
    "Miten sinulla menee? Kerro vapaasti, mikä sinulle on nyt tärkeintä.",
    "Kuulostaa siltä, että lasten hoito mietityttää sinua. Kertoisitko siitä lisää?",
)

pytestmark = BROWSER_MARKS


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(locale="fi-FI", viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    context.set_default_timeout(STEP_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


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
    idle(page)
    expect(page.locator("#kohtaamo-username")).to_be_visible()
    expect(page.locator("[role=dialog]")).to_have_count(0)

    # A wrong password comes back as a message, without a cookie.
    page.fill("#kohtaamo-username", "trainee")
    page.fill("#kohtaamo-password", "not-the-password")
    page.click("[data-testid=kohtaamo-login-submit]")
    page.wait_for_url(re.compile(r"auth=invalid"))
    idle(page)
    expect(page.locator("[data-testid=stAlert]")).to_contain_text("Väärä käyttäjätunnus tai salasana")
    assert "kohtaamo_session" not in {cookie["name"] for cookie in page.context.cookies()}

    # Log in through the real form; the cookie is HttpOnly, so page scripts cannot see it.
    page.fill("#kohtaamo-username", "trainee")
    page.fill("#kohtaamo-password", "trainee")
    page.click("[data-testid=kohtaamo-login-submit]")
    page.wait_for_url(f"{server}/")
    idle(page)
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    assert cookies["kohtaamo_session"]["httpOnly"] and cookies["kohtaamo_session"]["sameSite"] == "Lax"
    assert "kohtaamo_session" not in page.evaluate("document.cookie")
    expect(page.locator("[data-testid=kohtaamo-logout]")).to_be_visible()

    # Open the flagship scenario from the picker.
    page.locator(f".st-key-picker_start_{SCENARIO} button").click()
    page.wait_for_selector(CHAT_INPUT)
    idle(page)
    messages = page.locator(CHAT_MESSAGE)
    opening = 1  # the client's opening line
    expect(messages).to_have_count(opening)

    for number, reply in enumerate(REPLIES, start=1):
        page.fill(CHAT_INPUT, reply)
        page.press(CHAT_INPUT, "Enter")
        expect(messages).to_have_count(opening + 2 * number)
        idle(page)
        expect(messages.nth(opening + 2 * number - 2)).to_contain_text(_as_typed(reply))

    # Feedback under the trainee's own replies.
    feedback = page.locator(f"{CHAT_MESSAGE} [data-testid=stExpander]")
    expect(feedback.first).to_be_visible()
    expect(messages.nth(opening + 4)).to_contain_text("Palaute")

    # A reload is a new Streamlit session: identity from the cookie, the attempt from the database.
    page.reload()
    idle(page)
    page.wait_for_selector(CHAT_INPUT)
    expect(messages).to_have_count(opening + 2 * len(REPLIES))
    for index, reply in enumerate(REPLIES):
        expect(messages.nth(opening + 2 * index)).to_contain_text(_as_typed(reply))

    # End the meeting and land on the debrief.
    page.locator(".st-key-practice_end_button button").click()
    idle(page)
    page.locator(".st-key-practice_end_yes button").click()
    page.wait_for_selector(".st-key-debrief_download_md")
    idle(page)
    assert "/debrief" in page.url
    expect(page.locator(CHAT_INPUT)).to_have_count(0)
