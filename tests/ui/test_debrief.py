"""AppTest of the debrief page: scores, chart, outcomes, transcript, comparison, downloads."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from simulator.service import users
from simulator.service.auth import SYSTEM
from simulator.store import Database
from simulator.ui.i18n import translate

from .support import finished_attempt, go, need_scenario

REPLIES = [
    "Hei, tervetuloa! Olen Maija. Meillä on tunti aikaa tänään.",
    "Mitä sinulle kuuluu? Kerro, mikä sinua mietityttää.",
    "Kuulostaa siltä, että olet huolissasi lapsista.",
    "Sovitaan seuraava askel: tulet ensi viikolla uudestaan. Eli yhteenvetona: haet kurssille.",
]


@pytest.fixture(autouse=True)
def _content() -> None:
    need_scenario()


def test_debrief_shows_scores_chart_outcomes_transcript_comparison_and_downloads(
    app: Callable[..., AppTest], login_token: Callable[..., str], ui_db: Database
) -> None:
    finished_attempt(ui_db, "trainee", "trainee", REPLIES[:2])
    latest = finished_attempt(ui_db, "trainee", "trainee", REPLIES)
    at = go(app(login_token("trainee")).run(), "debrief")
    assert translate("fi", "debrief.title") in [t.value for t in at.title]
    assert at.session_state["debrief_attempt_id"] == latest  # the newest opens by default
    labels = [m.label for m in at.metric]
    assert translate("fi", "debrief.overall") in labels and len(labels) >= 5
    assert at.get("vega_lite_chart")
    shown = "\n".join(m.value for m in at.markdown) + "\n".join(c.value for c in at.caption)
    assert translate("fi", "debrief.outcomes") in shown
    assert translate("fi", "debrief.client_needs") in shown  # the real question and key points
    # Every outcome says met / not met in words (an icon alone needs an emoji font).
    met, not_met = translate("fi", "debrief.outcome_met"), translate("fi", "debrief.outcome_not_met")
    assert shown.count(f"**{met}**") + shown.count(f"**{not_met}**") >= 4
    assert "Asiakas ajatteli" in shown
    table = at.table[0].value  # the first / best / latest table
    assert "None" not in table.to_string() and "nan" not in table.to_string()
    assert at.selectbox(key="debrief_chooser").value == latest
    downloads = [e for e in at.get("download_button")]
    assert len(downloads) == 3


def test_a_trainee_cannot_open_another_trainees_debrief(
    app: Callable[..., AppTest], login_token: Callable[..., str], ui_db: Database
) -> None:
    users.create_user(ui_db, SYSTEM, "toinen", "toinen-salasana", "trainee")
    theirs = finished_attempt(ui_db, "toinen", "toinen-salasana", ["Salainen vastaus numero yksi."])
    at = app(login_token("trainee")).run()
    at.query_params["attempt"] = str(theirs)
    go(at, "debrief")
    assert translate("fi", "debrief.error.not_your_attempt") in [e.value for e in at.error]
    shown = "\n".join(m.value for m in at.markdown)
    assert "Salainen" not in shown
    assert not at.get("download_button")


def test_debrief_without_finished_attempts(app: Callable[..., AppTest], login_token: Callable[..., str]) -> None:
    at = go(app(login_token("trainee")).run(), "debrief")
    assert translate("fi", "debrief.none") in [i.value for i in at.info]


def test_an_unmet_outcome_names_the_reason_that_applied(
    app: Callable[..., AppTest], login_token: Callable[..., str], ui_db: Database
) -> None:
    finished_attempt(ui_db, "trainee", "trainee", REPLIES[:1])  # ended in the first stage
    at = go(app(login_token("trainee")).run(), "debrief")
    shown = "\n".join(m.value for m in at.markdown)
    assert translate("fi", "debrief.outcome_reason.no_farewell") in shown
    assert translate("fi", "debrief.outcome_reason.no_reflection") in shown
    # not the rule's generic either/or sentence
    assert "tai tapaaminen päättyi ennen hyvästelyä" not in shown
