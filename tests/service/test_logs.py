"""No password, session token or password hash ever reaches the logs.

Why: logs are shipped, kept and read by more people than the database. A login, a
practice turn and a logout are run with every logger at DEBUG (SQLAlchemy's statement
log at INFO, which is what ``echo=True`` gives an operator) and everything captured is
searched for the secrets: the password, a wrong password, the raw token, its SHA-256 (the
stored form) and the argon2 hash. Both through the service layer and through the HTTP
login/logout routes the browser uses.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from simulator.content.library import get_library
from simulator.service import auth, practice, users
from simulator.service.auth import SYSTEM
from simulator.service.errors import InvalidCredentials
from simulator.store import Database
from simulator.store.models import User

PASSWORD = "Salasana-7f3c9e!"
WRONG = "Vaara-91ab4d2?"
SCENARIO = "fi-kiintiopakolainen"


@pytest.fixture(params=["INFO", "DEBUG"])
def all_logs(request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every logger at DEBUG; SQLAlchemy's engine log at INFO (``echo=True``: statements,
    parameters hidden) or DEBUG (``echo="debug"``: also result rows, hence stored hashes)."""
    caplog.set_level(logging.DEBUG)  # root and every project logger
    caplog.set_level(getattr(logging, request.param), logger="sqlalchemy.engine")
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.pool")
    caplog.sql_level = request.param  # type: ignore[attr-defined]
    yield caplog


def _captured(caplog: pytest.LogCaptureFixture) -> str:
    """Every record as a handler would write it: message, arguments, exception text."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records)


def _secrets(db: Database, token: str, sql_level: str = "INFO") -> dict[str, str]:
    """The secrets to look for. With SQLAlchemy at DEBUG the stored hashes are in the logged
    result rows (docs/deploy.md says never to run so); the raw secrets must still be absent."""
    with db.read() as session:
        stored_hash = session.scalar(select(User.password_hash).where(User.username == "loki"))
    assert stored_hash
    found = {"password": PASSWORD, "wrong password": WRONG, "session token": token}
    if sql_level != "DEBUG":
        found.update({
            "token hash": hashlib.sha256(token.encode()).hexdigest(),
            "password hash": stored_hash,
            "password hash tail": stored_hash.rsplit("$", 1)[-1],
        })
    return found


def _assert_clean(text: str, secrets: dict[str, str]) -> None:
    assert text.strip(), "nothing was captured: the test would prove nothing"
    leaked = [name for name, value in secrets.items() if value and value in text]
    assert not leaked, f"{leaked} appeared in the logs"


def test_login_turn_logout_log_no_secret(db: Database, all_logs: pytest.LogCaptureFixture) -> None:
    users.create_user(db, SYSTEM, "loki", PASSWORD, "trainee")
    with pytest.raises(InvalidCredentials):
        auth.login(db, "loki", WRONG)
    principal, token = auth.login(db, "loki", PASSWORD)
    assert auth.authenticate(db, token) == principal
    if SCENARIO in get_library().scenarios:
        attempt = practice.start_attempt(db, principal, SCENARIO, seed=1)
        practice.reply(db, principal, attempt.id, "Hei, tervetuloa! Meillä on tunti aikaa.", expected_index=0)
    auth.change_password(db, principal, PASSWORD, PASSWORD + "x", keep_token=token)
    assert auth.logout(db, token)
    assert auth.authenticate(db, token) is None
    secrets = _secrets(db, token, all_logs.sql_level)  # type: ignore[attr-defined]
    secrets["new password"] = PASSWORD + "x"
    _assert_clean(_captured(all_logs), secrets)
    assert any(r.name.startswith("simulator.service") for r in all_logs.records), "service logs were captured"


def _post(app: object, path: str, form: dict[str, str], cookie: str | None = None) -> tuple[int, list[tuple[str, str]]]:
    """One ASGI request straight to the routes (no server)."""
    headers = [(b"host", b"testserver"), (b"origin", b"http://testserver"),
               (b"content-type", b"application/x-www-form-urlencoded")]
    if cookie:
        from simulator.ui.routes import COOKIE_NAME

        headers.append((b"cookie", f"{COOKIE_NAME}={cookie}".encode()))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "headers": headers,
             "client": ("127.0.0.1", 5000), "server": ("testserver", 80)}
    messages = [{"type": "http.request", "body": urlencode(form).encode(), "more_body": False}]
    sent: list[dict] = []

    async def receive() -> dict:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))  # type: ignore[operator]
    start = next(m for m in sent if m["type"] == "http.response.start")
    return start["status"], [(k.decode().lower(), v.decode()) for k, v in start["headers"]]


def test_http_login_and_logout_routes_log_no_secret(db: Database, all_logs: pytest.LogCaptureFixture) -> None:
    from starlette.applications import Starlette

    from simulator.ui import routes

    users.create_user(db, SYSTEM, "loki", PASSWORD, "trainee")
    app = Starlette(routes=routes.make_routes(lambda: db))
    status, _ = _post(app, routes.LOGIN_PATH, {"username": "loki", "password": WRONG})
    assert status == 303
    status, headers = _post(app, routes.LOGIN_PATH, {"username": "loki", "password": PASSWORD})
    cookie = next(v for k, v in headers if k == "set-cookie")
    token = cookie.split(";", 1)[0].split("=", 1)[1]
    assert auth.authenticate(db, token) is not None
    _post(app, routes.LOGOUT_PATH, {}, cookie=token)
    assert auth.authenticate(db, token) is None
    _assert_clean(_captured(all_logs), _secrets(db, token, all_logs.sql_level))  # type: ignore[attr-defined]
