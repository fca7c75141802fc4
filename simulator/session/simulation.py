"""One practice session: a reply goes in, the scored turn and the client's answer come out.

This is the single place where a reply travels through detection, scoring, the stage
machine and the client; the service layer stores what comes back.
"""

from __future__ import annotations

from dataclasses import replace

from simulator.content.common import is_stage
from simulator.content.rubric import Rubric
from simulator.content.scenario import Scenario
from simulator.engine.client import LISTENING_SIGNALS, TurnContext, respond
from simulator.engine.form import form_reaction
from simulator.engine.intent import Route, key_point_index, route, topic_index
from simulator.engine.key_points import covered_key_points, meant_key_points
from simulator.engine.memory import TASK_SIGNALS, extract_named, fill, merge_named, slot_values
from simulator.engine.machine import machine_for
from simulator.engine.pacing import paced_trust
from simulator.engine.state import SessionState, SignalRecord, Span, TurnRecord
from simulator.language import MeetingContext, SignalHit, get_detector, language_marks, meeting_marks
from simulator.language.sentences import split_sentences
from simulator.rubric.report import SessionReport, build_report
from simulator.rubric.scoring import repeats_earlier, score_reply

MAX_REPLY_CHARS = 2000
MAX_HINTS = 3

# The learned detection layer (language/learned/) adds recall on what the worker does well
# (reflections, open questions, affirmation...). What the client takes offence at, what the
# feedback blames and what moves the meeting on stay with the rules: on the measure-only
# sets the layer lifts macro-F1 by +0.02 (fi) / +0.04 (en), but its model-only `assumption`
# hits on neutral questions made the client take offence, and its vetoes dropped bad news
# the rules had rightly found. Wrong feedback is worse than none.
USE_LEARNED_DETECTION = True
# Fault signals, the pair bad news / way forward, and the acts the stage machine moves on:
# in a meeting these come from the rules alone, found or vetoed.
RULES_ONLY_SIGNALS = frozenset(
    {
        "assumption", "hurry", "computer_focus", "jargon", "bad_news", "way_forward",
        "advice", "information", "summary", "next_step", "transition_signpost",
    }
)


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


def _task_sentences(text: str, records: list[SignalRecord]) -> list[str]:
    """The sentence around each task signal (``TASK_SIGNALS``), as the worker wrote it, without
    its closing mark: the detector's own sentences, so "klo 9.30" or "esim." cut no task in two."""
    sentences = split_sentences(text)
    out: list[str] = []
    for record in records:
        around = [s for s in sentences if s.start <= record.span.start < s.end]
        if not around:
            continue
        sentence = text[around[0].start : around[0].end].rstrip(".!?\u2026 ")
        if sentence and sentence not in out:
            out.append(sentence)
    return out


def closing_text(template: str, state: SessionState) -> str:
    """The closing line with its slots filled from memory; sentences that cannot be filled
    are left out, so the farewell never names a day the worker did not say."""
    values = slot_values(state.named, state.language)
    whole = fill(template, values)
    if whole is not None:
        return whole
    kept = [part for part in _sentences(template) if fill(part, values) is not None]
    return " ".join(fill(part, values) or "" for part in kept).strip() or "..."


def _sentences(text: str) -> list[str]:
    return [text[span.start : span.end] for span in split_sentences(text)]


def _explained_terms_dropped(
    hits: list[SignalHit], text: str, scenario: Scenario, explaining: list[str]
) -> list[SignalHit]:
    """Jargon hits on a term of a key point explained by meaning in this reply, or earlier in
    the meeting, are no jargon.

    "Oppisopimuksessa saat palkkaa koko ajan, ja sinulla on työpaikalla oma ohjaaja" names the
    term and explains it in the next clauses; the key point matched by its examples' meaning
    is the evidence (a bare mention of the term, which matches only a phrase, is not).
    """
    if not explaining:
        return hits
    terms = " ".join(
        " ".join([*point.phrases, point.label]) for point in scenario.key_points if point.id in explaining
    ).lower()
    kept = []
    for hit in hits:
        word = text[hit.start : hit.end].lower()
        stem = word[: max(4, int(len(word) * 0.7))]
        if hit.signal == "jargon" and stem in terms:
            continue
        kept.append(hit)
    return kept


def _agenda_to_real_question(routed: Route, names: frozenset[str], scenario: Scenario) -> Route:
    """An agenda question ("what would you like to get out of today?") asks for the client's
    own question: when it is torn between topics, the topic that holds the real question wins.

    The detector recognises the agenda question by its form; the fact sheet's wording
    ("tapaamisesta" also names the last meeting) must not send the client into a clarifying
    question at the one moment it was asked the right thing.
    """
    real = scenario.real_question
    if "agenda_question" not in names or real is None or routed.kind != "ask" or not routed.close:
        return routed
    holder = next((t.id for t in scenario.topics if t.discloses == real.id and t.id in routed.close), None)
    if holder is None:
        return routed
    return replace(routed, topic=holder, close=())


def _last_topic(state: SessionState) -> str | None:
    """The topic the client answered in the previous turn: what a short follow-up points at."""
    if not state.turns:
        return None
    last = state.turns[-1]
    return last.topic if last.line_kind in {"topic", "disclosure", "already_said"} else None


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
        scenario = self.scenario
        points_index = key_point_index(scenario)
        meant = meant_key_points(text, points_index) if points_index is not None else set()
        explaining = covered_key_points(text, scenario.key_points, state.disclosed, meant=meant)
        explained_points = [*state.key_points, *(meant & {point.id for point in scenario.key_points})]
        detected = (
            detector.detect(text, stage=stage, context=context, marks=True, rules_only=RULES_ONLY_SIGNALS)
            if USE_LEARNED_DETECTION
            else detector.rule_hits(text, stage=stage, context=context, marks=True)
        )
        hits = _explained_terms_dropped(detected, text, scenario, explained_points)
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
        real = scenario.real_question
        real_out = real is None or real.id in state.disclosed
        informs = real_out and bool(set(explaining) - set(state.key_points))
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
        routed = _agenda_to_real_question(
            route(topic_index(scenario), text, state.language, last_topic=_last_topic(state)), names, scenario
        )
        points_now = covered_key_points(text, scenario.key_points, state.disclosed, meant=meant)
        named = {kind: list(words) for kind, words in state.named.items()}
        merge_named(named, extract_named(text, state.language))
        tasks = _task_sentences(text, [record for record in signals if record.signal in TASK_SIGNALS])
        if tasks:
            merge_named(named, {"task": tasks})
        asked_now = [routed.topic] if routed.kind == "ask" and routed.topic else []
        ctx = TurnContext(
            stage=stage,
            stage_after=stage_after,
            signals=names,
            trust=state.trust,
            disclosed=frozenset(state.disclosed),
            listening_turns=listening,
            asked=frozenset([*state.topics_asked, *asked_now]),
            covered=frozenset([*state.key_points, *points_now]),
            named=frozenset(kind for kind, words in named.items() if words),
            reply=text,
        )
        form = form_reaction(text, scenario)
        if form == "puzzled" and routed.topic is not None and text.rstrip().endswith("?"):
            form = None  # "Siblings?", "Ages?": one word, but a question a topic answers
        response = respond(scenario, state, ctx, route=routed, form=form, slots=slot_values(named, state.language))
        trust_after, paced = paced_trust(state.trust, response.trust_after, response.reactions, state.turns, marks)
        new_points = [
            point
            for point in covered_key_points(text, scenario.key_points, [*state.disclosed, *response.disclosed], meant=meant)
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
            client_line=response.text,
            thought=response.line.thought,
            disclosed=response.disclosed,
            key_points=new_points,
            reactions=[*response.reactions, *paced],
            hint_used=hint_used,
            intent=routed.kind,
            topic=routed.topic,
            question=routed.question if routed.unmatched else None,
            line_kind=response.kind,
        )
        state.turns.append(turn)
        for topic in asked_now:
            if topic not in state.topics_asked:
                state.topics_asked.append(topic)
        if response.kind == "topic" and response.topic and response.level:
            state.answers[response.topic] = response.text
            state.answer_levels[response.topic] = response.level
            state.answer_types[response.topic] = sorted({*state.answer_types.get(response.topic, ()), *routed.types})
        elif response.kind == "disclosure" and response.topic:
            state.answers[response.topic] = response.text
            state.answer_levels[response.topic] = "full"
        state.named = named
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
        stage = self.state.stage
        if not is_stage(stage):  # only a finished meeting is in no stage
            raise SessionClosed("the meeting has ended")
        self.state.hints_used += 1
        return self.rubric.stages[stage].hint.get(language)

    def end(self) -> SessionReport:
        """Close the meeting (idempotent) and return the report."""
        if not self.state.finished:
            self.state.finished = True
            self.state.closing_line = closing_text(self.scenario.closing.text, self.state)
            self.state.stage_history.append(self.machine.finish(self.state.stage))
        return self.report()

    def report(self) -> SessionReport:
        return build_report(self.rubric, self.scenario, self.state)
