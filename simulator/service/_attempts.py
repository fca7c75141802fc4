"""Attempts as the service layer shows them: loading, restoring and turning into views.

An explicitly internal module (the leading underscore): what the use-case modules
(practice, debrief, sharing, review, progress, dashboard) all need lives here, so no use
case depends on another's private functions. Nothing here decides access; callers ask the
policy first.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from simulator.content.common import STAGES
from simulator.content.library import Library, get_library
from simulator.content.rubric import Rubric
from simulator.content.scenario import Scenario
from simulator.engine.state import Finding, SessionState, TurnRecord
from simulator.rubric.report import SessionReport, count_turns
from simulator.service.errors import NotFound
from simulator.service.hints import current_hint
from simulator.service.views import (
    AttemptSummary,
    AttemptView,
    Comparison,
    FindingView,
    LiveCounts,
    SpanView,
    StageInfo,
    TurnView,
)
from simulator.session.simulation import MAX_HINTS, Simulation
from simulator.store.ids import is_row_id
from simulator.store.models import Attempt, utcnow

log = logging.getLogger(__name__)


def library() -> Library:
    """The process-wide content."""
    return get_library()


def scenario_of(scenario_id: str) -> tuple[Scenario, Rubric]:
    content = library()
    try:
        scenario = content.scenario(scenario_id)
        return scenario, content.rubric_for(scenario)
    except KeyError:
        raise NotFound(f"no scenario {scenario_id!r}", reason="scenario_not_found", scenario_id=scenario_id) from None


def summarise(attempt: Attempt) -> AttemptSummary:
    report = attempt.report or {}
    state = attempt.state or {}
    return AttemptSummary(
        id=attempt.id,
        scenario_id=attempt.scenario_id,
        overall=None if attempt.overall_score is None else int(round(attempt.overall_score)),
        stages=dict(report.get("stages") or {}),
        started_at=attempt.started_at,
        finished_at=attempt.finished_at,
        turns=len(state.get("turns") or []),
        hints_used=attempt.hints_used,
        title=title_of(attempt.scenario_id),
        status=attempt.status,
    )


def title_of(scenario_id: str) -> str:
    scenario = library().scenarios.get(scenario_id)
    return scenario.title if scenario is not None else scenario_id


def compare(summaries: Iterable[AttemptSummary]) -> Comparison:
    """First (earliest finished), best (highest overall, earliest on ties), latest."""
    items = [s for s in summaries if s.finished_at is not None]
    if not items:
        return Comparison(first=None, best=None, latest=None, count=0)
    by_time = sorted(items, key=lambda s: (s.finished_at, s.id))
    scored = [s for s in by_time if s.overall is not None]
    best = max(scored, key=lambda s: (s.overall, -by_time.index(s))) if scored else None
    return Comparison(first=by_time[0], best=best, latest=by_time[-1], count=len(items))


def principle_names(rubric: Rubric) -> dict[str, dict[str, str]]:
    return {p.id: {"fi": p.name.fi, "en": p.name.en} for p in [*rubric.principles, *rubric.session_principles]}


def load_attempt(session: Session, attempt_id: int, *, for_update: bool = False) -> Attempt:
    if not is_row_id(attempt_id):
        raise NotFound("no such attempt", reason="attempt_not_found")
    attempt = session.get(Attempt, attempt_id, with_for_update=for_update or None)
    if attempt is None:
        raise NotFound("no such attempt", reason="attempt_not_found", attempt_id=attempt_id)
    return attempt


def state_of(attempt: Attempt) -> SessionState:
    return SessionState.model_validate(attempt.state)


def stored_report(attempt: Attempt, scenario: Scenario, rubric: Rubric) -> SessionReport:
    """The report stored at the end; recomputed from the state if its format has moved on."""
    if attempt.report:
        try:
            return SessionReport.model_validate(attempt.report)
        except ValueError:
            log.warning("stored report of attempt %d no longer parses; recomputing", attempt.id)
    return Simulation(scenario, rubric, state_of(attempt)).report()


def now() -> datetime:
    return utcnow()


def finding_view(finding: Finding, rubric: Rubric) -> FindingView:
    principle = rubric.principle(finding.principle)
    name = {"fi": principle.name.fi, "en": principle.name.en} if principle else {"fi": finding.principle,
                                                                                 "en": finding.principle}
    return FindingView(
        principle=finding.principle,
        name=name,
        polarity=finding.polarity,
        weight=finding.weight,
        spans=tuple(SpanView(s.start, s.end, s.text) for s in finding.spans),
        message=dict(finding.message),
        source=finding.source,
    )


def turn_view(turn: TurnRecord, rubric: Rubric, *, with_thought: bool) -> TurnView:
    return TurnView(
        index=turn.index,
        reply=turn.reply,
        client_line=turn.client_line,
        stage=turn.stage,
        stage_after=turn.stage_after,
        trust_before=turn.trust_before,
        trust_after=turn.trust_after,
        signals=tuple(sorted(turn.signal_names)),
        findings=tuple(finding_view(f, rubric) for f in turn.findings),
        reply_score=turn.reply_score,
        inner_thought=turn.thought if with_thought else None,
        disclosed=tuple(turn.disclosed),
        hint_used=turn.hint_used,
    )


def live_counts(turns: Iterable[TurnRecord]) -> LiveCounts:
    return LiveCounts(**count_turns(turns).model_dump())


def attempt_view(
    attempt: Attempt, scenario: Scenario, rubric: Rubric, state: SessionState, *, owner_known: bool = True
) -> AttemptView:
    """``owner_known`` False leaves out the owner's account id (a cohort member's reading)."""
    finished = attempt.status == "finished"
    return AttemptView(
        id=attempt.id,
        user_id=attempt.user_id if owner_known else None,
        scenario_id=scenario.id,
        scenario_title=scenario.title,
        language=scenario.language,
        status=attempt.status,
        brief=scenario.brief,
        client_name=scenario.persona.name,
        opening_line=state.opening_line,
        closing_line=state.closing_line,
        stage=state.stage,
        stages=tuple(
            StageInfo(
                id=stage,
                name={"fi": rubric.stages[stage].name.fi, "en": rubric.stages[stage].name.en},
                goal={"fi": rubric.stages[stage].goal.fi, "en": rubric.stages[stage].goal.en},
            )
            for stage in STAGES
        ),
        trust=state.trust,
        trust_low_below=scenario.trust.low_below,
        trust_high_from=scenario.trust.high_from,
        hints_used=state.hints_used,
        hints_left=max(0, MAX_HINTS - state.hints_used),
        hint_cost=rubric.scoring.hint_cost,
        turns=tuple(turn_view(t, rubric, with_thought=finished) for t in state.turns),
        counts=live_counts(state.turns),
        overall=None if attempt.overall_score is None else int(round(attempt.overall_score)),
        started_at=attempt.started_at,
        finished_at=attempt.finished_at,
        stage_history=tuple(state.stage_history),
        hint=current_hint(state, rubric),
    )


def stage_names() -> dict[str, dict[str, str]]:
    """Stage names in both languages, from the loaded rubrics (the first that names a stage)."""
    out: dict[str, dict[str, str]] = {}
    for rubric in library().rubrics.values():
        for stage in STAGES:
            guide = rubric.stages.get(stage)
            if guide is not None:
                out.setdefault(stage, {"fi": guide.name.fi, "en": guide.name.en})
    return out
