"""The serialisable state of one practice session: everything needed to restore it mid-way."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Span(BaseModel):
    """A stretch of the trainee's reply, by character offsets into the reply text."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: int
    end: int
    text: str


class SignalRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    signal: str
    span: Span


class Finding(BaseModel):
    """What one principle made of one reply (or of the session), with the words behind it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    principle: str
    stage: str
    polarity: str
    weight: float
    spans: list[Span] = Field(default_factory=list)
    message: dict[str, str] = Field(default_factory=dict, description="language -> feedback text")
    source: str = Field(default="engine", description="'engine' or 'mentor' (a correction)")

    @property
    def key(self) -> str:
        """A stable identity within a turn, used by mentors' corrections."""
        first = self.spans[0].start if self.spans else -1
        return f"{self.principle}@{first}"


class TurnRecord(BaseModel):
    """One trainee reply and everything the engine made of it."""

    model_config = ConfigDict(extra="forbid")

    index: int
    reply: str
    stage: str = Field(description="the stage the reply was written in")
    stage_after: str = Field(description="the stage the reply led to")
    signals: list[SignalRecord]
    findings: list[Finding]
    reply_score: float
    trust_before: int
    trust_after: int
    client_line_id: str
    client_line: str
    thought: str | None = None
    disclosed: list[str] = Field(default_factory=list)
    key_points: list[str] = Field(default_factory=list)
    reactions: list[str] = Field(default_factory=list)
    hint_used: bool = False
    # what the reply asked or told about (None in states stored before routing existed)
    intent: str | None = Field(default=None, description="'ask', 'tell' or None")
    topic: str | None = Field(default=None, description="the topic the reply asked about")
    question: str | None = Field(default=None, description="the routed question sentence")
    line_kind: str | None = Field(
        default=None,
        description=(
            "why the client said its line: topic, disclosure, reaction, pool, nod, or a fallback "
            "(unknown, clarify, already_said, wrong_language, puzzled, acknowledge)"
        ),
    )

    @property
    def signal_names(self) -> set[str]:
        return {record.signal for record in self.signals}


class SessionState(BaseModel):
    """The whole session; stored after every turn and restored to continue."""

    model_config = ConfigDict(extra="forbid")

    version: int = 2
    scenario_id: str
    rubric_id: str
    language: str
    seed: int
    stage: str
    trust: int
    stage_history: list[str]
    disclosed: list[str] = Field(default_factory=list)
    key_points: list[str] = Field(default_factory=list)
    used_lines: list[str] = Field(default_factory=list)
    turns: list[TurnRecord] = Field(default_factory=list)
    hints_used: int = 0
    opening_line: str
    closing_line: str | None = None
    finished: bool = False
    # memory (version 2; an older state restores with these empty)
    topics_asked: list[str] = Field(default_factory=list, description="topics the worker asked about")
    answers: dict[str, str] = Field(default_factory=dict, description="topic -> the client's last answer")
    answer_levels: dict[str, str] = Field(default_factory=dict, description="topic -> evasive/partial/full")
    answer_types: dict[str, list[str]] = Field(
        default_factory=dict, description="topic -> the question types (who, how_old ...) already answered"
    )
    named: dict[str, list[str]] = Field(
        default_factory=dict, description="day/date/time/task -> what the worker named, oldest first"
    )

    @property
    def said(self) -> set[str]:
        """Every text the client has said so far (no line is said twice in a meeting)."""
        return {self.opening_line, *(turn.client_line for turn in self.turns)}

    @property
    def trust_history(self) -> list[int]:
        """Trust at the start and after every turn."""
        start = self.turns[0].trust_before if self.turns else self.trust
        return [start, *(turn.trust_after for turn in self.turns)]
