"""Attempts and their turns.

The practice service stores one turn per call inside ``db.transaction()``: the turn row
and the attempt's new state commit together or not at all. JSON columns are replaced,
never mutated in place (SQLAlchemy does not see in-place changes to a dict).

On PostgreSQL the two writes of a turn are one statement (an ``UPDATE`` of the attempt in
a ``WITH`` feeding the ``INSERT`` of the turn): under load every round trip of a turn waits
for the server's process and then for the GIL, so a turn's tail grows with its round trips.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Insert, Integer, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.session import make_transient_to_detached

from simulator.store._dml import rows_changed
from simulator.store.cohorts import member_ids_query
from simulator.store.models import Attempt, AttemptPrincipleCount, AttemptSummaryRow, Turn, utcnow

SUMMARY_STAGES = ("empathy", "guidance", "advisory", "farewell")  # the stage columns of attempt_summaries


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
    turn_state: dict[str, Any] | None = None,
    inner_thought: str | None = None,
    signals: list[Any] | None = None,
    findings: list[Any] | None = None,
    hints_used: int | None = None,
    now: datetime | None = None,
    index: int | None = None,
) -> Turn:
    """Append the next turn and move the attempt's state forward (same transaction).

    ``state`` is the whole session for the attempt; ``turn_state`` what the turn row keeps
    of it (default: all of it). The service stores the machine's state there without the
    turn history, which the turn rows themselves are: a full copy per turn grew with the
    square of the attempt's length.
    """
    if attempt.status != "active":
        raise ValueError(f"attempt {attempt.id} is {attempt.status}; no more turns")
    now = now or utcnow()
    if index is None:  # callers that know the index (the service: the engine's turn count) save a query
        last = session.scalar(select(func.max(Turn.index)).where(Turn.attempt_id == attempt.id))
        index = 0 if last is None else last + 1
    values: dict[str, Any] = {
        "attempt_id": attempt.id,
        "index": index,
        "reply": reply,
        "client_line": client_line,
        "inner_thought": inner_thought,
        "signals": list(signals or []),
        "findings": list(findings or []),
        "stage": stage,
        "trust": trust,
        "state": dict(state if turn_state is None else turn_state),
        "created_at": now,
    }
    moved: dict[str, Any] = {"state": dict(state), "updated_at": now}
    if hints_used is not None:
        moved["hints_used"] = hints_used
    if session.get_bind().dialect.name == "postgresql":
        return _add_turn_in_one_statement(session, attempt, values, moved)
    turn = Turn(**values)
    session.add(turn)
    for name, value in moved.items():
        setattr(attempt, name, value)
    session.flush()  # a duplicate index (two tabs racing) fails here, inside the transaction
    return turn


def _add_turn_in_one_statement(
    session: Session, attempt: Attempt, values: dict[str, Any], moved: dict[str, Any]
) -> Turn:
    """PostgreSQL: ``WITH moved AS (UPDATE attempts ...) INSERT INTO turns ...``, one round trip.

    The turn's ``attempt_id`` comes from the UPDATE's RETURNING, so a turn is never stored
    without its attempt's new state: if the attempt is not (or no longer) active, no row
    moves, the id is NULL and the INSERT fails. A duplicate index fails as in the ORM path.
    The session's objects are then brought up to date without writing them again.
    """
    session.flush()  # anything else pending goes first, as it would with the ORM's own flush
    params = {f"turn_{name}": value for name, value in values.items()}
    params.update(
        moved_id=attempt.id,
        moved_state=moved["state"],
        moved_updated_at=moved["updated_at"],
        moved_hints_used=moved.get("hints_used"),
    )
    turn_id = session.execute(_turn_statement(), params).scalar_one()
    for name, value in moved.items():
        set_committed_value(attempt, name, value)
    turn = Turn(id=turn_id, **values)
    make_transient_to_detached(turn)  # as if loaded: joins the session without another INSERT
    session.add(turn)
    return turn


@functools.cache
def _turn_statement() -> Insert:
    """The statement of :func:`_add_turn_in_one_statement`, built once: building it per turn
    with the values inline cost more CPU than the round trip it saves."""
    attempts, turns = cast(Table, Attempt.__table__), cast(Table, Turn.__table__)
    moved = (
        update(attempts)
        .where(attempts.c.id == bindparam("moved_id"), attempts.c.status == "active")
        .values(
            state=bindparam("moved_state", type_=attempts.c.state.type),
            updated_at=bindparam("moved_updated_at", type_=attempts.c.updated_at.type),
            hints_used=func.coalesce(bindparam("moved_hints_used", type_=Integer()), attempts.c.hints_used),
        )
        .returning(attempts.c.id)
        .cte("moved")
    )
    columns = [column for column in turns.c if column.name != "id"]
    row: dict[str, Any] = {
        column.name: bindparam(f"turn_{column.name}", type_=column.type) for column in columns
    }
    row["attempt_id"] = select(moved.c.id).scalar_subquery()
    return insert(turns).values(row).add_cte(moved).returning(turns.c.id)


def list_turns(session: Session, attempt_id: int) -> list[Turn]:
    return list(session.scalars(select(Turn).where(Turn.attempt_id == attempt_id).order_by(Turn.index)))


def get_turn(session: Session, attempt_id: int, index: int) -> Turn | None:
    """The attempt's turn at ``index`` (0-based), if it exists."""
    return session.scalar(select(Turn).where(Turn.attempt_id == attempt_id, Turn.index == index))


@dataclass(frozen=True)
class SharedAttempt:
    """A finished attempt a member shared with their cohorts: scalars only, no state."""

    attempt_id: int
    user_id: int
    scenario_id: str
    overall: float | None
    finished_at: datetime | None


def shared_in_cohort(session: Session, cohort_id: int) -> list[SharedAttempt]:
    """The finished attempts the cohort's members shared, newest first."""
    query = (
        select(Attempt.id, Attempt.user_id, Attempt.scenario_id, Attempt.overall_score, Attempt.finished_at)
        .where(Attempt.shared_with_cohort.is_(True), Attempt.status == "finished",
               Attempt.user_id.in_(member_ids_query(cohort_id)))
        .order_by(Attempt.finished_at.desc(), Attempt.id.desc())
    )
    return [SharedAttempt(int(r[0]), int(r[1]), str(r[2]), None if r[3] is None else float(r[3]), r[4])
            for r in session.execute(query)]


def unshare_others(session: Session, user_id: int, keep: int) -> None:
    """Withdraw every attempt of the user from their cohorts except ``keep``."""
    session.execute(
        update(Attempt)
        .where(Attempt.user_id == user_id, Attempt.shared_with_cohort.is_(True), Attempt.id != keep)
        .values(shared_with_cohort=False)
        .execution_options(synchronize_session="fetch")
    )


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
    write_summary(session, attempt)


def principle_tally(
    report: dict[str, Any] | None, findings_per_turn: Iterable[Iterable[Any]]
) -> dict[str, tuple[int, int]]:
    """principle -> (kept, broken): positive and negative findings of the replies plus the
    report's session findings. Tolerates odd stored shapes (old or hand-written rows)."""
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    session_findings = (report or {}).get("session_findings") if isinstance(report, dict) else None
    every = [f for turn in findings_per_turn for f in (turn or [])]
    every += session_findings if isinstance(session_findings, list) else []
    for finding in every:
        if isinstance(finding, dict) and finding.get("principle"):
            tally[str(finding["principle"])][0 if finding.get("polarity") == "positive" else 1] += 1
    return {principle: (kept, broken) for principle, (kept, broken) in tally.items()}


def write_summary(
    session: Session, attempt: Attempt, *, findings_per_turn: Iterable[Iterable[Any]] | None = None
) -> AttemptSummaryRow:
    """(Re)write the finished attempt's summary row and principle counts.

    ``findings_per_turn`` (JSON-ready dicts) are the reply findings that count; by default
    the engine's, from the attempt's state. A mentor correction passes the corrected ones.
    """
    if findings_per_turn is None:
        turns = (attempt.state or {}).get("turns") if isinstance(attempt.state, dict) else None
        findings_per_turn = [t.get("findings") or [] for t in turns or [] if isinstance(t, dict)]
    report = attempt.report if isinstance(attempt.report, dict) else {}
    raw_stages = report.get("stages")
    stages: dict[str, Any] = raw_stages if isinstance(raw_stages, dict) else {}
    values: dict[str, Any] = {
        "user_id": attempt.user_id,
        "scenario_id": attempt.scenario_id,
        "finished_at": attempt.finished_at,
        "overall": attempt.overall_score,
        "hints_used": attempt.hints_used,
        **{stage: _score(stages.get(stage)) for stage in SUMMARY_STAGES},
    }
    row = session.get(AttemptSummaryRow, attempt.id)
    if row is None:
        row = AttemptSummaryRow(attempt_id=attempt.id, **values)
        session.add(row)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    session.execute(delete(AttemptPrincipleCount).where(AttemptPrincipleCount.attempt_id == attempt.id))
    session.add_all(
        AttemptPrincipleCount(attempt_id=attempt.id, principle_id=principle, kept=kept, broken=broken)
        for principle, (kept, broken) in principle_tally(report, findings_per_turn).items()
    )
    session.flush()
    return row


def _score(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def delete_attempts_older_than(session: Session, cutoff: datetime) -> int:
    """Delete attempts last touched before ``cutoff``; turns, comments and corrections cascade."""
    deleted = rows_changed(session, delete(Attempt).where(Attempt.updated_at < cutoff))
    session.expire_all()
    return deleted


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
