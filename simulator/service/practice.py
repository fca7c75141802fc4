"""Practising a scenario: start, reply, hint, end, debrief: the use cases behind the trainee pages.

Every call that changes an attempt is one ``db.transaction()``: the engine's state is
restored from the stored JSON, moved forward, and the new turn plus the attempt's new
state commit together or not at all. The attempt therefore lives in the database after
every turn; a browser refresh, a lost connection or a server restart resume it exactly.

Authorization is asked of :mod:`simulator.service.policy`: only the owner acts
on an attempt; the owner, admins, the owner's mentors and (for a shared attempt) the owner's
cohort may read it. Every function refuses an anonymous caller (``principal`` None) with
``Forbidden`` reason ``signed_out``, like the other services, before touching the database.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from simulator.content.common import STAGES
from simulator.content.library import Library, get_library
from simulator.content.rubric import Rubric
from simulator.content.scenario import Scenario
from simulator.session.simulation import (
    MAX_HINTS,
    MAX_REPLY_CHARS,
    ReplyRejected,
    SessionClosed,
    Simulation,
    check_reply,
)
from simulator.engine.state import Finding, SessionState, TurnRecord
from simulator.rubric.report import SessionReport, count_turns
from simulator.service import audit
from simulator.service.policy import can_read_attempt, may_know_owner, require_act, require_read, require_signed_in
from simulator.service.principal import Principal
from simulator.service.errors import Conflict, InvalidInput, NotFound, ServiceError
from simulator.service.hints import current_hint
from simulator.service.views import (
    AttemptSummary,
    AttemptView,
    Comparison,
    DebriefView,
    FindingView,
    HintView,
    LiveCounts,
    ScenarioCard,
    SpanView,
    StageInfo,
    TurnView,
)
from simulator.store import Database
from simulator.store import assignments as assignment_repo
from simulator.store import attempts as attempt_repo
from simulator.store.models import Attempt

log = logging.getLogger(__name__)

__all__ = [
    "MAX_HINTS",
    "MAX_REPLY_CHARS",
    "AttemptFinished",
    "HintLimitReached",
    "ReplyRefused",
    "active_attempt",
    "debrief",
    "end_attempt",
    "get_attempt",
    "hint",
    "latest_active_attempt",
    "list_scenarios",
    "my_attempts",
    "progress",
    "reply",
    "start_attempt",
]

DIFFICULTY_ORDER = {"easy": 0, "medium": 1, "hard": 2}


# --- errors -------------------------------------------------------------------------------


class ReplyRefused(InvalidInput):
    """The reply was not sent; ``code`` is ``empty`` or ``too_long`` (nothing was written)."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message, field="reply", reason=code, **params)
        self.code = code


class AttemptFinished(Conflict):
    """A finished attempt is read-only."""

    code = "finished"

    def __init__(self, attempt_id: int) -> None:
        super().__init__("this attempt has ended and can no longer change", reason="finished", attempt_id=attempt_id)


class HintLimitReached(Conflict):
    code = "hint_limit"

    def __init__(self, attempt_id: int) -> None:
        super().__init__(f"at most {MAX_HINTS} hints per attempt", reason="hint_limit", max=MAX_HINTS,
                         attempt_id=attempt_id)


class StaleReply(Conflict):
    """The page sent a reply for a turn that is no longer the next one (another tab, a double click)."""

    code = "stale"

    def __init__(self, attempt_id: int, expected: int, actual: int) -> None:
        super().__init__("the conversation moved on in another window; reload to see it", reason="stale",
                         attempt_id=attempt_id, expected=expected, actual=actual)


class NotFinished(Conflict):
    code = "not_finished"

    def __init__(self, attempt_id: int) -> None:
        super().__init__("the debrief is ready once the meeting has ended", reason="not_finished",
                         attempt_id=attempt_id)


# --- content ------------------------------------------------------------------------------


def _library() -> Library:
    return get_library()


def _scenario(scenario_id: str) -> tuple[Scenario, Rubric]:
    library = _library()
    try:
        scenario = library.scenario(scenario_id)
        return scenario, library.rubric_for(scenario)
    except KeyError:
        raise NotFound(f"no scenario {scenario_id!r}", reason="scenario_not_found", scenario_id=scenario_id) from None


def check_reply_text(text: str) -> str:
    """The reply as it will be stored, or ``ReplyRefused``; runs before any database work."""
    if not isinstance(text, str):
        raise ReplyRefused("empty", "the reply is empty")
    text = text.replace("\x00", "")  # PostgreSQL cannot store NUL; it is never meant
    try:
        check_reply(text)  # the engine's rule, so the two cannot drift apart
    except ReplyRejected as exc:
        params = {"max": MAX_REPLY_CHARS, "length": len(text)} if exc.code == "too_long" else {}
        raise ReplyRefused(exc.code, str(exc), **params) from None
    return text


# --- picker -------------------------------------------------------------------------------


def list_scenarios(
    principal: Principal | None, language: str | None = None, *, db: Database | None = None
) -> list[ScenarioCard]:
    """Scenario cards: assigned ones first, then by language, difficulty and title.

    With ``db`` the cards also carry the principal's own active attempt (to resume) and
    best score; without it they are content only.
    """
    principal = require_signed_in(principal)
    library = _library()
    assigned: dict[str, Any] = {}
    active: dict[str, int] = {}
    finished: dict[str, list[int | None]] = {}
    if db is not None:
        with db.read() as session:
            for assignment in _assignments(session, principal.user_id):
                previous = assigned.get(assignment.scenario_id)
                if previous is None or (assignment.due_date and (previous is True or assignment.due_date < previous)):
                    assigned[assignment.scenario_id] = assignment.due_date or True
            for attempt in attempt_repo.list_attempts(session, principal.user_id):
                if attempt.status == "active":
                    active.setdefault(attempt.scenario_id, attempt.id)  # newest first
                else:
                    finished.setdefault(attempt.scenario_id, []).append(
                        None if attempt.overall_score is None else int(round(attempt.overall_score))
                    )
    cards = []
    for scenario in library.scenarios.values():
        if language is not None and scenario.language != language:
            continue
        due = assigned.get(scenario.id)
        scores = [s for s in finished.get(scenario.id, []) if s is not None]
        cards.append(
            ScenarioCard(
                id=scenario.id,
                title=scenario.title,
                summary=scenario.summary,
                client_name=scenario.persona.name,
                client_age=scenario.persona.age,
                client_background=scenario.persona.background,
                difficulty=scenario.difficulty,
                language=scenario.language,
                learning_goals=tuple(scenario.learning_goals),
                tags=tuple(scenario.tags),
                assigned=due is not None,
                due_date=due if due not in (None, True) else None,
                active_attempt_id=active.get(scenario.id),
                finished_attempts=len(finished.get(scenario.id, [])),
                best_overall=max(scores) if scores else None,
            )
        )
    preferred = principal.locale if isinstance(principal, Principal) else None
    cards.sort(
        key=lambda c: (
            not c.assigned,
            c.language != preferred,
            DIFFICULTY_ORDER.get(c.difficulty, 9),
            c.title.casefold(),
        )
    )
    return cards


def _assignments(session: Session, user_id: int) -> Iterable[Any]:
    """The user's assignments, direct or through a cohort (empty until mentors assign)."""
    try:
        return assignment_repo.assignments_for_user(session, user_id)
    except Exception:  # pragma: no cover - the assignment tables are someone else's work in progress
        log.exception("could not read assignments")
        return []


# --- attempts -----------------------------------------------------------------------------


def start_attempt(db: Database, principal: Principal | None, scenario_id: str, seed: int | None = None) -> AttemptView:
    """A new attempt at ``scenario_id``: the client has just said the opening line."""
    principal = require_signed_in(principal)
    scenario, rubric = _scenario(scenario_id)
    if seed is None:
        seed = secrets.randbelow(2**31)
    simulation = Simulation.start(scenario, rubric, seed=seed)
    with db.transaction() as session:
        attempt = attempt_repo.create_attempt(
            session,
            user_id=principal.user_id,
            scenario_id=scenario.id,
            language=scenario.language,
            seed=seed,
            state=simulation.state.model_dump(mode="json"),
        )
        view = _attempt_view(attempt, scenario, rubric, simulation.state)
    log.info("user %d started attempt %d at %s", principal.user_id, view.id, scenario_id)
    return view


def get_attempt(db: Database, principal: Principal | None, attempt_id: int) -> AttemptView:
    """An attempt the principal may read (their own; admins any)."""
    principal = require_signed_in(principal)
    with db.read() as session:
        attempt = _load(session, attempt_id)
        require_read(principal, attempt, session=session)
        scenario, rubric = _scenario(attempt.scenario_id)
        view = _attempt_view(attempt, scenario, rubric, _state(attempt),
                             owner_known=may_know_owner(principal, attempt, session=session))
        owner = attempt.user_id
    audit.record_read(db, principal, owner, view.id, "practice view")
    return view


def active_attempt(db: Database, principal: Principal | None, scenario_id: str) -> AttemptView | None:
    """The principal's newest unfinished attempt at this scenario, to resume, or None."""
    principal = require_signed_in(principal)
    with db.read() as session:
        attempt = attempt_repo.active_attempt(session, principal.user_id, scenario_id)
        if attempt is None:
            return None
        scenario, rubric = _scenario(attempt.scenario_id)
        return _attempt_view(attempt, scenario, rubric, _state(attempt))


def latest_active_attempt(db: Database, principal: Principal | None) -> AttemptView | None:
    """The principal's most recently touched unfinished attempt of any scenario (the practice
    page opens it when no attempt is chosen, so a refresh lands back in the conversation)."""
    principal = require_signed_in(principal)
    with db.read() as session:
        attempts = attempt_repo.list_attempts(session, principal.user_id, status="active")
        attempts = [a for a in attempts if a.scenario_id in _library().scenarios]
        if not attempts:
            return None
        attempt = max(attempts, key=lambda a: (a.updated_at, a.id))
        scenario, rubric = _scenario(attempt.scenario_id)
        return _attempt_view(attempt, scenario, rubric, _state(attempt))


def reply(
    db: Database, principal: Principal | None, attempt_id: int, text: str, *, expected_index: int | None = None
) -> TurnView:
    """Send one reply: score it, move the meeting on, store the turn; one transaction.

    ``expected_index`` is the index the page believes the reply gets (``AttemptView.next_index``).
    When the same reply was already stored at that index (a double submit) the stored turn
    is returned and nothing is written again; when another reply is there, ``StaleReply``.
    """
    principal = require_signed_in(principal)
    text = check_reply_text(text)
    try:
        with db.transaction() as session:
            attempt, rubric, simulation = _active_simulation(session, principal, attempt_id)
            turns = simulation.state.turns
            if expected_index is not None and expected_index != len(turns):
                if expected_index < len(turns) and turns[expected_index].reply == text:
                    return _turn_view(turns[expected_index], rubric, with_thought=False)
                raise StaleReply(attempt.id, expected_index, len(turns))
            hint_pending = simulation.state.hints_used > sum(1 for t in turns if t.hint_used)
            try:
                record = simulation.reply(text, hint_used=hint_pending)  # text passed check_reply above
            except SessionClosed:
                raise AttemptFinished(attempt.id) from None
            state = simulation.state.model_dump(mode="json")
            machine_state = {key: value for key, value in state.items() if key != "turns"}
            attempt_repo.add_turn(
                session,
                attempt,
                reply=record.reply,
                client_line=record.client_line,
                inner_thought=record.thought,
                signals=[s.model_dump(mode="json") for s in record.signals],
                findings=[f.model_dump(mode="json") for f in record.findings],
                stage=record.stage,
                trust=float(record.trust_after),
                state=state,
                turn_state=machine_state,
                index=record.index,
                hints_used=simulation.state.hints_used,
            )
            _after_turn_stored(session, attempt, record)
            return _turn_view(record, rubric, with_thought=False)
    except IntegrityError:
        # Two submits raced past the lock (several instances on SQLite): the unique
        # (attempt_id, index) kept the second out and rolled it back whole.
        raise StaleReply(attempt_id, expected_index if expected_index is not None else -1, -1) from None


def _after_turn_stored(session: Session, attempt: Attempt, record: TurnRecord) -> None:
    """Runs inside the turn's transaction after the rows are written and before the commit.

    Nothing to do today; it marks the point where later work (notifications, statistics)
    joins the same unit of work, and where tests inject a failure.
    """


def hint(db: Database, principal: Principal | None, attempt_id: int) -> HintView:
    """What the current stage calls for now; at most three per attempt, each costs points."""
    principal = require_signed_in(principal)
    with db.transaction() as session:
        attempt, rubric, simulation = _active_simulation(session, principal, attempt_id)
        try:
            simulation.hint(simulation.scenario.language)
        except ReplyRejected:
            raise HintLimitReached(attempt.id) from None
        except SessionClosed:
            raise AttemptFinished(attempt.id) from None
        stage = simulation.state.stage
        attempt.state = simulation.state.model_dump(mode="json")
        attempt.hints_used = simulation.state.hints_used
        attempt.updated_at = _now()
        guide = rubric.stages[stage]  # type: ignore[index]
        return HintView(
            text={"fi": guide.hint.fi, "en": guide.hint.en},
            stage=stage,
            hints_used=simulation.state.hints_used,
            hints_left=MAX_HINTS - simulation.state.hints_used,
            cost=rubric.scoring.hint_cost,
        )


def end_attempt(db: Database, principal: Principal | None, attempt_id: int) -> SessionReport:
    """End the meeting: store the report and the overall score; the attempt becomes read-only.

    Ending an already finished attempt returns its stored report (a double click is harmless).
    """
    principal = require_signed_in(principal)
    with db.transaction() as session:
        attempt = _load(session, attempt_id, for_update=True)
        require_act(principal, attempt)
        scenario, rubric = _scenario(attempt.scenario_id)
        if attempt.status == "finished":
            return _stored_report(attempt, scenario, rubric)
        simulation = Simulation(scenario, rubric, _state(attempt))
        report = simulation.end()
        attempt.state = simulation.state.model_dump(mode="json")
        attempt_repo.finish_attempt(
            session, attempt, overall_score=float(report.overall), report=report.model_dump(mode="json")
        )
    log.info("user %d ended attempt %d (overall %d)", principal.user_id, attempt_id, report.overall)
    return report


def debrief(db: Database, principal: Principal | None, attempt_id: int) -> DebriefView:
    """The report, the transcript with findings and inner thoughts, and the owner's first /
    best / latest attempt of the same scenario for comparison.

    A cohort member reading a shared attempt gets neither the owner's account id nor the
    comparison (the owner's other scores); the owner, their mentors and admins get both."""
    principal = require_signed_in(principal)
    with db.read() as session:
        attempt = _load(session, attempt_id)
        require_read(principal, attempt, session=session)
        if attempt.status != "finished":
            raise NotFinished(attempt.id)
        scenario, rubric = _scenario(attempt.scenario_id)
        state = _state(attempt)
        known = may_know_owner(principal, attempt, session=session)
        view = _attempt_view(attempt, scenario, rubric, state, owner_known=known)
        report = _stored_report(attempt, scenario, rubric)
        if known:
            others = attempt_repo.list_attempts(session, attempt.user_id, scenario_id=attempt.scenario_id,
                                                status="finished")
            others = [a for a in others if a.id == attempt.id or can_read_attempt(principal, a, session=session)]
            comparison = compare(summarise(a) for a in others)
        else:
            # A cohort member reading a shared attempt: the owner's other scores are theirs alone.
            comparison = Comparison(first=None, best=None, latest=None, count=0)
        owner = attempt.user_id
    audit.record_read(db, principal, owner, view.id, "debrief")
    return DebriefView(attempt=view, report=report, principle_names=principle_names(rubric), comparison=comparison)


# --- helpers shared with progress ---------------------------------------------------------


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
        title=_title(attempt.scenario_id),
        status=attempt.status,
    )


def _title(scenario_id: str) -> str:
    scenario = _library().scenarios.get(scenario_id)
    return scenario.title if scenario is not None else scenario_id


def my_attempts(db: Database, principal: Principal | None, *, status: str | None = None) -> list[AttemptSummary]:
    """The principal's own attempts, newest first (the debrief page's chooser)."""
    principal = require_signed_in(principal)
    with db.read() as session:
        return [summarise(a) for a in attempt_repo.list_attempts(session, principal.user_id, status=status)]


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


def _load(session: Session, attempt_id: int, *, for_update: bool = False) -> Attempt:
    if not isinstance(attempt_id, int) or isinstance(attempt_id, bool):
        raise NotFound("no such attempt", reason="attempt_not_found")
    attempt = session.get(Attempt, attempt_id, with_for_update=for_update or None)
    if attempt is None:
        raise NotFound("no such attempt", reason="attempt_not_found", attempt_id=attempt_id)
    return attempt


def _state(attempt: Attempt) -> SessionState:
    return SessionState.model_validate(attempt.state)


def _active_simulation(session: Session, principal: Principal, attempt_id: int) -> tuple[Attempt, Rubric, Simulation]:
    """The principal's own active attempt, locked for this transaction, and its session
    restored (what a reply and a hint both start from)."""
    attempt = _load(session, attempt_id, for_update=True)
    require_act(principal, attempt)
    if attempt.status != "active":
        raise AttemptFinished(attempt.id)
    scenario, rubric = _scenario(attempt.scenario_id)
    return attempt, rubric, Simulation(scenario, rubric, _state(attempt))


def _stored_report(attempt: Attempt, scenario: Scenario, rubric: Rubric) -> SessionReport:
    """The report stored at the end; recomputed from the state if its format has moved on."""
    if attempt.report:
        try:
            return SessionReport.model_validate(attempt.report)
        except ValueError:
            log.warning("stored report of attempt %d no longer parses; recomputing", attempt.id)
    return Simulation(scenario, rubric, _state(attempt)).report()


def _now() -> Any:
    from simulator.store.models import utcnow

    return utcnow()


def _finding_view(finding: Finding, rubric: Rubric) -> FindingView:
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


def _turn_view(turn: TurnRecord, rubric: Rubric, *, with_thought: bool) -> TurnView:
    return TurnView(
        index=turn.index,
        reply=turn.reply,
        client_line=turn.client_line,
        stage=turn.stage,
        stage_after=turn.stage_after,
        trust_before=turn.trust_before,
        trust_after=turn.trust_after,
        signals=tuple(sorted(turn.signal_names)),
        findings=tuple(_finding_view(f, rubric) for f in turn.findings),
        reply_score=turn.reply_score,
        inner_thought=turn.thought if with_thought else None,
        disclosed=tuple(turn.disclosed),
        hint_used=turn.hint_used,
    )


def live_counts(turns: Iterable[TurnRecord]) -> LiveCounts:
    return LiveCounts(**count_turns(turns).model_dump())


def _attempt_view(
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
                name={"fi": rubric.stages[stage].name.fi, "en": rubric.stages[stage].name.en},  # type: ignore[index]
                goal={"fi": rubric.stages[stage].goal.fi, "en": rubric.stages[stage].goal.en},  # type: ignore[index]
            )
            for stage in STAGES
        ),
        trust=state.trust,
        trust_low_below=scenario.trust.low_below,
        trust_high_from=scenario.trust.high_from,
        hints_used=state.hints_used,
        hints_left=max(0, MAX_HINTS - state.hints_used),
        hint_cost=rubric.scoring.hint_cost,
        turns=tuple(_turn_view(t, rubric, with_thought=finished) for t in state.turns),
        counts=live_counts(state.turns),
        overall=None if attempt.overall_score is None else int(round(attempt.overall_score)),
        started_at=attempt.started_at,
        finished_at=attempt.finished_at,
        stage_history=tuple(state.stage_history),
        hint=current_hint(state, rubric),
    )


def service_error_code(error: ServiceError) -> str:
    """The key a page translates: the finer ``reason`` when there is one, else the code."""
    return error.reason or error.code


def progress(db: Database, principal: Principal | None, user_id: int | None = None) -> Any:
    """See :func:`simulator.service.progress.progress` (kept here so pages need one module)."""
    principal = require_signed_in(principal)
    from simulator.service.progress import progress as _progress

    return _progress(db, principal, user_id)
