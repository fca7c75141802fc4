"""Who is using this browser session: the current principal, read afresh on every run.

Identity lives in an HttpOnly cookie (``kohtaamo_session``) that only the login route
(``simulator.ui.routes``) sets; scripts read it with ``st.context.cookies`` and
``simulator.service.auth.authenticate`` checks its SHA-256 against ``auth_sessions`` on
every script run, so a logout anywhere (or an expiry) refuses the very next click.
``st.session_state`` is never trusted for identity, with one exception: the AppTest seam.

The AppTest seam: AppTest cannot send cookies, so when the process was started with
``KOHTAAMO_TESTING=1`` a test may put a *real session token* (from
``simulator.service.auth.login``) under ``TEST_TOKEN_KEY`` in ``session_state``. The
token is authenticated exactly like the cookie, so the seam changes only how the token
travels, never what it proves; ``streamlit_app.py`` refuses to serve when the variable is
set, and no widget uses that key, so a browser cannot write it. See docs/security.md.
"""

from __future__ import annotations

import os
from typing import Final

import streamlit as st

from simulator.service import auth
from simulator.service.auth import Principal
from simulator.store import Database
from simulator.ui import i18n
from simulator.ui.routes import COOKIE_NAME, shared_database

__all__ = [
    "COOKIE_NAME",
    "TESTING_ENV",
    "TEST_TOKEN_KEY",
    "current_principal",
    "get_db",
    "require_principal",
    "session_token",
    "testing_seam_enabled",
]

TESTING_ENV: Final = "KOHTAAMO_TESTING"
TEST_TOKEN_KEY: Final = "_kohtaamo_test_token"


def testing_seam_enabled() -> bool:
    """True only in a test process that set ``KOHTAAMO_TESTING=1`` itself."""
    return os.environ.get(TESTING_ENV) == "1"


def get_db() -> Database:
    """The process-wide ``Database`` for ``DATABASE_URL`` (the same one the routes use)."""
    return shared_database()


def session_token() -> str | None:
    """The raw token of this browser session (cookie, or the AppTest seam), or None."""
    if testing_seam_enabled():
        token = st.session_state.get(TEST_TOKEN_KEY)
        if isinstance(token, str) and token:
            return token
    try:
        token = st.context.cookies.get(COOKIE_NAME)
    except Exception:  # no client context (bare scripts)
        return None
    return token or None


def current_principal() -> Principal | None:
    """The logged-in user, checked against the database now; None when anonymous.

    Also sets the interface language from the user's stored locale, so every page
    speaks the user's language without asking.
    """
    principal = auth.authenticate(get_db(), session_token())
    if principal is not None:
        i18n.set_language(principal.locale)
    return principal


def require_principal(*roles: str) -> Principal:
    """The current principal, or stop this run with a message (pages call this first).

    Hiding pages is not authorization (the service layer checks that too), but a page
    should not even render for someone who lost their session meanwhile.
    """
    principal = current_principal()
    if principal is None:
        st.warning(i18n.t("auth.session_expired"))
        st.stop()
    if roles and principal.role not in roles:
        st.error(i18n.t("common.error.forbidden"))
        st.stop()
    return principal
