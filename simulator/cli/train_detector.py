"""``simulator train-detector``: refit the learned detection layer from the labelled sets in the repository.

Run it after any change to the labelled sets, the signal rules or the layer's code (the
test ``tests/language/learned/test_training.py`` fails until you do). See docs/detection.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=("fi", "en"), action="append", help="only this language (repeatable)")
    parser.add_argument("--out", type=Path, help="write the .npz files here instead of the package")


def run(args: argparse.Namespace) -> int:
    from simulator.language.learned.train import main

    for path in main(tuple(args.lang or ("fi", "en")), args.out):
        print(f"wrote {path}")
    return 0
