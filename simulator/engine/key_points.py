"""Fuzzy matching of the scenario's key points against a trainee's reply.

Key-point phrases are short stems written by the scenario author ("kielikurssi",
"tutkinnon tunnustaminen"); ``partial_ratio`` tolerates inflection at the end of a word
and small typos without a lemmatiser.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, utils

from simulator.content.scenario import KeyPoint
from simulator.engine.intent import parse, sentence_units
from simulator.engine.matcher import IntentIndex

MATCH_THRESHOLD = 85.0
MEANING_THRESHOLD = 0.5  # an explanation in other words: as close as a routed question


def covered_key_points(
    reply: str,
    key_points: Iterable[KeyPoint],
    disclosed: Iterable[str],
    index: IntentIndex | None = None,
    meant: set[str] | None = None,
) -> list[str]:
    """Ids of the key points the reply covers; a point tied to a disclosure needs it first.

    A point is covered by one of its phrases or, with ``index`` (built from the points'
    ``examples``), by a sentence that explains it in other words; ``meant`` passes that
    second check's result when the caller has it already.
    """
    text = utils.default_process(reply)
    if not text:
        return []
    known = set(disclosed)
    by_meaning = meant if meant is not None else (meant_key_points(reply, index) if index is not None else set())
    found = []
    for point in key_points:
        if point.requires_disclosure and point.requires_disclosure not in known:
            continue
        if point.id in by_meaning or any(_matches(phrase, text) for phrase in point.phrases):
            found.append(point.id)
    return found


def meant_key_points(reply: str, index: IntentIndex) -> set[str]:
    """Key points some sentence of the reply explains, by the examples' meaning."""
    parsed = parse(reply)
    found: set[str] = set()
    for number in range(len(parsed.sentences)):
        matches = index.score_units(sentence_units(parsed, number, index.language))
        if matches and matches[0].score >= MEANING_THRESHOLD:
            found.add(matches[0].item)  # two points close together may both be explained
    return found


def _matches(phrase: str, text: str) -> bool:
    needle = utils.default_process(phrase)
    if not needle:
        return False
    if needle in text:
        return True
    if len(needle) > len(text):
        return False
    return fuzz.partial_ratio(needle, text, score_cutoff=MATCH_THRESHOLD) > 0
