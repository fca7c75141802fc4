"""Compact feedback under a reply: the reply with its findings' words highlighted, then one
line per finding (kept principles first in reading order, faults with their explanation)."""

from __future__ import annotations

import streamlit as st

from simulator.service import formatting
from simulator.service.views import FindingView, TurnView
from simulator.ui.components.context import t
from simulator.ui.components.text import escape, highlighted_markdown


def finding_line(finding: FindingView, language: str) -> str:
    """One Markdown line: sign, principle name, the trainee's own words, the message.

    Words the message already quotes are not listed again.
    """
    # Material Symbols from Streamlit's bundled font: they show without an emoji font.
    icon = ":green[:material/check_circle:]" if finding.polarity == "positive" else ":orange[:material/error:]"
    name = escape(finding.name.get(language) or finding.principle)
    message = finding.message.get(language) or finding.message.get("fi") or ""
    quotes = ", ".join(escape(formatting.quoted(s.text, language)) for s in finding.spans
                       if s.text.strip() and s.text not in message)
    text = f"{icon} **{name}**"
    if quotes:
        text += f" · {quotes}"
    if message:
        text += f" — {escape(message)}"
    return text


def render_reply(turn: TurnView) -> None:
    """The trainee's reply, escaped, with the words behind findings highlighted."""
    st.markdown(highlighted_markdown(turn.reply, turn.findings))


def render_feedback(turn: TurnView, language: str, *, expanded: bool = False) -> None:
    """The findings of one reply; collapsed for older turns to keep the chat readable."""
    if not turn.findings:
        st.caption(t("practice.feedback_none"))
        return
    positives = sum(1 for f in turn.findings if f.polarity == "positive")
    negatives = len(turn.findings) - positives
    label = t("practice.feedback_summary", positive=positives, negative=negatives)
    with st.expander(label, expanded=expanded):
        st.markdown("  \n".join(finding_line(f, language) for f in turn.findings))
