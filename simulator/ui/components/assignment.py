"""A mentor's assignment where the trainee works: on the scenario card and above the chat.

Shows the status in a coloured badge *with its word* (overdue red, in progress blue, not
started orange, done green), the due date and the mentor's message (the mentor's own text,
shown inert). The service (``simulator.service.assignments``) decides whose they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import streamlit as st

from simulator.service import formatting
from simulator.service.assignments import MyAssignment
from simulator.ui.components.context import t, ui_language
from simulator.ui.components.text import escape, prose

BADGE = {"overdue": "red", "in_progress": "blue", "not_started": "orange", "done": "green"}
URGENCY = {"overdue": 0, "in_progress": 1, "not_started": 2, "done": 3}


def due_day(value: datetime) -> str:
    """The calendar day the mentor chose (stored as the end of that day in UTC)."""
    return formatting.day(value.astimezone(UTC).date(), ui_language())


def by_scenario(mine: Iterable[MyAssignment]) -> dict[str, MyAssignment]:
    """The most urgent assignment per scenario (overdue, then in progress, then soonest due)."""
    far = datetime.max.replace(tzinfo=UTC)
    out: dict[str, MyAssignment] = {}
    for a in mine:
        key = (URGENCY[a.status], a.due_date or far)
        best = out.get(a.scenario_id)
        if best is None or key < (URGENCY[best.status], best.due_date or far):
            out[a.scenario_id] = a
    return out


def badge(assignment: MyAssignment) -> str:
    word = escape(t("cohort.assigned_status", status=t(f"cohort.status.{assignment.status}")))
    return f":{BADGE[assignment.status]}-badge[{word}]"


def summary_line(assignment: MyAssignment) -> str:
    """Badge, due date (and from which cohort) as one Markdown line."""
    parts = [badge(assignment)]
    if assignment.due_date is not None:
        parts.append(escape(t("picker.due", date=due_day(assignment.due_date))))
    if assignment.cohort_name:
        parts.append(escape(t("picker.from_cohort", cohort=assignment.cohort_name)))
    return " · ".join(parts)


def render_assignment(assignment: MyAssignment, *, key: str) -> None:
    """The assignment in a bordered box: summary line, then the mentor's message."""
    with st.container(border=True, key=key):
        st.markdown(summary_line(assignment))
        if assignment.note.strip():
            st.markdown(f"**{escape(t('picker.mentor_message'))}**  \n{prose(assignment.note)}")
