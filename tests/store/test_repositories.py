"""Repositories: literal storage of hostile text, case-insensitive names, cascades, upserts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError

from simulator.store import Database
from simulator.store import assignments as assignment_repo
from simulator.store import attempts as attempt_repo
from simulator.store import cohorts as cohort_repo
from simulator.store import review as review_repo
from simulator.store import sessions as session_repo
from simulator.store import throttle as throttle_repo
from simulator.store import users as user_repo
from simulator.store.models import Base, Correction, TurnComment, User

HOSTILE = "'; DROP TABLE users; --"
NOW = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)


def _add(session, name: str, role: str = "trainee", display_name: str | None = None) -> User:  # type: ignore[no-untyped-def]
    return user_repo.add_user(session, username=name, display_name=display_name or name,
                              password_hash="$argon2id$x", role=role)


def test_sql_like_text_is_stored_literally(db: Database) -> None:
    with db.transaction() as session:
        _add(session, HOSTILE, display_name=HOSTILE + ' " \\ %_')
    with db.read() as session:
        user = user_repo.get_by_username(session, HOSTILE)
        assert user is not None and user.display_name == HOSTILE + ' " \\ %_'
        assert user_repo.get_by_username(session, "%") is None  # no LIKE semantics either
    assert "users" in inspect(db.sql_engine).get_table_names()


def test_usernames_are_unique_ignoring_case(db: Database) -> None:
    with db.transaction() as session:
        _add(session, "Maija")
    with pytest.raises(IntegrityError):
        with db.transaction() as session:
            _add(session, "mAIJA")
    with db.read() as session:
        assert user_repo.get_by_username(session, "MAIJA").username == "Maija"


def test_datetimes_come_back_aware_utc(db: Database) -> None:
    helsinki = datetime(2025, 5, 1, 12, 0, tzinfo=UTC).astimezone(__import__("zoneinfo").ZoneInfo("Europe/Helsinki"))
    with db.transaction() as session:
        user = user_repo.add_user(session, username="aware", display_name="a", password_hash="h", role="trainee",
                                  created_at=helsinki)
        user_id = user.id
    with db.read() as session:
        created = user_repo.get_user(session, user_id).created_at
    assert created.tzinfo is not None and created.utcoffset() == timedelta(0)
    assert created == helsinki


def test_deleting_a_user_cascades_to_everything_of_theirs(db: Database) -> None:
    with db.transaction() as session:
        trainee = _add(session, "trainee")
        mentor = _add(session, "mentor", "mentor")
        cohort = cohort_repo.create_cohort(session, "Ryhmä", created_by=mentor.id)
        cohort_repo.add_member(session, cohort.id, trainee.id)
        cohort_repo.add_mentor(session, cohort.id, mentor.id)
        attempt = attempt_repo.create_attempt(session, user_id=trainee.id, scenario_id="s", language="fi")
        turn = attempt_repo.add_turn(session, attempt, reply="r", client_line="c", stage="empathy", trust=0, state={})
        review_repo.add_comment(session, turn_id=turn.id, author_id=mentor.id, text="hyvä")
        review_repo.add_correction(session, turn_id=turn.id, author_id=mentor.id, action="dismiss", principle_id="p")
        assignment_repo.add_assignment(session, scenario_id="s", created_by=mentor.id, user_id=trainee.id)
        assignment_repo.add_assignment(session, scenario_id="s", created_by=mentor.id, cohort_id=cohort.id)
        session_repo.add_session(session, user_id=trainee.id, token_hash="t" * 64, now=NOW, expires_at=NOW)
        ids = (trainee.id, mentor.id, cohort.id)

    with db.transaction() as session:
        assert user_repo.delete_user(session, ids[0])
    counts = _counts(db)
    assert counts["users"] == 1 and counts["attempts"] == 0 and counts["turns"] == 0
    assert counts["turn_comments"] == 0 and counts["corrections"] == 0 and counts["auth_sessions"] == 0
    assert counts["cohort_members"] == 0 and counts["assignments"] == 1  # the cohort's assignment stays

    with db.transaction() as session:
        user_repo.delete_user(session, ids[1])
    with db.read() as session:
        cohort = cohort_repo.get_cohort(session, ids[2])
        assert cohort is not None and cohort.created_by is None  # the group outlives its creator
        assert cohort_repo.mentors(session, ids[2]) == []


def test_deleting_an_attempt_cascades_to_reviews(db: Database) -> None:
    with db.transaction() as session:
        trainee = _add(session, "trainee")
        old = attempt_repo.create_attempt(session, user_id=trainee.id, scenario_id="s", language="fi",
                                          now=NOW - timedelta(days=100))
        turn = attempt_repo.add_turn(session, old, reply="r", client_line="c", stage="empathy", trust=0, state={},
                                     now=NOW - timedelta(days=100))
        review_repo.add_comment(session, turn_id=turn.id, author_id=trainee.id, text="x")
        attempt_repo.create_attempt(session, user_id=trainee.id, scenario_id="s", language="fi", now=NOW)
    with db.transaction() as session:
        assert attempt_repo.delete_attempts_older_than(session, NOW - timedelta(days=30)) == 1
    counts = _counts(db)
    assert counts["attempts"] == 1 and counts["turns"] == 0 and counts["turn_comments"] == 0


def test_attempt_lifecycle(db: Database) -> None:
    with db.transaction() as session:
        user = _add(session, "u")
        attempt = attempt_repo.create_attempt(session, user_id=user.id, scenario_id="amina", language="en", seed=7)
        for i in range(3):
            attempt_repo.add_turn(session, attempt, reply=f"r{i}", client_line="c", stage="empathy", trust=i / 10,
                                  state={"i": i}, signals=["greet"], findings=[{"span": [0, 1]}], hints_used=i)
        attempt_id = attempt.id
    with db.read() as session:
        assert attempt_repo.active_attempt(session, user.id, "amina").id == attempt_id
    with db.transaction() as session:
        attempt = attempt_repo.get_attempt(session, attempt_id)
        attempt_repo.finish_attempt(session, attempt, overall_score=4.0, report={"summary": "ok"})
        with pytest.raises(ValueError):
            attempt_repo.add_turn(session, attempt, reply="late", client_line="", stage="farewell", trust=0, state={})
    with db.read() as session:
        attempt = attempt_repo.get_attempt(session, attempt_id)
        data = attempt_repo.attempt_to_dict(attempt, attempt_repo.list_turns(session, attempt_id))
        assert attempt_repo.active_attempt(session, user.id, "amina") is None
    assert data["status"] == "finished" and data["hints_used"] == 2 and data["state"] == {"i": 2}
    assert [t["findings"] for t in data["turns"]] == [[{"span": [0, 1]}]] * 3


def test_assignment_needs_exactly_one_target(db: Database) -> None:
    with db.transaction() as session:
        with pytest.raises(ValueError):
            assignment_repo.add_assignment(session, scenario_id="s", created_by=None)


def test_throttle_reservation_counts_forgets_and_respects_a_block(db: Database) -> None:
    forget = NOW - timedelta(hours=24)
    with db.transaction() as session:
        assert throttle_repo.reserve(session, "ghost", NOW, forget_before=forget) == 1
        assert throttle_repo.reserve(session, "ghost", NOW, forget_before=forget) == 2
        throttle_repo.block_until(session, "ghost", NOW + timedelta(seconds=1))
        assert throttle_repo.reserve(session, "ghost", NOW, forget_before=forget) is None  # blocked: not counted
        assert throttle_repo.refund(session, "ghost") == 1
    later = NOW + timedelta(days=2)
    with db.transaction() as session:
        assert throttle_repo.reserve(session, "ghost", later, forget_before=later - timedelta(hours=24)) == 1
        assert throttle_repo.prune(session, later + timedelta(days=2)) == 1


def _counts(db: Database) -> dict[str, int]:
    with db.read() as session:
        return {
            table.name: int(session.scalar(select(func.count()).select_from(table)))
            for table in Base.metadata.sorted_tables
        }


def test_review_queries(db: Database) -> None:
    with db.transaction() as session:
        trainee = _add(session, "trainee")
        attempt = attempt_repo.create_attempt(session, user_id=trainee.id, scenario_id="s", language="fi")
        turn = attempt_repo.add_turn(session, attempt, reply="r", client_line="c", stage="empathy", trust=0, state={})
        review_repo.add_comment(session, turn_id=turn.id, author_id=trainee.id, text="note")
        review_repo.add_correction(session, turn_id=turn.id, author_id=trainee.id, action="add", principle_id="p",
                                   finding_key="k", note="n")
        attempt_id = attempt.id
    with db.read() as session:
        assert isinstance(review_repo.comments_for_attempt(session, attempt_id)[0], TurnComment)
        assert isinstance(review_repo.corrections_for_attempt(session, attempt_id)[0], Correction)
