"""Two real browser tabs on one attempt send at the same moment (issue 11, item 6).

The probe stored the same reply twice when two tabs sent it at once (1-2 of 5 rounds), and
a refused tab dropped the typed text. The AppTest case runs the tabs one after the other;
only a served app shows what happens when two script runs race over one attempt. One
login (one browser context, so both tabs carry the same cookie), one attempt open in two
tabs, and over several rounds both tabs send: the same text (stored once; both tabs then
show it once), or different texts (one stored; the other tab says so and keeps its text).
The database is read directly, never the page, for what was stored. On SQLite and on
PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from harness import BROWSER_MARKS, CHAT_INPUT, CHAT_MESSAGE, SCENARIO, idle, login, seed_demo, server_env, servers

from simulator.store import Database
from simulator.store import attempts as attempt_repo

pytestmark = BROWSER_MARKS
SHOTS = Path("/tmp/kohtaamo-two-tabs")
SAME_TEXT_ROUNDS = (
    "Hei ja tervetuloa! Olen Anna, työllisyyspalveluiden asiantuntija. Meillä on tunti aikaa.",
    "Miten sinulla menee? Kerro vapaasti, mikä sinulle on nyt tärkeintä.",
    "Kuulostaa siltä, että lasten hoito mietityttää sinua. Kertoisitko siitä lisää?",
    "Ymmärrän. Mitä toivoisit, että tänään ehdittäisiin käydä läpi?",
)
DIFFERENT_TEXT_ROUNDS = (
    ("Kerro vielä, miten arkesi nyt sujuu.", "Mikä sinua eniten askarruttaa juuri nyt?"),
    ("Mitä kieltä haluaisit käyttää tapaamisissa?", "Onko sinulla kysyttävää tähän mennessä?"),
)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """``streamlit run`` over a fresh database with the demo accounts; (base URL, database URL)."""
    workdir = tmp_path_factory.mktemp(f"e2e-two-tabs-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{workdir / 'kohtaamo.db'}"
    else:
        new_database: Callable[[], str] = request.getfixturevalue("pg_new_database")
        url = new_database()
    env = server_env(url)
    seed_demo(env)
    with servers(env, [workdir / "streamlit.log"]) as (base,):
        yield base, url


def _stored(url: str, attempt_id: int) -> list[str]:
    """The replies of the attempt as the database holds them, in turn order."""
    db = Database(url)
    try:
        with db.read() as session:
            return [turn.reply for turn in attempt_repo.list_turns(session, attempt_id)]
    finally:
        db.dispose()


def _as_typed(text: str) -> re.Pattern[str]:
    return re.compile(r"\s+".join(re.escape(word) for word in text.split()))


def _send_both(first: object, second: object, texts: tuple[str, str]) -> None:
    """Type into both tabs, then press Enter in both back to back (a few ms apart)."""
    for page, text in zip((first, second), texts, strict=True):
        page.fill(CHAT_INPUT, text)  # type: ignore[attr-defined]
    for page in (first, second):
        page.press(CHAT_INPUT, "Enter")  # type: ignore[attr-defined]
    for page in (first, second):
        idle(page)


def test_two_tabs_sending_at_once_store_one_reply_and_lose_no_text(
    served: tuple[str, str], browser: object, request: pytest.FixtureRequest
) -> None:
    from playwright.sync_api import expect

    base, url = served
    SHOTS.mkdir(exist_ok=True)
    label = request.node.callspec.id
    context, first = login(browser, base, "trainee")
    try:
        first.locator(f".st-key-picker_start_{SCENARIO} button").click()  # type: ignore[attr-defined]
        first.wait_for_selector(CHAT_INPUT)  # type: ignore[attr-defined]
        idle(first)
        match = re.search(r"attempt=(\d+)", first.url)  # type: ignore[attr-defined]
        assert match, first.url  # type: ignore[attr-defined]
        attempt_id = int(match.group(1))
        second = context.new_page()  # type: ignore[attr-defined]  # same context: the same login
        second.goto(first.url)  # type: ignore[attr-defined]
        idle(second)
        second.wait_for_selector(CHAT_INPUT)
        opening = 1
        expected: list[str] = []

        for number, text in enumerate(SAME_TEXT_ROUNDS, start=1):
            _send_both(first, second, (text, text))
            expected.append(text)
            assert _stored(url, attempt_id) == expected, f"round {number}: the same submission stored twice?"
            for tab in (first, second):  # both show the reply once, and no error
                messages = tab.locator(CHAT_MESSAGE)  # type: ignore[attr-defined]
                expect(messages).to_have_count(opening + 2 * len(expected))
                expect(messages.nth(opening + 2 * len(expected) - 2)).to_contain_text(_as_typed(text))
                expect(tab.locator("[data-testid=stAlert]")).to_have_count(0)  # type: ignore[attr-defined]
        first.screenshot(path=str(SHOTS / f"{label}-same-first.png"), full_page=True)  # type: ignore[attr-defined]
        second.screenshot(path=str(SHOTS / f"{label}-same-second.png"), full_page=True)

        for number, texts in enumerate(DIFFERENT_TEXT_ROUNDS, start=1):
            _send_both(first, second, texts)
            stored = _stored(url, attempt_id)
            assert stored[:-1] == expected and len(stored) == len(expected) + 1, f"round {number}: {stored}"
            winner = texts.index(stored[-1])
            expected.append(stored[-1])
            refused, refused_text = (second, texts[1]) if winner == 0 else (first, texts[0])
            # The refused tab says why and keeps what was typed, to copy into the next reply.
            expect(refused.locator("[data-testid=stAlert]")).to_have_count(1)  # type: ignore[attr-defined]
            expect(refused.locator("[data-testid=stCode]")).to_contain_text(refused_text)  # type: ignore[attr-defined]
            refused.screenshot(path=str(SHOTS / f"{label}-refused-{number}.png"), full_page=True)  # type: ignore[attr-defined]
            for tab in (first, second):  # both tabs show the conversation as stored
                expect(tab.locator(CHAT_MESSAGE)).to_have_count(opening + 2 * len(expected))  # type: ignore[attr-defined]
        assert _stored(url, attempt_id) == expected
    except BaseException:
        for index, page in enumerate(context.pages):  # type: ignore[attr-defined]
            page.screenshot(path=str(SHOTS / f"{label}-failure-{index}.png"), full_page=True)
        raise
    finally:
        context.close()  # type: ignore[attr-defined]
