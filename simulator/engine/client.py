"""The scripted client: trust reactions, disclosures and the choice of what to say next.

Line choice works by salience (as in storylet systems): every candidate line whose
conditions hold competes, the most specific kind wins (a fault reaction, then a
disclosure, a reaction to the form of the reply, a topic answer or an in-character
fallback, a reaction line, and only then the stage pool), and within a kind a line gated
on the meeting (``when``) beats an ungated one. No text is said twice in a meeting: when
everything is spent the client nods (``fallbacks.acknowledge``, then a generated nod).

Everything here is deterministic for a given seed and state, so a stored session replays
to the same lines.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import permutations

from simulator.content.common import is_stage
from simulator.content.scenario import ClientLine, Condition, Disclosure, Reaction, Scenario, StageLines, Topic
from simulator.engine.answer_fit import NUMBER_RE, any_fits, by_fit
from simulator.engine.intent import Route
from simulator.engine.matcher import Unit, units_of, words_of
from simulator.engine.memory import fill
from simulator.engine.question_types import NUMERIC, PLAIN
from simulator.engine.state import SessionState
from simulator.language.text import tokenise

LISTENING_SIGNALS = frozenset({"open_question", "reflection", "agenda_question"})
# Signals of a reply that informs, advises or wraps up (see ``HEARD_WORDS_ADVISING``).
ADVISING = frozenset(
    {"information", "advice", "bad_news", "causal_explanation", "way_forward", "summary", "next_step", "homework", "visual_aid"}
)
LEVELS = ("evasive", "partial", "full")
CLARIFY_OPTIONS = 2  # a person asks "this or that?", never lists three
_BAND_LEVEL = {"low": 0, "mid": 1, "high": 2}
# Neutral nods for when every written line is spent; combined so none repeats verbatim.
_NODS = {
    "fi": ("Mm.", "Joo.", "Niin.", "Okei.", "Aha.", "Selvä."),
    "en": ("Mm.", "Okay.", "Right.", "I see.", "Yeah.", "Mm-hm."),
}


@dataclass(frozen=True)
class TurnContext:
    """What the condition checks look at for one reply (memory includes this reply)."""

    stage: str  # the stage the reply was written in
    stage_after: str
    signals: frozenset[str]
    trust: int
    disclosed: frozenset[str]
    listening_turns: int
    asked: frozenset[str] = frozenset()
    covered: frozenset[str] = frozenset()
    named: frozenset[str] = frozenset()
    reply: str = ""  # the worker's words (a reflection must echo the client's own)


@dataclass
class ClientResponse:
    line: ClientLine
    trust_after: int
    reactions: list[str] = field(default_factory=list)
    disclosed: list[str] = field(default_factory=list)
    text: str = ""  # the line as said (slots filled); defaults to the line's text
    kind: str = "pool"  # topic, disclosure, reaction, pool, nod, or the fallback's name (unknown, clarify, ...)
    topic: str | None = None
    level: str | None = None

    def __post_init__(self) -> None:
        if not self.text:
            self.text = self.line.text


def holds(condition: Condition, ctx: TurnContext) -> bool:
    """True when every stated part of ``condition`` holds for this reply."""
    checks = (
        not condition.stages or ctx.stage in condition.stages,
        not condition.signals_any or bool(ctx.signals & set(condition.signals_any)),
        not (ctx.signals & set(condition.signals_none)),
        condition.min_trust is None or ctx.trust >= condition.min_trust,
        condition.max_trust is None or ctx.trust <= condition.max_trust,
        set(condition.disclosed) <= ctx.disclosed,
        not (set(condition.not_disclosed) & ctx.disclosed),
        condition.listening_turns is None or ctx.listening_turns >= condition.listening_turns,
        condition.entering is None or (ctx.stage_after == condition.entering and ctx.stage != ctx.stage_after),
        set(condition.covered) <= ctx.covered,
        not (set(condition.not_covered) & ctx.covered),
        set(condition.asked) <= ctx.asked,
        not (set(condition.not_asked) & ctx.asked),
        set(condition.named) <= ctx.named,
    )
    return all(checks)


def topic_gate(condition: Condition) -> Condition:
    """A disclosure's condition as its topic question uses it: trust and memory, no signal type."""
    return condition.model_copy(
        update={"signals_any": [], "signals_none": [], "stages": [], "entering": None, "listening_turns": None}
    )


def clamp_trust(value: int) -> int:
    return max(0, min(100, value))


@dataclass
class _Chooser:
    """Picks unsaid lines for one turn: conditions, slots, specificity, seed."""

    ctx: TurnContext
    said: set[str]
    used: set[str]
    slots: dict[str, str]
    rng: random.Random

    def pick(self, lines: Sequence[ClientLine], extra: dict[str, str] | None = None) -> tuple[ClientLine, str] | None:
        values = {**self.slots, **(extra or {})}
        eligible: list[tuple[int, ClientLine, str]] = []
        for line in lines:
            if line.when is not None and not holds(line.when, self.ctx):
                continue
            text = fill(line.text, values)
            if text is None or self._spent(line, text):
                continue
            eligible.append((_specificity(line), line, text))
        if not eligible:
            return None
        top = max(rank for rank, _, _ in eligible)
        _, line, text = self.rng.choice([item for item in eligible if item[0] == top])
        return line, text

    def _spent(self, line: ClientLine, text: str) -> bool:
        """Said before: the same text, or the same line without slots (a slot line may return)."""
        return text in self.said or (line.id in self.used and text == line.text)

    def pick_stable(self, lines: Sequence[ClientLine], key: str, extra: dict[str, str] | None = None) -> tuple[ClientLine, str] | None:
        """The same question gets the same line (rotated past lines already said)."""
        if not lines:
            return None
        start = zlib.crc32(key.encode("utf-8")) % len(lines)
        rotated = [*lines[start:], *lines[:start]]
        values = {**self.slots, **(extra or {})}
        for line in rotated:
            if line.when is not None and not holds(line.when, self.ctx):
                continue
            text = fill(line.text, values)
            if text is not None and not self._spent(line, text):
                return line, text
        return None


def _specificity(line: ClientLine) -> int:
    if line.when is None:
        return 0
    return sum(1 for value in line.when.model_dump(exclude_defaults=True).values() if value not in (None, [], ""))


def respond(
    scenario: Scenario,
    state: SessionState,
    ctx: TurnContext,
    route: Route | None = None,
    form: str | None = None,
    slots: dict[str, str] | None = None,
) -> ClientResponse:
    """React to one reply: move trust, maybe disclose, and pick the client's line.

    ``route`` says what the reply asked or told about; ``form`` names a reaction to the
    reply's language or form (``wrong_language``, ``puzzled``); ``slots`` fill the
    ``{day}``-style slots from memory.
    """
    reactions = [reaction for reaction in scenario.reactions if holds(reaction.when, ctx)]
    trust = clamp_trust(ctx.trust + sum(reaction.trust for reaction in reactions))
    after = TurnContext(
        ctx.stage, ctx.stage_after, ctx.signals, trust, ctx.disclosed, ctx.listening_turns,
        ctx.asked, ctx.covered, ctx.named, ctx.reply,
    )
    rng = random.Random(f"{state.seed}:{len(state.turns)}")
    chooser = _Chooser(after, state.said, set(state.used_lines), dict(slots or {}), rng)
    ids = [reaction.id for reaction in reactions]
    fallbacks = scenario.fallbacks

    def made(picked: tuple[ClientLine, str] | None, kind: str) -> ClientResponse | None:
        if picked is None:
            return None
        return ClientResponse(line=picked[0], text=picked[1], trust_after=trust, reactions=ids, kind=kind)

    faults = [r for r in reactions if r.lines and r.trust < 0]
    if faults:  # the client reacts to a fault before anything else
        found = made(chooser.pick(_by_priority(faults)), "reaction")
        if found:
            return found
    if form and fallbacks is not None:
        found = made(chooser.pick(getattr(fallbacks, form)), form)
        if found:
            found.reactions = [*ids, form]
            return found
    disclosure = _topic_disclosure(scenario, route, after) or _signal_disclosure(scenario, after)
    if disclosure is not None:
        said = made(chooser.pick([disclosure.line]), "disclosure")
        if said is not None:
            said.disclosed = [disclosure.id]
            said.topic = route.topic if route and route.topic else None
            return said
    if route is not None and route.kind == "ask" and scenario.topics:
        found = _answer(scenario, state, route, trust, chooser, ids)
        if found is not None:
            return found
    speaking = [r for r in reactions if r.lines]
    if speaking:
        found = made(chooser.pick(_by_priority(speaking)), "reaction")
        if found:
            return found
    if "reflection" in ctx.signals and (route is None or route.kind != "ask"):
        found = made(chooser.pick(_heard_lines(scenario, ctx)), "heard")
        if found:
            return found
    stage_lines = _stage_lines(scenario, ctx.stage_after) or _stage_lines(scenario, ctx.stage)
    if stage_lines is None:
        raise KeyError(f"scenario {scenario.id!r} has no lines for stage {ctx.stage!r}")
    band = scenario.trust.band(trust)
    order = {"low": ("low", "mid", "high"), "mid": ("mid", "low", "high"), "high": ("high", "mid", "low")}[band]
    found = made(chooser.pick(getattr(stage_lines, band)), "pool")
    if found:
        return found
    if fallbacks is not None:
        found = made(chooser.pick(fallbacks.acknowledge), "acknowledge")
        if found:
            return found
    for other in order[1:]:  # content without fallbacks: a neighbouring band before a nod
        found = made(chooser.pick(getattr(stage_lines, other)), "pool")
        if found:
            return found
    return ClientResponse(line=_nod(scenario, state.said, rng), trust_after=trust, reactions=ids, kind="nod")


def _answer(
    scenario: Scenario, state: SessionState, route: Route, trust: int, chooser: _Chooser, ids: list[str]
) -> ClientResponse | None:
    """A topic answer at the level trust allows; clarify, unknown or already-said otherwise."""
    fallbacks = scenario.fallbacks

    def response(picked: tuple[ClientLine, str] | None, kind: str, topic: str | None = None, level: str | None = None) -> ClientResponse | None:
        if picked is None:
            return None
        return ClientResponse(
            line=picked[0], text=picked[1], trust_after=trust, reactions=ids, kind=kind, topic=topic, level=level
        )

    if route.topic is None:
        if fallbacks is None or route.general:
            return None  # an invitation to talk: the stage's ordinary lines answer it
        if route.close:
            close = [found for found in (_topic(scenario, item) for item in route.close) if found is not None]
            names = [_clarify_name(topic) for topic in close[:CLARIFY_OPTIONS]]
            joiner = " vai " if scenario.language == "fi" else " or "
            return response(chooser.pick(fallbacks.clarify, {"options": joiner.join(names)}), "clarify")
        return response(chooser.pick_stable(fallbacks.unknown, route.question.lower()), "unknown")
    topic = _topic(scenario, route.topic)
    if topic is None:
        return None
    level = min(2, _BAND_LEVEL[scenario.trust.band(trust)] + (1 if route.specific else 0))
    if route.types & PLAIN:  # who, where from, how old, how many: a plain fact gets at least a part of the truth
        level = max(level, 1)
    if route.types & NUMERIC and level < 2:
        # "how much is the rent?", "how old is the youngest?": an answer without the number
        # (or without the age) is no answer at all
        level = _fitting_level(topic, level, route.types)
    before = state.answer_levels.get(topic.id)
    new_kind = route.types - set(state.answer_types.get(topic.id, ()))
    if new_kind and before is not None and _BAND_LEVEL[scenario.trust.band(trust)] >= 1:
        # "How many?" then "how old are they?": a pointed follow-up is no repeat, the client tells more
        level = max(level, min(2, LEVELS.index(before) + 1))
    if before is None or LEVELS.index(before) < level:
        for step in range(level, LEVELS.index(before) if before else -1, -1):
            lines = getattr(topic.answers, LEVELS[step])
            found = response(_pick_fitting(chooser, lines, route.types, route.question, scenario.language), "topic", topic.id, LEVELS[step])
            if found:
                return found
    if new_kind and before is not None and route.types & NUMERIC:
        # "How many years were you there?" after the whole work history: the number the
        # history left out may sit in a line not said yet (a lower level is no step back)
        told = [line for step in range(level, -1, -1) for line in getattr(topic.answers, LEVELS[step])]
        numeric = [line for tier in by_fit(told, route.types)[:-1] for line in tier] or [
            line for line in told if NUMBER_RE.search(line.text)
        ]
        found = response(chooser.pick(numeric), "topic", topic.id, before)
        if found:
            return found
    if fallbacks is not None and topic.id in state.answers:
        earlier = state.answers[topic.id]
        found = response(chooser.pick(fallbacks.already_said, {"answer": earlier}), "already_said", topic.id, before)
        if found:
            return found
    lines = [*topic.answers.full, *topic.answers.partial] if level >= 1 else topic.answers.evasive
    return response(_pick_fitting(chooser, lines, route.types, route.question, scenario.language), "topic", topic.id, LEVELS[level])


def _fitting_level(topic: Topic, level: int, types: frozenset[str]) -> int:
    """The level to answer a number question at: the lowest one up from ``level`` whose lines
    state what is asked (an age, a span), else one up when ``level`` states no number at all."""
    for higher in range(level, 3):
        if any_fits(getattr(topic.answers, LEVELS[higher]), types):
            return higher
    if not any(NUMBER_RE.search(line.text) for line in getattr(topic.answers, LEVELS[level])):
        return level + 1
    return level


def _pick_fitting(
    chooser: _Chooser, lines: Sequence[ClientLine], types: frozenset[str], question: str = "", language: str = "fi"
) -> tuple[ClientLine, str] | None:
    """A line that fits the kind of question first: an age or a span for how old / how long,
    a number for how many, then any (``answer_fit``); within that, the line that shares the
    question's words ("years in the same firm?" -> the line about the firm)."""
    for tier in by_fit(lines, types):
        if question and len(tier) > 1:
            shared = {line.id: _shared_words(question, line.text, language) for line in tier}
            most = max(shared.values())
            if most > 0:
                picked = chooser.pick([line for line in tier if shared[line.id] == most])
                if picked is not None:
                    return picked
        picked = chooser.pick(tier)
        if picked is not None:
            return picked
    return None


def _clarify_name(topic: Topic) -> str:
    """How the client names a topic when it asks which was meant: its own words, else the label."""
    if topic.clarify_as:
        return topic.clarify_as
    return topic.label[:1].lower() + topic.label[1:]


def _heard_lines(scenario: Scenario, ctx: TurnContext) -> list[ClientLine]:
    """The client's real question reflected back after it came out: it feels heard.

    The reflection must use the client's own words (at least ``HEARD_WORDS`` of them), so a
    reflection of something else does not get "yes, exactly that"."""
    advising = bool(ctx.signals & ADVISING)
    lines: list[ClientLine] = []
    for disclosure in scenario.disclosures:
        if not (disclosure.real_question and disclosure.id in ctx.disclosed and disclosure.heard):
            continue
        shared = _shared_words(ctx.reply, disclosure.line.text, scenario.language)
        words = len(_units(ctx.reply, scenario.language)) or 1
        if shared >= HEARD_WORDS and (not advising or (shared >= 2 * HEARD_WORDS and shared / words >= HEARD_SHARE_ADVISING)):
            lines += disclosure.heard
    return lines


HEARD_WORDS = 2
# A reply that also informs or advises is answered as such, unless most of its words are
# the client's own: a restatement of the question (the detector may read "you want to know
# if ..." as information). In the realism set's skilled meetings the reflections of the real
# question share 58-81 % of their content words with it, the answers at most 50 %.
HEARD_SHARE_ADVISING = 0.55


def _shared_words(reply: str, said: str, language: str) -> int:
    """How many content words of the reply meet a word of the client's line (forms and prefixes)."""
    keys = _keys(said, language)
    return sum(1 for unit in _units(reply, language) if any(key in keys for key, _ in unit.keys if not key.startswith("@")))


@lru_cache(maxsize=256)
def _keys(text: str, language: str) -> frozenset[str]:
    return frozenset(key for unit in _units(text, language) for key, _ in unit.keys if not key.startswith("@"))


def _units(text: str, language: str) -> list[Unit]:
    return units_of(words_of(tokenise(text), language), language)


def _stage_lines(scenario: Scenario, stage: str) -> StageLines | None:
    """The stage's ordinary lines; None for ``closed`` (the meeting's end has none)."""
    return scenario.lines.get(stage) if is_stage(stage) else None


def _topic(scenario: Scenario, topic_id: str) -> Topic | None:
    return next((topic for topic in scenario.topics if topic.id == topic_id), None)


def topic_owned(scenario: Scenario) -> set[str]:
    """Disclosures some topic releases: these come out only through their topic's question."""
    return {topic.discloses for topic in scenario.topics if topic.discloses}


def _topic_disclosure(scenario: Scenario, route: Route | None, ctx: TurnContext) -> Disclosure | None:
    if route is None or route.topic is None:
        return None
    topic = _topic(scenario, route.topic)
    if topic is None or not topic.discloses or topic.discloses in ctx.disclosed:
        return None
    disclosure = next((d for d in scenario.disclosures if d.id == topic.discloses), None)
    if disclosure is None or not holds(topic_gate(disclosure.when), ctx):
        return None
    return disclosure


def _signal_disclosure(scenario: Scenario, ctx: TurnContext) -> Disclosure | None:
    """The older path, for disclosures no topic owns yet: trust plus signals."""
    owned = topic_owned(scenario)
    for disclosure in scenario.disclosures:
        if disclosure.id in owned or disclosure.id in ctx.disclosed:
            continue
        if holds(disclosure.when, ctx):
            return disclosure
    return None


def _by_priority(reactions: list[Reaction]) -> list[ClientLine]:
    top = max(reaction.priority for reaction in reactions)
    return [line for reaction in reactions if reaction.priority == top for line in reaction.lines]


def _nod(scenario: Scenario, said: Iterable[str], rng: random.Random) -> ClientLine:
    """A short neutral nod no one has heard in this meeting (single words, then pairs, ...)."""
    stems = list(_NODS.get(scenario.language, _NODS["en"]))
    heard = set(said)
    for size in (1, 2, 3):
        options = [" ".join(combo) for combo in permutations(stems, size)]
        rng.shuffle(options)
        for text in options:
            if text not in heard:
                return ClientLine(id=f"nod-{zlib.crc32(text.encode('utf-8')):08x}", text=text)
    count = len(heard)
    return ClientLine(id=f"nod-{count}", text=" ".join([stems[0]] * (count + 1)))
