"""Features of a reply for the learned layer: word and character n-grams, and echoes of ``prev``.

The text goes through the rules' own normalisation (``text.tokenise``; Finnish colloquial
forms and clitics from ``finnish.candidate_forms``; English contractions split), then ä/ö/å
are folded to a/o so that "tarkeinta" and "tärkeintä" share their features. Every feature
remembers the token it came from, so the model can say which words weighed most.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from simulator.language import english, finnish
from simulator.language.text import Text, Token, tokenise

_FOLD = str.maketrans({"ä": "a", "ö": "o", "å": "a", "é": "e", "ü": "u"})
CHAR_NGRAMS = (3, 4, 5)
# Crude lemma: the standard form's first letters. Bigrams of these generalise across inflection
# ("sinun kannattaa" / "sinun kannattaisi", "your application" / "your applications"): +0.004
# macro-F1 cross-writer in both languages.
STEM = 5
# Words too common to show that the client's words came back (both languages, folded).
_STOP = frozenset(
    """mina sina han me te he se ne tama tuo etta kun jos niin mutta myos vain viela ole olla
    olen olet ollut oli ovat sita siita siina siella taalla nyt sitten kanssa joka mika mita
    miten miksi kuin aika ihan vaan ehka kylla the and you your that this with have what
    there they them then just about would could should will from were been into like
    mulla sulla mulle sulle mun sun ... """.split()
)


@dataclass(frozen=True)
class Features:
    """Feature names of one text, each with the token index it came from (-1: the whole reply)."""

    names: tuple[str, ...]
    origins: tuple[int, ...]
    tokens: tuple[Token, ...]
    text: Text


def fold(word: str) -> str:
    return word.translate(_FOLD)


def _tokens(raw: str, lang: str) -> tuple[Text, list[Token]]:
    text = tokenise(raw)
    if lang != "en":
        return text, text.tokens
    return text, english.split_text_contractions(text)


@functools.lru_cache(maxsize=65_536)  # bounded: a long-running server sees an open vocabulary
def _forms(word: str, lang: str) -> tuple[str, ...]:
    """Folded candidate forms, the standard form first (colloquial ``mä`` -> ``mina``)."""
    if lang == "en":
        forms = english.candidate_forms(word)
    else:
        forms = finnish.candidate_forms(word)
        standard = finnish.COLLOQUIAL.get(word)
        if standard:
            forms = (standard[0], *forms)
    return tuple(dict.fromkeys(fold(form) for form in forms if form))


def _stems(tokens: list[Token], lang: str) -> set[str]:
    stems = set()
    for token in tokens:
        form = _forms(token.norm, lang)[0]
        if len(form) >= 4 and form.isalpha() and form not in _STOP:
            stems.add(form[:5])
    return stems


@functools.lru_cache(maxsize=1024)  # the client's line is read again for every reply to it
def _prev_stems(prev: str, lang: str) -> frozenset[str]:
    return frozenset(_stems(_tokens(prev, lang)[1], lang))


def extract(raw: str, lang: str, prev: str | None = None, sentence: int | None = None) -> Features:
    """Features of ``raw`` (or of one of its sentences), ``prev`` being the client's line before."""
    text, tokens = _tokens(raw, lang)
    if sentence is not None:
        bounds = text.sentences[sentence]
        indexes = range(bounds.first, bounds.stop)
        question = bounds.question_mark
    else:
        indexes = range(len(tokens))
        question = any(s.question_mark for s in text.sentences)
    names: list[str] = ["bias"]
    origins: list[int] = [-1]
    if question:
        names.append("q?")
        origins.append(-1)
    previous_form = previous_stem = "^"
    last_sentence = -1
    for index in indexes:
        token = tokens[index]
        forms = _forms(token.norm, lang)
        if not forms:
            continue
        head = forms[0]
        if token.sentence != last_sentence:
            previous_form, previous_stem, last_sentence = "^", "^", token.sentence
        for form in forms:
            names.append("w:" + form)
            origins.append(index)
        names.append(f"b:{previous_form} {head}")
        origins.append(index)
        stem = head[:STEM] if head.isalpha() else head
        if stem != head:
            names.append("s:" + stem)
            origins.append(index)
        names.append(f"t:{previous_stem} {stem}")
        origins.append(index)
        previous_form, previous_stem = head, stem
        padded = f" {head} "
        for size in CHAR_NGRAMS:
            for start in range(max(1, len(padded) - size + 1)):
                names.append(f"c:{padded[start:start + size]}")
                origins.append(index)
    if prev:
        mine = _stems([tokens[i] for i in indexes], lang)
        shared = mine & _prev_stems(prev, lang)
        names.append("p:has")
        origins.append(-1)
        for level in range(1, min(len(shared), 4) + 1):
            names.append(f"p:shared{level}")
            origins.append(-1)
        if mine and len(shared) * 3 >= len(mine):
            names.append("p:mostly")
            origins.append(-1)
        for index in indexes:  # a shared word points at the echo
            form = _forms(tokens[index].norm, lang)[0]
            if form[:5] in shared and len(form) >= 4:
                names.append("p:echo")
                origins.append(index)
    return Features(tuple(names), tuple(origins), tuple(tokens), text)
