"""Plain measures of a text: words and sentences with their character spans."""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*", re.UNICODE)


def words(text: str) -> list[re.Match[str]]:
    """Word matches (letters, with inner hyphens and apostrophes)."""
    return list(_WORD.finditer(text))


def word_count(text: str) -> int:
    return sum(1 for _ in _WORD.finditer(text))


def sentences(text: str) -> list[re.Match[str]]:
    """Sentence-like stretches split at ., ! ? and line breaks, blanks dropped."""
    return [match for match in _SENTENCE.finditer(text) if match.group().strip()]
