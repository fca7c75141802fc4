"""What the client needed, as facts for the debrief: its real question in words, each key
point with the reply that covered it, and the topics the trainee never asked about.

Why a separate module: these are facts from the meeting, not scores; the scoring decides
their weight. Keeping them apart keeps ``report.py``'s scoring rules easy to change.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from simulator.content.scenario import Scenario
from simulator.engine.state import SessionState


class KeyPointFact(BaseModel):
    """One key point and the reply that explained it (``turn`` None: missed)."""

    id: str
    label: str
    turn: int | None = None
    quote: str | None = None

    @property
    def missed(self) -> bool:
        return self.turn is None


class TopicFact(BaseModel):
    id: str
    label: str


class ClientFacts(BaseModel):
    """The client's side of the meeting, for the debrief."""

    real_question: str | None = Field(default=None, description="the client's real question in its own words")
    real_question_turn: int | None = Field(default=None, description="the turn in which it came out")
    key_points: list[KeyPointFact] = Field(default_factory=list)
    topics_asked: list[TopicFact] = Field(default_factory=list)
    topics_not_asked: list[TopicFact] = Field(default_factory=list)
    unmatched_questions: list[str] = Field(default_factory=list, description="questions the client could not place")


def client_facts(scenario: Scenario, state: SessionState) -> ClientFacts:
    """The facts of one session (works on states stored before memory existed)."""
    real = scenario.real_question
    facts = ClientFacts(real_question=real.line.text if real else None)
    if real is not None:
        facts.real_question_turn = next((t.index for t in state.turns if real.id in t.disclosed), None)
    for point in scenario.key_points:
        turn = next((t for t in state.turns if point.id in t.key_points), None)
        facts.key_points.append(
            KeyPointFact(
                id=point.id,
                label=point.label,
                turn=turn.index if turn else None,
                quote=_quote(turn.reply) if turn else None,
            )
        )
    asked = set(state.topics_asked) | {t.topic for t in state.turns if t.intent == "ask" and t.topic}
    for topic in scenario.topics:
        bucket = facts.topics_asked if topic.id in asked else facts.topics_not_asked
        bucket.append(TopicFact(id=topic.id, label=topic.label))
    facts.unmatched_questions = [t.question for t in state.turns if t.question]
    return facts


def _quote(reply: str, limit: int = 240) -> str:
    text = " ".join(reply.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"
