"""The detector: one language's rule file compiled once, then applied to replies."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from simulator.content.errors import ContentError
from simulator.content.yaml_loader import LocatedDocument, parse_yaml, validate_document
from simulator.language import english, finnish
from simulator.language.analysis import Analysis, analyse
from simulator.language.learned import model as learned
from simulator.language.kinds import (
    CombineEvaluator,
    Evaluator,
    Hit,
    JargonEvaluator,
    OverlapEvaluator,
    PhraseEvaluator,
    QuestionEvaluator,
    RegexEvaluator,
)
from simulator.language.patterns import Lexicon, PatternSet, compile_pattern
from simulator.language.rules import (
    CombineRule,
    JargonRule,
    OverlapRule,
    PhraseRule,
    QuestionRule,
    RegexRule,
    SignalRules,
)
from simulator.paths import rubrics_dir

SIGNALS: tuple[str, ...] = tuple(
    sorted(
        """greeting introduce_self session_frame service_explanation calm_pace hurry computer_focus
        open_question closed_question agenda_question reflection affirmation assumption advice
        information causal_explanation bad_news way_forward check_understanding visual_aid
        transition_signpost summary next_step homework encouragement thanks jargon""".split()
    )
)
LANGUAGES: tuple[str, ...] = ("fi", "en")
MAX_CHARS = 20_000  # longer input is cut: a chat reply is never this long


@dataclass(frozen=True)
class SignalHit:
    """A detected signal with its span in the original reply text."""

    signal: str
    start: int
    end: int
    match: str
    focus: tuple[tuple[int, int], ...] = ()  # only the learned layer fired: the words that weighed most


class Detector:
    """Signal rules of one language, compiled; :meth:`detect` is safe on any string."""

    def __init__(self, rules: SignalRules, document: LocatedDocument | None = None, learned: bool = False):
        self.lang = rules.lang
        self.learned = learned  # the learned layer was trained beside the shipped rules only
        self.lexicon = Lexicon(finnish.candidate_forms if rules.lang == "fi" else english.candidate_forms)
        self._classes = rules.classes
        self._document = document
        self._issues = []
        self.fillers = self._compile(rules.fillers, ("fillers",))
        self.evaluators: list[Evaluator] = []
        self.combiners: list[CombineEvaluator] = []
        for index, rule in enumerate(rules.rules):
            self._build(rule, index)
        if self._issues:
            raise ContentError(self._issues)

    def _compile(self, patterns: list[str], where: tuple[str | int, ...]) -> PatternSet:
        compiled = []
        for index, source in enumerate(patterns):
            try:
                compiled.append(compile_pattern(source, self.lexicon, self._classes))
            except KeyError as exc:
                message = f"unknown word class @{exc.args[0]} in {source!r}"
                if self._document is not None:
                    self._issues.append(self._document.issue((*where, index), message))
                else:
                    raise ValueError(message) from None
        return PatternSet(compiled)

    def _build(self, rule: object, index: int) -> None:
        def compile_(patterns: list[str], _i: int = index) -> PatternSet:
            return self._compile(patterns, ("rules", _i))

        if isinstance(rule, CombineRule):
            self.combiners.append(CombineEvaluator(rule))
        elif isinstance(rule, PhraseRule):
            self.evaluators.append(PhraseEvaluator(rule, compile_))
        elif isinstance(rule, QuestionRule):
            self.evaluators.append(QuestionEvaluator(rule, compile_, self.fillers))
        elif isinstance(rule, RegexRule):
            self.evaluators.append(RegexEvaluator(rule, compile_))
        elif isinstance(rule, OverlapRule):
            self.evaluators.append(OverlapEvaluator(rule, compile_))
        elif isinstance(rule, JargonRule):
            self.evaluators.append(JargonEvaluator(rule, compile_))

    def analyse(self, text: str) -> Analysis:
        return analyse(text, self.lang, self.lexicon, self.fillers)

    def raw_hits(self, text: str, prev: str | None = None, stage: str | None = None) -> list[Hit]:
        """Hits before de-duplication, with sentence indexes (for debugging rules)."""
        analysis = self.analyse(text)
        previous = self.analyse(prev[:MAX_CHARS]) if prev else None
        hits: list[Hit] = []
        for evaluator in self.evaluators:
            hits.extend(evaluator.hits(analysis, previous, stage))
        for combiner in self.combiners:
            hits = combiner.apply(hits)
        return hits

    def rule_hits(self, text: str, prev: str | None = None, stage: str | None = None) -> list[SignalHit]:
        """What the rules alone find (the learned layer's input), sorted by start."""
        text = text if isinstance(text, str) else str(text)
        text = text[:MAX_CHARS]
        prev = prev if isinstance(prev, str) or prev is None else str(prev)
        stage = stage if isinstance(stage, str) else None
        unique = {(h.signal, h.start, h.end) for h in self.raw_hits(text, prev, stage) if not h.signal.startswith("_")}
        return [SignalHit(s, a, b, text[a:b]) for s, a, b in sorted(unique, key=lambda x: (x[1], x[2], x[0]))]

    def detect(self, text: str, prev: str | None = None, stage: str | None = None) -> list[SignalHit]:
        """Signals in ``text`` (a trainee reply), sorted by start; ``prev`` is the client's line.

        ``stage`` lets rules with ``stages`` apply only there; unknown stage = every rule applies.
        Helper signals (names starting with ``_``) are not reported. With the shipped rules the
        learned layer (``learned/model.py``) then keeps, vetoes or adds signals.
        """
        hits = self.rule_hits(text, prev, stage)
        if not self.learned:
            return hits
        text = (text if isinstance(text, str) else str(text))[:MAX_CHARS]
        prev = prev if isinstance(prev, str) or prev is None else str(prev)
        spans = learned.apply(self.lang, text, prev, [(h.signal, h.start, h.end) for h in hits])
        return [SignalHit(s, a, b, text[a:b], focus) for s, a, b, focus in sorted(spans, key=lambda x: (x[1], x[2], x[0]))]

    def signals(self, text: str, prev: str | None = None, stage: str | None = None) -> list[str]:
        """The sorted names of the signals present."""
        return sorted({hit.signal for hit in self.detect(text, prev, stage)})


def rules_path(lang: str) -> Path:
    return rubrics_dir() / "signals" / f"{lang}.yaml"


def load_detector(path: Path, learned: bool = False) -> Detector:
    """Build a detector from a rule file; located :class:`ContentError` when it is invalid."""
    document = parse_yaml(path)
    rules = validate_document(document, SignalRules)
    return Detector(rules, document, learned=learned)


@functools.lru_cache(maxsize=None)
def get_detector(lang: str) -> Detector:
    """The detector for ``lang`` ("fi" or "en"), loaded once per process."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return load_detector(rules_path(lang), learned=True)


def detect(text: str, lang: str, prev: str | None = None, stage: str | None = None) -> list[SignalHit]:
    """Signals in one reply: the module-level shortcut to ``get_detector(lang).detect``."""
    return get_detector(lang).detect(text, prev, stage)
