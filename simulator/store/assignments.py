"""Scenarios assigned to a cohort or to one trainee."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from simulator.store.models import Assignment, CohortMember, utcnow


def add_assignment(
    session: Session,
    *,
    scenario_id: str,
    created_by: int | None,
    cohort_id: int | None = None,
    user_id: int | None = None,
    due_date: datetime | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Assignment:
    if (cohort_id is None) == (user_id is None):
        raise ValueError("an assignment targets exactly one of cohort_id and user_id")
    assignment = Assignment(
        scenario_id=scenario_id,
        cohort_id=cohort_id,
        user_id=user_id,
        due_date=due_date,
        note=note,
        created_by=created_by,
        created_at=now or utcnow(),
    )
    session.add(assignment)
    session.flush()
    return assignment


def assignments_for_user(session: Session, user_id: int) -> list[Assignment]:
    """Assigned to the trainee directly or to any cohort they belong to."""
    cohort_ids = select(CohortMember.cohort_id).where(CohortMember.user_id == user_id)
    query = select(Assignment).where(or_(Assignment.user_id == user_id, Assignment.cohort_id.in_(cohort_ids)))
    return list(session.scalars(query.order_by(Assignment.due_date, Assignment.id)))
