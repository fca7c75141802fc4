"""Each unmet client-experience outcome carries the conditions that failed in that meeting."""

from __future__ import annotations

import pytest

from simulator.content.library import get_library
from simulator.session.simulation import Simulation

SCENARIO = "fi-kiintiopakolainen"


def _play(replies: list[str]):
    library = get_library()
    if SCENARIO not in library.scenarios:
        pytest.skip(f"scenario {SCENARIO} is not in the content yet")
    scenario = library.scenario(SCENARIO)
    simulation = Simulation.start(scenario, library.rubric_for(scenario), seed=1)
    for text in replies:
        simulation.reply(text)
    return simulation.end()


def test_a_meeting_ended_in_the_first_stage_names_its_reasons() -> None:
    report = _play(["Hei, tervetuloa! Olen Maija."])
    by_key = {o.key: o for o in report.outcomes}
    assert by_key["next_step"].reasons == ["no_farewell"], "only the reason that applied, not the either/or list"
    assert "no_reflection" in by_key["heard"].reasons
    assert "no_encouragement" in by_key["can_manage"].reasons


def test_met_means_no_reasons_and_unmet_means_some() -> None:
    report = _play(["Hei, tervetuloa! Olen Maija. Meillä on tunti aikaa.",
                    "Kuulostaa siltä, että olet huolissasi lapsista.",
                    "Hienoa, että olet jo oppinut paljon suomea!"])
    for outcome in report.outcomes:
        assert outcome.met == (outcome.reasons == []), outcome.key
