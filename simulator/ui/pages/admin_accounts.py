"""Admin: accounts. List everyone; add an account of any role; reset a password;
deactivate or delete (showing first what a deletion removes); import a whole class from a
CSV file into a cohort, with a printable PDF of one-time passwords and a CSV for the mentor.

Thin: every action is a call to ``simulator.service.accounts``, whose policy decides who
may do it. One-time passwords are shown once, in this run, and never stored in the clear.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from simulator.service import accounts, cohorts
from simulator.service.accounts import ImportedClass, ImportRejected, NewAccount
from simulator.service.class_sheet import class_csv, class_pdf
from simulator.service.errors import ServiceError
from simulator.service.principal import Principal
from simulator.ui.components import errors, flash, fmt
from simulator.ui.components.context import get_db, require_principal, t
from simulator.ui.components.text import escape

FLASH = "admin_accounts"
ROLES = ("trainee", "mentor", "admin")
IMPORTED_KEY = "_admin_accounts_imported"  # this session's last import, for the sheet downloads
DELETE_KEY = "_admin_accounts_deleting"


def render() -> None:
    principal = require_principal("admin")
    st.title(t("admin_accounts.title"))
    st.caption(t("admin_accounts.intro"))
    try:
        rows = accounts.list_accounts(get_db(), principal)
    except ServiceError as error:
        st.error(errors.message("admin_accounts", error))
        return
    flash.show(FLASH)
    _table(rows)
    _import(principal)
    _add(principal)
    _manage(principal, rows)


def _table(rows: list[accounts.AccountRow]) -> None:
    st.dataframe(
        pd.DataFrame([
            {
                t("admin_accounts.col_username"): row.username,
                t("admin_accounts.col_name"): row.display_name,
                t("admin_accounts.col_role"): t(f"common.role.{row.role}"),
                t("admin_accounts.col_state"): t("admin_accounts.active") if row.active else t("admin_accounts.inactive"),
                t("admin_accounts.col_cohorts"): row.cohorts,
                t("admin_accounts.col_attempts"): row.attempts,
                t("admin_accounts.col_created"): fmt.day(row.created_at),
            }
            for row in rows
        ]),
        hide_index=True,
        key="admin_accounts_table",
    )


def _secret(account: NewAccount, what: str) -> None:
    flash.put(FLASH, "success", t(f"admin_accounts.{what}", username=account.username),
              secret=account.one_time_password)


# --- import a class ------------------------------------------------------------------------


def _import(principal: Principal) -> None:
    with st.expander(t("admin_accounts.import_heading"), expanded=flash.pending(FLASH + "_import")
                     or IMPORTED_KEY in st.session_state):
        st.markdown(t("admin_accounts.import_intro"))
        mine = cohorts.my_cohorts(get_db(), principal)
        if not mine:
            st.info(t("admin_accounts.import_no_cohort"))
            return
        names = {c.id: c.name for c in mine}
        st.selectbox(t("admin_accounts.import_cohort"), list(names), format_func=names.__getitem__,
                     key="admin_accounts_import_cohort")
        st.file_uploader(t("admin_accounts.import_file"), type=["csv", "txt"], key="admin_accounts_import_file")
        st.text_area(t("admin_accounts.import_paste"), key="admin_accounts_import_text", height=120,
                     placeholder="nimi;käyttäjätunnus;sähköposti")
        st.button(t("admin_accounts.import_button"), key="admin_accounts_import_submit", type="primary",
                  on_click=_imported, args=(principal,))
        flash.show(FLASH + "_import")
        problems = st.session_state.pop("_admin_accounts_problems", None)
        if problems:
            st.table(pd.DataFrame([{t("admin_accounts.col_line"): p.line,
                                    t("admin_accounts.col_problem"): _problem(p.reason, p.value),
                                    t("admin_accounts.col_value"): p.value} for p in problems]))
        imported: ImportedClass | None = st.session_state.get(IMPORTED_KEY)
        if imported is not None:
            _sheets(imported)


def _problem(reason: str, value: str) -> str:
    """The row's problem in the admin's language (the page's own words, else the shell's)."""
    from simulator.ui import i18n

    for key in (f"admin_accounts.problem.{reason}", f"common.error.{reason}"):
        if i18n.has_key(i18n.DEFAULT_LANGUAGE, key):
            return t(key, value=value, min=3, max=64)
    return reason


def _imported(principal: Principal) -> None:
    upload = st.session_state.get("admin_accounts_import_file")
    pasted = str(st.session_state.get("admin_accounts_import_text") or "")
    if upload is None and not pasted.strip():
        flash.put(FLASH + "_import", "error", t("admin_accounts.import_no_file"))
        return
    try:
        text = upload.getvalue().decode("utf-8-sig") if upload is not None else pasted
    except UnicodeDecodeError:
        flash.put(FLASH + "_import", "error", t("admin_accounts.import_not_utf8"))
        return
    try:
        imported = accounts.import_class(get_db(), principal, st.session_state["admin_accounts_import_cohort"], text)
    except ImportRejected as rejected:
        st.session_state["_admin_accounts_problems"] = rejected.problems
        flash.put(FLASH + "_import", "error", t("admin_accounts.import_rejected", count=len(rejected.problems)))
        return
    except ServiceError as error:
        flash.put(FLASH + "_import", "error", errors.message("admin_accounts", error))
        return
    st.session_state[IMPORTED_KEY] = imported
    flash.reset("admin_accounts_import_text")
    flash.put(FLASH + "_import", "success", t("admin_accounts.import_done", count=len(imported.accounts),
                                              cohort=imported.cohort_name))


def _sheets(imported: ImportedClass) -> None:
    """The one-time passwords as a printable PDF and a CSV; kept only in this session."""
    labels = {key: t(f"admin_accounts.sheet.{key}") for key in ("title", "username", "password", "address", "note")}
    login_url = _login_url()
    left, right, done = st.columns(3)
    left.download_button(t("admin_accounts.sheet_pdf"), lambda: class_pdf(imported, labels, login_url),
                         file_name=f"kohtaamo-{imported.cohort_id}-tunnukset.pdf", mime="application/pdf",
                         key="admin_accounts_sheet_pdf", on_click="ignore")
    right.download_button(t("admin_accounts.sheet_csv"), lambda: class_csv(imported),
                          file_name=f"kohtaamo-{imported.cohort_id}-tunnukset.csv", mime="text/csv",
                          key="admin_accounts_sheet_csv", on_click="ignore")
    if done.button(t("admin_accounts.sheet_forget"), key="admin_accounts_sheet_forget"):
        st.session_state.pop(IMPORTED_KEY, None)
        st.rerun()
    st.caption(t("admin_accounts.sheet_warning"))


def _login_url() -> str:
    try:
        url = st.context.url or ""
    except Exception:  # no browser context (tests)
        url = ""
    return url.split("/admin_accounts")[0].split("?")[0] or "http://localhost:8501"


# --- add one -------------------------------------------------------------------------------


def _add(principal: Principal) -> None:
    with st.expander(t("admin_accounts.add_heading"), expanded=flash.pending(FLASH + "_add")):
        flash.show(FLASH + "_add")
        st.text_input(t("admin_accounts.col_username"), key="admin_accounts_new_username")
        st.text_input(t("admin_accounts.col_name"), key="admin_accounts_new_name")
        st.selectbox(t("admin_accounts.col_role"), ROLES, format_func=lambda r: t(f"common.role.{r}"),
                     key="admin_accounts_new_role")
        st.button(t("admin_accounts.add_button"), key="admin_accounts_add_submit", type="primary",
                  on_click=_added, args=(principal,))


def _added(principal: Principal) -> None:
    state = st.session_state
    try:
        made = accounts.add_account(get_db(), principal, state.get("admin_accounts_new_username", ""),
                                    state.get("admin_accounts_new_role", "trainee"),
                                    display_name=state.get("admin_accounts_new_name") or None)
    except ServiceError as error:
        flash.put(FLASH + "_add", "error", errors.message("admin_accounts", error))
        return
    flash.reset("admin_accounts_new_username", "admin_accounts_new_name")
    flash.put(FLASH + "_add", "success", t("admin_accounts.added", username=made.username),
              secret=made.one_time_password)


# --- one account: reset, deactivate, delete --------------------------------------------------


def _manage(principal: Principal, rows: list[accounts.AccountRow]) -> None:
    st.subheader(t("admin_accounts.manage_heading"))
    by_id = {row.id: row for row in rows}
    chosen = st.selectbox(t("admin_accounts.choose"), list(by_id),
                          format_func=lambda i: f"{by_id[i].display_name} ({by_id[i].username})",
                          key="admin_accounts_choose")
    if chosen is None:
        return
    row = by_id[chosen]
    reset, active, delete = st.columns(3)
    reset.button(t("admin_accounts.reset_button"), key="admin_accounts_reset", on_click=_reset, args=(principal, row.id))
    if row.active:
        active.button(t("admin_accounts.deactivate_button"), key="admin_accounts_deactivate", on_click=_activate,
                      args=(principal, row.id, False))
    else:
        active.button(t("admin_accounts.activate_button"), key="admin_accounts_activate", on_click=_activate,
                      args=(principal, row.id, True))
    delete.button(t("admin_accounts.delete_button"), key="admin_accounts_delete", on_click=_ask_delete, args=(row.id,))
    if st.session_state.get(DELETE_KEY) == row.id:
        _confirm_delete(principal, row.id)


def _reset(principal: Principal, user_id: int) -> None:
    try:
        made = accounts.reset_password(get_db(), principal, user_id)
    except ServiceError as error:
        flash.put(FLASH, "error", errors.message("admin_accounts", error))
        return
    _secret(made, "reset_done")


def _activate(principal: Principal, user_id: int, active: bool) -> None:
    try:
        row = accounts.set_active(get_db(), principal, user_id, active)
    except ServiceError as error:
        flash.put(FLASH, "error", errors.message("admin_accounts", error))
        return
    flash.put(FLASH, "success", t("admin_accounts.activated" if active else "admin_accounts.deactivated",
                                  username=row.username))


def _ask_delete(user_id: int) -> None:
    st.session_state[DELETE_KEY] = user_id


def _confirm_delete(principal: Principal, user_id: int) -> None:
    """What goes, counted, before the admin confirms."""
    try:
        preview = accounts.deletion_preview(get_db(), principal, user_id)
    except ServiceError as error:
        st.error(errors.message("admin_accounts", error))
        return
    with st.container(border=True, key="admin_accounts_delete_preview"):
        st.warning(t("admin_accounts.delete_warning", username=escape(preview.username)))
        st.markdown("\n".join(f"- {escape(t(f'admin_accounts.delete_item.{key}', count=getattr(preview.stored, key)))}"
                              for key in ("attempts", "sessions", "memberships", "comments", "corrections",
                                          "assignments")))
        st.caption(t("admin_accounts.delete_kept", count=preview.stored.cohorts_created))
        yes, no = st.columns(2)
        yes.button(t("admin_accounts.delete_confirm"), key="admin_accounts_delete_yes", type="primary",
                   on_click=_delete, args=(principal, user_id, preview.username))
        no.button(t("admin_accounts.cancel"), key="admin_accounts_delete_no", on_click=_ask_delete, args=(None,))


def _delete(principal: Principal, user_id: int, username: str) -> None:
    try:
        accounts.delete_account(get_db(), principal, user_id)
    except ServiceError as error:
        flash.put(FLASH, "error", errors.message("admin_accounts", error))
        return
    st.session_state[DELETE_KEY] = None
    st.session_state.pop("admin_accounts_choose", None)
    flash.put(FLASH, "success", t("admin_accounts.deleted", username=username))
