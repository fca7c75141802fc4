"""Per-attempt summaries (scores, principle counts) so cohort dashboards never scan turns.

Revision ID: 0003
Revises: 0002
Create Date: 2025-01-03

The data step fills the summaries of attempts that had already finished, from what they
stored: the report (overall is the attempt's column; stage scores and session findings come
from the report), the reply findings in the turn rows with the mentors' corrections applied
(a dismissal removes the finding with that key, an addition adds one of that principle).
It is self-contained on purpose (no import of the app's current code), so it does today
what it did when it was written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op


revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAGES = ("empathy", "guidance", "advisory", "farewell")


def upgrade() -> None:
    op.create_table(
        "attempt_summaries",
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.String(100), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("overall", sa.Float(), nullable=True),
        *(sa.Column(stage, sa.Float(), nullable=True) for stage in STAGES),
        sa.Column("hints_used", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"], ["attempts.id"], name=op.f("fk_attempt_summaries_attempt_id_attempts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_attempt_summaries_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("attempt_id", name=op.f("pk_attempt_summaries")),
    )
    op.create_index(op.f("ix_attempt_summaries_user_id"), "attempt_summaries", ["user_id"])
    op.create_table(
        "attempt_principle_counts",
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("principle_id", sa.String(100), nullable=False),
        sa.Column("kept", sa.Integer(), nullable=False),
        sa.Column("broken", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"], ["attempts.id"], name=op.f("fk_attempt_principle_counts_attempt_id_attempts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("attempt_id", "principle_id", name=op.f("pk_attempt_principle_counts")),
    )
    _backfill(op.get_bind())


def downgrade() -> None:
    op.drop_table("attempt_principle_counts")
    op.drop_index(op.f("ix_attempt_summaries_user_id"), table_name="attempt_summaries")
    op.drop_table("attempt_summaries")


# --- data --------------------------------------------------------------------------------------

_attempts = sa.table(
    "attempts",
    sa.column("id", sa.Integer()), sa.column("status", sa.String()), sa.column("report", sa.JSON()),
)
_turns = sa.table(
    "turns",
    sa.column("id", sa.Integer()), sa.column("attempt_id", sa.Integer()), sa.column("index", sa.Integer()),
    sa.column("findings", sa.JSON()),
)
_corrections = sa.table(
    "corrections",
    sa.column("turn_id", sa.Integer()), sa.column("action", sa.String()), sa.column("principle_id", sa.String()),
    sa.column("finding_key", sa.String()),
)
_summaries = sa.table("attempt_summaries", sa.column("attempt_id", sa.Integer()),
                      *(sa.column(stage, sa.Float()) for stage in STAGES))
_counts = sa.table(
    "attempt_principle_counts",
    sa.column("attempt_id", sa.Integer()), sa.column("principle_id", sa.String()), sa.column("kept", sa.Integer()),
    sa.column("broken", sa.Integer()),
)


def _polarities() -> dict[str, str]:
    """Principle polarities from the content, for mentor additions (which store no polarity)."""
    try:
        from simulator.content.library import get_library

        return {p.id: p.polarity for rubric in get_library().rubrics.values() for p in rubric.principles}
    except Exception:  # content unreadable here: additions fall back to other findings' polarity
        return {}


def _key(finding: dict[str, Any]) -> str:
    spans = finding.get("spans") or []
    first = spans[0].get("start", -1) if spans and isinstance(spans[0], dict) else -1
    return f"{finding.get('principle')}@{first}"


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _backfill(connection: sa.Connection) -> None:
    # Scalars straight across in SQL (keeps each backend's own datetime format).
    connection.execute(sa.text(
        "INSERT INTO attempt_summaries (attempt_id, user_id, scenario_id, finished_at, overall, hints_used) "
        "SELECT id, user_id, scenario_id, finished_at, overall_score, hints_used FROM attempts WHERE status = 'finished'"
    ))
    polarity_of = _polarities()
    finished = sa.select(_attempts.c.id).where(_attempts.c.status == "finished")
    corrections: dict[int, list[Any]] = defaultdict(list)
    for row in connection.execute(
        sa.select(_corrections.c.turn_id, _corrections.c.action, _corrections.c.principle_id, _corrections.c.finding_key)
    ):
        corrections[row.turn_id].append(row)
    findings: dict[int, list[list[dict[str, Any]]]] = defaultdict(list)
    # Only the findings column: the turns' engine states are large and not needed.
    for row in connection.execute(
        sa.select(_turns.c.id, _turns.c.attempt_id, _turns.c.findings)
        .where(_turns.c.attempt_id.in_(finished)).order_by(_turns.c.attempt_id, _turns.c.index)
    ):
        kept = [f for f in (row.findings or []) if isinstance(f, dict)]
        for c in corrections.get(row.id, []):
            if c.action == "dismiss":
                kept = [f for f in kept if _key(f) != c.finding_key]
            elif c.action == "add":
                seen = next((f.get("polarity") for f in kept if f.get("principle") == c.principle_id), None)
                kept.append({"principle": c.principle_id, "polarity": polarity_of.get(c.principle_id, seen)})
        findings[row.attempt_id].append(kept)
    for attempt_id, report in connection.execute(sa.select(_attempts.c.id, _attempts.c.report).where(
            _attempts.c.status == "finished")).all():
        report = report if isinstance(report, dict) else {}
        stages = report.get("stages") if isinstance(report.get("stages"), dict) else {}
        connection.execute(
            _summaries.update().where(_summaries.c.attempt_id == attempt_id)
            .values({stage: _number(stages.get(stage)) for stage in STAGES})
        )
        tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        session_findings = report.get("session_findings") if isinstance(report.get("session_findings"), list) else []
        for finding in [f for turn in findings.get(attempt_id, []) for f in turn] + session_findings:
            if isinstance(finding, dict) and finding.get("principle"):
                tally[str(finding["principle"])][0 if finding.get("polarity") == "positive" else 1] += 1
        if tally:
            connection.execute(_counts.insert(), [
                {"attempt_id": attempt_id, "principle_id": p, "kept": k, "broken": b} for p, (k, b) in tally.items()
            ])
