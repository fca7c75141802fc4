"""Fixtures of the service tests: ``world``, the small training round of ``test_cohorts_world``."""

from __future__ import annotations

import pytest
from test_cohorts_world import World, build_world, need_scenario

from simulator.store import Database


@pytest.fixture
def world(db: Database) -> World:
    need_scenario()
    return build_world(db)
