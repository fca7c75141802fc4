"""Reactions to the language and the form of a reply, decided cheaply before any content.

Why here and not in the detector: these are the client's reactions (a client with little
English does not follow an English reply; an emoji is no answer), not principles of good
practice. Which language a reply is in is guessed from common function words and the
letters ä/ö; a short reply that says too little to tell stays undecided.
"""

from __future__ import annotations

import re

from simulator.content.scenario import Scenario

_WORD_RE = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_MARKERS = {
    "fi": frozenset(
        "ja on ei että se kun mutta minä sinä sinulla teillä olet olen oletko onko mitä miten "
        "mikä missä kuinka kiitos hei moi nyt vähän tämä tässä sinun teidän me te voi voit "
        "voisit haluat kanssa myös jos niin joo tänään kerro siitä".split()
    ),
    "en": frozenset(
        "the and is are you your i to of what how do does did can could would it this that "
        "we with for have has me my please thank thanks hello hi about from where when why "
        "tell here there yes today".split()
    ),
}
# One-word replies that are ordinary small talk, not a puzzle for the client.
_SMALL_TALK = frozenset(
    "hei moi terve moikka kiitos kiitti tervetuloa huomenta päivää hello hi hey thanks welcome morning".split()
)


def reply_language(text: str) -> str | None:
    """'fi' or 'en' when the reply clearly is one of them, else None."""
    words = [word.lower() for word in _WORD_RE.findall(text)]
    if len(words) < 3:
        return None
    scores = {lang: sum(1 for word in words if word in markers) for lang, markers in _MARKERS.items()}
    if any(ch in text.lower() for ch in "äö"):
        scores["fi"] += 2
    best = max(scores, key=lambda lang: scores[lang])
    other = min(scores, key=lambda lang: scores[lang])
    if scores[best] >= 2 and scores[best] >= 2 * max(1, scores[other]):
        return best
    return None


def form_reaction(text: str, scenario: Scenario) -> str | None:
    """``wrong_language``, ``puzzled`` or None for one reply."""
    words = _WORD_RE.findall(text)
    if not words and not any(ch.isdigit() for ch in text):
        return "puzzled"  # emoji or punctuation only
    if len(words) == 1 and words[0].lower() not in _SMALL_TALK:
        return "puzzled"
    language = reply_language(text)
    follows = set(scenario.persona.speaks) | {scenario.language}
    if language is not None and language not in follows:
        return "wrong_language"
    return None
