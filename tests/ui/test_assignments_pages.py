"""AppTest: assignments where trainees work, the cohort chooser after "Luo ryhmä", and forms
that empty themselves after a successful submit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from simulator.content.library import get_library
from simulator.service import assignments, auth, cohorts
from simulator.store import Database
from simulator.ui.components.text import escape
from simulator.ui.i18n import translate

from .support import SCENARIO, go, need_scenario

NOTE = "Harjoittele erityisesti avoimia kysymyksiä. Keskustellaan torstaina."


@pytest.fixture(autouse=True)
def _content() -> None:
    need_scenario()


def fi(key: str, **params: object) -> str:
    return translate("fi", key, **params)


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.success]
    parts += [e.value for e in at.error] + [i.value for i in at.info] + [t.value for t in at.text]
    return "\n".join(str(p) for p in parts)


def _cohort_with_trainee(db: Database, name: str = "Kevät") -> int:
    mentor, _ = auth.login(db, "mentor", "mentor")
    admin, _ = auth.login(db, "admin", "admin")  # places an existing trainee (a mentor would invite)
    trainee, _ = auth.login(db, "trainee", "trainee")
    cohort = cohorts.create_cohort(db, mentor, name)
    cohorts.add_trainee(db, admin, cohort.id, trainee.user_id)
    return cohort.id


def _other_scenario() -> str:
    return next(s for s in sorted(get_library().scenarios) if s != SCENARIO and s.startswith("fi-"))


def test_the_card_and_the_practice_page_show_due_date_message_and_overdue(
    app: Callable[..., AppTest], login_token: Callable[..., str], ui_db: Database
) -> None:
    cohort_id = _cohort_with_trainee(ui_db)
    mentor, _ = auth.login(ui_db, "mentor", "mentor")
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    later = _other_scenario()
    assignments.assign(ui_db, mentor, later, cohort_id=cohort_id, due_date=date(2099, 1, 31), note="Myöhemmin.")
    assignments.assign(ui_db, mentor, SCENARIO, cohort_id=cohort_id, due_date=yesterday, note=NOTE)

    at = go(app(login_token("trainee")).run(), "picker")
    shown = _texts(at)
    overdue = fi("cohort.assigned_status", status=fi("cohort.status.overdue"))
    assert f":red-badge[{escape(overdue)}]" in shown, "overdue in red, with its word"
    assert escape(fi("picker.due", date=f"{yesterday.day}.{yesterday.month}.{yesterday.year}")) in shown
    assert escape(fi("picker.due", date="31.1.2099")) in shown, "the day the mentor chose, not the next one"
    assert escape(NOTE) in shown
    # assigned and due first: the overdue card before the one due in 2099
    headings = [m.value for m in at.markdown if m.value.startswith("#### ")]
    library = get_library()
    first, second = (f"#### {escape(library.scenario(s).title)}" for s in (SCENARIO, later))
    assert headings.index(first) < headings.index(second)

    at.button(key=f"picker_start_{SCENARIO}").click().run()
    assert not at.exception, at.exception
    shown = _texts(at)
    assert escape(NOTE) in shown and f":red-badge[{escape(overdue)}]" in shown, "the assignment tops the practice page"
    assert fi("practice.assignment_overdue") in shown


def test_the_picker_sorts_assigned_and_due_first() -> None:
    from simulator.service.assignments import MyAssignment
    from simulator.ui.components.assignment import by_scenario

    def mine(id_: int, scenario: str, status: str, due: datetime | None) -> MyAssignment:
        return MyAssignment(id=id_, scenario_id=scenario, title=scenario, due_date=due, note="", status=status,
                            cohort_name=None, created_at=datetime(2026, 1, 1, tzinfo=UTC))

    soon, late = datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 24, tzinfo=UTC)
    chosen = by_scenario([mine(1, "a", "done", soon), mine(2, "a", "not_started", late), mine(3, "b", "overdue", soon)])
    assert chosen["a"].id == 2, "an open assignment wins over a done one of the same scenario"
    assert chosen["b"].status == "overdue"


def test_after_creating_a_cohort_the_chooser_shows_it_and_the_form_is_empty(
    app: Callable[..., AppTest], login_token: Callable[..., str], ui_db: Database
) -> None:
    _cohort_with_trainee(ui_db, "Vanha ryhmä")
    at = go(app(login_token("mentor")).run(), "mentor_cohorts")
    old = at.selectbox(key="mentor_cohorts_choose").value
    at.text_input(key="mentor_cohorts_new_name").input("Syksy 2027")
    at.button(key="mentor_cohorts_create").click().run()
    assert not at.exception, at.exception
    chooser = at.selectbox(key="mentor_cohorts_choose")
    new = chooser.value
    assert new != old
    assert "Syksy 2027" in chooser.format_func(new)
    assert at.text_input(key="mentor_cohorts_new_name").value == ""
    assert escape(fi("mentor.cohorts.created", name="Syksy 2027")) in _texts(at)
    # the other mentor pages follow the cohort just created
    go(at, "mentor_assign")
    assert at.selectbox(key="mentor_assign_cohort").value == new


def test_a_new_account_shows_its_password_once_and_clears_the_form(
    app: Callable[..., AppTest], login_token: Callable[..., str], ui_db: Database
) -> None:
    _cohort_with_trainee(ui_db)
    at = go(app(login_token("mentor")).run(), "mentor_cohorts")
    at.text_input(key="mentor_cohorts_new_username").input("uusi.harjoittelija")
    at.text_input(key="mentor_cohorts_new_display").input("Uusi Harjoittelija")
    at.button(key="mentor_cohorts_new_create").click().run()
    assert escape(fi("mentor.cohorts.account_created", username="uusi.harjoittelija")) in _texts(at)
    assert at.code and len(at.code[0].value) >= 12
    assert at.text_input(key="mentor_cohorts_new_username").value == ""
    assert at.text_input(key="mentor_cohorts_new_display").value == ""
    at.run()
    assert not at.code, "the one-time password is shown once"


def test_assigning_clears_the_form_and_says_so(
    app: Callable[..., AppTest], login_token: Callable[..., str], ui_db: Database
) -> None:
    _cohort_with_trainee(ui_db)
    at = go(app(login_token("mentor")).run(), "mentor_assign")
    at.selectbox(key="mentor_assign_scenario").select(SCENARIO)
    at.date_input(key="mentor_assign_due").set_value(date(2027, 5, 4))
    at.text_area(key="mentor_assign_note").input(NOTE)
    at.run()
    at.button(key="mentor_assign_submit").click().run()
    assert not at.exception, at.exception
    assert at.success
    assert at.text_area(key="mentor_assign_note").value == ""
    assert at.date_input(key="mentor_assign_due").value is None
    row = at.dataframe[0].value.iloc[0]
    assert row[fi("mentor.assign.col_due")] == "4.5.2027", "the chosen day, not the next one in Helsinki"
    assert row[fi("mentor.assign.note")] == NOTE
