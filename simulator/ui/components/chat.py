"""The conversation's two speakers as chat bubbles, the same on every page that shows one
(practice, debrief, the mentor's review, a shared attempt in the cohort view)."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

# Material Symbols (Streamlit's bundled font): emoji avatars showed as empty boxes on
# machines without an emoji font.
CLIENT_AVATAR = ":material/person:"
TRAINEE_AVATAR = ":material/support_agent:"


def client_message() -> DeltaGenerator:
    """``with client_message(): ...``: a bubble for what the client says."""
    return st.chat_message("assistant", avatar=CLIENT_AVATAR)


def trainee_message() -> DeltaGenerator:
    """``with trainee_message(): ...``: a bubble for the trainee's reply."""
    return st.chat_message("user", avatar=TRAINEE_AVATAR)
