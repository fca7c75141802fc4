"""A debrief read by a cohort member (an attempt its owner shared) says nothing of who the
owner is or how their other attempts went; the owner, their mentors and admins see both."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_cohorts_world import World  # noqa: E402

from simulator.service import debrief
from simulator.service import practice  # noqa: E402


def test_a_cohort_member_reads_a_shared_debrief_without_owner_or_comparison(world: World) -> None:
    owner = world["self"].user_id
    view = debrief.debrief(world.db, world["same_cohort"], world.shared)
    assert view.attempt.id == world.shared and view.report is not None and view.attempt.turns
    assert view.attempt.user_id is None
    assert (view.comparison.first, view.comparison.best, view.comparison.latest, view.comparison.count) == (
        None, None, None, 0)
    exported = view.to_json_dict()
    assert exported["attempt"]["user_id"] is None and exported["comparison"]["count"] == 0
    assert f'"user_id": {owner}' not in json.dumps(exported)
    assert practice.get_attempt(world.db, world["same_cohort"], world.shared).user_id is None


@pytest.mark.parametrize("reader", ["self", "mentor", "admin"])
def test_owner_mentor_and_admin_see_owner_and_comparison(world: World, reader: str) -> None:
    view = debrief.debrief(world.db, world[reader], world.shared)
    assert view.attempt.user_id == world["self"].user_id
    # alice finished two attempts of the scenario: the private one and the shared one
    assert view.comparison.count == 2
    first, latest = view.comparison.first, view.comparison.latest
    assert first is not None and latest is not None and (first.id, latest.id) == (world.private, world.shared)
    assert practice.get_attempt(world.db, world[reader], world.shared).user_id == world["self"].user_id
