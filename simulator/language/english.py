"""English word forms: contractions split into words, light suffix stripping.

Rules match on word sequences, so ``you're`` becomes the two tokens ``you`` + ``are``
(the second spanning ``'re``); ``don't`` becomes ``do`` + ``not``. Inflection is light
in English, so a few suffix strips plus ``*`` stems in the rules are enough.
"""

from __future__ import annotations

from simulator.language.text import Text, Token

# suffix after the apostrophe -> the word(s) it stands for (first is the reading used)
_CONTRACTION_SUFFIXES: dict[str, str] = {
    "re": "are", "m": "am", "ve": "have", "ll": "will", "d": "would", "s": "is",
}
_SPECIAL: dict[str, tuple[str, str]] = {"let's": ("let", "us")}
_IRREGULAR_NOT: dict[str, str] = {"can't": "can", "won't": "will", "shan't": "shall", "ain't": "is"}
_ALTERNATIVES: dict[str, tuple[str, ...]] = {"is": ("has",), "would": ("had",), "ok": ("okay",), "okay": ("ok",)}


def split_contractions(tokens: list[Token]) -> list[Token]:
    """Split ``you're`` / ``don't`` tokens into two tokens with their own spans."""
    out: list[Token] = []
    for token in tokens:
        word = token.norm
        if "'" not in word:
            out.append(token)
            continue
        head, _, tail = word.rpartition("'")
        if word in _SPECIAL:
            first, second = _SPECIAL[word]
            cut = token.end - len(tail) - 1
            out.append(_part(token, first, token.start, cut, first=True))
            out.append(_part(token, second, cut, token.end, first=False))
        elif word in _IRREGULAR_NOT:
            out.append(_part(token, _IRREGULAR_NOT[word], token.start, token.end - 3, first=True))
            out.append(_part(token, "not", token.end - 3, token.end, first=False))
        elif tail == "t" and head.endswith("n"):
            out.append(_part(token, head[:-1], token.start, token.end - 3, first=True))
            out.append(_part(token, "not", token.end - 3, token.end, first=False))
        elif tail in _CONTRACTION_SUFFIXES and head:
            cut = token.end - len(tail) - 1
            out.append(_part(token, head, token.start, cut, first=True))
            out.append(_part(token, _CONTRACTION_SUFFIXES[tail], cut, token.end, first=False))
        else:
            out.append(token)
    return out


def _part(token: Token, norm: str, start: int, end: int, *, first: bool) -> Token:
    return Token(
        norm=norm,
        start=start,
        end=end,
        sentence=token.sentence,
        clause=token.clause,
        quoted=token.quoted,
        punct_before=token.punct_before if first else "",
    )


def candidate_forms(word: str) -> tuple[str, ...]:
    """Forms a rule may match for one normalised English token, the token itself first."""
    forms = [word, *_ALTERNATIVES.get(word, ())]
    if len(word) > 4 and word.endswith("ies"):
        forms.append(word[:-3] + "y")
    elif len(word) > 3 and word.endswith("es"):
        forms.extend((word[:-2], word[:-1]))
    elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        forms.append(word[:-1])
    if len(word) > 5 and word.endswith("ing"):
        forms.extend((word[:-3], word[:-3] + "e"))
    if len(word) > 4 and word.endswith("ed"):
        forms.extend((word[:-2], word[:-1]))
    if len(word) > 4 and word.endswith("ly"):
        forms.append(word[:-2])
    return tuple(dict.fromkeys(forms))


def split_text_contractions(text: Text) -> list[Token]:
    """Split the contractions of a whole tokenised text in place, re-pointing its sentences
    at the new token indexes; returns the new tokens (also ``text.tokens``)."""
    tokens: list[Token] = []
    for sentence in text.sentences:
        first = len(tokens)
        tokens.extend(split_contractions(text.tokens[sentence.first : sentence.stop]))
        sentence.first, sentence.stop = first, len(tokens)
    text.tokens = tokens
    return tokens
