"""Scoring the detector against labelled replies: per-signal P/R/F1, micro and macro F1.

Shared by ``simulator conformance`` and the conformance tests so both report the same
figures.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from simulator.language.detector import SIGNALS, get_detector


@dataclass(frozen=True)
class Example:
    """One labelled reply."""

    id: str
    lang: str
    text: str
    signals: frozenset[str]
    prev: str | None = None
    stage: str | None = None


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        if self.tp == 0:
            return 1.0 if self.fp == 0 and self.fn == 0 else 0.0
        return 2 * self.precision * self.recall / (self.precision + self.recall)


@dataclass
class Report:
    """Counts per signal plus the examples that went wrong."""

    per_signal: dict[str, Counts] = field(default_factory=lambda: {s: Counts() for s in SIGNALS})
    errors: list[tuple[Example, frozenset[str]]] = field(default_factory=list)

    @property
    def micro_f1(self) -> float:
        total = Counts(
            tp=sum(c.tp for c in self.per_signal.values()),
            fp=sum(c.fp for c in self.per_signal.values()),
            fn=sum(c.fn for c in self.per_signal.values()),
        )
        return total.f1

    @property
    def macro_f1(self) -> float:
        return sum(c.f1 for c in self.per_signal.values()) / len(self.per_signal)

    def add(self, example: Example, predicted: frozenset[str]) -> None:
        for signal in SIGNALS:
            gold, guess = signal in example.signals, signal in predicted
            counts = self.per_signal[signal]
            counts.tp += gold and guess
            counts.fp += guess and not gold
            counts.fn += gold and not guess
        if predicted & set(SIGNALS) != example.signals & set(SIGNALS):
            self.errors.append((example, predicted))

    def table(self) -> str:
        """A fixed-width table: one row per signal, then micro and macro F1."""
        lines = [f"{'signal':<22} {'P':>5} {'R':>5} {'F1':>5} {'tp':>4} {'fp':>4} {'fn':>4}"]
        for signal, c in self.per_signal.items():
            lines.append(
                f"{signal:<22} {c.precision:5.2f} {c.recall:5.2f} {c.f1:5.2f} {c.tp:4d} {c.fp:4d} {c.fn:4d}"
            )
        lines.append(f"micro-F1 {self.micro_f1:.3f}   macro-F1 {self.macro_f1:.3f}")
        return "\n".join(lines)


def read_examples(path: Path) -> list[Example]:
    """Labelled examples from a JSON-lines file (``id, lang, text, signals, prev?, stage?``)."""
    examples = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            examples.append(
                Example(
                    id=row["id"],
                    lang=row["lang"],
                    text=row["text"],
                    signals=frozenset(row.get("signals", ())),
                    prev=row.get("prev"),
                    stage=row.get("stage"),
                )
            )
    return examples


Predict = Callable[[Example], Iterable[str]]


def _default_predict(example: Example) -> Iterable[str]:
    return get_detector(example.lang).signals(example.text, example.prev, example.stage)


def evaluate(examples: Iterable[Example], predict: Predict = _default_predict) -> Report:
    """Run the detector (or ``predict``) over labelled examples and count."""
    report = Report()
    for example in examples:
        report.add(example, frozenset(predict(example)))
    return report
