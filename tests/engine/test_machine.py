"""The stage machine: forward steps, the advisory -> guidance back-step, guards, reuse."""

from __future__ import annotations

import threading

import pytest

from simulator.engine.machine import StageMachine, machine_for, to_dot


def fired(mini, stage: str, signals: set[str], turns: int = 1) -> str | None:
    """The trigger a reply with ``signals`` fires from ``stage`` (``turns`` counts it)."""
    _, rubric = mini
    edge = StageMachine(rubric.flow).advance(stage, turns, signals)
    return edge.trigger if edge is not None else None


def test_forward_through_all_stages(mini) -> None:
    assert fired(mini, "empathy", {"greeting"}) is None
    assert fired(mini, "empathy", {"open_question"}) == "start_guidance"
    assert fired(mini, "guidance", {"information"}) == "give_advice"
    assert fired(mini, "advisory", {"summary"}) == "wrap_up"


def test_edges_lead_where_the_flow_says(mini) -> None:
    _, rubric = mini
    machine = StageMachine(rubric.flow)
    assert machine.advance("empathy", 1, {"open_question"}).dest == "guidance"
    assert machine.advance("advisory", 1, {"summary"}).dest == "farewell"


def test_back_step_from_advisory_to_guidance(mini) -> None:
    assert fired(mini, "advisory", {"open_question"}) == "listen_again"


def test_back_step_is_blocked_while_still_advising(mini) -> None:
    assert fired(mini, "advisory", {"open_question", "information"}) is None


def test_next_step_needs_two_turns_in_advisory(mini) -> None:
    assert fired(mini, "advisory", {"next_step"}, turns=1) is None, "the first advisory reply may plan, not close"
    assert fired(mini, "advisory", {"next_step"}, turns=2) == "wrap_up"


def test_skipping_guidance_is_possible_and_visible(mini) -> None:
    assert fired(mini, "empathy", {"greeting", "advice"}) == "give_advice"


@pytest.mark.parametrize("signals", [{"thanks"}, {"closed_question"}, set()], ids=["thanks", "closed", "nothing"])
def test_unrelated_signals_keep_the_stage(mini, signals: set[str]) -> None:
    assert fired(mini, "guidance", signals) is None


def test_no_edge_leaves_the_farewell(mini) -> None:
    for signals in ({"open_question"}, {"information"}, {"summary"}):
        assert fired(mini, "farewell", signals, turns=3) is None


def test_finish_from_any_stage(mini) -> None:
    _, rubric = mini
    machine = StageMachine(rubric.flow)
    for stage in ("empathy", "guidance", "advisory", "farewell", "closed"):
        assert machine.finish(stage) == "closed"


def test_one_machine_serves_sessions_in_different_stages(mini) -> None:
    _, rubric = mini
    machine = machine_for(rubric.flow)
    assert machine_for(rubric.flow) is machine, "built once per rubric and thread"
    assert machine.advance("advisory", 1, {"open_question"}).dest == "guidance"
    assert machine.advance("empathy", 1, {"greeting"}) is None, "the previous call leaves nothing behind"


def test_each_thread_gets_its_own_machine(mini) -> None:
    _, rubric = mini
    seen: list[StageMachine] = []
    worker = threading.Thread(target=lambda: seen.append(machine_for(rubric.flow)))
    worker.start()
    worker.join()
    assert seen and seen[0] is not machine_for(rubric.flow)


@pytest.mark.parametrize("needle", ['"empathy" -> "guidance"', '"advisory" -> "guidance"', "closed"])
def test_graphviz_source_shows_edges(mini, needle: str) -> None:
    _, rubric = mini
    dot = to_dot(rubric.flow)
    assert dot.startswith("digraph") and needle in dot
