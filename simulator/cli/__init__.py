"""The ``simulator`` command line: one module per subcommand, imported only when used.

Lazy imports keep ``simulator detect`` free of the web and database stacks, so its cold
start stays small.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# subcommand -> (module under simulator.cli, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "list": ("scenarios", "list the scenarios"),
    "play": ("play", "play a scenario in the terminal"),
    "validate": ("validate", "check scenarios, rubrics and signal rules"),
    "graph": ("graph", "print the stage machine as Graphviz source"),
    "detect": ("detect", "detect reply signals in a JSON-lines file"),
    "db": ("db", "migrate the database schema (upgrade, current)"),
    "users": ("users", "manage accounts (add, list, delete, reset-password)"),
    "demo": ("admin", "seed demo accounts and a demo cohort into an empty database"),
    "purge": ("admin", "delete attempts older than --days N"),
    "backup": ("admin", "copy a SQLite database to PATH while it is in use"),
    "restore": ("admin", "replace a SQLite database with a backup from PATH"),
    "conformance": ("conformance", "score signal detection against labelled replies"),
    "train-detector": ("train_detector", "refit the learned detection layer from the labelled sets"),
    "unmatched": ("unmatched", "list the questions the client could not place, per scenario"),
    "export-corrections": ("corrections", "write mentors' corrected replies as labelled JSON lines"),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Build the parser; only the chosen subcommand's module is imported."""
    parser = argparse.ArgumentParser(prog="simulator", description="Kohtaamo role-play simulator")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        if name == command:
            module = importlib.import_module(f"simulator.cli.{module_name}")
            module.configure(sub_parser)
            sub_parser.set_defaults(handler=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    command = next((arg for arg in args_list if not arg.startswith("-")), None)
    parser = build_parser(command if command in COMMANDS else None)
    args = parser.parse_args(args_list)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 0 if not args_list else 2
    try:
        return int(handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
