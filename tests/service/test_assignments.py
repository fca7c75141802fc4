"""Assignments and their status per trainee: not started, in progress, done, overdue."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_cohorts_world import SCENARIO, join, need_scenario, play, principal  # noqa: E402

from simulator.service import catalogue
from simulator.content.library import get_library  # noqa: E402
from simulator.service import assignments, cohorts, practice  # noqa: E402
from simulator.service.errors import InvalidInput, NotFound  # noqa: E402
from simulator.store import Database  # noqa: E402


@pytest.fixture(autouse=True)
def _content() -> None:
    need_scenario()


def test_status_rule() -> None:
    now = datetime(2025, 6, 2, tzinfo=UTC)
    past, future = now - timedelta(days=1), now + timedelta(days=1)
    assert assignments.status_of(finished=False, active=False, due_date=None, now=now) == "not_started"
    assert assignments.status_of(finished=False, active=True, due_date=future, now=now) == "in_progress"
    assert assignments.status_of(finished=False, active=True, due_date=past, now=now) == "overdue"
    assert assignments.status_of(finished=False, active=False, due_date=past, now=now) == "overdue"
    assert assignments.status_of(finished=True, active=False, due_date=past, now=now) == "done"


def test_trainee_sees_assignments_with_status_and_mentor_sees_completion(db: Database) -> None:
    mentor = principal(db, "mentori", "mentor", "Mentori")
    anna, ben, cid = (principal(db, n, "trainee", n.title()) for n in ("anna", "ben", "cid"))
    cohort = cohorts.create_cohort(db, mentor, "Ryhmä")
    for trainee in (anna, ben, cid):
        join(db, mentor, cohort.id, trainee)
    before = play(db, cid)  # practice before the assignment does not count
    whole = assignments.assign(db, mentor, SCENARIO, cohort_id=cohort.id, due_date=date.today() + timedelta(days=7),
                               note="Tee ennen perjantaita")
    assert whole[0].targets == 3 and whole[0].not_started == 3 and whole[0].due_date.hour == 23
    other = next(s for s in get_library().scenarios if s != SCENARIO)
    overdue = assignments.assign(db, mentor, other, cohort_id=cohort.id, user_ids=[anna.user_id],
                                 due_date=datetime.now(UTC) - timedelta(hours=1))
    assert len(overdue) == 1 and overdue[0].user_id == anna.user_id
    play(db, anna)
    practice.start_attempt(db, ben, SCENARIO, seed=1)
    mine = assignments.my_assignments(db, anna)
    assert [(m.scenario_id, m.status) for m in mine] == [(other, "overdue"), (SCENARIO, "done")]
    assert mine[1].note == "Tee ennen perjantaita" and mine[1].cohort_name == "Ryhmä"
    assert [m.status for m in assignments.my_assignments(db, ben)] == ["in_progress"]
    assert [m.status for m in assignments.my_assignments(db, cid)] == ["not_started"]
    assert before
    listing = {a.scenario_id: a for a in assignments.cohort_assignments(db, mentor, cohort.id)}
    assert (listing[SCENARIO].done, listing[SCENARIO].in_progress, listing[SCENARIO].not_started) == (1, 1, 1)
    assert (listing[other].targets, listing[other].overdue) == (1, 1)
    assert assignments.status_by_scenario(mine) == {other: "overdue", SCENARIO: "done"}
    # the picker lists assigned scenarios first
    cards = catalogue.list_scenarios(anna, db=db)
    assert {c.id for c in cards[:2]} == {SCENARIO, other} and all(c.assigned for c in cards[:2])


def test_assign_refuses_unknown_scenarios_and_strangers(db: Database) -> None:
    mentor = principal(db, "mentori", "mentor", "Mentori")
    outsider = principal(db, "ulkopuolinen", "trainee", "Ulko")
    cohort = cohorts.create_cohort(db, mentor, "Ryhmä")
    with pytest.raises(NotFound):
        assignments.assign(db, mentor, "no-such-scenario", cohort_id=cohort.id)
    with pytest.raises(InvalidInput) as error:
        assignments.assign(db, mentor, SCENARIO, cohort_id=cohort.id, user_ids=[outsider.user_id])
    assert error.value.reason == "not_a_member"
    with pytest.raises(InvalidInput):
        assignments.assign(db, mentor, SCENARIO, cohort_id=cohort.id, user_ids=[])
    views = assignments.assign(db, mentor, SCENARIO, cohort_id=cohort.id)
    assignments.delete_assignment(db, mentor, views[0].id)
    assert assignments.cohort_assignments(db, mentor, cohort.id) == []
