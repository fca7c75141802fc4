"""Per-signal pass/fail cases (tests/language/cases/{lang}.yaml), one test per reply.

They test the rules (``Detector.rule_hits``): the learned layer beside them is measured on
the labelled sets instead (tests/language/test_conformance.py, bench/detection_crosswriter.py),
and how often it overrides these cases is reported in docs/detection.md.

Ids read like ``fi-open_question-pass-kerro-vahan-itsestasi`` so a failure names the rule
and the sentence.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml

from simulator.language import SIGNALS, get_detector

CASES_DIR = Path(__file__).parent / "cases"


def _slug(text: str, words: int = 4) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower())[:words]) or "empty"


def _cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        lang = path.stem
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for signal, groups in data.items():
            for outcome in ("pass", "fail"):
                for entry in groups.get(outcome, []):
                    case = entry if isinstance(entry, dict) else {"text": entry}
                    case_id = f"{lang}-{signal}-{outcome}-{_slug(case['text'])}"
                    params.append(pytest.param(lang, signal, outcome == "pass", case, id=case_id))
    return params


CASES = _cases()


def test_cases_cover_every_signal() -> None:
    for lang in ("fi", "en"):
        covered = {param.values[1] for param in CASES if param.values[0] == lang}
        assert covered == set(SIGNALS), f"{lang}: no cases for {sorted(set(SIGNALS) - covered)}"


@pytest.mark.parametrize(("lang", "signal", "expected", "case"), CASES)
def test_rule_case(lang: str, signal: str, expected: bool, case: dict[str, str]) -> None:
    hits = get_detector(lang).rule_hits(case["text"], case.get("prev"), case.get("stage"))
    found = sorted({hit.signal for hit in hits})
    assert (signal in found) == expected, f"{case['text']!r} -> {found}"
