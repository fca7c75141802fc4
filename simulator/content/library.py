"""Loading every scenario and rubric once; the running app and the CLI share one library."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from simulator.content.errors import ContentError, ContentIssue
from simulator.content.rubric import Rubric
from simulator.content.scenario import Scenario
from simulator.content.yaml_loader import LocatedDocument, parse_yaml, validate_document
from simulator.paths import rubrics_dir, scenarios_dir

M = TypeVar("M", bound=BaseModel)


@dataclass
class Library:
    """The valid content, plus the issues of files that could not be loaded."""

    scenarios: dict[str, Scenario] = field(default_factory=dict)
    rubrics: dict[str, Rubric] = field(default_factory=dict)
    issues: list[ContentIssue] = field(default_factory=list)
    documents: dict[str, LocatedDocument] = field(default_factory=dict)

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


def load_library(
    scenario_paths: Iterable[Path] | None = None, rubric_paths: Iterable[Path] | None = None
) -> Library:
    """Load everything that is valid; invalid files become issues, never a crash.

    Without paths, the files under ``scenarios/`` and ``rubrics/`` are loaded.
    """
    library = Library()
    for path in rubric_paths if rubric_paths is not None else rubric_files(rubrics_dir()):
        loaded = _load(library, Path(path), Rubric)
        if loaded is not None:
            _add(library, "rubric", loaded, library.rubrics)
    for path in scenario_paths if scenario_paths is not None else scenario_files(scenarios_dir()):
        scenario = _load(library, Path(path), Scenario)
        if scenario is not None:
            _add(library, "scenario", scenario, library.scenarios)
    return library


def _load(library: Library, path: Path, model: type[M]) -> tuple[M, LocatedDocument] | None:
    """One file's model, or ``None`` with its issues recorded: one bad file never stops the rest."""
    try:
        doc = parse_yaml(path)
        return validate_document(doc, model), doc
    except ContentError as exc:
        library.issues.extend(exc.issues)
    except Exception as exc:  # noqa: BLE001 - any failure of one file is that file's issue, not the app's
        library.issues.append(unexpected_issue(path, exc))
    return None


def unexpected_issue(path: Path, exc: BaseException) -> ContentIssue:
    """A located issue for an error the loader did not foresee (RecursionError, MemoryError...)."""
    return ContentIssue(path, None, "", f"could not be loaded ({type(exc).__name__}: {str(exc)[:200]})")


def _add(library: Library, kind: str, loaded: tuple[Any, LocatedDocument], into: dict[str, Any]) -> None:
    item, doc = loaded
    if item.id in into:
        library.issues.append(doc.issue(("id",), f"{kind} id {item.id!r} is used twice"))
        return
    into[item.id] = item
    library.documents[f"{kind}:{item.id}"] = doc


@lru_cache(maxsize=1)
def get_library() -> Library:
    """The process-wide library (content does not change while the app runs)."""
    return load_library()
