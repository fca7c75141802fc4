"""The login/logout HTTP routes: Origin checks, cookie attributes, throttling, revocation.

Driven straight through ASGI (no server, no httpx): a request in, status and headers out.
"""

from __future__ import annotations

import asyncio
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from starlette.applications import Starlette
from streamlit.web.server.app_discovery import discover_asgi_app

from simulator.service import auth, login_guard
from simulator.store import Database
from simulator.ui import routes

ORIGIN = "http://testserver"


class Response:
    def __init__(self, status: int, headers: list[tuple[str, str]]) -> None:
        self.status = status
        self.headers = headers

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key == name), None)

    @property
    def location(self) -> tuple[str, dict[str, list[str]]]:
        parts = urlsplit(self.header("location") or "")
        return parts.path, parse_qs(parts.query)

    def cookie(self) -> SimpleCookie:
        jar: SimpleCookie = SimpleCookie()
        for key, value in self.headers:
            if key == "set-cookie":
                jar.load(value)
        return jar


def call(
    app: Starlette,
    path: str,
    *,
    method: str = "POST",
    form: dict[str, str] | None = None,
    origin: str | None = ORIGIN,
    cookie: str | None = None,
    content_type: str = "application/x-www-form-urlencoded",
    language_cookie: str | None = None,
) -> Response:
    body = urlencode(form or {}).encode()
    headers = [(b"host", b"testserver"), (b"content-type", content_type.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    cookies = []
    if cookie is not None:
        cookies.append(f"{routes.COOKIE_NAME}={cookie}")
    if language_cookie is not None:
        cookies.append(f"{routes.LANGUAGE_COOKIE}={language_cookie}")
    if cookies:
        headers.append((b"cookie", "; ".join(cookies).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[dict] = []

    async def receive() -> dict:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(message for message in sent if message["type"] == "http.response.start")
    return Response(start["status"], [(k.decode().lower(), v.decode()) for k, v in start["headers"]])


@pytest.fixture
def http(ui_db: Database) -> Starlette:
    return Starlette(routes=routes.make_routes(lambda: ui_db))


def test_login_sets_an_httponly_opaque_cookie_that_authenticates(http: Starlette, ui_db: Database) -> None:
    response = call(http, "/auth/login", form={"username": "trainee", "password": "trainee"})
    assert response.status == 303
    assert response.location == ("/", {})
    morsel = response.cookie()[routes.COOKIE_NAME]
    raw = response.header("set-cookie") or ""
    assert "HttpOnly" in raw and "SameSite=lax" in raw and "Path=/" in raw
    assert "Secure" not in raw  # plain http here; see the Secure test below
    assert int(morsel["max-age"]) == int(auth.AuthSettings().session_ttl.total_seconds())
    principal = auth.authenticate(ui_db, morsel.value)
    assert principal is not None and principal.username == "trainee"
    assert "trainee" not in morsel.value  # opaque: nothing about the user in it


def test_secure_cookie_when_configured(http: Starlette, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(routes.COOKIE_SECURE_ENV, "1")
    response = call(http, "/auth/login", form={"username": "trainee", "password": "trainee"})
    assert "Secure" in (response.header("set-cookie") or "")


def test_wrong_password_redirects_with_a_status_word_only(http: Starlette) -> None:
    response = call(http, "/auth/login", form={"username": "trainee", "password": "wrong-one"})
    assert response.status == 303
    assert response.location == ("/", {"auth": ["invalid"]})
    assert response.header("set-cookie") is None
    assert "wrong-one" not in (response.header("location") or "")


def test_repeated_failures_are_throttled_with_a_retry_time(http: Starlette) -> None:
    for _ in range(3):  # two free failures, the third earns the first delay
        call(http, "/auth/login", form={"username": "trainee", "password": "nope"})
    response = call(http, "/auth/login", form={"username": "trainee", "password": "trainee"})
    path, query = response.location
    assert query["auth"] == ["throttled"]
    assert int(query["retry"][0]) >= 1
    assert response.header("set-cookie") is None  # even the right password waits


def test_a_login_that_gets_no_check_slot_is_told_busy_not_throttled(http: Starlette) -> None:
    """With every password-check slot in use, a suspect attempt (its address failed before)
    is answered ``busy``: nothing was charged, and the page must not say it failed."""
    settings = auth.AuthSettings()
    call(http, "/auth/login", form={"username": "trainee", "password": "nope"})  # this address failed once
    slots = login_guard.slots_for(settings)
    held = [slots.acquire(priority=True, wait=0) for _ in range(settings.verify_slots)]
    try:
        assert all(held)
        response = call(http, "/auth/login", form={"username": "trainee", "password": "trainee", routes.LANGUAGE_FIELD: "en"})
    finally:
        for _ in held:
            slots.release()
    assert response.location == ("/", {"auth": ["busy"], "retry": ["1"], "lang": ["en"]})
    assert response.header("set-cookie") is None


def test_failure_redirect_keeps_the_form_language_and_nothing_else(http: Starlette) -> None:
    response = call(http, "/auth/login", form={"username": "trainee", "password": "nope", routes.LANGUAGE_FIELD: "en"})
    assert response.location == ("/", {"auth": ["invalid"], "lang": ["en"]})
    response = call(http, "/auth/login", form={"username": "trainee", "password": "nope", routes.LANGUAGE_FIELD: "<x>"})
    assert response.location == ("/", {"auth": ["invalid"]})


def test_the_login_language_is_remembered_and_logout_keeps_speaking_it(http: Starlette, ui_db: Database) -> None:
    response = call(http, "/auth/login", form={"username": "trainee", "password": "trainee", routes.LANGUAGE_FIELD: "en"})
    assert response.cookie()[routes.LANGUAGE_COOKIE].value == "en"
    token = auth.login(ui_db, "trainee", "trainee")[1]
    response = call(http, "/auth/logout", cookie=token, form={routes.LANGUAGE_FIELD: "en"})
    assert response.location == ("/", {"auth": ["logged_out"], "lang": ["en"]}), "the app's language"
    token = auth.login(ui_db, "trainee", "trainee")[1]
    response = call(http, "/auth/logout", cookie=token, form={routes.LANGUAGE_FIELD: "fi"}, language_cookie="en")
    assert response.location == ("/", {"auth": ["logged_out"], "lang": ["en"]}), "the login page's language wins"


@pytest.mark.parametrize("origin", ["http://evil.example", "null", None, "http://testserver.evil.example"])
def test_cross_origin_or_originless_login_is_refused(http: Starlette, origin: str | None) -> None:
    response = call(http, "/auth/login", form={"username": "trainee", "password": "trainee"}, origin=origin)
    assert response.status == 403
    assert response.header("set-cookie") is None


def test_configured_extra_origin_is_accepted(http: Starlette, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(routes.ALLOWED_ORIGINS_ENV, "https://kohtaamo.example.org")
    response = call(http, "/auth/login", form={"username": "trainee", "password": "trainee"}, origin="https://kohtaamo.example.org")
    assert response.status == 303 and response.header("set-cookie")


def test_non_form_or_oversized_bodies_are_rejected_without_a_cookie(http: Starlette) -> None:
    response = call(http, "/auth/login", form={"username": "trainee", "password": "trainee"}, content_type="application/json")
    assert response.location == ("/", {"auth": ["invalid"]})
    response = call(http, "/auth/login", form={"username": "trainee", "password": "x" * (routes.MAX_FORM_BYTES + 1)})
    assert response.location == ("/", {"auth": ["invalid"]})


def test_logout_revokes_server_side_and_clears_the_cookie(http: Starlette, ui_db: Database) -> None:
    token = auth.login(ui_db, "trainee", "trainee")[1]
    response = call(http, "/auth/logout", cookie=token)
    assert response.status == 303
    assert response.location == ("/", {"auth": ["logged_out"]})
    raw = response.header("set-cookie") or ""
    assert raw.startswith(f"{routes.COOKIE_NAME}=") and "Max-Age=0" in raw
    assert auth.authenticate(ui_db, token) is None  # a copy of the cookie is now worthless


def test_cross_origin_logout_is_refused(http: Starlette, ui_db: Database) -> None:
    token = auth.login(ui_db, "trainee", "trainee")[1]
    response = call(http, "/auth/logout", cookie=token, origin="http://evil.example")
    assert response.status == 403
    assert auth.authenticate(ui_db, token) is not None


def test_get_on_the_routes_changes_nothing(http: Starlette) -> None:
    for path in ("/auth/login", "/auth/logout"):
        response = call(http, path, method="GET")
        assert response.status == 303 and response.header("set-cookie") is None


def test_streamlit_run_serves_the_routes() -> None:
    """``streamlit run streamlit_app.py`` must see the st.App, or no route would exist."""
    found = discover_asgi_app(Path(__file__).resolve().parents[2] / "streamlit_app.py")
    assert found.is_asgi_app and found.import_string == "streamlit_app:app"


def _served(ui_db: Database) -> Starlette:
    """The routes wrapped in the server's middleware, as streamlit_app.py serves them."""
    return Starlette(routes=routes.make_routes(lambda: ui_db), middleware=routes.middleware())


def test_every_response_carries_the_security_headers(ui_db: Database) -> None:
    response = call(_served(ui_db), "/auth/login", form={"username": "trainee", "password": "trainee"})
    assert response.status == 303
    csp = response.header("content-security-policy") or ""
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.header("x-content-type-options") == "nosniff"
    assert response.header("referrer-policy") == "same-origin"
    assert response.header("x-frame-options") == "DENY"


def test_a_foreign_host_or_origin_is_refused_on_every_post(ui_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    app = _served(ui_db)
    assert call(app, "/some/other/post", origin="https://evil.example").status == 403  # any POST route
    monkeypatch.setenv(routes.ALLOWED_HOSTS_ENV, "kohtaamo.example.fi")
    refused = call(app, "/auth/login", form={"username": "trainee", "password": "trainee"})
    assert refused.status == 403 and refused.header("set-cookie") is None  # Host "testserver" is not ours
    monkeypatch.setenv(routes.ALLOWED_HOSTS_ENV, "kohtaamo.example.fi, testserver")
    assert call(app, "/auth/login", form={"username": "trainee", "password": "trainee"}).status == 303
