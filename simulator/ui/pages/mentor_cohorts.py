"""Mentor: cohorts. Create one, see and change its members (existing trainees, or new
accounts with a one-time password to hand over), share it with another mentor.

Thin: every action is a call to :mod:`simulator.service.cohorts`, which decides who may
do it; a trainee who opens this page directly gets the service's refusal as a message.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from simulator.service import cohorts, policy
from simulator.service.auth import Principal
from simulator.service.cohorts import CohortSummary
from simulator.service.errors import ServiceError
from simulator.ui.components import errors
from simulator.ui.components.context import get_db, require_principal, t

COHORT_KEY = "mentor_cohort_id"  # the cohort the mentor pages share


def choose_cohort(principal: Principal, key: str) -> CohortSummary | None:
    """A cohort chooser shared by the mentor pages; None (with a message) when there is none.

    Raises ``ServiceError`` for callers the service refuses (anonymous).
    """
    mine = cohorts.my_cohorts(get_db(), principal)
    if not mine:
        st.info(t("mentor.no_cohorts"))
        return None
    ids = [c.id for c in mine]
    remembered = st.session_state.get(COHORT_KEY)
    index = ids.index(remembered) if remembered in ids else 0
    names = {c.id: t("mentor.cohort_item", name=c.name, count=c.members) for c in mine}
    chosen = st.selectbox(t("mentor.cohort"), ids, index=index, format_func=names.__getitem__, key=key)
    st.session_state[COHORT_KEY] = chosen
    return next(c for c in mine if c.id == chosen)


def refuse(error: ServiceError) -> None:
    """The service's refusal, in the user's language."""
    st.error(errors.message("mentor", error))


def render() -> None:
    principal = require_principal()
    db = get_db()
    st.title(t("mentor.cohorts.title"))
    try:
        policy.require_staff(principal)  # the service's own refusal, with its reason
        _create(principal)
        cohort = choose_cohort(principal, "mentor_cohorts_choose")
        if cohort is None:
            return
        view = cohorts.get_cohort(db, principal, cohort.id)
    except ServiceError as error:
        refuse(error)
        return
    st.subheader(t("mentor.cohorts.members", count=len(view.members)))
    if view.members:
        st.dataframe(
            pd.DataFrame([{t("mentor.name"): m.display_name, t("mentor.username"): m.username} for m in view.members]),
            hide_index=True,
            key="mentor_cohorts_members",
        )
    st.caption(t("mentor.cohorts.mentors", names=", ".join(m.display_name for m in view.mentors)))
    _add_existing(principal, view.id)
    _add_new(principal, view.id)
    _remove(principal, view)
    _share(principal, view.id)


def _create(principal: Principal) -> None:
    with st.expander(t("mentor.cohorts.create"), expanded=not st.session_state.get(COHORT_KEY)):
        name = st.text_input(t("mentor.cohorts.name"), key="mentor_cohorts_new_name", max_chars=cohorts.COHORT_NAME_MAX)
        if st.button(t("mentor.cohorts.create_button"), key="mentor_cohorts_create", type="primary"):
            try:
                created = cohorts.create_cohort(get_db(), principal, name)
            except ServiceError as error:
                refuse(error)
                return
            st.session_state[COHORT_KEY] = created.id
            st.session_state.pop("mentor_cohorts_choose", None)
            st.success(t("mentor.cohorts.created", name=created.name))
            st.rerun()


def _add_existing(principal: Principal, cohort_id: int) -> None:
    candidates = cohorts.trainee_candidates(get_db(), principal, cohort_id)
    with st.expander(t("mentor.cohorts.add_existing")):
        if not candidates:
            st.caption(t("mentor.cohorts.no_candidates"))
            return
        names = {c.id: f"{c.display_name} ({c.username})" for c in candidates}
        chosen = st.multiselect(t("mentor.cohorts.trainees"), list(names), format_func=names.__getitem__,
                                key="mentor_cohorts_existing")
        if st.button(t("mentor.cohorts.add_button"), key="mentor_cohorts_add", disabled=not chosen):
            try:
                for user_id in chosen:
                    cohorts.add_trainee(get_db(), principal, cohort_id, user_id)
            except ServiceError as error:
                refuse(error)
                return
            st.session_state.pop("mentor_cohorts_existing", None)
            st.rerun()


def _add_new(principal: Principal, cohort_id: int) -> None:
    with st.expander(t("mentor.cohorts.add_new")):
        username = st.text_input(t("mentor.username"), key="mentor_cohorts_new_username")
        display = st.text_input(t("mentor.name"), key="mentor_cohorts_new_display")
        locale = st.selectbox(t("mentor.cohorts.locale"), ["fi", "en"], key="mentor_cohorts_new_locale",
                              format_func=lambda code: t(f"mentor.language_{code}"))
        if st.button(t("mentor.cohorts.create_account"), key="mentor_cohorts_new_create"):
            try:
                created = cohorts.add_new_trainee(get_db(), principal, cohort_id, username,
                                                  display_name=display or None, locale=locale)
            except ServiceError as error:
                refuse(error)
                return
            st.success(t("mentor.cohorts.account_created", username=created.username))
            st.caption(t("mentor.cohorts.one_time_password"))
            st.code(created.one_time_password, language=None)


def _remove(principal: Principal, view: cohorts.CohortView) -> None:
    if not view.members:
        return
    with st.expander(t("mentor.cohorts.remove")):
        names = {m.id: f"{m.display_name} ({m.username})" for m in view.members}
        chosen = st.selectbox(t("mentor.cohorts.trainee"), list(names), format_func=names.__getitem__,
                              key="mentor_cohorts_remove_choice")
        if st.button(t("mentor.cohorts.remove_button"), key="mentor_cohorts_remove"):
            try:
                cohorts.remove_trainee(get_db(), principal, view.id, chosen)
            except ServiceError as error:
                refuse(error)
                return
            st.rerun()


def _share(principal: Principal, cohort_id: int) -> None:
    with st.expander(t("mentor.cohorts.share")):
        username = st.text_input(t("mentor.cohorts.share_username"), key="mentor_cohorts_share_username")
        if st.button(t("mentor.cohorts.share_button"), key="mentor_cohorts_share"):
            try:
                cohorts.share_cohort(get_db(), principal, cohort_id, username)
            except ServiceError as error:
                refuse(error)
                return
            st.success(t("mentor.cohorts.shared", username=username.strip()))
