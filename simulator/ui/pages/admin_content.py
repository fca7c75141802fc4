"""Admin: the content in service and the problems of content files that could not be loaded.

A broken scenario or rubric file does not stop the app: the valid ones keep working and
the broken one is listed here with its file, line and field, so an admin can fix it.
The page is thin: ``simulator.service.content_status`` checks that the user is an admin.
File text is shown with ``st.text``/``st.code`` (never markdown): it is content, not UI.
"""

from __future__ import annotations

import streamlit as st

from simulator.service import audit, content_status
from simulator.service.errors import ServiceError
from simulator.service.principal import Principal
from simulator.ui import i18n
from simulator.ui.components.audit_table import audit_table
from simulator.ui.components.text import escape
from simulator.ui.i18n import t
from simulator.ui.session import get_db, require_principal


def _issue(issue: content_status.ContentIssueView, number: int) -> None:
    with st.container(border=True, key=f"admin_content_issue_{number}"):
        st.text(t("admin_content.location", location=issue.location))
        if issue.field:
            st.text(t("admin_content.field", field=issue.field))
        key = f"admin_content.problem.{issue.code}"
        if issue.code and i18n.has_key(i18n.DEFAULT_LANGUAGE, key):
            st.text(t(key))  # in the admin's language; pydantic's English stays as the detail
            st.caption(escape(t("admin_content.problem_detail", message=issue.message)))
        else:
            st.text(issue.message)
        if issue.source_line is not None and issue.line:
            st.code(f"{issue.line} | {issue.source_line.rstrip()}", language=None)


def _audit(principal: Principal) -> None:
    """The installation's audit log: newest events, and the whole log as CSV."""
    with st.expander(t("admin_content.audit_heading")):
        try:
            entries = audit.audit_log(get_db(), principal)
            csv_text = audit.audit_csv(get_db(), principal)
        except ServiceError as exc:
            st.error(i18n.error_text(exc))
            return
        audit_table(entries, key="admin_audit")
        st.download_button(t("admin_content.audit_download"), data=csv_text, file_name="kohtaamo-audit.csv",
                           mime="text/csv", key="admin_audit_csv")


def render() -> None:
    principal = require_principal("admin")
    st.title(t("admin_content.title"))
    _audit(principal)
    st.caption(t("admin_content.intro"))
    try:
        status = content_status.content_status(principal)
    except ServiceError as exc:
        st.error(i18n.error_text(exc))
        return
    left, middle, right = st.columns(3)
    left.metric(t("admin_content.scenarios_loaded"), len(status.scenarios))
    middle.metric(t("admin_content.errors"), len({issue.file for issue in status.errors}))
    right.metric(t("admin_content.warnings"), len(status.warnings))
    if status.errors:
        st.error(t("admin_content.has_errors", count=len(status.errors)), icon=":material/error:")
    else:
        st.success(t("admin_content.no_errors"), icon=":material/check:")
    for number, issue in enumerate(status.errors):
        _issue(issue, number)
    if status.warnings:
        with st.expander(t("admin_content.warnings_heading", count=len(status.warnings))):
            for number, issue in enumerate(status.warnings, start=len(status.errors)):
                _issue(issue, number)
    st.subheader(t("admin_content.in_service"))
    st.text("\n".join(status.scenarios) or "-")
    st.caption(t("admin_content.rubrics", ids=", ".join(status.rubrics) or "-"))
    _unmatched(principal)


def _unmatched(principal: Principal) -> None:
    """Trainees' questions no topic answered, so authors can extend the fact sheets."""
    st.subheader(t("admin_content.unmatched"))
    try:
        rows = content_status.unmatched_questions(principal, get_db())
    except ServiceError as exc:
        st.error(i18n.error_text(exc))
        return
    if not rows:
        st.caption(t("admin_content.unmatched_none"))
        return
    st.dataframe(
        [{t("admin_content.unmatched_scenario"): r.scenario_id, t("admin_content.unmatched_question"): r.question,
          t("admin_content.unmatched_count"): r.count} for r in rows],
        hide_index=True,
    )
