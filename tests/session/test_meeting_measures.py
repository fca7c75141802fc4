"""Whole-meeting measures on the product content: a checklist cannot win, repetition and an
unreadable reply earn nothing and the client reacts, session principles come from acts.

The checklists (tests/data/gaming/{lang}-checklist.txt) are nine content-free lines stitched
from praised phrases; whatever the scenario, they must stay at or below 45.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.content.library import get_library
from simulator.session.simulation import Simulation

LIBRARY = get_library()
GAMING = Path(__file__).resolve().parent.parent / "data" / "gaming"
CHECKLIST_LIMIT = 45


def play(scenario_id: str, replies: list[str], seed: int = 0) -> Simulation:
    scenario = LIBRARY.scenario(scenario_id)
    simulation = Simulation.start(scenario, LIBRARY.rubric_for(scenario), seed=seed)
    for reply in replies:
        simulation.reply(reply)
    return simulation


def checklist(language: str) -> list[str]:
    path = GAMING / f"{language}-checklist.txt"
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("scenario_id", sorted(LIBRARY.scenarios))
def test_keyword_checklist_cannot_win(scenario_id: str) -> None:
    lines = checklist(LIBRARY.scenario(scenario_id).language)
    assert len(lines) == 9
    report = play(scenario_id, lines).end()
    assert report.overall <= CHECKLIST_LIMIT, report.model_dump(include={"overall", "stages", "substance"})
    assert not report.key_points_covered, "the checklist is content-free by construction"


@pytest.mark.parametrize(
    ("scenario_id", "line"),
    [
        ("fi-huono-uutinen", "Kuulostaa siltä, että tämä tilanne painaa sinua tosi paljon juuri nyt."),
        ("en-benefit-sanction", "It sounds like this situation is weighing on you a lot right now."),
    ],
)
def test_repeating_one_good_line_earns_nothing(scenario_id: str, line: str) -> None:
    simulation = play(scenario_id, [line] * 10)
    turns = simulation.state.turns
    assert all(f.polarity == "negative" for t in turns[1:] for f in t.findings)
    assert all("all.repetition" in {f.principle for f in t.findings} for t in turns[1:])
    assert all("repeated_reply" in t.reactions for t in turns[1:])
    assert turns[-1].trust_after < turns[0].trust_after, "the client notices the script"


def test_reply_in_a_language_the_client_lacks_gets_a_finding_and_a_reaction() -> None:
    simulation = play("fi-kiintiopakolainen", ["Hello and welcome! I'm Sam. How are you doing today?"])
    turn = simulation.state.turns[0]
    assert "all.wrong_language" in {f.principle for f in turn.findings}
    assert "wrong_language" in turn.reactions
    assert turn.trust_after < turn.trust_before


def test_reply_without_words_gets_a_finding() -> None:
    turn = play("en-young-bad-experience", ["👍"]).state.turns[0]
    assert "all.no_words" in {f.principle for f in turn.findings}
    assert "no_words" in turn.reactions


def test_same_praised_move_in_a_row_earns_less_trust() -> None:
    questions = [
        "Kerro, miten viime viikkosi meni?",
        "Kerro, millainen tavallinen aamusi on?",
        "Kerro, mitä teit ennen tätä?",
        "Kerro, mikä sinua ilahduttaa arjessa?",
    ]
    turns = play("fi-pitkaaikaistyoton", ["Hei, olen Antti. Meillä on puoli tuntia.", *questions]).state.turns
    gains = [t.trust_after - t.trust_before for t in turns[1:]]
    assert gains[-1] < max(gains) or gains[-1] <= 0, gains


def test_recap_and_dated_step_count_whatever_the_stage_label() -> None:
    """A recap and a dated next step at the end of the meeting keep the farewell close and
    the "I know what happens next" outcome, even if the machine never said "farewell"."""
    simulation = play(
        "fi-huono-uutinen",
        [
            "Hei, olen Sanna. Meillä on puoli tuntia aikaa.",
            "Kerro, mikä sinut tänne tuo?",
            "Kerrataan: puhuimme vuokrasta ja odotusajasta, ja tapaamme torstaina kello 10.",
        ],
    )
    report = simulation.end()
    close = {f.principle: f.polarity for f in report.session_findings}
    assert close["session.farewell_close"] == "positive"
    assert {o.key: o.met for o in report.outcomes}["next_step"] is True


def test_skipped_stage_is_never_praised_as_order_or_strength() -> None:
    simulation = play(
        "en-refugee-first-visit",
        [
            "Hi, I'm Sam, welcome.",
            "You should apply for the language course. The course is free and starts in March.",
            "To sum up: the course starts next month, and we meet again on Tuesday at 10.",
        ],
    )
    report = simulation.end()
    assert "guidance" in report.skipped and "guidance" not in report.visited
    findings = {f.principle: f.polarity for f in report.session_findings}
    assert findings["session.stage_order"] == "negative"
    session_ids = {p.id for p in LIBRARY.rubrics["kohtaava"].session_principles}
    assert not session_ids & {s.principle for s in report.strengths}


def test_client_first_and_real_question_come_from_acts() -> None:
    lecture = play(
        "fi-kiintiopakolainen",
        ["Hei. Suomen kurssi alkaa ensi kuussa ja se on ilmainen. Sinun pitää hakea sinne heti."],
    ).end()
    findings = {f.principle: f.polarity for f in lecture.session_findings}
    assert findings["session.client_first"] == "negative"
    assert findings["session.real_question"] == "negative"
    assert lecture.substance is not None and lecture.substance < 50
