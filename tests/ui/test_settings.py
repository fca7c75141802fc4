"""The settings page: interface language and password change, through the service layer."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from simulator.service import auth, users
from simulator.service.auth import SYSTEM
from simulator.service.errors import InvalidCredentials
from simulator.store import Database
from simulator.ui import i18n
from simulator.ui.pages import settings
from simulator.ui.session import TEST_TOKEN_KEY

from .conftest import APP_TIMEOUT


def _settings_page() -> None:
    from simulator.ui.pages import settings

    settings.render()


@pytest.fixture
def settings_app(ui_db: Database, login_token: Callable[..., str]) -> Callable[[str], AppTest]:
    def make(username: str = "trainee") -> AppTest:
        at = AppTest.from_function(_settings_page, default_timeout=APP_TIMEOUT)
        at.session_state[TEST_TOKEN_KEY] = login_token(username)
        return at.run()

    return make


def _user(db: Database, username: str) -> users.UserInfo:
    return next(user for user in users.list_users(db, SYSTEM) if user.username == username)


def _change(at: AppTest, current: str, new: str, confirm: str | None = None) -> AppTest:
    at.text_input(key=settings.CURRENT_PASSWORD_KEY).input(current)
    at.text_input(key=settings.NEW_PASSWORD_KEY).input(new)
    at.text_input(key=settings.CONFIRM_PASSWORD_KEY).input(new if confirm is None else confirm)
    submit = i18n.translate("fi", "auth.settings.change_password")
    return next(button for button in at.button if button.label == submit).click().run()


def test_every_input_has_a_label(settings_app: Callable[[str], AppTest]) -> None:
    at = settings_app("trainee")
    assert not at.exception
    assert at.title[0].value == "Asetukset"
    assert all(widget.label for widget in [*at.text_input, *at.radio])
    for key in (settings.CURRENT_PASSWORD_KEY, settings.NEW_PASSWORD_KEY, settings.CONFIRM_PASSWORD_KEY):
        widget = at.text_input(key=key)
        assert widget.proto.type == widget.proto.PASSWORD


def test_language_switch_is_stored_on_the_account(settings_app: Callable[[str], AppTest], ui_db: Database) -> None:
    at = settings_app("trainee")
    at.radio(key=settings.LANGUAGE_KEY).set_value("en").run()
    assert not at.exception
    assert _user(ui_db, "trainee").locale == "en"
    assert at.title[0].value == "Settings"
    assert [success.value for success in at.success] == [i18n.translate("en", "auth.settings.language_saved")]
    at.radio(key=settings.LANGUAGE_KEY).set_value("fi").run()
    assert _user(ui_db, "trainee").locale == "fi"
    assert at.title[0].value == "Asetukset"


def test_wrong_current_password_is_refused(settings_app: Callable[[str], AppTest], ui_db: Database) -> None:
    at = _change(settings_app("trainee"), "not-it", "uusi-salasana-1")
    assert [error.value for error in at.error] == [i18n.translate("fi", "common.error.password_wrong")]
    auth.login(ui_db, "trainee", "trainee")  # unchanged


def test_mismatch_and_short_passwords_are_explained(settings_app: Callable[[str], AppTest]) -> None:
    at = _change(settings_app("trainee"), "trainee", "uusi-salasana-1", "uusi-salasana-2")
    assert [error.value for error in at.error] == [i18n.translate("fi", "auth.settings.password_mismatch")]
    at = _change(at, "trainee", "lyhyt")
    assert [error.value for error in at.error] == [
        i18n.translate("fi", "common.error.password_too_short", min=auth.PASSWORD_MIN)
    ]


def test_password_change_keeps_this_session_and_ends_the_others(
    settings_app: Callable[[str], AppTest], ui_db: Database, login_token: Callable[..., str]
) -> None:
    other = login_token("trainee")  # e.g. a forgotten session on a shared computer
    at = settings_app("trainee")
    at = _change(at, "trainee", "uusi-salasana-1")
    assert not at.exception
    assert [success.value for success in at.success] == [i18n.translate("fi", "auth.settings.password_changed")]
    assert auth.authenticate(ui_db, at.session_state[TEST_TOKEN_KEY]) is not None
    assert auth.authenticate(ui_db, other) is None
    with pytest.raises(InvalidCredentials):
        auth.login(ui_db, "trainee", "trainee")
    auth.login(ui_db, "trainee", "uusi-salasana-1")


def test_settings_refuse_an_anonymous_session(ui_db: Database) -> None:
    at = AppTest.from_function(_settings_page, default_timeout=APP_TIMEOUT).run()
    assert [warning.value for warning in at.warning] == [i18n.translate("fi", "auth.session_expired")]
    assert not at.text_input
