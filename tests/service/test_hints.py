"""The hint on screen is read from the stored meeting: it belongs to the stage it was asked in."""

from __future__ import annotations

import pytest

from simulator.content.library import get_library
from simulator.service import auth, practice, users
from simulator.service.auth import SYSTEM
from simulator.store import Database

SCENARIO = "fi-kiintiopakolainen"
STAYS_IN_EMPATHY = "Hei, tervetuloa! Olen Maija."
OPENS_GUIDANCE = "Mistä sinä haluaisit tänään puhua? Kerro vapaasti."


@pytest.fixture
def trainee(sqlite_db: Database) -> auth.Principal:
    if SCENARIO not in get_library().scenarios:
        pytest.skip(f"scenario {SCENARIO} is not in the content yet")
    users.create_user(sqlite_db, SYSTEM, "maija", "salasana123", "trainee")
    return auth.login(sqlite_db, "maija", "salasana123")[0]


def test_no_hint_until_one_is_asked(sqlite_db: Database, trainee: auth.Principal) -> None:
    view = practice.start_attempt(sqlite_db, trainee, SCENARIO, seed=1)
    assert view.hint is None


def test_the_hint_stays_in_its_stage_and_goes_with_it(sqlite_db: Database, trainee: auth.Principal) -> None:
    view = practice.start_attempt(sqlite_db, trainee, SCENARIO, seed=1)
    asked = practice.hint(sqlite_db, trainee, view.id)
    reread = practice.get_attempt(sqlite_db, trainee, view.id)  # what a refresh reads
    assert reread.hint == asked.text and asked.stage == reread.stage
    practice.reply(sqlite_db, trainee, view.id, STAYS_IN_EMPATHY)
    same_stage = practice.get_attempt(sqlite_db, trainee, view.id)
    assert same_stage.stage == asked.stage and same_stage.hint == asked.text
    practice.reply(sqlite_db, trainee, view.id, OPENS_GUIDANCE)
    moved = practice.get_attempt(sqlite_db, trainee, view.id)
    assert moved.stage != asked.stage, "the reply should open the next stage"
    assert moved.hint is None, "a hint of an earlier stage is not shown any more"
    assert moved.stage_history[: 2] == (asked.stage, moved.stage)


def test_a_new_hint_in_the_new_stage_is_that_stages(sqlite_db: Database, trainee: auth.Principal) -> None:
    view = practice.start_attempt(sqlite_db, trainee, SCENARIO, seed=1)
    practice.reply(sqlite_db, trainee, view.id, OPENS_GUIDANCE)
    stage = practice.get_attempt(sqlite_db, trainee, view.id).stage
    asked = practice.hint(sqlite_db, trainee, view.id)
    assert asked.stage == stage and practice.get_attempt(sqlite_db, trainee, view.id).hint == asked.text
