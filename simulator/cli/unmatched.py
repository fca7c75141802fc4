"""``simulator unmatched``: trainees' questions the client could not place, per scenario.

Authors read this list to add topics or example questions to the fact sheets.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from simulator.cli.db import add_url_option, run_with_database

if TYPE_CHECKING:
    from simulator.store import Database


def configure(parser: argparse.ArgumentParser) -> None:
    add_url_option(parser)
    parser.add_argument("--scenario", metavar="ID", help="only this scenario")
    parser.add_argument("--json", action="store_true", help="one JSON document instead of text")


def run(args: argparse.Namespace) -> int:
    def action(db: Database) -> int:
        from simulator.service.auth import SYSTEM
        from simulator.service.content_status import unmatched_questions

        rows = unmatched_questions(SYSTEM, db, args.scenario)
        if args.json:
            print(json.dumps([row.__dict__ for row in rows], ensure_ascii=False, indent=2))
            return 0
        if not rows:
            print("no unmatched questions")
            return 0
        current = None
        for row in rows:
            if row.scenario_id != current:
                current = row.scenario_id
                print(f"{current}:")
            print(f"  {row.count:>4}  {row.question}")
        return 0

    return run_with_database(args, action)
