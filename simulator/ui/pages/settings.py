"""Settings: the interface language (stored on the account) and a password change.

Both go through the service layer, which decides who may change what; the page only
lays out widgets and shows the outcome in the user's language.
"""

from __future__ import annotations

import streamlit as st

from simulator.service import auth, users
from simulator.service.errors import ServiceError
from simulator.ui import i18n
from simulator.ui.components.privacy import privacy_section
from simulator.ui.i18n import t
from simulator.ui.session import get_db, require_principal, session_token

LANGUAGE_KEY = "settings_language"
CURRENT_PASSWORD_KEY = "settings_current_password"
NEW_PASSWORD_KEY = "settings_new_password"
CONFIRM_PASSWORD_KEY = "settings_confirm_password"
FLASH_KEY = "_settings_flash"


def _language_section(principal: auth.Principal) -> None:
    st.subheader(t("auth.settings.language_heading"))
    choice = st.radio(
        t("common.language"),
        options=list(i18n.LANGUAGES),
        format_func=lambda code: i18n.LANGUAGE_NAMES[code],
        index=i18n.LANGUAGES.index(principal.locale) if principal.locale in i18n.LANGUAGES else 0,
        key=LANGUAGE_KEY,
        horizontal=True,
    )
    if choice and choice != principal.locale:
        try:
            users.update_profile(get_db(), principal, principal.user_id, locale=choice)
        except ServiceError as exc:
            st.error(i18n.error_text(exc))
            return
        i18n.set_language(choice)
        st.session_state[FLASH_KEY] = "language"
        st.rerun()


def _password_section(principal: auth.Principal) -> None:
    st.subheader(t("auth.settings.password_heading"))
    if principal.must_change_password:
        st.warning(t("auth.settings.must_change"), icon=":material/key:")
    with st.form("settings_password_form", clear_on_submit=True, enter_to_submit=False):
        current = st.text_input(
            t("auth.settings.current_password"), type="password", key=CURRENT_PASSWORD_KEY, autocomplete="current-password"
        )
        new = st.text_input(
            t("auth.settings.new_password"),
            type="password",
            key=NEW_PASSWORD_KEY,
            autocomplete="new-password",
            help=t("auth.settings.password_rule", min=auth.PASSWORD_MIN),
        )
        confirm = st.text_input(
            t("auth.settings.confirm_password"), type="password", key=CONFIRM_PASSWORD_KEY, autocomplete="new-password"
        )
        submitted = st.form_submit_button(t("auth.settings.change_password"))
    if not submitted:
        return
    if not current or not new:
        st.error(t("auth.settings.password_missing"))
        return
    if new != confirm:
        st.error(t("auth.settings.password_mismatch"))
        return
    try:
        auth.change_password(get_db(), principal, current, new, keep_token=session_token())
    except ServiceError as exc:
        st.error(i18n.error_text(exc))
        return
    st.session_state[FLASH_KEY] = "password"
    st.rerun()  # rebuild navigation: a forced change unlocks the other pages


def render() -> None:
    principal = require_principal()
    st.title(t("auth.settings.title"))
    flash = st.session_state.pop(FLASH_KEY, None)
    if flash == "language":
        st.success(t("auth.settings.language_saved"), icon=":material/check:")
    elif flash == "password":
        st.success(t("auth.settings.password_changed"), icon=":material/check:")
    st.caption(t("auth.settings.account"))
    st.text(f"{principal.display_name} · {principal.username}")
    _language_section(principal)
    _password_section(principal)
    if not principal.must_change_password:
        privacy_section(principal)
