"""Mentors' comments and corrections under a trainee's own debrief.

The trainee's side of what the mentor review page writes; a component so the debrief page
shows it without importing the mentor's page.
"""

from __future__ import annotations

import streamlit as st

from simulator.service import review
from simulator.service.auth import Principal
from simulator.service.errors import ServiceError
from simulator.ui.components import fmt
from simulator.ui.components.context import get_db, t
from simulator.ui.components.text import escape


def mentor_feedback_section(principal: Principal, attempt_id: int, language: str) -> None:
    """The mentors' comments and corrections, for the debrief page (shown as text)."""
    try:
        feedback = review.mentor_feedback(get_db(), principal, attempt_id)
    except ServiceError:
        return  # the debrief itself already said why it cannot be read
    if feedback.empty:
        return
    st.subheader(t("mentor.debrief.heading"))
    if feedback.engine_overall is not None and feedback.corrected_overall is not None:
        st.caption(t("mentor.debrief.scores", engine=feedback.engine_overall, corrected=feedback.corrected_overall))
    for index in sorted(set(feedback.comments) | set(feedback.corrections)):
        with st.container(border=True, key=f"debrief_mentor_turn_{index}"):
            st.markdown(f"**{escape(t('mentor.debrief.turn', number=index + 1))}**")
            for correction in feedback.corrections.get(index, ()):
                st.caption(t(f"mentor.review.correction_{correction.action}",
                             principle=escape(correction.principle_name.get(language) or correction.principle),
                             author=escape(correction.author_name), date=fmt.moment(correction.created_at)))
                if correction.note:
                    st.text(correction.note)
            for comment in feedback.comments.get(index, ()):
                st.caption(t("mentor.review.comment_by", author=escape(comment.author_name),
                             date=fmt.moment(comment.created_at)))
                st.text(comment.text)
