"""The scenario format: one scripted client with persona, lines, reactions and disclosures."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from simulator.content.common import Language, Stage, StrictModel

IdStr = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")



class TrustBands(StrictModel):
    """Trust runs 0-100; the bands pick which variant of a line the client uses."""

    initial: int = Field(ge=0, le=100)
    low_below: int = Field(default=35, ge=1, le=100)
    high_from: int = Field(default=65, ge=1, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> "TrustBands":
        if self.low_below >= self.high_from:
            raise ValueError("low_below must be smaller than high_from")
        return self

    def band(self, trust: int) -> Literal["low", "mid", "high"]:
        if trust < self.low_below:
            return "low"
        return "high" if trust >= self.high_from else "mid"


class StageLines(StrictModel):
    """The client's ordinary lines in one stage, by trust band."""

    low: list[ClientLine] = Field(min_length=1)
    mid: list[ClientLine] = Field(min_length=1)
    high: list[ClientLine] = Field(min_length=1)


MemoryFact = Literal["day", "date", "time", "task"]


class Condition(StrictModel):
    """When something may happen. Every stated part must hold; omitted parts always hold.

    The memory parts (``covered`` ... ``named``) look at what was said earlier in the
    meeting, so a line can refer only to what really happened.
    """

    stages: list[Stage] = Field(default_factory=list)
    signals_any: list[str] = Field(default_factory=list, description="the reply shows one of these")
    signals_none: list[str] = Field(default_factory=list, description="the reply shows none of these")
    min_trust: int | None = Field(default=None, ge=0, le=100)
    max_trust: int | None = Field(default=None, ge=0, le=100)
    disclosed: list[str] = Field(default_factory=list, description="these disclosures have come out")
    not_disclosed: list[str] = Field(default_factory=list, description="these have not come out yet")
    listening_turns: int | None = Field(
        default=None,
        ge=1,
        description="at least this many replies so far asked an open question or reflected",
    )
    entering: Stage | None = Field(default=None, description="the reply moved the meeting into this stage")
    covered: list[str] = Field(default_factory=list, description="these key points have been explained")
    not_covered: list[str] = Field(default_factory=list, description="these key points have not been explained")
    asked: list[str] = Field(default_factory=list, description="the worker has asked about these topics")
    not_asked: list[str] = Field(default_factory=list, description="the worker has not asked about these topics")
    named: list[MemoryFact] = Field(
        default_factory=list, description="the worker has named these (a weekday, a date, a clock time, a task)"
    )


class ClientLine(StrictModel):
    """Something the client says, with the inner thought shown only in the debrief.

    ``when`` gates the line on the meeting so far (typically a memory condition: a relief
    line needs its key point ``covered``). The text may hold the slots ``{day}``,
    ``{date}``, ``{time}`` and ``{tasks}``, filled from what the worker said; a line whose
    slots cannot all be filled is not said.
    """

    id: str = IdStr
    text: str = Field(min_length=1)
    thought: str | None = None
    when: Condition | None = None


class Reaction(StrictModel):
    """How the client reacts when a condition holds: trust moves and, maybe, a line."""

    id: str = IdStr
    when: Condition
    trust: int = Field(ge=-50, le=50)
    lines: list[ClientLine] = Field(default_factory=list)
    priority: int = Field(default=0, description="higher wins when several reactions could speak")


class Disclosure(StrictModel):
    """Something the client reveals only when heard well enough."""

    id: str = IdStr
    when: Condition
    line: ClientLine
    real_question: bool = Field(default=False, description="the client's most pressing question")
    heard: list[ClientLine] = Field(
        default_factory=list,
        description="what the client says when the worker reflects this back after it came out (feeling heard)",
    )


class KeyPoint(StrictModel):
    """Content the advisory stage must cover.

    ``phrases`` are short stems matched fuzzily; ``examples`` are whole sentences a worker
    might use to explain the point, matched by meaning the way topic questions are.
    """

    id: str = IdStr
    label: str = Field(min_length=1)
    phrases: list[str] = Field(min_length=1)
    examples: list[str] = Field(default_factory=list, description="sentences that explain this point")
    requires_disclosure: str | None = None


class TopicAnswers(StrictModel):
    """What the client says about a topic, by how much it is ready to tell.

    ``evasive`` at low trust (deflects, stays vague), ``partial`` in between, ``full``
    when trust is high: the facts in the persona's own voice.
    """

    evasive: list[ClientLine] = Field(min_length=1)
    partial: list[ClientLine] = Field(min_length=1)
    full: list[ClientLine] = Field(min_length=1)


# The kind of answer a question wants, from its interrogative (engine/question_types.py).
QuestionType = Literal["who", "where", "when", "how_long", "how_many", "how_old", "what_work", "why"]


class Topic(StrictModel):
    """One thing about the client's life a worker may ask about, with the answers to give."""

    id: str = IdStr
    label: str = Field(min_length=1, description="a short name in the scenario's language, for the debrief")
    examples: list[str] = Field(
        min_length=6, description="ways a worker may ask about it, colloquial and formal"
    )
    answers: TopicAnswers
    discloses: str | None = Field(
        default=None, description="a disclosure this topic's question releases when trust allows"
    )
    asks: list[QuestionType] = Field(
        default_factory=list,
        description="the kinds of question this topic answers (who, where, how_long ...); empty: inferred from the examples",
    )
    clarify_as: str | None = Field(
        default=None,
        min_length=1,
        max_length=60,
        description="how the client names this topic when it asks which one was meant, in its own voice ('the kids')",
    )


class Fallbacks(StrictModel):
    """The client's lines for replies no topic or stage line fits.

    ``clarify`` may use ``{options}`` (the two closest topics in the client's words:
    their ``clarify_as``, else their labels);
    ``already_said`` may use ``{answer}`` (what the client answered before).
    """

    unknown: list[ClientLine] = Field(min_length=1, description="a question nothing on the fact sheet answers")
    clarify: list[ClientLine] = Field(min_length=1, description="two or more topics were equally close")
    already_said: list[ClientLine] = Field(min_length=1, description="the same question again")
    wrong_language: list[ClientLine] = Field(min_length=1, description="a reply in a language the client lacks")
    puzzled: list[ClientLine] = Field(min_length=1, description="emoji only, or a single word")
    acknowledge: list[ClientLine] = Field(min_length=1, description="the pool is spent: a short nod")


class Persona(StrictModel):
    name: str
    age: int = Field(ge=14, le=100)
    background: str
    language_level: str = Field(description="e.g. 'A1', 'B1', 'native'")
    speech: str = Field(description="how the client speaks: short sentences, mixes languages ...")
    newcomer: bool = Field(default=False, description="plain-language principles apply")
    speaks: list[Language] = Field(
        default_factory=list, description="languages the client follows; empty means only the scenario's"
    )
    knows_words: list[str] = Field(
        default_factory=list, description="terms this client knows, never jargon to them (a nurse: 'IV')"
    )
    unknown_words: list[str] = Field(
        default_factory=list, description="everyday-looking terms this client does not know ('alkukartoitus')"
    )


class Scenario(StrictModel):
    """One scripted client meeting, in one language."""

    id: str = IdStr
    language: Language
    title: str
    difficulty: Literal["easy", "medium", "hard"]
    summary: str = Field(description="one line for the scenario card")
    learning_goals: list[str] = Field(min_length=1)
    brief: str = Field(min_length=1, description="what the trainee knows beforehand")
    persona: Persona
    rubric: str = "kohtaava"
    tags: list[str] = Field(default_factory=list)
    trust: TrustBands
    opening: ClientLine
    lines: dict[Stage, StageLines]
    reactions: list[Reaction] = Field(default_factory=list)
    disclosures: list[Disclosure] = Field(default_factory=list)
    key_points: list[KeyPoint] = Field(default_factory=list)
    topics: list[Topic] = Field(default_factory=list, description="the fact sheet")
    fallbacks: Fallbacks | None = None
    closing: ClientLine

    @model_validator(mode="after")
    def _check_ids(self) -> "Scenario":
        missing = [stage for stage in ("empathy", "guidance", "advisory", "farewell") if stage not in self.lines]
        if missing:
            raise ValueError(f"lines is missing stage(s): {', '.join(missing)}")
        ids = [line.id for line in self.all_lines()]
        dupes = sorted({line_id for line_id in ids if ids.count(line_id) > 1})
        if dupes:
            raise ValueError(f"line ids used twice: {', '.join(dupes)}")
        return self

    def all_lines(self) -> list[ClientLine]:
        """Every line the client can say, in file order."""
        found = [self.opening]
        for stage_lines in self.lines.values():
            found += [*stage_lines.low, *stage_lines.mid, *stage_lines.high]
        for reaction in self.reactions:
            found += reaction.lines
        found += [disclosure.line for disclosure in self.disclosures]
        for topic in self.topics:
            found += [*topic.answers.evasive, *topic.answers.partial, *topic.answers.full]
        if self.fallbacks is not None:
            for name in type(self.fallbacks).model_fields:
                found += getattr(self.fallbacks, name)
        found.append(self.closing)
        return found

    @property
    def real_question(self) -> Disclosure | None:
        return next((d for d in self.disclosures if d.real_question), None)
