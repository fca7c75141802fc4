"""Consent for cohort membership and the audit log.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

``users.created_by`` records who opened an account (a mentor may place only trainees they
opened; everyone else joins by an invitation code). Accounts that existed before this
revision have no recorded creator, so only an admin or the trainee's own code can add them
to a new cohort: the safe default. ``cohort_invitations`` holds the codes (hashed);
``audit_events`` every membership change and every read of another person's attempt by staff.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN, no foreign key: on SQLite a key means rebuilding ``users``, and
    # dropping the old table inside the migration would cascade into every attempt. The
    # store clears the column when the creator's account is deleted instead.
    op.add_column("users", sa.Column("created_by", sa.Integer(), nullable=True))
    op.create_table(
        "cohort_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_cohort_invitations_cohort_id_cohorts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_cohort_invitations_created_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cohort_invitations")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_cohort_invitations_code_hash")),
    )
    op.create_index(op.f("ix_cohort_invitations_cohort_id"), "cohort_invitations", ["cohort_id"])
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("subject_name", sa.String(64), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=True),
        sa.Column("attempt_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_at"), "audit_events", ["at"])
    op.create_index(op.f("ix_audit_events_subject_id"), "audit_events", ["subject_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_events_subject_id"), table_name="audit_events")
    op.drop_index(op.f("ix_audit_events_at"), table_name="audit_events")
    op.drop_table("audit_events")
    op.drop_index(op.f("ix_cohort_invitations_cohort_id"), table_name="cohort_invitations")
    op.drop_table("cohort_invitations")
    op.drop_column("users", "created_by")
