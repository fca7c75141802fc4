"""Matching a text against a scenario's example sentences (topic questions, key-point
explanations): the scoring under ``intent.route``.

Why this shape: the scripted client must stay offline, deterministic and explainable, and
still understand wordings the author never wrote. Each text becomes a list of *units*
(one per content word), each unit a set of keys: the word's candidate forms from the
language layer (colloquial ``sulla`` -> ``sinulla``, clitics peeled, English suffixes
stripped), folded so a missing ``ä``/``ö`` does not matter, plus short prefixes that
stand in for Finnish inflection (``lapsia``, ``lapset``, ``lapsesi``). Units are weighted
by how rare their word is among the items (IDF), so ``lapsi`` counts and ``sinulla`` does
not. A query is scored against every example of an item (F1 of matched weight) and
against the item's whole vocabulary, so a new wording that borrows words from several
examples still lands. A word unknown to the scenario is looked up with rapidfuzz among
the known ones, which forgives typos.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from simulator.engine.question_types import question_types
from simulator.language import english, finnish
from simulator.language.text import Text, tokenise

_FOLD = str.maketrans({"ä": "a", "ö": "o", "å": "a", "é": "e", "ü": "u"})

# Function words that say nothing about what is asked (folded: no ä/ö).
STOPWORDS: dict[str, frozenset[str]] = {
    "fi": frozenset(
        """
        mina sina han me te he minun sinun hanen meidan teidan heidan minulla sinulla teilla
        meilla heilla hanella minulle sinulle teille minua sinua teita sinut teidat minut
        minusta sinusta teista itse itsesi itsestasi itsestanne ma sa mun sun
        on ole olen olet olette ovat oli olit olitte olla ollut olisi olisit olisitte ei en et
        ette eivat ja tai etta kuin kun jos mutta se ne tama tuo nama nuo sita sen siita
        nyt vahan hieman muuten oikein sitten ihan niin no joo okei hei moi juu kylla
        kerro kertoa kertoisit kertoisitko kerrotko kertoisitteko kerrotteko voisit voisitko
        voisitteko voitko voitteko voisi haluan haluaisin saanko saisinko kysya kysyn kysyisin
        tietaa tieda mielellani viela myos tassa jo
        """.split()
    ),
    "en": frozenset(
        """
        the a an you your yours yourself i me my we our us is are was were be been being am
        do does did done have has had can could would will shall should may might to of in
        on at for and or so tell about please bit little just okay ok now any some there
        that this it its with like really maybe also then well if know let up out get got
        """.split()
    ),
}

# Words that open a question even without a question mark.
_QUESTION_WORDS: dict[str, frozenset[str]] = {
    "fi": frozenset(
        "mita mika mitka missa mista mihin milloin miksi miten kuinka kuka ketka kenen kenelle "
        "keta montako monta millainen millaisia millaista minkalainen minka paljonko kauanko "
        "mites miks mihi mis mist keita kenet keneen kenella kenesta minne montaks kauanks "
        "kerro kertoisitko kerrotko kertoisitteko kuvaile".split()
    ),
    "en": frozenset(
        "what where when why how who whom whose which tell describe do does did are is was "
        "were have has had can could would will may shall".split()
    ),
}

# Colloquial question words and the standard ones they stand for ("mis sä asut" ~ "missä asut").
_QUESTION_ALIASES: dict[str, dict[str, str]] = {
    "fi": {"mis": "missa", "mist": "mista", "miks": "miksi", "mihi": "mihin", "mites": "miten", "montaks": "montako", "kauanks": "kauanko"},
}

GENERAL = "_general"  # the built-in item of general invitations to talk (see intent.py)
_PREFIXES = ((6, 0.9), (5, 0.8))  # prefix length -> match weight
# A four-letter stem, weakly: "asut" meets "asutte" (set on the authors' held-out examples:
# 55.3 % routed right instead of 54.4 %, wrong 15.8 % instead of 15.9 %).
_SHORT_PREFIX = (4, 0.5)
_FUZZY_CUTOFF = 86.0
QUESTION_WORD_WEIGHT = 0.5  # a question word helps tell items apart, at half a word's weight
CONCEPT_WEIGHT = 0.6  # a word of the same concept group (kids ~ children) counts this much
KEY_SHARE_POWER = 0.5  # how strongly a key shared by many items is discounted
# A question's type (who, where, how long ...) against the types an item answers: the fit
# is added, a miss subtracted (set on the authors' examples held out one at a time).
TYPE_BONUS = 0.06
TYPE_PENALTY = 0.06


def fold(word: str) -> str:
    return word.translate(_FOLD)


@dataclass(frozen=True, slots=True)
class Unit:
    """One content word: its keys (forms and prefixes) with the weight each match earns.

    A question word (``missä``, ``how``) helps tell topics apart but never matches alone.
    """

    keys: tuple[tuple[str, float], ...]
    head: str  # the folded word itself, for IDF and the fuzzy look-up
    asks: bool = False


def _forms(word: str, language: str) -> tuple[str, ...]:
    if language == "fi":
        return finnish.candidate_forms(word)
    return english.candidate_forms(word)


def _word_keys(form: str) -> dict[str, float]:
    """A folded form and its short prefixes (which stand in for inflection)."""
    keys = {form: 1.0}
    for length, weight in _PREFIXES:
        if len(form) > length:
            keys[f"{form[:length]}~"] = weight
    length, weight = _SHORT_PREFIX
    if len(form) >= length:
        keys.setdefault(f"{form[:length]}~", weight)
    return keys


@lru_cache(maxsize=4)
def _concepts(language: str) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[tuple[str, str], ...]]]:
    """The language's concept groups: exact words and stems (by first three letters)."""
    path = Path(__file__).with_name("concepts") / f"{language}.yaml"
    if not path.exists():
        return {}, {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    exact: dict[str, list[str]] = defaultdict(list)
    stems: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for group, words in data.items():
        for word in words:
            folded = fold(str(word).lower())
            if folded.endswith("*"):
                stem = folded[:-1]
                stems[stem[:3]].append((stem, str(group)))
            else:
                for part in folded.split():
                    exact[part].append(str(group))
    return (
        {word: tuple(groups) for word, groups in exact.items()},
        {head: tuple(items) for head, items in stems.items()},
    )


@lru_cache(maxsize=65536)
def concept_keys(form: str, language: str) -> tuple[str, ...]:
    """The concept groups a folded word form belongs to, as ``@group`` keys."""
    exact, stems = _concepts(language)
    groups = set(exact.get(form, ()))
    groups.update(group for stem, group in stems.get(form[:3], ()) if form.startswith(stem))
    return tuple(sorted(f"@{group}" for group in groups))


def _signature(units: list[Unit]) -> tuple[str, ...]:
    return tuple(sorted(unit.head for unit in units))


def units_of(tokens: Iterable[str], language: str) -> list[Unit]:
    """The content words of ``tokens`` as matchable units (stop words and numbers dropped)."""
    out: list[Unit] = []
    for raw in tokens:
        unit = unit_of(raw, language)
        if unit is not None:
            out.append(unit)
    return out


@lru_cache(maxsize=65536)
def unit_of(raw: str, language: str) -> Unit | None:
    """One word as a unit, or None for a stop word or a number (cached: words recur)."""
    stop = STOPWORDS.get(language, frozenset())
    word = raw.strip("'-:")
    if not word or word.isdigit():
        return None
    forms = {fold(form) for form in _forms(word, language)}
    forms.add(fold(word))
    alias = _QUESTION_ALIASES.get(language, {}).get(fold(word))
    if alias:
        forms.add(alias)
    if fold(word) in stop or forms & stop and len(word) <= 6:
        return None
    keys: dict[str, float] = {}
    for form in forms:
        for key, weight in _word_keys(form).items():
            keys[key] = max(keys.get(key, 0.0), weight)
        for key in concept_keys(form, language):
            keys[key] = max(keys.get(key, 0.0), CONCEPT_WEIGHT)
    asks = fold(word) in _QUESTION_WORDS.get(language, frozenset())
    return Unit(keys=tuple(keys.items()), head=fold(word), asks=asks)


def words_of(text: Text, language: str) -> list[str]:
    tokens = text.tokens
    if language == "en":
        tokens = english.split_contractions(tokens)
    return [token.norm for token in tokens]


def types_of(words: Sequence[str], language: str) -> frozenset[str]:
    """The question types of normalised words (folded here, as the matcher sees them)."""
    return question_types([fold(word) for word in words], language)


@dataclass(frozen=True)
class Match:
    """One item and how close the query came to it (0-1)."""

    item: str
    score: float


@dataclass
class IntentIndex:
    """Every example of every item (topic or key point) of one scenario, ready to score."""

    language: str
    items: list[str]
    examples: list[tuple[int, list[Unit]]] = field(default_factory=list)  # (item index, units)
    postings: dict[str, list[tuple[int, int, float]]] = field(default_factory=dict)  # key -> (example, unit, w)
    item_keys: list[dict[str, float]] = field(default_factory=list)  # item -> key -> best weight
    idf: dict[str, float] = field(default_factory=dict)  # head word -> weight
    key_share: dict[str, float] = field(default_factory=dict)  # key -> how much it tells items apart (0-1]
    vocabulary: list[str] = field(default_factory=list)
    max_idf: float = 1.0
    exact: dict[tuple[str, ...], int] = field(default_factory=dict)  # an example's words -> item
    key_items: dict[str, dict[int, float]] = field(default_factory=dict)  # key -> item -> best weight
    example_mass: list[float] = field(default_factory=list)
    example_types: list[frozenset[str]] = field(default_factory=list)  # question types of each example
    declared_types: list[frozenset[str]] = field(default_factory=list)  # item -> types its author declared
    inferred_types: list[frozenset[str]] = field(default_factory=list)  # item -> types of its examples
    expanded: dict[Unit, Unit] = field(default_factory=dict)  # the fuzzy look-up, remembered

    @classmethod
    def build(
        cls,
        language: str,
        items: Sequence[tuple[str, Sequence[str]]],
        declared: Sequence[Iterable[str]] | None = None,
    ) -> "IntentIndex":
        """``declared`` gives each item the question types it answers (empty: inferred
        from its examples)."""
        index = cls(language=language, items=[item for item, _ in items])
        index.declared_types = [frozenset(types) for types in (declared or [()] * len(items))]
        df: dict[str, set[int]] = defaultdict(set)
        index.item_keys = [{} for _ in items]
        for item_no, (_, texts) in enumerate(items):
            for example in texts:
                words = words_of(tokenise(example), language)
                units = units_of(words, language)
                example_no = len(index.examples)
                index.examples.append((item_no, units))
                index.example_types.append(question_types([fold(word) for word in words], language))
                signature = _signature(units)
                known = index.exact.get(signature)
                if known is None or (known >= 0 and index.items[known] == GENERAL):
                    index.exact[signature] = item_no  # a topic's wording beats a general one
                elif known != item_no and items[item_no][0] != GENERAL:
                    index.exact[signature] = -1  # the same words in two topics: no shortcut
                for unit_no, unit in enumerate(units):
                    df[unit.head].add(item_no)
                    for key, weight in unit.keys:
                        index.postings.setdefault(key, []).append((example_no, unit_no, weight))
                        vocabulary = index.item_keys[item_no]
                        vocabulary[key] = max(vocabulary.get(key, 0.0), weight)
        total = max(1, len(items))
        key_items: dict[str, set[int]] = defaultdict(set)
        for item_no, vocabulary in enumerate(index.item_keys):
            for key in vocabulary:
                key_items[key].add(item_no)
        top = math.log(1.0 + total)
        index.key_share = {key: math.log(1.0 + total / len(owners)) / top for key, owners in key_items.items()}
        index.idf = {head: math.log(1.0 + total / len(owners)) for head, owners in df.items()}
        index.max_idf = math.log(1.0 + total)
        index.vocabulary = sorted(df)
        for item_no, vocabulary in enumerate(index.item_keys):
            for key, weight in vocabulary.items():
                index.key_items.setdefault(key, {})[item_no] = weight
        index.inferred_types = [frozenset() for _ in items]
        for example_no, (item_no, _) in enumerate(index.examples):
            index.inferred_types[item_no] |= index.example_types[example_no]
        index.example_mass = [sum(index._known_weight(unit) for unit in units) or 1.0 for _, units in index.examples]
        return index

    def _weight(self, unit: Unit) -> float:
        return self._base_weight(unit) * (QUESTION_WORD_WEIGHT if unit.asks else 1.0)

    def _base_weight(self, unit: Unit) -> float:
        known = self.idf.get(unit.head)
        if known is not None:
            return known
        best = 0.0
        for key, _ in unit.keys:  # an inflected form of a known word shares a prefix key
            for example_no, unit_no, _ in self.postings.get(key, ())[:1]:
                best = max(best, self.idf.get(self.examples[example_no][1][unit_no].head, 0.0))
        return best or self.max_idf

    def _exact_elsewhere(self, query: list[Unit], exclude: int) -> bool:
        """Another example of the same item has the same words as the held-out one."""
        signature = _signature(query)
        return any(
            number != exclude and owner == self.examples[exclude][0] and _signature(units) == signature
            for number, (owner, units) in enumerate(self.examples)
        )

    def _share(self, key: str) -> float:
        """A key counts less the more items share it (measured on held-out examples: a
        discount on loose keys only routed more questions to the wrong topic)."""
        return math.pow(self.key_share.get(key, 1.0), KEY_SHARE_POWER)

    def _keys_without(self, item_no: int, exclude: int | None) -> dict[str, float]:
        """An item's vocabulary without one example (held-out validation must not see it)."""
        known: dict[str, float] = {}
        for example_no, (owner, units) in enumerate(self.examples):
            if owner != item_no or example_no == exclude:
                continue
            for unit in units:
                for key, weight in unit.keys:
                    known[key] = max(known.get(key, 0.0), weight)
        return known

    def _known_weight(self, unit: Unit) -> float:
        weight = self.idf.get(unit.head, self.max_idf)
        return weight * (QUESTION_WORD_WEIGHT if unit.asks else 1.0)

    def _expand(self, unit: Unit) -> Unit:
        """A word the scenario never uses gets the keys of its closest known word (typos)."""
        known = self.expanded.get(unit)
        if known is not None:
            return known
        result = unit
        if not any(key in self.postings for key, _ in unit.keys) and len(unit.head) >= 4 and self.vocabulary:
            hit = process.extractOne(unit.head, self.vocabulary, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
            if hit is not None:
                keys = dict(unit.keys)
                for key, weight in _word_keys(hit[0]).items():
                    keys.setdefault(key, weight * 0.85)
                result = Unit(keys=tuple(keys.items()), head=hit[0], asks=unit.asks)
        if len(self.expanded) < 20_000:
            self.expanded[unit] = result
        return result

    def score(self, text: str | Text) -> list[Match]:
        """Every item with a score above zero, best first."""
        parsed = tokenise(text) if isinstance(text, str) else text
        words = words_of(parsed, self.language)
        return self.score_units(units_of(words, self.language), types=types_of(words, self.language))

    def item_types(self, item_no: int, exclude: int | None = None) -> frozenset[str]:
        """The question types an item answers: declared, else those of its examples."""
        if self.declared_types and self.declared_types[item_no]:
            return self.declared_types[item_no]
        if exclude is None or self.examples[exclude][0] != item_no:
            return self.inferred_types[item_no]
        found: set[str] = set()
        for example_no, (owner, _) in enumerate(self.examples):
            if owner == item_no and example_no != exclude:
                found |= self.example_types[example_no]
        return frozenset(found)

    def score_units(self, query: list[Unit], exclude: int | None = None, types: frozenset[str] = frozenset()) -> list[Match]:
        """Scores of ``query``; ``exclude`` leaves one example out (validation's held-out check);
        ``types`` are the question types the query asks (``question_types``)."""
        if not query:
            return []
        exact = self.exact.get(_signature(query))
        if exact is not None and exact >= 0 and (exclude is None or self.examples[exclude][0] != exact or self._exact_elsewhere(query, exclude)):
            return [Match(self.items[exact], 1.0)]  # an author's own wording (up to case, ä/ö and stop words)
        query = [self._expand(unit) for unit in query]
        if all(unit.asks for unit in query):  # "Kauanko?" alone: the question word is the content
            query = [Unit(keys=unit.keys, head=unit.head) for unit in query]
        weights = [self._weight(unit) for unit in query]
        query_mass = sum(weights)
        # best[example][query unit] and which example units were matched
        per_example: dict[int, dict[int, float]] = defaultdict(dict)
        hit_units: dict[int, dict[int, float]] = defaultdict(dict)
        for q_no, unit in enumerate(query):
            for key, q_weight in unit.keys:
                share = self._share(key)
                for example_no, unit_no, e_weight in self.postings.get(key, ()):
                    value = min(q_weight, e_weight) * share
                    row = per_example[example_no]
                    if value > row.get(q_no, 0.0):
                        row[q_no] = value
                    hits = hit_units[example_no]
                    if value > hits.get(unit_no, 0.0):
                        hits[unit_no] = value
        best: dict[int, float] = defaultdict(float)
        for example_no, row in per_example.items():
            if example_no == exclude or all(query[q_no].asks for q_no in row):
                continue  # only question words in common: "mikä" alone says nothing
            item_no, units = self.examples[example_no]
            matched = sum(weights[q_no] * value for q_no, value in row.items())
            example_mass = self.example_mass[example_no]
            example_hit = sum(
                self._known_weight(units[unit_no]) * value for unit_no, value in hit_units[example_no].items()
            )
            precision = matched / query_mass
            recall = min(1.0, example_hit / example_mass)
            f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
            best[item_no] = max(best[item_no], f1)
        out = []
        held_item = self.examples[exclude][0] if exclude is not None else None
        covered: dict[int, float] = defaultdict(float)
        for unit, weight in zip(query, weights):
            best_here: dict[int, float] = {}
            for key, q_weight in unit.keys:
                share = self._share(key)
                for item_no, i_weight in self.key_items.get(key, {}).items():
                    value = min(q_weight, i_weight) * share
                    if value > best_here.get(item_no, 0.0):
                        best_here[item_no] = value
            for item_no, value in best_here.items():
                covered[item_no] += weight * value
        if held_item is not None:  # validation: the held-out item's vocabulary without that example
            known = self._keys_without(held_item, exclude)
            covered[held_item] = sum(
                weight * max((min(q_weight, known.get(key, 0.0)) * self._share(key) for key, q_weight in unit.keys), default=0.0)
                for unit, weight in zip(query, weights)
            )
        for item_no, example_score in best.items():
            coverage = covered.get(item_no, 0.0) / query_mass
            score = 0.7 * example_score + 0.3 * coverage
            if types:
                score += TYPE_BONUS if types & self.item_types(item_no, exclude) else -TYPE_PENALTY
            out.append(Match(self.items[item_no], round(min(1.0, max(0.0, score)), 4)))
        return sorted(out, key=lambda match: (-match.score, self.items.index(match.item)))
