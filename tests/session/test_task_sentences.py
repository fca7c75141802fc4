"""The client's memory keeps a homework task as the whole sentence the detector read, not the
piece before the first dot of "esim." or "9.30"."""

from __future__ import annotations

from simulator.content.library import get_library
from simulator.session.simulation import Simulation


def test_a_task_with_abbreviation_and_time_is_remembered_whole() -> None:
    library = get_library()
    scenario = library.scenario("fi-kiintiopakolainen")
    simulation = Simulation.start(scenario, library.rubric_for(scenario), seed=0)
    task = "Kotitehtävänä täytät esim. lomakkeen ja tuot sen tänne ma klo 9.30 mennessä"
    simulation.reply("Hei, olen Mira.")
    simulation.reply(f"{task}. Sitten jatketaan.")
    assert "homework" in simulation.state.turns[-1].signal_names
    assert simulation.state.named["task"] == [task]
