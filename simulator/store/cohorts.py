"""Cohorts, their members (trainees) and mentors, and the invitations to join."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session, aliased

from simulator.store.models import Cohort, CohortInvitation, CohortMember, CohortMentor, User


def create_cohort(session: Session, name: str, *, created_by: int | None) -> Cohort:
    cohort = Cohort(name=name, created_by=created_by)
    session.add(cohort)
    session.flush()
    return cohort


def get_cohort(session: Session, cohort_id: int) -> Cohort | None:
    return session.get(Cohort, cohort_id)


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


def is_member_of(session: Session, cohort_id: int, user_id: int) -> bool:
    return session.get(CohortMember, (cohort_id, user_id)) is not None


def is_mentor_of(session: Session, cohort_id: int, user_id: int) -> bool:
    return session.get(CohortMentor, (cohort_id, user_id)) is not None


def member_ids_query(cohort_id: int) -> Select[int]:
    """The one "members of a cohort" query, for use as a subquery (``Attempt.user_id.in_(...)``)."""
    return select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id)


def member_ids(session: Session, cohort_id: int) -> list[int]:
    return list(session.scalars(member_ids_query(cohort_id).order_by(CohortMember.user_id)))


def share_a_cohort(session: Session, user_id: int, other_id: int) -> bool:
    """Whether two users are members of one cohort (reading an attempt shared with the cohort)."""
    mine, theirs = aliased(CohortMember), aliased(CohortMember)
    query = (
        select(mine.cohort_id)
        .join(theirs, theirs.cohort_id == mine.cohort_id)
        .where(mine.user_id == user_id, theirs.user_id == other_id)
        .limit(1)
    )
    return session.scalar(query) is not None


def trainees_of_mentor_query(mentor_id: int) -> Select[int]:
    """Members of every cohort the mentor mentors, as a subquery."""
    mine = select(CohortMentor.cohort_id).where(CohortMentor.user_id == mentor_id)
    return select(CohortMember.user_id).where(CohortMember.cohort_id.in_(mine))


def members(session: Session, cohort_id: int) -> list[User]:
    query = select(User).where(User.id.in_(member_ids_query(cohort_id)))
    return list(session.scalars(query.order_by(User.username)))


@dataclass(frozen=True)
class MemberName:
    """A member's id and names only: what a dashboard or export shows of a trainee."""

    user_id: int
    username: str
    display_name: str


def member_names(session: Session, cohort_id: int) -> list[MemberName]:
    """The cohort's members by display name (then id), without loading whole user rows."""
    query = (
        select(User.id, User.username, User.display_name)
        .where(User.id.in_(member_ids_query(cohort_id)))
        .order_by(User.display_name, User.id)
    )
    return [MemberName(int(r[0]), str(r[1]), str(r[2])) for r in session.execute(query)]


def names_of(session: Session, cohort_ids: set[int]) -> dict[int, str]:
    """Cohort id -> name, for the given ids."""
    if not cohort_ids:
        return {}
    return {int(r[0]): str(r[1]) for r in session.execute(select(Cohort.id, Cohort.name).where(Cohort.id.in_(cohort_ids)))}


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


def summaries(
    session: Session, *, mentored_by: int | None = None, member: int | None = None
) -> list[tuple[int, str, int, int]]:
    """``(id, name, members, mentors)`` of every cohort, or of those one user mentors / is in."""
    member_counts = (
        select(CohortMember.cohort_id, func.count().label("n")).group_by(CohortMember.cohort_id).subquery()
    )
    mentor_counts = (
        select(CohortMentor.cohort_id, func.count().label("n")).group_by(CohortMentor.cohort_id).subquery()
    )
    query = (
        select(Cohort.id, Cohort.name, func.coalesce(member_counts.c.n, 0), func.coalesce(mentor_counts.c.n, 0))
        .outerjoin(member_counts, member_counts.c.cohort_id == Cohort.id)
        .outerjoin(mentor_counts, mentor_counts.c.cohort_id == Cohort.id)
    )
    if mentored_by is not None:
        query = query.where(Cohort.id.in_(select(CohortMentor.cohort_id).where(CohortMentor.user_id == mentored_by)))
    if member is not None:
        query = query.where(Cohort.id.in_(select(CohortMember.cohort_id).where(CohortMember.user_id == member)))
    rows = session.execute(query.order_by(Cohort.name, Cohort.id)).all()
    return [(int(r[0]), str(r[1]), int(r[2]), int(r[3])) for r in rows]


def trainees_created_by(session: Session, creator_id: int | None, *, not_in_cohort: int) -> list[User]:
    """Trainee accounts outside a cohort: those one mentor opened, or (``None``) every one."""
    query = select(User).where(User.role == "trainee", User.id.not_in(member_ids_query(not_in_cohort)))
    if creator_id is not None:
        query = query.where(User.created_by == creator_id)
    return list(session.scalars(query.order_by(User.username)))


def add_invitation(session: Session, cohort_id: int, code_hash: str, *, created_by: int | None,
                   expires_at: datetime) -> CohortInvitation:
    invitation = CohortInvitation(cohort_id=cohort_id, code_hash=code_hash, created_by=created_by,
                                  expires_at=expires_at)
    session.add(invitation)
    session.flush()
    return invitation


def invitation_by_hash(session: Session, code_hash: str) -> CohortInvitation | None:
    return session.scalars(select(CohortInvitation).where(CohortInvitation.code_hash == code_hash)).one_or_none()
