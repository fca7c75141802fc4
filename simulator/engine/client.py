"""The scripted client: trust reactions, disclosures and the choice of what to say next.

Everything here is deterministic for a given seed and state, so a stored session replays
to the same lines.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from simulator.content.scenario import ClientLine, Condition, Disclosure, Reaction, Scenario
from simulator.engine.state import SessionState

LISTENING_SIGNALS = frozenset({"open_question", "reflection", "agenda_question"})


@dataclass(frozen=True)
class TurnContext:
    """What the condition checks look at for one reply."""

    stage: str  # the stage the reply was written in
    stage_after: str
    signals: frozenset[str]
    trust: int
    disclosed: frozenset[str]
    listening_turns: int


@dataclass
class ClientResponse:
    line: ClientLine
    trust_after: int
    reactions: list[str] = field(default_factory=list)
    disclosed: list[str] = field(default_factory=list)


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
    )
    return all(checks)


def clamp_trust(value: int) -> int:
    return max(0, min(100, value))


def respond(scenario: Scenario, state: SessionState, ctx: TurnContext) -> ClientResponse:
    """React to one reply: move trust, maybe disclose, and pick the client's line."""
    reactions = [reaction for reaction in scenario.reactions if holds(reaction.when, ctx)]
    trust = clamp_trust(ctx.trust + sum(reaction.trust for reaction in reactions))
    after = TurnContext(ctx.stage, ctx.stage_after, ctx.signals, trust, ctx.disclosed, ctx.listening_turns)
    disclosure = _next_disclosure(scenario.disclosures, after)
    rng = random.Random(f"{state.seed}:{len(state.turns)}")
    faults = [r for r in reactions if r.lines and r.trust < 0]
    line: ClientLine | None = None
    if faults:  # the client reacts to a fault before anything else
        line = _pick(_by_priority(faults), state.used_lines, rng)
    elif disclosure is not None:
        line = disclosure.line
    else:
        speaking = [r for r in reactions if r.lines]
        if speaking:
            line = _pick(_by_priority(speaking), state.used_lines, rng)
    if line is None:
        stage_lines = scenario.lines.get(ctx.stage_after) or scenario.lines[ctx.stage]  # type: ignore[index]
        band = scenario.trust.band(trust)
        line = _pick_from(getattr(stage_lines, band), state.used_lines, rng)
    return ClientResponse(
        line=line,
        trust_after=trust,
        reactions=[reaction.id for reaction in reactions],
        disclosed=[disclosure.id] if disclosure else [],
    )


def _next_disclosure(disclosures: list[Disclosure], ctx: TurnContext) -> Disclosure | None:
    for disclosure in disclosures:
        if disclosure.id not in ctx.disclosed and holds(disclosure.when, ctx):
            return disclosure
    return None


def _by_priority(reactions: list[Reaction]) -> list[ClientLine]:
    top = max(reaction.priority for reaction in reactions)
    return [line for reaction in reactions if reaction.priority == top for line in reaction.lines]


def _pick(lines: list[ClientLine], used: list[str], rng: random.Random) -> ClientLine | None:
    return _pick_from(lines, used, rng) if lines else None


def _pick_from(lines: list[ClientLine], used: list[str], rng: random.Random) -> ClientLine:
    """Prefer a line not said yet; otherwise the one said longest ago."""
    fresh = [line for line in lines if line.id not in used]
    if fresh:
        return rng.choice(fresh)
    last_said = {line_id: position for position, line_id in enumerate(used)}
    return min(lines, key=lambda line: last_said.get(line.id, -1))
