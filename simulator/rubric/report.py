"""The session report: stage scores, overall score, strengths, things to practise, counts,
key points, trust over time and the client-experience outcome.

The rules are documented in ``docs/scoring.md``; keep the two in step.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, Field

from simulator.content.common import STAGES
from simulator.content.rubric import (
    ClientFirstPrinciple,
    FarewellClosePrinciple,
    KeyPointsPrinciple,
    OutcomeKey,
    RealQuestionPrinciple,
    Rubric,
    SessionPrinciple,
    SignalPrinciple,
    StageOrderPrinciple,
    StagesVisitedPrinciple,
    StageTimePrinciple,
    TalkRatioPrinciple,
)
from simulator.content.scenario import Scenario
from simulator.engine.state import Finding, SessionState, TurnRecord
from simulator.rubric.acts import (
    closing_signals,
    engagement,
    pair_bad_news,
    real_question_answered,
    skipped_stages,
    words_before_first,
)
from simulator.rubric.client_facts import ClientFacts, client_facts
from simulator.rubric.text_measures import talk_ratio, word_count

STAGE_RANK = {stage: rank for rank, stage in enumerate(STAGES)}


class PrincipleSummary(BaseModel):
    principle: str
    name: dict[str, str]
    polarity: str
    count: int
    weight: float
    example: dict[str, str] = Field(default_factory=dict)


class StageCounts(BaseModel):
    turns: int = 0
    open_questions: int = 0
    closed_questions: int = 0
    reflections: int = 0
    trainee_words: int = 0
    client_words: int = 0

    @property
    def talk_ratio(self) -> float | None:
        """Trainee words per client word; None before the client has said anything."""
        return talk_ratio(self.trainee_words, self.client_words)


class OutcomeResult(BaseModel):
    key: str
    met: bool
    statement: dict[str, str]
    explanation: dict[str, str]
    # Why an outcome was not met: the codes of the conditions that failed (e.g.
    # "no_reflection", "trust_fell"), so the debrief names the reason that applied.
    reasons: list[str] = Field(default_factory=list)


class SessionReport(BaseModel):
    scenario_id: str
    language: str
    overall: int
    stages: dict[str, int | None]
    session_findings: list[Finding]
    strengths: list[PrincipleSummary]
    to_practise: list[PrincipleSummary]
    counts: dict[str, StageCounts]
    key_points_covered: list[str]
    key_points_missed: list[str]
    trust: list[int]
    real_question_disclosed: bool | None
    outcomes: list[OutcomeResult]
    hints_used: int
    final_stage: str
    stage_path: list[str]
    visited: list[str] = Field(default_factory=list, description="stages the meeting really was in, in model order")
    skipped: list[str] = Field(default_factory=list, description="stages passed over on the way to a later one")
    substance: float | None = Field(
        default=None, description="0-100: the real question found and its key points covered (docs/scoring.md)"
    )
    client_facts: ClientFacts | None = None  # what the client needed (None in older reports)


def effective_findings(turn: TurnRecord) -> list[Finding]:
    """The findings that count for a turn (mentor corrections are applied by the service)."""
    return turn.findings


def build_report(
    rubric: Rubric,
    scenario: Scenario,
    state: SessionState,
    findings_per_turn: Sequence[Sequence[Finding]] | None = None,
) -> SessionReport:
    """Compute the report; ``findings_per_turn`` overrides the engine's (mentor corrections)."""
    turn_findings = (
        [list(f) for f in findings_per_turn] if findings_per_turn is not None else [t.findings for t in state.turns]
    )
    if len(turn_findings) != len(state.turns):
        raise ValueError("findings_per_turn must have one entry per turn")
    turn_findings = pair_bad_news(state.turns, turn_findings, rubric)
    by_stage: dict[str, list[Finding]] = defaultdict(list)
    for findings in turn_findings:
        for finding in findings:  # a finding belongs to the stage whose principle made it
            by_stage[finding.stage].append(finding)
    visited = _visited(state)
    stage_scores: dict[str, int | None] = {
        stage: (_stage_score(rubric, stage, by_stage[stage]) if stage in visited else None) for stage in STAGES
    }
    counts = _counts(state)
    judged = [_session_finding(p, rubric, scenario, state, counts, visited) for p in rubric.session_principles]
    session_findings = [f for f in judged if f is not None]
    session_total = sum(p.weight for p in rubric.session_principles)
    session_earned = sum(f.weight for f in session_findings if f.polarity == "positive")
    session_score = 100.0 * session_earned / session_total if session_total else 100.0
    stage_mean = sum(score or 0 for score in stage_scores.values()) / len(STAGES)
    share = rubric.scoring.session_share
    form = (1 - share) * stage_mean + share * session_score
    substance = engagement(scenario, state, rubric.scoring.found_share)
    weight = rubric.scoring.substance_share
    # substance scales the form: polish without engagement keeps at most (1 - weight) of it
    overall = form * (1 - weight + weight * substance / 100) - rubric.scoring.hint_cost * state.hints_used
    skipped = skipped_stages(_path(state))
    shown_session = session_findings if not skipped else [f for f in session_findings if f.polarity == "negative"]
    all_findings = [f for findings in turn_findings for f in findings] + shown_session
    covered = [kp.id for kp in scenario.key_points if kp.id in state.key_points]
    missed = [kp.id for kp in scenario.key_points if kp.id not in state.key_points]
    real = scenario.real_question
    report = SessionReport(
        scenario_id=scenario.id,
        language=scenario.language,
        overall=_clamp(overall),
        stages=stage_scores,
        session_findings=session_findings,
        strengths=_top(rubric, all_findings, "positive"),
        to_practise=_top(rubric, all_findings, "negative") or _missing_core(
            rubric, by_stage, visited, set().union(*(t.signal_names for t in state.turns)) if state.turns else set()
        ),
        counts=counts,
        key_points_covered=covered,
        key_points_missed=missed,
        trust=state.trust_history,
        real_question_disclosed=(real.id in state.disclosed) if real else None,
        outcomes=[],
        hints_used=state.hints_used,
        final_stage=state.stage,
        stage_path=_path(state),
        visited=[stage for stage in STAGES if stage in visited],
        skipped=skipped,
        substance=round(substance, 1) if state.turns else None,
    )
    report.outcomes = _outcomes(rubric, scenario, state, report, all_findings)
    report.client_facts = client_facts(scenario, state)
    return report


def _clamp(value: float) -> int:
    return int(round(max(0.0, min(100.0, value))))


def _visited(state: SessionState) -> set[str]:
    """Stages the meeting was in at some point (a reply written there or led there)."""
    return set(_path(state))


def signals_in(state: SessionState, stage: str) -> set[str]:
    """Signals of the replies written in ``stage`` or leading into it (the summary that opens the farewell)."""
    return set().union(*(t.signal_names for t in state.turns if stage in (t.stage, t.stage_after)))


def _path(state: SessionState) -> list[str]:
    """The stages the meeting passed through, in order, repeats collapsed."""
    path: list[str] = []
    for turn in state.turns:
        for stage in (turn.stage, turn.stage_after):
            if not path or path[-1] != stage:
                path.append(stage)
    return path


def _stage_score(rubric: Rubric, stage: str, findings: Iterable[Finding]) -> int:
    """Core principles earned (by group) plus bonuses for others, minus penalties per fault."""
    findings = list(findings)
    core = [p for p in rubric.principles if p.core and stage in p.stages and p.polarity == "positive"]
    groups: dict[str, float] = {}
    for principle in core:
        key = principle.group or principle.id
        groups[key] = max(groups.get(key, 0.0), principle.weight)
    group_of = {p.id: p.group or p.id for p in core}
    earned_groups = {group_of[f.principle] for f in findings if f.principle in group_of and f.polarity == "positive"}
    total = sum(groups.values())
    base = 100.0 * sum(groups[g] for g in earned_groups) / total if total else 100.0
    bonus_principles = {f.principle: f.weight for f in findings if f.polarity == "positive" and f.principle not in group_of}
    bonus = rubric.scoring.bonus_per_weight * sum(bonus_principles.values())
    penalty = rubric.scoring.penalty_per_weight * sum(f.weight for f in findings if f.polarity == "negative")
    return _clamp(base + bonus - penalty)


def count_turns(turns: Iterable[TurnRecord]) -> StageCounts:
    """Turns, open and closed questions, reflections and words on each side over ``turns``:
    the report counts each stage's turns with it, the practice page the whole attempt's."""
    counts = StageCounts()
    for turn in turns:
        names = turn.signal_names
        counts.turns += 1
        counts.open_questions += "open_question" in names
        counts.closed_questions += "closed_question" in names
        counts.reflections += "reflection" in names
        counts.trainee_words += word_count(turn.reply)
        counts.client_words += word_count(turn.client_line)
    return counts


def _counts(state: SessionState) -> dict[str, StageCounts]:
    by_stage: dict[str, list[TurnRecord]] = {stage: [] for stage in STAGES}
    for turn in state.turns:
        by_stage.setdefault(turn.stage, []).append(turn)
    return {stage: count_turns(turns) for stage, turns in by_stage.items()}


def _session_finding(
    principle: SessionPrinciple,
    rubric: Rubric,
    scenario: Scenario,
    state: SessionState,
    counts: dict[str, StageCounts],
    visited: set[str],
) -> Finding | None:
    """A positive finding when the session kept the principle, a negative one when it did not."""
    if not state.turns:
        return None
    kept: bool
    if isinstance(principle, StageOrderPrinciple):
        ranks = [STAGE_RANK[stage] for stage in _path(state) if stage in STAGE_RANK]
        in_order = all(b >= a or (a, b) == (STAGE_RANK["advisory"], STAGE_RANK["guidance"]) for a, b in zip(ranks, ranks[1:]))
        kept = in_order and not skipped_stages(_path(state))
    elif isinstance(principle, StagesVisitedPrinciple):
        kept = all(stage in visited for stage in STAGES)
    elif isinstance(principle, StageTimePrinciple):
        kept = all(counts[s].turns >= n for s, n in principle.min_turns.items() if s in visited) and bool(visited)
    elif isinstance(principle, TalkRatioPrinciple):
        ratio = counts[principle.stage].talk_ratio
        kept = ratio is not None and ratio <= principle.max_ratio
    elif isinstance(principle, KeyPointsPrinciple):
        total = len(scenario.key_points)
        kept = total == 0 or len(set(state.key_points)) / total >= principle.min_share
    elif isinstance(principle, FarewellClosePrinciple):
        kept = set(principle.signals) <= closing_signals(state)
    elif isinstance(principle, ClientFirstPrinciple):
        client, worker = words_before_first(state, set(principle.signals))
        kept = client > worker
    elif isinstance(principle, RealQuestionPrinciple):
        kept = real_question_answered(scenario, state, principle.min_share)
    else:  # pragma: no cover - the union is closed
        raise TypeError(type(principle).__name__)
    message = {}
    for language in ("fi", "en"):
        feedback = principle.feedback.get(language)
        text = principle.name.get(language) if kept else f"{feedback.did.replace('{quote}', '')} {feedback.why}"
        message[language] = text.strip()
    return Finding(
        principle=principle.id,
        stage="session",
        polarity="positive" if kept else "negative",
        weight=principle.weight,
        message=message,
    )


def _summaries(rubric: Rubric, findings: Iterable[Finding], polarity: str) -> list[PrincipleSummary]:
    totals: dict[str, list[float]] = defaultdict(list)
    for finding in findings:
        if finding.polarity == polarity:
            totals[finding.principle].append(finding.weight)
    result = []
    for principle_id, weights in totals.items():
        principle = rubric.principle(principle_id)
        if principle is None:
            continue
        result.append(
            PrincipleSummary(
                principle=principle_id,
                name={"fi": principle.name.fi, "en": principle.name.en},
                polarity=polarity,
                count=len(weights),
                weight=sum(weights),
                example={"fi": principle.feedback.fi.example, "en": principle.feedback.en.example},
            )
        )
    return sorted(result, key=lambda s: (-s.weight, s.principle))


def _top(rubric: Rubric, findings: Iterable[Finding], polarity: str) -> list[PrincipleSummary]:
    return _summaries(rubric, findings, polarity)[:3]


def _missing_core(
    rubric: Rubric, by_stage: dict[str, list[Finding]], visited: set[str], seen: set[str]
) -> list[PrincipleSummary]:
    """With no faults, the things to practise are core principles a visited stage missed.

    A principle about how to handle a situation (its signals trigger it, ``requires`` says
    what must come with them: bad news needs a way forward) is not missed in a meeting
    where the situation never arose: no bad news given, nothing to practise about it.
    """
    missing = []
    for principle in rubric.principles:
        if not principle.core or principle.polarity != "positive":
            continue
        if isinstance(principle, SignalPrinciple) and principle.requires and not set(principle.signals) & seen:
            continue
        stages = [s for s in principle.stages if s in visited]
        if stages and not any(f.principle == principle.id for s in stages for f in by_stage[s]):
            missing.append(
                PrincipleSummary(
                    principle=principle.id,
                    name={"fi": principle.name.fi, "en": principle.name.en},
                    polarity="missing",
                    count=0,
                    weight=principle.weight,
                    example={"fi": principle.feedback.fi.example, "en": principle.feedback.en.example},
                )
            )
    return sorted(missing, key=lambda s: (-s.weight, s.principle))[:3]


def _outcomes(
    rubric: Rubric, scenario: Scenario, state: SessionState, report: SessionReport, findings: list[Finding]
) -> list[OutcomeResult]:
    """The four client-experience statements; the rule for each is in docs/scoring.md."""
    signals = set().union(*(t.signal_names for t in state.turns)) if state.turns else set()
    farewell = closing_signals(state)
    trust = report.trust
    trust_kept = trust[-1] >= trust[0]
    negative_bad_news = any(f.polarity == "negative" and "bad_news" in f.principle for f in findings)
    total_points = len(scenario.key_points)
    share = len(report.key_points_covered) / total_points if total_points else 1.0
    hidden = report.real_question_disclosed is False
    trust_low = trust[-1] < scenario.trust.low_below
    failed: dict[OutcomeKey, list[str]] = {  # outcome -> the conditions that failed, in the order the debrief names them
        "heard": [code for code, bad in (("no_reflection", "reflection" not in signals), ("trust_fell", not trust_kept),
                                          ("real_question_hidden", hidden)) if bad],
        "answered": [code for code, bad in (("few_key_points", share < 0.5), ("real_question_hidden", hidden),
                                             ("bad_news_without_way", negative_bad_news)) if bad],
        "next_step": ["no_farewell"] if "farewell" not in state.stage_history else [
            code for code, bad in (("no_summary", "summary" not in farewell), ("no_next_step", "next_step" not in farewell))
            if bad],
        "can_manage": [code for code, bad in (("no_encouragement", not ({"encouragement", "affirmation"} & signals)),
                                               ("trust_fell", not trust_kept), ("trust_low", trust_low)) if bad],
    }
    outcomes = []
    for key, reasons in failed.items():
        met = not reasons
        text = rubric.outcomes[key]
        explanation = text.met if met else text.not_met
        outcomes.append(
            OutcomeResult(
                key=key,
                met=met,
                statement={"fi": text.statement.fi, "en": text.statement.en},
                explanation={"fi": explanation.fi, "en": explanation.en},
                reasons=reasons,
            )
        )
    return outcomes
