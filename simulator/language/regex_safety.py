"""A static check that a content regex cannot backtrack catastrophically.

Signal rules may carry regular expressions (``kind: pattern``); they run on every reply
inside the write transaction, with Python's backtracking ``re``, which has no time limit.
A pattern such as ``(a+)+$`` takes seconds on a 30-character reply and doubles with every
character more. So :func:`check_regex` refuses, when the rule file is loaded (and so in
``simulator validate``), the three shapes behind super-linear backtracking:

1. a quantifier inside an unbounded quantifier (``(a+)+``, ``(\\w*\\s?)*``);
2. alternatives that can start with the same character under an unbounded quantifier
   (``(a|ab)+``, ``(\\w|\\d)*``);
3. two unbounded quantifiers in a row, with nothing required between them, that can eat
   the same characters (``\\d+\\d*``, ``.*\\s*x``).

The check is conservative: some harmless patterns are refused too. The message names the
way out, a possessive quantifier (``\\w++``) or an atomic group (``(?>...)``), which never
backtrack. We use a static check rather than a time limit because the standard ``re`` has
none, a refused rule is found by its author at ``simulator validate`` rather than by a
trainee at reply time, and it needs no second regex engine.

It reads the pattern with ``re._parser``, the standard library's own regex parser (private
but unchanged in shape since 3.11; the tests exercise it on every supported version).
"""

from __future__ import annotations

import re
import string
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # typeshed describes the parser under its old public names, which now warn on import
    import sre_constants as C  # noqa: N812 - the parser's opcode names
    import sre_parse as _parser
else:
    from re import _constants as C  # noqa: N812 - the parser's opcode names
    from re import _parser

UNBOUNDED_OVER = 16  # a repeat allowing more than this many rounds counts as unbounded
# The characters we reason about: enough to tell the classes of a pattern apart.
_PROBE = frozenset(string.printable + "äöåÄÖÅéüß\u00a0\u2019")
_CATEGORY = {
    C.CATEGORY_DIGIT: r"\d",
    C.CATEGORY_NOT_DIGIT: r"\D",
    C.CATEGORY_SPACE: r"\s",
    C.CATEGORY_NOT_SPACE: r"\S",
    C.CATEGORY_WORD: r"\w",
    C.CATEGORY_NOT_WORD: r"\W",
}
_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT)
_HINT = "make the inner quantifier possessive (\\w++) or use an atomic group (?>...)"


class UnsafeRegex(ValueError):
    """The pattern can backtrack catastrophically; the message says why and how to fix it."""


def check_regex(expression: str, flags: int = 0) -> None:
    """Raise :class:`UnsafeRegex` (or ``re.error``) when ``expression`` is unsafe or invalid."""
    re.compile(expression, flags)
    parsed = _parser.parse(expression, flags)
    _check_sequence(list(parsed.data), inside_unbounded=False)


def _unbounded(max_count: int) -> bool:
    return max_count == C.MAXREPEAT or max_count > UNBOUNDED_OVER


def _check_sequence(items: list[tuple[Any, Any]], inside_unbounded: bool) -> None:
    _check_adjacent(items)
    for op, av in items:
        if op in _REPEATS:
            low, high, body = av
            if inside_unbounded and high > 1:
                raise UnsafeRegex(f"a quantifier inside a repeated group can backtrack without end; {_HINT}")
            unbounded = _unbounded(high)
            if unbounded:
                _check_branches(list(body))
            _check_sequence(list(body), inside_unbounded or unbounded)
        elif op == C.POSSESSIVE_REPEAT:
            _check_sequence(list(av[2]), inside_unbounded=False)
        elif op == C.SUBPATTERN:
            _check_sequence(list(av[3]), inside_unbounded)
        elif op == C.ATOMIC_GROUP:
            _check_sequence(list(av), inside_unbounded=False)
        elif op == C.BRANCH:
            for alternative in av[1]:
                _check_sequence(list(alternative), inside_unbounded)
        elif op in (C.ASSERT, C.ASSERT_NOT):
            _check_sequence(list(av[1]), inside_unbounded=False)
        elif op == C.GROUPREF_EXISTS:
            for arm in av[1:]:
                if arm is not None:
                    _check_sequence(list(arm), inside_unbounded)


def _check_branches(body: list[tuple[Any, Any]]) -> None:
    """Alternatives directly under an unbounded repeat must start differently."""
    for op, av in body:
        if op == C.SUBPATTERN:
            _check_branches(list(av[3]))
            continue
        if op != C.BRANCH:
            continue
        seen: set[str] = set()
        for alternative in av[1]:
            first, nullable = _first(list(alternative))
            if nullable or first & seen:
                raise UnsafeRegex(
                    "alternatives under a repeat can match the same text in more than one way; "
                    "make them start differently or use an atomic group (?>...)"
                )
            seen |= first


def _check_adjacent(items: list[tuple[Any, Any]]) -> None:
    """Two unbounded repeats in a row that can eat the same characters (``\\d+\\d*``)."""
    open_sets: list[frozenset[str]] = []
    for op, av in items:
        if op in _REPEATS and _unbounded(av[1]):
            eaten = _chars(list(av[2]))
            if any(eaten & earlier for earlier in open_sets):
                raise UnsafeRegex(
                    "two repeats in a row can share the same characters, so every split is tried; "
                    "put a required character between them or make the first possessive (\\s*+)"
                )
            open_sets.append(eaten)
            if av[0] > 0:
                open_sets = [eaten]
            continue
        first, nullable = _first([(op, av)])
        if not nullable:
            open_sets = []


def _first(items: list[tuple[Any, Any]]) -> tuple[frozenset[str], bool]:
    """Characters a sequence can start with, and whether it can match the empty string."""
    result: set[str] = set()
    for op, av in items:
        first, nullable = _first_of(op, av)
        result |= first
        if not nullable:
            return frozenset(result), False
    return frozenset(result), True


def _first_of(op: Any, av: Any) -> tuple[frozenset[str], bool]:
    if op in _REPEATS or op == C.POSSESSIVE_REPEAT:
        first, nullable = _first(list(av[2]))
        return first, nullable or av[0] == 0
    if op == C.SUBPATTERN:
        return _first(list(av[3]))
    if op == C.ATOMIC_GROUP:
        return _first(list(av))
    if op == C.BRANCH:
        firsts = [_first(list(alternative)) for alternative in av[1]]
        return frozenset().union(*(f for f, _ in firsts)), any(n for _, n in firsts)
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return frozenset(), True
    if op in (C.GROUPREF, C.GROUPREF_EXISTS):
        return _PROBE, True
    return _single(op, av), False


def _chars(items: list[tuple[Any, Any]]) -> frozenset[str]:
    """Every character a sequence can consume anywhere in it."""
    result: set[str] = set()
    for op, av in items:
        if op in _REPEATS or op == C.POSSESSIVE_REPEAT:
            result |= _chars(list(av[2]))
        elif op == C.SUBPATTERN:
            result |= _chars(list(av[3]))
        elif op == C.ATOMIC_GROUP:
            result |= _chars(list(av))
        elif op == C.BRANCH:
            for alternative in av[1]:
                result |= _chars(list(alternative))
        elif op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            continue
        elif op in (C.GROUPREF, C.GROUPREF_EXISTS):
            result |= _PROBE
        else:
            result |= _single(op, av)
    return frozenset(result)


def _single(op: Any, av: Any) -> frozenset[str]:
    """The probe characters one single-character item matches."""
    if op == C.LITERAL:
        return frozenset({chr(av)})
    if op == C.NOT_LITERAL:
        return _PROBE - {chr(av)}
    if op == C.ANY:
        return _PROBE - {"\n"}
    if op == C.IN:
        return _in_set(av)
    return _PROBE  # an item we do not model: assume it can match anything


def _in_set(items: list[tuple[Any, Any]]) -> frozenset[str]:
    negate = False
    chars: set[str] = set()
    for op, av in items:
        if op == C.NEGATE:
            negate = True
        elif op == C.LITERAL:
            chars.add(chr(av))
        elif op == C.RANGE:
            chars |= {c for c in _PROBE if av[0] <= ord(c) <= av[1]}
        elif op == C.CATEGORY:
            pattern = re.compile(_CATEGORY.get(av, r"[\s\S]"))
            chars |= {c for c in _PROBE if pattern.match(c)}
        else:
            chars |= _PROBE
    return _PROBE - chars if negate else frozenset(chars)
