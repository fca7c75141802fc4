"""The detector: one language's rule file compiled once, then applied to replies."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from simulator.content.errors import ContentError, ContentIssue
from simulator.content.yaml_loader import LocatedDocument, parse_yaml, validate_document
from simulator.language import english, finnish
from simulator.language.analysis import Analysis, analyse
from simulator.language.context import ECHO_SIGNALS, RULE_MARKS, MeetingContext, apply_context
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
from simulator.language.negation import NegationEvaluator
from simulator.language.patterns import Lexicon, PatternSet, compile_pattern
from simulator.language.rules import (
    CombineRule,
    JargonRule,
    NegationRule,
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
        self._issues: list[ContentIssue] = []
        self.fillers = self._compile(rules.fillers, ("fillers",))
        self.evaluators: list[Evaluator] = []
        self.combiners: list[CombineEvaluator] = []
        self.negations: list[NegationEvaluator] = []
        self._lines: dict[str, Analysis] = {}
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
        elif isinstance(rule, NegationRule):
            self.negations.append(NegationEvaluator(rule, compile_))
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

    def raw_hits(
        self, text: str, prev: str | None = None, stage: str | None = None, context: MeetingContext | None = None
    ) -> list[Hit]:
        """Hits before de-duplication, with sentence indexes (for debugging rules).

        Negation scope and the meeting ``context`` (echoes, persona words) act before the
        combine rules, so those see the signals the reply really shows.
        """
        analysis = self.analyse(text)
        previous = self.analyse(prev[:MAX_CHARS]) if prev else None
        if context is not None and len(context.client_lines) > 1:
            lines = context.client_lines[:-1]
            analysis.earlier = lambda: [self._analysed_line(line) for line in lines]
        hits: list[Hit] = []
        for evaluator in self.evaluators:
            hits.extend(evaluator.hits(analysis, previous, stage))
        for negation in self.negations:
            hits = negation.apply(analysis, hits)
        hits = apply_context(analysis, hits, context, self._explained)
        for combiner in self.combiners:
            hits = combiner.apply(hits)
        return hits

    def _analysed_line(self, line: str) -> Analysis:
        """A client line analysed once per detector (a meeting re-reads its earlier lines every turn)."""
        cached = self._lines.get(line)
        if cached is None:
            if len(self._lines) >= 2048:
                self._lines.clear()
            cached = self._lines[line] = self.analyse(line[:MAX_CHARS])
        return cached

    def _explained(self, analysis: Analysis, first: int, end: int, stop: int) -> bool:
        """Whether a term at tokens ``first:end`` is explained right there (the jargon rules' test)."""
        return any(
            e._explained(analysis, first, end, stop) for e in self.evaluators if isinstance(e, JargonEvaluator)
        )

    def rule_hits(
        self,
        text: str,
        prev: str | None = None,
        stage: str | None = None,
        context: MeetingContext | None = None,
        marks: bool = False,
    ) -> list[SignalHit]:
        """What the rules alone find (the learned layer's input), sorted by start.

        ``stage`` lets rules with ``stages`` apply only there; unknown stage = every rule applies.
        ``context`` (optional) is the meeting so far: the client's earlier lines (the last one
        stands for ``prev`` when ``prev`` is not given) and the persona's words.
        Helper signals (names starting with ``_``) are not reported; with ``marks``, the
        context marks among them (:data:`simulator.language.context.RULE_MARKS`) are, without
        the underscore (``threat``, ``dismissal``...).
        """
        text = text if isinstance(text, str) else str(text)
        text = text[:MAX_CHARS]
        prev = prev if isinstance(prev, str) or prev is None else str(prev)
        if prev is None and context is not None:
            prev = context.last_client_line
        stage = stage if isinstance(stage, str) else None
        wanted = {f"_{m}" for m in RULE_MARKS} if marks else set()
        unique = set()
        for h in self.raw_hits(text, prev, stage, context):
            if not h.signal.startswith("_"):
                unique.add((h.signal, h.start, h.end))
            elif h.signal in wanted:
                unique.add((h.signal[1:], h.start, h.end))
        return [SignalHit(s, a, b, text[a:b]) for s, a, b in sorted(unique, key=lambda x: (x[1], x[2], x[0]))]

    def detect(
        self,
        text: str,
        prev: str | None = None,
        stage: str | None = None,
        context: MeetingContext | None = None,
        marks: bool = False,
        rules_only: frozenset[str] = frozenset(),
    ) -> list[SignalHit]:
        """Signals in ``text`` (a trainee reply), sorted by start; ``prev`` is the client's line.

        The rules' hits (:meth:`rule_hits`, same arguments); with the shipped rules the learned
        layer (``learned/model.py``) then keeps, vetoes or adds signals, except those named in
        ``rules_only``, which stay as the rules found them. Context marks pass through
        untouched: the layer knows only the catalogue's signals.
        """
        hits = self.rule_hits(text, prev, stage, context, marks)
        if not self.learned:
            return hits
        kept_rules = [h for h in hits if h.signal in rules_only]
        text = (text if isinstance(text, str) else str(text))[:MAX_CHARS]
        prev = prev if isinstance(prev, str) or prev is None else str(prev)
        if prev is None and context is not None:
            prev = context.last_client_line
        kept_marks = [h for h in hits if h.signal in RULE_MARKS]
        signals = [(h.signal, h.start, h.end) for h in hits if h.signal not in RULE_MARKS]
        found = [SignalHit(s, a, b, text[a:b], focus) for s, a, b, focus in learned.apply(self.lang, text, prev, signals)]
        ruled = {signal for signal, _, _ in signals}
        guarded = [h for h in found if h.signal not in ruled and h.signal in self._context_guarded]
        if guarded:
            denied = self._denied_by_context(text, guarded, context)
            found = [h for h in found if id(h) not in denied]
        found = [h for h in found if h.signal not in rules_only]
        return sorted([*found, *kept_marks, *kept_rules], key=lambda h: (h.start, h.end, h.signal))

    @functools.cached_property
    def _context_guarded(self) -> frozenset[str]:
        """Signals whose rule hits negation or the meeting can cancel: the model's must pass the same test."""
        return frozenset({n.signal for n in self.negations}) | ECHO_SIGNALS

    def _denied_by_context(self, text: str, hits: list[SignalHit], context: MeetingContext | None) -> set[int]:
        """Model-only hits with a word of weight in a negated clause or echoing the client.

        The model reads n-grams and knows no scope, so "I won't look at the screen" scores as
        computer focus; its focus words go through the rules' negation and context filters.
        """
        analysis = self.analyse(text)
        denied: set[int] = set()
        for hit in hits:
            words = hit.focus or ((hit.start, hit.end),)
            probes = [Hit(hit.signal, a, b, _sentence_of(analysis, a)) for a, b in words]
            survivors = [p for p in probes if not any(n.denies(analysis, p) for n in self.negations)]
            survivors = apply_context(analysis, survivors, context, self._explained)
            if hit.signal == "jargon":
                survivors = [p for p in survivors if not self._named_not_used(analysis, p)]
            if len(survivors) < len(probes):
                denied.add(id(hit))
        return denied

    def _named_not_used(self, analysis: Analysis, probe: Hit) -> bool:
        """A term the reply quotes or explains where it stands: the jargon rules' own exemptions.

        The model learns that office terms are jargon, but not that "karenssi" in quotes is
        named rather than used, or that "työpaja, jossa tehdään puutöitä" explains itself.
        """
        position = next((i for i, t in enumerate(analysis.tokens) if t.start <= probe.start < max(t.end, t.start + 1)), None)
        if position is None:
            return False
        if analysis.tokens[position].quoted:
            return True
        sentence = analysis.sentences[probe.sentence]
        return self._explained(analysis, position, position + 1, sentence.stop)

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


def validate_rule_file(path: Path) -> list[ContentIssue]:
    """Located issues of one signal-rule file (schema, pattern syntax, word classes); [] when valid.

    Used by ``simulator validate``. It lives beside the loader rather than in ``rules.py``
    because only compiling the rules catches unknown ``@classes``, and the rule format must
    not depend on the detector built from it (that import closed a cycle).
    """
    try:
        load_detector(Path(path))
    except ContentError as exc:
        return list(exc.issues)
    except Exception as exc:  # noqa: BLE001 - a file that breaks the loader is that file's issue
        return [ContentIssue(Path(path), None, "", f"could not be loaded ({type(exc).__name__}: {str(exc)[:200]})")]
    return []


def _sentence_of(analysis: Analysis, offset: int) -> int:
    """Index of the sentence holding character ``offset`` (the last one that starts before it)."""
    tokens = analysis.tokens
    index = 0
    for number, sentence in enumerate(analysis.sentences):
        if sentence.first < len(tokens) and tokens[sentence.first].start <= offset:
            index = number
    return index


@functools.lru_cache(maxsize=None)
def get_detector(lang: str) -> Detector:
    """The detector for ``lang`` ("fi" or "en"), loaded once per process."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return load_detector(rules_path(lang), learned=True)


def detect(
    text: str, lang: str, prev: str | None = None, stage: str | None = None, context: MeetingContext | None = None
) -> list[SignalHit]:
    """Signals in one reply: the module-level shortcut to ``get_detector(lang).detect``."""
    return get_detector(lang).detect(text, prev, stage, context)
