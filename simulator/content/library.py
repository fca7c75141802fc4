"""Loading every scenario and rubric once; the running app and the CLI share one library."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from simulator.content.errors import ContentError, ContentIssue
from simulator.content.rubric import Rubric
from simulator.content.scenario import Scenario
from simulator.content.yaml_loader import load_model, register_union_tags
from simulator.paths import rubrics_dir, scenarios_dir

register_union_tags(
    "signal", "plain_language", "length", "streak",
    "stage_order", "stages_visited", "stage_time", "talk_ratio", "key_points", "farewell_close",
)


@dataclass
class Library:
    """The valid content, plus the issues of files that could not be loaded."""

    scenarios: dict[str, Scenario] = field(default_factory=dict)
    rubrics: dict[str, Rubric] = field(default_factory=dict)
    issues: list[ContentIssue] = field(default_factory=list)
    sources: dict[str, Path] = field(default_factory=dict)

    def scenario(self, scenario_id: str) -> Scenario:
        try:
            return self.scenarios[scenario_id]
        except KeyError:
            raise KeyError(f"no scenario {scenario_id!r}") from None

    def rubric_for(self, scenario: Scenario) -> Rubric:
        try:
            return self.rubrics[scenario.rubric]
        except KeyError:
            raise KeyError(f"scenario {scenario.id!r} names rubric {scenario.rubric!r}, which is not loaded") from None


def rubric_files(root: Path) -> list[Path]:
    """Rubric files: YAML directly under ``rubrics/`` (signal rules live in ``rubrics/signals/``)."""
    return sorted(p for p in root.glob("*.yaml") if p.is_file())


def scenario_files(root: Path) -> list[Path]:
    return sorted(p for p in root.glob("*.yaml") if p.is_file())


def load_library(scenario_root: Path | None = None, rubric_root: Path | None = None) -> Library:
    """Load everything that is valid; invalid files become issues, never a crash."""
    library = Library()
    for path in rubric_files(rubric_root or rubrics_dir()):
        try:
            rubric = load_model(path, Rubric)
        except ContentError as exc:
            library.issues.extend(exc.issues)
            continue
        library.rubrics[rubric.id] = rubric
        library.sources[f"rubric:{rubric.id}"] = path
    for path in scenario_files(scenario_root or scenarios_dir()):
        try:
            scenario = load_model(path, Scenario)
        except ContentError as exc:
            library.issues.extend(exc.issues)
            continue
        if scenario.id in library.scenarios:
            library.issues.append(ContentIssue(path, 1, "id", f"scenario id {scenario.id!r} is used twice"))
            continue
        library.scenarios[scenario.id] = scenario
        library.sources[f"scenario:{scenario.id}"] = path
    return library


@lru_cache(maxsize=1)
def get_library() -> Library:
    """The process-wide library (content does not change while the app runs)."""
    return load_library()
