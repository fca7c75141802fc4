"""What the worker did over the whole meeting, read from acts (signals, disclosures, key
points) rather than from the stage labels the machine happened to give the replies.

The session principles and the overall score use these, so a recap written while the
machine still said "guidance" counts as a recap, and a meeting that never engages with
the client's real question cannot be carried by polished phrases. Rules: docs/scoring.md.
"""

from __future__ import annotations

from collections.abc import Sequence

from simulator.content.common import STAGES
from simulator.content.rubric import Rubric, SignalPrinciple
from simulator.content.scenario import Scenario
from simulator.engine.state import Finding, SessionState, TurnRecord
from simulator.rubric.text_measures import word_count

CLOSING_TAIL = 3  # the last replies of a meeting are its close, whatever the stage label


def closing_signals(state: SessionState) -> set[str]:
    """Signals of the meeting's close: replies written in or leading into the farewell, and the
    last :data:`CLOSING_TAIL` replies."""
    turns = state.turns
    farewell = [t for t in turns if "farewell" in (t.stage, t.stage_after)]
    return set().union(*(t.signal_names for t in [*farewell, *turns[-CLOSING_TAIL:]])) if turns else set()


def skipped_stages(path: Sequence[str]) -> list[str]:
    """Stages below the furthest one reached that the meeting never was in."""
    ranks = [STAGES.index(stage) for stage in path if stage in STAGES]
    if not ranks:
        return []
    return [stage for stage in STAGES[: max(ranks)] if stage not in path]


def key_point_share(scenario: Scenario, state: SessionState, only: str | None = None) -> float | None:
    """Share of the scenario's key points covered (``only``: those tied to that disclosure); None when none."""
    points = [p for p in scenario.key_points if only is None or p.requires_disclosure == only]
    if not points:
        return None
    covered = set(state.key_points)
    return sum(p.id in covered for p in points) / len(points)


def real_question_found(scenario: Scenario, state: SessionState) -> bool:
    real = scenario.real_question
    return real is None or real.id in state.disclosed


def real_question_answered(scenario: Scenario, state: SessionState, min_share: float) -> bool:
    """The real question came out and at least ``min_share`` of its key points were covered
    (of all key points when none is tied to it)."""
    if not real_question_found(scenario, state):
        return False
    real = scenario.real_question
    share = key_point_share(scenario, state, real.id) if real is not None else None
    if share is None:
        share = key_point_share(scenario, state)
    return share is None or share >= min_share


def engagement(scenario: Scenario, state: SessionState, found_share: float) -> float:
    """0-100: what the worker did with this client's situation.

    ``found_share`` of it is the real question coming out (always, when the scenario has
    none); the rest is the share of the scenario's key points covered. No replies: 0.
    """
    if not state.turns:
        return 0.0
    share = key_point_share(scenario, state)
    answered = 1.0 if share is None else share
    return 100.0 * (found_share * real_question_found(scenario, state) + (1 - found_share) * answered)


def words_before_first(state: SessionState, signals: set[str]) -> tuple[int, int]:
    """(client words, worker words) over the replies before the first one showing ``signals``
    (over all replies when none does); the client's words are its answers to those replies."""
    client = worker = 0
    for turn in state.turns:
        if turn.signal_names & signals:
            break
        client += word_count(turn.client_line)
        worker += word_count(turn.reply)
    return client, worker


def pair_bad_news(turns: Sequence[TurnRecord], findings: list[list[Finding]], rubric: Rubric | None = None) -> list[list[Finding]]:
    """Bad news whose way forward comes in the very next reply is one act: the engine's
    "without a way out" finding on the first reply is dropped (mentors' findings are kept)."""
    result = [list(f) for f in findings]
    for index, turn_findings in enumerate(result[:-1]):
        following = turns[index + 1].signal_names
        if "way_forward" not in following:
            continue
        result[index] = [
            f for f in turn_findings if not (f.source == "engine" and f.polarity == "negative" and _waits_for_way(f, rubric))
        ]
    return result


def _waits_for_way(finding: Finding, rubric: Rubric | None) -> bool:
    """A fault that a way forward would have lifted (its principle lists way_forward in ``unless``)."""
    if rubric is not None:
        principle = rubric.principle(finding.principle)
        return isinstance(principle, SignalPrinciple) and "way_forward" in principle.unless
    return "bad_news_without" in finding.principle
