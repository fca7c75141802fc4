"""Scenarios assigned to a cohort or to one trainee."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from simulator.store.cohorts import member_ids_query
from simulator.store.models import Assignment, Attempt, CohortMember, utcnow


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


def assignments_for_cohort(session: Session, cohort_id: int) -> list[Assignment]:
    """Assignments to the cohort, and to single trainees who are in it, oldest first."""
    query = select(Assignment).where(
        or_(Assignment.cohort_id == cohort_id, Assignment.user_id.in_(member_ids_query(cohort_id)))
    )
    return list(session.scalars(query.order_by(Assignment.created_at, Assignment.id)))


def attempt_flags(
    session: Session, assignment_ids: list[int], user_ids: list[int]
) -> dict[tuple[int, int], tuple[bool, bool]]:
    """(assignment id, user id) -> (has a finished attempt, has an active attempt) of the
    assignment's scenario started since the assignment was made.

    One aggregated query over the attempts table's scalar columns (never the states).
    """
    if not assignment_ids or not user_ids:
        return {}
    finished = func.max(case((Attempt.status == "finished", 1), else_=0))
    active = func.max(case((Attempt.status == "active", 1), else_=0))
    query = (
        select(Assignment.id, Attempt.user_id, finished, active)
        .join(
            Attempt,
            and_(Attempt.scenario_id == Assignment.scenario_id, Attempt.started_at >= Assignment.created_at),
        )
        .where(Assignment.id.in_(assignment_ids), Attempt.user_id.in_(user_ids))
        .group_by(Assignment.id, Attempt.user_id)
    )
    return {(int(r[0]), int(r[1])): (bool(r[2]), bool(r[3])) for r in session.execute(query)}
