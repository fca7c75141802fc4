"""Property-based tests over the service layer: whatever text a user types, the service
either does the thing or refuses with a ``ServiceError`` (which the UI translates), and a
refusal writes nothing (rows are counted before and after).

Why: the pages pass user text straight to these functions. A crash (any other exception)
would show a traceback to a trainee; a partial write would leave half a turn or a user
without their cohort. Runs on SQLite and PostgreSQL (the ``db`` fixture): PostgreSQL
refuses NUL characters and some other text SQLite takes, so both must be exercised.
Also: SQL-looking input is stored literally (every query is parameterised).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, inspect, select

from simulator.content.library import get_library
from simulator.service import assignments, cohorts, practice, users
from simulator.service.auth import SYSTEM, Principal
from simulator.service.errors import AttemptFinished, ServiceError
from simulator.store import Database
from simulator.store.models import Assignment, Attempt, Cohort, CohortMember, CohortMentor, Turn, User

# One database per test function, many examples in it: counts are compared per example.
PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # CI-stable; the strategies below still reach the edge cases
)

# Text users can type, plus the awkward: NUL, control characters, right-to-left marks,
# combining marks, emoji, very long strings, markup and SQL.
AWKWARD = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "a\x00b",
        "\u202e\u200f",
        "e\u0301",
        "👩🏽‍🏫",
        "<script>alert(1)</script>",
        "[link](javascript:alert(1))",
        "'; DROP TABLE turns; --",
        "Robert'); DROP TABLE users;--",
        '" OR 1=1 --',
        "%s %(x)s {0} ${x}",
        "\\",
        "\r\n\t",
    ]
)
TEXT = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=0, max_size=40),
    AWKWARD,
    st.builds(lambda a, b: a + b, AWKWARD, st.text(max_size=50)),
    st.integers(min_value=0, max_value=3).map(lambda k: "x" * [1999, 2000, 2001, 5000][k]),
)
ANYTHING = st.one_of(TEXT, st.none(), st.integers(), st.booleans(), st.lists(st.text(max_size=3), max_size=2))

SCENARIO = "fi-kiintiopakolainen"


def _count(db: Database, model: Any) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _counts(db: Database) -> dict[str, int]:
    return {m.__tablename__: _count(db, m) for m in (User, Attempt, Turn, Cohort, CohortMember, CohortMentor, Assignment)}


def _principal(info: users.UserInfo) -> Principal:
    return Principal(user_id=info.id, username=info.username, role=info.role, locale=info.locale,
                     display_name=info.display_name)


def _outcome(call: Callable[[], Any]) -> tuple[bool, Any]:
    """(True, result) or (False, the ServiceError); any other exception fails the test."""
    try:
        return True, call()
    except ServiceError as error:
        return False, error


@pytest.fixture
def people(db: Database) -> dict[str, Principal]:
    made = {}
    for name, role in (("trainee1", "trainee"), ("mentor1", "mentor"), ("admin1", "admin")):
        made[name] = _principal(users.create_user(db, SYSTEM, name, "a-long-password", role))
    return made


@pytest.fixture
def scenario() -> str:
    if SCENARIO not in get_library().scenarios:
        pytest.skip(f"scenario {SCENARIO} is not in the content")
    return SCENARIO


def test_any_reply_is_stored_whole_or_refused_without_a_trace(
    db: Database, people: dict[str, Principal], scenario: str
) -> None:
    trainee = people["trainee1"]
    current = {"attempt": practice.start_attempt(db, trainee, scenario, seed=3)}

    @PROPERTY_SETTINGS
    @given(text=TEXT)
    @example(text="a\x00b")
    @example(text="'; DROP TABLE turns; --")
    def check(text: str) -> None:
        attempt = current["attempt"]
        before = _counts(db)
        view = practice.get_attempt(db, trainee, attempt.id)
        ok, result = _outcome(lambda: practice.reply(db, trainee, attempt.id, text, expected_index=len(view.turns)))
        after = _counts(db)
        if not ok:
            assert after == before, f"{type(result).__name__} left rows behind"
            if isinstance(result, AttemptFinished):
                current["attempt"] = practice.start_attempt(db, trainee, scenario, seed=4)
            return
        assert after == {**before, "turns": before["turns"] + 1}
        stored = practice.get_attempt(db, trainee, attempt.id).turns[-1].reply
        assert stored == text.replace("\x00", ""), "the reply is stored literally"

    check()


def test_any_username_and_display_name_create_a_whole_user_or_nothing(
    db: Database, people: dict[str, Principal]
) -> None:
    admin = people["admin1"]

    @PROPERTY_SETTINGS
    @given(username=ANYTHING, display_name=st.one_of(st.none(), ANYTHING), locale=st.sampled_from(["fi", "en", "xx", ""]))
    @example(username="nul\x00user", display_name="x", locale="fi")
    @example(username="nuluser", display_name="a\x00b", locale="fi")
    def check(username: Any, display_name: Any, locale: str) -> None:
        before = _counts(db)
        ok, result = _outcome(
            lambda: users.create_user(db, admin, username, "a-long-password", "trainee",
                                      display_name=display_name, locale=locale)
        )
        after = _counts(db)
        if not ok:
            assert after == before
            return
        assert after == {**before, "users": before["users"] + 1}
        assert users.get_user(db, admin, result.id).display_name == result.display_name

    check()


def test_any_display_name_update_is_whole_or_refused(db: Database, people: dict[str, Principal]) -> None:
    trainee = people["trainee1"]

    @PROPERTY_SETTINGS
    @given(display_name=ANYTHING)
    @example(display_name="a\x00b")
    def check(display_name: Any) -> None:
        old = users.get_user(db, trainee, trainee.user_id).display_name
        ok, result = _outcome(lambda: users.update_profile(db, trainee, trainee.user_id, display_name=display_name))
        now = users.get_user(db, trainee, trainee.user_id).display_name
        if ok:
            assert now == result.display_name
        else:
            assert now == old

    check()


def test_any_cohort_name_creates_a_whole_cohort_or_nothing(db: Database, people: dict[str, Principal]) -> None:
    mentor = people["mentor1"]

    @PROPERTY_SETTINGS
    @given(name=ANYTHING)
    @example(name="a\x00b")
    def check(name: Any) -> None:
        before = _counts(db)
        ok, result = _outcome(lambda: cohorts.create_cohort(db, mentor, name))
        after = _counts(db)
        if not ok:
            assert after == before
            return
        # The cohort and its first mentor come together.
        assert after == {**before, "cohorts": before["cohorts"] + 1, "cohort_mentors": before["cohort_mentors"] + 1}
        assert cohorts.get_cohort(db, mentor, result.id).name == result.name

    check()


def test_any_scenario_id_and_note_assign_whole_or_nothing(
    db: Database, people: dict[str, Principal], scenario: str
) -> None:
    mentor, trainee = people["mentor1"], people["trainee1"]
    cohort = cohorts.create_cohort(db, mentor, "Kevät 2025")
    cohorts.join_cohort(db, trainee, cohorts.create_invitation(db, mentor, cohort.id).code)

    @PROPERTY_SETTINGS
    @given(
        scenario_id=st.one_of(st.just(scenario), ANYTHING),
        note=ANYTHING,
        chosen=st.one_of(st.none(), st.just([trainee.user_id]), st.just([]), st.just([trainee.user_id, 10**9])),
    )
    @example(scenario_id=scenario, note="a\x00b", chosen=None)
    @example(scenario_id="a\x00b", note="", chosen=None)
    def check(scenario_id: Any, note: Any, chosen: Any) -> None:
        before = _counts(db)
        ok, result = _outcome(
            lambda: assignments.assign(db, mentor, scenario_id, cohort_id=cohort.id, user_ids=chosen, note=note)
        )
        after = _counts(db)
        if not ok:
            assert after == before
            return
        assert after == {**before, "assignments": before["assignments"] + len(result)}

    check()


@pytest.mark.parametrize(
    "payload",
    [
        "'; DROP TABLE turns; --",
        "Robert'); DROP TABLE users;--",
        "x' OR '1'='1",
        "1; DELETE FROM attempts WHERE 1=1",
        '"); UPDATE users SET role=\'admin\'; --',
    ],
)
def test_sql_like_input_is_stored_literally(db: Database, people: dict[str, Principal], scenario: str, payload: str) -> None:
    trainee, mentor = people["trainee1"], people["mentor1"]
    tables_before = set(inspect(db.sql_engine).get_table_names())
    attempt = practice.start_attempt(db, trainee, scenario, seed=1)
    turn = practice.reply(db, trainee, attempt.id, payload, expected_index=0)
    assert turn.reply == payload
    users.update_profile(db, trainee, trainee.user_id, display_name=payload)
    cohort = cohorts.create_cohort(db, mentor, payload)

    assert practice.get_attempt(db, trainee, attempt.id).turns[0].reply == payload
    assert users.get_user(db, trainee, trainee.user_id).display_name == payload
    assert cohorts.get_cohort(db, mentor, cohort.id).name == payload
    assert set(inspect(db.sql_engine).get_table_names()) == tables_before
    counts = _counts(db)
    assert counts["users"] == 3 and counts["turns"] == 1 and counts["attempts"] == 1
    assert {u.role for u in users.list_users(db, SYSTEM)} == {"trainee", "mentor", "admin"}
    with db.read() as session:
        assert session.scalar(select(Turn.reply)) == payload
