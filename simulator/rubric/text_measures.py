"""Plain measures of a text: words and sentences with their character spans."""

from __future__ import annotations

import re

from simulator.language.sentences import SentenceSpan, split_sentences

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)


def words(text: str) -> list[re.Match[str]]:
    """Word matches (letters, with inner hyphens and apostrophes)."""
    return list(_WORD.finditer(text))


def word_count(text: str) -> int:
    return sum(1 for _ in _WORD.finditer(text))


def talk_ratio(trainee_words: int, client_words: int) -> float | None:
    """Trainee words per client word, to two decimals (below 1: the client talks more);
    None before the client has said anything."""
    return round(trainee_words / client_words, 2) if client_words else None


def sentences(text: str) -> list[SentenceSpan]:
    """The sentences the detector sees (the language layer's splitter), so plain-language
    feedback marks the same sentences the signals were found in."""
    return split_sentences(text)
