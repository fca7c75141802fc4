"""Tokens with character spans, sentences (cut by :mod:`sentences`) and clauses.

Every later step reports spans in the *original* reply, so normalising never changes the
length of the text: each character maps to exactly one character (case folded where that
keeps one character, typographic apostrophes and dashes made plain, control characters
made spaces). Offsets in the normalised text are offsets in the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from simulator.language.sentences import APOSTROPHES, DOUBLE_QUOTES, quoted_spans, split_sentences

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"

_TOKEN_RE = re.compile(r"\d+(?:[.:]\d+)*|[^\W\d_]+(?:[-':][^\W_]+)*|[^\W_]+")
_CLAUSE_PUNCT = ",;:()\u2013\u2014-"


_TRANSLATE = str.maketrans(
    {
        **{c: "'" for c in APOSTROPHES},
        **{c: "-" for c in _DASHES},
        **{c: '"' for c in DOUBLE_QUOTES},
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


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def tokenise(text: str) -> Text:
    """Split a reply into tokens and sentences; never raises on any string."""
    norm = normalise(text)
    result = Text(original=text, norm=norm)
    quoted = quoted_spans(text)
    for s_index, span in enumerate(split_sentences(text)):
        s_start, s_end, punct = span.start, span.end, span.mark
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
