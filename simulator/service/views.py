"""What the practice service hands to the pages: plain, immutable views.

Pages never see ORM rows or the engine's objects, so nothing they do can write to the
database behind the service's back, and a view can be cached in ``st.session_state``
safely. Localised content (principle names, feedback, stage names) comes as
``{"fi": ..., "en": ...}`` dicts; the page picks the interface language.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from simulator.rubric.report import SessionReport
from simulator.rubric.text_measures import talk_ratio

Localised = dict[str, str]


@dataclass(frozen=True)
class ScenarioCard:
    """One card in the picker."""

    id: str
    title: str
    summary: str
    client_name: str
    client_age: int
    client_background: str
    difficulty: str
    language: str
    learning_goals: tuple[str, ...]
    tags: tuple[str, ...] = ()
    assigned: bool = False
    due_date: datetime | None = None
    active_attempt_id: int | None = None
    finished_attempts: int = 0
    best_overall: int | None = None


@dataclass(frozen=True)
class SpanView:
    """A stretch of the trainee's reply, by character offsets (end exclusive)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class FindingView:
    principle: str
    name: Localised
    polarity: str  # "positive" | "negative"
    weight: float
    spans: tuple[SpanView, ...]
    message: Localised
    source: str = "engine"


@dataclass(frozen=True)
class TurnView:
    """One stored turn. ``inner_thought`` is None while the attempt is active: the client's
    thoughts are for the debrief, not for steering the conversation."""

    index: int
    reply: str
    client_line: str
    stage: str
    stage_after: str
    trust_before: int
    trust_after: int
    signals: tuple[str, ...]
    findings: tuple[FindingView, ...]
    reply_score: float
    inner_thought: str | None = None
    disclosed: tuple[str, ...] = ()
    hint_used: bool = False


@dataclass(frozen=True)
class LiveCounts:
    """The sidebar's running counts over the whole attempt (``rubric.report.count_turns``,
    frozen for the view)."""

    turns: int = 0
    open_questions: int = 0
    closed_questions: int = 0
    reflections: int = 0
    trainee_words: int = 0
    client_words: int = 0

    @property
    def talk_ratio(self) -> float | None:
        """Trainee words per client word (below 1: the client talks more)."""
        return talk_ratio(self.trainee_words, self.client_words)


@dataclass(frozen=True)
class StageInfo:
    id: str
    name: Localised
    goal: Localised


@dataclass(frozen=True)
class AttemptView:
    """An attempt as the practice page shows it; everything needed to redraw after a refresh."""

    id: int
    user_id: int | None  # None for a reader who may not know the owner (a cohort member)
    scenario_id: str
    scenario_title: str
    language: str
    status: str  # "active" | "finished"
    brief: str
    client_name: str
    opening_line: str
    closing_line: str | None
    stage: str
    stages: tuple[StageInfo, ...]
    trust: int
    trust_low_below: int
    trust_high_from: int
    hints_used: int
    hints_left: int
    hint_cost: float
    turns: tuple[TurnView, ...]
    counts: LiveCounts
    overall: int | None
    started_at: datetime
    finished_at: datetime | None = None
    stage_history: tuple[str, ...] = ()  # stages in the order the meeting entered them (a step back repeats one)
    hint: Localised | None = None  # the hint asked in the current stage, while the meeting is still there

    @property
    def finished(self) -> bool:
        return self.status == "finished"

    @property
    def next_index(self) -> int:
        """The index the next reply will get; the page sends it to detect double submits."""
        return len(self.turns)


@dataclass(frozen=True)
class HintView:
    text: Localised
    stage: str
    hints_used: int
    hints_left: int
    cost: float


@dataclass(frozen=True)
class AttemptSummary:
    """One attempt in a comparison or a progress table."""

    id: int
    scenario_id: str
    overall: int | None
    stages: dict[str, int | None]
    started_at: datetime
    finished_at: datetime | None
    turns: int = 0
    hints_used: int = 0
    title: str = ""
    status: str = "finished"


@dataclass(frozen=True)
class Comparison:
    """The trainee's own first, best and latest finished attempt of the same scenario."""

    first: AttemptSummary | None
    best: AttemptSummary | None
    latest: AttemptSummary | None
    count: int = 0


@dataclass(frozen=True)
class DebriefView:
    attempt: AttemptView
    report: SessionReport
    principle_names: dict[str, Localised]
    comparison: Comparison

    def to_json_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (datetimes as ISO text); the JSON export writes exactly this."""
        attempt = _jsonable(asdict(self.attempt))
        attempt["counts"]["talk_ratio"] = self.attempt.counts.talk_ratio
        return {
            "format": "kohtaamo-debrief/1",
            "attempt": attempt,
            "report": self.report.model_dump(mode="json"),
            "principle_names": self.principle_names,
            "comparison": _jsonable(asdict(self.comparison)),
        }


@dataclass(frozen=True)
class PrincipleTrendPoint:
    """How often one principle was kept (positive) or broken (negative) in one attempt."""

    attempt_id: int
    finished_at: datetime
    principle: str
    positive: int
    negative: int


@dataclass(frozen=True)
class ScenarioProgress:
    scenario_id: str
    title: str
    attempts: int
    best: AttemptSummary | None
    latest: AttemptSummary | None


@dataclass(frozen=True)
class ProgressView:
    attempts: tuple[AttemptSummary, ...]  # finished, oldest first
    principle_points: tuple[PrincipleTrendPoint, ...]
    principle_names: dict[str, Localised]
    per_scenario: tuple[ScenarioProgress, ...]
    active: tuple[AttemptSummary, ...] = field(default_factory=tuple)
    stage_names: dict[str, Localised] = field(default_factory=dict)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value
