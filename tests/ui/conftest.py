"""Fixtures for AppTest runs of the Streamlit app.

AppTest cannot send cookies, so these fixtures use the documented test seam
(``simulator.ui.session``): ``KOHTAAMO_TESTING=1`` is set for the test only, and a
*real* session token from ``simulator.service.auth.login`` is put in
``session_state[TEST_TOKEN_KEY]``; the app authenticates it against the database
exactly like the cookie. Each test gets its own SQLite file with the demo accounts
(``trainee``, ``mentor``, ``admin``; passwords equal to the names).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from simulator.service import auth, users
from simulator.service.auth import SYSTEM
from simulator.store import Database
from simulator.ui import routes
from simulator.ui.session import TEST_TOKEN_KEY, TESTING_ENV

ROOT = Path(__file__).resolve().parents[2]
APP_SCRIPT = ROOT / "streamlit_app.py"
DEMO_USERS = (("trainee", "Demo Harjoittelija", "trainee"), ("mentor", "Demo Mentori", "mentor"), ("admin", "Demo Ylläpitäjä", "admin"))
APP_TIMEOUT = 30.0


@pytest.fixture
def ui_db(tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A fresh SQLite database with the demo accounts, which the app under test uses."""
    path = tmp_path / "ui.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv(TESTING_ENV, "1")
    database = routes.shared_database(url)
    for username, display_name, role in DEMO_USERS:
        users.create_user(database, SYSTEM, username, username, role, display_name=display_name, allow_weak_password=True)
    yield database
    routes.dispose_shared_databases()


@pytest.fixture
def login_token(ui_db: Database) -> Callable[..., str]:
    """``login_token("trainee")`` logs in for real and returns the session token."""

    def token(username: str, password: str | None = None) -> str:
        return auth.login(ui_db, username, password if password is not None else username)[1]

    return token


@pytest.fixture
def app(ui_db: Database) -> Callable[..., AppTest]:
    """``app(token)``: an AppTest of ``streamlit_app.py``, logged in when a token is given."""

    def make(token: str | None = None, script: Path = APP_SCRIPT) -> AppTest:
        at = AppTest.from_file(str(script), default_timeout=APP_TIMEOUT)
        if token is not None:
            at.session_state[TEST_TOKEN_KEY] = token
        return at

    return make
