"""Session tests run on a small test rubric and scenario, not on the product content."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.content.library import Library, load_library

DATA = Path(__file__).resolve().parent.parent / "data" / "content"


@pytest.fixture(scope="session")
def mini_library() -> Library:
    library = load_library(
        scenario_paths=[DATA / "scenarios" / "mini-client.yaml"], rubric_paths=[DATA / "rubrics" / "mini.yaml"]
    )
    assert not library.issues, [issue.format() for issue in library.issues]
    return library


@pytest.fixture()
def mini(mini_library: Library):
    scenario = mini_library.scenario("mini-client")
    return scenario, mini_library.rubric_for(scenario)
