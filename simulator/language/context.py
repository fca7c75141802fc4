"""The meeting around a reply: what changes the meaning of the worker's words.

A rule reads one reply; some readings need the meeting. A word the client used earlier is
no jargon and no hurry when the worker echoes it back ("Aika loppui kesken", "IV lines");
a persona may know a term that is jargon to others (a nurse: "IV") or not know an
everyday-looking one (an A1 newcomer: "alkukartoitus"); and a reply in a language the
client does not follow, or with no words at all, reaches nobody.

:class:`MeetingContext` is optional everywhere: ``simulator detect`` reads each reply
on its own, as the detection contract says.
"""

from __future__ import annotations

import functools
import os.path
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from simulator.language.analysis import Analysis
from simulator.language.kinds import Hit
from simulator.language.text import tokenise

# Signals a word the client used first cannot make: the worker is echoing the client.
ECHO_SIGNALS = frozenset({"jargon", "hurry"})

# whether the term at tokens [first, end) is explained before token ``stop`` (the jargon rules' test)
Explained = Callable[[Analysis, int, int, int], bool]

# Helper signals (leading "_" in the rule files) that the session may read as context marks,
# plus the marks this module and the scoring make. None of them is one of the 27 signals of
# the detection contract; `simulator detect` never reports them.
RULE_MARKS: tuple[str, ...] = ("threat", "dismissal", "closed_check", "client_recap", "advice_signpost")
LANGUAGE_MARKS: tuple[str, ...] = ("wrong_language", "no_words")
MEETING_MARKS: tuple[str, ...] = ("computer_while_telling",)  # made by meeting_marks (below)
# "repetition" is made by the scoring (a reply repeating an earlier one of the worker's)
MARKS: tuple[str, ...] = (*RULE_MARKS, *LANGUAGE_MARKS, *MEETING_MARKS, "repetition")


@dataclass(frozen=True)
class MeetingContext:
    """What the detector may know of the meeting: the client's earlier lines and the persona's words."""

    client_lines: tuple[str, ...] = ()
    knows_words: tuple[str, ...] = ()
    unknown_words: tuple[str, ...] = ()
    speaks: tuple[str, ...] = ()
    _words: frozenset[str] = field(default=frozenset(), compare=False, repr=False)
    _explained: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    @classmethod
    def of(
        cls,
        client_lines: Iterable[str] = (),
        knows_words: Iterable[str] = (),
        unknown_words: Iterable[str] = (),
        speaks: Iterable[str] = (),
        explained: Iterable[str] = (),
    ) -> "MeetingContext":
        """``explained``: the worker's earlier replies with their unexplained terms blanked out
        (a term explained once is not jargon again later in the meeting)."""
        lines = tuple(line for line in client_lines if isinstance(line, str))
        words = _words_of(lines)
        return cls(lines, tuple(knows_words), tuple(unknown_words), tuple(speaks), words, _words_of(explained))

    @property
    def last_client_line(self) -> str | None:
        return self.client_lines[-1] if self.client_lines else None


def _words_of(lines: Iterable[str]) -> frozenset[str]:
    return frozenset().union(*(_line_words(line) for line in lines if isinstance(line, str)))


@functools.lru_cache(maxsize=4096)
def _line_words(line: str) -> frozenset[str]:
    """The normalised words of one line; cached, since a meeting re-reads its lines every turn."""
    words = {t.norm for t in tokenise(line[:2000]).tokens if any(c.isalpha() for c in t.norm)}
    return frozenset(words | {w.split("-", 1)[0] for w in words if "-" in w})  # "FISE-pätevyys" names FISE


def same_word(a: str, b: str) -> bool:
    """The same word up to inflection: equal, or a shared start of 4+ letters covering most
    of the shorter word ("kesken"/"keskeN", "työpaja"/"työpajaan")."""
    if a == b:
        return True
    shared = len(os.path.commonprefix([a, b]))
    return shared >= 4 and shared >= 0.7 * min(len(a), len(b))


def _inflects(token: str, term: str) -> bool:
    """``token`` is ``term`` inflected: it keeps most of the term, not just a shared start
    ("oppisopimuksessa" is "oppisopimus"; "asia" is not "asiakkuus", "muutu" not "muutoksenhaku")."""
    if token.startswith(term):
        return True
    shared = len(os.path.commonprefix([token, term]))
    return shared >= 4 and shared >= 0.7 * len(term)


def _content_norms(analysis: Analysis, hit: Hit) -> list[str]:
    return [
        t.norm
        for t in analysis.tokens
        if t.start >= hit.start and t.end <= hit.end and sum(c.isalpha() for c in t.norm) >= 2
    ]


def _in(words: Iterable[str], norm: str) -> bool:
    return any(same_word(norm, word) for word in words)


def echoed(analysis: Analysis, hit: Hit, context: MeetingContext, words: frozenset[str] | None = None) -> bool:
    """Every word of the hit was said by the client earlier in the meeting (or is in ``words``)."""
    norms = [n.split("-", 1)[0] if "-" in n else n for n in _content_norms(analysis, hit)]  # the term of a compound
    norms = [n for n in norms if len(n) >= 2]
    long = [n for n in norms if len(n) >= 4] or norms
    pool = context._words if words is None else words
    return bool(long) and all(_in(pool, norm) for norm in long)


def known_to_client(analysis: Analysis, hit: Hit, context: MeetingContext) -> bool:
    """The hit names a term the persona knows (``Persona.knows_words``)."""
    known = [w.lower() for w in context.knows_words]
    text = analysis.text.norm[hit.start : hit.end]
    whole_words = any(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) for word in known)  # "iv" is not in "activation"
    return whole_words or any(_in(known, n) for n in _content_norms(analysis, hit))


def unknown_word_hits(analysis: Analysis, context: MeetingContext, explained: Explained) -> list[Hit]:
    """Jargon hits for the persona's ``unknown_words``, unless quoted or explained right there."""
    hits = []
    for word in context.unknown_words:
        parts = word.lower().split()
        if not parts:
            continue
        head = parts[0][:4]
        for position, token in enumerate(analysis.tokens):
            if not token.norm.startswith(head) or token.quoted or not _inflects(token.norm, parts[0]):
                continue  # the cheap prefix test first: most words share nothing with the term
            end = position + len(parts)
            if end > len(analysis.tokens) or not all(
                _inflects(analysis.tokens[position + i].norm, part) for i, part in enumerate(parts[1:], 1)
            ):
                continue
            sentence = next(
                (i for i, s in enumerate(analysis.sentences) if s.first <= position < s.stop), len(analysis.sentences) - 1
            )
            hit = Hit("jargon", token.start, analysis.tokens[end - 1].end, sentence)
            if echoed(analysis, hit, context) or explained(analysis, position, end, analysis.sentences[sentence].stop):
                continue
            hits.append(hit)
    return hits


def apply_context(analysis: Analysis, hits: list[Hit], context: MeetingContext | None, explained: Explained) -> list[Hit]:
    """Drop what the meeting shows is no fault; add the persona's unknown words as jargon."""
    if context is None:
        return hits
    kept = []
    for hit in hits:
        if hit.signal in ECHO_SIGNALS and echoed(analysis, hit, context):
            continue
        if hit.signal == "jargon" and context.knows_words and known_to_client(analysis, hit, context):
            continue
        if hit.signal == "jargon" and context._explained and echoed(analysis, hit, context, context._explained):
            continue  # explained earlier in the meeting
        kept.append(hit)
    if context.unknown_words:
        present = {(h.start, h.end) for h in kept if h.signal == "jargon"}
        kept += [h for h in unknown_word_hits(analysis, context, explained) if (h.start, h.end) not in present]
    return kept


# ------------------------------------------------------------------ language of a reply

_WORD_RE = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
_FUNCTION_WORDS = {
    "fi": frozenset(
        """ja on ei en et se että mitä mikä miten sinä sä sinun sun sulla sinulla minä mä mun minun me meillä
        olen oon olet oot ole kanssa nyt niin kun mutta voi voit tämä tää tässä siitä sitä kiitos hei moi
        joo kyllä tänään mitään vielä jos myös sitten sit tai vai onko onks mistä missä kerro""".split()
    ),
    "en": frozenset(
        """the and you your is are to of i it what how that we can have do does thank thanks hi hello
        this with for about me my here there will would could please yes no not today tell be was
        so if or but just let our us""".split()
    ),
}


def reply_language(text: str) -> str | None:
    """"fi" or "en" when the reply is clearly in one of them (by function words and ä/ö), else None."""
    words = [w.lower() for w in _WORD_RE.findall(text)]
    if not words:
        return None
    scores = {lang: sum(w in vocab for w in words) for lang, vocab in _FUNCTION_WORDS.items()}
    scores["fi"] += sum(1 for w in words if "ä" in w or "ö" in w)
    best = max(scores, key=scores.__getitem__)
    other = min(scores, key=scores.__getitem__)
    if scores[best] >= 2 and scores[best] >= 2 * max(1, scores[other]):
        return best
    return None


def language_marks(text: str, language: str, speaks: Sequence[str] = ()) -> list[str]:
    """``no_words`` for a reply without a word, ``wrong_language`` for one the client cannot follow."""
    if not _WORD_RE.search(text or ""):
        return ["no_words"]
    understood = {language, *speaks}
    found = reply_language(text)
    return ["wrong_language"] if found is not None and found not in understood else []


# ------------------------------------------------------------------ the client telling about themselves

_FIRST_PERSON = {
    "fi": frozenset("minä mä mulla minulla mun minun mulle minulle minua mua musta minusta olin olen oon mää mie".split()),
    "en": frozenset("i my me mine myself i'm i've i'd i'll im".split()),
}


def telling_about_self(client_line: str | None, language: str) -> bool:
    """The client's line tells about themselves: six words or more, two of them first person."""
    if not client_line:
        return False
    words = [w.lower() for w in _WORD_RE.findall(client_line)]
    own = _FIRST_PERSON.get(language, frozenset())
    return len(words) >= 6 and sum(w in own for w in words) >= 2


def meeting_marks(signals: set[str], client_line: str | None, language: str) -> list[str]:
    """``computer_while_telling``: the worker turns to the computer (not to show something on
    screen) right after the client told about themselves; a fault in every stage."""
    if "computer_focus" in signals and "visual_aid" not in signals and telling_about_self(client_line, language):
        return ["computer_while_telling"]
    return []
