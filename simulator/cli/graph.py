"""``simulator graph``: the stage machine as Graphviz source, for the docs and the app."""

from __future__ import annotations

import argparse
import sys

from simulator.content.library import load_library
from simulator.engine.machine import to_dot


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rubric", default="kohtaava", help="rubric whose flow to draw")


def run(args: argparse.Namespace) -> int:
    library = load_library(scenario_paths=[])
    rubric = library.rubrics.get(args.rubric)
    if rubric is None:
        print(f"no rubric {args.rubric!r}", file=sys.stderr)
        return 2
    sys.stdout.write(to_dot(rubric.flow, rubric.id))
    return 0
