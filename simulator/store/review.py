"""Mentor review: comments on turns and corrections of the engine's findings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from simulator.store.models import Correction, Turn, TurnComment, utcnow


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


def corrections_with_turn_index(session: Session, attempt_id: int) -> list[tuple[Correction, int]]:
    """The attempt's corrections with the index of their turn, in turn and time order."""
    query = (
        select(Correction, Turn.index)
        .join(Turn, Turn.id == Correction.turn_id)
        .where(Turn.attempt_id == attempt_id)
        .order_by(Turn.index, Correction.created_at, Correction.id)
    )
    return [(correction, index) for correction, index in session.execute(query)]


def comments_for_attempt(session: Session, attempt_id: int) -> list[TurnComment]:
    return [comment for comment, _ in comments_with_turn_index(session, attempt_id)]


def corrections_for_attempt(session: Session, attempt_id: int) -> list[Correction]:
    return [correction for correction, _ in corrections_with_turn_index(session, attempt_id)]


def comments_by_author(session: Session, author_id: int) -> list[TurnComment]:
    query = select(TurnComment).where(TurnComment.author_id == author_id).order_by(TurnComment.id)
    return list(session.scalars(query))


def corrections_by_author(session: Session, author_id: int) -> list[Correction]:
    query = select(Correction).where(Correction.author_id == author_id).order_by(Correction.id)
    return list(session.scalars(query))


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
