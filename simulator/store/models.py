"""The tables, as typed SQLAlchemy 2 models.

The Alembic revisions in ``migrations/versions`` create exactly this schema (a test
compares them); change both together.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, column_property, mapped_column, relationship

ROLES = ("trainee", "mentor", "admin")
LOCALES = ("fi", "en")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both backends (SQLite would hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), float: Float(), dict[str, Any]: JSON(), list[Any]: JSON()}


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('trainee', 'mentor', 'admin')", name="role"),
        CheckConstraint("locale IN ('fi', 'en')", name="locale"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    locale: Mapped[str] = mapped_column(String(8), default="fi")
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Who opened the account (revision 0004): a mentor may place only trainees they opened.
    # No foreign key (see the migration); store.users.delete_user clears it instead.
    created_by: Mapped[int | None] = mapped_column(Integer)
    # revision 0006: an admin can switch an account off without deleting its data; it cannot log in.
    deactivated_at: Mapped[datetime | None] = mapped_column()

    attempts: Mapped[list[Attempt]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )


# Usernames are unique regardless of case ("Maija" and "maija" are one account).
Index("uq_users_username_lower", func.lower(User.username), unique=True)


class AuthSession(Base):
    """A login. Only the SHA-256 of the bearer token is kept, so a leaked table logs no one in."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class LoginThrottle(Base):
    """Failed logins per username (existing or not), shared by every instance."""

    __tablename__ = "login_throttle"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None]
    blocked_until: Mapped[datetime | None]


class Attempt(Base):
    __tablename__ = "attempts"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'finished')", name="status"),
        Index("ix_attempts_user_started", "user_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    scenario_id: Mapped[str] = mapped_column(String(100), index=True)
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="active")
    seed: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    hints_used: Mapped[int] = mapped_column(Integer, default=0)
    overall_score: Mapped[float | None]
    report: Mapped[dict[str, Any] | None]
    shared_with_cohort: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="attempts")
    turns: Mapped[list[Turn]] = relationship(
        back_populates="attempt",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Turn.index",
    )


class Turn(Base):
    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("attempt_id", "index", name="uq_turns_attempt_id_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    index: Mapped[int] = mapped_column("index", Integer)
    reply: Mapped[str] = mapped_column(Text)
    client_line: Mapped[str] = mapped_column(Text, default="")
    inner_thought: Mapped[str | None] = mapped_column(Text)
    signals: Mapped[list[Any]] = mapped_column(default=list)
    findings: Mapped[list[Any]] = mapped_column(default=list)
    stage: Mapped[str] = mapped_column(String(32))
    trust: Mapped[float] = mapped_column(default=0.0)
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    attempt: Mapped[Attempt] = relationship(back_populates="turns")


# --- revision 0002: cohorts, assignments and mentor review --------------------------------


class Cohort(Base):
    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # A cohort outlives the mentor who created it.
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class CohortMember(Base):
    __tablename__ = "cohort_members"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)


class CohortMentor(Base):
    __tablename__ = "cohort_mentors"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)


class Assignment(Base):
    """A scenario given to a cohort or to one trainee (exactly one of the two)."""

    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint("(cohort_id IS NULL) <> (user_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scenario_id: Mapped[str] = mapped_column(String(100))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    due_date: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TurnComment(Base):
    __tablename__ = "turn_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("turns.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Correction(Base):
    """A mentor's verdict that the engine judged a reply wrong (dismiss) or missed something (add)."""

    __tablename__ = "corrections"
    __table_args__ = (CheckConstraint("action IN ('dismiss', 'add')", name="action"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("turns.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    principle_id: Mapped[str] = mapped_column(String(100))
    finding_key: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # revision 0005: why a finding was dismissed (a short-list code), and a withdrawal kept as
    # history instead of deleting the row (who withdrew it and when; scoring ignores it).
    reason: Mapped[str] = mapped_column(String(32), server_default="")
    withdrawn_at: Mapped[datetime | None] = mapped_column()
    withdrawn_by: Mapped[int | None] = mapped_column(Integer)
    # The index of the corrected turn, loaded with the row (a correlated subquery, not a
    # column): the service groups and matches corrections by turn index, and this keeps that
    # a typed attribute instead of one pinned on the row after the query.
    turn_index: Mapped[int] = column_property(
        select(Turn.index).where(Turn.id == turn_id).correlate_except(Turn).scalar_subquery()
    )


# --- revision 0003: per-attempt summaries for dashboards ----------------------------------


class AttemptSummaryRow(Base):
    """The scores of one finished attempt, small enough for a cohort dashboard to aggregate.

    Written when the attempt ends and rewritten whenever a mentor correction recomputes its
    report, so dashboards never read turn rows (each carries a large engine state) or reports.
    Stage columns are named after ``simulator.content.common.STAGES``.
    """

    __tablename__ = "attempt_summaries"

    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    scenario_id: Mapped[str] = mapped_column(String(100))
    finished_at: Mapped[datetime | None]
    overall: Mapped[float | None]
    empathy: Mapped[float | None]
    guidance: Mapped[float | None]
    advisory: Mapped[float | None]
    farewell: Mapped[float | None]
    hints_used: Mapped[int] = mapped_column(Integer, default=0)


class AttemptPrincipleCount(Base):
    """How often one finished attempt kept (positive findings) and broke (negative findings) a
    principle: reply findings with mentor corrections applied, plus the session findings."""

    __tablename__ = "attempt_principle_counts"

    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), primary_key=True)
    principle_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    kept: Mapped[int] = mapped_column(Integer, default=0)
    broken: Mapped[int] = mapped_column(Integer, default=0)


# --- revision 0004: consent for cohort membership, the audit log ---------------------------


class CohortInvitation(Base):
    """A code a mentor hands to trainees; accepting it is the trainee's consent to join.

    Only the SHA-256 of the code is stored, like login tokens.
    """

    __tablename__ = "cohort_invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()


class AuditEvent(Base):
    """Who did what with whose data: membership changes and staff reading another's attempt.

    Ids are kept as plain numbers with the names beside them (no foreign keys), so the record
    outlives a deleted account, cohort or attempt.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_name: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int | None] = mapped_column(Integer, index=True)
    subject_name: Mapped[str] = mapped_column(String(64), default="")
    cohort_id: Mapped[int | None] = mapped_column(Integer)
    attempt_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(String(500), default="")
