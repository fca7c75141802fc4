"""The login page: a language choice and a plain HTML form posted to ``/auth/login``.

The form is HTML rather than Streamlit widgets because only an HTTP response can set the
HttpOnly cookie (see ``simulator.ui.routes``); its labels are our own translated strings,
escaped, and it needs no JavaScript. The route reports failures back through
``?auth=invalid|throttled&retry=N|busy&retry=N|logged_out`` (and ``&lang=``), which this page turns
into messages in the language the visitor chose.
"""

from __future__ import annotations

import html

import streamlit as st

from simulator.ui import i18n
from simulator.ui.i18n import t
from simulator.ui.routes import LANGUAGE_COOKIE, LANGUAGE_FIELD, LOGIN_PATH

LANGUAGE_WIDGET_KEY = "login_language"
MAX_SHOWN_RETRY_SECONDS = 24 * 3600


def login_form_html() -> str:
    """The login form; every input has a label, and password managers recognise the fields."""
    username = html.escape(t("auth.login.username"))
    password = html.escape(t("auth.login.password"))
    button = html.escape(t("auth.login.submit"))
    return (
        f'<form class="kohtaamo-login" method="post" action="{LOGIN_PATH}">'
        f'<label for="kohtaamo-username">{username}</label>'
        '<input id="kohtaamo-username" name="username" type="text" autocomplete="username" '
        'autocapitalize="none" spellcheck="false" required maxlength="64">'
        f'<label for="kohtaamo-password">{password}</label>'
        '<input id="kohtaamo-password" name="password" type="password" autocomplete="current-password" '
        'required maxlength="1024">'
        f'<input type="hidden" name="{LANGUAGE_FIELD}" value="{html.escape(i18n.current_language())}">'
        f'<button type="submit" data-testid="kohtaamo-login-submit">{button}</button>'
        "</form>"
        "<style>"
        ".kohtaamo-login{display:flex;flex-direction:column;gap:.35rem;max-width:24rem}"
        ".kohtaamo-login label{font-size:.875rem;margin-top:.5rem}"
        ".kohtaamo-login input{padding:.5rem .75rem;border-radius:.5rem;border:1px solid rgba(49,51,63,.25);"
        "font:inherit;background:rgba(240,242,246,.6);color:inherit}"
        ".kohtaamo-login input:focus{outline:2px solid #ff4b4b;outline-offset:1px}"
        ".kohtaamo-login button{margin-top:1rem;padding:.5rem 1rem;border-radius:.5rem;border:none;"
        "background:#ff4b4b;color:#fff;font:inherit;cursor:pointer;align-self:flex-start}"
        "</style>"
    )


def _retry_seconds(raw: str | None) -> int:
    try:
        return max(1, min(int(raw or "1"), MAX_SHOWN_RETRY_SECONDS))
    except ValueError:
        return 1


def _show_status() -> None:
    """The outcome the login/logout route sent back (status words only, no secrets)."""
    status = st.query_params.get("auth")
    if status == "invalid":
        st.error(t("auth.error.invalid"), icon=":material/error:")
    elif status == "throttled":
        seconds = _retry_seconds(st.query_params.get("retry"))
        if seconds >= 120:
            st.error(t("auth.error.throttled_minutes", minutes=(seconds + 59) // 60), icon=":material/timer:")
        else:
            st.error(t("auth.error.throttled", seconds=seconds), icon=":material/timer:")
    elif status == "busy":
        st.warning(t("auth.error.busy", seconds=_retry_seconds(st.query_params.get("retry"))), icon=":material/timer:")
    elif status == "logged_out":
        st.success(t("auth.logout.done"), icon=":material/logout:")


def _language_changed() -> None:
    i18n.set_language(st.session_state[LANGUAGE_WIDGET_KEY])


def _initial_language() -> None:
    """A new session speaks the language the last form was in, else the one chosen at the last
    login (a cookie), else the browser's, else Finnish."""
    if i18n.SESSION_KEY in st.session_state:
        return
    requested = st.query_params.get("lang")
    if requested in i18n.LANGUAGES:
        i18n.set_language(requested)
        return
    try:
        remembered = st.context.cookies.get(LANGUAGE_COOKIE)
    except Exception:  # no client context (bare scripts)
        remembered = None
    if remembered in i18n.LANGUAGES:
        i18n.set_language(remembered)
        return
    browser = (st.context.locale or "").lower()
    i18n.set_language("en" if browser.startswith("en") else i18n.DEFAULT_LANGUAGE)


def render() -> None:
    _initial_language()
    st.title(t("auth.login.title"))
    st.write(t("auth.login.intro"))
    current = i18n.current_language()
    st.radio(
        t("common.language"),
        options=list(i18n.LANGUAGES),
        format_func=lambda code: i18n.LANGUAGE_NAMES[code],
        index=i18n.LANGUAGES.index(current),
        key=LANGUAGE_WIDGET_KEY,
        on_change=_language_changed,
        horizontal=True,
    )
    _show_status()
    st.html(login_form_html())
    st.caption(t("auth.login.cookie_note"))
