"""Scoring one reply: which principles of the current stage it showed or broke, and where.

Each finding carries the character spans of the trainee's own words behind it, so the
feedback can quote and highlight them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, utils

from simulator.content.rubric import (
    LengthPrinciple,
    PlainLanguagePrinciple,
    Principle,
    Rubric,
    SignalPrinciple,
    StreakPrinciple,
)
from simulator.content.scenario import Scenario
from simulator.engine.state import Finding, SignalRecord, Span, TurnRecord
from simulator.rubric.text_measures import sentences, word_count, words

QUOTE_LIMIT = 80
REPEAT_RATIO = 90.0  # rapidfuzz ratio from which a reply repeats an earlier one of the worker's


@dataclass(frozen=True)
class ReplyScore:
    findings: list[Finding]
    score: float


def score_reply(
    rubric: Rubric,
    scenario: Scenario,
    stage: str,
    reply: str,
    signals: Sequence[SignalRecord],
    earlier: Sequence[TurnRecord] = (),
    credit_stage: str | None = None,
    real_question_out: bool = True,
) -> ReplyScore:
    """Findings of every principle of ``stage`` for this reply, sorted by position.

    ``credit_stage`` is the stage the reply opens when it already does that stage's work:
    its positive principles count too. Faults are judged only in ``stage``, where the
    reply was written, so one act is never penalised twice. ``real_question_out`` says
    whether the client's real question has come out (advice earns praise only after).
    A reply that repeats one of the worker's earlier replies nearly word for word earns
    nothing: only its faults count.
    """
    names = {record.signal for record in signals}
    if repeats_earlier(reply, earlier):
        names.add("repetition")
        signals = [*signals, SignalRecord(signal="repetition", span=_whole(reply))]
    findings: list[Finding] = []
    for principle in rubric.principles:
        if stage in principle.stages:
            judged_in = stage
        elif credit_stage in principle.stages and principle.polarity == "positive":
            judged_in = credit_stage
        else:
            continue
        if "repetition" in names and principle.polarity == "positive":
            continue
        if not _fits_meeting(principle, scenario, real_question_out):
            continue
        spans = _spans_for(principle, scenario, reply, signals, names, earlier)
        if spans is not None:
            findings.append(make_finding(principle, judged_in, spans, reply))
    findings.sort(key=lambda f: (f.spans[0].start if f.spans else len(reply), f.principle))
    return ReplyScore(findings, reply_score(findings))


def repeats_earlier(reply: str, earlier: Sequence[TurnRecord]) -> bool:
    """The reply is (nearly) the same text as one of the worker's earlier replies."""
    text = utils.default_process(reply)
    if len(text) < 12:  # "Okei." twice is conversation, not a checklist
        return False
    return any(fuzz.ratio(text, utils.default_process(turn.reply), score_cutoff=REPEAT_RATIO) for turn in earlier)


def _fits_meeting(principle: Principle, scenario: Scenario, real_question_out: bool) -> bool:
    """The meeting-level conditions of a signal principle: the real question, the learning goals."""
    if not isinstance(principle, SignalPrinciple):
        return True
    out = real_question_out or scenario.real_question is None
    if (principle.real_question == "after" and not out) or (principle.real_question == "before" and out):
        return False
    if principle.goal_words:
        goals = " ".join(scenario.learning_goals).lower()
        return any(word.lower() in goals for word in principle.goal_words)
    return True


def reply_score(findings: Sequence[Finding]) -> float:
    """0-100: the share of positive weight among all weight found; 50 when nothing was found."""
    positive = sum(f.weight for f in findings if f.polarity == "positive")
    negative = sum(f.weight for f in findings if f.polarity == "negative")
    if positive + negative == 0:
        return 50.0
    return round(100.0 * positive / (positive + negative), 1)


def _spans_for(
    principle: Principle,
    scenario: Scenario,
    reply: str,
    signals: Sequence[SignalRecord],
    names: set[str],
    earlier: Sequence[TurnRecord],
) -> list[Span] | None:
    """The spans behind the principle, or None when it does not apply to this reply."""
    if isinstance(principle, SignalPrinciple):
        if principle.audience == "newcomer" and not scenario.persona.newcomer:
            return None
        if not (names & set(principle.signals)) or not set(principle.requires) <= names or names & set(principle.unless):
            return None
        wanted = set(principle.signals) | set(principle.requires)
        return _dedupe([record.span for record in signals if record.signal in wanted])
    if isinstance(principle, PlainLanguagePrinciple):
        return _plain_language_spans(principle, scenario, reply)
    if isinstance(principle, LengthPrinciple):
        if principle.signals and not names & set(principle.signals):
            return None
        return [_whole(reply)] if word_count(reply) > principle.max_words else None
    if isinstance(principle, StreakPrinciple):
        return _streak_spans(principle, signals, names, earlier)
    raise TypeError(f"unknown principle kind: {type(principle).__name__}")


def _plain_language_spans(principle: PlainLanguagePrinciple, scenario: Scenario, reply: str) -> list[Span] | None:
    if not scenario.persona.newcomer:
        return None
    language = scenario.language
    max_words = principle.max_sentence_words.get(language)
    max_chars = principle.max_word_chars.get(language)
    spans: list[Span] = []
    if max_words:
        for sentence in sentences(reply):
            if word_count(reply[sentence.start : sentence.end]) > max_words:
                spans.append(_span(reply, sentence.start, sentence.end))
    if max_chars:
        for word in words(reply):
            if len(word.group()) > max_chars and not any(s.start <= word.start() < s.end for s in spans):
                spans.append(_span(reply, word.start(), word.end()))
    return sorted(spans, key=lambda s: s.start) or None


def _streak_spans(
    principle: StreakPrinciple, signals: Sequence[SignalRecord], names: set[str], earlier: Sequence[TurnRecord]
) -> list[Span] | None:
    def shows(turn_names: set[str]) -> bool:
        return bool(turn_names & set(principle.signals)) and not turn_names & set(principle.unless)

    if not shows(names):
        return None
    previous = list(earlier)[-(principle.count - 1) :]
    if len(previous) < principle.count - 1 or not all(shows(turn.signal_names) for turn in previous):
        return None
    return _dedupe([record.span for record in signals if record.signal in principle.signals])


def make_finding(principle: Principle, stage: str, spans: list[Span], reply: str, source: str = "engine") -> Finding:
    """A finding with its feedback in both languages, quoting the trainee's words."""
    quote = spans[0].text if spans else reply
    if len(quote) > QUOTE_LIMIT:
        quote = quote[: QUOTE_LIMIT - 1].rstrip() + "…"
    message = {}
    for language in ("fi", "en"):
        feedback = principle.feedback.get(language)
        message[language] = f"{feedback.did.replace('{quote}', quote)} {feedback.why}"
    return Finding(
        principle=principle.id,
        stage=stage,
        polarity=principle.polarity,
        weight=principle.weight,
        spans=spans,
        message=message,
        source=source,
    )


def _span(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start=start, end=end, text=text[start:end])


def _whole(text: str) -> Span:
    return _span(text, 0, len(text))


def _dedupe(spans: list[Span]) -> list[Span]:
    unique = {(span.start, span.end): span for span in spans}
    return [unique[key] for key in sorted(unique)]
