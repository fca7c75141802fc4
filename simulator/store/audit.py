"""The audit log: append-only rows of who did what with whose data."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from simulator.store.models import AuditEvent, utcnow

DETAIL_MAX = 500  # characters of an event's detail that are kept (and compared)


def add_event(
    session: Session,
    *,
    actor_id: int | None,
    actor_name: str,
    action: str,
    subject_id: int | None = None,
    subject_name: str = "",
    cohort_id: int | None = None,
    attempt_id: int | None = None,
    detail: str = "",
    at: datetime | None = None,
) -> AuditEvent:
    event = AuditEvent(
        at=at or utcnow(), actor_id=actor_id, actor_name=actor_name[:64], action=action, subject_id=subject_id,
        subject_name=subject_name[:64], cohort_id=cohort_id, attempt_id=attempt_id, detail=detail[:DETAIL_MAX],
    )
    session.add(event)
    session.flush()
    return event


def events(session: Session, *, about: int | None = None, limit: int | None = None) -> list[AuditEvent]:
    """Newest first; ``about`` keeps the events whose subject or actor is that user."""
    query = select(AuditEvent)
    if about is not None:
        query = query.where(or_(AuditEvent.subject_id == about, AuditEvent.actor_id == about))
    query = query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def logged_since(
    session: Session, *, actor_id: int, action: str, attempt_id: int | None, detail: str, window: timedelta
) -> bool:
    """Whether the same event by this actor about this attempt is already in the log within ``window``."""
    query = select(AuditEvent.id).where(
        AuditEvent.actor_id == actor_id,
        AuditEvent.action == action,
        AuditEvent.attempt_id == attempt_id if attempt_id is not None else AuditEvent.attempt_id.is_(None),
        AuditEvent.detail == detail[:DETAIL_MAX],
        AuditEvent.at >= utcnow() - window,
    ).limit(1)
    return session.scalar(query) is not None
