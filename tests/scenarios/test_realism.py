"""The realism development set's targets (tests/data/realism/README.md), held at two seeds.

skilled >= 80, generic (polished form, no engagement) <= 55, poor <= 25 in every scenario,
in that order; no client line said twice in a meeting; the client never restates what the
worker did not say. Concrete questions answered: the target is 90 %, met on 2026-12-07 at
seeds 0 and 1 (92 % asked singly, 90 % in one meeting; was 85 % / 83 % on 2026-12-06;
``bench/questions.py`` prints both sets per seed and language); the floor below holds what
was reached, so a regression shows, and rises as the matching improves.
"""

from __future__ import annotations

import pytest

import realism  # tests/scenarios is on sys.path (pytest prepend import mode)

SCENARIOS = realism.scenario_ids()
SEEDS = (0, 1)
ANSWERED_TARGET = 0.90  # the realism set's target, reported beside the figure
ANSWERED_FLOOR = 0.87  # reached on 2026-12-07: 92 % singly, 90 % in one meeting


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed{s}")
@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_styles_score_in_order(scenario_id: str, seed: int) -> None:
    meetings = {style: realism.play(scenario_id, realism.transcript(scenario_id, style), seed) for style in realism.STYLES}
    scores = {style: meeting.overall for style, meeting in meetings.items()}
    assert scores["skilled"] >= 80, scores
    assert scores["generic"] <= 55, scores
    assert scores["poor"] <= 25, scores
    assert scores["skilled"] > scores["generic"] > scores["poor"], scores
    for style, meeting in meetings.items():
        assert not realism.repeated_lines(meeting), (style, realism.repeated_lines(meeting))
        assert not realism.unsupported_echoes(meeting), (style, realism.unsupported_echoes(meeting))


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed{s}")
def test_concrete_questions_are_answered(seed: int) -> None:
    misses_single, misses_meeting, repeats = [], [], []
    for scenario_id in SCENARIOS:
        greeting = realism.GREETING[realism.language_of(scenario_id)]
        asked = [q for q in realism.questions() if q["scenario"] == scenario_id]
        for question in asked:
            single = realism.play(scenario_id, [greeting, question["ask"]], seed)
            if not realism.answered(question, single.client_lines[-1]):
                misses_single.append((scenario_id, question["topic"], single.client_lines[-1]))
        meeting = realism.play(scenario_id, [greeting, *(q["ask"] for q in asked)], seed)
        for question, answer in zip(asked, meeting.client_lines[1:]):
            if not realism.answered(question, answer):
                misses_meeting.append((scenario_id, question["topic"], answer))
        repeats += realism.repeated_lines(meeting)
    total = len(realism.questions())
    for misses in (misses_single, misses_meeting):
        share = 1 - len(misses) / total
        print(f"answered {share:.0%} (target {ANSWERED_TARGET:.0%}, floor {ANSWERED_FLOOR:.0%})")
        assert share >= ANSWERED_FLOOR, misses
    assert not repeats, repeats
