"""The rubric format: stage principles that react to reply signals, and session principles.

Principle kinds live here in code (a closed set, a discriminated union on ``kind``);
the principles themselves are YAML under ``rubrics/``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from simulator.content.common import Language, Localized, Stage, StrictModel

Polarity = Literal["positive", "negative"]


class Feedback(StrictModel):
    """What the reply did, why it matters in this stage, and an example of a better reply.

    ``did`` may contain ``{quote}``, replaced by the trainee's own words.
    """

    did: str = Field(min_length=1)
    why: str = Field(min_length=1)
    example: str = Field(min_length=1)


class LocalizedFeedback(StrictModel):
    fi: Feedback
    en: Feedback

    def get(self, language: str) -> Feedback:
        return self.en if language == "en" else self.fi


class _PrincipleBase(StrictModel):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
    name: Localized
    stages: list[Stage] = Field(min_length=1)
    polarity: Polarity
    weight: float = Field(gt=0, le=10)
    feedback: LocalizedFeedback
    core: bool = Field(
        default=False,
        description="a positive principle the stage expects; missing it lowers the stage score",
    )
    group: str | None = Field(default=None, description="core principles sharing a group: any one earns it")


class SignalPrinciple(_PrincipleBase):
    """Reacts when the reply shows any of ``signals`` (all of ``requires`` too) and none of ``unless``."""

    kind: Literal["signal"] = "signal"
    signals: list[str] = Field(min_length=1)
    requires: list[str] = Field(default_factory=list)
    unless: list[str] = Field(default_factory=list)
    audience: Literal["all", "newcomer"] = "all"
    real_question: Literal["any", "before", "after"] = Field(
        default="any",
        description="'after': only once the client's real question has come out (advice answers it); "
        "'before': only while it has not (standard advice); scenarios without one count as 'after'",
    )
    goal_words: list[str] = Field(
        default_factory=list,
        description="applies only when a learning goal of the scenario mentions one of these words",
    )


class PlainLanguagePrinciple(_PrincipleBase):
    """Flags long sentences and long words in replies to a client with little of the language."""

    kind: Literal["plain_language"]
    max_sentence_words: dict[Language, int]
    max_word_chars: dict[Language, int]


class LengthPrinciple(_PrincipleBase):
    """Flags a reply longer than ``max_words`` (a monologue), optionally only with ``signals``."""

    kind: Literal["length"]
    max_words: int = Field(gt=0)
    signals: list[str] = Field(default_factory=list)


class StreakPrinciple(_PrincipleBase):
    """Flags ``count`` replies in a row showing ``signals`` and none of ``unless`` (interrogation)."""

    kind: Literal["streak"]
    signals: list[str] = Field(min_length=1)
    unless: list[str] = Field(default_factory=list)
    count: int = Field(ge=2)


Principle = Annotated[
    SignalPrinciple | PlainLanguagePrinciple | LengthPrinciple | StreakPrinciple,
    Field(discriminator="kind"),
]


class _SessionPrincipleBase(StrictModel):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
    name: Localized
    weight: float = Field(gt=0, le=10)
    feedback: LocalizedFeedback


class StageOrderPrinciple(_SessionPrincipleBase):
    """The meeting climbs the steps in order (advisory may step back to guidance)."""

    kind: Literal["stage_order"]


class StagesVisitedPrinciple(_SessionPrincipleBase):
    """Every stage of the model was visited; none skipped."""

    kind: Literal["stages_visited"]


class StageTimePrinciple(_SessionPrincipleBase):
    """Each visited stage got at least ``min_turns`` replies."""

    kind: Literal["stage_time"]
    min_turns: dict[Stage, int]


class TalkRatioPrinciple(_SessionPrincipleBase):
    """In ``stage`` the trainee wrote at most ``max_ratio`` times as many words as the client."""

    kind: Literal["talk_ratio"]
    stage: Stage
    max_ratio: float = Field(gt=0)


class KeyPointsPrinciple(_SessionPrincipleBase):
    """The scenario's key points were covered; ``min_share`` of them earns the principle."""

    kind: Literal["key_points"]
    min_share: float = Field(gt=0, le=1)


class FarewellClosePrinciple(_SessionPrincipleBase):
    """The farewell stage showed all of ``signals`` (a summary and a next step)."""

    kind: Literal["farewell_close"]
    signals: list[str] = Field(min_length=1)


class ClientFirstPrinciple(_SessionPrincipleBase):
    """Before the first reply that informs or advises, the client said more words than the worker."""

    kind: Literal["client_first"]
    signals: list[str] = Field(min_length=1, description="the informing signals")


class RealQuestionPrinciple(_SessionPrincipleBase):
    """The client's real question came out and the worker answered it (``min_share`` of its key points)."""

    kind: Literal["real_question"]
    min_share: float = Field(default=0.5, gt=0, le=1)


SessionPrinciple = Annotated[
    StageOrderPrinciple
    | StagesVisitedPrinciple
    | StageTimePrinciple
    | TalkRatioPrinciple
    | KeyPointsPrinciple
    | FarewellClosePrinciple
    | ClientFirstPrinciple
    | RealQuestionPrinciple,
    Field(discriminator="kind"),
]


class StageGuide(StrictModel):
    """What a stage is for; the hint tells the trainee what the stage calls for now."""

    name: Localized
    goal: Localized
    hint: Localized


class FlowTransition(StrictModel):
    """One edge of the stage machine, fired by the signals of a reply.

    Edges are tried in file order; the first whose conditions hold moves the meeting.
    """

    trigger: str = Field(pattern=r"^[a-z_]+$")
    source: list[Stage] = Field(min_length=1)
    dest: Stage
    signals: list[str] = Field(min_length=1, description="any of these fires the edge")
    unless: list[str] = Field(default_factory=list)
    min_turns_in_stage: int = Field(default=1, ge=1)
    score_in: Literal["source", "both"] = Field(
        default="source",
        description="'both': the reply that fires this edge also earns the destination stage's "
        "positive principles, since it already does the new stage's work (the open question "
        "that opens guidance); faults are always judged in the stage the reply was written in",
    )


class ScoringWeights(StrictModel):
    """How stage scores and the overall score are put together (documented in docs/scoring.md)."""

    penalty_per_weight: float = Field(default=6.0, gt=0)
    bonus_per_weight: float = Field(default=3.0, ge=0)
    session_share: float = Field(default=0.25, ge=0, le=1)
    hint_cost: float = Field(default=3.0, ge=0)
    substance_share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="share of the overall that depends on what the worker did with the client's real question: "
        "overall = form x (1 - share + share x substance / 100)",
    )
    found_share: float = Field(
        default=0.2, ge=0, le=1, description="within substance: the real question came out; the rest is key points"
    )


OutcomeKey = Literal["heard", "answered", "next_step", "can_manage"]


class Outcome(StrictModel):
    """One client-experience statement, said from the client's side, and why it was (not) met."""

    statement: Localized
    met: Localized
    not_met: Localized


class Rubric(StrictModel):
    """A rubric: stage guides, the stage machine's edges, reply principles and session principles."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    title: Localized
    description: Localized
    stages: dict[Stage, StageGuide]
    flow: list[FlowTransition] = Field(min_length=1)
    principles: list[Principle] = Field(min_length=1)
    session_principles: list[SessionPrinciple] = Field(default_factory=list)
    scoring: ScoringWeights = ScoringWeights()
    outcomes: dict[OutcomeKey, Outcome]

    @model_validator(mode="after")
    def _unique_ids(self) -> "Rubric":
        seen: set[str] = set()
        for principle in [*self.principles, *self.session_principles]:
            if principle.id in seen:
                raise ValueError(f"principle id {principle.id!r} is used twice")
            seen.add(principle.id)
        missing = [stage for stage in ("empathy", "guidance", "advisory", "farewell") if stage not in self.stages]
        if missing:
            raise ValueError(f"stages is missing {', '.join(missing)}")
        missing = [key for key in ("heard", "answered", "next_step", "can_manage") if key not in self.outcomes]
        if missing:
            raise ValueError(f"outcomes is missing {', '.join(missing)}")
        return self

    def principle(self, principle_id: str) -> Principle | SessionPrinciple | None:
        """Look a principle (reply- or session-level) up by id."""
        for principle in [*self.principles, *self.session_principles]:
            if principle.id == principle_id:
                return principle
        return None
