"""Moving between the trainee pages with the attempt they should show.

The shell's navigation keeps this run's ``st.Page`` objects by name in
``st.session_state["_kohtaamo_pages"]`` (``simulator.ui.navigation.page``). Which attempt a page shows is kept in
``st.session_state`` *and* the ``attempt`` query parameter, so a browser refresh (a new
session) lands on the same attempt; the database decides whether the user may see it.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

PAGES_KEY = "_kohtaamo_pages"
ATTEMPT_KEYS = {"practice": "practice_attempt_id", "debrief": "debrief_attempt_id"}


def go(page: str, attempt_id: int | None = None) -> None:
    """Switch to ``page`` (showing ``attempt_id``), or rerun when the page is not registered."""
    if attempt_id is not None and page in ATTEMPT_KEYS:
        st.session_state[ATTEMPT_KEYS[page]] = attempt_id
        st.session_state["_kohtaamo_pending_attempt"] = attempt_id
    target = st.session_state.get(PAGES_KEY, {}).get(page)  # as simulator.ui.navigation.page()
    if target is not None:
        st.switch_page(target, query_params={"attempt": str(attempt_id)} if attempt_id is not None else None)
    st.rerun()


def chosen_attempt(page: str) -> int | None:
    """The attempt this page was sent to, from session state or the URL; also mirrors it to the URL."""
    pending = st.session_state.pop("_kohtaamo_pending_attempt", None)
    value: Any = pending if pending is not None else st.session_state.get(ATTEMPT_KEYS[page])
    if value is None:
        raw = st.query_params.get("attempt")
        if raw is not None and str(raw).isdigit():
            value = int(raw)
    if value is None:
        return None
    value = int(value)
    assert isinstance(value, int)
    st.session_state[ATTEMPT_KEYS[page]] = value
    if st.query_params.get("attempt") != str(value):
        st.query_params["attempt"] = str(value)
    return value


def forget_attempt(page: str) -> None:
    st.session_state.pop(ATTEMPT_KEYS[page], None)
    if "attempt" in st.query_params:
        del st.query_params["attempt"]


def go_quietly(page: str, attempt_id: int) -> None:
    """Remember ``attempt_id`` for ``page`` (and in the URL) without leaving the page."""
    st.session_state[ATTEMPT_KEYS[page]] = attempt_id
    if st.query_params.get("attempt") != str(attempt_id):
        st.query_params["attempt"] = str(attempt_id)
