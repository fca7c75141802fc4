"""Stage moves on the product rubric: acts, not single weak cues (tests/engine/stage_moves.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simulator.content.library import get_library
from simulator.engine.machine import StageMachine, reply_acts

CASES = yaml.safe_load((Path(__file__).with_name("stage_moves.yaml")).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def machine() -> StageMachine:
    return StageMachine(get_library().rubrics["kohtaava"].flow)


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_stage_move(machine: StageMachine, case: dict) -> None:
    previous = set(case["previous"]) if "previous" in case else None
    edge = machine.advance(case["stage"], case.get("turns", 1), set(case["signals"]), previous)
    assert (edge.dest if edge is not None else None) == case["dest"]


def test_acts_need_informing_as_the_main_act() -> None:
    assert reply_acts({"advice"}) == {"act_inform"}
    assert reply_acts({"advice", "open_question"}) == set()
    assert reply_acts({"causal_explanation"}) == set(), "one weak cue is no informing"
    assert reply_acts({"causal_explanation", "way_forward"}) == {"act_inform"}
    assert "act_inform_twice" in reply_acts({"way_forward"}, {"information"})
    assert "act_inform_twice" not in reply_acts({"way_forward", "open_question"}, {"information"})
    assert reply_acts({"next_step", "encouragement"}) == {"act_close"}
