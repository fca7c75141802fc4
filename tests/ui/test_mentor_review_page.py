"""AppTest of the mentor's review: dismiss with a reason, undo it, remove an added finding;
each change rescored, shown with a success line, and kept in the reply's history; the
trainee's debrief shows the rescored result."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from simulator.service import auth, cohorts, debrief
from simulator.store import Database
from simulator.ui.components.text import escape
from simulator.ui.i18n import translate

from .support import finished_attempt, go, need_scenario

REPLIES = [
    "Hei, tervetuloa! Olen Maija. Meillä on tunti aikaa tänään.",
    "Mitä sinulle kuuluu? Kerro, mikä sinua mietityttää.",
]


@pytest.fixture(autouse=True)
def _content() -> None:
    need_scenario()


def fi(key: str, **params: object) -> str:
    return translate("fi", key, **params)


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.success]
    parts += [e.value for e in at.error] + [t.value for t in at.text]
    return "\n".join(str(p) for p in parts)


@pytest.fixture
def reviewed(ui_db: Database) -> int:
    mentor, _ = auth.login(ui_db, "mentor", "mentor")
    admin, _ = auth.login(ui_db, "admin", "admin")
    trainee, _ = auth.login(ui_db, "trainee", "trainee")
    cohort = cohorts.create_cohort(ui_db, mentor, "Arvioitavat")
    cohorts.add_trainee(ui_db, admin, cohort.id, trainee.user_id)
    return finished_attempt(ui_db, "trainee", "trainee", REPLIES)


def _dismiss_buttons(at: AppTest, attempt_id: int) -> list:
    return [b for b in at.button if str(b.key).startswith(f"mentor_review_dismiss_{attempt_id}_")]


def test_dismiss_asks_why_and_can_be_undone(
    app: Callable[..., AppTest], login_token: Callable[..., str], ui_db: Database, reviewed: int
) -> None:
    trainee, _ = auth.login(ui_db, "trainee", "trainee")
    engine_overall = debrief.debrief(ui_db, trainee, reviewed).report.overall
    at = go(app(login_token("mentor")).run(), "mentor_review")
    first = _dismiss_buttons(at, reviewed)[0]
    assert first.label == fi("mentor.review.dismiss") and first.label != "Poista"
    first.click().run()
    reason = next(r for r in at.radio if str(r.key).endswith("_reason"))
    assert list(reason.options) == [fi(f"mentor.review.reason.{c}") for c in
                                    ("not_in_reply", "misread", "wrong_words", "other")]
    reason.set_value("other").run()
    next(b for b in at.button if str(b.key).endswith("_confirm")).click().run()
    assert escape(fi("mentor.error.dismiss_reason_needs_note")) in _texts(at), "another reason needs its words"
    next(t for t in at.text_input if str(t.key).endswith("_note")).input("Tervehdys oli kohtelias muoto.")
    next(b for b in at.button if str(b.key).endswith("_confirm")).click().run()
    assert not at.exception, at.exception
    shown = _texts(at)
    assert f":gray-badge[{escape(fi('mentor.review.dismissed'))}]" in shown
    assert escape(fi("mentor.review.reason.other")) in shown and "Tervehdys oli kohtelias muoto." in shown
    dismissed_score = debrief.debrief(ui_db, trainee, reviewed).report.overall
    assert escape(fi("mentor.review.rescored", overall=dismissed_score)) in shown

    undo = next(b for b in at.button if str(b.key).endswith("_undo"))
    assert undo.label == fi("mentor.review.undo_dismiss")
    undo.click().run()
    shown = _texts(at)
    assert escape(fi("mentor.review.undone_dismiss", overall=engine_overall)) in shown
    assert fi("mentor.review.withdrawn", author="Demo Mentori", date="")[:8] in shown, "kept in the history"
    assert debrief.debrief(ui_db, trainee, reviewed).report.overall == engine_overall


def test_an_added_finding_can_be_removed_on_the_page(
    app: Callable[..., AppTest], login_token: Callable[..., str], ui_db: Database, reviewed: int
) -> None:
    at = go(app(login_token("mentor")).run(), "mentor_review")
    add = next(s for s in at.selectbox if str(s.key).startswith(f"mentor_review_add_{reviewed}_1"))
    assert add.value is not None  # the first principle the reply could have shown or broken
    add_key = str(add.key)
    at.button(key=f"{add_key}_send").click().run()
    assert not at.exception, at.exception
    remove = [b for b in at.button if str(b.key).endswith("_remove")]
    assert [b.label for b in remove] == [fi("mentor.review.remove_added")]
    remove[0].click().run()
    assert not at.exception, at.exception
    assert not [b for b in at.button if str(b.key).endswith("_remove")]
    assert fi("mentor.review.withdrawn", author="Demo Mentori", date="")[:8] in _texts(at)
