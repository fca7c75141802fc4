"""AppTest of the admin's accounts page: list, add, reset, deactivate, delete with a preview,
and a class imported from CSV with its sheets; refused to non-admins."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from simulator.service import auth, cohorts
from simulator.service.errors import InvalidCredentials
from simulator.store import Database
from simulator.ui.components.text import escape
from simulator.ui.i18n import translate

from .support import go

CLASS = "nimi;käyttäjätunnus;sähköposti\nAino Virtanen;aino.virtanen;aino@example.org\nMehmet Yilmaz;mehmet.yilmaz;\n"


def fi(key: str, **params: object) -> str:
    return translate("fi", key, **params)


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.success]
    parts += [e.value for e in at.error] + [w.value for w in at.warning] + [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def test_the_admin_sees_every_account_and_adds_one(
    app: Callable[..., AppTest], login_token: Callable[..., str], ui_db: Database
) -> None:
    at = go(app(login_token("admin")).run(), "admin_accounts")
    table = at.dataframe[0].value
    assert set(table[fi("admin_accounts.col_username")]) == {"trainee", "mentor", "admin"}
    at.text_input(key="admin_accounts_new_username").input("uusi.mentori")
    at.text_input(key="admin_accounts_new_name").input("Uusi Mentori")
    at.selectbox(key="admin_accounts_new_role").select("mentor")
    at.button(key="admin_accounts_add_submit").click().run()
    assert not at.exception, at.exception
    assert escape(fi("admin_accounts.added", username="uusi.mentori")) in _texts(at)
    password = at.code[0].value
    assert auth.login(ui_db, "uusi.mentori", password)[0].role == "mentor"
    assert at.text_input(key="admin_accounts_new_username").value == ""


def test_reset_deactivate_and_delete_after_seeing_what_goes(
    app: Callable[..., AppTest], login_token: Callable[..., str], ui_db: Database
) -> None:
    trainee_id = auth.login(ui_db, "trainee", "trainee")[0].user_id
    at = go(app(login_token("admin")).run(), "admin_accounts")
    at.selectbox(key="admin_accounts_choose").select(trainee_id).run()
    at.button(key="admin_accounts_reset").click().run()
    password = at.code[0].value
    assert escape(fi("admin_accounts.reset_done", username="trainee")) in _texts(at)
    auth.login(ui_db, "trainee", password)
    at.button(key="admin_accounts_deactivate").click().run()
    with pytest.raises(InvalidCredentials):
        auth.login(ui_db, "trainee", password)
    at.button(key="admin_accounts_activate").click().run()
    at.button(key="admin_accounts_delete").click().run()
    shown = _texts(at)
    assert fi("admin_accounts.delete_warning", username="trainee") in shown
    assert escape(fi("admin_accounts.delete_item.sessions", count=2)) in shown, "what goes, counted, before deleting"
    at.button(key="admin_accounts_delete_yes").click().run()
    assert not at.exception, at.exception
    assert "trainee" not in set(at.dataframe[0].value[fi("admin_accounts.col_username")])


def test_a_class_is_imported_with_sheets_and_a_bad_file_creates_nothing(
    app: Callable[..., AppTest], login_token: Callable[..., str], ui_db: Database
) -> None:
    admin, _ = auth.login(ui_db, "admin", "admin")
    cohort = cohorts.create_cohort(ui_db, admin, "Kevät 2027")
    at = go(app(login_token("admin")).run(), "admin_accounts")
    at.selectbox(key="admin_accounts_import_cohort").select(cohort.id)
    at.text_area(key="admin_accounts_import_text").input("nimi;käyttäjätunnus\nAino;aino\nToinen;AINO\n")
    at.button(key="admin_accounts_import_submit").click().run()
    assert not at.exception, at.exception
    assert escape(fi("admin_accounts.import_rejected", count=1)) in _texts(at)
    assert fi("admin_accounts.problem.duplicate") in at.table[0].value.to_string()
    assert len(cohorts.get_cohort(ui_db, admin, cohort.id).members) == 0

    at.text_area(key="admin_accounts_import_text").input(CLASS)
    at.button(key="admin_accounts_import_submit").click().run()
    assert not at.exception, at.exception
    assert escape(fi("admin_accounts.import_done", count=2, cohort="Kevät 2027")) in _texts(at)
    assert {m.username for m in cohorts.get_cohort(ui_db, admin, cohort.id).members} == {"aino.virtanen",
                                                                                          "mehmet.yilmaz"}
    keys = {str(d.key) for d in at.get("download_button")}
    assert {"admin_accounts_sheet_pdf", "admin_accounts_sheet_csv"} <= keys


def test_a_mentor_is_refused(ui_db: Database, login_token: Callable[..., str]) -> None:
    from simulator.ui.session import TEST_TOKEN_KEY

    at = AppTest.from_string("from simulator.ui.pages import admin_accounts\nadmin_accounts.render()\n",
                             default_timeout=30)
    at.session_state[TEST_TOKEN_KEY] = login_token("mentor")
    at.run()
    assert fi("common.error.forbidden") in [e.value for e in at.error]
    assert not at.dataframe
