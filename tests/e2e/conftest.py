"""Fixtures of the real-browser tests: a served app over SQLite, and Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from harness import CHROMIUM, CHROMIUM_ARGS, seed_demo, server_env, servers


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``streamlit run`` on a free port over a fresh SQLite database with the demo accounts."""
    workdir = tmp_path_factory.mktemp("e2e")
    env = server_env(f"sqlite:///{workdir / 'kohtaamo.db'}")
    seed_demo(env)
    with servers(env, [workdir / "streamlit.log"]) as (base,):
        yield base


@pytest.fixture
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
