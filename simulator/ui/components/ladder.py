"""The four-step ladder (empathy, guidance, advisory, farewell) with the current step marked."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from simulator.service.views import StageInfo
from simulator.ui.components.context import t
from simulator.ui.components.text import escape


def render_ladder(
    stages: Sequence[StageInfo],
    current: str,
    language: str,
    *,
    finished: bool = False,
    visited: Sequence[str] | None = None,
) -> None:
    """Steps top to bottom; done steps ticked, the current one bold with its goal underneath.

    With ``visited``, a step below the current one that the meeting never was in is shown
    as skipped, not ticked: the ladder shows only the steps really taken."""
    st.markdown(f"**{escape(t('practice.ladder_title'))}**")
    ids = [s.id for s in stages]
    position = len(ids) if finished or current not in ids else ids.index(current)
    lines = []
    for number, stage in enumerate(stages, start=1):
        name = escape(stage.name.get(language) or stage.id)
        if number - 1 < position and visited is not None and stage.id not in visited:
            lines.append(f"{number}\\. :gray[~~{name}~~ ({escape(t('practice.ladder_skipped'))})]")
        elif number - 1 < position:
            lines.append(f"{number}\\. ✓ {name}")
        elif number - 1 == position:
            lines.append(f"{number}\\. ➜ **{name}**")
        else:
            lines.append(f"{number}\\. :gray[{name}]")
    st.markdown("  \n".join(lines))
    if not finished and current in ids:
        goal = stages[position].goal.get(language) or ""
        st.caption(t("practice.ladder_current", stage=escape(stages[position].name.get(language) or current),
                     goal=escape(goal)))
