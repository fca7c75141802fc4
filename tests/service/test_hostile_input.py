"""Hostile input is refused as invalid, never as a traceback (issue 11, item 6):
lone surrogates, ids outside any row's range, and spreadsheet formulas in CSV cells."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_cohorts_world import SCENARIO, World, build_world, need_scenario  # noqa: E402

from simulator.service import corrections, debrief
from simulator.service import assignments, auth, cohorts, practice, progress, review, users  # noqa: E402
from simulator.service._csv import csv_cell  # noqa: E402
from simulator.service.errors import InvalidCredentials, InvalidInput, NotFound, ReplyRefused  # noqa: E402
from simulator.store import Database  # noqa: E402

LONE = "Hei \ud800 maailma"
HUGE = 10**30


@pytest.fixture
def world(db: Database) -> World:
    need_scenario()
    return build_world(db)


def test_lone_surrogates_are_invalid_input(world: World) -> None:
    w, alice, mentor = world, world["self"], world["mentor"]
    assert alice is not None and mentor is not None
    with pytest.raises(ReplyRefused) as refused:
        practice.reply(w.db, alice, w.active, LONE)
    assert refused.value.code == "invalid_characters"
    with pytest.raises(InvalidInput) as error:
        review.add_comment(w.db, mentor, w.private, 0, LONE)
    assert error.value.reason == "invalid_characters"
    with pytest.raises(InvalidInput):
        assignments.assign(w.db, mentor, SCENARIO, cohort_id=w.cohort_a, note=LONE)
    with pytest.raises(InvalidInput):
        users.update_profile(w.db, alice, alice.user_id, display_name=LONE)
    with pytest.raises(InvalidCredentials):  # a login form cannot tell more than "wrong"
        auth.login(w.db, "alice", LONE)


@pytest.mark.parametrize("bad", [HUGE, -1, 0, 2**63], ids=["huge", "negative", "zero", "just-over-64-bit"])
def test_ids_outside_any_row_are_not_found(world: World, bad: int) -> None:
    w, admin = world, world["admin"]
    calls = [
        lambda: practice.get_attempt(w.db, admin, bad),
        lambda: debrief.debrief(w.db, admin, bad),
        lambda: review.open_attempt(w.db, admin, bad),
        lambda: corrections.withdraw_correction(w.db, admin, bad),
        lambda: cohorts.get_cohort(w.db, admin, bad),
        lambda: assignments.delete_assignment(w.db, admin, bad),
        lambda: users.get_user(w.db, admin, bad),
        lambda: progress.progress(w.db, admin, bad),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            call()


@pytest.mark.parametrize(
    ("cell", "guarded"),
    [
        ("=HYPERLINK(\"http://x\")", True),
        ("\ufeff=1+1", True),  # a byte-order mark in front
        ("\u200b=1+1", True),  # a zero-width space in front
        ("\uff1dSUM(A1)", True),  # full-width equals sign
        ("\uff0b1", True),
        ("@SUM(A1)", True),
        ("-1", True),
        ("Maija Mäkelä", False),
        ("a=b", False),
    ],
    ids=["equals", "bom-equals", "zero-width-equals", "full-width-equals", "full-width-plus", "at", "minus",
         "plain-name", "equals-inside"],
)
def test_csv_guard(cell: str, guarded: bool) -> None:
    assert (csv_cell(cell) == "'" + cell) is guarded
