"""AppTest of the trainee's cohort view: own position, no other trainee's name, sharing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from simulator.service import auth, cohorts, sharing, users
from simulator.service.auth import SYSTEM
from simulator.store import Database
from simulator.ui.i18n import translate

from .support import finished_attempt, go, need_scenario


@pytest.fixture(autouse=True)
def _content() -> None:
    need_scenario()


def _two_person_cohort(ui_db: Database) -> None:
    mentor, _ = auth.login(ui_db, "mentor", "mentor")
    cohort = cohorts.create_cohort(ui_db, mentor, "Ryhmä")
    users.create_user(ui_db, SYSTEM, "salainen", "salainen-123", "trainee", display_name="Salainen Sanna")
    me = auth.login(ui_db, "trainee", "trainee")[0]
    for member in (me, auth.login(ui_db, "salainen", "salainen-123")[0]):
        cohorts.join_cohort(ui_db, member, cohorts.create_invitation(ui_db, mentor, cohort.id).code)
    finished_attempt(ui_db, "trainee", "trainee", ["Hei, tervetuloa! Olen Maija.", "Mitä sinulle kuuluu?"])
    theirs = finished_attempt(ui_db, "salainen", "salainen-123", ["Katson koneelta tietosi."])

    sharing.share_attempt(ui_db, auth.login(ui_db, "salainen", "salainen-123")[0], theirs)


def test_cohort_view_is_anonymous_and_sharing_works(
    app: Callable[..., AppTest], login_token: Callable[..., str], ui_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from simulator.service import policy

    monkeypatch.setenv(policy.MIN_COMPARISON_ENV, "2")  # positions allowed for this two-person cohort
    _two_person_cohort(ui_db)
    at = go(app(login_token("trainee")).run(), "cohort")
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    table = at.dataframe[0].value.to_string()
    assert translate("fi", "cohort.rank", rank=1, of=2) in table or translate("fi", "cohort.rank", rank=2, of=2) in table
    shown = "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.text])
    assert "Katson koneelta tietosi." in shown  # the shared attempt can be read
    everything = shown + table + "\n".join(str(s.options) for s in at.selectbox)
    assert "Salainen" not in everything and "salainen" not in everything

    at.button(key="cohort_share_button").click().run()
    assert translate("fi", "cohort.shared_ok") in [s.value for s in at.success]


def test_a_small_cohort_shows_no_positions(
    app: Callable[..., AppTest], login_token: Callable[..., str], ui_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from simulator.service import policy

    monkeypatch.delenv(policy.MIN_COMPARISON_ENV, raising=False)
    _two_person_cohort(ui_db)
    at = go(app(login_token("trainee")).run(), "cohort")
    assert translate("fi", "cohort.aggregates_only", min=5) in [i.value for i in at.info]
    assert not (at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")), "no distribution to spot others in"
    table = at.table[0].value
    assert translate("fi", "cohort.col_rank") not in table.columns
    assert "1/2" not in table.to_string() and translate("fi", "cohort.rank", rank=1, of=2) not in table.to_string()


def test_cohort_page_without_a_cohort(app: Callable[..., AppTest], login_token: Callable[..., str]) -> None:
    at = go(app(login_token("trainee")).run(), "cohort")
    assert translate("fi", "cohort.none") in [i.value for i in at.info]


def test_trainee_joins_with_a_code_and_sees_the_record(
    app: Callable[..., AppTest], login_token: Callable[..., str], ui_db: Database
) -> None:
    """Consent: the trainee enters the mentor's code; the join, and the mentor's later read of
    her attempt, appear under "Who has handled your data" in her settings."""
    mentor, _ = auth.login(ui_db, "mentor", "mentor")
    cohort = cohorts.create_cohort(ui_db, mentor, "Kevät *2026*")
    code = cohorts.create_invitation(ui_db, mentor, cohort.id).code
    at = go(app(login_token("trainee")).run(), "cohort")
    at.text_input(key="cohort_join_code").input("wrong-code")
    submit = next(b for b in at.button if b.label == translate("fi", "cohort.join_button"))
    submit.click().run()
    assert translate("fi", "common.error.invitation_invalid") in [e.value for e in at.error]
    at.text_input(key="cohort_join_code").input(code.lower())
    next(b for b in at.button if b.label == translate("fi", "cohort.join_button")).click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [translate("fi", "cohort.joined", name="Kevät \\*2026\\*")]
    attempt = finished_attempt(ui_db, "trainee", "trainee", ["Hei, tervetuloa! Olen Maija."])
    from simulator.service import review

    review.open_attempt(ui_db, mentor, attempt)
    settings = go(app(login_token("trainee")).run(), "settings")
    table = settings.dataframe[0].value.to_string()
    assert translate("fi", "privacy.action.joined_by_invitation") in table
    assert translate("fi", "privacy.action.read_attempt") in table and "mentor" in table
