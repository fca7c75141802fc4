"""``simulator export-corrections --jsonl [--out FILE]``: mentors' corrections as labelled data.

Writes one JSON object per corrected reply in the labelled-set format of the signals spec
(``{"id","lang","stage","prev","text","signals"}``), so mentors' judgement can be used to
measure and improve signal detection. The mapping from corrections to signals is
:func:`simulator.service.review.correction_signals` (documented in ``docs/mentors.md``).
Whoever runs this controls the server, so it exports every cohort (acts as SYSTEM).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from simulator.cli.db import add_url_option, run_with_database


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jsonl", action="store_true", required=True,
                        help="write JSON lines (the only format; required so the format is explicit)")
    parser.add_argument("--out", default=None, help="file to write (default: standard output)")
    add_url_option(parser)


def run(args: argparse.Namespace) -> int:
    return run_with_database(args, lambda db: _run(args, db))


def _run(args: argparse.Namespace, db: Any) -> int:
    from simulator.service.auth import SYSTEM
    from simulator.service.corrections import export_corrections

    try:
        handle = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout  # noqa: SIM115
    except OSError as exc:
        print(f"{args.out}: cannot write: {exc.strerror or exc}", file=sys.stderr)
        return 2
    count = 0
    try:
        for record in export_corrections(db, SYSTEM):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    finally:
        if handle is not sys.stdout:
            handle.close()
    print(f"{count} corrected repl{'y' if count == 1 else 'ies'} written", file=sys.stderr)
    return 0
