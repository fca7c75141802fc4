"""AppTest of the progress page: empty state, charts and best/latest per scenario."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from simulator.service import auth, practice
from simulator.store import Database
from simulator.ui.i18n import translate

from .support import SCENARIO, go, need_scenario


@pytest.fixture(autouse=True)
def _content() -> None:
    need_scenario()


def test_progress_empty(app: Callable[..., AppTest], login_token: Callable[..., str]) -> None:
    at = go(app(login_token("trainee")).run(), "progress")
    assert translate("fi", "progress.empty") in [i.value for i in at.info]


def test_progress_charts_and_per_scenario(
    app: Callable[..., AppTest], login_token: Callable[..., str], ui_db: Database
) -> None:
    principal, _ = auth.login(ui_db, "trainee", "trainee")
    for replies in (["Hei."], ["Hei, tervetuloa! Olen Maija.", "Mitä sinulle kuuluu?"]):
        view = practice.start_attempt(ui_db, principal, SCENARIO, seed=1)
        for text in replies:
            practice.reply(ui_db, principal, view.id, text)
        practice.end_attempt(ui_db, principal, view.id)
    at = go(app(login_token("trainee")).run(), "progress")
    assert translate("fi", "progress.title") in [t.value for t in at.title]
    assert len(at.get("vega_lite_chart")) == 3  # overall, stages, principles
    labels = [m.label for m in at.metric]
    assert translate("fi", "progress.finished_count") in labels
    finished = next(m for m in at.metric if m.label == translate("fi", "progress.finished_count"))
    assert finished.value == "2"
    assert at.button(key=f"progress_open_{SCENARIO}")
    at.button(key=f"progress_open_{SCENARIO}").click().run()
    assert translate("fi", "debrief.title") in [t.value for t in at.title]
