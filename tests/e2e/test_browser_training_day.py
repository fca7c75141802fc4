"""A training day in a real browser, and the screenshots of docs/kouluttajalle.md.

The admin imports a class into the demo cohort; the mentor assigns a scenario with a due
date and a message; one of the new trainees logs in with the one-time password from the
sheet, chooses their own, sees the assignment, practises and ends the meeting; the mentor
dismisses a finding, undoes it, and dismisses another; the trainee sees the rescored
debrief. No request leaves the app's origin on any page.

Screenshots go to a temporary folder; with ``KOHTAAMO_GUIDE_SHOTS=1`` they are written to
``docs/img/kouluttajalle/`` for the guide (that is how the guide's pictures are made).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from harness import BROWSER_MARKS, CHAT_INPUT, ROOT, SCENARIO, STEP_TIMEOUT_MS, idle, send

pytestmark = BROWSER_MARKS

CLASS = "nimi;käyttäjätunnus;sähköposti\nAino Virtanen;aino.virtanen;aino@example.org\nMehmet Yilmaz;mehmet.yilmaz;\n"
NOTE = "Harjoitelkaa erityisesti avoimia kysymyksiä. Puretaan kokemukset torstain tapaamisessa."
NEW_PASSWORD = "oma-salasana-2027"
REPLIES = (
    "Hei ja tervetuloa! Olen Anna, työllisyyspalveluiden asiantuntija. Meillä on tunti aikaa.",
    "Miten sinulla menee? Kerro vapaasti, mikä sinulle on nyt tärkeintä.",
    "Kuulostaa siltä, että haluat ennen kaikkea oppia suomea. Mistä muusta haluaisit vielä puhua?",
)
LOCAL = ("data:", "blob:", "about:")


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    if os.environ.get("KOHTAAMO_GUIDE_SHOTS") == "1":
        folder = ROOT / "docs" / "img" / "kouluttajalle"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path


def _page(browser: object, server: str, requests: list[str], width: int = 1280) -> object:
    context = browser.new_context(locale="fi-FI", viewport={"width": width, "height": 1000})  # type: ignore[attr-defined]
    context.set_default_timeout(STEP_TIMEOUT_MS)
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))
    return page


def _login(page: object, server: str, username: str, password: str) -> None:
    page.goto(server)  # type: ignore[attr-defined]
    idle(page)
    page.fill("#kohtaamo-username", username)  # type: ignore[attr-defined]
    page.fill("#kohtaamo-password", password)  # type: ignore[attr-defined]
    page.click("[data-testid=kohtaamo-login-submit]")  # type: ignore[attr-defined]
    page.wait_for_url(f"{server}/")  # type: ignore[attr-defined]
    idle(page)


def _open(page: object, server: str, name: str) -> None:
    page.goto(f"{server}/{name}")  # type: ignore[attr-defined]
    idle(page)


def _shot(page: object, folder: Path, name: str) -> None:
    page.wait_for_timeout(400)  # type: ignore[attr-defined]  # charts finish drawing
    page.screenshot(path=str(folder / f"{name}.png"))  # type: ignore[attr-defined]


def _choose(page: object, key: str, text: str) -> None:
    combo = page.locator(f".st-key-{key} [role=combobox]")  # type: ignore[attr-defined]
    combo.click()
    combo.fill(text)
    page.locator("[role=option]", has_text=text).first.click()  # type: ignore[attr-defined]
    idle(page)


def test_a_training_day(server: str, browser: object, shots: Path) -> None:
    from playwright.sync_api import expect

    requests: list[str] = []

    # 1. The admin imports the class into the demo cohort and gets the sheets.
    admin = _page(browser, server, requests)
    _login(admin, server, "admin", "admin")
    _open(admin, server, "admin_accounts")
    admin.get_by_text("Tuo koko ryhmä CSV-tiedostosta").click()  # type: ignore[attr-defined]
    idle(admin)
    _choose(admin, "admin_accounts_import_cohort", "Demo")
    admin.fill(".st-key-admin_accounts_import_text textarea", CLASS)  # type: ignore[attr-defined]
    admin.locator(".st-key-admin_accounts_import_text textarea").blur()  # type: ignore[attr-defined]
    idle(admin)
    admin.locator(".st-key-admin_accounts_import_submit button").click()  # type: ignore[attr-defined]
    idle(admin)
    expect(admin.locator(".st-key-admin_accounts_sheet_pdf")).to_be_visible()  # type: ignore[attr-defined]
    _shot(admin, shots, "01-luokan-tuonti")
    with admin.expect_download() as download:  # type: ignore[attr-defined]
        admin.locator(".st-key-admin_accounts_sheet_csv button").click()  # type: ignore[attr-defined]
    sheet = Path(download.value.path()).read_text(encoding="utf-8")
    aino = next(line for line in sheet.splitlines() if line.startswith("Aino Virtanen"))
    password = aino.split(",")[2]
    assert len(password) >= 12

    # 2. The mentor assigns the scenario to the cohort with a due date and a message.
    mentor = _page(browser, server, requests)
    _login(mentor, server, "mentor", "mentor")
    _open(mentor, server, "mentor_assign")
    _choose(mentor, "mentor_assign_scenario", "Furaha")
    # Streamlit's date field is three spin buttons (day, month, year) that advance as you type.
    mentor.locator(".st-key-mentor_assign_due [data-type=day]").click()  # type: ignore[attr-defined]
    mentor.keyboard.type("24122026")  # type: ignore[attr-defined]
    mentor.keyboard.press("Tab")  # type: ignore[attr-defined]
    idle(mentor)
    mentor.fill(".st-key-mentor_assign_note textarea", NOTE)  # type: ignore[attr-defined]
    mentor.locator(".st-key-mentor_assign_note textarea").blur()  # type: ignore[attr-defined]
    idle(mentor)
    _shot(mentor, shots, "02-tehtavan-antaminen")
    mentor.locator(".st-key-mentor_assign_submit button").click()  # type: ignore[attr-defined]
    idle(mentor)
    expect(mentor.locator("[data-testid=stAlertContentSuccess]").first).to_be_visible()  # type: ignore[attr-defined]
    expect(mentor.locator(".st-key-mentor_assign_note textarea")).to_have_value("")  # type: ignore[attr-defined]  # cleared

    # 3. A new trainee logs in with the sheet's password, chooses their own, sees the assignment.
    trainee = _page(browser, server, requests)
    _login(trainee, server, "aino.virtanen", password)
    trainee.locator(".st-key-settings_current_password input").fill(password)  # type: ignore[attr-defined]
    trainee.locator(".st-key-settings_new_password input").fill(NEW_PASSWORD)  # type: ignore[attr-defined]
    trainee.locator(".st-key-settings_confirm_password input").fill(NEW_PASSWORD)  # type: ignore[attr-defined]
    trainee.locator("[data-testid=stFormSubmitButton] button").click()  # type: ignore[attr-defined]
    idle(trainee)
    _open(trainee, server, "")  # the picker is the landing page
    card = trainee.locator(f".st-key-picker_card_{SCENARIO}")  # type: ignore[attr-defined]
    expect(card).to_contain_text("Määräpäivä 24.12.2026")
    expect(card).to_contain_text("Harjoitelkaa erityisesti avoimia kysymyksiä.")
    _shot(trainee, shots, "03-harjoittelijan-tehtava")
    card.locator(f".st-key-picker_start_{SCENARIO} button").click()
    trainee.wait_for_selector(CHAT_INPUT)  # type: ignore[attr-defined]
    idle(trainee)
    expect(trainee.locator(".st-key-practice_assignment")).to_contain_text("Harjoitelkaa")  # type: ignore[attr-defined]
    for reply in REPLIES:
        send(trainee, reply)
    _shot(trainee, shots, "04-harjoitus")
    trainee.locator(".st-key-practice_end_button button").click()  # type: ignore[attr-defined]
    idle(trainee)
    trainee.locator(".st-key-practice_end_yes button").click()  # type: ignore[attr-defined]
    trainee.wait_for_selector(".st-key-debrief_download_md")  # type: ignore[attr-defined]
    idle(trainee)
    engine_score = int(re.search(r"(\d+) / 100", trainee.locator("[data-testid=stMetric]").first.inner_text()).group(1))  # type: ignore[attr-defined,union-attr]

    # 4. The mentor follows progress, dismisses a finding, undoes it, and dismisses another.
    _open(mentor, server, "mentor_dashboard")
    _shot(mentor, shots, "05-ryhman-tulokset")
    _open(mentor, server, "mentor_review")
    _choose(mentor, "mentor_review_choose", "Aino")
    mentor.get_by_role("button", name="Hylkää").first.click()  # type: ignore[attr-defined]
    idle(mentor)
    mentor.get_by_text("Kone tulkitsi tilanteen väärin").click()  # type: ignore[attr-defined]
    idle(mentor)
    _shot(mentor, shots, "06-havainnon-hylkays")
    mentor.get_by_role("button", name="Hylkää havainto").click()  # type: ignore[attr-defined]
    idle(mentor)
    expect(mentor.get_by_text("Hylätty").first).to_be_visible()  # type: ignore[attr-defined]
    mentor.get_by_role("button", name="Peru hylkäys").click()  # type: ignore[attr-defined]
    idle(mentor)
    expect(mentor.get_by_text("Hylkäys peruttu").first).to_be_visible()  # type: ignore[attr-defined]
    mentor.get_by_role("button", name="Hylkää").first.click()  # type: ignore[attr-defined]
    idle(mentor)
    mentor.get_by_role("button", name="Hylkää havainto").click()  # type: ignore[attr-defined]
    idle(mentor)
    expect(mentor.get_by_text("Pisteet laskettiin uudelleen").first).to_be_visible()  # type: ignore[attr-defined]
    mentor.get_by_text("peruttu:").first.scroll_into_view_if_needed()  # type: ignore[attr-defined]
    _shot(mentor, shots, "07-korjaushistoria")

    # 5. The trainee sees the rescored debrief with the mentor's correction.
    _open(trainee, server, "debrief")
    rescored = int(re.search(r"(\d+) / 100", trainee.locator("[data-testid=stMetric]").first.inner_text()).group(1))  # type: ignore[attr-defined,union-attr]
    assert rescored < engine_score, "dismissing a kept principle lowers the score"
    expect(trainee.get_by_text("Mentorin palaute")).to_be_visible()  # type: ignore[attr-defined]
    _shot(trainee, shots, "08-palaute")
    trainee.get_by_text("Mentorin palaute").scroll_into_view_if_needed()  # type: ignore[attr-defined]
    _shot(trainee, shots, "09-mentorin-korjaus")
    _open(trainee, server, "cohort")
    _shot(trainee, shots, "10-ryhmavertailu")

    foreign = [url for url in requests if not url.startswith(server) and not url.startswith(LOCAL)]
    assert foreign == [], foreign
