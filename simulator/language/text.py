"""Tokens with character spans, sentences and clauses.

Every later step reports spans in the *original* reply, so normalising never changes the
length of the text: each character maps to exactly one character (case folded where that
keeps one character, typographic apostrophes and dashes made plain, control characters
made spaces). Offsets in the normalised text are offsets in the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_APOSTROPHES = "\u2019\u2018\u00b4\u0060\u02bc\u2032"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"

_TOKEN_RE = re.compile(r"\d+(?:[.:]\d+)*|[^\W\d_]+(?:[-':][^\W_]+)*|[^\W_]+")
# a run of sentence-final punctuation, any closing quotes/brackets, then space or the end
_SENTENCE_END_RE = re.compile(r"([.!?\u2026]+)[\"'\u201d\u00bb)\]]*(?=\s|$)|\n+")
# a quoted stretch: opening quote not after a letter, closing quote not before one
_QUOTED_RE = re.compile(r"(?<![^\W_])[\"'\u201c\u201d\u201e\u00ab\u2018]([^\"'\u201c\u201d\u201e\u00ab\u00bb\n]{1,200}?)[\"'\u201d\u00bb\u2019](?![^\W_])")
_CLAUSE_PUNCT = ",;:()\u2013\u2014-"
_ABBREVIATIONS = frozenset(
    "esim klo n ns jne yms ym vrt ks mr mrs ms dr eg ie e.g i.e etc nro".split()
)


_TRANSLATE = str.maketrans(
    {
        **{c: "'" for c in _APOSTROPHES},
        **{c: "-" for c in _DASHES},
        **{c: '"' for c in "\u201c\u201d\u201e\u00ab\u00bb"},
        **{chr(i): " " for i in range(32) if chr(i) != "\n"},
        "\x7f": " ",
    }
)


def normalise(text: str) -> str:
    """Case-fold and simplify ``text`` character by character, keeping its length."""
    lowered = text.lower()
    if len(lowered) == len(text):  # lower() never shrinks a character, so this is 1:1
        return lowered.translate(_TRANSLATE)
    return _normalise_slow(text)


def _normalise_slow(text: str) -> str:
    """The rare case: some character lower-cases to several ("İ"); keep those as they are."""
    out = []
    for char in text:
        lowered = char.lower()
        out.append(lowered if len(lowered) == 1 else char)
    return "".join(out).translate(_TRANSLATE)


@dataclass(frozen=True, slots=True)
class Token:
    """One word or number: its span in the reply and its normalised form."""

    norm: str
    start: int
    end: int
    sentence: int
    clause: int
    quoted: bool
    punct_before: str  # "^" at sentence start, else the punctuation since the last token ("" if none)


@dataclass(slots=True)
class Sentence:
    """A sentence: its span, its tokens (indexes into the reply's tokens) and its end mark."""

    start: int
    end: int
    first: int  # index of the first token
    stop: int  # one past the last token
    question_mark: bool
    exclamation: bool


@dataclass(slots=True)
class Text:
    """A reply split for matching: original text, normalised text, tokens and sentences."""

    original: str
    norm: str
    tokens: list[Token] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)

    def sentence_tokens(self, index: int) -> list[Token]:
        sentence = self.sentences[index]
        return self.tokens[sentence.first : sentence.stop]


def _quoted_spans(norm: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _QUOTED_RE.finditer(norm)]


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _sentence_bounds(norm: str, quoted: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """Sentence spans with the final punctuation run that closed each."""
    bounds: list[tuple[int, int, str]] = []
    start = 0
    for match in _SENTENCE_END_RE.finditer(norm):
        if _inside(match.start(), quoted):
            continue
        punct = match.group(1) or ""
        if punct == "." and _is_abbreviation_or_date(norm, match.start(), match.end()):
            continue
        end = match.end()
        if norm[start:end].strip():
            bounds.append((start, end, punct))
        start = end
    if norm[start:].strip():
        bounds.append((start, len(norm), ""))
    return bounds


def _is_abbreviation_or_date(norm: str, dot: int, after: int) -> bool:
    """A single dot after an abbreviation, or after a date followed by more text in lower case."""
    word = re.search(r"([^\W_]+(?:\.[^\W_]+)*)$", norm[:dot])
    following = norm[after:].lstrip()
    if word is None:
        return False
    if word.group(1) in _ABBREVIATIONS:
        return True
    return word.group(1)[-1].isdigit() and bool(following) and not following[0].isupper()


def tokenise(text: str) -> Text:
    """Split a reply into tokens and sentences; never raises on any string."""
    norm = normalise(text)
    result = Text(original=text, norm=norm)
    quoted = _quoted_spans(norm)
    for s_index, (s_start, s_end, punct) in enumerate(_sentence_bounds(norm, quoted)):
        first = len(result.tokens)
        clause = 0
        previous_end = s_start
        for match in _TOKEN_RE.finditer(norm, s_start, s_end):
            gap = norm[previous_end : match.start()]
            marks = "".join(ch for ch in gap if ch in _CLAUSE_PUNCT and not (ch == "-" and " " not in gap))
            if len(result.tokens) > first and marks:
                clause += 1
            punct_before = "^" if len(result.tokens) == first else marks
            result.tokens.append(
                Token(
                    norm=match.group(0).strip("'-:"),
                    start=match.start(),
                    end=match.end(),
                    sentence=s_index,
                    clause=clause,
                    quoted=_inside(match.start(), quoted),
                    punct_before=punct_before,
                )
            )
            previous_end = match.end()
        tail = norm[s_start:s_end].rstrip().rstrip("\"')]\u201d\u00bb")
        question = "?" in punct or (tail.endswith("?") and not _inside(len(tail) + s_start - 1, quoted))
        result.sentences.append(
            Sentence(
                start=s_start,
                end=s_end,
                first=first,
                stop=len(result.tokens),
                question_mark=question,
                exclamation="!" in punct,
            )
        )
    return result
