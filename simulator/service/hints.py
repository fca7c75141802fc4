"""Which hint the trainee is looking at now, read from the stored meeting.

Why: a hint belongs to the stage it was asked in. The stored state already says when each
hint was asked (``hints_used`` counts them, and the reply that followed a hint carries
``hint_used``), so the page needs no memory of its own: after a refresh, a lost connection
or on another device the same hint is shown, and it disappears once the meeting has moved
on to another stage.
"""

from __future__ import annotations

from simulator.content.rubric import Rubric
from simulator.engine.state import SessionState
from simulator.service.views import Localised


def hint_stage(state: SessionState) -> str | None:
    """The stage the latest hint was asked in, or None when no hint was asked.

    A hint not yet followed by a reply was asked in the current stage (only replies move
    the meeting); otherwise it was asked in the stage of the reply that followed it.
    """
    followed = sum(1 for turn in state.turns if turn.hint_used)
    if state.hints_used > followed:
        return state.stage
    last = next((turn for turn in reversed(state.turns) if turn.hint_used), None)
    return last.stage if last is not None else None


def current_hint(state: SessionState, rubric: Rubric) -> Localised | None:
    """The text of the latest hint while the meeting is still in the stage it was asked in."""
    stage = hint_stage(state)
    if state.finished or stage is None or stage != state.stage or stage not in rubric.stages:
        return None
    guide = rubric.stages[stage]
    return {"fi": guide.hint.fi, "en": guide.hint.en}
