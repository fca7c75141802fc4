"""Replays every scenario's golden transcripts and asserts what a mentor would expect.

good: a well-led meeting scores >= 80, climbs all four stages in order, raises trust and
brings out the client's real question. poor: computer, hurry and advice first score <= 40
and trust falls. skipped_guidance: straight to advice; the client says it misses their
real question and the key points that depend on it are reported missed.
"""

from __future__ import annotations

import pytest

from simulator.content.common import STAGES
from simulator.content.library import get_library
from simulator.content.transcript import load_transcripts
from simulator.session.simulation import Simulation

LIBRARY = get_library()
SCENARIO_IDS = sorted(LIBRARY.scenarios)


def replay(scenario_id: str, kind: str):
    scenario = LIBRARY.scenario(scenario_id)
    transcript = getattr(load_transcripts(scenario_id), kind)
    simulation = Simulation.start(scenario, LIBRARY.rubric_for(scenario), seed=transcript.seed)
    for reply in transcript.replies:
        simulation.reply(reply)
    report = simulation.end()
    found = {f.principle for t in simulation.state.turns for f in t.findings} | {
        f.principle for f in report.session_findings if f.polarity == "negative"
    }
    return simulation, report, transcript, found


def climbs_in_order(path: list[str]) -> bool:
    """All four stages, first reached in order; the only step back is advisory -> guidance."""
    first_seen = list(dict.fromkeys(path))
    steps = list(zip(path, path[1:]))
    rank = {stage: i for i, stage in enumerate(STAGES)}
    backward = [(a, b) for a, b in steps if rank[b] < rank[a]]
    return first_seen == list(STAGES) and path[-1] == "farewell" and set(backward) <= {("advisory", "guidance")}


def assert_named_findings(transcript, found: set[str]) -> None:
    missing = set(transcript.expect.findings) - found
    unexpected = set(transcript.expect.absent_findings) & found
    assert not missing, f"expected findings not produced: {sorted(missing)}"
    assert not unexpected, f"findings that should be absent: {sorted(unexpected)}"


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_good_transcript(scenario_id: str) -> None:
    simulation, report, transcript, found = replay(scenario_id, "good")
    assert report.overall >= 80, report.model_dump(include={"overall", "stages"})
    assert climbs_in_order(report.stage_path), report.stage_path
    assert report.trust[-1] > report.trust[0]
    assert report.real_question_disclosed is True
    assert_named_findings(transcript, found)


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_poor_transcript(scenario_id: str) -> None:
    simulation, report, transcript, found = replay(scenario_id, "poor")
    assert report.overall <= 40, report.model_dump(include={"overall", "stages"})
    assert report.trust[-1] < report.trust[0]
    fault_reactions = [r for t in simulation.state.turns for r in t.reactions if t.trust_after < t.trust_before]
    assert fault_reactions, "the client should withdraw visibly (a fault reaction with a line)"
    assert {"computer_focus", "hurry"} <= {s for t in simulation.state.turns for s in t.signal_names}
    assert_named_findings(transcript, found)


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
def test_skipped_guidance_transcript(scenario_id: str) -> None:
    simulation, report, transcript, found = replay(scenario_id, "skipped_guidance")
    scenario = simulation.scenario
    path = report.stage_path
    assert "advisory" in path and "guidance" not in path[: path.index("advisory")], path
    assert report.real_question_disclosed is False
    dependent = [kp.id for kp in scenario.key_points if kp.requires_disclosure]
    assert dependent, "the scenario needs key points that depend on the real question"
    assert set(dependent) <= set(report.key_points_missed)
    said_missed = [t for t in simulation.state.turns if any("missed" in r for r in t.reactions)]
    assert said_missed, "the client should say the advice misses their real question (a reaction id containing 'missed')"
    assert_named_findings(transcript, found)
