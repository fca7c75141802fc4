"""The dashboard summaries in the store: only the cohort's members count, means and tallies
are over finished attempts, days are UTC days; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from simulator.store import Database
from simulator.store import attempts as attempt_repo
from simulator.store import cohorts as cohort_repo
from simulator.store import dashboard as dashboard_repo
from simulator.store import users as user_repo

# 23:30 UTC on 1 May is already 2 May in Helsinki: the summaries group by the UTC day.
LATE = datetime(2025, 5, 1, 23, 30, tzinfo=UTC)
NEXT = datetime(2025, 5, 2, 8, 0, tzinfo=UTC)


def _finished(session, user_id: int, overall: float, empathy: float, findings: list[dict], when: datetime) -> int:  # type: ignore[no-untyped-def]
    state = {"turns": [{"findings": findings}]}
    attempt = attempt_repo.create_attempt(session, user_id=user_id, scenario_id="s", language="fi", state=state,
                                          now=when)
    attempt_repo.finish_attempt(session, attempt, overall_score=overall,
                                report={"stages": {"empathy": empathy}}, now=when)
    return attempt.id


@pytest.fixture
def seeded(db: Database) -> dict[str, int]:
    kept = {"principle": "open_question", "polarity": "positive"}
    broken = {"principle": "jargon", "polarity": "negative"}
    with db.transaction() as session:
        cohort = cohort_repo.create_cohort(session, "A", created_by=None)
        other = cohort_repo.create_cohort(session, "B", created_by=None)
        ids = {"cohort": cohort.id}
        for name, display, home in (("anna", "Bea", cohort.id), ("bert", "Aino", cohort.id), ("outsider", "O", other.id)):
            user = user_repo.add_user(session, username=name, display_name=display, password_hash="h", role="trainee")
            cohort_repo.add_member(session, home, user.id)
            ids[name] = user.id
        _finished(session, ids["anna"], 60, 50, [kept, kept, broken], LATE)
        _finished(session, ids["anna"], 80, 70, [kept], NEXT)
        _finished(session, ids["bert"], 40, 30, [broken], NEXT)
        _finished(session, ids["outsider"], 100, 100, [kept], NEXT)
        attempt_repo.create_attempt(session, user_id=ids["bert"], scenario_id="s", language="fi")  # still active
    return ids


def test_trainee_totals_are_per_member_means_over_finished_attempts(db: Database, seeded: dict[str, int]) -> None:
    with db.read() as session:
        totals = {t.user_id: t for t in dashboard_repo.trainee_totals(session, seeded["cohort"])}
    assert set(totals) == {seeded["anna"], seeded["bert"]}  # the other cohort's trainee is not counted
    anna, bert = totals[seeded["anna"]], totals[seeded["bert"]]
    assert (anna.finished, anna.overall, anna.stages["empathy"]) == (2, 70.0, 60.0)
    assert anna.stages["guidance"] is None
    assert anna.latest_finished == NEXT
    assert (bert.finished, bert.overall) == (1, 40.0)


def test_daily_means_group_by_utc_day(db: Database, seeded: dict[str, int]) -> None:
    with db.read() as session:
        days = dashboard_repo.daily_means(session, seeded["cohort"])
    assert [(d.day, d.mean_overall, d.attempts) for d in days] == [(date(2025, 5, 1), 60.0, 1), (date(2025, 5, 2), 60.0, 2)]


def test_principle_tallies_sum_kept_and_broken(db: Database, seeded: dict[str, int]) -> None:
    with db.read() as session:
        tallies = {(t.user_id, t.principle_id): (t.kept, t.broken)
                   for t in dashboard_repo.principle_tallies(session, seeded["cohort"])}
    assert tallies == {
        (seeded["anna"], "open_question"): (3, 0),
        (seeded["anna"], "jargon"): (0, 1),
        (seeded["bert"], "jargon"): (0, 1),
    }


def test_finished_attempts_and_member_names(db: Database, seeded: dict[str, int]) -> None:
    with db.read() as session:
        rows = dashboard_repo.finished_attempts(session, seeded["cohort"])
        names = cohort_repo.member_names(session, seeded["cohort"])
    assert [(r.user_id, r.overall, r.finished_at) for r in rows] == [
        (seeded["anna"], 60.0, LATE), (seeded["anna"], 80.0, NEXT), (seeded["bert"], 40.0, NEXT)]
    assert [(n.display_name, n.username) for n in names] == [("Aino", "bert"), ("Bea", "anna")]  # by display name
