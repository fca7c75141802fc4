"""What the client answers to a routed question: the level trust allows, lines that fit the
kind of question, clarifying in its own words, and feeling heard. On the flagship scenario."""

from __future__ import annotations

import re

import pytest

from simulator.content.library import get_library
from simulator.engine.client import CLARIFY_OPTIONS, TurnContext, respond
from simulator.engine.intent import Route
from simulator.session.simulation import Simulation

SCENARIO_ID = "fi-kiintiopakolainen"
NUMBER = re.compile(r"\d|yhdeksän|kuusi|kolme|yksitoista|neljä", re.IGNORECASE)


@pytest.fixture(scope="module")
def flagship():  # type: ignore[no-untyped-def]
    library = get_library()
    scenario = library.scenario(SCENARIO_ID)
    return scenario, library.rubric_for(scenario)


def _ctx(trust: int, **overrides: object) -> TurnContext:
    values: dict[str, object] = dict(
        stage="guidance", stage_after="guidance", signals=frozenset(), trust=trust, disclosed=frozenset(), listening_turns=0
    )
    values.update(overrides)
    return TurnContext(**values)  # type: ignore[arg-type]


def test_a_plain_fact_gets_at_least_a_partial_answer_at_low_trust(flagship) -> None:  # type: ignore[no-untyped-def]
    scenario, rubric = flagship
    low = scenario.trust.low_below - 10
    state = Simulation.start(scenario, rubric).state
    untyped = respond(scenario, state, _ctx(low), Route(kind="ask", topic="lapset"))
    assert untyped.level == "evasive", "a wary client may dodge an open question"
    counted = respond(scenario, state, _ctx(low), Route(kind="ask", topic="lapset", types=frozenset({"how_many"})))
    assert counted.level == "partial"


@pytest.mark.parametrize("seed", range(6))
def test_a_how_old_question_gets_a_line_that_states_ages(flagship, seed: int) -> None:  # type: ignore[no-untyped-def]
    scenario, rubric = flagship
    full = [line for topic in scenario.topics if topic.id == "lapset" for line in topic.answers.full]
    assert any(not NUMBER.search(line.text) for line in full), "the topic has a full line without ages to avoid"
    state = Simulation.start(scenario, rubric, seed=seed).state
    answer = respond(scenario, state, _ctx(90), Route(kind="ask", topic="lapset", types=frozenset({"how_old"})))
    assert answer.level == "full" and NUMBER.search(answer.text), answer.text


def test_clarifying_names_two_topics_in_the_clients_words(flagship) -> None:  # type: ignore[no-untyped-def]
    scenario, rubric = flagship
    state = Simulation.start(scenario, rubric).state
    close = ("perhe", "aika-suomessa", "ystavat")
    answer = respond(scenario, state, _ctx(50), Route(kind="ask", close=close))
    topics = {topic.id: topic for topic in scenario.topics}
    assert answer.kind == "clarify"
    for topic_id in close[:CLARIFY_OPTIONS]:
        assert topics[topic_id].clarify_as and topics[topic_id].clarify_as in answer.text
        assert topics[topic_id].label not in answer.text
    assert topics["ystavat"].clarify_as not in answer.text


def test_a_reflection_of_the_real_question_is_heard(flagship) -> None:  # type: ignore[no-untyped-def]
    scenario, rubric = flagship
    real = next(d for d in scenario.disclosures if d.real_question)
    state = Simulation.start(scenario, rubric).state
    reflecting = "Eli mietit, kuka katsoo Neemaa ja Amania, jos menet kurssille, ja maksaako päiväkoti paljon."
    heard = dict(signals=frozenset({"reflection"}), disclosed=frozenset({real.id}), reply=reflecting)
    answer = respond(scenario, state, _ctx(70, **heard), Route(kind="tell"))
    assert answer.kind == "heard" and answer.line in real.heard
    before = respond(scenario, state, _ctx(70, **{**heard, "disclosed": frozenset()}), Route(kind="tell"))
    assert before.kind != "heard", "nothing to be heard before the question came out"
    other = respond(scenario, state, _ctx(70, **{**heard, "reply": "Kuulostaa siltä, että sää on ollut kylmä."}), Route(kind="tell"))
    assert other.kind != "heard", "a reflection of something else is not the real question"
    advising = respond(
        scenario, state, _ctx(70, **{**heard, "signals": frozenset({"reflection", "advice"})}), Route(kind="tell")
    )
    assert advising.kind != "heard", "advice is answered as advice"


def test_a_follow_up_of_another_kind_tells_more_and_the_same_again_is_already_said(flagship) -> None:  # type: ignore[no-untyped-def]
    scenario, rubric = flagship
    simulation = Simulation.start(scenario, rubric)
    simulation.state.trust = 55  # mid band: the count comes as a partial answer
    count = simulation.reply("Montako lasta sulla on?")
    assert (count.topic, count.line_kind) == ("lapset", "topic")
    ages = simulation.reply("Minkä ikäisiä he ovat?")
    assert ages.topic == "lapset" and ages.line_kind == "topic" and ages.client_line != count.client_line
    again = simulation.reply("Minkä ikäisiä lapset ovat?")
    assert again.line_kind == "already_said"


def test_a_number_the_full_answer_left_out_comes_from_a_line_not_said_yet() -> None:
    """Jari's full work history names no total; asked "how many years", he gives the line that does."""
    library = get_library()
    scenario = library.scenario("fi-pitkaaikaistyoton")
    simulation = Simulation.start(scenario, library.rubric_for(scenario))
    simulation.state.trust = 90
    history = simulation.reply("Kerro vähän työhistoriastasi alusta asti.")
    assert (history.topic, history.line_kind) == ("tyohistoria", "topic")
    years = simulation.reply("Montako vuotta sä olit siinä viimeisessä firmassa?")
    assert years.topic == "tyohistoria" and years.line_kind == "topic", years.client_line
    assert years.client_line != history.client_line and re.search(r"kymmentä|\d", years.client_line)
