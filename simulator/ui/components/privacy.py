"""The "My data" section of the settings page: download everything stored about me, delete my account.

Why: the right of access and the right to erasure belong to the user, not only to an admin.
Both go through ``simulator.service.users`` (which checks the user acts on their own
account); the export is built only when asked for, so the settings page stays light.
"""

from __future__ import annotations

import json

import streamlit as st

from simulator.service import audit, users
from simulator.service.auth import Principal
from simulator.service.errors import ServiceError
from simulator.ui import i18n
from simulator.ui.components.audit_table import audit_table
from simulator.ui.i18n import t
from simulator.ui.session import get_db

PREPARE_KEY = "privacy_prepare"
DOWNLOAD_KEY = "privacy_download"
CONFIRM_KEY = "privacy_delete_confirm"
DELETE_KEY = "privacy_delete"
EXPORT_STATE = "_privacy_export"


def privacy_section(principal: Principal) -> None:
    st.subheader(t("privacy.heading"))
    st.caption(t("privacy.intro"))
    with st.expander(t("privacy.audit_heading")):
        try:
            audit_table(audit.my_audit(get_db(), principal), key="privacy_audit")
        except ServiceError as exc:
            st.error(i18n.error_text(exc))
    if st.button(t("privacy.prepare"), key=PREPARE_KEY):
        try:
            data = users.export_user_data(get_db(), principal, principal.user_id)
        except ServiceError as exc:
            st.error(i18n.error_text(exc))
            return
        st.session_state[EXPORT_STATE] = (principal.user_id, json.dumps(data, ensure_ascii=False, indent=2))
    prepared = st.session_state.get(EXPORT_STATE)
    if prepared and prepared[0] == principal.user_id:
        st.download_button(
            t("privacy.download"),
            data=prepared[1],
            file_name=f"kohtaamo-{principal.username}.json",
            mime="application/json",
            key=DOWNLOAD_KEY,
        )
    with st.expander(t("privacy.delete_heading")):
        st.warning(t("privacy.delete_warning"), icon=":material/warning:")
        sure = st.checkbox(t("privacy.delete_confirm_label", username=principal.username), key=CONFIRM_KEY)
        if st.button(t("privacy.delete_button"), key=DELETE_KEY, type="primary"):
            if not sure:
                st.error(t("privacy.delete_mismatch"))
                return
            try:
                users.delete_user(get_db(), principal, principal.user_id)
            except ServiceError as exc:
                st.error(i18n.error_text(exc))
                return
            st.session_state.pop(EXPORT_STATE, None)
            st.success(t("privacy.deleted"))
            st.stop()  # the session died with the account; the next run is the login page
