"""The cohort chooser and the refusal message every mentor page shows.

A component rather than part of one page so that no page imports another: the mentor
pages (cohorts, assignments, dashboard, review) all need the same shared choice.
"""

from __future__ import annotations

import streamlit as st

from simulator.service import cohorts
from simulator.service.auth import Principal
from simulator.service.cohorts import CohortSummary
from simulator.service.errors import ServiceError
from simulator.ui.components import errors
from simulator.ui.components.context import get_db, t

COHORT_KEY = "mentor_cohort_id"  # the cohort the mentor pages share


def choose_cohort(principal: Principal, key: str) -> CohortSummary | None:
    """A cohort chooser shared by the mentor pages; None (with a message) when there is none.

    The cohort the mentor pages share is ``st.session_state[COHORT_KEY]``; each page's
    widget is set from it before it is drawn, and only Session State gives the value (no
    ``index``): giving both made Streamlit keep showing the old cohort after "Luo ryhmä",
    so trainees could be added to the wrong one. A choice in the widget updates the shared
    value in its ``on_change``; a cohort just created becomes the shared one in the create
    button's callback. Raises ``ServiceError`` for callers the service refuses (anonymous).
    """
    mine = cohorts.my_cohorts(get_db(), principal)
    if not mine:
        st.info(t("mentor.no_cohorts"))
        return None
    ids = [c.id for c in mine]
    shared = st.session_state.get(COHORT_KEY)
    if shared not in ids:
        shared = st.session_state.get(key) if st.session_state.get(key) in ids else ids[0]
    st.session_state[key] = st.session_state[COHORT_KEY] = shared
    names = {c.id: t("mentor.cohort_item", name=c.name, count=c.members) for c in mine}
    chosen = st.selectbox(t("mentor.cohort"), ids, format_func=names.__getitem__, key=key,
                          on_change=_share_choice, args=(key,))
    return next(c for c in mine if c.id == chosen)


def _share_choice(key: str) -> None:
    if st.session_state.get(key) is not None:  # the widget may be gone after a page switch
        st.session_state[COHORT_KEY] = st.session_state[key]


def refuse(error: ServiceError) -> None:
    """The service's refusal, in the user's language."""
    st.error(errors.message("mentor", error))
