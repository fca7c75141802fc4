"""``simulator conformance FILE.jsonl``: per-signal precision, recall and F1 on labelled replies."""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import Any


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, help="labelled JSON-lines files")
    parser.add_argument("--errors", action="store_true", help="also list the replies scored wrong")
    parser.add_argument(
        "--split",
        metavar="SEED",
        type=int,
        help="score only a held-out third (random, seeded); tune on the rest",
    )
    parser.add_argument("--tune", action="store_true", help="with --split: score the two tuning thirds instead")
    parser.add_argument("--rules-only", action="store_true", help="score the rules without the learned layer")


def _rules_only(example: Any) -> list[str]:
    from simulator.language import get_detector

    hits = get_detector(example.lang).rule_hits(example.text, example.prev, example.stage)
    return sorted({hit.signal for hit in hits})


def run(args: argparse.Namespace) -> int:
    from simulator.content.errors import ContentError
    from simulator.language.evaluation import evaluate, read_examples

    status = 0
    for path in args.files:
        try:
            examples = read_examples(path)
        except (OSError, ValueError, KeyError) as exc:
            print(f"{path}: cannot read: {exc}", file=sys.stderr)
            status = 1
            continue
        if args.split is not None:
            rng = random.Random(args.split)
            held = set(rng.sample(range(len(examples)), len(examples) // 3))
            examples = [e for i, e in enumerate(examples) if (i in held) != args.tune]
        try:
            report = evaluate(examples, _rules_only) if args.rules_only else evaluate(examples)
        except ContentError as exc:
            print(exc, file=sys.stderr)
            return 1
        print(f"== {path} ({len(examples)} replies)")
        print(report.table())
        if args.errors:
            for example, predicted in report.errors:
                missing = sorted(example.signals - predicted)
                extra = sorted(predicted - example.signals)
                print(f"{example.id}: missing {missing} extra {extra}\n    prev: {example.prev}\n    text: {example.text}")
    return status
