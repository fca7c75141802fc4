"""Replays the realism development set (tests/data/realism, written independently of the code)
in-process: the same measures as its ``tools/run_devset.py``, without a subprocess per meeting.

Figures: overall per scenario and style; client lines said twice in one meeting; client
lines that restate what the worker never said (``echoes.jsonl``); concrete questions
answered, asked singly after a greeting and all in one meeting.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from simulator.content.library import get_library
from simulator.session.simulation import Simulation

ROOT = Path(__file__).resolve().parent.parent / "data" / "realism"
STYLES = ("skilled", "generic", "poor")
GREETING = {
    "fi": "Hei, tervetuloa! Minä olen Sanna, olen täällä ohjaajana. Meillä on hyvin aikaa.",
    "en": "Hi, welcome! I'm Sam, I work here as an adviser. We have plenty of time.",
}


def _jsonl(name: str) -> list[dict]:
    lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@cache
def questions() -> list[dict]:
    return _jsonl("questions.jsonl")


@cache
def echo_rules() -> list[dict]:
    return _jsonl("echoes.jsonl")


def scenario_ids() -> list[str]:
    return sorted({q["scenario"] for q in questions()})


def transcript(scenario_id: str, style: str) -> list[str]:
    text = (ROOT / "transcripts" / f"{scenario_id}__{style}.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()]


@dataclass
class Meeting:
    simulation: Simulation
    overall: int

    @property
    def client_lines(self) -> list[str]:
        return [turn.client_line for turn in self.simulation.state.turns]

    @property
    def replies(self) -> list[str]:
        return [turn.reply for turn in self.simulation.state.turns]


def play(scenario_id: str, replies: list[str], seed: int = 0) -> Meeting:
    library = get_library()
    scenario = library.scenario(scenario_id)
    simulation = Simulation.start(scenario, library.rubric_for(scenario), seed=seed)
    for reply in replies:
        simulation.reply(reply)
    report = simulation.end()
    return Meeting(simulation, report.overall)


def repeated_lines(meeting: Meeting) -> list[str]:
    said = Counter(line for line in meeting.client_lines if line.strip())
    return sorted(line for line, n in said.items() if n > 1)


def unsupported_echoes(meeting: Meeting) -> list[str]:
    """Client lines restating something the worker had not said by that turn."""
    rules = [rule for rule in echo_rules() if rule["scenario"] == meeting.simulation.scenario.id]
    found, worker = [], ""
    for reply, client in zip(meeting.replies, meeting.client_lines):
        worker += "\n" + reply
        for rule in rules:
            if re.search(rule["client"], client, re.IGNORECASE) and any(
                not re.search(pattern, worker, re.IGNORECASE) for pattern in rule["worker"]
            ):
                found.append(client)
    return found


def answered(question: dict, answer: str) -> bool:
    return bool(re.search(question["expect"], answer, re.IGNORECASE))


def language_of(scenario_id: str) -> str:
    return get_library().scenario(scenario_id).language
