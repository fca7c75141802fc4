"""Mentor review: comments on turns and corrections of the engine's findings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from simulator.store.cohorts import member_ids_query, trainees_of_mentor_query
from simulator.store.models import Attempt, Correction, Turn, TurnComment, User, utcnow


def add_comment(
    session: Session, *, turn_id: int, author_id: int, text: str, now: datetime | None = None
) -> TurnComment:
    comment = TurnComment(turn_id=turn_id, author_id=author_id, text=text, created_at=now or utcnow())
    session.add(comment)
    session.flush()
    return comment


def add_correction(
    session: Session,
    *,
    turn_id: int,
    author_id: int,
    action: str,
    principle_id: str,
    finding_key: str | None = None,
    note: str = "",
    reason: str = "",
    now: datetime | None = None,
) -> Correction:
    correction = Correction(
        turn_id=turn_id,
        author_id=author_id,
        action=action,
        principle_id=principle_id,
        finding_key=finding_key,
        note=note,
        reason=reason,
        created_at=now or utcnow(),
    )
    session.add(correction)
    session.flush()
    return correction


def withdraw_correction(session: Session, correction: Correction, *, by: int, now: datetime | None = None) -> None:
    """Mark a correction withdrawn (kept as history; scoring ignores it)."""
    correction.withdrawn_at = now or utcnow()
    correction.withdrawn_by = by
    session.flush()


def comments_with_turn_index(session: Session, attempt_id: int) -> list[tuple[TurnComment, int]]:
    """The attempt's comments with the index of their turn, in turn and time order."""
    query = (
        select(TurnComment, Turn.index)
        .join(Turn, Turn.id == TurnComment.turn_id)
        .where(Turn.attempt_id == attempt_id)
        .order_by(Turn.index, TurnComment.created_at, TurnComment.id)
    )
    return [(comment, index) for comment, index in session.execute(query)]


def comments_for_attempt(session: Session, attempt_id: int) -> list[TurnComment]:
    return [comment for comment, _ in comments_with_turn_index(session, attempt_id)]


def corrections_for_attempt(session: Session, attempt_id: int) -> list[Correction]:
    """The attempt's corrections in turn and time order (each row carries its ``turn_index``)."""
    query = (
        select(Correction)
        .join(Turn, Turn.id == Correction.turn_id)
        .where(Turn.attempt_id == attempt_id)
        .order_by(Turn.index, Correction.created_at, Correction.id)
    )
    return list(session.scalars(query))


def comments_by_author(session: Session, author_id: int) -> list[TurnComment]:
    query = select(TurnComment).where(TurnComment.author_id == author_id).order_by(TurnComment.id)
    return list(session.scalars(query))


def corrections_by_author(session: Session, author_id: int) -> list[Correction]:
    query = select(Correction).where(Correction.author_id == author_id).order_by(Correction.id)
    return list(session.scalars(query))


def corrected_attempt_ids(session: Session, *, mentored_by: int | None = None) -> list[int]:
    """Ids of attempts with at least one correction (withdrawn ones count: they are history),
    ascending; with ``mentored_by``, only attempts of trainees in that mentor's cohorts."""
    query = select(Turn.attempt_id).join(Correction, Correction.turn_id == Turn.id).distinct()
    if mentored_by is not None:
        query = query.join(Attempt, Attempt.id == Turn.attempt_id).where(
            Attempt.user_id.in_(trainees_of_mentor_query(mentored_by))
        )
    return sorted(session.scalars(query))


@dataclass(frozen=True)
class QueueRow:
    """One attempt in a cohort's review queue, with how much mentors have already said about it."""

    attempt_id: int
    user_id: int
    trainee_name: str
    scenario_id: str
    status: str
    overall: float | None
    started_at: datetime
    finished_at: datetime | None
    corrections: int  # standing (not withdrawn)
    comments: int


def review_queue(session: Session, cohort_id: int, *, status: str | None = None) -> list[QueueRow]:
    """Attempts of the cohort's members, newest first, with their correction and comment counts."""
    corrections = (
        select(Turn.attempt_id, func.count(Correction.id).label("n"))
        .join(Correction, Correction.turn_id == Turn.id).where(Correction.withdrawn_at.is_(None))
        .group_by(Turn.attempt_id).subquery()
    )
    comments = (
        select(Turn.attempt_id, func.count(TurnComment.id).label("n"))
        .join(TurnComment, TurnComment.turn_id == Turn.id).group_by(Turn.attempt_id).subquery()
    )
    query = (
        select(Attempt.id, Attempt.user_id, User.display_name, Attempt.scenario_id, Attempt.status,
               Attempt.overall_score, Attempt.started_at, Attempt.finished_at,
               func.coalesce(corrections.c.n, 0), func.coalesce(comments.c.n, 0))
        .join(User, User.id == Attempt.user_id)
        .outerjoin(corrections, corrections.c.attempt_id == Attempt.id)
        .outerjoin(comments, comments.c.attempt_id == Attempt.id)
        .where(Attempt.user_id.in_(member_ids_query(cohort_id)))
    )
    if status is not None:
        query = query.where(Attempt.status == status)
    return [
        QueueRow(attempt_id=int(r[0]), user_id=int(r[1]), trainee_name=str(r[2]), scenario_id=str(r[3]),
                 status=str(r[4]), overall=None if r[5] is None else float(r[5]), started_at=r[6],
                 finished_at=r[7], corrections=int(r[8]), comments=int(r[9]))
        for r in session.execute(query.order_by(Attempt.started_at.desc(), Attempt.id.desc()))
    ]


def comment_to_dict(comment: TurnComment) -> dict[str, Any]:
    return {
        "id": comment.id,
        "turn_id": comment.turn_id,
        "author_id": comment.author_id,
        "text": comment.text,
        "created_at": comment.created_at.isoformat(),
    }


def correction_to_dict(correction: Correction) -> dict[str, Any]:
    return {
        "id": correction.id,
        "turn_id": correction.turn_id,
        "author_id": correction.author_id,
        "action": correction.action,
        "principle_id": correction.principle_id,
        "finding_key": correction.finding_key,
        "note": correction.note,
        "created_at": correction.created_at.isoformat(),
    }
