"""Attempts and their turns.

The practice service stores one turn per call inside ``db.transaction()``: the turn row
and the attempt's new state commit together or not at all. JSON columns are replaced,
never mutated in place (SQLAlchemy does not see in-place changes to a dict).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from simulator.store.models import Attempt, Turn, utcnow


def create_attempt(
    session: Session,
    *,
    user_id: int,
    scenario_id: str,
    language: str,
    seed: int = 0,
    state: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> Attempt:
    now = now or utcnow()
    attempt = Attempt(
        user_id=user_id,
        scenario_id=scenario_id,
        language=language,
        status="active",
        seed=seed,
        state=dict(state or {}),
        hints_used=0,
        shared_with_cohort=False,
        started_at=now,
        updated_at=now,
    )
    session.add(attempt)
    session.flush()
    return attempt


def get_attempt(session: Session, attempt_id: int) -> Attempt | None:
    return session.get(Attempt, attempt_id)


def list_attempts(
    session: Session,
    user_id: int,
    *,
    scenario_id: str | None = None,
    status: str | None = None,
) -> list[Attempt]:
    """A user's attempts, newest first."""
    query = select(Attempt).where(Attempt.user_id == user_id)
    if scenario_id is not None:
        query = query.where(Attempt.scenario_id == scenario_id)
    if status is not None:
        query = query.where(Attempt.status == status)
    return list(session.scalars(query.order_by(Attempt.started_at.desc(), Attempt.id.desc())))


def active_attempt(session: Session, user_id: int, scenario_id: str) -> Attempt | None:
    """The newest unfinished attempt at a scenario, to resume after a browser refresh."""
    attempts = list_attempts(session, user_id, scenario_id=scenario_id, status="active")
    return attempts[0] if attempts else None


def add_turn(
    session: Session,
    attempt: Attempt,
    *,
    reply: str,
    client_line: str,
    stage: str,
    trust: float,
    state: dict[str, Any],
    inner_thought: str | None = None,
    signals: list[Any] | None = None,
    findings: list[Any] | None = None,
    hints_used: int | None = None,
    now: datetime | None = None,
) -> Turn:
    """Append the next turn and move the attempt's state forward (same transaction)."""
    if attempt.status != "active":
        raise ValueError(f"attempt {attempt.id} is {attempt.status}; no more turns")
    now = now or utcnow()
    last = session.scalar(select(func.max(Turn.index)).where(Turn.attempt_id == attempt.id))
    turn = Turn(
        attempt_id=attempt.id,
        index=0 if last is None else last + 1,
        reply=reply,
        client_line=client_line,
        inner_thought=inner_thought,
        signals=list(signals or []),
        findings=list(findings or []),
        stage=stage,
        trust=trust,
        state=dict(state),
        created_at=now,
    )
    session.add(turn)
    attempt.state = dict(state)
    attempt.updated_at = now
    if hints_used is not None:
        attempt.hints_used = hints_used
    session.flush()  # a duplicate index (two tabs racing) fails here, inside the transaction
    return turn


def list_turns(session: Session, attempt_id: int) -> list[Turn]:
    return list(session.scalars(select(Turn).where(Turn.attempt_id == attempt_id).order_by(Turn.index)))


def finish_attempt(
    session: Session,
    attempt: Attempt,
    *,
    overall_score: float | None,
    report: dict[str, Any] | None,
    now: datetime | None = None,
) -> None:
    now = now or utcnow()
    attempt.status = "finished"
    attempt.overall_score = overall_score
    attempt.report = None if report is None else dict(report)
    attempt.finished_at = now
    attempt.updated_at = now
    session.flush()


def set_shared(session: Session, attempt: Attempt, shared: bool) -> None:
    attempt.shared_with_cohort = shared
    session.flush()


def delete_attempts_older_than(session: Session, cutoff: datetime) -> int:
    """Delete attempts last touched before ``cutoff``; turns, comments and corrections cascade."""
    result = session.execute(delete(Attempt).where(Attempt.updated_at < cutoff))
    session.expire_all()
    return int(result.rowcount)  # type: ignore[attr-defined]


def attempt_to_dict(attempt: Attempt, turns: list[Turn]) -> dict[str, Any]:
    """A JSON-ready copy (for data export)."""
    return {
        "id": attempt.id,
        "scenario_id": attempt.scenario_id,
        "language": attempt.language,
        "status": attempt.status,
        "seed": attempt.seed,
        "state": attempt.state,
        "hints_used": attempt.hints_used,
        "overall_score": attempt.overall_score,
        "report": attempt.report,
        "shared_with_cohort": attempt.shared_with_cohort,
        "started_at": _iso(attempt.started_at),
        "updated_at": _iso(attempt.updated_at),
        "finished_at": _iso(attempt.finished_at),
        "turns": [turn_to_dict(turn) for turn in turns],
    }


def turn_to_dict(turn: Turn) -> dict[str, Any]:
    return {
        "id": turn.id,
        "index": turn.index,
        "reply": turn.reply,
        "client_line": turn.client_line,
        "inner_thought": turn.inner_thought,
        "signals": turn.signals,
        "findings": turn.findings,
        "stage": turn.stage,
        "trust": turn.trust,
        "state": turn.state,
        "created_at": _iso(turn.created_at),
    }


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
