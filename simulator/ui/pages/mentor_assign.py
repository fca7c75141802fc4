"""Mentor: assign a scenario to a cohort or to chosen trainees, with an optional due date
and note; below, the cohort's assignments with how far the trainees are."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from simulator.service import assignments, catalogue, cohorts, policy
from simulator.service.auth import Principal
from simulator.service.errors import ServiceError
from simulator.ui.components import errors, flash
from simulator.ui.components.assignment import due_day
from simulator.ui.components.context import get_db, require_principal, t
from simulator.ui.components.cohort_chooser import choose_cohort, refuse


FLASH = "mentor_assign"


def render() -> None:
    principal = require_principal()
    db = get_db()
    st.title(t("mentor.assign.title"))
    try:
        policy.require_staff(principal)
        cohort = choose_cohort(principal, "mentor_assign_cohort")
        if cohort is None:
            return
        view = cohorts.get_cohort(db, principal, cohort.id)
        _form(principal, view)
        _listing(principal, cohort.id)
    except ServiceError as error:
        refuse(error)


def _form(principal: Principal, view: cohorts.CohortView) -> None:
    cards = catalogue.list_scenarios(principal)
    titles = {c.id: f"{c.title} ({c.language})" for c in cards}
    with st.container(border=True, key="mentor_assign_form"):
        scenario = st.selectbox(t("mentor.assign.scenario"), list(titles), format_func=titles.__getitem__,
                                key="mentor_assign_scenario")
        target = st.radio(t("mentor.assign.target"), ["cohort", "trainees"], horizontal=True,
                          format_func=lambda v: t(f"mentor.assign.target_{v}"), key="mentor_assign_target")
        chosen: list[int] | None = None
        if target == "trainees":
            names = {m.id: m.display_name for m in view.members}
            chosen = st.multiselect(t("mentor.assign.trainees"), list(names), format_func=names.__getitem__,
                                    key="mentor_assign_trainees")
        st.date_input(t("mentor.assign.due"), value=None, key="mentor_assign_due", format="DD.MM.YYYY")
        st.text_area(t("mentor.assign.note"), key="mentor_assign_note", max_chars=assignments.NOTE_MAX)
        st.button(t("mentor.assign.button"), key="mentor_assign_submit", type="primary", on_click=_assigned,
                  args=(principal, view.id, scenario, chosen, titles))
        flash.show(FLASH)


def _assigned(principal: Principal, cohort_id: int, scenario: str, chosen: list[int] | None,
              titles: dict[str, str]) -> None:
    """The button's callback: assign, then empty the form so the next assignment starts fresh."""
    state = st.session_state
    if state.get("mentor_assign_target") == "trainees":
        chosen = list(state.get("mentor_assign_trainees") or [])
    try:
        made = assignments.assign(get_db(), principal, state.get("mentor_assign_scenario", scenario), cohort_id=cohort_id,
                                  user_ids=chosen, due_date=state.get("mentor_assign_due"),
                                  note=state.get("mentor_assign_note") or "")
    except ServiceError as error:
        flash.put(FLASH, "error", errors.message("mentor", error))
        return
    flash.reset("mentor_assign_note", "mentor_assign_trainees", "mentor_assign_due")
    flash.put(FLASH, "success", t("mentor.assign.done", count=len(made), title=titles.get(made[0].scenario_id, "")))


def _listing(principal: Principal, cohort_id: int) -> None:
    rows = assignments.cohort_assignments(get_db(), principal, cohort_id)
    st.subheader(t("mentor.assign.current"))
    if not rows:
        st.caption(t("mentor.assign.none"))
        return
    table = pd.DataFrame([
        {
            t("mentor.assign.col_scenario"): a.title,
            t("mentor.assign.col_due"): due_day(a.due_date) if a.due_date else "",
            t("mentor.assign.col_targets"): a.targets,
            t("cohort.status.done"): a.done,
            t("cohort.status.in_progress"): a.in_progress,
            t("cohort.status.not_started"): a.not_started,
            t("cohort.status.overdue"): a.overdue,
            t("mentor.assign.note"): a.note,
        }
        for a in rows
    ])
    st.dataframe(table, hide_index=True, key="mentor_assign_table")
