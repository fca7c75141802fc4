"""Conformance on the labelled dev sets: per-signal P/R/F1 and the targets per language.

The table is attached to the assertion message (shown with or without ``-s`` when a
target is missed), printed (shown under ``-rA`` or ``-s``), and the F1 figures are
recorded as test properties (``--junitxml``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.language.evaluation import evaluate, read_examples

DATA = Path(__file__).parent.parent / "data" / "conformance"
MACRO_TARGET = 0.90
MICRO_TARGET = 0.92
# The *_extra sets were written fresh in rounds, each labelled before any measurement and
# then used to generalise the rules (first measurement, macro / micro: round 1 fi 0.825 /
# 0.801, en 0.893 / 0.869; round 2 fi 0.780 / 0.819, en 0.742 / 0.796; round 3 fi 0.782 /
# 0.821, en 0.820 / 0.840). They are no longer unseen; the floor only makes regressions show.
EXTRA_FLOOR = {"fi": (0.93, 0.93), "en": (0.93, 0.93)}  # (macro, micro)


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_dev_set_meets_targets(lang: str, record_property: pytest.RecordProperty) -> None:
    examples = read_examples(DATA / f"signals_{lang}_dev.jsonl")
    assert examples and all(e.lang == lang for e in examples)
    report = evaluate(examples)
    table = report.table()
    print(f"\n[{lang}] {len(examples)} replies\n{table}")
    record_property(f"{lang}_micro_f1", round(report.micro_f1, 4))
    record_property(f"{lang}_macro_f1", round(report.macro_f1, 4))
    assert report.macro_f1 >= MACRO_TARGET, f"{lang} macro-F1 below {MACRO_TARGET}\n{table}"
    assert report.micro_f1 >= MICRO_TARGET, f"{lang} micro-F1 below {MICRO_TARGET}\n{table}"


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_extra_set_keeps_floor(lang: str, record_property: pytest.RecordProperty) -> None:
    examples = read_examples(DATA / f"signals_{lang}_extra.jsonl")
    assert len(examples) >= 50 and all(e.lang == lang for e in examples)
    report = evaluate(examples)
    table = report.table()
    print(f"\n[{lang} extra] {len(examples)} replies\n{table}")
    record_property(f"{lang}_extra_micro_f1", round(report.micro_f1, 4))
    record_property(f"{lang}_extra_macro_f1", round(report.macro_f1, 4))
    macro_floor, micro_floor = EXTRA_FLOOR[lang]
    assert report.macro_f1 >= macro_floor, f"{lang} extra macro-F1 below {macro_floor}\n{table}"
    assert report.micro_f1 >= micro_floor, f"{lang} extra micro-F1 below {micro_floor}\n{table}"


def test_scoring_counts_per_signal() -> None:
    """The metric itself: one hit, one miss and one false alarm on a toy set."""
    from simulator.language.evaluation import Example, evaluate

    examples = [
        Example("a", "fi", "x", frozenset({"greeting", "thanks"})),
        Example("b", "fi", "y", frozenset()),
    ]
    guesses = {"a": {"greeting"}, "b": {"hurry"}}
    report = evaluate(examples, lambda e: guesses[e.id])
    assert (report.per_signal["greeting"].tp, report.per_signal["thanks"].fn, report.per_signal["hurry"].fp) == (1, 1, 1)
    assert report.per_signal["greeting"].f1 == 1.0
    assert report.per_signal["thanks"].f1 == 0.0
    assert report.micro_f1 == pytest.approx(0.5)
