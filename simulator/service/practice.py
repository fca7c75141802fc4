"""Practising a scenario: start, reply, hint, end: the use cases behind the practice page.

The picker's cards are in :mod:`catalogue`, the debrief in :mod:`debrief`, sharing with the
cohort in :mod:`sharing`; shared attempt views in the internal :mod:`_attempts`.

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

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from simulator.content.common import is_stage
from simulator.content.rubric import Rubric
from simulator.engine.state import TurnRecord
from simulator.rubric.report import SessionReport
from simulator.service import audit
from simulator.service._attempts import (
    attempt_view,
    library,
    load_attempt,
    now,
    scenario_of,
    state_of,
    stored_report,
    summarise,
    turn_view,
)
from simulator.service._text import has_surrogate
from simulator.service.errors import AttemptFinished, HintLimitReached, ReplyRefused, StaleReply
from simulator.service.policy import may_know_owner, require_act, require_read, require_signed_in
from simulator.service.principal import Principal
from simulator.service.views import AttemptSummary, AttemptView, HintView, TurnView
from simulator.session.simulation import (
    MAX_HINTS,
    MAX_REPLY_CHARS,
    ReplyRejected,
    SessionClosed,
    Simulation,
    check_reply,
)
from simulator.store import Database
from simulator.store import attempts as attempt_repo
from simulator.store.models import Attempt

log = logging.getLogger(__name__)

__all__ = [
    "MAX_HINTS",
    "MAX_REPLY_CHARS",
    "active_attempt",
    "end_attempt",
    "get_attempt",
    "hint",
    "latest_active_attempt",
    "my_attempts",
    "reply",
    "start_attempt",
]

def check_reply_text(text: str) -> str:
    """The reply as it will be stored, or ``ReplyRefused``; runs before any database work."""
    if not isinstance(text, str):
        raise ReplyRefused("empty", "the reply is empty")
    text = text.replace("\x00", "")  # PostgreSQL cannot store NUL; it is never meant
    if has_surrogate(text):  # only a broken or hostile client sends these; UTF-8 cannot hold them
        raise ReplyRefused("invalid_characters", "the reply contains characters that cannot be stored")
    try:
        check_reply(text)  # the engine's rule, so the two cannot drift apart
    except ReplyRejected as exc:
        params = {"max": MAX_REPLY_CHARS, "length": len(text)} if exc.code == "too_long" else {}
        raise ReplyRefused(exc.code, str(exc), **params) from None
    return text


def start_attempt(db: Database, principal: Principal | None, scenario_id: str, seed: int | None = None) -> AttemptView:
    """A new attempt at ``scenario_id``: the client has just said the opening line."""
    principal = require_signed_in(principal)
    scenario, rubric = scenario_of(scenario_id)
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
        view = attempt_view(attempt, scenario, rubric, simulation.state)
    log.info("user %d started attempt %d at %s", principal.user_id, view.id, scenario_id)
    return view


def get_attempt(db: Database, principal: Principal | None, attempt_id: int) -> AttemptView:
    """An attempt the principal may read (their own; admins any)."""
    principal = require_signed_in(principal)
    with db.read() as session:
        attempt = load_attempt(session, attempt_id)
        require_read(principal, attempt, session=session)
        scenario, rubric = scenario_of(attempt.scenario_id)
        view = attempt_view(attempt, scenario, rubric, state_of(attempt),
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
        scenario, rubric = scenario_of(attempt.scenario_id)
        return attempt_view(attempt, scenario, rubric, state_of(attempt))


def latest_active_attempt(db: Database, principal: Principal | None) -> AttemptView | None:
    """The principal's most recently touched unfinished attempt of any scenario (the practice
    page opens it when no attempt is chosen, so a refresh lands back in the conversation)."""
    principal = require_signed_in(principal)
    with db.read() as session:
        attempts = attempt_repo.list_attempts(session, principal.user_id, status="active")
        attempts = [a for a in attempts if a.scenario_id in library().scenarios]
        if not attempts:
            return None
        attempt = max(attempts, key=lambda a: (a.updated_at, a.id))
        scenario, rubric = scenario_of(attempt.scenario_id)
        return attempt_view(attempt, scenario, rubric, state_of(attempt))


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
                    return turn_view(turns[expected_index], rubric, with_thought=False)
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
            return turn_view(record, rubric, with_thought=False)
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
        if not is_stage(stage):  # "closed": the hint above has already refused a closed session
            raise AttemptFinished(attempt.id)
        attempt.state = simulation.state.model_dump(mode="json")
        attempt.hints_used = simulation.state.hints_used
        attempt.updated_at = now()
        guide = rubric.stages[stage]
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
        attempt = load_attempt(session, attempt_id, for_update=True)
        require_act(principal, attempt)
        scenario, rubric = scenario_of(attempt.scenario_id)
        if attempt.status == "finished":
            return stored_report(attempt, scenario, rubric)
        simulation = Simulation(scenario, rubric, state_of(attempt))
        report = simulation.end()
        attempt.state = simulation.state.model_dump(mode="json")
        attempt_repo.finish_attempt(
            session, attempt, overall_score=float(report.overall), report=report.model_dump(mode="json")
        )
    log.info("user %d ended attempt %d (overall %d)", principal.user_id, attempt_id, report.overall)
    return report


def my_attempts(db: Database, principal: Principal | None, *, status: str | None = None) -> list[AttemptSummary]:
    """The principal's own attempts, newest first (the debrief page's chooser)."""
    principal = require_signed_in(principal)
    with db.read() as session:
        return [summarise(a) for a in attempt_repo.list_attempts(session, principal.user_id, status=status)]


def _active_simulation(session: Session, principal: Principal, attempt_id: int) -> tuple[Attempt, Rubric, Simulation]:
    """The principal's own active attempt, locked for this transaction, and its session
    restored (what a reply and a hint both start from)."""
    attempt = load_attempt(session, attempt_id, for_update=True)
    require_act(principal, attempt)
    if attempt.status != "active":
        raise AttemptFinished(attempt.id)
    scenario, rubric = scenario_of(attempt.scenario_id)
    return attempt, rubric, Simulation(scenario, rubric, state_of(attempt))
