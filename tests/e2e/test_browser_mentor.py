"""A training round in a real browser: a mentor assigns a scenario to the demo cohort,
the trainee (in another browser context) sees it first with its status and completes it,
and the mentor sees the result on the cohort dashboard.

Uses the harness of ``harness.py``: ``streamlit run`` over a fresh
SQLite database with the demo accounts and cohort, Debian's Chromium via Playwright.
"""

from __future__ import annotations

from harness import BROWSER_MARKS, CHAT_INPUT, CHAT_MESSAGE, SCENARIO, idle, login

REPLIES = (
    "Hei ja tervetuloa! Olen Anna, työllisyyspalveluiden asiantuntija. Meillä on tunti aikaa.",
    "Miten sinulla menee? Kerro vapaasti, mikä sinulle on nyt tärkeintä.",
)

pytestmark = BROWSER_MARKS


def test_mentor_assigns_trainee_completes_mentor_sees_dashboard(server: str, browser: object) -> None:
    from playwright.sync_api import expect

    _, mentor = login(browser, server, "mentor")
    mentor.goto(f"{server}/mentor_assign")  # type: ignore[attr-defined]
    idle(mentor)
    combo = mentor.locator(".st-key-mentor_assign_scenario [role=combobox]")  # type: ignore[attr-defined]
    combo.click()
    combo.fill("Furaha")
    mentor.locator("[role=option]", has_text="Furaha").first.click()  # type: ignore[attr-defined]
    idle(mentor)
    mentor.locator(".st-key-mentor_assign_submit button").click()  # type: ignore[attr-defined]
    idle(mentor)
    expect(mentor.locator("[data-testid=stAlertContentSuccess]")).to_be_visible()  # type: ignore[attr-defined]

    _, trainee = login(browser, server, "trainee")
    card = trainee.locator(f".st-key-picker_card_{SCENARIO}")  # type: ignore[attr-defined]
    expect(card).to_contain_text("Tehtävä: Ei aloitettu")
    card.locator(f".st-key-picker_start_{SCENARIO} button").click()
    trainee.wait_for_selector(CHAT_INPUT)  # type: ignore[attr-defined]
    idle(trainee)
    messages = trainee.locator(CHAT_MESSAGE)  # type: ignore[attr-defined]
    opening = messages.count()
    for number, reply in enumerate(REPLIES, start=1):
        trainee.fill(CHAT_INPUT, reply)  # type: ignore[attr-defined]
        trainee.press(CHAT_INPUT, "Enter")  # type: ignore[attr-defined]
        expect(messages).to_have_count(opening + 2 * number)
        idle(trainee)
    trainee.locator(".st-key-practice_end_button button").click()  # type: ignore[attr-defined]
    idle(trainee)
    trainee.locator(".st-key-practice_end_yes button").click()  # type: ignore[attr-defined]
    trainee.wait_for_selector(".st-key-debrief_download_md")  # type: ignore[attr-defined]

    mentor.goto(f"{server}/mentor_dashboard")  # type: ignore[attr-defined]
    idle(mentor)
    finished = mentor.locator("[data-testid=stMetric]", has_text="Päättyneitä harjoituksia")  # type: ignore[attr-defined]
    expect(finished).to_contain_text("1")
    expect(mentor.locator("[data-testid=stVegaLiteChart]").first).to_be_visible()  # type: ignore[attr-defined]
    expect(mentor.locator(".st-key-mentor_dashboard_csv")).to_be_visible()  # type: ignore[attr-defined]
