"""The audit log as a table: shared by the privacy section (one's own data) and the admin page."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from simulator.service.audit import AuditEntry
from simulator.ui.i18n import t


def audit_table(entries: Sequence[AuditEntry], key: str) -> None:
    """Newest first; names and details are shown as plain table cells (never markdown)."""
    if not entries:
        st.caption(t("privacy.audit_none"))
        return
    rows = [
        {
            t("privacy.audit_at"): entry.at.strftime("%Y-%m-%d %H:%M"),
            t("privacy.audit_actor"): entry.actor,
            t("privacy.audit_action"): t(f"privacy.action.{entry.action}"),
            t("privacy.audit_detail"): " ".join(
                part for part in (entry.subject, entry.detail,
                                  f"#{entry.attempt_id}" if entry.attempt_id else "") if part
            ),
        }
        for entry in entries
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, key=key)
