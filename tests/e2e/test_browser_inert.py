"""The tracking pixel of issue 11 in a real browser: a mentor's display name holding a
Markdown image and a bare URL, shown on the cohorts page, must render as text: no <img>
pointing at the pixel, no link. Also checks the server's security headers on a real page.

Uses the harness of ``harness.py`` (``streamlit run`` over a fresh SQLite database with the
demo accounts, Debian's Chromium via Playwright).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.request import urlopen

import pytest
from harness import BROWSER_MARKS, idle, login, seed_demo, server_env, servers

from simulator.service import auth, users
from simulator.store import Database

pytestmark = BROWSER_MARKS
PIXEL_URL = "http://198.51.100.7/pixel.png"
NAME = f"Mentori ![p]({PIXEL_URL}) www.example.com"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("e2e-inert")
    url = f"sqlite:///{workdir / 'kohtaamo.db'}"
    env = server_env(url)
    seed_demo(env)
    db = Database(url)
    try:
        mentor, _ = auth.login(db, "mentor", "mentor")
        users.update_profile(db, mentor, mentor.user_id, display_name=NAME)
    finally:
        db.dispose()
    with servers(env, [workdir / "streamlit.log"]) as (base,):
        yield base


def test_a_markdown_image_in_a_display_name_stays_text(server: str, browser: object) -> None:
    from playwright.sync_api import expect

    _, page = login(browser, server, "mentor")
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))  # type: ignore[attr-defined]
    page.goto(f"{server}/mentor_cohorts")  # type: ignore[attr-defined]
    idle(page)
    caption = page.locator("[data-testid=stCaptionContainer]", has_text="pixel")  # type: ignore[attr-defined]
    expect(caption.first).to_be_visible()
    shown = caption.first.inner_text().replace("\u2060", "")
    assert f"![p]({PIXEL_URL})" in shown and "www.example.com" in shown  # the name as typed
    assert page.locator("img[src*='198.51.100.7']").count() == 0  # type: ignore[attr-defined]
    assert page.locator("a[href*='198.51.100.7'], a[href*='example.com']").count() == 0  # type: ignore[attr-defined]
    assert not [url for url in requested if "198.51.100.7" in url]


def test_pages_carry_the_security_headers(server: str) -> None:
    with urlopen(f"{server}/") as response:  # noqa: S310 - the local test server
        headers = {name.lower(): value for name, value in response.headers.items()}
    assert "frame-ancestors 'none'" in headers.get("content-security-policy", "")
    assert headers.get("x-content-type-options") == "nosniff"
    assert headers.get("referrer-policy") == "same-origin"
