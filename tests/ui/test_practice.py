"""AppTest of the practice page: a whole attempt to the debrief, resuming in a new session,
the hint and reply limits, user text shown literally, and another trainee's attempt refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from simulator.content.library import get_library
from simulator.service import auth, formatting, practice, users
from simulator.service.auth import SYSTEM
from simulator.store import Database
from simulator.ui.components.text import escape
from simulator.ui.i18n import translate

from .support import SCENARIO, go, need_scenario

REPLIES = [
    "Hei, tervetuloa! Olen Maija. Meillä on tunti aikaa tänään.",
    "Mitä sinulle kuuluu? Kerro, mikä sinua mietityttää.",
    "Kuulostaa siltä, että olet huolissasi lapsista.",
    "Mistä muusta haluaisit vielä tänään puhua?",
    "Kerron nyt, miten kurssi toimii. Lapsille on päiväkoti, ja se maksaa vähän.",
    "Sovitaan seuraava askel: tulet ensi viikolla uudestaan. Eli yhteenvetona: haet kurssille.",
    "Kiitos, että tulit! Hyvin menee.",
]


@pytest.fixture(autouse=True)
def _content() -> None:
    need_scenario()


def fi(key: str, **params: object) -> str:
    return translate("fi", key, **params)


def texts(at: AppTest) -> str:
    """Everything the run shows as text (markdown, captions, alerts, titles), joined."""
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption] + [e.value for e in at.title]
    parts += [e.value for e in at.error] + [e.value for e in at.info] + [e.value for e in at.warning]
    return "\n".join(str(p) for p in parts)


def start_attempt(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    at.button(key=f"picker_start_{SCENARIO}").click().run()
    assert not at.exception, at.exception
    return at


def send(at: AppTest, text: str) -> AppTest:
    at.chat_input(key="practice_input").set_value(text).run()
    assert not at.exception, at.exception
    return at


def user_messages(at: AppTest) -> list:
    return [m for m in at.chat_message if m.name == "user"]


def test_full_attempt_to_the_debrief(app: Callable[..., AppTest], login_token: Callable[..., str]) -> None:
    at = start_attempt(app(login_token("trainee")))
    scenario = get_library().scenario(SCENARIO)
    assert escape(scenario.title) in [t.value for t in at.title]  # shown as inert text
    assert len(at.chat_message) == 1  # the opening line
    for number, reply in enumerate(REPLIES[:6], start=1):
        send(at, reply)
        assert len(user_messages(at)) == number
    shown = texts(at)
    assert fi("practice.ladder_title") in shown
    assert any(m.label == fi("practice.trust_title") for m in at.metric)
    assert any(m.label == fi("practice.count_open") for m in at.metric)
    # compact feedback highlights the trainee's own words
    assert ":green-background[" in shown
    at.button(key="practice_end_button").click().run()
    at.button(key="practice_end_yes").click().run()
    assert not at.exception, at.exception
    assert fi("debrief.title") in [t.value for t in at.title]
    labels = [m.label for m in at.metric]
    assert fi("debrief.overall") in labels
    assert len(at.get("vega_lite_chart")) >= 1
    shown = texts(at)
    assert fi("debrief.strengths") in shown and fi("debrief.outcomes") in shown
    assert "Asiakas ajatteli" in shown  # inner thoughts in the transcript


def test_attempt_resumes_in_a_new_session(app: Callable[..., AppTest], login_token: Callable[..., str]) -> None:
    at = start_attempt(app(login_token("trainee")))
    for reply in REPLIES[:3]:
        send(at, reply)
    before = [m.markdown[0].value for m in at.chat_message if m.markdown]
    # A browser refresh is a new session: a new AppTest run with a fresh login token.
    again = app(login_token("trainee"))
    again.run()
    again.button(key=f"picker_continue_{SCENARIO}").click().run()
    assert not again.exception, again.exception
    after = [m.markdown[0].value for m in again.chat_message if m.markdown]
    assert after == before
    send(again, REPLIES[3])
    assert len(user_messages(again)) == 4


def test_practice_page_opens_the_attempt_in_progress_without_choosing(
    app: Callable[..., AppTest], login_token: Callable[..., str], ui_db: Database
) -> None:
    principal, token = auth.login(ui_db, "trainee", "trainee")
    view = practice.start_attempt(ui_db, principal, SCENARIO, seed=1)
    practice.reply(ui_db, principal, view.id, REPLIES[0])
    at = app(token)
    at.run()
    go(at, "practice")  # the sidebar link: no attempt chosen, the one in progress opens
    assert len(user_messages(at)) == 1
    assert at.session_state["practice_attempt_id"] == view.id


def test_hint_limit(app: Callable[..., AppTest], login_token: Callable[..., str]) -> None:
    at = start_attempt(app(login_token("trainee")))
    for used in range(1, practice.MAX_HINTS + 1):
        at.button(key="practice_hint_button").click().run()
        assert not at.exception, at.exception
        assert any(fi("practice.hint_text", text="")[:6] in i.value for i in at.info)
        library = get_library()
        cost = library.rubric_for(library.scenario(SCENARIO)).scoring.hint_cost
        label = at.button(key="practice_hint_button").label
        assert f"({practice.MAX_HINTS - used} jäljellä)" in label, label
        assert f"−{formatting.short_number(cost, 'fi')} " in label, "the price is on the button, not only in a tooltip"
    assert at.button(key="practice_hint_button").disabled
    assert fi("practice.hint_none_left", max=practice.MAX_HINTS) in texts(at)


def test_reply_limit_and_empty_reply(app: Callable[..., AppTest], login_token: Callable[..., str]) -> None:
    at = start_attempt(app(login_token("trainee")))
    long = "a" * (practice.MAX_REPLY_CHARS + 1)
    send(at, long)
    assert len(user_messages(at)) == 0
    assert fi("practice.error.too_long", max=practice.MAX_REPLY_CHARS, length=len(long)) in [e.value for e in at.error]
    assert any(c.value == long for c in at.code)  # kept for the trainee to shorten
    send(at, "   ")
    assert len(user_messages(at)) == 0
    assert fi("practice.error.empty") in [i.value for i in at.info]
    send(at, "b" * practice.MAX_REPLY_CHARS)  # exactly the limit is fine
    assert len(user_messages(at)) == 1


def test_markup_in_a_reply_is_shown_literally(app: Callable[..., AppTest], login_token: Callable[..., str]) -> None:
    at = start_attempt(app(login_token("trainee")))
    reply = "<script>alert('x')</script> [link](http://x) **bold** $x$ :red[r]"
    send(at, reply)
    (message,) = user_messages(at)
    body = message.markdown[0]
    assert not body.allow_html
    assert "<script>" not in body.value  # escaped: \<script\>
    assert body.value.startswith("\\<script\\>")
    # Unescaping the Markdown gives back exactly what was typed (the invisible word joiner
    # that keeps "http://x" from becoming a link aside).
    import re

    assert re.sub(r"\\(.)", r"\1", body.value).replace("\u2060", "") == reply
    for element in at.markdown:
        assert not (element.allow_html and "script" in element.value)


def test_a_trainee_cannot_open_another_trainees_attempt(
    app: Callable[..., AppTest], login_token: Callable[..., str], ui_db: Database
) -> None:
    users.create_user(ui_db, SYSTEM, "toinen", "toinen-salasana", "trainee")
    owner, _ = auth.login(ui_db, "toinen", "toinen-salasana")
    theirs = practice.start_attempt(ui_db, owner, SCENARIO, seed=1)
    practice.reply(ui_db, owner, theirs.id, "Salainen vastaus, jota muut eivät saa nähdä.")
    at = app(login_token("trainee"))
    at.run()
    at.session_state["practice_attempt_id"] = theirs.id
    go(at, "practice")
    shown = texts(at)
    assert fi("practice.error.not_your_attempt") in [e.value for e in at.error]
    assert "Salainen" not in shown
    assert not at.chat_input  # nothing to type into


def test_the_hint_survives_a_refresh_and_leaves_with_its_stage(
    app: Callable[..., AppTest], login_token: Callable[..., str]
) -> None:
    at = start_attempt(app(login_token("trainee")))
    at.button(key="practice_hint_button").click().run()
    hint_prefix = fi("practice.hint_text", text="")
    shown = [i.value for i in at.info if i.value.startswith(hint_prefix)]
    assert len(shown) == 1
    again = app(login_token("trainee"))  # a refresh: a new session, nothing kept in memory
    again.run()
    again.button(key=f"picker_continue_{SCENARIO}").click().run()
    assert [i.value for i in again.info if i.value.startswith(hint_prefix)] == shown, "the same hint after a refresh"


def test_the_ladder_names_each_steps_status(app: Callable[..., AppTest], login_token: Callable[..., str]) -> None:
    at = start_attempt(app(login_token("trainee")))
    shown = texts(at)
    assert fi("practice.ladder_status.current") in shown and fi("practice.ladder_status.ahead") in shown
    for reply in REPLIES[:3]:
        send(at, reply)
    assert fi("practice.ladder_status.visited") in texts(at)


def test_step_and_trust_are_also_above_the_chat(app: Callable[..., AppTest], login_token: Callable[..., str]) -> None:
    """The phone's view: the sidebar is a drawer there, so the main column repeats both."""
    at = start_attempt(app(login_token("trainee")))
    shown = texts(at)
    assert fi("practice.compact_stage", n=1, total=4, stage="Empatiavaihe") in shown
    assert any(fi("practice.compact_trust", trust="", band="").split("{")[0][:12] in (p.proto.text or "")
               for p in at.get("progress"))


def test_the_favicon_is_bundled() -> None:
    from simulator.ui import navigation

    assert navigation.FAVICON.is_file() and navigation.FAVICON.read_bytes().startswith(b"\x89PNG")



def test_two_tabs_store_the_same_reply_once_and_a_refused_tab_keeps_its_text(
    app: Callable[..., AppTest], login_token: Callable[..., str], ui_db: Database
) -> None:
    """Issue 11: two tabs sending the same text at once stored it twice, and a refused tab
    dropped the typed text. Each tab answers the conversation it showed."""
    token = login_token("trainee")
    first = start_attempt(app(token))
    attempt_id = first.session_state["practice_attempt_id"]
    second = app(token)
    second.run()
    second.session_state["practice_attempt_id"] = attempt_id
    go(second, "practice")  # both tabs now show the opening line only
    same = "Hei, tervetuloa! Olen Maija ja autan sinua tänään."
    send(first, same)
    send(second, same)  # the second tab's copy of the same submission
    principal = auth.login(ui_db, "trainee", "trainee")[0]
    stored = [turn.reply for turn in practice.get_attempt(ui_db, principal, attempt_id).turns]
    assert stored == [same], stored
    other = "Kerro, mikä sinut toi tänne."
    third = app(token)
    third.run()
    third.session_state["practice_attempt_id"] = attempt_id
    go(third, "practice")  # shows one reply
    send(first, "Miten voit tänään?")  # the first tab moves on
    send(third, other)  # answers a conversation that is no longer there
    assert fi("practice.error.stale") in [e.value for e in third.error]
    assert other in [c.value for c in third.code]  # the typed text is kept
    # ... and the tab shows where the meeting is, as the message says, so its next reply
    # answers that. (The race where the other turn lands during this tab's own run is only
    # reproduced in a real browser: tests/e2e/test_browser_two_tabs.py.)
    assert any("Miten voit tänään" in m.value for m in third.markdown)
    send(third, other)
    stored = [turn.reply for turn in practice.get_attempt(ui_db, principal, attempt_id).turns]
    assert stored == [same, "Miten voit tänään?", other]
