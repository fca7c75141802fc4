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
from simulator.service.errors import ServiceError
from simulator.ui.components import errors, flash
from simulator.ui.components.cohort_chooser import COHORT_KEY, choose_cohort, refuse
from simulator.ui.components.text import escape
from simulator.ui.components.context import get_db, require_principal, t

FLASH = "mentor_cohorts"


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
    st.caption(t("mentor.cohorts.mentors", names=", ".join(escape(m.display_name) for m in view.mentors)))
    _invite(principal, view.id)
    _add_existing(principal, view.id)
    _add_new(principal, view.id)
    _remove(principal, view)
    _share(principal, view.id)


def _create(principal: Principal) -> None:
    with st.expander(t("mentor.cohorts.create"), expanded=not st.session_state.get(COHORT_KEY)):
        st.text_input(t("mentor.cohorts.name"), key="mentor_cohorts_new_name", max_chars=cohorts.COHORT_NAME_MAX)
        st.button(t("mentor.cohorts.create_button"), key="mentor_cohorts_create", type="primary",
                  on_click=_created, args=(principal,))
    flash.show(FLASH + "_create")


def _created(principal: Principal) -> None:
    try:
        created = cohorts.create_cohort(get_db(), principal, st.session_state.get("mentor_cohorts_new_name", ""))
    except ServiceError as error:
        flash.put(FLASH + "_create", "error", errors.message("mentor", error))
        return
    st.session_state[COHORT_KEY] = created.id
    flash.reset("mentor_cohorts_new_name")
    flash.put(FLASH + "_create", "success", t("mentor.cohorts.created", name=created.name))


def _invite(principal: Principal, cohort_id: int) -> None:
    """Trainees join by entering a code: their consent to the cohort's mentors seeing their practice."""
    with st.expander(t("mentor.cohorts.invite")):
        st.caption(t("mentor.cohorts.invite_intro"))
        if st.button(t("mentor.cohorts.invite_button"), key="mentor_cohorts_invite"):
            try:
                invitation = cohorts.create_invitation(get_db(), principal, cohort_id)
            except ServiceError as error:
                refuse(error)
                return
            st.caption(t("mentor.cohorts.invite_code", expires=invitation.expires_at.strftime("%Y-%m-%d")))
            st.code(invitation.code, language=None)


def _add_existing(principal: Principal, cohort_id: int) -> None:
    candidates = cohorts.trainee_candidates(get_db(), principal, cohort_id)
    with st.expander(t("mentor.cohorts.add_existing"), expanded=flash.pending(FLASH + "_add")):
        flash.show(FLASH + "_add")
        if not candidates:
            st.caption(t("mentor.cohorts.no_candidates"))
            return
        names = {c.id: f"{c.display_name} ({c.username})" for c in candidates}
        chosen = st.multiselect(t("mentor.cohorts.trainees"), list(names), format_func=names.__getitem__,
                                key="mentor_cohorts_existing")
        st.button(t("mentor.cohorts.add_button"), key="mentor_cohorts_add", disabled=not chosen,
                  on_click=_added, args=(principal, cohort_id, names))


def _added(principal: Principal, cohort_id: int, names: dict[int, str]) -> None:
    chosen = list(st.session_state.get("mentor_cohorts_existing") or [])
    try:
        for user_id in chosen:
            cohorts.add_trainee(get_db(), principal, cohort_id, user_id)
    except ServiceError as error:
        flash.put(FLASH + "_add", "error", errors.message("mentor", error))
        return
    flash.reset("mentor_cohorts_existing")
    flash.put(FLASH + "_add", "success",
              t("mentor.cohorts.added", count=len(chosen), names=", ".join(names.get(u, "") for u in chosen)))


def _add_new(principal: Principal, cohort_id: int) -> None:
    with st.expander(t("mentor.cohorts.add_new"), expanded=flash.pending(FLASH + "_new")):
        shown = flash.show(FLASH + "_new")
        if shown and shown.get("secret"):
            st.caption(t("mentor.cohorts.one_time_password"))
        st.text_input(t("mentor.username"), key="mentor_cohorts_new_username")
        st.text_input(t("mentor.name"), key="mentor_cohorts_new_display")
        st.selectbox(t("mentor.cohorts.locale"), ["fi", "en"], key="mentor_cohorts_new_locale",
                     format_func=lambda code: t(f"mentor.language_{code}"))
        st.button(t("mentor.cohorts.create_account"), key="mentor_cohorts_new_create", on_click=_new_created,
                  args=(principal, cohort_id))


def _new_created(principal: Principal, cohort_id: int) -> None:
    state = st.session_state
    try:
        created = cohorts.add_new_trainee(get_db(), principal, cohort_id, state.get("mentor_cohorts_new_username", ""),
                                          display_name=state.get("mentor_cohorts_new_display") or None,
                                          locale=state.get("mentor_cohorts_new_locale", "fi"))
    except ServiceError as error:
        flash.put(FLASH + "_new", "error", errors.message("mentor", error))
        return
    flash.reset("mentor_cohorts_new_username", "mentor_cohorts_new_display")
    flash.put(FLASH + "_new", "success", t("mentor.cohorts.account_created", username=created.username),
              secret=created.one_time_password)


def _remove(principal: Principal, view: cohorts.CohortView) -> None:
    if not view.members:
        flash.show(FLASH + "_remove")
        return
    with st.expander(t("mentor.cohorts.remove"), expanded=flash.pending(FLASH + "_remove")):
        flash.show(FLASH + "_remove")
        names = {m.id: f"{m.display_name} ({m.username})" for m in view.members}
        st.selectbox(t("mentor.cohorts.trainee"), list(names), format_func=names.__getitem__,
                     key="mentor_cohorts_remove_choice")
        st.button(t("mentor.cohorts.remove_button"), key="mentor_cohorts_remove", on_click=_removed,
                  args=(principal, view.id, names))


def _removed(principal: Principal, cohort_id: int, names: dict[int, str]) -> None:
    chosen = st.session_state.get("mentor_cohorts_remove_choice")
    if not isinstance(chosen, int):
        return
    try:
        cohorts.remove_trainee(get_db(), principal, cohort_id, chosen)
    except ServiceError as error:
        flash.put(FLASH + "_remove", "error", errors.message("mentor", error))
        return
    st.session_state.pop("mentor_cohorts_remove_choice", None)
    flash.put(FLASH + "_remove", "success", t("mentor.cohorts.removed", name=names.get(chosen, "")))


def _share(principal: Principal, cohort_id: int) -> None:
    with st.expander(t("mentor.cohorts.share"), expanded=flash.pending(FLASH + "_share")):
        flash.show(FLASH + "_share")
        st.text_input(t("mentor.cohorts.share_username"), key="mentor_cohorts_share_username")
        st.button(t("mentor.cohorts.share_button"), key="mentor_cohorts_share", on_click=_shared,
                  args=(principal, cohort_id))


def _shared(principal: Principal, cohort_id: int) -> None:
    username = str(st.session_state.get("mentor_cohorts_share_username", "")).strip()
    try:
        cohorts.share_cohort(get_db(), principal, cohort_id, username)
    except ServiceError as error:
        flash.put(FLASH + "_share", "error", errors.message("mentor", error))
        return
    flash.reset("mentor_cohorts_share_username")
    flash.put(FLASH + "_share", "success", t("mentor.cohorts.shared", username=username))
