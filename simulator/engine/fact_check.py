"""``simulator validate`` for fact sheets: every example must route to its own topic.

Like Rasa's NLU test stories: an author's own example question that the matcher sends to
another topic (or finds too close to call) is an error, because a trainee asking it would
get the wrong answer. Each example is also routed with itself left out; when it then
lands on another topic, the two topics overlap and the pair is reported as a warning
(authors add distinguishing words or merge the topics). Key-point examples are checked
the same way against the key points.

This lives in the engine, beside the matcher it tests; the content layer below must not
import it.
"""

from __future__ import annotations

from simulator.content.errors import ContentIssue
from simulator.content.library import Library
from simulator.content.scenario import Scenario
from simulator.content.yaml_loader import FieldPath, LocatedDocument
from simulator.engine.intent import decide, key_point_index, topic_index
from simulator.engine.matcher import IntentIndex, Match, Unit, types_of, units_of, words_of
from simulator.engine.key_points import MEANING_THRESHOLD
from simulator.language.text import tokenise


def check_fact_sheets(library: Library, *, overlaps: bool = False) -> list[ContentIssue]:
    """Routing errors of every loaded scenario; with ``overlaps``, also the overlap warnings
    (asked for while writing a fact sheet: ``simulator validate --overlaps``)."""
    issues: list[ContentIssue] = []
    for scenario in library.scenarios.values():
        doc = library.documents.get(f"scenario:{scenario.id}")
        if doc is not None:
            found = check_fact_sheet(scenario, doc)
            issues += found if overlaps else [issue for issue in found if issue.severity == "error"]
    return issues


def _units(index: IntentIndex, text: str) -> list[Unit]:
    return units_of(words_of(tokenise(text), index.language), index.language)


def _types(index: IntentIndex, text: str) -> frozenset[str]:
    return types_of(words_of(tokenise(text), index.language), index.language)


def check_fact_sheet(scenario: Scenario, doc: LocatedDocument) -> list[ContentIssue]:
    issues: list[ContentIssue] = []
    index = topic_index(scenario)
    if index is not None:
        issues += _check_items(doc, index, "topics", [topic.examples for topic in scenario.topics], threshold=None)
    points = key_point_index(scenario)
    if points is not None:
        examples = [point.examples for point in scenario.key_points if point.examples]
        issues += _check_items(doc, points, "key_points", examples, threshold=MEANING_THRESHOLD, scenario=scenario)
    return issues


def _check_items(
    doc: LocatedDocument,
    index: IntentIndex,
    section: str,
    examples_per_item: list[list[str]],
    threshold: float | None,
    scenario: Scenario | None = None,
) -> list[ContentIssue]:
    issues: list[ContentIssue] = []
    overlaps: dict[tuple[str, str], tuple[FieldPath, str]] = {}  # (item, other) -> first path, example
    example_no = 0
    positions = _positions(section, scenario)
    for item_no, examples in enumerate(examples_per_item):
        item = index.items[item_no]
        for number, example in enumerate(examples):
            units = _units(index, example)
            types = _types(index, example) if section == "topics" else frozenset()
            path: FieldPath = (section, positions[item_no], "examples", number)
            matches = index.score_units(units, types=types)
            winner, close, _ = decide(matches) if threshold is None else _top(matches, threshold)
            if winner != item:
                what = f"routes to {winner!r}" if winner else (
                    f"is too close to call between {', '.join(close)}" if close else "matches nothing well enough"
                )
                issues.append(doc.issue(path, f"the example {example!r} of {item!r} {what}"))
            held_out = index.score_units(units, exclude=example_no, types=types)
            other, _, _ = decide(held_out) if threshold is None else _top(held_out, threshold)
            if other is not None and other != item and (item, other) not in overlaps:
                overlaps[(item, other)] = (path, example)
            example_no += 1
    for (item, other), (path, example) in overlaps.items():
        if (other, item) in overlaps and item < other:  # each mutual pair once
            issues.append(
                doc.issue(
                    path,
                    f"topics {item!r} and {other!r} overlap: held out, {example!r} routes to {other!r} "
                    f"and {overlaps[(other, item)][1]!r} to {item!r}; give each its own words",
                    severity="warning",
                )
            )
    return issues


def _top(matches: list[Match], threshold: float) -> tuple[str | None, tuple[str, ...], float]:
    """Like :func:`decide` without the lead over the runner-up: key points may share words."""
    if matches and matches[0].score >= threshold:
        return matches[0].item, (), matches[0].score
    return None, (), matches[0].score if matches else 0.0


def _positions(section: str, scenario: Scenario | None) -> list[int]:
    """Index in the file of each indexed item (key points without examples are skipped)."""
    if section == "key_points" and scenario is not None:
        return [number for number, point in enumerate(scenario.key_points) if point.examples]
    return list(range(10_000))
