"""The login page and the shell in AppTest: messages, language, roles, logged-out refusal."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from simulator.service import auth, users
from simulator.service.auth import SYSTEM
from simulator.store import Database
from simulator.ui import i18n, navigation, routes
from simulator.ui.session import TEST_TOKEN_KEY, TESTING_ENV

from .conftest import APP_SCRIPT

MakeApp = Callable[..., AppTest]


def texts(at: AppTest, kind: str) -> list[str]:
    return [element.value for element in getattr(at, kind)]


def login_form(at: AppTest) -> str | None:
    return next((html.value for html in at.html if 'action="/auth/login"' in html.value), None)


def test_anonymous_visitor_gets_only_the_login_form(app: MakeApp) -> None:
    at = app().run()
    assert not at.exception
    form = login_form(at)
    assert form is not None and 'method="post"' in form
    assert '<label for="kohtaamo-username">Käyttäjätunnus</label>' in form
    assert '<label for="kohtaamo-password">Salasana</label>' in form
    assert 'type="password"' in form
    assert not any("/auth/logout" in html.value for html in at.html)
    assert at.title[0].value == i18n.translate("fi", "auth.login.title")


def test_bad_password_message_in_finnish_and_english(app: MakeApp) -> None:
    at = app()
    at.query_params["auth"] = "invalid"
    at.run()
    assert texts(at, "error") == ["Väärä käyttäjätunnus tai salasana."]
    at.radio(key="login_language").set_value("en").run()
    assert texts(at, "error") == ["Wrong username or password."]
    assert "Username" in (login_form(at) or "")


def test_throttling_message_says_how_long_to_wait(app: MakeApp) -> None:
    at = app()
    at.query_params["auth"] = "throttled"
    at.query_params["retry"] = "4"
    at.run()
    assert texts(at, "error") == [i18n.translate("fi", "auth.error.throttled", seconds=4)]
    at.query_params["retry"] = "900"
    at.run()
    assert texts(at, "error") == [i18n.translate("fi", "auth.error.throttled_minutes", minutes=15)]


def test_a_busy_answer_does_not_say_the_user_failed(app: MakeApp) -> None:
    """A flood made the login checks busy; nothing was charged to this person."""
    at = app()
    at.query_params["auth"] = "busy"
    at.query_params["retry"] = "1"
    at.run()
    assert texts(at, "warning") == [i18n.translate("fi", "auth.error.busy", seconds=1)]
    assert not at.error


def test_garbage_status_parameters_show_nothing_odd(app: MakeApp) -> None:
    at = app()
    at.query_params["auth"] = "<script>alert(1)</script>"
    at.query_params["retry"] = "nan"
    at.run()
    assert not at.exception and not at.error


def test_logged_out_message(app: MakeApp) -> None:
    at = app()
    at.query_params["auth"] = "logged_out"
    at.run()
    assert texts(at, "success") == [i18n.translate("fi", "auth.logout.done")]


def test_successful_login_opens_the_trainee_pages(app: MakeApp, login_token: Callable[..., str]) -> None:
    at = app(login_token("trainee")).run()
    assert not at.exception
    assert login_form(at) is None
    assert "Demo Harjoittelija (harjoittelija)" in [text.value for text in at.sidebar.text]
    assert any("/auth/logout" in html.value for html in at.sidebar.html)


def test_user_locale_sets_the_interface_language(app: MakeApp, ui_db: Database, login_token: Callable[..., str]) -> None:
    trainee = next(user for user in users.list_users(ui_db, SYSTEM) if user.username == "trainee")
    users.update_profile(ui_db, SYSTEM, trainee.id, locale="en")
    at = app(login_token("trainee")).run()
    assert "Demo Harjoittelija (trainee)" in [text.value for text in at.sidebar.text]


def test_logged_out_session_is_refused_server_side(app: MakeApp, ui_db: Database, login_token: Callable[..., str]) -> None:
    token = login_token("trainee")
    at = app(token).run()
    assert login_form(at) is None
    auth.logout(ui_db, token)  # e.g. the logout button in another tab
    at.run()  # the same browser session, still holding the old token
    assert login_form(at) is not None
    assert not any("/auth/logout" in html.value for html in at.sidebar.html)


def test_unknown_token_is_anonymous(app: MakeApp) -> None:
    at = app("not-a-real-token").run()
    assert login_form(at) is not None


def test_seam_is_closed_without_the_testing_variable(
    app: MakeApp, login_token: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    token = login_token("trainee")
    monkeypatch.delenv(TESTING_ENV)
    at = app(token).run()
    assert at.session_state[TEST_TOKEN_KEY] == token
    assert login_form(at) is not None  # a token in session_state alone proves nothing


def test_server_refuses_to_start_with_the_testing_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TESTING_ENV, "1")
    spec = importlib.util.spec_from_file_location("streamlit_app_under_test", APP_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    with pytest.raises(SystemExit, match=TESTING_ENV):
        spec.loader.exec_module(module)


@pytest.mark.parametrize("role", ["trainee", "mentor", "admin"])
def test_every_role_gets_the_trainee_pages_and_settings(role: str) -> None:
    principal = auth.Principal(user_id=1, username=role, role=role, locale="fi", display_name=role)
    names = [spec.name for spec in navigation.specs_for(principal)]
    assert {"picker", "practice", "debrief", "progress", "settings"} <= set(names)
    assert "login" not in names


def test_anonymous_and_forced_password_change_navigation() -> None:
    assert [spec.name for spec in navigation.specs_for(None)] == ["login"]
    forced = auth.Principal(user_id=1, username="x", role="trainee", locale="fi", display_name="x", must_change_password=True)
    assert [spec.name for spec in navigation.specs_for(forced)] == ["settings"]


def test_forced_password_change_lands_on_settings(app: MakeApp, ui_db: Database, login_token: Callable[..., str]) -> None:
    trainee = next(user for user in users.list_users(ui_db, SYSTEM) if user.username == "trainee")
    auth.reset_password(ui_db, SYSTEM, trainee.id, "temporary-123")
    at = app(login_token("trainee", "temporary-123")).run()
    assert not at.exception
    assert at.title[0].value == i18n.translate("fi", "auth.settings.title")
    assert texts(at, "warning") == [i18n.translate("fi", "auth.settings.must_change")]


def test_language_survives_the_login_redirect(app: MakeApp) -> None:
    """A failed login is a new Streamlit session; ``lang`` from the form keeps English."""
    at = app()
    at.query_params["auth"] = "invalid"
    at.query_params["lang"] = "en"
    at.run()
    assert texts(at, "error") == ["Wrong username or password."]
    assert f'name="{routes.LANGUAGE_FIELD}" value="en"' in (login_form(at) or "")


def test_browser_locale_chooses_the_first_language(app: MakeApp) -> None:
    at = app()
    at.context["locale"] = "en-GB"
    at.run()
    assert "Username" in (login_form(at) or "")
    at = app()
    at.context["locale"] = "sv-FI"
    at.run()
    assert "Käyttäjätunnus" in (login_form(at) or "")


def test_anonymous_deep_links_show_the_login_page(app: MakeApp) -> None:
    at = app().run()
    assert {"login", "picker", "practice", "debrief", "settings"} <= set(at.session_state[navigation.PAGES_KEY])
    assert login_form(at) is not None  # the browser test opens /practice to see it rendered
