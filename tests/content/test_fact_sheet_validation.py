"""``simulator validate`` on fact sheets: own examples must route home, names must exist."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli import main

DATA = Path(__file__).resolve().parent.parent / "data" / "content"
SCENARIO = DATA / "scenarios" / "mini-client.yaml"
RUBRIC = DATA / "rubrics" / "mini.yaml"


def validate(tmp_path: Path, old: str, new: str, *flags: str) -> tuple[int, str]:
    text = SCENARIO.read_text(encoding="utf-8")
    assert old in text, "the edit must apply to the test scenario"
    path = tmp_path / "mini-client.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    code = main(["validate", *flags, str(path), str(RUBRIC)])
    return code, path.name


def test_the_test_scenario_validates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(SCENARIO), str(RUBRIC)]) == 0, capsys.readouterr().err


def test_an_example_that_routes_to_another_topic_is_an_error(tmp_path, capsys) -> None:
    # the work topic gets an example that is word for word the origin topic's
    code, name = validate(tmp_path, "      - Mikä sinun ammatti on?\n", "      - Mistä olet kotoisin?\n")
    err = capsys.readouterr().err
    assert code == 1
    line = next(line for line in err.splitlines() if "topics.1.examples.2" in line)
    assert line.startswith(f"{tmp_path / name}:") and "'work'" in line and "origin" in line


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("when: {covered: [kp-daycare]}", "when: {covered: [kp-daycar]}", "when.covered.0", "unknown key point 'kp-daycar'"),
        ("when: {not_asked: [children]}", "when: {not_asked: [kids]}", "when.not_asked.0", "unknown topic 'kids'"),
        ("discloses: real-question", "discloses: real-questio", "discloses", "unknown disclosure 'real-questio'"),
        ('text: "Eli {day}. Selvä."', 'text: "Eli {weekday}. Selvä."', "text", "unknown slot(s) ['weekday']"),
    ],
    ids=["covered", "not_asked", "discloses", "slot"],
)
def test_memory_conditions_and_slots_name_what_exists(tmp_path, capsys, old, new, field, message) -> None:
    code, _ = validate(tmp_path, old, new)
    err = capsys.readouterr().err
    assert code == 1
    assert any(field in line and message in line for line in err.splitlines()), err


def test_overlapping_topics_are_warned_on_request(tmp_path, capsys) -> None:
    # each topic gets an example in the other's words, so held out they route to each other
    text = SCENARIO.read_text(encoding="utf-8")
    text = text.replace("      - Tarvitsetko lapsille hoitopaikan?\n",
                        "      - Tarvitsetko lapsille hoitopaikan?\n      - Montako lasta sinulla on hoidossa?\n")
    text = text.replace("      - Kerro lapsistasi.\n", "      - Kerro lapsistasi.\n      - Kuka hoitaa lapsiasi päivällä?\n")
    path = tmp_path / "mini-client.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path), str(RUBRIC)]) == 0
    assert "overlap" not in capsys.readouterr().out
    main(["validate", "--overlaps", str(path), str(RUBRIC)])
    warnings = [line for line in capsys.readouterr().out.splitlines() if "overlap" in line]
    assert len(warnings) == 1 and "'children' and 'daycare'" in warnings[0] and "warning" in warnings[0]
