"""AppTest of the mentor pages: create a cohort, add a trainee, assign, review, correct,
comment, and the dashboard; trainees neither see these pages nor may run them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from simulator.service import auth, cohorts
from simulator.service.auth import Principal
from simulator.store import Database
from simulator.ui.components.text import escape
from simulator.ui.i18n import translate
from simulator.ui.navigation import specs_for
from simulator.ui.session import TEST_TOKEN_KEY

from .support import SCENARIO, finished_attempt, go, need_scenario

REPLIES = [
    "Hei, tervetuloa! Olen Maija. Meillä on tunti aikaa tänään.",
    "Mitä sinulle kuuluu? Kerro, mikä sinua mietityttää.",
    "Katson koneelta tietosi.",
]
MENTOR_PAGES = {"mentor_cohorts", "mentor_assign", "mentor_review", "mentor_dashboard"}


@pytest.fixture(autouse=True)
def _content() -> None:
    need_scenario()


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.success]
    parts += [e.value for e in at.error] + [i.value for i in at.info] + [t.value for t in at.text]
    parts += [h.value for h in at.subheader]
    return "\n".join(str(p) for p in parts)


def test_navigation_per_role(ui_db: Database) -> None:
    def names(role: str) -> set[str]:
        return {s.name for s in specs_for(Principal(1, role, role, "fi", role))}

    assert MENTOR_PAGES <= names("mentor") and MENTOR_PAGES <= names("admin")
    assert not MENTOR_PAGES & names("trainee")
    assert "cohort" in names("trainee") and "cohort" not in names("mentor")


def test_a_whole_round(app: Callable[..., AppTest], login_token: Callable[..., str], ui_db: Database) -> None:
    mentor_token = login_token("mentor")
    # create a cohort and add the demo trainee
    at = go(app(mentor_token).run(), "mentor_cohorts")
    at.text_input(key="mentor_cohorts_new_name").input("Kevään ryhmä")
    at.button(key="mentor_cohorts_create").click().run()
    assert not at.exception, at.exception
    assert at.selectbox(key="mentor_cohorts_choose").value is not None
    # the demo trainee was opened by SYSTEM, so she joins with the mentor's invitation code
    at.button(key="mentor_cohorts_invite").click().run()
    code = at.code[0].value
    trainee_page = go(app(login_token("trainee")).run(), "cohort")
    trainee_page.text_input(key="cohort_join_code").input(code)
    next(b for b in trainee_page.button if b.label == translate("fi", "cohort.join_button")).click().run()
    assert trainee_page.success, trainee_page.error
    at = go(app(mentor_token).run(), "mentor_cohorts")
    assert "Demo Harjoittelija" in at.dataframe[0].value.to_string()
    # a new account with a one-time password
    at.text_input(key="mentor_cohorts_new_username").input("uusi.harjoittelija")
    at.button(key="mentor_cohorts_new_create").click().run()
    assert at.code and len(at.code[0].value) >= 12

    # assign the scenario to the cohort
    at = go(app(mentor_token).run(), "mentor_assign")
    at.selectbox(key="mentor_assign_scenario").select(SCENARIO)
    at.text_area(key="mentor_assign_note").input("Harjoitelkaa ensi viikkoon mennessä")
    at.button(key="mentor_assign_submit").click().run()
    assert not at.exception, at.exception
    assert at.success and at.dataframe  # the assignment listing

    # the trainee sees it first, with its status, and completes it
    trainee_at = go(app(login_token("trainee")).run(), "picker")
    not_started = translate("fi", "cohort.assigned_status", status=translate("fi", "cohort.status.not_started"))
    assert f":orange-badge[{escape(not_started)}]" in _texts(trainee_at)
    attempt_id = finished_attempt(ui_db, "trainee", "trainee", REPLIES)

    # review: dismiss a finding and comment
    at = go(app(mentor_token).run(), "mentor_review")
    assert at.selectbox(key="mentor_review_choose").value == attempt_id
    dismiss = [b for b in at.button if str(b.key).startswith(f"mentor_review_dismiss_{attempt_id}_")]
    assert dismiss
    dismiss[0].click().run()
    assert not at.exception, at.exception
    confirm = next(b for b in at.button if str(b.key).endswith("_confirm"))  # the reason form opened
    confirm.click().run()
    assert not at.exception, at.exception
    assert "Demo Mentori" in _texts(at)  # the correction names its author
    at.text_area(key=f"mentor_review_comment_{attempt_id}_0").input("Lämmin alku!")
    at.button(key=f"mentor_review_comment_{attempt_id}_0_send").click().run()
    assert "Lämmin alku!" in _texts(at)

    # the dashboard shows the finished attempt
    at = go(app(mentor_token).run(), "mentor_dashboard")
    values = {m.label: m.value for m in at.metric}
    assert values[translate("fi", "mentor.dashboard.finished")] == "1"
    assert len(at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")) >= 3
    assert len(at.get("download_button")) == 2

    # the trainee's debrief shows the mentor's comment and correction
    trainee_at = app(login_token("trainee")).run()
    trainee_at.query_params["attempt"] = str(attempt_id)
    go(trainee_at, "debrief")
    shown = _texts(trainee_at)
    assert translate("fi", "mentor.debrief.heading") in shown and "Lämmin alku!" in shown


def test_trainee_opening_a_mentor_page_directly_is_refused(ui_db: Database, login_token: Callable[..., str]) -> None:
    token = login_token("trainee")
    for name in sorted(MENTOR_PAGES):
        at = AppTest.from_string(
            f"from simulator.ui.pages import {name}\n{name}.render()\n", default_timeout=30
        )
        at.session_state[TEST_TOKEN_KEY] = token
        at.run()
        assert not at.exception, at.exception
        assert translate("fi", "mentor.error.mentor_only") in [e.value for e in at.error], name
        assert not at.get("download_button") and not at.dataframe


def test_other_mentor_cannot_open_the_cohort(ui_db: Database, login_token: Callable[..., str]) -> None:
    from simulator.service import users
    from simulator.service.auth import SYSTEM

    mentor, _ = auth.login(ui_db, "mentor", "mentor")
    cohort = cohorts.create_cohort(ui_db, mentor, "Oma")
    users.create_user(ui_db, SYSTEM, "toinen", "toinen-salasana", "mentor")
    at = AppTest.from_string("from simulator.ui.pages import mentor_dashboard\nmentor_dashboard.render()\n",
                             default_timeout=30)
    at.session_state[TEST_TOKEN_KEY] = login_token("toinen", "toinen-salasana")
    at.session_state["mentor_cohort_id"] = cohort.id
    at.run()
    assert translate("fi", "mentor.no_cohorts") in [i.value for i in at.info]  # their list is empty
