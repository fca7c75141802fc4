"""The shipped content: every file valid and cross-checked, the library as large as promised."""

from __future__ import annotations

from collections import Counter

import pytest

from simulator.cli import main
from simulator.content.library import get_library
from simulator.content.transcript import load_transcripts, transcripts_dir
from simulator.content.validate import MIN_DISTINCT_LINES, validate_library
from simulator.language import CATALOGUE

LIBRARY = get_library()


def test_all_content_is_valid_without_warnings() -> None:
    issues = validate_library(LIBRARY, CATALOGUE)
    assert not issues, "\n".join(issue.format() for issue in issues)


def test_validate_command_passes_on_the_shipped_content(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--strict"]) == 0, capsys.readouterr().err


def test_at_least_eight_finnish_and_four_english_scenarios() -> None:
    languages = Counter(scenario.language for scenario in LIBRARY.scenarios.values())
    assert languages["fi"] >= 8 and languages["en"] >= 4, languages


@pytest.mark.parametrize("scenario_id", sorted(LIBRARY.scenarios))
def test_scenario_is_rich_enough(scenario_id: str) -> None:
    scenario = LIBRARY.scenario(scenario_id)
    distinct = {line.text.strip() for line in scenario.all_lines()}
    assert len(distinct) >= MIN_DISTINCT_LINES
    assert scenario.real_question is not None, "the client's real question must be a disclosure"
    assert any(point.requires_disclosure for point in scenario.key_points)
    assert sum(1 for line in scenario.all_lines() if line.thought) >= 10, "inner thoughts carry the debrief"


def test_every_scenario_ships_its_golden_transcripts() -> None:
    shipped = {path.stem for path in transcripts_dir().glob("*.yaml")}
    assert shipped == set(LIBRARY.scenarios)
    for scenario_id in LIBRARY.scenarios:
        load_transcripts(scenario_id)  # raises a located ContentError when malformed


def test_every_topic_has_a_clarify_phrase_and_every_real_question_heard_lines() -> None:
    """The client asks "this or that?" in its own words, and shows it felt heard."""
    for scenario in LIBRARY.scenarios.values():
        assert all(topic.clarify_as for topic in scenario.topics), scenario.id
        assert all(d.heard for d in scenario.disclosures if d.real_question), scenario.id
