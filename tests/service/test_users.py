"""Accounts: who may create whom, validation, deletion, export, retention."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from simulator.service import auth, users
from simulator.service.auth import SYSTEM, Principal
from simulator.service.errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceError
from simulator.store import Database
from simulator.store import attempts as attempt_repo
from simulator.store import cohorts as cohort_repo
from simulator.store import review as review_repo
from simulator.store.models import Base, User

NOW = datetime(2025, 6, 2, 8, 0, tzinfo=UTC)
HOSTILE = "'; DROP TABLE users; --"


def _principal(info: users.UserInfo) -> Principal:
    return Principal(info.id, info.username, info.role, info.locale, info.display_name)


@pytest.fixture
def people(db: Database) -> dict[str, Principal]:
    created = {
        role: users.create_user(db, SYSTEM, role + "1", "salasana-123", role) for role in ("admin", "mentor", "trainee")
    }
    return {role: _principal(info) for role, info in created.items()}


def _count_users(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(User)))


def test_only_admins_create_any_role(db: Database, people: dict[str, Principal]) -> None:
    assert users.create_user(db, people["admin"], "newmentor", "salasana-123", "mentor").role == "mentor"
    with pytest.raises(Forbidden):
        users.create_user(db, people["mentor"], "sneaky", "salasana-123", "admin")
    with pytest.raises(Forbidden):
        users.create_user(db, people["trainee"], "friend", "salasana-123", "trainee")
    with pytest.raises(Forbidden) as err:
        users.create_trainee(db, people["trainee"], "friend", "salasana-123")
    assert err.value.code == "forbidden"


def test_mentors_create_trainees_in_their_cohorts(db: Database, people: dict[str, Principal]) -> None:
    with db.transaction() as session:
        mine = cohort_repo.create_cohort(session, "Oma", created_by=people["mentor"].user_id)
        cohort_repo.add_mentor(session, mine.id, people["mentor"].user_id)
        theirs = cohort_repo.create_cohort(session, "Muiden", created_by=None)
        mine_id, theirs_id = mine.id, theirs.id
    info = users.create_trainee(db, people["mentor"], "uusi", "alku-salasana", cohort_id=mine_id)
    assert info.role == "trainee" and info.must_change_password
    with db.read() as session:
        assert [u.username for u in cohort_repo.members(session, mine_id)] == ["uusi"]
    with pytest.raises(Forbidden):
        users.create_trainee(db, people["mentor"], "toinen", "alku-salasana", cohort_id=theirs_id)
    with pytest.raises(NotFound):
        users.create_trainee(db, people["mentor"], "kolmas", "alku-salasana", cohort_id=9999)
    assert _count_users(db) == 4  # the refused ones left nothing behind


def test_username_taken_regardless_of_case(db: Database) -> None:
    users.create_user(db, SYSTEM, "Maija", "salasana-123", "trainee")
    with pytest.raises(Conflict) as err:
        users.create_user(db, SYSTEM, "MAIJA", "salasana-123", "trainee")
    assert err.value.code == "conflict" and err.value.reason == "username_taken"


@pytest.mark.parametrize(
    ("username", "reason"),
    [("ab", "username_too_short"), ("a" * 65, "username_too_long"), (HOSTILE, "username_characters"),
     ("-dash", "username_characters"), ("maija mäkelä", "username_characters"), ("a\x00b", "username_characters")],
)
def test_usernames_are_validated(db: Database, username: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as err:
        users.create_user(db, SYSTEM, username, "salasana-123", "trainee")
    assert err.value.field == "username" and err.value.reason == reason and err.value.code == "invalid_input"
    assert _count_users(db) == 0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"password": "short"}, "password"), ({"password": ""}, "password"), ({"password": "x" * 2000}, "password"),
     ({"role": "root"}, "role"), ({"locale": "sv"}, "locale"), ({"display_name": "   "}, "display_name"),
     ({"display_name": "bell\x07"}, "display_name")],
)
def test_other_fields_are_validated(db: Database, kwargs: dict[str, str], field: str) -> None:
    args = {"password": "salasana-123", "role": "trainee"} | kwargs
    password, role = args.pop("password"), args.pop("role")
    with pytest.raises(InvalidInput) as err:
        users.create_user(db, SYSTEM, "valid", password, role, **args)
    assert err.value.field == field and str(err.value)


def test_weak_passwords_only_for_system_seeding(db: Database, people: dict[str, Principal]) -> None:
    users.create_user(db, SYSTEM, "demo", "demo", "trainee", allow_weak_password=True)
    with pytest.raises(Forbidden):
        users.create_user(db, people["admin"], "weak", "weak", "trainee", allow_weak_password=True)


def test_sql_like_display_name_is_stored_literally(db: Database) -> None:
    info = users.create_user(db, SYSTEM, "robert", "salasana-123", "trainee", display_name=HOSTILE)
    assert users.get_user(db, SYSTEM, info.id).display_name == HOSTILE
    principal, _ = auth.login(db, "robert", "salasana-123", now=NOW)
    assert principal.display_name == HOSTILE


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(username=st.text(max_size=80), display_name=st.text(max_size=250))
def test_any_input_gives_a_user_or_a_clean_error(db: Database, username: str, display_name: str) -> None:
    """Never a crash, never a partial write: either the user exists exactly as given, or nothing changed."""
    before = _count_users(db)
    try:
        info = users.create_user(db, SYSTEM, username, "salasana-123", "trainee", display_name=display_name)
    except (InvalidInput, Conflict) as err:
        assert err.code in ("invalid_input", "conflict") and str(err)
        assert _count_users(db) == before
        return
    assert _count_users(db) == before + 1
    stored = users.get_user(db, SYSTEM, info.id)
    assert stored.username == username.strip()
    assert stored.display_name == auth.validate_display_name(display_name)
    users.delete_user(db, SYSTEM, info.id)  # keep the shared database small between examples


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(username=st.text(max_size=80), password=st.text(max_size=40))
def test_any_login_input_is_refused_cleanly(db: Database, username: str, password: str) -> None:
    with pytest.raises(ServiceError) as err:
        auth.login(db, username, password, now=NOW)
    assert err.value.code in ("invalid_credentials", "throttled")


def test_seeing_and_editing_profiles(db: Database, people: dict[str, Principal]) -> None:
    trainee, mentor, admin = people["trainee"], people["mentor"], people["admin"]
    assert users.get_user(db, trainee, trainee.user_id).username == "trainee1"
    with pytest.raises(Forbidden):
        users.get_user(db, trainee, mentor.user_id)
    with pytest.raises(Forbidden):
        users.get_user(db, mentor, trainee.user_id)  # not in a cohort of theirs
    with db.transaction() as session:
        cohort = cohort_repo.create_cohort(session, "R", created_by=None)
        cohort_repo.add_mentor(session, cohort.id, mentor.user_id)
        cohort_repo.add_member(session, cohort.id, trainee.user_id)
    assert users.get_user(db, mentor, trainee.user_id).role == "trainee"
    assert [u.username for u in users.list_users(db, mentor)] == ["trainee1"]
    assert len(users.list_users(db, admin)) == 3
    with pytest.raises(Forbidden):
        users.list_users(db, trainee)
    updated = users.update_profile(db, trainee, trainee.user_id, display_name="Tiina", locale="en")
    assert (updated.display_name, updated.locale) == ("Tiina", "en")
    with pytest.raises(Forbidden):
        users.update_profile(db, trainee, mentor.user_id, display_name="x")


def _practice(db: Database, user_id: int, *, days_ago: int = 0, turns: int = 2) -> int:
    when = NOW - timedelta(days=days_ago)
    with db.transaction() as session:
        attempt = attempt_repo.create_attempt(session, user_id=user_id, scenario_id="amina", language="fi", now=when)
        for i in range(turns):
            attempt_repo.add_turn(session, attempt, reply=f"vastaus {i}", client_line="…", stage="empathy",
                                  trust=0.1, state={"i": i}, now=when)
        return attempt.id


def test_delete_user_removes_everything_of_theirs(db: Database, people: dict[str, Principal]) -> None:
    trainee, mentor = people["trainee"], people["mentor"]
    attempt_id = _practice(db, trainee.user_id)
    with db.transaction() as session:
        turn = attempt_repo.list_turns(session, attempt_id)[0]
        review_repo.add_comment(session, turn_id=turn.id, author_id=mentor.user_id, text="hyvä alku")
    _, token = auth.login(db, "trainee1", "salasana-123", now=NOW)
    with pytest.raises(Forbidden):
        users.delete_user(db, mentor, trainee.user_id)
    users.delete_user(db, trainee, trainee.user_id)  # one's own account
    assert auth.authenticate(db, token, now=NOW) is None
    with db.read() as session:
        counts = {t.name: session.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}
    assert counts["attempts"] == counts["turns"] == counts["turn_comments"] == counts["auth_sessions"] == 0
    with pytest.raises(NotFound):
        users.delete_user(db, SYSTEM, trainee.user_id)
    with pytest.raises(InvalidInput):
        users.delete_user(db, people["admin"], people["admin"].user_id)  # the last admin


def test_export_user_data(db: Database, people: dict[str, Principal]) -> None:
    trainee, mentor = people["trainee"], people["mentor"]
    attempt_id = _practice(db, trainee.user_id, turns=3)
    with db.transaction() as session:
        turn = attempt_repo.list_turns(session, attempt_id)[1]
        review_repo.add_comment(session, turn_id=turn.id, author_id=mentor.user_id, text="kysy lisää")
    data = users.export_user_data(db, trainee, trainee.user_id)
    json.dumps(data)  # JSON-ready
    assert data["user"]["username"] == "trainee1" and "password_hash" not in json.dumps(data)
    [attempt] = data["attempts"]
    assert [t["reply"] for t in attempt["turns"]] == ["vastaus 0", "vastaus 1", "vastaus 2"]
    assert attempt["comments"][0]["text"] == "kysy lisää"
    assert users.export_user_data(db, mentor, mentor.user_id)["comments_written"][0]["text"] == "kysy lisää"
    with pytest.raises(Forbidden):
        users.export_user_data(db, mentor, trainee.user_id)
    assert users.export_user_data(db, people["admin"], trainee.user_id)["user"]["id"] == trainee.user_id


def test_purge_attempts_older_than(db: Database, people: dict[str, Principal]) -> None:
    trainee = people["trainee"]
    _practice(db, trainee.user_id, days_ago=200)
    recent = _practice(db, trainee.user_id, days_ago=5)
    with pytest.raises(Forbidden):
        users.purge_attempts_older_than(db, 90, actor=people["mentor"], now=NOW)
    with pytest.raises(InvalidInput):
        users.purge_attempts_older_than(db, 0, now=NOW)
    assert users.purge_attempts_older_than(db, 90, actor=people["admin"], now=NOW) == 1
    with db.read() as session:
        assert [a.id for a in attempt_repo.list_attempts(session, trainee.user_id)] == [recent]
        assert len(attempt_repo.list_turns(session, recent)) == 2
