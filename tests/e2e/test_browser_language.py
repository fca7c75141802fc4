"""The language chosen on the login page survives logging in and out, in a real browser.

Streamlit sanitises ``st.html`` with DOMPurify, which silently drops form fields whose name
clobbers a form property; the language field once was such a name, so only a real
browser shows that the language really travels.
"""

from __future__ import annotations

from harness import BROWSER_MARKS, STEP_TIMEOUT_MS, idle

pytestmark = BROWSER_MARKS


def test_english_chosen_at_login_is_kept_after_logout(server: str, browser: object) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(locale="fi-FI", viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = context.new_page()
    page.goto(server)
    idle(page)
    page.get_by_text("English", exact=True).click()
    idle(page)
    page.fill("#kohtaamo-username", "trainee")
    page.fill("#kohtaamo-password", "trainee")
    page.click("[data-testid=kohtaamo-login-submit]")
    page.wait_for_url(f"{server}/")
    idle(page)
    page.click("[data-testid=kohtaamo-logout]")
    page.wait_for_url("**/?auth=logged_out*")
    idle(page)
    expect(page.locator("[data-testid=kohtaamo-login-submit]")).to_have_text("Log in")
    page.goto(server)  # a later visit in the same browser, without the query string
    idle(page)
    expect(page.locator("[data-testid=kohtaamo-login-submit]")).to_have_text("Log in")
    context.close()
