"""The stage machine: the four steps of the meeting plus ``closed``, built with ``transitions``.

States and edges come from the rubric's ``flow`` (plain data); each edge's guard is built
from its declared signals, so an edge fires only for the reply that earns it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from transitions import EventData, Machine

from simulator.content.common import CLOSED, FLOW_ACTS, STAGES
from simulator.content.rubric import FlowTransition

ALL_STATES: tuple[str, ...] = (*STAGES, CLOSED)

# What a reply does as a whole, read from its signals; flow edges may name these acts.
INFORMING = frozenset({"information", "advice", "bad_news", "key_point"})  # key_point: the session's mark
INFORMING_WEAK = frozenset({"causal_explanation", "way_forward", "visual_aid"})
ASKING_OR_LISTENING = frozenset({"open_question", "closed_question", "agenda_question", "reflection"})
CLOSING_WORDS = frozenset({"summary", "thanks", "encouragement", "homework"})
ACTS: tuple[str, ...] = FLOW_ACTS


def reply_acts(signals: set[str], previous: set[str] | None = None) -> set[str]:
    """The acts a reply performs, for the stage moves (docs/scoring.md, section 6).

    - ``act_inform``: informing is the reply's main act: it informs, advises or gives bad
      news (or shows two weaker informing cues) and asks nothing and reflects nothing. One
      causal "so" inside a question is not advice.
    - ``act_inform_twice``: this reply and the one before both inform (a weak cue is enough),
      and this one asks no question.
    - ``act_close``: a next step together with a recap, thanks, encouragement or a task.
    """
    acts: set[str] = set()
    strong = signals & INFORMING
    weak = signals & INFORMING_WEAK
    informs = bool(strong) or len(weak) >= 2
    if informs and not signals & ASKING_OR_LISTENING:
        acts.add("act_inform")
    asks = signals & (ASKING_OR_LISTENING - {"reflection"})
    if signals & (INFORMING | INFORMING_WEAK) and not asks and previous and previous & (INFORMING | INFORMING_WEAK):
        acts.add("act_inform_twice")
    if "next_step" in signals and signals & CLOSING_WORDS:
        acts.add("act_close")
    return acts


class StageModel:
    """The object ``transitions`` drives; ``state`` is the current stage."""

    state: str
    # added by transitions.Machine: fire the named event; False when no guarded edge let it through
    trigger: Callable[..., bool]

    def __init__(self) -> None:
        self.turns_in_stage = 0


def _guard(edge: FlowTransition) -> Callable[[EventData], bool]:
    wanted, blocking = set(edge.signals), set(edge.unless)

    def guard(event: EventData) -> bool:
        signals: set[str] = event.kwargs.get("signals", set())
        model = event.model
        if not isinstance(model, StageModel):
            raise TypeError(f"the stage machine drives a StageModel, not {type(model).__name__}")
        return (
            model.turns_in_stage >= edge.min_turns_in_stage
            and bool(signals & wanted)
            and not (signals & blocking)
        )

    guard.__name__ = f"guard_{edge.trigger}"
    return guard


class StageMachine:
    """The stage flow of one rubric.

    It keeps no session between calls: each call puts the model in the session's stage
    first. Building a ``transitions.Machine`` costs about a millisecond, so one instance
    per rubric and thread (:func:`machine_for`) serves every session.
    """

    def __init__(self, flow: Iterable[FlowTransition]):
        self.flow = list(flow)
        self.model = StageModel()
        transitions = [
            {
                "trigger": edge.trigger,
                "source": list(edge.source),
                "dest": edge.dest,
                "conditions": [_guard(edge)],
            }
            for edge in self.flow
        ]
        transitions.append({"trigger": "finish", "source": list(STAGES), "dest": CLOSED})
        self.machine = Machine(
            model=self.model,
            states=list(ALL_STATES),
            transitions=transitions,
            initial=STAGES[0],
            auto_transitions=False,
            send_event=True,
            ignore_invalid_triggers=True,
        )

    def _enter(self, stage: str, turns_in_stage: int) -> None:
        self.machine.set_state(stage, model=self.model)
        self.model.turns_in_stage = turns_in_stage

    def advance(
        self, stage: str, turns_in_stage: int, signals: set[str], previous: set[str] | None = None
    ) -> FlowTransition | None:
        """The edge a reply fires from ``stage``, or None when the meeting stays there.

        ``turns_in_stage`` counts the replies in ``stage`` including this one; ``previous``
        holds the signals of the reply before it (for acts over two replies).
        """
        signals = set(signals) | reply_acts(set(signals), previous)
        self._enter(stage, turns_in_stage)
        tried: set[str] = set()
        for edge in self.flow:
            if edge.trigger in tried or stage not in edge.source:
                continue
            tried.add(edge.trigger)
            if self.model.trigger(edge.trigger, signals=signals):
                return self._fired(edge.trigger, stage, signals)
        return None

    def _fired(self, trigger: str, source: str, signals: set[str]) -> FlowTransition:
        """Which of the edges sharing ``trigger`` took the meeting from ``source`` here."""
        for edge in self.flow:
            if (
                edge.trigger == trigger
                and source in edge.source
                and edge.dest == self.model.state
                and signals & set(edge.signals)
                and not signals & set(edge.unless)
            ):
                return edge
        raise RuntimeError(f"no edge explains {trigger!r} from {source!r} to {self.model.state!r}")

    def finish(self, stage: str) -> str:
        """The state after ending the meeting from ``stage`` (always ``closed``)."""
        self._enter(stage, 0)
        if stage != CLOSED:
            self.model.trigger("finish")
        return self.model.state


_local = threading.local()


def machine_for(flow: list[FlowTransition]) -> StageMachine:
    """This thread's machine for ``flow`` (built once per rubric and thread)."""
    cache: dict[int, tuple[list[FlowTransition], StageMachine]] = _local.__dict__.setdefault("machines", {})
    hit = cache.get(id(flow))
    if hit is None or hit[0] is not flow:  # the identity check guards against a reused id()
        hit = (flow, StageMachine(flow))
        cache[id(flow)] = hit
    return hit[1]


def to_dot(flow: Iterable[FlowTransition], title: str = "kohtaava") -> str:
    """Graphviz source of the stage machine, for the docs and the app."""
    lines = [f'digraph "{title}" {{', "  rankdir=LR;", '  node [shape=box, style="rounded"];']
    for state in ALL_STATES:
        shape = ', shape=doublecircle' if state == CLOSED else ""
        lines.append(f'  "{state}" [label="{state}"{shape}];')
    for edge in flow:
        label = edge.trigger + "\\n" + ", ".join(edge.signals)
        if edge.unless:
            label += "\\nunless " + ", ".join(edge.unless)
        for source in edge.source:
            lines.append(f'  "{source}" -> "{edge.dest}" [label="{label}"];')
    for stage in STAGES:
        lines.append(f'  "{stage}" -> "{CLOSED}" [label="finish", style=dashed];')
    lines.append("}")
    return "\n".join(lines) + "\n"
