"""The rule kinds: how each kind of rule finds hits in an analysed reply.

One class per kind of :mod:`rules`; each is built once from its YAML entry (patterns
compiled against the language's lexicon) and then called per reply.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz

from simulator.language.analysis import Analysis
from simulator.language.finnish import is_question_verb
from simulator.language.patterns import PatternSet
from simulator.language.rules import (
    CombineRule,
    JargonRule,
    OverlapRule,
    PhraseRule,
    QuestionRule,
    RegexRule,
    SentenceFilter,
)
from simulator.language.text import Sentence

Compile = Callable[[list[str]], PatternSet]


@dataclass(frozen=True, slots=True)
class Hit:
    """A signal found at a character span, in a given sentence of the reply."""

    signal: str
    start: int
    end: int
    sentence: int


def _sentence_ok(sentence: Sentence, wanted: SentenceFilter) -> bool:
    if wanted == "question":
        return sentence.question_mark
    if wanted == "statement":
        return not sentence.question_mark
    return True


def _colon_after(analysis: Analysis, end: int, sentence: Sentence) -> bool:
    """A ':' or ';' after token ``end``: the clause holding a match is not the question part."""
    return any(
        ":" in analysis.tokens[p].punct_before or ";" in analysis.tokens[p].punct_before
        for p in range(end, sentence.stop)
    )


def _span(analysis: Analysis, first: int, end: int, index: int, signal: str) -> Hit:
    return Hit(signal, analysis.tokens[first].start, analysis.tokens[end - 1].end, index)


def _sentence_hit(analysis: Analysis, index: int, signal: str) -> Hit:
    sentence = analysis.sentences[index]
    raw = analysis.text.original[sentence.start : sentence.end]
    start = sentence.start + (len(raw) - len(raw.lstrip()))
    end = sentence.start + len(raw.rstrip())
    return Hit(signal, start, max(start, end), index)


class Evaluator:
    """Base: exceptions drop hits whose sentence matches one of them."""

    signal: str

    def __init__(self, rule: PhraseRule | QuestionRule | RegexRule | OverlapRule | JargonRule, compile_: Compile):
        self.signal = rule.signal
        self.stages = frozenset(rule.stages) if rule.stages is not None else None
        self.exceptions = compile_(rule.exceptions)

    def hits(self, analysis: Analysis, prev: Analysis | None, stage: str | None = None) -> list[Hit]:
        if stage is not None and self.stages is not None and stage not in self.stages:
            return []
        found = self.find(analysis, prev)
        if not found or not self.exceptions:
            return found
        excepted: dict[int, bool] = {}
        kept = []
        for hit in found:
            if hit.sentence not in excepted:
                sentence = analysis.sentences[hit.sentence]
                excepted[hit.sentence] = not self.exceptions.first.isdisjoint(
                    analysis.sentence_atoms(hit.sentence)
                ) and bool(
                    self.exceptions.find(
                        analysis.atoms, sentence.first, sentence.stop, analysis.clause_anchors[hit.sentence]
                    )
                )
            if not excepted[hit.sentence]:
                kept.append(hit)
        return kept

    def find(self, analysis: Analysis, prev: Analysis | None) -> list[Hit]:
        raise NotImplementedError


class PhraseEvaluator(Evaluator):
    def __init__(self, rule: PhraseRule, compile_: Compile):
        super().__init__(rule, compile_)
        self.patterns = compile_(rule.patterns)
        self.sentence = rule.sentence
        self.include_quoted = rule.include_quoted
        self.comma_anchors = rule.anchor_after_comma

    def find(self, analysis: Analysis, prev: Analysis | None) -> list[Hit]:
        hits = []
        starters = self.patterns.first
        for index, sentence in enumerate(analysis.sentences):
            if self.sentence == "question" and not sentence.question_mark:
                continue
            if starters.isdisjoint(analysis.sentence_atoms(index)):
                continue
            skip = () if self.include_quoted else analysis.quoted(sentence)
            # '^' also at the very first token, so a pattern may start with a filler ("eli olet", "so you")
            anchors = analysis.clause_anchors[index] | {sentence.first}
            if self.comma_anchors:
                anchors = anchors | analysis.comma_anchors[index]
            for first, end in self.patterns.find(analysis.atoms, sentence.first, sentence.stop, anchors, skip):
                if self.sentence == "statement" and sentence.question_mark and not _colon_after(analysis, end, sentence):
                    continue
                hits.append(_span(analysis, first, end, index, self.signal))
        return hits


class QuestionEvaluator(Evaluator):
    """Open or closed question form, decided per sentence (see :class:`rules.QuestionRule`)."""

    def __init__(self, rule: QuestionRule, compile_: Compile, fillers: PatternSet):
        super().__init__(rule, compile_)
        self.rule = rule
        self.fillers = fillers
        self.heads = compile_(rule.heads)
        self.comma_heads = compile_(rule.comma_heads)
        self.requests = compile_(rule.requests)
        self.tags = compile_(rule.tags)
        self.choices = compile_(rule.choices)
        self.open_choices = compile_(rule.open_choices)
        self.other_heads = compile_(rule.other_heads)

    def find(self, analysis: Analysis, prev: Analysis | None) -> list[Hit]:
        hits = []
        for index, sentence in enumerate(analysis.sentences):
            if sentence.stop > sentence.first and self._asks(analysis, index, sentence):
                hits.append(_sentence_hit(analysis, index, self.signal))
        return hits

    def _head_positions(self, analysis: Analysis, index: int, sentence: Sentence) -> tuple[list[int], list[int]]:
        """Clause starts: (sentence start and after ':'/';', after ',')."""
        main = sorted(analysis.clause_anchors[index])
        comma = []
        for position in range(sentence.first + 1, sentence.stop):
            marks = analysis.tokens[position].punct_before
            if "," in marks and ":" not in marks and ";" not in marks:
                comma.append(analysis.skip_fillers(position, sentence.stop, self.fillers))
        return [p for p in main if p < sentence.stop], [p for p in comma if p < sentence.stop]

    def _is_head(self, analysis: Analysis, position: int, stop: int, patterns: PatternSet) -> bool:
        if analysis.tokens[position].quoted:
            return False
        if patterns.matches_at(analysis.atoms, position, stop) >= 0:
            return True
        return self.rule.question_verbs and is_question_verb(analysis.tokens[position].norm)

    def _other_head(self, analysis: Analysis, position: int, stop: int) -> bool:
        """Does a question of the other form start here?"""
        if self.other_heads.matches_at(analysis.atoms, position, stop) >= 0:
            return True
        return self.rule.other_question_verbs and is_question_verb(analysis.tokens[position].norm)

    def _asks(self, analysis: Analysis, index: int, sentence: Sentence) -> bool:
        rule = self.rule
        stop = sentence.stop
        main, comma = self._head_positions(analysis, index, sentence)
        unpunctuated = analysis.text.original[sentence.start : sentence.end].rstrip()[-1:] not in ".!?\u2026"
        interrogative = sentence.question_mark or unpunctuated
        head_clause = None
        for position in main:
            if self.requests.matches_at(analysis.atoms, position, stop) >= 0:
                head_clause = analysis.tokens[position].clause
                break
            if not interrogative or analysis.tokens[position].quoted:
                continue
            if self.heads.matches_at(analysis.atoms, position, stop) >= 0:
                head_clause = analysis.tokens[position].clause
                break
            if self._other_head(analysis, position, stop):
                continue  # "voisitko kertoa" is a request, not a yes/no question
            if rule.question_verbs and is_question_verb(analysis.tokens[position].norm):
                head_clause = analysis.tokens[position].clause
                break
        if head_clause is None:
            other_form_first = any(self._other_head(analysis, p, stop) for p in main)
            for position in comma:
                token = analysis.tokens[position]
                if self.requests.matches_at(analysis.atoms, position, stop) >= 0:
                    head_clause = token.clause
                    break
                if not sentence.question_mark or token.quoted:
                    continue
                # a -ko verb after a comma always asks; a relative-looking "mitä" only when
                # the sentence did not already start as a question of the other form
                if (rule.question_verbs and is_question_verb(token.norm)) or (
                    not other_form_first and self.comma_heads.matches_at(analysis.atoms, position, stop) >= 0
                ):
                    head_clause = token.clause
                    break
        choice = self._choice_clause(analysis, sentence)
        if rule.yields_to_choice and head_clause is not None and choice is not None and choice > head_clause:
            return False
        if head_clause is not None:
            return True
        if not sentence.question_mark:
            return False
        if choice is not None:
            return not rule.yields_to_choice  # offered options make a question closed, never open
        if self.tags and any(end == stop for _, end in self.tags.find(analysis.atoms, sentence.first, stop)):
            return True
        if any(self._other_head(analysis, p, stop) for p in main + comma):
            return False
        words = stop - sentence.first
        return rule.statements and words >= rule.min_statement_words

    def _choice_clause(self, analysis: Analysis, sentence: Sentence) -> int | None:
        """Clause index of an offered choice ("A vai B?"), unless the options are left open."""
        if not sentence.question_mark or not self.choices:
            return None
        found = self.choices.find(analysis.atoms, sentence.first, sentence.stop)
        if not found or self.open_choices.find(analysis.atoms, sentence.first, sentence.stop):
            return None
        return analysis.tokens[found[0][0]].clause


class RegexEvaluator(Evaluator):
    def __init__(self, rule: RegexRule, compile_: Compile):
        super().__init__(rule, compile_)
        self.regexes = [re.compile(expression) for expression in rule.regex]
        self.case_sensitive = rule.case_sensitive
        self.sentence = rule.sentence

    def find(self, analysis: Analysis, prev: Analysis | None) -> list[Hit]:
        hits = []
        norm = analysis.text.original if self.case_sensitive else analysis.text.norm
        for index, sentence in enumerate(analysis.sentences):
            if not _sentence_ok(sentence, self.sentence):
                continue
            for regex in self.regexes:
                for match in regex.finditer(norm, sentence.start, sentence.end):
                    if match.end() > match.start():
                        hits.append(Hit(self.signal, match.start(), match.end(), index))
        return hits


_MAX_FUZZY_WORDS = 80


class OverlapEvaluator(Evaluator):
    """A sentence sharing content words with the client's previous line."""

    def __init__(self, rule: OverlapRule, compile_: Compile):
        super().__init__(rule, compile_)
        self.rule = rule
        self.cues = compile_(rule.cues)
        self.stopwords = compile_(rule.stopwords)

    def _content(self, analysis: Analysis, first: int, stop: int) -> list[str]:
        words = []
        for position in range(first, stop):
            word = analysis.tokens[position].norm
            if len(word) < self.rule.min_word_length or not word.isalpha():
                continue
            if self.stopwords.matches_at(analysis.atoms, position, position + 1) >= 0:
                continue
            words.append(word)
        return words

    def _similar(self, a: str, b: str) -> bool:
        """Same word up to inflection: a shared stem of 4+ letters covering most of the shorter word,
        or close spelling of the first letters (consonant gradation: "kokki" / "kokin")."""
        shared = 0
        for x, y in zip(a, b):
            if x != y:
                break
            shared += 1
        if shared >= 4 and shared >= 0.6 * min(len(a), len(b)):
            return True
        return fuzz.ratio(a[:7], b[:7]) >= self.rule.similarity

    def find(self, analysis: Analysis, prev: Analysis | None) -> list[Hit]:
        if prev is None or not prev.tokens:
            return []
        prev_words = list(dict.fromkeys(self._content(prev, 0, len(prev.tokens))))[:_MAX_FUZZY_WORDS]
        prev_asked = bool(prev.sentences) and prev.sentences[-1].question_mark
        earlier_words: list[str] | None = None  # read only when a cued sentence needs them
        hits = []
        for index, sentence in enumerate(analysis.sentences):
            if not _sentence_ok(sentence, self.rule.sentence):
                continue
            words = self._content(analysis, sentence.first, sentence.stop)[:_MAX_FUZZY_WORDS]
            shared = sum(1 for p in prev_words if any(self._similar(p, w) for w in words))
            needed = self.rule.min_shared
            if prev_asked and self.rule.cue_only_after_question:
                needed = len(prev_words) + 1  # answering the client's question re-uses its words
            cued = bool(self.cues) and bool(self.cues.find(analysis.atoms, sentence.first, sentence.stop))
            if cued:
                needed = min(needed, self.rule.cue_min_shared)
            if shared >= needed and (shared > 0 or needed == 0):
                hits.append(_sentence_hit(analysis, index, self.signal))
            elif cued and analysis.earlier is not None:
                if earlier_words is None:
                    earlier_words = list(
                        dict.fromkeys(w for line in analysis.earlier() for w in self._content(line, 0, len(line.tokens)))
                    )[:_MAX_FUZZY_WORDS]
                if earlier_words and self._echoes(earlier_words, words):
                    hits.append(_sentence_hit(analysis, index, self.signal))  # echoing what the client said earlier
        return hits

    def _echoes(self, earlier: list[str], words: list[str]) -> bool:
        """Two or more of the client's earlier content words, with a reflection cue."""
        return sum(1 for p in earlier if any(self._similar(p, w) for w in words)) >= max(2, self.rule.cue_min_shared)


# An acronym as written: 2-6 capitals, then nothing, a case ending ("KEHAan", "TYP:hen") or a
# hyphenated compound ("TVP-lausunto", "KEHA-raportointiin").
_ACRONYM_RE = re.compile(r"([A-Z\u00c5\u00c4\u00d6]{2,6})(?:[:']?[a-z\u00e5\u00e4\u00f6]{1,5}|-[^\W\d_][\w-]*)?")

_CAPS_RE = re.compile(r"[A-Z\u00c5\u00c4\u00d6]{2}")


class JargonEvaluator(Evaluator):
    """Terms left unexplained: no explanation marker right after, not in or before brackets.

    With ``acronyms``, any acronym written in capitals (inflected or hyphenated too) counts as
    a term unless it is a well-known one (``known_acronyms``: TE, Kela, EU, CV...).
    """

    def __init__(self, rule: JargonRule, compile_: Compile):
        super().__init__(rule, compile_)
        self.terms = compile_(rule.terms)
        self.explained_by = compile_(rule.explained_by)
        self.window = rule.window
        self.explained_next = compile_(rule.explained_next)
        self.introduced_by = compile_(rule.introduced_by)
        self.acronyms = rule.acronyms
        self.known = frozenset(a.lower() for a in rule.known_acronyms)

    def _acronym_spans(self, analysis: Analysis, sentence: Sentence) -> list[tuple[int, int]]:
        original = analysis.text.original
        if not _CAPS_RE.search(original, sentence.start, sentence.end):
            return []
        letters = [c for c in original[sentence.start : sentence.end] if c.isalpha()]
        if letters and sum(c.isupper() for c in letters) > 0.6 * len(letters):
            return []  # a shouted sentence, not acronyms
        found = []
        for position in range(sentence.first, sentence.stop):
            token = analysis.tokens[position]
            match = _ACRONYM_RE.fullmatch(original[token.start : token.end])
            if match and match.group(1).lower() not in self.known and not token.quoted:
                found.append((position, position + 1))
        return found

    def _explained(self, analysis: Analysis, first: int, end: int, stop: int) -> bool:
        tokens = analysis.tokens
        if "(" in tokens[first].punct_before or (end < stop and "(" in tokens[end].punct_before):
            return True
        for position in range(end, min(stop, end + self.window + 1)):
            if self.explained_by.matches_at(analysis.atoms, position, stop) >= 0:
                return True
        if self.introduced_by:  # "so-called self-motivated study": named after being described
            for position in range(max(0, first - 2), first):
                if self.introduced_by.matches_at(analysis.atoms, position, first) == first:
                    return True
        return False

    def find(self, analysis: Analysis, prev: Analysis | None) -> list[Hit]:
        hits = []
        for index, sentence in enumerate(analysis.sentences):
            found = []
            if not self.terms.first.isdisjoint(analysis.sentence_atoms(index)):
                found = self.terms.find(analysis.atoms, sentence.first, sentence.stop)
            if self.acronyms:
                found = found + [span for span in self._acronym_spans(analysis, sentence) if span not in found]
            if found and self.explained_next and index + 1 < len(analysis.sentences):
                following = analysis.sentences[index + 1]
                if self.explained_next.matches_at(analysis.atoms, analysis.anchors[index + 1], following.stop) >= 0:
                    continue  # "FISE-pätevyys. Siinä arvioidaan ..." explains it right after
            for first, end in found:
                if analysis.tokens[first].quoted:
                    continue  # a quoted term is named, not used: "se 'alkukartoitus' mistä kirjeessä puhuttiin"
                if not self._explained(analysis, first, end, sentence.stop):
                    hits.append(_span(analysis, first, end, index, self.signal))
        return hits


class CombineEvaluator:
    """Adds or removes a signal given the others (applied after every matching rule)."""

    def __init__(self, rule: CombineRule):
        self.rule = rule
        self.signal = rule.signal

    def apply(self, hits: list[Hit]) -> list[Hit]:
        rule = self.rule
        groups: dict[int | None, list[Hit]] = {}  # sentence index -> its hits; None: the whole reply
        if rule.scope == "reply":
            groups[None] = hits
        else:
            for hit in hits:
                groups.setdefault(hit.sentence, []).append(hit)
        result = list(hits)
        for key, group in groups.items():
            present = {hit.signal for hit in group}
            if not self._holds(present):
                continue
            if rule.action == "remove":
                result = [h for h in result if not (h.signal == rule.signal and (key is None or h.sentence == key))]
            elif rule.signal not in present:
                trigger = next(h for h in group if h.signal in set(rule.if_all) | set(rule.if_any))
                result.append(Hit(rule.signal, trigger.start, trigger.end, trigger.sentence))
        return result

    def _holds(self, present: set[str]) -> bool:
        rule = self.rule
        if rule.if_all and not all(s in present for s in rule.if_all):
            return False
        if rule.if_any and not any(s in present for s in rule.if_any):
            return False
        if not rule.if_all and not rule.if_any and rule.action == "add":
            return False
        return not any(s in present for s in rule.unless_any)

