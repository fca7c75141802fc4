"""Golden transcripts: scripted trainee replies per scenario with the outcomes they must give.

They are the scenario's acceptance tests (replayed by ``tests/scenarios``) and a worked
example for authors of what a good and a poor meeting look like.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from simulator.content.common import StrictModel
from simulator.content.yaml_loader import load_model
from simulator.paths import scenarios_dir


class TranscriptExpectation(StrictModel):
    """Named findings (principle ids) the replay must produce, and ones it must not."""

    findings: list[str] = Field(default_factory=list)
    absent_findings: list[str] = Field(default_factory=list)


class Transcript(StrictModel):
    replies: list[str] = Field(min_length=3)
    seed: int = 0
    expect: TranscriptExpectation = TranscriptExpectation()


class ScenarioTranscripts(StrictModel):
    """The three transcripts every scenario ships."""

    good: Transcript
    poor: Transcript
    skipped_guidance: Transcript


def transcripts_dir() -> Path:
    return scenarios_dir() / "transcripts"


def load_transcripts(scenario_id: str) -> ScenarioTranscripts:
    return load_model(transcripts_dir() / f"{scenario_id}.yaml", ScenarioTranscripts)
