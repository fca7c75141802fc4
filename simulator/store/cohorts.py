"""Cohorts, their members (trainees) and mentors."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from simulator.store.models import Cohort, CohortMember, CohortMentor, User


def create_cohort(session: Session, name: str, *, created_by: int | None) -> Cohort:
    cohort = Cohort(name=name, created_by=created_by)
    session.add(cohort)
    session.flush()
    return cohort


def get_cohort(session: Session, cohort_id: int) -> Cohort | None:
    return session.get(Cohort, cohort_id)


def list_cohorts(session: Session) -> list[Cohort]:
    return list(session.scalars(select(Cohort).order_by(Cohort.name, Cohort.id)))


def add_member(session: Session, cohort_id: int, user_id: int) -> None:
    if session.get(CohortMember, (cohort_id, user_id)) is None:
        session.add(CohortMember(cohort_id=cohort_id, user_id=user_id))
        session.flush()


def remove_member(session: Session, cohort_id: int, user_id: int) -> None:
    session.execute(
        delete(CohortMember).where(CohortMember.cohort_id == cohort_id, CohortMember.user_id == user_id)
    )


def add_mentor(session: Session, cohort_id: int, user_id: int) -> None:
    if session.get(CohortMentor, (cohort_id, user_id)) is None:
        session.add(CohortMentor(cohort_id=cohort_id, user_id=user_id))
        session.flush()


def members(session: Session, cohort_id: int) -> list[User]:
    query = select(User).join(CohortMember, CohortMember.user_id == User.id).where(CohortMember.cohort_id == cohort_id)
    return list(session.scalars(query.order_by(User.username)))


def mentors(session: Session, cohort_id: int) -> list[User]:
    query = select(User).join(CohortMentor, CohortMentor.user_id == User.id).where(CohortMentor.cohort_id == cohort_id)
    return list(session.scalars(query.order_by(User.username)))


def cohorts_of_member(session: Session, user_id: int) -> list[Cohort]:
    query = select(Cohort).join(CohortMember, CohortMember.cohort_id == Cohort.id).where(CohortMember.user_id == user_id)
    return list(session.scalars(query.order_by(Cohort.name)))


def cohorts_of_mentor(session: Session, user_id: int) -> list[Cohort]:
    query = select(Cohort).join(CohortMentor, CohortMentor.cohort_id == Cohort.id).where(CohortMentor.user_id == user_id)
    return list(session.scalars(query.order_by(Cohort.name)))


def mentors_user(session: Session, mentor_id: int, trainee_id: int) -> bool:
    """Whether the mentor mentors a cohort the trainee belongs to (the review permission)."""
    query = (
        select(CohortMember.user_id)
        .join(CohortMentor, CohortMentor.cohort_id == CohortMember.cohort_id)
        .where(CohortMentor.user_id == mentor_id, CohortMember.user_id == trainee_id)
        .limit(1)
    )
    return session.scalar(query) is not None
