"""Negation scope for fault signals: "En aio olla koneella" is no computer focus.

Evaluated after the rules and before the combine rules (see :mod:`detector`).
"""

from __future__ import annotations

from simulator.language.analysis import Analysis
from simulator.language.kinds import Compile, Hit
from simulator.language.rules import NegationRule


class NegationEvaluator:
    """Drops hits of a fault signal that a negator before them, in the same clause, denies."""

    def __init__(self, rule: NegationRule, compile_: Compile):
        self.signal = rule.signal
        self.negators = compile_(rule.negators)
        self.window = rule.window

    def apply(self, analysis: Analysis, hits: list[Hit]) -> list[Hit]:
        return [hit for hit in hits if hit.signal != self.signal or not self._negated(analysis, hit)]

    def denies(self, analysis: Analysis, hit: Hit) -> bool:
        """Whether a negator anywhere earlier in the hit's sentence denies it.

        Looser than the rules' clause test, for the learned layer's hits: its evidence sits in
        the complement clause too ("En halua olettaa, että nuoret ..." / "I don't want to
        assume that young people ...").
        """
        return hit.signal == self.signal and self._negated(analysis, hit, whole_sentence=True)

    def _negated(self, analysis: Analysis, hit: Hit, whole_sentence: bool = False) -> bool:
        tokens = analysis.tokens
        first = next((i for i, t in enumerate(tokens) if t.start >= hit.start), None)
        if first is None:
            return False
        sentence = analysis.sentences[hit.sentence] if hit.sentence < len(analysis.sentences) else None
        start = sentence.first if sentence is not None else 0
        clause = tokens[first].clause
        lowest = start if whole_sentence else max(start, first - self.window)
        for position in range(lowest, first):
            if tokens[position].clause != clause and not whole_sentence:
                continue
            if self.negators.matches_at(analysis.atoms, position, first) >= 0:
                return True
        return False
