"""The settings page's "My data" section: a trainee downloads everything stored about them
and deletes their own account, through the service layer (which checks it is their own)."""

from __future__ import annotations

import json
from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from simulator.service import auth, users
from simulator.service.auth import SYSTEM
from simulator.store import Database
from simulator.ui.components import privacy
from simulator.ui.i18n import translate
from simulator.ui.session import TEST_TOKEN_KEY

from .conftest import APP_TIMEOUT


def _settings_page() -> None:
    from simulator.ui.pages import settings

    settings.render()


def _open(token: str) -> AppTest:
    at = AppTest.from_function(_settings_page, default_timeout=APP_TIMEOUT)
    at.session_state[TEST_TOKEN_KEY] = token
    at.run()
    assert not at.exception, at.exception
    return at


def test_trainee_downloads_all_their_data(ui_db: Database, login_token: Callable[..., str]) -> None:
    at = _open(login_token("trainee"))
    assert not at.get("download_button")  # built only when asked for
    at.button(key=privacy.PREPARE_KEY).click().run()
    assert not at.exception, at.exception
    [download] = at.get("download_button")
    assert download.proto.label == translate("fi", "privacy.download")
    _, exported = at.session_state[privacy.EXPORT_STATE]
    data = json.loads(exported)
    assert data["user"]["username"] == "trainee"
    assert "password_hash" not in exported


def test_trainee_deletes_their_account_only_when_confirmed(ui_db: Database, login_token: Callable[..., str]) -> None:
    token = login_token("trainee")
    at = _open(token)
    at.button(key=privacy.DELETE_KEY).click().run()
    assert translate("fi", "privacy.delete_mismatch") in [e.value for e in at.error]
    assert "trainee" in {u.username for u in users.list_users(ui_db, SYSTEM)}

    at.checkbox(key=privacy.CONFIRM_KEY).check().run()
    at.button(key=privacy.DELETE_KEY).click().run()
    assert not at.exception, at.exception
    assert translate("fi", "privacy.deleted") in [s.value for s in at.success]
    assert "trainee" not in {u.username for u in users.list_users(ui_db, SYSTEM)}
    assert auth.authenticate(ui_db, token) is None  # the session went with the account


def test_the_last_admin_cannot_delete_themselves(ui_db: Database, login_token: Callable[..., str]) -> None:
    at = _open(login_token("admin"))
    at.checkbox(key=privacy.CONFIRM_KEY).check().run()
    at.button(key=privacy.DELETE_KEY).click().run()
    assert not at.exception, at.exception
    assert at.error
    assert "admin" in {u.username for u in users.list_users(ui_db, SYSTEM)}
