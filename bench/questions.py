"""Benchmark: how many concrete questions the client answers (tests/data/realism).

Run by hand: ``.venv/bin/python bench/questions.py``. Replays both question sets the way
``tests/scenarios/test_realism.py`` and the set's own ``tools/run_devset.py`` do: each
question asked singly after a greeting, and all of a scenario's questions in one meeting;
at seeds 0 and 1. Prints the answered share per set, mode, seed and language beside the
90 % target.

``--misses`` lists the development sets' misses (question, the client's answer). The
holdout sets are measure-only: their rows and misses are never printed, so nobody tunes on them.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.content.library import get_library  # noqa: E402
from simulator.session.simulation import Simulation  # noqa: E402

TARGET = 0.90
SEEDS = (0, 1)
DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "realism"
# dev sets may be read and tuned on; the holdouts are only ever measured (README of the set)
SETS = {
    "dev": "questions.jsonl",
    "dev2": "questions_dev2.jsonl",
    "holdout": "questions_holdout.jsonl",
    "holdout2": "questions_holdout2.jsonl",
}
TUNABLE = frozenset({"dev", "dev2"})
GREETING = {
    "fi": "Hei, tervetuloa! Minä olen Sanna, olen täällä ohjaajana. Meillä on hyvin aikaa.",
    "en": "Hi, welcome! I'm Sam, I work here as an adviser. We have plenty of time.",
}


def load(name: str) -> list[dict[str, str]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def answers(scenario_id: str, replies: list[str], seed: int) -> list[str]:
    """The client's line to each reply of one meeting."""
    library = get_library()
    scenario = library.scenario(scenario_id)
    simulation = Simulation.start(scenario, library.rubric_for(scenario), seed=seed)
    return [simulation.reply(reply).client_line for reply in replies]


def measure(questions: list[dict[str, str]], seed: int) -> dict[str, list[tuple[dict[str, str], str]]]:
    """Per mode (single, meeting): each question with the client's answer to it."""
    library = get_library()
    out: dict[str, list[tuple[dict[str, str], str]]] = {"single": [], "meeting": []}
    by_scenario: dict[str, list[dict[str, str]]] = defaultdict(list)
    for question in questions:
        by_scenario[question["scenario"]].append(question)
    for scenario_id, asked in sorted(by_scenario.items()):
        greeting = GREETING[library.scenario(scenario_id).language]
        for question in asked:
            out["single"].append((question, answers(scenario_id, [greeting, question["ask"]], seed)[-1]))
        lines = answers(scenario_id, [greeting, *(q["ask"] for q in asked)], seed)
        out["meeting"].extend(zip(asked, lines[1:]))
    return out


def answered(question: dict[str, str], answer: str) -> bool:
    return bool(re.search(question["expect"], answer, re.IGNORECASE))


def share(pairs: list[tuple[dict[str, str], str]]) -> str:
    hits = sum(answered(q, a) for q, a in pairs)
    return f"{hits / len(pairs):4.0%} ({hits}/{len(pairs)})" if pairs else "   -"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS), help=f"comma-separated: {', '.join(SETS)}")
    parser.add_argument("--misses", action="store_true", help="list the development set's misses")
    args = parser.parse_args()
    library = get_library()
    print(f"concrete questions answered (target {TARGET:.0%})")
    print(f"{'set':8} {'mode':8} {'seed':>4}  {'all':>12}  {'fi':>12}  {'en':>12}")
    for name in args.sets.split(","):
        questions = load(SETS[name])
        for seed in SEEDS:
            for mode, pairs in measure(questions, seed).items():
                per_language = {
                    language: [(q, a) for q, a in pairs if library.scenario(q["scenario"]).language == language]
                    for language in ("fi", "en")
                }
                print(f"{name:8} {mode:8} {seed:>4}  {share(pairs):>12}  {share(per_language['fi']):>12}  {share(per_language['en']):>12}")
                if args.misses and name in TUNABLE:
                    for question, answer in pairs:
                        if not answered(question, answer):
                            print(f"    miss {question['scenario']} | {question['ask']} -> {answer}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
