"""A child process of the login burst test: N threads send a wrong password at one instant.

Usage: python login_burst.py DATABASE_URL START_EPOCH THREADS USERNAME
Prints a JSON list with one outcome per thread: "checked" (the password was verified and
refused), "throttled" (refused before any check) or "ok".
"""

from __future__ import annotations

import json
import sys
import threading
import time

from simulator.service import auth
from simulator.service.errors import InvalidCredentials, LoginThrottled
from simulator.store import Database


def main() -> None:
    url, start, threads, username = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    db = Database(url)
    outcomes: list[str] = []
    guard = threading.Lock()

    def one() -> None:
        while time.time() < start:
            time.sleep(0.0005)
        try:
            auth.login(db, username, "not-the-password")
            outcome = "ok"
        except InvalidCredentials:
            outcome = "checked"
        except LoginThrottled:
            outcome = "throttled"
        with guard:
            outcomes.append(outcome)

    workers = [threading.Thread(target=one) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    db.dispose()
    print(json.dumps(outcomes))


if __name__ == "__main__":
    main()
