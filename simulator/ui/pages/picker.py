"""Scenario picker: one card per scripted client; start a new attempt or continue one."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from simulator.service import assignments, catalogue, practice
from simulator.service.assignments import MyAssignment
from simulator.service.errors import ServiceError
from simulator.service.principal import Principal
from simulator.service.views import ScenarioCard
from simulator.ui.components import errors, routing
from simulator.ui.components.context import get_db, require_principal, t
from simulator.ui.components.assignment import URGENCY, by_scenario, summary_line
from simulator.ui.components.text import escape, prose, reflow

LANGUAGE_FILTER_KEY = "picker_language"


def render() -> None:
    principal = require_principal()
    db = get_db()
    st.title(t("picker.title"))
    st.caption(t("picker.intro"))
    options = ["all", "fi", "en"]
    choice = st.radio(
        t("picker.language_filter"),
        options,
        format_func=lambda o: t("picker.language_all") if o == "all" else t(f"picker.language_{o}"),
        horizontal=True,
        key=LANGUAGE_FILTER_KEY,
    )
    cards = catalogue.list_scenarios(principal, None if choice == "all" else choice, db=db)
    if not cards:
        st.info(t("picker.empty"))
        return
    mine = by_scenario(assignments.my_assignments(db, principal)) if any(c.assigned for c in cards) else {}
    # Assigned and due first: overdue, then in progress, then the soonest due; done ones last.
    far = datetime.max.replace(tzinfo=UTC)
    assigned = sorted((c for c in cards if c.id in mine),
                      key=lambda c: (mine[c.id].status == "done", mine[c.id].due_date or far, URGENCY[mine[c.id].status]))
    if assigned:
        st.subheader(t("picker.assigned_heading"))
        _grid(assigned, principal, mine)
        st.subheader(t("picker.other_heading"))
    _grid([c for c in cards if c.id not in mine], principal)


def _grid(cards: list[ScenarioCard], principal: Principal, mine: dict[str, MyAssignment] | None = None) -> None:
    columns = st.columns(2)
    for position, card in enumerate(cards):
        with columns[position % 2]:
            _card(card, principal, (mine or {}).get(card.id))


def _card(card: ScenarioCard, principal: Principal, assignment: MyAssignment | None = None) -> None:
    with st.container(border=True, key=f"picker_card_{card.id}"):
        st.markdown(f"#### {escape(card.title)}")
        badges = [
            t(f"picker.difficulty_{card.difficulty}"),
            t(f"picker.language_{card.language}"),
        ]
        st.caption(" · ".join(badges))
        if assignment is not None:  # status, due date and the mentor's message, where the trainee chooses
            st.markdown(summary_line(assignment))
            if assignment.note.strip():
                st.caption(t("picker.mentor_message_inline", message=escape(reflow(assignment.note))))
        st.markdown(
            t("picker.client_line", name=escape(card.client_name), age=card.client_age)
            + "  \n"
            + prose(card.summary)
        )
        with st.expander(t("picker.learning_goals")):
            st.markdown("\n".join(f"- {escape(goal)}" for goal in card.learning_goals))
        if card.finished_attempts:
            st.caption(t("picker.history", count=card.finished_attempts, best=card.best_overall if card.best_overall
                         is not None else "–"))
        if card.active_attempt_id is not None:
            if st.button(t("picker.continue"), key=f"picker_continue_{card.id}", type="primary",
                         width="stretch"):
                routing.go("practice", card.active_attempt_id)
            if st.button(t("picker.start_over"), key=f"picker_start_{card.id}", width="stretch"):
                _start(card, principal)
        elif st.button(t("picker.start"), key=f"picker_start_{card.id}", type="primary", width="stretch"):
            _start(card, principal)


def _start(card: ScenarioCard, principal: Principal) -> None:
    try:
        view = practice.start_attempt(get_db(), principal, card.id)
    except ServiceError as error:
        st.error(errors.message("picker", error))
        return
    routing.go("practice", view.id)
