"""The four-step ladder (empathy, guidance, advisory, farewell), told from the stored meeting.

Each step says in an icon *and* a word whether it was visited, skipped (the meeting went
past it without stopping), is the current one, or is still ahead; the icons are Material
Symbols from Streamlit's own bundled font, so they show without an emoji font. When the
meeting last moved a step back, one line says which reply did it and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from simulator.service.views import StageInfo, TurnView
from simulator.ui.components.context import t
from simulator.ui.components.text import escape

VISITED, SKIPPED, CURRENT, AHEAD = "visited", "skipped", "current", "ahead"
ICONS = {
    VISITED: ":green[:material/check_circle:]",
    SKIPPED: ":orange[:material/skip_next:]",
    CURRENT: ":blue[:material/arrow_forward:]",
    AHEAD: ":gray[:material/radio_button_unchecked:]",
}
# The signals that can take the meeting back from advice to listening (rubric flow "listen_again").
BACK_SIGNALS = ("open_question", "reflection", "agenda_question")


@dataclass(frozen=True)
class StepBack:
    reply_number: int
    stage: str
    signals: tuple[str, ...]


def statuses(stage_ids: Sequence[str], history: Sequence[str], current: str, *, finished: bool) -> dict[str, str]:
    """Each stage's status from the order the meeting entered stages (``stage_history``)."""
    order = {stage: position for position, stage in enumerate(stage_ids)}
    entered = {stage for stage in history if stage in order}
    furthest = max((order[stage] for stage in entered), default=-1)
    out: dict[str, str] = {}
    for stage in stage_ids:
        if stage == current and not finished:
            out[stage] = CURRENT
        elif stage in entered:
            out[stage] = VISITED
        elif order[stage] < furthest:
            out[stage] = SKIPPED
        else:
            out[stage] = AHEAD
    return out


def last_step_back(stage_ids: Sequence[str], turns: Sequence[TurnView], current: str) -> StepBack | None:
    """The reply that moved the meeting to an earlier step, if the meeting is still there."""
    order = {stage: position for position, stage in enumerate(stage_ids)}
    for turn in reversed(turns):
        if turn.stage_after != turn.stage:
            went_back = order.get(turn.stage_after, 99) < order.get(turn.stage, -1)
            if went_back and turn.stage_after == current:
                return StepBack(turn.index + 1, turn.stage_after, tuple(s for s in BACK_SIGNALS if s in turn.signals))
            return None
    return None


def render_ladder(
    stages: Sequence[StageInfo],
    current: str,
    language: str,
    *,
    finished: bool = False,
    history: Sequence[str] = (),
    turns: Sequence[TurnView] = (),
) -> None:
    """Steps top to bottom with their status; the current one bold with its goal underneath."""
    st.markdown(f"**{escape(t('practice.ladder_title'))}**")
    ids = [s.id for s in stages]
    status = statuses(ids, history or [current], current, finished=finished)
    lines = []
    for number, stage in enumerate(stages, start=1):
        name = escape(stage.name.get(language) or stage.id)
        word = escape(t(f"practice.ladder_status.{status[stage.id]}"))
        shown = f"**{name}**" if status[stage.id] == CURRENT else name
        lines.append(f"{ICONS[status[stage.id]]} {number}\\. {shown} :gray[({word})]")
    st.markdown("  \n".join(lines))
    back = None if finished else last_step_back(ids, turns, current)
    if back is not None:
        names = {s.id: s.name.get(language) or s.id for s in stages}
        reasons = [t(f"practice.ladder_back_signal.{signal}") for signal in back.signals]
        st.caption(t("practice.ladder_back", n=back.reply_number, stage=names.get(back.stage, back.stage),
                     why=", ".join(reasons) or t("practice.ladder_back_signal.other")))
    if not finished and current in ids:
        info = stages[ids.index(current)]
        st.caption(t("practice.ladder_current", stage=escape(info.name.get(language) or current),
                     goal=escape(info.goal.get(language) or "")))
