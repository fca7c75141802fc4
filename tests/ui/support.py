"""Helpers the page tests share: the scenario they play, opening a page, a finished attempt."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from simulator.content.library import get_library
from simulator.service import auth, practice
from simulator.store import Database

SCENARIO = "fi-kiintiopakolainen"


def need_scenario() -> None:
    """Skip, saying so, while the scenario these tests play is not in the content."""
    if SCENARIO not in get_library().scenarios:
        pytest.skip(f"scenario {SCENARIO} is not in the content yet")


def go(at: AppTest, name: str) -> AppTest:
    """Open the page ``name`` (as the navigation would) and run it; no exception allowed."""
    from streamlit.util import calc_hash

    at._page_hash = calc_hash(name)
    at.run()
    assert not at.exception, at.exception
    return at


def finished_attempt(db: Database, username: str, password: str, replies: list[str], *, seed: int = 2) -> int:
    """Log in as ``username``, play ``replies`` in SCENARIO and end the meeting; the attempt's id."""
    principal, _ = auth.login(db, username, password)
    view = practice.start_attempt(db, principal, SCENARIO, seed=seed)
    for text in replies:
        practice.reply(db, principal, view.id, text)
    practice.end_attempt(db, principal, view.id)
    return view.id
