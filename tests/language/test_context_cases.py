"""Context rules, one test per case (tests/language/context_cases/{lang}.yaml).

Each class of rule has cases in both languages: negation scope, echoes of the client's
earlier words, quoted terms, persona words, threats, dismissals, closed checks, the
client's own recap, the signpost into answers, and the language of the reply. Ids read
like ``fi-negation-en-aio-olla-koneella``.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml

from simulator.language import MeetingContext, get_detector, language_marks, meeting_marks

CASES_DIR = Path(__file__).parent / "context_cases"
CLASSES = {
    "negation",
    "echo",
    "quotes",
    "persona_words",
    "threats",
    "dismissal",
    "closed_check",
    "client_recap",
    "advice_signpost",
    "language",
    "computer_while_telling",
}


def _slug(text: str, words: int = 5) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower())[:words]) or "no-words"


def _as_list(value: Any) -> list[str]:
    return [] if value is None else [value] if isinstance(value, str) else list(value)


def _cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for rule_class, entries in data.items():
            for index, case in enumerate(entries):
                case_id = f"{path.stem}-{rule_class}-{_slug(case['text'])}-{index}"
                params.append(pytest.param(path.stem, rule_class, case, id=case_id))
    return params


CASES = _cases()


def test_every_class_has_cases_in_both_languages() -> None:
    for lang in ("fi", "en"):
        covered = {param.values[1] for param in CASES if param.values[0] == lang}
        assert covered == CLASSES, f"{lang}: missing {sorted(CLASSES - covered)}"


@pytest.mark.parametrize(("lang", "rule_class", "case"), CASES)
def test_context_case(lang: str, rule_class: str, case: dict[str, Any]) -> None:
    context = MeetingContext.of(
        case.get("client", []), case.get("knows", []), case.get("unknown", []), case.get("speaks", [])
    )
    found = {hit.signal for hit in get_detector(lang).detect(case["text"], context=context, marks=True)}
    found |= set(language_marks(case["text"], lang, case.get("speaks", [])))
    found |= set(meeting_marks(found, context.last_client_line, lang))
    for name in _as_list(case.get("present")):
        assert name in found, f"{case['text']!r}: {name} missing from {sorted(found)}"
    for name in _as_list(case.get("absent")):
        assert name not in found, f"{case['text']!r}: {name} should be absent, got {sorted(found)}"


def test_detect_without_context_reports_no_marks() -> None:
    """`simulator detect` keeps the 27-signal contract: marks appear only when asked for."""
    hits = get_detector("fi").detect("Rauhoitu, muuten tuki katkeaa. Ymmärsitkö?")
    assert {"dismissal", "threat", "closed_check"}.isdisjoint({hit.signal for hit in hits})
