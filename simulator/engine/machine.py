"""The stage machine: the four steps of the meeting plus ``closed``, built with ``transitions``.

States and edges come from the rubric's ``flow`` (plain data); each edge's guard is built
from its declared signals, so an edge fires only for the reply that earns it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from transitions import EventData, Machine

from simulator.content.common import CLOSED, STAGES
from simulator.content.rubric import FlowTransition

ALL_STATES: tuple[str, ...] = (*STAGES, CLOSED)


class StageModel:
    """The object ``transitions`` drives; ``state`` is the current stage."""

    state: str

    def __init__(self) -> None:
        self.turns_in_stage = 0


def _guard(edge: FlowTransition) -> Callable[[EventData], bool]:
    wanted, blocking = set(edge.signals), set(edge.unless)

    def guard(event: EventData) -> bool:
        signals: set[str] = event.kwargs.get("signals", set())
        model: StageModel = event.model
        return (
            model.turns_in_stage >= edge.min_turns_in_stage
            and bool(signals & wanted)
            and not (signals & blocking)
        )

    guard.__name__ = f"guard_{edge.trigger}"
    return guard


class StageMachine:
    """Moves a meeting between stages; restorable at any stage."""

    def __init__(self, flow: Iterable[FlowTransition], initial: str = "empathy", turns_in_stage: int = 0):
        self.flow = list(flow)
        self.model = StageModel()
        self.model.turns_in_stage = turns_in_stage
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
            initial=initial,
            auto_transitions=False,
            send_event=True,
            ignore_invalid_triggers=True,
        )

    @property
    def stage(self) -> str:
        return self.model.state

    def advance(self, signals: set[str]) -> FlowTransition | None:
        """Count a reply in the current stage and fire the first edge it earns.

        Returns the edge that fired, or None when the meeting stays where it is.
        """
        self.model.turns_in_stage += 1
        source = self.stage
        tried: set[str] = set()
        for edge in self.flow:
            if edge.trigger in tried or source not in edge.source:
                continue
            tried.add(edge.trigger)
            if self.model.trigger(edge.trigger, signals=signals):
                self.model.turns_in_stage = 0
                return self._fired(edge.trigger, source, signals)
        return None

    def _fired(self, trigger: str, source: str, signals: set[str]) -> FlowTransition:
        """Which of the edges sharing ``trigger`` took the meeting from ``source`` here."""
        for edge in self.flow:
            if (
                edge.trigger == trigger
                and source in edge.source
                and edge.dest == self.stage
                and signals & set(edge.signals)
                and not signals & set(edge.unless)
            ):
                return edge
        raise RuntimeError(f"no edge explains {trigger!r} from {source!r} to {self.stage!r}")

    def finish(self) -> None:
        """End the meeting from whichever stage it is in."""
        if self.stage != CLOSED:
            self.model.trigger("finish")


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
