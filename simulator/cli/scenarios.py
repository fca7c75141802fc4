"""``simulator list [--json]``: the scenarios that can be practised."""

from __future__ import annotations

import argparse
import json
import sys

from simulator.content.library import load_library


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON list")
    parser.add_argument("--language", choices=["fi", "en"], help="only scenarios in this language")


def run(args: argparse.Namespace) -> int:
    library = load_library()
    for issue in library.issues:
        print(issue.format(), file=sys.stderr)
    rows = [
        {
            "id": s.id,
            "language": s.language,
            "title": s.title,
            "difficulty": s.difficulty,
            "client": s.persona.name,
            "summary": s.summary,
            "learning_goals": list(s.learning_goals),
        }
        for s in sorted(library.scenarios.values(), key=lambda s: (s.language != "fi", s.id))
        if not args.language or s.language == args.language
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            print(f"{row['id']:<40} {row['language']}  {row['difficulty']:<7} {row['title']}")
    return 1 if library.issues else 0
