"""Catastrophic regular expressions in signal rules are refused when the rules are loaded."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import yaml

from simulator.cli import main
from simulator.language.regex_safety import UnsafeRegex, check_regex
from simulator.language.detector import validate_rule_file
from simulator.language.rules import RegexRule
from simulator.paths import rubrics_dir

CASES = yaml.safe_load((Path(__file__).parent / "data" / "regex_safety.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES["unsafe"], ids=[c["id"] for c in CASES["unsafe"]])
def test_unsafe_regex_is_refused(case: dict) -> None:
    with pytest.raises(UnsafeRegex):
        check_regex(case["regex"])


@pytest.mark.parametrize("case", CASES["safe"], ids=[c["id"] for c in CASES["safe"]])
def test_safe_regex_is_accepted(case: dict) -> None:
    check_regex(case["regex"])


def test_every_shipped_regex_passes_the_check() -> None:
    for path in sorted((rubrics_dir() / "signals").glob("*.yaml")):
        assert validate_rule_file(path) == [], path


def test_the_refused_shape_really_is_catastrophic() -> None:
    """The reason for the check: the probe's pattern needs seconds on 24 characters."""
    pattern = re.compile(r"(a+)+$")
    started = time.perf_counter()
    pattern.search("a" * 22 + "!")
    assert time.perf_counter() - started > 0.1  # doubles with every character more
    with pytest.raises(UnsafeRegex):
        check_regex(pattern.pattern)


def test_rule_model_names_the_unsafe_regex() -> None:
    with pytest.raises(ValueError, match="unsafe regular expression"):
        RegexRule.model_validate({"signal": "greeting", "kind": "pattern", "regex": ["(a+)+$"]})


def test_validate_refuses_a_rule_file_with_a_catastrophic_regex(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    signals = tmp_path / "signals"
    signals.mkdir()
    text = (rubrics_dir() / "signals" / "en.yaml").read_text(encoding="utf-8")
    bad = text.replace('regex: ["\\\\b(?:on the )?', 'regex: ["(?:\\\\w+\\\\s?)*$", "\\\\b(?:on the )?', 1)
    assert bad != text, "the edit must apply to the shipped file"
    path = signals / "en.yaml"
    path.write_text(bad, encoding="utf-8")
    started = time.perf_counter()
    code = main(["validate", str(path)])
    err = capsys.readouterr().err
    assert code == 1
    assert "unsafe regular expression" in err and f"{path}:" in err
    assert time.perf_counter() - started < 30  # refused statically, never run
