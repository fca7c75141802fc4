"""The one sentence splitter: detection, scoring, routing and memory all cut a reply here.

Feedback quotes the sentence the detector saw, so every part of the product must agree on
where a sentence ends. A sentence ends at ``.``, ``!`` or ``?`` (or a run of them, with
any closing quotes or brackets) followed by a space or the end, and at every line break;
a line's bullet or list number is not part of its sentence. A dot does *not* end a
sentence after an abbreviation that introduces something (``esim.``, ``klo``, ``e.g.``,
``Dr.``), nor inside a time, decimal, date, URL or e-mail address (no space follows). A
dot after an abbreviation that can close a sentence (``jne.``, ``etc.``, ``p.m.``), after
a number (a date ``7.12.``, an ordinal ``1. kerta``) or an ellipsis ends one only when a
capitalised word follows; after a single capital letter (an initial, ``J. K. Rowling``)
only when a lower-case word follows. Inside a quoted stretch (``"Mitä työelämä
odottaa?"``) a mark ends the sentence only when it closes the quote and a capitalised word
follows; the mark then belongs to the quoted words, not to the worker's sentence.

Spans are offsets in the text as given, trimmed of surrounding space. Works on any string
and in linear time: a chat reply is short, but the detector accepts 20,000 characters.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

APOSTROPHES = "\u2019\u2018\u00b4\u0060\u02bc\u2032"
DOUBLE_QUOTES = "\u201c\u201d\u201e\u00ab\u00bb"
# typographic quotes and apostrophes made plain, one character for one (spans stay valid)
_FOLD_QUOTES = str.maketrans({**{c: "'" for c in APOSTROPHES}, **{c: '"' for c in DOUBLE_QUOTES}})

# a quoted stretch: opening quote not after a letter, closing quote not before one
_QUOTED_RE = re.compile(r"(?<![^\W_])[\"']([^\"'\n]{1,200}?)[\"'](?![^\W_])")
# a run of sentence-final punctuation, any closing quotes/brackets, then space or the end
_END_RE = re.compile(r"([.!?\u2026]+)[\"')\]]*(?=\s|$)")
# a bullet or a list number opening a line ("- ", "• ", "1) "); "2. " counts before a capital
_BULLET_RE = re.compile(r"\s*(?:[-*+\u2022\u00b7\u2023\u25e6\u25aa\u2013\u2014]|\d{1,2}\))\s+")
_NUMBERED_RE = re.compile(r"\s*\d{1,2}\.\s+")
# the word just before a dot, inner dots included ("esim", "e.g", "7.12", "www.kela.fi")
_WORD_BEFORE_RE = re.compile(r"([^\W_]+(?:\.[^\W_]+)*)$")
_LOOK_BACK = 64  # characters searched for that word: abbreviations are short
# the first character of what follows, past space and opening quotes or brackets
_NEXT_RE = re.compile(r"\s*[\"'(\[]*(\S)")

# abbreviations that introduce what follows: a dot after them never ends a sentence
LEADING_ABBREVIATIONS = frozenset(
    "esim klo ns mm n ks vrt nro puh e.g eg i.e ie dr mr mrs ms vs".split()
)
# abbreviations that can close a sentence: they end one when a capitalised word follows
CLOSING_ABBREVIATIONS = frozenset("jne yms tms ym etc a.m p.m".split())


@dataclass(frozen=True, slots=True)
class SentenceSpan:
    """One sentence: ``text[start:end]``, and the punctuation run that closed it."""

    start: int
    end: int
    mark: str  # ".", "?", "?!", "...", "\u2026" ...; "" when a line break or the end closed it


def fold_quotes(text: str) -> str:
    """``text`` with typographic quotes and apostrophes made plain, keeping its length."""
    return text.translate(_FOLD_QUOTES)


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans of quoted stretches (quote marks included), in which nothing ends a sentence."""
    return [(m.start(), m.end()) for m in _QUOTED_RE.finditer(fold_quotes(text))]


def split_sentences(text: str) -> list[SentenceSpan]:
    """The sentences of ``text`` in order; blank stretches and bullets are left out."""
    folded = fold_quotes(text)
    quoted = quoted_spans(text)
    starts = [start for start, _ in quoted]
    spans: list[SentenceSpan] = []
    line_start = 0
    for line in folded.split("\n"):
        line_end = line_start + len(line)
        start = line_start + _marker_length(line)
        for match in _END_RE.finditer(folded, start, line_end):
            quote = _enclosing(quoted, starts, match.start())
            if quote is None and _ends_sentence(folded, match, line_end):
                _add(spans, text, start, match.end(), match.group(1))
                start = match.end()
            elif quote is not None and match.end() == quote[1] and _capital_next(folded, match.end(), line_end):
                _add(spans, text, start, match.end(), "")  # the mark belongs to the quoted words
                start = match.end()
        _add(spans, text, start, line_end, "")
        line_start = line_end + 1
    return spans


def _enclosing(quoted: list[tuple[int, int]], starts: list[int], position: int) -> tuple[int, int] | None:
    """The quoted stretch holding ``position`` (stretches are sorted and never overlap)."""
    index = bisect.bisect_right(starts, position) - 1
    if index >= 0 and position < quoted[index][1]:
        return quoted[index]
    return None


def _marker_length(line: str) -> int:
    """Characters of the bullet or list number opening ``line`` (0 if none).

    "1. Hae tukea" is a numbered item; "1. kerta oli vaikea" starts with an ordinal.
    """
    bullet = _BULLET_RE.match(line) or _NUMBERED_RE.match(line)
    if bullet is None or (bullet.re is _NUMBERED_RE and not line[bullet.end() : bullet.end() + 1].isupper()):
        return 0
    return bullet.end()


def _add(spans: list[SentenceSpan], text: str, start: int, end: int, mark: str) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        first = start + len(piece) - len(piece.lstrip())
        spans.append(SentenceSpan(first, first + len(stripped), mark))


def _capital_next(folded: str, position: int, line_end: int) -> bool:
    """The next word on the line starts with a capital (opening quotes and brackets skipped)."""
    following = _NEXT_RE.match(folded, position, line_end)
    return following is not None and following.group(1).isupper()


def _ends_sentence(folded: str, match: re.Match[str], line_end: int) -> bool:
    """Whether the punctuation run in ``match`` (outside any quote) closes a sentence."""
    run = match.group(1)
    if "!" in run or "?" in run or _NEXT_RE.match(folded, match.end(), line_end) is None:
        return True
    capital_next = _capital_next(folded, match.end(), line_end)
    if run != ".":  # an ellipsis: a pause unless a new sentence visibly starts
        return capital_next
    chunk = folded[max(0, match.start() - _LOOK_BACK) : match.start()].rsplit(None, 1)
    word = _WORD_BEFORE_RE.search(chunk[-1]) if chunk else None
    if word is None:
        return True
    before = word.group(1)
    lowered = before.lower()
    if lowered in LEADING_ABBREVIATIONS:
        return False
    if lowered in CLOSING_ABBREVIATIONS or before[-1].isdigit():
        return capital_next
    parts = before.split(".")
    if len(parts) > 1 and all(len(part) == 1 for part in parts):  # "U.S.A", "i.e" and the like
        return capital_next
    if len(before) == 1 and before.isupper():  # an initial before a name
        return not capital_next
    return True
