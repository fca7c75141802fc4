"""One practice session: a reply goes in, the scored turn and the client's answer come out.

This is the single place where a reply travels through detection, scoring, the stage
machine and the client; the service layer stores what comes back.
"""

from __future__ import annotations

from simulator.content.rubric import Rubric
from simulator.content.scenario import Scenario
from simulator.engine.client import LISTENING_SIGNALS, TurnContext, respond
from simulator.engine.key_points import covered_key_points
from simulator.engine.machine import machine_for
from simulator.engine.pacing import paced_trust
from simulator.engine.state import SessionState, SignalRecord, Span, TurnRecord
from simulator.language import MeetingContext, get_detector, language_marks, meeting_marks
from simulator.rubric.report import SessionReport, build_report
from simulator.rubric.scoring import repeats_earlier, score_reply

MAX_REPLY_CHARS = 2000
MAX_HINTS = 3

# The learned detection layer (language/learned/) is served by `simulator detect` and measured
# there, but the stage machine still moves on one hit: with the layer on, 6 of the 52 golden
# transcript tests fail (a model-only `summary` moves a meeting to farewell, model-only
# `jargon`/`bad_news` add findings, a vetoed hit drops one; issue 9, item 5). Switch it on
# once the stage logic no longer moves on single hits and the transcripts pass with it.
USE_LEARNED_DETECTION = False


class ReplyRejected(ValueError):
    """A reply the engine will not take; ``code`` lets the UI say why in the user's language."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def check_reply(text: str) -> None:
    """``ReplyRejected`` for a reply no session takes: empty (or only white space), or longer
    than ``MAX_REPLY_CHARS``. The one rule; the service runs it before any database work."""
    if not text or not text.strip():
        raise ReplyRejected("empty", "the reply is empty")
    if len(text) > MAX_REPLY_CHARS:
        raise ReplyRejected("too_long", f"the reply is longer than {MAX_REPLY_CHARS} characters")


def _without_jargon(turn: TurnRecord) -> str:
    """An earlier reply with its unexplained terms blanked: what is left, the worker has explained."""
    text = turn.reply
    for record in turn.signals:
        if record.signal == "jargon":
            text = text[: record.span.start] + " " * (record.span.end - record.span.start) + text[record.span.end :]
    return text


class SessionClosed(RuntimeError):
    """The meeting has ended; a finished session is read-only."""


class Simulation:
    """Drives one session; restorable from its :class:`SessionState` at any turn."""

    def __init__(self, scenario: Scenario, rubric: Rubric, state: SessionState):
        if state.scenario_id != scenario.id:
            raise ValueError(f"state belongs to scenario {state.scenario_id!r}, not {scenario.id!r}")
        self.scenario = scenario
        self.rubric = rubric
        self.state = state
        self.machine = machine_for(rubric.flow)
        self.turns_in_stage = 0  # replies since the meeting last moved
        for turn in reversed(state.turns):
            if turn.stage != turn.stage_after:
                break
            self.turns_in_stage += 1

    @classmethod
    def start(cls, scenario: Scenario, rubric: Rubric, seed: int = 0) -> "Simulation":
        """A new session: the client has just said the opening line."""
        state = SessionState(
            scenario_id=scenario.id,
            rubric_id=rubric.id,
            language=scenario.language,
            seed=seed,
            stage="empathy",
            trust=scenario.trust.initial,
            stage_history=["empathy"],
            used_lines=[scenario.opening.id],
            opening_line=scenario.opening.text,
        )
        return cls(scenario, rubric, state)

    @classmethod
    def restore(cls, scenario: Scenario, rubric: Rubric, state_json: str) -> "Simulation":
        return cls(scenario, rubric, SessionState.model_validate_json(state_json))

    @property
    def last_client_line(self) -> str:
        return self.state.turns[-1].client_line if self.state.turns else self.state.opening_line

    @property
    def finished(self) -> bool:
        return self.state.finished

    def reply(self, text: str, hint_used: bool = False) -> TurnRecord:
        """Take one trainee reply and return the recorded turn (already added to the state)."""
        if self.state.finished:
            raise SessionClosed("the meeting has ended")
        check_reply(text)
        state = self.state
        stage = state.stage
        persona = self.scenario.persona
        context = MeetingContext.of(
            [state.opening_line, *(t.client_line for t in state.turns)],
            persona.knows_words,
            persona.unknown_words,
            persona.speaks,
            explained=[_without_jargon(t) for t in state.turns],
        )
        detector = get_detector(state.language)
        detect = detector.detect if USE_LEARNED_DETECTION else detector.rule_hits
        hits = detect(text, stage=stage, context=context, marks=True)
        signals = [
            SignalRecord(signal=hit.signal, span=Span(start=hit.start, end=hit.end, text=text[hit.start : hit.end]))
            for hit in hits
        ]
        whole = Span(start=0, end=len(text), text=text)
        signals += [SignalRecord(signal=mark, span=whole) for mark in language_marks(text, state.language, persona.speaks)]
        computer = [r.span for r in signals if r.signal == "computer_focus"]
        found = {r.signal for r in signals}
        signals += [
            SignalRecord(signal=mark, span=computer[0])
            for mark in meeting_marks(found, self.last_client_line, state.language)
        ]
        names = frozenset(record.signal for record in signals)
        previous = state.turns[-1].signal_names if state.turns else None
        # once the real question is out, a reply that explains one of the client's key points
        # informs, whatever its wording
        real = self.scenario.real_question
        real_out = real is None or real.id in state.disclosed
        informs = real_out and bool(
            set(covered_key_points(text, self.scenario.key_points, state.disclosed)) - set(state.key_points)
        )
        # the mark lets the machine see informing that no word cue showed
        edge = self.machine.advance(stage, self.turns_in_stage + 1, set(names) | ({"key_point"} if informs else set()), previous)
        stage_after = edge.dest if edge is not None else stage
        self.turns_in_stage = 0 if edge is not None else self.turns_in_stage + 1
        credit = stage_after if edge is not None and edge.score_in == "both" else None
        scored = score_reply(
            self.rubric,
            self.scenario,
            stage,
            text,
            signals,
            state.turns,
            credit_stage=credit,
            real_question_out=real_out,
        )
        marks = set(names) | ({"repetition"} if repeats_earlier(text, state.turns) else set())
        listening = sum(1 for t in state.turns if t.signal_names & LISTENING_SIGNALS) + bool(names & LISTENING_SIGNALS)
        ctx = TurnContext(
            stage=stage,
            stage_after=stage_after,
            signals=names,
            trust=state.trust,
            disclosed=frozenset(state.disclosed),
            listening_turns=listening,
        )
        response = respond(self.scenario, state, ctx)
        trust_after, paced = paced_trust(state.trust, response.trust_after, response.reactions, state.turns, marks)
        new_points = [
            point
            for point in covered_key_points(text, self.scenario.key_points, [*state.disclosed, *response.disclosed])
            if point not in state.key_points
        ]
        turn = TurnRecord(
            index=len(state.turns),
            reply=text,
            stage=stage,
            stage_after=stage_after,
            signals=signals,
            findings=scored.findings,
            reply_score=scored.score,
            trust_before=state.trust,
            trust_after=trust_after,
            client_line_id=response.line.id,
            client_line=response.line.text,
            thought=response.line.thought,
            disclosed=response.disclosed,
            key_points=new_points,
            reactions=[*response.reactions, *paced],
            hint_used=hint_used,
        )
        state.turns.append(turn)
        state.trust = trust_after
        state.disclosed.extend(response.disclosed)
        state.key_points.extend(new_points)
        state.used_lines.append(response.line.id)
        if stage_after != stage:
            state.stage_history.append(stage_after)
        state.stage = stage_after
        return turn

    def hint(self, language: str) -> str:
        """What the current stage calls for; each hint costs points in the report."""
        if self.state.finished:
            raise SessionClosed("the meeting has ended")
        if self.state.hints_used >= MAX_HINTS:
            raise ReplyRejected("hint_limit", f"at most {MAX_HINTS} hints per attempt")
        self.state.hints_used += 1
        return self.rubric.stages[self.state.stage].hint.get(language)  # type: ignore[index]

    def end(self) -> SessionReport:
        """Close the meeting (idempotent) and return the report."""
        if not self.state.finished:
            self.state.finished = True
            self.state.closing_line = self.scenario.closing.text
            self.state.stage_history.append(self.machine.finish(self.state.stage))
        return self.report()

    def report(self) -> SessionReport:
        return build_report(self.rubric, self.scenario, self.state)
