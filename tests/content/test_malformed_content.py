"""Malformed scenario and rubric files are refused with file, line, field and a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simulator.cli import main
from simulator.content.errors import ContentError
from simulator.content.rubric import Rubric
from simulator.content.scenario import Scenario
from simulator.content.yaml_loader import load_model

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data" / "content"
BASES = {
    "scenario": (DATA / "scenarios" / "mini-client.yaml", Scenario),
    "rubric": (DATA / "rubrics" / "mini.yaml", Rubric),
}
CASES = yaml.safe_load((HERE / "malformed_cases.yaml").read_text(encoding="utf-8"))


def edited(case: dict) -> str:
    base_path, _ = BASES[case["base"]]
    if "whole" in case:
        return case["whole"]
    text = base_path.read_text(encoding="utf-8")
    old, new = case["replace"]
    assert text.count(old) == 1, f"the case must edit exactly one place: {old!r}"
    return text.replace(old, new)


def expected_line(text: str, needle: str) -> int:
    """The one line containing ``needle``; a trailing newline in it means the line ends there."""
    matches = [number for number, line in enumerate(text.splitlines(keepends=True), start=1) if needle in line]
    assert len(matches) == 1, f"{needle!r} must occur on exactly one line"
    return matches[0]


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_malformed_file_is_located(case: dict, tmp_path: Path) -> None:
    text = edited(case)
    path = tmp_path / f"{case['id']}.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        load_model(path, BASES[case["base"]][1])
    issues = raised.value.issues
    line = expected_line(text, case["line_of"])
    matching = [i for i in issues if case["message"] in i.message]
    assert matching, [i.format() for i in issues]
    issue = matching[0]
    assert issue.path == path
    assert issue.line == line, issue.format()
    assert issue.field == case["field"], issue.format()
    rendered = issue.format()
    assert rendered.startswith(f"{path}:{line}: ")
    assert "Traceback" not in rendered


def test_validate_command_reports_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = next(c for c in CASES if c["id"] == "scenario-age-as-text")
    text = edited(case)
    path = tmp_path / "mini-client.yaml"
    path.write_text(text, encoding="utf-8")
    code = main(["validate", str(path), str(DATA / "rubrics" / "mini.yaml")])
    err = capsys.readouterr().err
    assert code == 1
    assert f"{path}:{expected_line(text, 'age: thirty')}: persona.age:" in err
    assert "age: thirty" in err, "the offending line is shown"


def test_validate_command_accepts_valid_files(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", str(DATA / "scenarios" / "mini-client.yaml"), str(DATA / "rubrics" / "mini.yaml")])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "0 error(s)" in out.out
