"""Two app instances, one PostgreSQL database: what one instance stores, the other shows.

Why: a national rollout runs several ``streamlit run`` processes behind a load balancer.
Nothing may live only in one process: the attempt is in the database after every turn
and identity is the cookie token checked against the database. Here a trainee logs in
and replies on instance A, carries on in the same attempt on instance B (as after a
failover), and a mentor logged in on B reviews both replies. Both servers' logs are then
searched for the session token.

Needs PostgreSQL (127.0.0.1:5432 or ``KOHTAAMO_TEST_PG_URL``; skipped with the reason
otherwise) and Debian's Chromium (``/usr/bin/chromium``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from harness import BROWSER_MARKS, CHAT_INPUT, CHAT_MESSAGE, SCENARIO, idle, login, seed_demo, send, server_env, servers

pytestmark = [*BROWSER_MARKS, pytest.mark.postgres]

REPLY_ON_A = "Hei ja tervetuloa! Olen Anna. Meillä on tänään tunti aikaa, ja ensin juttelemme rauhassa."
REPLY_ON_B = "Miten sinulla menee? Kerro vapaasti, mikä sinulle on nyt tärkeintä."


@pytest.fixture(scope="module")
def two_servers(
    tmp_path_factory: pytest.TempPathFactory, pg_new_database: Callable[[], str]
) -> Iterator[tuple[str, str, list[Path]]]:
    """Two ``streamlit run`` on different ports over one fresh PostgreSQL database with the demo data."""
    workdir = tmp_path_factory.mktemp("two-instances")
    env = server_env(pg_new_database())
    seed_demo(env)
    logs = [workdir / f"streamlit-{name}.log" for name in ("a", "b")]
    with servers(env, logs) as (base_a, base_b):
        yield base_a, base_b, logs


def test_attempt_on_one_instance_is_seen_on_the_other(two_servers: tuple[str, str, list[Path]], browser: object) -> None:
    from playwright.sync_api import expect

    base_a, base_b, logs = two_servers

    trainee_context, trainee = login(browser, base_a, "trainee")
    trainee.locator(f".st-key-picker_start_{SCENARIO} button").click()  # type: ignore[attr-defined]
    trainee.wait_for_selector(CHAT_INPUT)  # type: ignore[attr-defined]
    idle(trainee)
    send(trainee, REPLY_ON_A)

    # Failover: the same browser goes to instance B; the cookie (one host, any port) and
    # the attempt in the database carry the conversation on.
    trainee.goto(f"{base_b}/practice")  # type: ignore[attr-defined]
    idle(trainee)
    expect(trainee.locator(CHAT_MESSAGE, has_text=REPLY_ON_A)).to_have_count(1)  # type: ignore[attr-defined]
    send(trainee, REPLY_ON_B)

    # The mentor, logged in on B, reviews the trainee's attempt: both replies are there.
    _, mentor = login(browser, base_b, "mentor")
    mentor.goto(f"{base_b}/mentor_review")  # type: ignore[attr-defined]
    idle(mentor)
    expect(mentor.locator(CHAT_MESSAGE, has_text=REPLY_ON_A)).to_have_count(1)  # type: ignore[attr-defined]
    expect(mentor.locator(CHAT_MESSAGE, has_text=REPLY_ON_B)).to_have_count(1)  # type: ignore[attr-defined]

    # And back on A the trainee sees the reply sent on B.
    trainee.goto(f"{base_a}/practice")  # type: ignore[attr-defined]
    idle(trainee)
    expect(trainee.locator(CHAT_MESSAGE, has_text=REPLY_ON_B)).to_have_count(1)  # type: ignore[attr-defined]

    tokens = [c["value"] for c in trainee_context.cookies() if c["name"] == "kohtaamo_session"]  # type: ignore[attr-defined]
    assert tokens, "the login set the session cookie"
    for log in logs:
        text = log.read_text(errors="replace")
        assert tokens[0] not in text, f"the session token appeared in {log.name}"
        assert "Traceback" not in text, f"{log.name}:\n{text[-3000:]}"
