"""A message that outlives the rerun after a form was sent ("flash" message).

Why: a form is cleared by resetting its widgets in the button's ``on_click`` callback
(the only moment Streamlit lets a script change a widget's value), and the success or the
refusal must still show on the run that follows. ``put`` stores it; ``show`` draws and
forgets it, so it shows exactly once, where the form is.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from simulator.ui.components.text import escape

_PREFIX = "_flash_"


def put(scope: str, kind: str, text: str, *, secret: str | None = None) -> None:
    """Remember a ``success``/``error``/``info`` line (and an optional one-time secret) for ``scope``."""
    st.session_state[_PREFIX + scope] = {"kind": kind, "text": text, "secret": secret}


def pending(scope: str) -> bool:
    """A message waits for ``scope`` (e.g. to keep its expander open to show it)."""
    return _PREFIX + scope in st.session_state


def show(scope: str) -> dict[str, Any] | None:
    """Draw the stored message of ``scope`` once; the secret (a one-time password) in a code box."""
    message: dict[str, Any] | None = st.session_state.pop(_PREFIX + scope, None)
    if not message:
        return None
    draw = {"success": st.success, "error": st.error}.get(message["kind"], st.info)
    draw(escape(message["text"]))
    if message.get("secret"):
        st.code(message["secret"], language=None)
    return message


def reset(*keys: str, value: Any = None) -> None:
    """Clear widgets (call from an ``on_click`` callback): text to "", choices to ``value``."""
    for key in keys:
        if key not in st.session_state:  # not drawn this time (e.g. a hidden choice): nothing to clear
            continue
        current = st.session_state.get(key)
        if isinstance(current, str):
            st.session_state[key] = ""
        elif isinstance(current, list):
            st.session_state[key] = []
        else:
            st.session_state[key] = value
