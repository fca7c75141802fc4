"""Mentor: review an attempt of a cohort's trainee. Transcript with the client's inner
thoughts, findings (the engine's and mentors'), scores; comment on a reply, dismiss a
finding ("not what happened") or add a missed one. Scores are recomputed by the service.

The trainee's side of the same feedback is :mod:`simulator.ui.components.mentor_feedback`.
"""

from __future__ import annotations

import streamlit as st

from simulator.service import corrections, policy, review
from simulator.service.auth import Principal
from simulator.service.errors import ServiceError
from simulator.service.review import ReviewFinding, ReviewTurn, ReviewView
from simulator.ui.components import errors, flash, fmt
from simulator.ui.components.cohort_chooser import choose_cohort, refuse
from simulator.ui.components.chat import client_message, trainee_message
from simulator.ui.components.context import get_db, require_principal, t, ui_language
from simulator.ui.components.feedback import finding_line
from simulator.ui.components.text import escape, highlighted_markdown

ATTEMPT_KEY = "mentor_review_attempt"


def render() -> None:
    principal = require_principal()
    db = get_db()
    language = ui_language()
    st.title(t("mentor.review.title"))
    try:
        policy.require_staff(principal)
        cohort = choose_cohort(principal, "mentor_review_cohort")
        if cohort is None:
            return
        queue = review.review_queue(db, principal, cohort.id)
        if not queue:
            st.info(t("mentor.review.none"))
            return
        ids = [row.attempt_id for row in queue]
        labels = {
            row.attempt_id: t(
                "mentor.review.item", name=row.trainee_name, title=row.title,
                date=fmt.moment(row.finished_at or row.started_at),
                score="–" if row.overall is None else row.overall,
                status=t(f"mentor.review.status_{row.status}"),
            )
            for row in queue
        }
        current = st.session_state.get(ATTEMPT_KEY)
        chosen = st.selectbox(t("mentor.review.attempt"), ids, index=ids.index(current) if current in ids else 0,
                              format_func=labels.__getitem__, key="mentor_review_choose")
        st.session_state[ATTEMPT_KEY] = chosen
        view = review.open_attempt(db, principal, chosen)
    except ServiceError as error:
        refuse(error)
        return
    _summary(view, language)
    flash.show(FLASH)
    for turn in view.turns:
        _turn(principal, view, turn, language)
    if view.attempt.closing_line:
        with client_message():
            st.text(view.attempt.closing_line)


def _summary(view: ReviewView, language: str) -> None:
    st.subheader(t("mentor.review.heading", name=escape(view.trainee_name), title=escape(view.attempt.scenario_title)))
    if view.report is None:
        st.info(t("mentor.review.active"))
    else:
        columns = st.columns(5)
        delta = None
        if view.engine_overall is not None and view.engine_overall != view.report.overall:
            delta = view.report.overall - view.engine_overall
        columns[0].metric(t("mentor.review.overall"), f"{view.report.overall} / 100", delta=delta,
                          help=t("mentor.review.overall_help", engine=view.engine_overall))
        for column, stage in zip(columns[1:], view.attempt.stages, strict=True):
            score = view.report.stages.get(stage.id)
            column.metric(stage.name.get(language) or stage.id, "–" if score is None else score)
    with client_message():
        st.text(view.attempt.opening_line)


def _turn(principal: Principal, view: ReviewView, item: ReviewTurn, language: str) -> None:
    turn = item.turn
    attempt_id = view.attempt.id
    finished = view.report is not None
    with trainee_message():
        live = [f.finding for f in item.findings if not f.dismissed]
        st.markdown(highlighted_markdown(turn.reply, live))
        stage = next((s.name.get(language) for s in view.attempt.stages if s.id == turn.stage), None) or turn.stage
        st.caption(t("mentor.review.turn_meta", number=turn.index + 1, stage=escape(stage), trust=turn.trust_after))
        for position, finding in enumerate(item.findings):
            _finding(principal, attempt_id, turn.index, position, finding, language, finished)
        for comment in item.comments:
            st.caption(t("mentor.review.comment_by", author=escape(comment.author_name),
                         date=fmt.moment(comment.created_at)))
            st.text(comment.text)
        _history(item, language)
        with st.expander(t("mentor.review.act"), expanded=False):
            _comment_form(principal, attempt_id, turn.index)
            if finished:
                _add_form(principal, view, item, language)
    with client_message():
        st.text(turn.client_line)
        if turn.inner_thought:
            st.caption(t("mentor.review.thought", thought=escape(turn.inner_thought)))


def _finding(principal: Principal, attempt_id: int, index: int, position: int, item: ReviewFinding, language: str,
             finished: bool) -> None:
    """One finding with what the mentor may do to it: dismiss it (with a reason), withdraw
    a dismissal, or remove a finding a mentor added. Every change is rescored by the service."""
    key = f"mentor_review_{attempt_id}_{index}_{position}"
    line = finding_line(item.finding, language)
    columns = st.columns([4, 1])
    if item.dismissed:
        columns[0].markdown(f"~~{line}~~  \n:gray-badge[{escape(t('mentor.review.dismissed'))}]")
        if finished and item.correction_id is not None:
            columns[1].button(t("mentor.review.undo_dismiss"), key=f"{key}_undo", on_click=_withdraw,
                              args=(principal, item.correction_id, "undone_dismiss"))
        return
    if item.finding.source == "mentor":
        columns[0].markdown(f"{line}  \n:blue-badge[{escape(t('mentor.review.added'))}]")
        if finished and item.correction_id is not None:
            columns[1].button(t("mentor.review.remove_added"), key=f"{key}_remove", on_click=_withdraw,
                              args=(principal, item.correction_id, "removed_added"))
        return
    columns[0].markdown(line)
    if not finished:
        return
    asking = st.session_state.get(DISMISS_OPEN) == key
    if not asking:
        columns[1].button(t("mentor.review.dismiss"), key=f"mentor_review_dismiss_{attempt_id}_{index}_{position}",
                          help=t("mentor.review.dismiss_help"), on_click=_open_dismiss, args=(key,))
        return
    with st.container(border=True, key=f"{key}_why"):
        st.radio(t("mentor.review.dismiss_reason"), list(corrections.DISMISS_REASONS), key=f"{key}_reason",
                 format_func=lambda code: t(f"mentor.review.reason.{code}"))
        st.text_input(t("mentor.review.dismiss_note"), key=f"{key}_note", max_chars=corrections.NOTE_MAX)
        yes, no = st.columns(2)
        yes.button(t("mentor.review.dismiss_confirm"), key=f"{key}_confirm", type="primary", on_click=_dismiss,
                   args=(principal, attempt_id, index, item.key, key))
        no.button(t("mentor.review.cancel"), key=f"{key}_cancel", on_click=_open_dismiss, args=(None,))


DISMISS_OPEN = "_mentor_review_dismissing"  # which finding's reason form is open
FLASH = "mentor_review"


def _open_dismiss(key: str | None) -> None:
    st.session_state[DISMISS_OPEN] = key


def _dismiss(principal: Principal, attempt_id: int, index: int, finding_key: str, key: str) -> None:
    reason = st.session_state.get(f"{key}_reason") or corrections.DISMISS_REASONS[0]
    note = st.session_state.get(f"{key}_note") or ""
    try:
        report = corrections.dismiss_finding(get_db(), principal, attempt_id, index, finding_key, note, reason=reason)
    except ServiceError as error:
        flash.put(FLASH, "error", errors.message("mentor", error))
        return
    st.session_state[DISMISS_OPEN] = None
    flash.put(FLASH, "success", t("mentor.review.rescored", overall=report.overall))


def _withdraw(principal: Principal, correction_id: int, what: str) -> None:
    try:
        report = corrections.withdraw_correction(get_db(), principal, correction_id)
    except ServiceError as error:
        flash.put(FLASH, "error", errors.message("mentor", error))
        return
    flash.put(FLASH, "success", t(f"mentor.review.{what}", overall=report.overall))


def _history(item: ReviewTurn, language: str) -> None:
    """Every correction of this reply, withdrawn ones too (struck through, with who and when)."""
    for correction in item.corrections:
        text = t(f"mentor.review.correction_{correction.action}",
                 principle=escape(correction.principle_name.get(language) or correction.principle),
                 author=escape(correction.author_name), date=fmt.moment(correction.created_at))
        if correction.reason:
            text += " · " + escape(t(f"mentor.review.reason.{correction.reason}"))
        if not correction.active:
            text = f"~~{text}~~ · " + t("mentor.review.withdrawn", author=escape(correction.withdrawn_by_name or "?"),
                                       date=fmt.moment(correction.withdrawn_at))
        st.caption(text)
        if correction.note:
            st.text(correction.note)


def _comment_form(principal: Principal, attempt_id: int, index: int) -> None:
    key = f"mentor_review_comment_{attempt_id}_{index}"
    text = st.text_area(t("mentor.review.comment"), key=key, max_chars=review.COMMENT_MAX)
    if st.button(t("mentor.review.comment_button"), key=f"{key}_send"):
        try:
            review.add_comment(get_db(), principal, attempt_id, index, text)
        except ServiceError as error:
            refuse(error)
            return
        st.session_state.pop(key, None)
        st.rerun()


def _add_form(principal: Principal, view: ReviewView, item: ReviewTurn, language: str) -> None:
    if not item.addable:
        return
    key = f"mentor_review_add_{view.attempt.id}_{item.turn.index}"
    names = {p: (view.principle_names.get(p) or {}).get(language) or p for p in item.addable}
    principle = st.selectbox(t("mentor.review.add_principle"), list(names), format_func=names.__getitem__, key=key)
    note = st.text_input(t("mentor.review.note"), key=f"{key}_note", max_chars=corrections.NOTE_MAX)
    if st.button(t("mentor.review.add_button"), key=f"{key}_send"):
        try:
            corrections.add_finding(get_db(), principal, view.attempt.id, item.turn.index, principle, note)
        except ServiceError as error:
            refuse(error)
            return
        st.rerun()
