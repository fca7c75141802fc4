"""``simulator detect --jsonl`` and ``simulator conformance``, per spec/signals.md."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.cli import main

DATA = Path(__file__).parent.parent / "data" / "conformance"


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict], str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines() if line.strip()], err


def test_detect_writes_one_line_per_input_in_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.jsonl"
    rows = [
        {"id": "a", "lang": "fi", "text": "Hei ja tervetuloa! Kerro vähän itsestäsi."},
        {"id": "b", "lang": "en", "text": "Thanks, see you on Monday.", "prev": "Bye.", "stage": "farewell"},
    ]
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    code, out, _ = _run(["detect", "--jsonl", str(source)], capsys)
    assert code == 0
    assert [r["id"] for r in out] == ["a", "b"]
    assert out[0]["signals"] == ["greeting", "open_question"]
    assert out[1]["signals"] == sorted(out[1]["signals"]) and "thanks" in out[1]["signals"]
    span = out[0]["spans"][0]
    assert rows[0]["text"][span["start"] : span["end"]] == span["match"]


def test_bad_lines_get_an_error_and_the_run_goes_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"id": "x", "lang": "fi", "text": "Kiitos!"}\n'
        "{not json\n"
        '{"id": "y", "lang": "sv", "text": "Hej"}\n'
        '{"id": "z", "lang": "en"}\n'
        '{"id": "w", "lang": "en", "text": "Thank you."}\n',
        encoding="utf-8",
    )
    code, out, _ = _run(["detect", "--jsonl", str(source)], capsys)
    assert code == 0
    assert [r.get("id") for r in out] == ["x", None, "y", "z", "w"]
    assert "error" in out[1] and "error" in out[2] and "error" in out[3]
    assert out[0]["signals"] == ["thanks"] and out[4]["signals"] == ["thanks"]


def test_missing_file_exits_non_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["detect", "--jsonl", str(tmp_path / "nope.jsonl")], capsys)
    assert code != 0 and out == [] and "cannot open" in err


def test_detect_reads_stdin_in_a_subprocess() -> None:
    line = json.dumps({"id": "s", "lang": "en", "text": "Hello, welcome!"})
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "detect", "--jsonl", "-"],
        input=line + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["signals"] == ["greeting"]


def test_conformance_prints_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["conformance", str(DATA / "signals_en_dev.jsonl")])
    out = capsys.readouterr().out
    assert code == 0
    assert "macro-F1" in out and "transition_signpost" in out


def test_model_only_spans_carry_focus_words_inside_the_quote(capsys: pytest.CaptureFixture[str]) -> None:
    """Replies from a writer the rules never saw: where the learned layer alone found a signal,
    the span quotes a sentence and ``focus`` points at words inside it."""
    source = Path(__file__).parent.parent / "data" / "training" / "w3_en.jsonl"
    code, out, _ = _run(["detect", "--jsonl", str(source)], capsys)
    texts = {row["id"]: row["text"] for row in map(json.loads, source.read_text(encoding="utf-8").splitlines())}
    focused = [(r["id"], s) for r in out for s in r["spans"] if "focus" in s]
    assert code == 0 and focused
    for ident, span in focused:
        assert texts[ident][span["start"] : span["end"]] == span["match"]
        assert all(span["start"] <= a < b <= span["end"] for a, b in span["focus"])


def test_conformance_rules_only_differs_from_the_layered_detector(capsys: pytest.CaptureFixture[str]) -> None:
    source = Path(__file__).parent.parent / "data" / "training" / "w4_en.jsonl"
    assert main(["conformance", str(source)]) == 0
    layered = capsys.readouterr().out
    assert main(["conformance", "--rules-only", str(source)]) == 0
    rules = capsys.readouterr().out
    assert "macro-F1" in layered and "macro-F1" in rules and layered != rules
