"""Content files built to take the app down are refused as located issues of that file only.

Each case reproduces a finding of issue 11: a YAML alias bomb (363 bytes that grew past
3 GB), a file nested 500 levels deep (RecursionError at start-up) and an oversized file.
The library must load the other files and report the hostile one as ``FILE: message``.
"""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.content.library import load_library
from simulator.content.errors import ContentError
from simulator.content.yaml_loader import MAX_FILE_BYTES, parse_yaml

DATA = Path(__file__).resolve().parent.parent / "data" / "content"
GOOD_SCENARIO = DATA / "scenarios" / "mini-client.yaml"
RUBRIC = DATA / "rubrics" / "mini.yaml"

# The classic "billion laughs": nine levels, each referencing the previous one nine times.
ALIAS_BOMB = "\n".join(
    ["id: bomb", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{n}: &{n} [{','.join('*' + p for _ in range(9))}]" for p, n in zip("abcdefgh", "bcdefghi")]
) + "\n"


def _deep_block(levels: int) -> str:
    return "id: deep\n" + "".join(f"{'  ' * i}k{i}:\n" for i in range(levels)) + f"{'  ' * levels}leaf\n"


HOSTILE = {
    "alias-bomb": (ALIAS_BOMB, "aliases expand this file to more than"),
    "deep-block-500": (_deep_block(500), "nested more than"),
    "deep-flow-500": ("id: deep\nx: " + "[" * 500 + "]" * 500 + "\n", "nested more than"),
    "deep-through-aliases": (
        "id: deep\n" + "".join(f"l{i}: &l{i} [{'*l' + str(i - 1) if i else 'x'}]\n" for i in range(60)),
        "aliases expand this file to more than 40 levels deep",
    ),
}


def test_alias_bomb_is_small() -> None:
    assert len(ALIAS_BOMB.encode()) < 400  # the probe's bomb was 363 bytes


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_file_is_refused_quickly_and_small(name: str, tmp_path: Path) -> None:
    """Issue 11: refused within 2 s and 100 MB (the probe's bomb grew past 3 GB in 39 s).

    Only the hostile file is measured, so the figure does not depend on how long the
    valid content next to it takes on a busy machine.
    """
    text, message = HOSTILE[name]
    hostile = tmp_path / f"{name}.yaml"
    hostile.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(ContentError) as refused:
        parse_yaml(hostile)
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    try:
        with pytest.raises(ContentError):
            parse_yaml(hostile)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert message in refused.value.issues[0].message
    assert elapsed < 2.0, elapsed
    assert peak < 100 * 2**20, peak


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_file_is_one_located_issue_and_the_rest_loads(name: str, tmp_path: Path) -> None:
    text, message = HOSTILE[name]
    hostile = tmp_path / f"{name}.yaml"
    hostile.write_text(text, encoding="utf-8")
    library = load_library([hostile, GOOD_SCENARIO], [RUBRIC])
    assert "mini-client" in library.scenarios, "the other files are served"
    mine = [issue for issue in library.issues if issue.path == hostile]
    assert mine and message in mine[0].message, [i.format() for i in library.issues]
    assert mine[0].line is not None, "the refusal points at a line"
    assert all(issue.path == hostile for issue in library.issues)


def test_oversized_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("id: big\nnote: '" + "x" * MAX_FILE_BYTES + "'\n", encoding="utf-8")
    library = load_library([big, GOOD_SCENARIO], [RUBRIC])
    assert "mini-client" in library.scenarios
    assert [i.message for i in library.issues if i.path == big] == [
        f"the file is larger than {MAX_FILE_BYTES:,} bytes; split it"
    ]


def test_validate_reports_the_bomb_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(ALIAS_BOMB, encoding="utf-8")
    code = main(["validate", str(bomb), str(RUBRIC)])
    err = capsys.readouterr().err
    assert code == 1
    assert f"{bomb}:" in err and "aliases expand this file" in err
    assert "Traceback" not in err


def test_shipped_content_still_loads() -> None:
    library = load_library()  # and the test rubric's repeated feedback aliases stay allowed
    assert "mini" in load_library([], [RUBRIC]).rubrics
    assert library.scenarios and library.rubrics
    assert [i for i in library.issues if i.severity == "error"] == []
