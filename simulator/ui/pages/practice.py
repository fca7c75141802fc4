"""Practice: the brief, then the conversation with live feedback under every reply.

The attempt lives in the database; this page redraws it from there on every run, so a
refresh, a lost connection or a server restart resume exactly where the trainee was.
``st.session_state`` only remembers which attempt is open.
"""

from __future__ import annotations

import streamlit as st

from simulator.service import assignments, practice
from simulator.service.auth import Principal
from simulator.service.errors import ReplyRefused, ServiceError, StaleReply
from simulator.service.views import AttemptView
from simulator.store import Database
from simulator.ui.components import errors, fmt, routing
from simulator.ui.components.assignment import by_scenario, render_assignment
from simulator.ui.components.chat import client_message, trainee_message
from simulator.ui.components.context import get_db, require_principal, t, ui_language
from simulator.ui.components.feedback import render_feedback, render_reply
from simulator.ui.components.ladder import render_ladder
from simulator.ui.components.text import escape, prose
from simulator.ui.components.trust import band as trust_band
from simulator.ui.components.trust import render_trust

INPUT_KEY = "practice_input"
CONFIRM_END_KEY = "practice_confirm_end"
NOTICE_KEY = "practice_notice"
# (attempt id, next turn index) as this tab last drew the conversation: a reply typed there
# answers that state. Sent as ``expected_index``, it makes the same reply from two tabs
# stored once, and a reply to a conversation that moved on refused (its text kept).
SHOWN_KEY = "practice_shown_index"


def render() -> None:
    principal = require_principal()
    db = get_db()
    language = ui_language()
    attempt_id = routing.chosen_attempt("practice")
    if attempt_id is None:
        latest = practice.latest_active_attempt(db, principal)
        if latest is not None:
            attempt_id = latest.id
            routing.go_quietly("practice", attempt_id)
    if attempt_id is None:
        st.title(t("practice.title"))
        st.info(t("practice.no_attempt"))
        if st.button(t("practice.to_picker"), key="practice_to_picker", type="primary"):
            routing.go("picker")
        return
    try:
        view = practice.get_attempt(db, principal, attempt_id)
    except ServiceError as error:
        st.title(t("practice.title"))
        st.error(errors.message("practice", error))
        routing.forget_attempt("practice")
        if st.button(t("practice.to_picker"), key="practice_to_picker"):
            routing.go("picker")
        return

    st.title(escape(view.scenario_title))
    if view.finished or view.user_id != principal.user_id:
        _read_only(view)
        return
    # The chat input is pinned to the bottom wherever it is called; reading it first stores
    # the reply before anything is drawn, so a reply costs one script run instead of two.
    prompt = st.chat_input(t("practice.input_placeholder"), key=INPUT_KEY)
    if prompt is not None:
        _send(db, principal, view, prompt)
        # Read again whether or not it was stored: when another tab moved the meeting on
        # (the reply refused as stale), this tab must now show, and answer, where it is.
        # Drawing the view read before the send showed the old conversation under "the
        # page now shows where it is", and the tab's next reply was refused again.
        view = practice.get_attempt(db, principal, attempt_id)
        if view.finished:
            _read_only(view)
            return
    _assignment(db, principal, view)
    _compact_status(view, language)
    with st.expander(t("practice.brief_title"), expanded=not view.turns):
        st.markdown(prose(view.brief))
    _sidebar(db, principal, view, language)
    _conversation(view, language)
    st.session_state[SHOWN_KEY] = (view.id, view.next_index)
    _notice()


# On a phone the sidebar is a drawer: the step and the client's trust must still be in
# sight above the chat, also when the chat has scrolled (sticky under the top bar). On
# wider screens the sidebar shows them, so this box hides.
COMPACT_CSS = (
    "<style>@media (min-width: 769px){.st-key-practice_compact_status{display:none}}"
    "@media (max-width: 768px){[data-testid=stLayoutWrapper]:has(> .st-key-practice_compact_status)"
    "{position:sticky;top:3.75rem;z-index:50;background-color:#fff}}</style>"
)


def _compact_status(view: AttemptView, language: str) -> None:
    """One line above the chat: step n/4 and its name, trust and its band."""
    st.html(COMPACT_CSS)
    ids = [s.id for s in view.stages]
    with st.container(key="practice_compact_status", border=True):
        if view.stage in ids:
            info = view.stages[ids.index(view.stage)]
            st.markdown(t("practice.compact_stage", n=ids.index(view.stage) + 1, total=len(ids),
                          stage=escape(info.name.get(language) or view.stage)))
        band = {"low": "practice.trust_low", "mid": "practice.trust_mid", "high": "practice.trust_high"}[
            trust_band(view.trust, view.trust_low_below, view.trust_high_from)]
        st.progress(max(0, min(100, view.trust)) / 100,
                    text=t("practice.compact_trust", trust=view.trust, band=t(band)))


def _assignment(db: Database, principal: Principal, view: AttemptView) -> None:
    """The mentor's assignment of this scenario, if any: status, due date, message."""
    try:
        mine = by_scenario(assignments.my_assignments(db, principal)).get(view.scenario_id)
    except ServiceError:
        return
    if mine is None:
        return
    render_assignment(mine, key="practice_assignment")
    if mine.status == "overdue":
        st.caption(t("practice.assignment_overdue"))


def _read_only(view: AttemptView) -> None:
    st.info(t("practice.finished_read_only"))
    if view.finished and st.button(t("practice.open_debrief"), key="practice_open_debrief", type="primary"):
        routing.go("debrief", view.id)
    if st.button(t("practice.to_picker"), key="practice_to_picker"):
        routing.forget_attempt("practice")
        routing.go("picker")


def _conversation(view: AttemptView, language: str) -> None:
    with client_message():
        st.markdown(f"**{escape(view.client_name)}:** {escape(view.opening_line)}")
    last = len(view.turns) - 1
    for position, turn in enumerate(view.turns):
        with trainee_message():
            render_reply(turn)
            render_feedback(turn, language, expanded=position == last)
        with client_message():
            st.markdown(f"**{escape(view.client_name)}:** {escape(turn.client_line)}")


def _sidebar(db: Database, principal: Principal, view: AttemptView, language: str) -> None:
    with st.sidebar:
        render_ladder(view.stages, view.stage, language, history=view.stage_history, turns=view.turns)
        previous = view.turns[-1].trust_before if view.turns else None
        render_trust(view.trust, view.trust_low_below, view.trust_high_from, previous=previous)
        counts = view.counts
        st.markdown(f"**{escape(t('practice.counts_title'))}**")
        left, right = st.columns(2)
        left.metric(t("practice.count_open"), counts.open_questions)
        right.metric(t("practice.count_closed"), counts.closed_questions)
        left.metric(t("practice.count_reflections"), counts.reflections)
        ratio = "–" if counts.talk_ratio is None else fmt.number(counts.talk_ratio, 2)
        right.metric(t("practice.count_talk_ratio"), ratio, help=t("practice.talk_ratio_help"))
        st.divider()
        _hint(db, principal, view, language)
        st.divider()
        _end(db, principal, view)


def _hint(db: Database, principal: Principal, view: AttemptView, language: str) -> None:
    """The hint button with its price on it (no hover needed on a phone), and the hint of
    this stage, which the service reads from the stored meeting (so it survives a refresh
    and disappears when the meeting moves to another stage)."""
    cost = view.hint_cost
    label = t("practice.hint_button", left=view.hints_left, count=int(cost) if float(cost).is_integer() else float(cost))
    clicked = st.button(
        label,
        key="practice_hint_button",
        disabled=view.hints_left <= 0,
        help=t("practice.hint_help", cost=float(view.hint_cost), max=practice.MAX_HINTS),
        width="stretch",
    )
    if clicked:
        try:
            practice.hint(db, principal, view.id)
        except ServiceError as error:
            st.error(errors.message("practice", error))
        else:
            st.rerun()
    if view.hints_left <= 0:
        st.caption(t("practice.hint_none_left", max=practice.MAX_HINTS))
    if view.hint is not None:
        text = view.hint.get(language) or view.hint.get("fi", "")
        st.info(t("practice.hint_text", text=escape(text)), icon=":material/lightbulb:")


def _end(db: Database, principal: Principal, view: AttemptView) -> None:
    if not st.session_state.get(CONFIRM_END_KEY):
        if st.button(t("practice.end_button"), key="practice_end_button", width="stretch"):
            st.session_state[CONFIRM_END_KEY] = True
            st.rerun()
        return
    st.warning(t("practice.end_confirm"))
    yes, no = st.columns(2)
    if yes.button(t("practice.end_yes"), key="practice_end_yes", type="primary"):
        st.session_state.pop(CONFIRM_END_KEY, None)
        try:
            practice.end_attempt(db, principal, view.id)
        except ServiceError as error:
            st.error(errors.message("practice", error))
            return
        routing.forget_attempt("practice")
        routing.go("debrief", view.id)
    if no.button(t("practice.end_no"), key="practice_end_no"):
        st.session_state.pop(CONFIRM_END_KEY, None)
        st.rerun()


def _send(db: Database, principal: Principal, view: AttemptView, text: str) -> None:
    """Store the reply, or leave a notice for this run saying why it was not stored."""
    try:
        shown = st.session_state.get(SHOWN_KEY)
        expected = shown[1] if isinstance(shown, tuple) and shown[0] == view.id else view.next_index
        practice.reply(db, principal, view.id, text, expected_index=expected)
    except ReplyRefused as error:
        kept = error.code in ("too_long", "invalid_characters")  # the typed text is kept to copy
        st.session_state[NOTICE_KEY] = (error.code, text) if kept else ("empty", "")
    except StaleReply as error:  # another tab moved the conversation on: keep the text
        st.session_state[NOTICE_KEY] = ("stale", (errors.message("practice", error), text))
    except ServiceError as error:
        st.session_state[NOTICE_KEY] = ("error", errors.message("practice", error))


def _notice() -> None:
    """Shows, once, why the last reply was not sent."""
    notice = st.session_state.pop(NOTICE_KEY, None)
    if not notice:
        return
    kind, payload = notice
    if kind == "too_long":
        st.error(t("practice.error.too_long", max=practice.MAX_REPLY_CHARS, length=len(payload)))
        with st.expander(t("practice.too_long_keep")):
            st.code(payload, language=None, wrap_lines=True)
    elif kind == "invalid_characters":
        st.error(t("practice.error.invalid_characters"))
        with st.expander(t("practice.too_long_keep")):
            st.code(payload.encode("utf-8", "replace").decode("utf-8"), language=None, wrap_lines=True)
    elif kind == "stale":
        message, text = payload
        st.error(message)
        with st.expander(t("practice.stale_keep"), expanded=True):
            st.code(text, language=None, wrap_lines=True)
    elif kind == "empty":
        st.info(t("practice.error.empty"))
    else:
        st.error(payload)
