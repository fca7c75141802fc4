"""Mentor corrections keep their reason and their history.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06

``corrections.reason`` is the short-list reason a finding was dismissed for (``not_in_reply``,
``misread``, ``wrong_words``, ``other``; the note holds the free text). A withdrawn correction
is no longer deleted: ``withdrawn_at``/``withdrawn_by`` mark it, scoring ignores it, and the
review page shows it in the reply's history. Plain ADD COLUMNs (no foreign key, as in 0004:
on SQLite a key means rebuilding the table).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("corrections", sa.Column("reason", sa.String(32), nullable=False, server_default=""))
    op.add_column("corrections", sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("corrections", sa.Column("withdrawn_by", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("corrections") as batch:
        batch.drop_column("withdrawn_by")
        batch.drop_column("withdrawn_at")
        batch.drop_column("reason")
