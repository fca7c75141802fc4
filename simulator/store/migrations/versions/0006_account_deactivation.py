"""Accounts can be deactivated.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

``users.deactivated_at``: an admin switches an account off (a trainee who left the course)
without deleting their attempts; a deactivated account cannot log in.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users", sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("deactivated_at")
