"""Fuzzy matching of the scenario's key points against a trainee's reply.

Key-point phrases are short stems written by the scenario author ("kielikurssi",
"tutkinnon tunnustaminen"); ``partial_ratio`` tolerates inflection at the end of a word
and small typos without a lemmatiser.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, utils

from simulator.content.scenario import KeyPoint

MATCH_THRESHOLD = 85.0


def covered_key_points(reply: str, key_points: Iterable[KeyPoint], disclosed: Iterable[str]) -> list[str]:
    """Ids of the key points the reply covers; a point tied to a disclosure needs it first."""
    text = utils.default_process(reply)
    if not text:
        return []
    known = set(disclosed)
    found = []
    for point in key_points:
        if point.requires_disclosure and point.requires_disclosure not in known:
            continue
        if any(_matches(phrase, text) for phrase in point.phrases):
            found.append(point.id)
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
