"""Benchmark: the server-side time of one practice turn, through the real app.

Run by hand: ``.venv/bin/python bench/practice_turn.py [--attempts N] [--database-url URL]``.
Drives ``streamlit_app.py`` with AppTest (logged in through the test seam, as the UI tests
do) through full attempts of a scenario: start from the picker, send every reply through
the chat input, end the meeting, open the debrief. For every turn it records

* the whole script run that handles the submitted reply (what the server does between
  receiving the message and having the new page ready: authentication, the service call,
  drawing the conversation), and
* the service call alone (``practice.reply``: restore, engine, one write transaction).

and prints median and p95 of each. Default database: a fresh SQLite file (WAL,
synchronous=FULL) in a temporary directory.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCENARIO = "fi-kiintiopakolainen"
REPLIES = [
    "Hei, tervetuloa! Olen Maija. Meillä on tunti aikaa tänään.",
    "Mitä sinulle kuuluu? Kerro, mikä sinua mietityttää.",
    "Kuulostaa siltä, että olet huolissasi lapsista.",
    "Mistä muusta haluaisit vielä tänään puhua?",
    "Kerron nyt, miten kurssi toimii. Lapsille on päiväkoti, ja se maksaa vähän.",
    "Piirretään yhdessä: ensin päiväkotihakemus, sitten kurssi.",
    "Sovitaan seuraava askel: tulet ensi viikolla uudestaan. Eli yhteenvetona: haet kurssille.",
    "Kiitos, että tulit! Hyvin menee.",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=5, help="full attempts to play (default 5)")
    parser.add_argument("--database-url", default=None, help="an empty migrated-or-new database (default: temp SQLite)")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="kohtaamo-bench-")
    url = args.database_url or f"sqlite:///{tmp}/bench.db"
    os.environ["DATABASE_URL"] = url
    os.environ["KOHTAAMO_TESTING"] = "1"  # the AppTest identity seam (never set for a served app)
    os.environ.setdefault("KOHTAAMO_ARGON2_FAST", "1")

    from streamlit.testing.v1 import AppTest

    from simulator.content.library import get_library
    from simulator.service import auth, practice, users
    from simulator.service.auth import SYSTEM
    from simulator.store.migrate import upgrade
    from simulator.ui import session as ui_session

    upgrade(url)
    db = ui_session.get_db()
    users.create_user(db, SYSTEM, "bench", "bench-password", "trainee")
    get_library()  # content loading is a one-off at process start, not part of a turn

    service_ms: list[float] = []
    real_reply = practice.reply

    def timed_reply(*a, **kw):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return real_reply(*a, **kw)
        finally:
            service_ms.append((time.perf_counter() - started) * 1000)

    practice.reply = timed_reply  # type: ignore[assignment]
    run_ms: list[float] = []
    for _ in range(args.attempts):
        _, token = auth.login(db, "bench", "bench-password")
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
        at.session_state[ui_session.TEST_TOKEN_KEY] = token
        at.run()
        at.button(key=f"picker_start_{SCENARIO}").click().run()
        for text in REPLIES:
            at.chat_input(key="practice_input").set_value(text)
            started = time.perf_counter()
            at.run()
            run_ms.append((time.perf_counter() - started) * 1000)
            if at.exception:
                print(at.exception, file=sys.stderr)
                return 1
        at.button(key="practice_end_button").click().run()
        at.button(key="practice_end_yes").click().run()
        if at.exception:
            print(at.exception, file=sys.stderr)
            return 1
    practice.reply = real_reply  # type: ignore[assignment]

    backend = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"practice turn, {len(run_ms)} turns over {args.attempts} full attempts of {SCENARIO} ({backend})")
    print(f"  script run handling a reply (AppTest, one run):    median {statistics.median(run_ms):6.1f} ms"
          f"   p95 {percentile(run_ms, 0.95):6.1f} ms")
    print(f"  service call practice.reply (restore+engine+write):  median {statistics.median(service_ms):6.1f} ms"
          f"   p95 {percentile(service_ms, 0.95):6.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
