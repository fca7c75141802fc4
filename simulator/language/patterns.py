"""Compiled word patterns and the vocabulary index behind them.

Every distinct word item in the rules (``kiire*``, ``tervetuloa``) is an *atom* with an
id. A token is looked up once (memoised) into the set of atom ids it satisfies: dict
lookups on each candidate form and each of its prefixes, and only when nothing matched
and the word is long, a typo check against the few atoms sharing its first letter. A
pattern is then matched by comparing small integer sets, starting only at tokens that
satisfy its first item; no rule is scanned per reply unless its first word occurs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from simulator.language.text import Token

DEFAULT_GAP = 4
_NUM_ATOM = 0  # reserved atom id for "#num"
_CACHE_LIMIT = 50_000
# Typo tolerance only where a slip cannot turn one real word into another: long stems and
# long whole words, one edit. Shorter Finnish forms differ by one letter all the time
# ("näyttää" / "näyttö", "koneista" / "koneesta").
_FUZZY_MIN_STEM = 7
_FUZZY_MIN_WORD = 9
_FUZZY_MIN_TOKEN = 8


@dataclass(frozen=True, slots=True)
class Item:
    """One position of a pattern: any of ``atoms``; optional; up to ``gap`` tokens may precede it."""

    atoms: frozenset[int]
    optional: bool = False
    gap: int = 0


@dataclass(frozen=True, slots=True)
class CompiledPattern:
    """A word pattern ready to match; ``source`` is the YAML text for debugging."""

    source: str
    items: tuple[Item, ...]
    anchored: bool
    to_end: bool


class Lexicon:
    """Atoms of one language's rules and the token -> atom-ids lookup."""

    def __init__(self, forms: Callable[[str], tuple[str, ...]]):
        self._forms = forms
        self._ids: dict[tuple[str, str], int] = {("num", ""): _NUM_ATOM}
        self._exact: dict[str, set[int]] = {}
        self._prefix: dict[str, set[int]] = {}
        self._fuzzy_buckets: dict[str, list[tuple[str, bool, int]]] = {}
        self._cache: dict[str, frozenset[int]] = {}
        self._max_prefix = 0

    def atom(self, text: str) -> int:
        """The id of an atom written as ``word``, ``stem*`` or ``#num``."""
        if text == "#num":
            return _NUM_ATOM
        is_prefix = text.endswith("*")
        word = text.rstrip("*")
        key = ("prefix" if is_prefix else "exact", word)
        if key not in self._ids:
            atom_id = len(self._ids)
            self._ids[key] = atom_id
            (self._prefix if is_prefix else self._exact).setdefault(word, set()).add(atom_id)
            if is_prefix:
                self._max_prefix = max(self._max_prefix, len(word))
            if len(word) >= (_FUZZY_MIN_STEM if is_prefix else _FUZZY_MIN_WORD) and word.isalpha():
                self._fuzzy_buckets.setdefault(word[0], []).append((word, is_prefix, atom_id))
            self._cache.clear()
        return self._ids[key]

    def atoms_of(self, word: str) -> frozenset[int]:
        """Atom ids satisfied by a normalised token (memoised; bounded cache)."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        found: set[int] = set()
        if word[:1].isdigit():
            found.add(_NUM_ATOM)
        for form in self._forms(word):
            hit = self._exact.get(form)
            if hit:
                found.update(hit)
            for length in range(1, min(len(form), self._max_prefix) + 1):
                hit = self._prefix.get(form[:length])
                if hit:
                    found.update(hit)
        if not found and len(word) >= _FUZZY_MIN_TOKEN:
            found.update(self._typo_atoms(word))
        result = frozenset(found)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[word] = result
        return result

    def clear_cache(self) -> None:
        """Forget memoised lookups (benchmarks measure the uncached cost)."""
        self._cache.clear()

    def _typo_atoms(self, word: str) -> Iterable[int]:
        """Atoms within one edit of the word, or (stems) of its prefix of about the same length."""
        allowed = 1
        for atom_word, is_prefix, atom_id in self._fuzzy_buckets.get(word[0], ()):
            if is_prefix:
                n = len(atom_word)
                if len(word) < n - 1:
                    continue
                windows: tuple[str, ...] = (word[: n - 1], word[:n], word[: n + 1])
            else:
                if abs(len(word) - len(atom_word)) > allowed:
                    continue
                windows = (word,)
            if any(Levenshtein.distance(atom_word, w, score_cutoff=allowed) <= allowed for w in windows):
                yield atom_id


def compile_pattern(source: str, lexicon: Lexicon, classes: dict[str, list[str]]) -> CompiledPattern:
    """Turn a checked pattern string into items of atom ids (``KeyError`` for an unknown class)."""
    parts = source.split()
    anchored = parts[0] == "^"
    to_end = parts[-1] == "$"
    items: list[Item] = []
    gap = 0
    for part in parts:
        if part in ("^", "$"):
            continue
        if part.startswith("..."):
            gap = int(part[3:]) if len(part) > 3 else DEFAULT_GAP
            continue
        optional = part.endswith("?")
        atoms: set[int] = set()
        for alternative in part.rstrip("?").split("|"):
            if alternative.startswith("@"):
                for member in classes[alternative[1:]]:
                    atoms.update(lexicon.atom(m) for m in member.split("|"))
            else:
                atoms.add(lexicon.atom(alternative))
        items.append(Item(frozenset(atoms), optional, gap))
        gap = 0
    return CompiledPattern(source, tuple(items), anchored, to_end)


def match_at(pattern: CompiledPattern, atoms: list[frozenset[int]], start: int, stop: int) -> int:
    """End index (exclusive) of a match of ``pattern`` beginning at ``start``, or -1."""
    if not pattern.items[0].atoms & atoms[start]:
        return -1
    return _match_rest(pattern, atoms, 1, start + 1, stop)


def _match_rest(pattern: CompiledPattern, atoms: list[frozenset[int]], k: int, pos: int, stop: int) -> int:
    items = pattern.items
    if k == len(items):
        return pos if (not pattern.to_end or pos == stop) else -1
    item = items[k]
    for offset in range(0, item.gap + 1):
        at = pos + offset
        if at >= stop:
            break
        if item.atoms & atoms[at]:
            end = _match_rest(pattern, atoms, k + 1, at + 1, stop)
            if end >= 0:
                return end
    if item.optional:
        return _match_rest(pattern, atoms, k + 1, pos, stop)
    return -1


def first_atoms(pattern: CompiledPattern) -> frozenset[int]:
    """Atoms that can start a match (the first item is never optional)."""
    return pattern.items[0].atoms


class PatternSet:
    """Several patterns indexed by their first atoms, matched over one sentence at a time."""

    def __init__(self, patterns: list[CompiledPattern]):
        self.patterns = patterns
        self._by_atom: dict[int, list[int]] = {}
        for index, pattern in enumerate(patterns):
            for atom in first_atoms(pattern):
                self._by_atom.setdefault(atom, []).append(index)
        self.first = frozenset(self._by_atom)

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def find(
        self,
        atoms: list[frozenset[int]],
        start: int,
        stop: int,
        anchors: frozenset[int] = frozenset(),
        skip: Iterable[int] = (),
    ) -> list[tuple[int, int]]:
        """All (first, end) token ranges matched in ``atoms[start:stop]``, leftmost first per start.

        ``anchors`` are where ``^`` patterns may start (sentence and clause starts after
        fillers); tokens in ``skip`` (quoted words) never start a match.
        """
        skipped = set(skip)
        found: list[tuple[int, int]] = []
        first = self.first
        for position in range(start, stop):
            here = atoms[position]
            if first.isdisjoint(here) or position in skipped:
                continue
            candidates: set[int] = set()
            for atom in first.intersection(here):
                candidates.update(self._by_atom[atom])
            for index in sorted(candidates):
                pattern = self.patterns[index]
                if pattern.anchored and position not in anchors:
                    continue
                end = match_at(pattern, atoms, position, stop)
                if end >= 0:
                    found.append((position, end))
        return found

    def matches_at(self, atoms: list[frozenset[int]], position: int, stop: int) -> int:
        """End of the longest pattern matching exactly at ``position`` (anchors ignored), or -1."""
        if position >= stop or self.first.isdisjoint(atoms[position]):
            return -1
        best = -1
        candidates: set[int] = set()
        for atom in self.first.intersection(atoms[position]):
            candidates.update(self._by_atom[atom])
        for index in candidates:
            best = max(best, match_at(self.patterns[index], atoms, position, stop))
        return best


def token_atoms(tokens: list[Token], lexicon: Lexicon) -> list[frozenset[int]]:
    """Atom sets for every token of a reply."""
    return [lexicon.atoms_of(token.norm) for token in tokens]
