"""The ladder's statuses come from the order the meeting entered its stages."""

from __future__ import annotations

import pytest

from simulator.service.views import TurnView
from simulator.ui.components.ladder import AHEAD, CURRENT, SKIPPED, VISITED, last_step_back, statuses

STAGES = ("empathy", "guidance", "advisory", "farewell")


@pytest.mark.parametrize(
    ("history", "current", "finished", "expected"),
    [
        (["empathy"], "empathy", False, [CURRENT, AHEAD, AHEAD, AHEAD]),
        (["empathy", "guidance"], "guidance", False, [VISITED, CURRENT, AHEAD, AHEAD]),
        (["empathy", "advisory"], "advisory", False, [VISITED, SKIPPED, CURRENT, AHEAD]),
        (["empathy", "advisory", "guidance"], "guidance", False, [VISITED, CURRENT, VISITED, AHEAD]),
        (["empathy", "advisory", "closed"], "closed", True, [VISITED, SKIPPED, VISITED, AHEAD]),
        (["empathy", "guidance", "advisory", "farewell", "closed"], "closed", True, [VISITED] * 4),
    ],
    ids=["start", "second-step", "guidance-skipped", "step-back", "ended-early", "all-four"],
)
def test_statuses(history: list[str], current: str, finished: bool, expected: list[str]) -> None:
    assert [statuses(STAGES, history, current, finished=finished)[s] for s in STAGES] == expected


def _turn(index: int, stage: str, after: str, signals: tuple[str, ...] = ()) -> TurnView:
    return TurnView(index=index, reply="", client_line="", stage=stage, stage_after=after, trust_before=50,
                    trust_after=50, signals=signals, findings=(), reply_score=0.0)


def test_a_step_back_is_explained_by_the_reply_that_made_it() -> None:
    turns = [_turn(0, "empathy", "advisory"), _turn(1, "advisory", "guidance", ("reflection", "closed_question"))]
    back = last_step_back(STAGES, turns, "guidance")
    assert back is not None and back.reply_number == 2 and back.stage == "guidance" and back.signals == ("reflection",)


def test_no_step_back_once_the_meeting_moved_forward_again() -> None:
    turns = [_turn(0, "empathy", "advisory"), _turn(1, "advisory", "guidance"), _turn(2, "guidance", "advisory")]
    assert last_step_back(STAGES, turns, "advisory") is None
