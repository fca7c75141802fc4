"""The content format of signal rules: ``rubrics/signals/{lang}.yaml``.

Rule *kinds* are a closed set defined here (and evaluated in :mod:`kinds`); rule
*instances* are YAML entries. Unknown keys are rejected (``extra="forbid"``) and the
``kind`` field selects the model, so a typo in a rule file is a located error rather
than a silently ignored rule.

Pattern syntax (used by every field holding patterns), one string = a word sequence:

- ``word`` matches a token whose form (any candidate form: colloquial mapped to standard,
  clitics stripped...) is exactly ``word``; ``stem*`` matches forms starting with ``stem``.
- ``a|b*|c`` alternatives; ``@name`` a word class from ``classes``; ``#num`` a number.
- ``item?`` optional item (not first); ``...`` a gap of up to 4 tokens, ``...N`` up to N.
- a leading ``^`` anchors at the start of the sentence (after ``fillers``), a trailing
  ``$`` at its end.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator

from simulator.language.regex_safety import UnsafeRegex, check_regex


_SIGNAL_RE = re.compile(r"^_?[a-z][a-z0-9_]*$")  # a leading "_" marks a helper signal, never reported
_ITEM_RE = re.compile(r"^(?:\.\.\.\d*|\^|\$|(?:[^\s|?]+)(?:\|[^\s|?]+)*\??)$")

Pattern = Annotated[str, Field(min_length=1)]
SentenceFilter = Literal["any", "question", "statement"]


def check_pattern(pattern: str) -> str:
    """Reject malformed pattern strings at load time (the matcher trusts them)."""
    parts = pattern.split()
    if not parts:
        raise ValueError("empty pattern")
    body = [p for p in parts if p not in ("^", "$")]
    if parts.count("^") > 1 or ("^" in parts and parts[0] != "^"):
        raise ValueError(f"'^' may only start a pattern: {pattern!r}")
    if "$" in parts and parts[-1] != "$":
        raise ValueError(f"'$' may only end a pattern: {pattern!r}")
    if not body:
        raise ValueError(f"pattern has no words: {pattern!r}")
    if body[0].startswith("...") or body[0].endswith("?"):
        raise ValueError(f"a pattern must start with a required word, not {body[0]!r}: {pattern!r}")
    if body[-1].startswith("..."):
        raise ValueError(f"a pattern cannot end with a gap: {pattern!r}")
    for part in parts:
        if not _ITEM_RE.match(part):
            raise ValueError(f"cannot read {part!r} in pattern {pattern!r}")
    return pattern


def _check_patterns(value: list[str]) -> list[str]:
    for pattern in value:
        check_pattern(pattern)
    return value


class _Rule(BaseModel):
    """Fields every rule has."""

    model_config = ConfigDict(extra="forbid")

    signal: str
    note: str | None = None
    stages: list[str] | None = Field(None, description="only in these stages (when the stage is known)")
    exceptions: list[Pattern] = Field(
        default_factory=list, description="a hit is dropped when one of these matches in its sentence"
    )

    @field_validator("signal")
    @classmethod
    def _signal_name(cls, value: str) -> str:
        if not _SIGNAL_RE.match(value):
            raise ValueError("a signal name is lower_snake_case (a leading '_' for helper signals)")
        return value

    @field_validator("exceptions")
    @classmethod
    def _exceptions(cls, value: list[str]) -> list[str]:
        return _check_patterns(value)


class PhraseRule(_Rule):
    """Word sequences: the workhorse for lexical cues."""

    kind: Literal["phrase"]
    patterns: list[Pattern] = Field(min_length=1)
    sentence: SentenceFilter = "any"
    include_quoted: bool = False
    anchor_after_comma: bool = Field(False, description="'^' also matches at a clause start after a comma")

    @field_validator("patterns")
    @classmethod
    def _patterns(cls, value: list[str]) -> list[str]:
        return _check_patterns(value)


class QuestionRule(_Rule):
    """Question form, sentence by sentence.

    A sentence is interrogative when it ends in ``?`` or, unpunctuated, starts with a
    question head. ``heads`` are looked for at clause starts (sentence start after
    fillers, after ``:`` or ``;``, and after ``,`` for ``comma_heads``); ``requests``
    ("kerro", "could you tell me") count even without ``?``.
    """

    kind: Literal["question"]
    form: Literal["open", "closed"]
    heads: list[Pattern] = Field(default_factory=list)
    comma_heads: list[Pattern] = Field(default_factory=list)
    requests: list[Pattern] = Field(default_factory=list)
    tags: list[Pattern] = Field(default_factory=list, description="end-of-sentence tags: 'eikö niin', 'right'")
    choices: list[Pattern] = Field(default_factory=list, description="'vai' / 'or' offering options")
    open_choices: list[Pattern] = Field(default_factory=list, description="'something else': options left open")
    question_verbs: bool = Field(False, description="Finnish: a verb with -ko/-kö/-ks heads a question")
    statements: bool = Field(False, description="a '?' sentence with no head asks to confirm")
    other_heads: list[Pattern] = Field(
        default_factory=list,
        description="heads of the other form: a sentence they head is no statement question, and its comma clauses are no heads",
    )
    other_question_verbs: bool = Field(False, description="a -ko/-kö verb heads the other form")
    min_statement_words: int = 3
    yields_to_choice: bool = Field(False, description="an open question offering fixed options is not open")

    @field_validator("heads", "comma_heads", "requests", "tags", "choices", "open_choices", "other_heads")
    @classmethod
    def _patterns(cls, value: list[str]) -> list[str]:
        return _check_patterns(value)


class RegexRule(_Rule):
    """Regular expressions over the normalised (lower-case) sentence: dates, times, sums."""

    kind: Literal["pattern"]
    regex: list[str] = Field(min_length=1)
    sentence: SentenceFilter = "any"
    case_sensitive: bool = Field(False, description="match the original text instead (names)")

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: list[str]) -> list[str]:
        for expression in value:
            try:
                check_regex(expression)
            except re.error as exc:
                raise ValueError(f"bad regular expression {expression!r}: {exc}") from None
            except UnsafeRegex as exc:
                raise ValueError(f"unsafe regular expression {expression!r}: {exc}") from None
        return value


class OverlapRule(_Rule):
    """Reflection without a cue: a sentence re-using the client's content words (``prev``)."""

    kind: Literal["overlap"]
    min_shared: int = Field(2, ge=1)
    cues: list[Pattern] = Field(default_factory=list, description="with a cue, cue_min_shared words are enough")
    cue_min_shared: int = Field(1, ge=0)
    stopwords: list[Pattern] = Field(default_factory=list)
    min_word_length: int = Field(4, ge=1)
    similarity: int = Field(80, ge=50, le=100)
    sentence: SentenceFilter = "any"
    cue_only_after_question: bool = Field(
        True, description="when the client's line was a question, a reply re-using its words is an answer; need a cue"
    )

    @field_validator("cues", "stopwords")
    @classmethod
    def _patterns(cls, value: list[str]) -> list[str]:
        return _check_patterns(value)


class JargonRule(_Rule):
    """Administrative terms, unless explained right there ("TYP eli ...", "X, which means")."""

    kind: Literal["jargon"]
    terms: list[Pattern] = Field(min_length=1)
    explained_by: list[Pattern] = Field(default_factory=list)
    window: int = Field(3, ge=0, description="tokens after a term within which an explanation may start")
    explained_next: list[Pattern] = Field(
        default_factory=list, description="a next sentence starting like this explains the term ('Se on ...', 'It means ...')"
    )
    introduced_by: list[Pattern] = Field(
        default_factory=list,
        description="words just before a term that name it as a label for what was just described ('so-called', 'niin sanottu')",
    )
    acronyms: bool = Field(False, description="any acronym in capitals ('KEHAan', 'TVP-lausunto') is a term")
    known_acronyms: list[str] = Field(default_factory=list, description="acronyms everyone knows (TE, EU, CV)")

    @field_validator("terms", "explained_by", "explained_next", "introduced_by")
    @classmethod
    def _patterns(cls, value: list[str]) -> list[str]:
        return _check_patterns(value)


class CombineRule(_Rule):
    """Signal logic after matching: add ``signal`` or remove it, given other signals."""

    kind: Literal["combine"]
    action: Literal["add", "remove"]
    if_all: list[str] = Field(default_factory=list)
    if_any: list[str] = Field(default_factory=list)
    unless_any: list[str] = Field(default_factory=list)
    scope: Literal["reply", "sentence"] = "reply"


class NegationRule(_Rule):
    """Negation scope for a fault signal: a hit is dropped when a negator comes before it in
    the same clause, within ``window`` tokens ("En aio olla koneella", "I'm not going to be
    on the computer"). A negator inside the hit's own span is part of the cue ("en ehdi")."""

    kind: Literal["negation"]
    negators: list[Pattern] = Field(min_length=1)
    window: int = Field(5, ge=1, le=12)

    @field_validator("negators")
    @classmethod
    def _patterns(cls, value: list[str]) -> list[str]:
        return _check_patterns(value)


Rule = Annotated[
    Union[PhraseRule, QuestionRule, RegexRule, OverlapRule, JargonRule, CombineRule, NegationRule],
    Field(discriminator="kind"),
]


class SignalRules(BaseModel):
    """One language's rule file."""

    model_config = ConfigDict(extra="forbid")

    lang: Literal["fi", "en"]
    note: str | None = None
    classes: dict[str, list[Pattern]] = Field(default_factory=dict, description="named word classes for @name")
    fillers: list[Pattern] = Field(default_factory=list, description="words skipped before a sentence-start anchor")
    rules: list[Rule] = Field(min_length=1)

