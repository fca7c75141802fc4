"""The debrief's facts: the real question in words, key points with their reply, topics never asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.content.library import load_library
from simulator.engine.state import SessionState
from simulator.rubric.client_facts import client_facts
from simulator.session.simulation import Simulation

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def mini():
    library = load_library(
        scenario_paths=[DATA / "content" / "scenarios" / "mini-client.yaml"],
        rubric_paths=[DATA / "content" / "rubrics" / "mini.yaml"],
    )
    scenario = library.scenario("mini-client")
    return scenario, library.rubric_for(scenario)


def test_facts_of_a_meeting(mini) -> None:
    scenario, rubric = mini
    simulation = Simulation.start(scenario, rubric)
    simulation.state.trust = 70
    simulation.reply("Onko sinulla lapsia?")
    simulation.reply("Kuka hoitaa lapset, kun olet kurssilla?")
    simulation.reply("Kielikurssi on sinulle maksuton.")
    report = simulation.end()
    facts = report.client_facts
    assert facts is not None
    assert facts.real_question == scenario.real_question.line.text and facts.real_question_turn == 1
    course = next(point for point in facts.key_points if point.id == "kp-course")
    assert course.turn == 2 and course.quote == "Kielikurssi on sinulle maksuton."
    assert all(point.missed for point in facts.key_points if point.id != "kp-course")
    assert {topic.id for topic in facts.topics_asked} == {"children", "daycare"}
    assert {topic.id for topic in facts.topics_not_asked} == {"work", "origin", "finland"}


def test_a_hidden_real_question_and_an_unmatched_question(mini) -> None:
    scenario, rubric = mini
    simulation = Simulation.start(scenario, rubric)
    simulation.reply("Mikä on lempivärisi?")
    facts = simulation.end().client_facts
    assert facts.real_question_turn is None
    assert facts.unmatched_questions == ["Mikä on lempivärisi?"]


def test_facts_of_a_state_stored_before_memory() -> None:
    library = load_library()
    scenario = library.scenario("fi-kiintiopakolainen")
    state = SessionState.model_validate_json((DATA / "state_v1_fi-kiintiopakolainen.json").read_text(encoding="utf-8"))
    facts = client_facts(scenario, state)
    assert len(facts.key_points) == len(scenario.key_points)
    assert len(facts.topics_asked) + len(facts.topics_not_asked) == len(scenario.topics)
