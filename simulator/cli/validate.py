"""``simulator validate [PATH ...]``: check content files and how they fit together."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from simulator.content.errors import ContentError, ContentIssue
from simulator.content.library import load_library, rubric_files, scenario_files
from simulator.content.validate import validate_library
from simulator.language import CATALOGUE
from simulator.content.yaml_loader import parse_yaml
from simulator.engine.fact_check import check_fact_sheets
from simulator.paths import rubrics_dir, scenarios_dir


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders (default: scenarios/ and rubrics/)")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument(
        "--overlaps", action="store_true", help="also warn about topics whose examples route to each other"
    )


def classify(paths: list[Path]) -> tuple[list[Path], list[Path], list[Path]]:
    """Split the given files into scenarios, rubrics and signal-rule files by their content."""
    files: list[Path] = []
    for path in paths:
        files += sorted(path.rglob("*.yaml")) if path.is_dir() else [path]
    scenarios: list[Path] = []
    rubrics: list[Path] = []
    signal_rules: list[Path] = []
    for file in files:
        if file.parent.name == "signals":
            signal_rules.append(file)
            continue
        try:
            data = parse_yaml(file).data
        except ContentError:
            scenarios.append(file)  # loading it again reports the located error
            continue
        keys = set(data) if isinstance(data, dict) else set()
        (rubrics if "principles" in keys or "flow" in keys else scenarios).append(file)
    return scenarios, rubrics, signal_rules


def run(args: argparse.Namespace) -> int:
    if args.paths:
        missing = [p for p in args.paths if not p.exists()]
        for path in missing:
            print(f"{path}: no such file or folder", file=sys.stderr)
        if missing:
            return 1
        scenarios, rubrics, signal_rules = classify(args.paths)
        if not rubrics:  # scenarios are checked against the installed rubrics
            rubrics = rubric_files(rubrics_dir())
    else:
        scenarios, rubrics = scenario_files(scenarios_dir()), rubric_files(rubrics_dir())
        signal_rules = sorted((rubrics_dir() / "signals").glob("*.yaml"))
    library = load_library(scenarios, rubrics)
    issues = validate_library(library, CATALOGUE)
    issues += check_fact_sheets(library, overlaps=args.overlaps)
    issues += check_signal_rules(signal_rules)
    errors = [i for i in issues if i.severity == "error"]
    warnings = [i for i in issues if i.severity != "error"]
    for issue in [*errors, *warnings]:
        print(issue.format(), file=sys.stderr if issue.severity == "error" else sys.stdout)
    checked = len(scenarios) + len(rubrics) + len(signal_rules)
    print(f"{checked} file(s) checked: {len(errors)} error(s), {len(warnings)} warning(s)")
    return 1 if errors or (args.strict and warnings) else 0


def check_signal_rules(paths: list[Path]) -> list[ContentIssue]:
    """Signal-rule files are validated by the language package's own loader."""
    if not paths:
        return []
    from simulator.language.detector import validate_rule_file

    issues: list[ContentIssue] = []
    for path in paths:
        issues += validate_rule_file(path)
    return issues
