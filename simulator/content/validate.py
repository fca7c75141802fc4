"""Cross-file validation: every signal, principle, stage, disclosure and line a file names
exists, every fault has a client reaction, and what nothing uses is reported as a warning.

Single files are checked by the pydantic models while loading; this module checks how the
files fit together.
"""

from __future__ import annotations

from collections.abc import Iterable

from simulator.content.common import STAGES
from simulator.content.errors import ContentIssue
from simulator.content.library import Library
from simulator.content.rubric import Rubric, SignalPrinciple
from simulator.content.scenario import Condition, Scenario
from simulator.content.yaml_loader import FieldPath, LocatedDocument

MIN_DISTINCT_LINES = 40


def validate_library(library: Library, signals: Iterable[str]) -> list[ContentIssue]:
    """All issues: the loading errors plus the cross-file errors and warnings.

    ``signals`` is the detector's signal catalogue (``simulator.language.SIGNALS``); the
    caller passes it because content sits below the language layer.
    """
    catalogue = frozenset(signals)
    issues = list(library.issues)
    used_signals: set[str] = set()
    for rubric in library.rubrics.values():
        doc = library.documents[f"rubric:{rubric.id}"]
        issues += _check_rubric(rubric, doc, catalogue, used_signals)
    for scenario in library.scenarios.values():
        doc = library.documents[f"scenario:{scenario.id}"]
        issues += _check_scenario(scenario, doc, library, catalogue, used_signals)
    if library.rubrics:
        anchor = next(iter(library.documents.values()))
        for signal in sorted(catalogue - used_signals):
            issues.append(
                ContentIssue(anchor.path.parent, None, "", f"signal {signal!r} is used by no rubric or scenario", severity="warning")
            )
    used_rubrics = {scenario.rubric for scenario in library.scenarios.values()}
    for rubric in library.rubrics.values():
        if library.scenarios and rubric.id not in used_rubrics:
            doc = library.documents[f"rubric:{rubric.id}"]
            issues.append(doc.issue(("id",), f"no scenario uses rubric {rubric.id!r}", severity="warning"))
    return issues


def _unknown(doc: LocatedDocument, path: FieldPath, names: Iterable[str], catalogue: frozenset[str], used: set[str]) -> list[ContentIssue]:
    issues = []
    for index, name in enumerate(names):
        used.add(name)
        if name not in catalogue:
            issues.append(doc.issue((*path, index), f"unknown signal {name!r}; expected one of the signal catalogue"))
    return issues


def _check_rubric(rubric: Rubric, doc: LocatedDocument, catalogue: frozenset[str], used: set[str]) -> list[ContentIssue]:
    issues: list[ContentIssue] = []
    for i, edge in enumerate(rubric.flow):
        issues += _unknown(doc, ("flow", i, "signals"), edge.signals, catalogue, used)
        issues += _unknown(doc, ("flow", i, "unless"), edge.unless, catalogue, used)
    for i, principle in enumerate(rubric.principles):
        for field in ("signals", "requires", "unless"):
            names = getattr(principle, field, None)
            if names:
                issues += _unknown(doc, ("principles", i, field), names, catalogue, used)
    for i, session_principle in enumerate(rubric.session_principles):
        names = getattr(session_principle, "signals", None)
        if names:
            issues += _unknown(doc, ("session_principles", i, "signals"), names, catalogue, used)
    for stage in STAGES:
        if not any(p.core and stage in p.stages for p in rubric.principles):
            issues.append(doc.issue(("principles",), f"stage {stage!r} has no core principle", severity="warning"))
    return issues


def fault_signals(rubric: Rubric) -> dict[str, set[str]]:
    """Per stage, the signals that a negative signal principle treats as a fault."""
    faults: dict[str, set[str]] = {stage: set() for stage in STAGES}
    for principle in rubric.principles:
        if isinstance(principle, SignalPrinciple) and principle.polarity == "negative" and principle.audience == "all":
            for stage in principle.stages:
                faults[stage].update(principle.signals)
    return faults


def _check_condition(
    doc: LocatedDocument,
    path: FieldPath,
    condition: Condition,
    disclosures: set[str],
    catalogue: frozenset[str],
    used: set[str],
) -> list[ContentIssue]:
    issues = _unknown(doc, (*path, "signals_any"), condition.signals_any, catalogue, used)
    issues += _unknown(doc, (*path, "signals_none"), condition.signals_none, catalogue, used)
    for field in ("disclosed", "not_disclosed"):
        for index, name in enumerate(getattr(condition, field)):
            if name not in disclosures:
                issues.append(doc.issue((*path, field, index), f"unknown disclosure {name!r}; expected one of {sorted(disclosures)}"))
    if condition.min_trust is not None and condition.max_trust is not None and condition.min_trust > condition.max_trust:
        issues.append(doc.issue((*path, "min_trust"), "min_trust is above max_trust, so this can never happen"))
    return issues


def _check_scenario(
    scenario: Scenario, doc: LocatedDocument, library: Library, catalogue: frozenset[str], used: set[str]
) -> list[ContentIssue]:
    issues: list[ContentIssue] = []
    if doc.path.stem != scenario.id:
        issues.append(doc.issue(("id",), f"the id must match the file name {doc.path.stem!r}"))
    rubric = library.rubrics.get(scenario.rubric)
    if rubric is None:
        issues.append(doc.issue(("rubric",), f"unknown rubric {scenario.rubric!r}; expected one of {sorted(library.rubrics)}"))
    disclosures = {d.id for d in scenario.disclosures}
    for i, reaction in enumerate(scenario.reactions):
        issues += _check_condition(doc, ("reactions", i, "when"), reaction.when, disclosures, catalogue, used)
    for i, disclosure in enumerate(scenario.disclosures):
        issues += _check_condition(doc, ("disclosures", i, "when"), disclosure.when, disclosures, catalogue, used)
    for i, point in enumerate(scenario.key_points):
        if point.requires_disclosure and point.requires_disclosure not in disclosures:
            issues.append(
                doc.issue(("key_points", i, "requires_disclosure"), f"unknown disclosure {point.requires_disclosure!r}")
            )
    if scenario.disclosures and scenario.real_question is None:
        issues.append(doc.issue(("disclosures",), "no disclosure is marked real_question: true", severity="warning"))
    distinct = {line.text.strip() for line in scenario.all_lines()}
    if len(distinct) < MIN_DISTINCT_LINES:
        issues.append(
            doc.issue(("lines",), f"only {len(distinct)} distinct client lines; a full scenario has at least {MIN_DISTINCT_LINES}", severity="warning")
        )
    if rubric is not None:
        for stage, signals in fault_signals(rubric).items():
            for signal in sorted(signals):
                if not any(
                    signal in r.when.signals_any and (not r.when.stages or stage in r.when.stages) and r.trust < 0
                    for r in scenario.reactions
                ):
                    issues.append(
                        doc.issue(("reactions",), f"no reaction lowers trust for the fault {signal!r} in stage {stage!r}")
                    )
    return issues
