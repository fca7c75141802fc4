"""``simulator play ID``: the role-play in the terminal, or scripted with ``--script FILE --json``."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path
from typing import Any

from simulator.content.library import load_library
from simulator.session.simulation import ReplyRejected, Simulation
from simulator.engine.state import TurnRecord
from simulator.rubric.report import SessionReport

END_COMMANDS = {"/end", "/loppu"}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", metavar="ID", help="scenario id (see `simulator list`)")
    parser.add_argument("--script", type=Path, help="a file with one trainee reply per line (non-interactive)")
    parser.add_argument("--json", action="store_true", help="print one JSON document (with --script)")
    parser.add_argument("--seed", type=int, default=0, help="seed for the client's choice of lines")
    parser.add_argument("--ui-language", choices=["fi", "en"], help="language of the feedback (default: the scenario's)")


def run(args: argparse.Namespace) -> int:
    library = load_library()
    if args.scenario not in library.scenarios:
        known = ", ".join(sorted(library.scenarios)) or "none"
        print(f"no scenario {args.scenario!r}; available: {known}", file=sys.stderr)
        return 2
    scenario = library.scenario(args.scenario)
    simulation = Simulation.start(scenario, library.rubric_for(scenario), seed=args.seed)
    language = args.ui_language or scenario.language
    if args.script:
        try:
            replies = [line.rstrip("\n") for line in args.script.read_text(encoding="utf-8").splitlines()]
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{args.script}: cannot read the script: {exc}", file=sys.stderr)
            return 2
        return _scripted(simulation, [r for r in replies if r.strip()], args.json, language)
    if args.json:
        print("--json needs --script FILE", file=sys.stderr)
        return 2
    return _interactive(simulation, language)


def turn_json(turn: TurnRecord, language: str) -> dict[str, Any]:
    return {
        "reply": turn.reply,
        "stage": turn.stage,
        "stage_after": turn.stage_after,
        "trust": turn.trust_after,
        "client": turn.client_line,
        "thought": turn.thought,
        "signals": sorted(turn.signal_names),
        "findings": [
            {
                "principle": f.principle,
                "polarity": f.polarity,
                "weight": f.weight,
                "spans": [[s.start, s.end] for s in f.spans],
                "quotes": [s.text for s in f.spans],
                "message": f.message.get(language, ""),
            }
            for f in turn.findings
        ],
        "reply_score": turn.reply_score,
        "disclosed": turn.disclosed,
        "key_points": turn.key_points,
        "reactions": turn.reactions,
        "intent": turn.intent,
        "topic": turn.topic,
        "unmatched_question": turn.question,
        "line_kind": turn.line_kind,
    }


def _scripted(simulation: Simulation, replies: list[str], as_json: bool, language: str) -> int:
    turns = []
    for reply in replies:
        try:
            turns.append(simulation.reply(reply))
        except ReplyRejected as exc:
            print(f"reply refused ({exc}): {reply[:60]!r}", file=sys.stderr)
    report = simulation.end()
    if as_json:
        document = {
            "scenario": simulation.scenario.id,
            "overall": report.overall,
            "stages": report.stages,
            "final_stage": report.stage_path[-1] if report.stage_path else "empathy",
            "turns": [turn_json(t, language) for t in turns],
            "report": report.model_dump(mode="json"),
        }
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        for turn in turns:
            _print_turn(turn, language)
        _print_report(report, language)
    return 0


def _interactive(simulation: Simulation, language: str) -> int:
    scenario = simulation.scenario
    print(f"\n== {scenario.title} ==\n")
    print(textwrap.fill(scenario.brief, 88))
    print(f"\n(/end {'lopettaa tapaamisen' if language == 'fi' else 'ends the meeting'})\n")
    print(f"{scenario.persona.name}: {scenario.opening.text}\n")
    while True:
        try:
            reply = input("> ")
        except EOFError:
            break
        if reply.strip().lower() in END_COMMANDS:
            break
        try:
            turn = simulation.reply(reply)
        except ReplyRejected as exc:
            print(f"  ({exc})")
            continue
        _print_turn(turn, language, echo=False)
    _print_report(simulation.end(), language)
    return 0


def _print_turn(turn: TurnRecord, language: str, echo: bool = True) -> None:
    if echo:
        print(f"> {turn.reply}")
    for finding in turn.findings:
        mark = "+" if finding.polarity == "positive" else "-"
        print(f"   [{mark}] {finding.message.get(language, '')}")
    stage = f"{turn.stage}" + (f" -> {turn.stage_after}" if turn.stage_after != turn.stage else "")
    print(f"   ({stage}, trust {turn.trust_before} -> {turn.trust_after})")
    print(f"\n  {turn.client_line}\n")


def _print_report(report: SessionReport, language: str) -> None:
    print("=" * 60)
    print(f"{'Kokonaispisteet' if language == 'fi' else 'Overall'}: {report.overall}/100")
    for stage, score in report.stages.items():
        print(f"  {stage:<10} {'-' if score is None else score}")
    print(("Vahvuudet" if language == "fi" else "Strengths") + ":")
    for item in report.strengths:
        print(f"  + {item.name[language]}")
    print(("Harjoiteltavaa" if language == "fi" else "To practise") + ":")
    for item in report.to_practise:
        print(f"  - {item.name[language]}")
    for outcome in report.outcomes:
        print(f"  [{'x' if outcome.met else ' '}] {outcome.statement[language]}")
    print(f"trust: {' '.join(map(str, report.trust))}")
