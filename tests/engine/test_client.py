"""The client's reactions: conditions, trust moves, disclosures and the choice of line."""

from __future__ import annotations

from simulator.content.scenario import Condition
from simulator.engine.client import TurnContext, holds, respond
from simulator.session.simulation import Simulation


def ctx(**overrides) -> TurnContext:
    values = dict(
        stage="guidance",
        stage_after="guidance",
        signals=frozenset(),
        trust=50,
        disclosed=frozenset(),
        listening_turns=0,
    )
    values.update(overrides)
    return TurnContext(**values)


def test_empty_condition_always_holds() -> None:
    assert holds(Condition(), ctx())


def test_every_stated_part_must_hold() -> None:
    condition = Condition(stages=["guidance"], signals_any=["reflection"], min_trust=60)
    assert holds(condition, ctx(signals=frozenset({"reflection"}), trust=60))
    assert not holds(condition, ctx(signals=frozenset({"reflection"}), trust=59))
    assert not holds(condition, ctx(signals=frozenset({"reflection"}), trust=70, stage="advisory"))
    assert not holds(condition, ctx(signals=frozenset({"open_question"}), trust=70))


def test_entering_needs_a_stage_change() -> None:
    condition = Condition(entering="advisory")
    assert holds(condition, ctx(stage="empathy", stage_after="advisory"))
    assert not holds(condition, ctx(stage="advisory", stage_after="advisory"))


def test_computer_in_guidance_drops_trust_and_the_client_withdraws(mini) -> None:
    scenario, rubric = mini
    state = Simulation.start(scenario, rubric).state
    response = respond(scenario, state, ctx(signals=frozenset({"computer_focus"})))
    assert response.trust_after == 50 - 15
    assert response.line.id == "r-computer"
    assert "computer" in response.reactions


def test_listening_raises_trust_and_uses_the_trust_band(mini) -> None:
    scenario, rubric = mini
    state = Simulation.start(scenario, rubric).state
    response = respond(scenario, state, ctx(signals=frozenset({"open_question"}), trust=60))
    assert response.trust_after == 68
    assert response.line.id == "g-high", "68 is in the high band (from 65)"


def test_trust_is_clamped_to_the_scale(mini) -> None:
    scenario, rubric = mini
    state = Simulation.start(scenario, rubric).state
    low = respond(scenario, state, ctx(signals=frozenset({"computer_focus", "hurry"}), trust=5))
    high = respond(scenario, state, ctx(signals=frozenset({"reflection"}), trust=98))
    assert low.trust_after == 0 and high.trust_after == 100


def test_disclosure_needs_listening_and_trust(mini) -> None:
    """Content whose disclosure no topic owns keeps the older trust-plus-signal path."""
    scenario, rubric = mini
    scenario = scenario.model_copy(update={"topics": []})
    state = Simulation.start(scenario, rubric).state
    heard = respond(scenario, state, ctx(signals=frozenset({"open_question"}), trust=50, listening_turns=2))
    assert heard.disclosed == ["real-question"] and heard.line.id == "d-real"
    too_early = respond(scenario, state, ctx(signals=frozenset({"open_question"}), trust=50, listening_turns=1))
    assert too_early.disclosed == []
    distrusted = respond(scenario, state, ctx(signals=frozenset({"open_question"}), trust=40, listening_turns=3))
    assert distrusted.disclosed == [], "48 after the reaction is below the 55 needed"


def test_fault_line_wins_over_a_disclosure(mini) -> None:
    scenario, rubric = mini
    scenario = scenario.model_copy(update={"topics": []})
    state = Simulation.start(scenario, rubric).state
    response = respond(scenario, state, ctx(signals=frozenset({"open_question", "hurry"}), trust=70, listening_turns=3))
    assert response.line.id == "r-hurry"


def test_lines_do_not_repeat_while_fresh_ones_remain(mini) -> None:
    scenario, rubric = mini
    state = Simulation.start(scenario, rubric).state
    first = respond(scenario, state, ctx(stage="empathy", stage_after="empathy"))
    state.used_lines.append(first.line.id)
    second = respond(scenario, state, ctx(stage="empathy", stage_after="empathy"))
    assert {first.line.id, second.line.id} == {"e-mid-1", "e-mid-2"}
