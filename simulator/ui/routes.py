"""HTTP routes that set and clear the session cookie: ``POST /auth/login`` and ``/auth/logout``.

A Streamlit script cannot set cookies, so logging in is a plain HTML form posted to a
Starlette route served next to the app by ``st.App(..., routes=routes())`` (see
``streamlit_app.py``). The route checks the Origin header (no cross-site logins or
logouts), verifies the password through ``simulator.service.auth.login`` (argon2id,
throttling kept in the database), and answers ``303 See Other`` to ``/`` with
``Set-Cookie: kohtaamo_session=<opaque token>; HttpOnly; SameSite=Lax; Path=/`` (plus
``Secure`` behind HTTPS). Failures redirect to ``/?auth=invalid``,
``/?auth=throttled&retry=N`` or ``/?auth=busy&retry=N`` (plus ``&lang=en`` when the form was in English): status
words only, never a token or a username in a URL.
This module does not import streamlit, so it is tested without a server.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import Final
from urllib.parse import parse_qs, urlencode, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from simulator.service import auth
from simulator.service.errors import InvalidCredentials, LoginBusy, LoginThrottled
from simulator.store import Database, database_url
from simulator.ui.i18n import LANGUAGES

log = logging.getLogger(__name__)

COOKIE_NAME: Final = "kohtaamo_session"  # the same name simulator.ui.session reads
# The form field with the interface language. Not "lang": Streamlit's HTML sanitiser
# (DOMPurify) strips a ``name`` that clobbers a form property, and ``form.lang`` is one,
# so the language never arrived and a logout always landed on the Finnish login page.
LANGUAGE_FIELD: Final = "ui_lang"
# Remembers the language chosen for the login page across logouts and new tabs (not secret).
LANGUAGE_COOKIE: Final = "kohtaamo_lang"
LANGUAGE_COOKIE_DAYS: Final = 365
LOGIN_PATH: Final = "/auth/login"
LOGOUT_PATH: Final = "/auth/logout"
MAX_FORM_BYTES: Final = 8 * 1024  # username + password (<= 1024 chars) fit many times over
ALLOWED_ORIGINS_ENV: Final = "KOHTAAMO_ALLOWED_ORIGINS"
ALLOWED_HOSTS_ENV: Final = "KOHTAAMO_ALLOWED_HOSTS"
# Sent with every HTTP response of the server (the app's pages, its static files, these
# routes): no framing by other sites, no MIME sniffing, no full URLs leaking in Referer.
# The CSP restricts only what Streamlit does not need (frames, plugins, <base>, foreign
# form targets); its own scripts and styles stay as Streamlit serves them.
SECURITY_HEADERS: Final = (
    (b"content-security-policy",
     b"frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)
UNSAFE_METHODS: Final = frozenset({"POST", "PUT", "PATCH", "DELETE"})
COOKIE_SECURE_ENV: Final = "KOHTAAMO_COOKIE_SECURE"


def _allowed_origins() -> set[str]:
    """Extra origins (``https://host[:port]``, comma-separated), e.g. behind a proxy that rewrites Host."""
    raw = os.environ.get(ALLOWED_ORIGINS_ENV, "")
    return {item.strip().rstrip("/").lower() for item in raw.split(",") if item.strip()}


def _allowed_hosts() -> set[str]:
    """``KOHTAAMO_ALLOWED_HOSTS`` (comma-separated ``host[:port]``); empty = any Host."""
    raw = os.environ.get(ALLOWED_HOSTS_ENV, "")
    return {item.strip().lower() for item in raw.split(",") if item.strip()}


def host_allowed(host: str) -> bool:
    """The Host header names this server (DNS rebinding sends another name); see deploy.md."""
    allowed = _allowed_hosts()
    if not allowed:
        return True
    host = host.strip().lower()
    return host in allowed or host.rsplit(":", 1)[0] in allowed


def origin_allowed(request: Request) -> bool:
    """Same-origin POSTs only: the Origin's host:port must be this request's Host.

    Browsers always send Origin on form POSTs and a page elsewhere cannot forge it; a
    request without one (or with ``null``) is refused rather than guessed about.
    """
    if not host_allowed(request.headers.get("host", "")):
        return False
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return False
    if origin.rstrip("/").lower() in _allowed_origins():
        return True
    parsed = urlsplit(origin)
    host = request.headers.get("host", "")
    return bool(parsed.scheme in ("http", "https") and parsed.netloc and parsed.netloc.lower() == host.lower())


def _cookie_secure(request: Request) -> bool:
    flag = os.environ.get(COOKIE_SECURE_ENV, "").lower()
    if flag in ("1", "true", "yes"):
        return True
    if flag in ("0", "false", "no"):
        return False
    return request.url.scheme == "https"


async def _form(request: Request) -> dict[str, str] | None:
    """The url-encoded form, or None when it is too big or not a form."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=10)
    except (UnicodeDecodeError, ValueError):
        return None
    return {name: values[0] for name, values in fields.items() if values}


def _language(form: dict[str, str]) -> dict[str, str]:
    """The interface language the form was shown in, so the next page keeps speaking it.

    A redirect starts a new Streamlit session, which would otherwise fall back to Finnish.
    """
    language = form.get(LANGUAGE_FIELD, "")
    return {"lang": language} if language in LANGUAGES else {}


def _remember_language(response: Response, form: dict[str, str], request: Request) -> None:
    language = _language(form).get("lang")
    if language:
        response.set_cookie(LANGUAGE_COOKIE, language, max_age=LANGUAGE_COOKIE_DAYS * 86400, path="/",
                            secure=_cookie_secure(request), httponly=True, samesite="lax")


def _redirect(query: dict[str, str] | None = None) -> RedirectResponse:
    url = "/" + (f"?{urlencode(query)}" if query else "")
    response = RedirectResponse(url, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


def _forbidden() -> Response:
    return PlainTextResponse("cross-origin request refused", status_code=403)


DatabaseFactory = Callable[[], Database]


def make_routes(get_db: DatabaseFactory, settings: Callable[[], auth.AuthSettings] = auth.AuthSettings.from_env) -> list[BaseRoute]:
    """The login and logout routes over the database ``get_db()`` returns."""

    async def login(request: Request) -> Response:
        if not origin_allowed(request):
            log.warning("login POST refused: origin %r, host %r", request.headers.get("origin"), request.headers.get("host"))
            return _forbidden()
        form = await _form(request)
        if form is None:
            return _redirect({"auth": "invalid"})
        username = form.get("username", "")
        password = form.get("password", "")
        current = settings()
        try:
            # argon2id takes ~170 ms: keep it off the event loop that serves every user.
            _principal, token = await run_in_threadpool(
                auth.login, get_db(), username, password, settings=current,
                source=request.client.host if request.client else None,
            )
        except LoginBusy as exc:  # nothing was charged: the person is not told they failed
            return _redirect({"auth": "busy", "retry": str(exc.retry_after_seconds), **_language(form)})
        except LoginThrottled as exc:
            return _redirect({"auth": "throttled", "retry": str(exc.retry_after_seconds), **_language(form)})
        except InvalidCredentials:
            return _redirect({"auth": "invalid", **_language(form)})
        response = _redirect()
        response.set_cookie(
            COOKIE_NAME,
            token,
            max_age=int(current.session_ttl.total_seconds()),
            path="/",
            secure=_cookie_secure(request),
            httponly=True,
            samesite="lax",
        )
        _remember_language(response, form, request)
        return response

    async def logout(request: Request) -> Response:
        if not origin_allowed(request):
            return _forbidden()
        token = request.cookies.get(COOKIE_NAME)
        if token:
            await run_in_threadpool(auth.logout, get_db(), token)
        # Back to the login page in the language chosen there last time (the user's own
        # locale may differ), else in the language the app was in.
        form = await _form(request) or {}
        remembered = request.cookies.get(LANGUAGE_COOKIE, "")
        if remembered in LANGUAGES:
            form[LANGUAGE_FIELD] = remembered
        response = _redirect({"auth": "logged_out", **_language(form)})
        response.delete_cookie(COOKIE_NAME, path="/", secure=_cookie_secure(request), httponly=True, samesite="lax")
        return response

    async def back_to_app(_request: Request) -> Response:
        """A GET (bookmark, typed URL) just goes to the app; only POST changes anything."""
        return _redirect()

    return [
        Route(LOGIN_PATH, login, methods=["POST"]),
        Route(LOGIN_PATH, back_to_app, methods=["GET"]),
        Route(LOGOUT_PATH, logout, methods=["POST"]),
        Route(LOGOUT_PATH, back_to_app, methods=["GET"]),
    ]


_databases: dict[str, Database] = {}
_databases_guard = threading.Lock()


def shared_database(url: str | None = None) -> Database:
    """One ``Database`` per URL per process (default ``DATABASE_URL``), shared by pages and routes.

    One connection pool (SQLAlchemy engine) serves every user; keyed by URL so tests that point
    ``DATABASE_URL`` elsewhere get their own.
    """
    url = url or database_url()
    with _databases_guard:
        database = _databases.get(url)
        if database is None:
            database = _databases[url] = Database(url)
        return database


class SecurityHeaders:
    """ASGI middleware for the whole server: security headers on every HTTP response, and
    every state-changing request (POST, PUT, PATCH, DELETE) refused with 403 unless its Host
    is allowed and, when it names one, its Origin is this server."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope.get("method", "GET") in UNSAFE_METHODS and not _same_site(scope):
            await _forbidden()(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (name, value) for name, value in SECURITY_HEADERS if name not in present
                ]
            await send(message)

        await self.app(scope, receive, with_headers)


def _same_site(scope: Scope) -> bool:
    headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers", [])}
    host = headers.get("host", "")
    if not host_allowed(host):
        return False
    origin = headers.get("origin")
    if origin is None:  # Streamlit's own uploads carry its XSRF token; browsers send Origin on POST
        return True
    if origin.rstrip("/").lower() in _allowed_origins():
        return True
    parsed = urlsplit(origin)
    return bool(parsed.scheme in ("http", "https") and parsed.netloc.lower() == host.lower())


def middleware() -> list[Middleware]:
    """What ``streamlit_app.py`` wraps the server in."""
    return [Middleware(SecurityHeaders)]


def routes() -> list[BaseRoute]:
    """The routes ``streamlit_app.py`` serves, over the process-wide database."""
    return make_routes(shared_database)


def dispose_shared_databases() -> None:
    """Close and forget the shared databases (tests that create many temporary ones)."""
    with _databases_guard:
        databases = list(_databases.values())
        _databases.clear()
    for database in databases:
        database.dispose()
