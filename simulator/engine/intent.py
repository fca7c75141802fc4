"""Routing a reply to what it is about: which topic it asks, or tells, about.

Each sentence is a question (a question mark, a question word, a ``-ko``/``-kö`` verb,
*kerro* / *tell me*) or it tells something. Question sentences are scored against the
scenario's topics with ``matcher.IntentIndex``, with the question's type (who, where,
how long ...: ``question_types``) weighed against the types each topic answers; a topic wins above a threshold and
clearly ahead of the next; too close to call, the client asks which is meant; nothing,
an in-character "I don't know" and the question is kept for the authors. Questions that
only invite talk ("Miten menee?") route to a built-in general item and get the stage's
ordinary line. The thresholds were set on the authors' own examples, each held out in
turn (``simulator validate --overlaps`` runs the same check), never on a measurement set.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import yaml

from simulator.engine.matcher import _QUESTION_WORDS, GENERAL, IntentIndex, Match, Unit, fold, types_of, units_of
from simulator.language import english, finnish
from simulator.language.text import Text, Token, tokenise

if TYPE_CHECKING:
    from simulator.content.scenario import Scenario

Kind = Literal["ask", "tell", "none"]

# How close a query must be to count as routed, and how far ahead of the runner-up.
ROUTE_THRESHOLD = 0.27
AMBIGUITY_GAP = 0.04
GENERAL_MARGIN = 0.1  # an author's topic this close to a general invitation wins over it
SPECIFIC_FROM = 0.75  # a query this close to one example, with at least
SPECIFIC_WORDS = 2  # this many content words, is a very specific question ("how old are your kids")


# "Could you bring the decision?" asks the client to do something, not to tell about its life.
_REQUEST_OPENERS = {
    "en": frozenset("could can would will".split()),
    "fi": frozenset("voisitko voisitteko voitko voitteko viitsisitko".split()),
}
_REQUEST_VERBS = {
    "en": frozenset("bring send fill come call sign take print book email mail upload remember phone".split()),
    "fi": frozenset(
        "tuoda tuot tuotko tuoda laheta lahettaa tayttaa tulla soittaa ottaa allekirjoittaa varata muistaa".split()
    ),
}


def is_request(words: Sequence[str], language: str) -> bool:
    """A polite request to act (*could you bring ...*, *voisitko tuoda ...*), folded words."""
    openers, verbs = _REQUEST_OPENERS.get(language, frozenset()), _REQUEST_VERBS.get(language, frozenset())
    if language == "fi" and words and words[0] in {"tuotko", "tuotteko", "lahetatko", "taytatko", "soitatko"}:
        return True
    return len(words) > 2 and words[0] in openers and any(word in verbs for word in words[1:4])


def is_question(text: Text, sentence: int, language: str) -> bool:
    """A question by its mark, its opening word or (Finnish) a ``-ko``/``-kö`` verb early on;
    a polite request to act is none."""
    info = text.sentences[sentence]
    words = [fold(token.norm) for token in text.sentence_tokens(sentence)]
    if is_request(words, language):
        return False
    if info.question_mark:
        return True
    if not words:
        return False
    openers = _QUESTION_WORDS.get(language, frozenset())
    if words[0] in openers or (len(words) > 1 and words[0] in {"ja", "entä", "enta", "and", "so", "but"} and words[1] in openers):
        return True
    if language == "fi":
        return any(finnish.is_question_verb(token.norm) for token in text.sentence_tokens(sentence)[:3])
    return False


@dataclass(frozen=True)
class Route:
    """What a reply asks or tells about.

    ``topic`` is set when one item is clearly closest; ``close`` names the items that were
    too close to call (the client then asks which one is meant); ``question`` is the
    sentence that was routed, for the authors' log of unmatched questions.
    """

    kind: Kind
    topic: str | None = None
    score: float = 0.0
    close: tuple[str, ...] = ()
    question: str = ""
    specific: bool = False
    general: bool = False  # an invitation to talk ("Miten menee?"), not a question of fact
    types: frozenset[str] = frozenset()  # the kinds of answer the routed question wants (who, how_long ...)

    @property
    def unmatched(self) -> bool:
        return self.kind == "ask" and self.topic is None and not self.close and not self.general


def decide(matches: list[Match], threshold: float = ROUTE_THRESHOLD, gap: float = AMBIGUITY_GAP) -> tuple[str | None, tuple[str, ...], float]:
    """(winner, close items, winner's score): a winner needs the threshold and a lead."""
    if not matches or matches[0].score < threshold:
        return None, (), matches[0].score if matches else 0.0
    top = matches[0]
    rivals = [m.item for m in matches[1:] if top.score - m.score < gap]
    if rivals:
        return None, (top.item, *rivals[:2]), top.score
    return top.item, (), top.score


_SPLIT_RE = re.compile(r"\s+")


@lru_cache(maxsize=64)
def parse(text: str) -> Text:
    """The reply split once per turn for routing and key points (callers never change it)."""
    return tokenise(text)


def sentence_units(parsed: Text, sentence: int, language: str) -> list[Unit]:
    return units_of([t.norm for t in _sentence_tokens(parsed, sentence, language)], language)


def sentence_types(parsed: Text, sentence: int, language: str) -> frozenset[str]:
    """The question types one sentence asks (who, where, how long ...: ``question_types``)."""
    return types_of([t.norm for t in _sentence_tokens(parsed, sentence, language)], language)


# A short follow-up points back at what the client just said: "How long were you at that?",
# "Mitä teit siellä?", "And the youngest?". Such a sentence has (almost) no content word
# of its own, so the last answered topic is what it asks about.
_ANAPHORA = {
    "en": frozenset("that there it they them those he she him her his their then".split()),
    "fi": frozenset(
        "siella siina sita se ne niita sen siita sinne sielta silla tuolla tuossa han hanen heita niilla niista sillon silloin".split()
    ),
}
_FOLLOW_OPENERS = {"en": frozenset({"and", "what about", "how about"}), "fi": frozenset({"entä", "enta", "entas", "entäs", "ja"})}
# the word after "how"/"kuinka" says what is measured, not what about
_MEASURE_WORDS = frozenset("long many much old often far kauan pitkaan monta paljon vanha vanhoja usein".split())
FOLLOW_UP_REACH = 0.15  # the last topic wins a one-word follow-up when this close to the best


def follow_up_strength(words: Sequence[str], units: Sequence[Unit], language: str) -> int:
    """2: a bare follow-up (a pointing word and no content word: "How long were you at that?");
    1: a pointing word or an opener with one content word ("And the youngest?"); 0: none."""
    content = sum(1 for unit in units if not unit.asks and unit.head not in _MEASURE_WORDS)
    pointing = any(word in _ANAPHORA.get(language, frozenset()) for word in words)
    opener = bool(words) and words[0] in _FOLLOW_OPENERS.get(language, frozenset())
    if pointing and content == 0:
        return 2
    if (pointing or opener) and content <= 1:
        return 1
    return 0


def route(index: IntentIndex | None, text: str, language: str, last_topic: str | None = None) -> Route:
    """Route one reply: its best-matching question sentence, else what it tells about.

    ``last_topic`` is the topic the client answered just before: a short follow-up with
    no subject of its own ("Ages?", "And what did you do there?") asks about it."""
    parsed = parse(text)
    questions = [no for no in range(len(parsed.sentences)) if is_question(parsed, no, language)]
    kind: Kind = "ask" if questions else "tell"
    if index is None or not index.items:
        return Route(kind=kind, question=_sentence_text(parsed, questions[-1]) if questions else "")
    best: Route | None = None
    for no in questions or range(len(parsed.sentences)):
        units = sentence_units(parsed, no, language)
        types = sentence_types(parsed, no, language) if questions else frozenset()
        matches = index.score_units(units, types=types)
        topics = [match for match in matches if match.item != GENERAL]
        if (
            matches
            and matches[0].item == GENERAL
            and matches[0].score >= ROUTE_THRESHOLD
            and not (topics and topics[0].score >= ROUTE_THRESHOLD and matches[0].score - topics[0].score < GENERAL_MARGIN)
        ):
            candidate = Route(kind=kind, score=matches[0].score, question=_sentence_text(parsed, no), general=kind == "ask")
            if best is None or _rank(candidate) > _rank(best):
                best = candidate
            continue
        winner, close, score = decide(topics)
        if last_topic is not None and questions:
            winner, close, score = _follow_up(parsed, no, language, units, topics, last_topic, (winner, close, score))
        candidate = Route(
            kind=kind,
            topic=winner,
            score=score,
            close=close,
            question=_sentence_text(parsed, no),
            specific=winner is not None and score >= SPECIFIC_FROM and sum(not u.asks for u in units) >= SPECIFIC_WORDS,
            types=types,
        )
        if best is None or _rank(candidate) > _rank(best):
            best = candidate
    return best or Route(kind=kind)


def _follow_up(
    parsed: Text,
    sentence: int,
    language: str,
    units: list[Unit],
    topics: list[Match],
    last_topic: str,
    decided: tuple[str | None, tuple[str, ...], float],
) -> tuple[str | None, tuple[str, ...], float]:
    """The routing decision with the last answered topic for a short follow-up."""
    words = [fold(token.norm) for token in _sentence_tokens(parsed, sentence, language)]
    strength = follow_up_strength(words, units, language)
    last = next((match for match in topics if match.item == last_topic), None)
    if strength == 2:
        return last_topic, (), max(ROUTE_THRESHOLD, last.score if last else 0.0)
    if strength == 1:
        best = topics[0].score if topics else 0.0
        if decided[0] is None or (last is not None and best - last.score <= FOLLOW_UP_REACH):
            return last_topic, (), max(ROUTE_THRESHOLD, last.score if last else 0.0)
    return decided


def _rank(candidate: Route) -> tuple[int, float]:
    return (3 if candidate.topic else 2 if candidate.close else 1 if candidate.general else 0, candidate.score)


def _sentence_tokens(parsed: Text, sentence: int, language: str) -> list[Token]:
    tokens = parsed.sentence_tokens(sentence)
    return english.split_contractions(tokens) if language == "en" else tokens


def _sentence_text(parsed: Text, sentence: int) -> str:
    info = parsed.sentences[sentence]
    return _SPLIT_RE.sub(" ", parsed.original[info.start : info.end]).strip()


_INDEXES: dict[tuple[int, str], tuple[object, IntentIndex | None]] = {}


def _cached(
    owner: object,
    kind: str,
    language: str,
    items: Sequence[tuple[str, Sequence[str]]],
    declared: Sequence[Sequence[str]] | None = None,
) -> IntentIndex | None:
    """Indexes are built once per loaded scenario (the identity check guards a reused id())."""
    key = (id(owner), kind)
    hit = _INDEXES.get(key)
    if hit is None or hit[0] is not owner:
        kept = [no for no, (_, examples) in enumerate(items) if examples]
        types = [declared[no] for no in kept] if declared is not None else None
        items = [items[no] for no in kept]
        hit = (owner, IntentIndex.build(language, items, types) if items else None)
        _INDEXES[key] = hit
    return hit[1]


@lru_cache(maxsize=4)
def general_examples(language: str) -> tuple[str, ...]:
    """Questions that invite talk rather than a fact (``concepts/general.yaml``)."""
    data = yaml.safe_load((Path(__file__).with_name("concepts") / "general.yaml").read_text(encoding="utf-8")) or {}
    return tuple(str(text) for text in data.get(language, ()))


def topic_index(scenario: "Scenario") -> IntentIndex | None:
    """The scenario's topics by their example questions (None without topics), with the
    general invitations to talk last (``GENERAL``), so "Miten menee?" is no unknown fact."""
    if not scenario.topics:
        return None
    items = [(t.id, t.examples) for t in scenario.topics]
    declared = [t.asks for t in scenario.topics]
    return _cached(
        scenario, "topics", scenario.language, [*items, (GENERAL, general_examples(scenario.language))], [*declared, []]
    )


def key_point_index(scenario: "Scenario") -> IntentIndex | None:
    """The scenario's key points by their example explanations (None without examples)."""
    return _cached(scenario, "key_points", scenario.language, [(k.id, k.examples) for k in scenario.key_points])
