"""Self-hosted means self-contained, and the practice page works on a phone.

Every request a page load makes (scripts, styles, fonts, the favicon) must go to the app's
own origin: an installation in a closed network must not depend on, or report to, a third
party. At 390 px the sidebar is a drawer, so the step and the client's trust must show above
the chat (and stay in sight when the chat scrolls).
"""

from __future__ import annotations

from harness import BROWSER_MARKS, CHAT_INPUT, SCENARIO, STEP_TIMEOUT_MS, idle, send

pytestmark = BROWSER_MARKS
LOCAL_SCHEMES = ("data:", "blob:", "about:")


def _foreign(requests: list[str], base: str) -> list[str]:
    return [url for url in requests if not url.startswith(base + "/") and url != base and not url.startswith(LOCAL_SCHEMES)]


def test_no_request_leaves_the_origin_and_the_phone_sees_step_and_trust(server: str, browser: object) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(locale="fi-FI", viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(server)
    idle(page)
    icon = page.locator("link[rel*=icon]").first.get_attribute("href") or ""
    assert icon and (not icon.startswith(("http://", "https://")) or icon.startswith(server)), icon
    page.fill("#kohtaamo-username", "trainee")
    page.fill("#kohtaamo-password", "trainee")
    page.click("[data-testid=kohtaamo-login-submit]")
    page.wait_for_url(f"{server}/")
    idle(page)
    page.locator(f".st-key-picker_start_{SCENARIO} button").click()
    page.wait_for_selector(CHAT_INPUT)
    idle(page)
    status = page.locator(".st-key-practice_compact_status")
    expect(status).to_be_visible()
    expect(status).to_contain_text("Porras 1/4")
    expect(status).to_contain_text("luottamus")
    for reply in ("Hei ja tervetuloa! Olen Anna. Meillä on tunti aikaa.",
                  "Miten sinulla menee? Kerro vapaasti, mikä sinulle on nyt tärkeintä."):
        send(page, reply)
    expect(status).to_be_in_viewport()  # still in sight with the chat scrolled to its end
    page.goto(f"{server}/debrief")
    idle(page)
    assert requests, "the page made requests"
    assert _foreign(requests, server) == []
    response = page.request.get(icon if icon.startswith("http") else f"{server}{icon if icon.startswith('/') else '/' + icon}")
    assert response.ok and response.headers.get("content-type", "").startswith("image/")
    context.close()
