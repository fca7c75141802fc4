"""The stage machine: forward steps, the advisory -> guidance back-step, guards, restore."""

from __future__ import annotations

import pytest

from simulator.engine.machine import StageMachine, to_dot


def fired(edge) -> str | None:
    return edge.trigger if edge is not None else None


def machine(mini, initial: str = "empathy", turns: int = 0) -> StageMachine:
    _, rubric = mini
    return StageMachine(rubric.flow, initial=initial, turns_in_stage=turns)


def test_forward_through_all_stages(mini) -> None:
    m = machine(mini)
    assert m.advance({"greeting"}) is None and m.stage == "empathy"
    assert fired(m.advance({"open_question"})) == "start_guidance" and m.stage == "guidance"
    assert fired(m.advance({"information"})) == "give_advice" and m.stage == "advisory"
    assert fired(m.advance({"summary"})) == "wrap_up" and m.stage == "farewell"
    m.finish()
    assert m.stage == "closed"


def test_back_step_from_advisory_to_guidance(mini) -> None:
    m = machine(mini, "advisory", turns=1)
    assert fired(m.advance({"open_question"})) == "listen_again"
    assert m.stage == "guidance"


def test_back_step_is_blocked_while_still_advising(mini) -> None:
    m = machine(mini, "advisory", turns=1)
    assert m.advance({"open_question", "information"}) is None
    assert m.stage == "advisory"


def test_next_step_needs_two_turns_in_advisory(mini) -> None:
    m = machine(mini, "advisory")
    assert m.advance({"next_step"}) is None, "the first advisory reply may plan, not close"
    assert fired(m.advance({"next_step"})) == "wrap_up"
    assert m.stage == "farewell"


def test_skipping_guidance_is_possible_and_visible(mini) -> None:
    m = machine(mini)
    assert fired(m.advance({"greeting", "advice"})) == "give_advice"
    assert m.stage == "advisory"


def test_unrelated_signals_keep_the_stage(mini) -> None:
    m = machine(mini, "guidance")
    for signals in ({"thanks"}, {"closed_question"}, set()):
        assert m.advance(signals) is None
    assert m.stage == "guidance"


def test_restored_machine_continues_from_its_stage(mini) -> None:
    m = machine(mini, "farewell", turns=3)
    assert m.stage == "farewell"
    assert m.advance({"open_question"}) is None, "no edge leaves farewell except finishing"


def test_finish_from_any_stage_and_twice(mini) -> None:
    for stage in ("empathy", "guidance", "advisory", "farewell"):
        m = machine(mini, stage)
        m.finish()
        m.finish()
        assert m.stage == "closed"


@pytest.mark.parametrize("needle", ['"empathy" -> "guidance"', '"advisory" -> "guidance"', "closed"])
def test_graphviz_source_shows_edges(mini, needle: str) -> None:
    _, rubric = mini
    dot = to_dot(rubric.flow)
    assert dot.startswith("digraph") and needle in dot
