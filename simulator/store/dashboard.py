"""The cohort dashboards' summaries, as ``GROUP BY`` queries over the per-attempt summary
tables (``attempt_summaries``, ``attempt_principle_counts``).

The queries live here so the service layer decides only who may see what and how it is
shown; every function returns plain typed rows, never ORM objects, and never reads turn
rows (each carries a large engine state) or reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from simulator.store.attempts import SUMMARY_STAGES as STAGES
from simulator.store.cohorts import member_ids_query
from simulator.store.models import AttemptPrincipleCount as PrincipleCount
from simulator.store.models import AttemptSummaryRow as Summary


@dataclass(frozen=True)
class TraineeTotals:
    """One trainee's finished attempts: how many, the latest, and the mean scores over them."""

    user_id: int
    finished: int
    latest_finished: datetime | None
    overall: float | None
    stages: dict[str, float | None]  # stage id -> mean stage score


@dataclass(frozen=True)
class DailyMean:
    """The mean overall score of the attempts finished on one UTC day."""

    day: date
    mean_overall: float
    attempts: int


@dataclass(frozen=True)
class PrincipleTally:
    """How many times one trainee kept and broke one principle, over their finished attempts."""

    user_id: int
    principle_id: str
    kept: int
    broken: int


@dataclass(frozen=True)
class FinishedAttempt:
    """One finished attempt's scalar results (a row of the cohort CSV)."""

    attempt_id: int
    user_id: int
    scenario_id: str
    overall: float | None
    finished_at: datetime | None
    hints_used: int
    stages: dict[str, float | None]


def _stage_columns() -> list[Any]:
    return [getattr(Summary, stage) for stage in STAGES]


def _day(session: Session) -> Any:
    """The UTC calendar day of ``finished_at`` (SQLite stores naive UTC text; PostgreSQL timestamptz)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("UTC", Summary.finished_at))
    return func.date(Summary.finished_at)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def trainee_totals(session: Session, cohort_id: int) -> list[TraineeTotals]:
    """Per member with finished attempts: count, latest finish and mean scores."""
    query = (
        select(Summary.user_id, func.count(), func.max(Summary.finished_at), func.avg(Summary.overall),
               *(func.avg(col) for col in _stage_columns()))
        .where(Summary.user_id.in_(member_ids_query(cohort_id)))
        .group_by(Summary.user_id)
    )
    return [
        TraineeTotals(user_id=int(r[0]), finished=int(r[1]), latest_finished=r[2], overall=_float(r[3]),
                      stages={stage: _float(v) for stage, v in zip(STAGES, r[4:], strict=True)})
        for r in session.execute(query)
    ]


def daily_means(session: Session, cohort_id: int) -> list[DailyMean]:
    """The members' mean overall score per UTC day of finishing, oldest day first."""
    day = _day(session)
    query = (
        select(day, func.avg(Summary.overall), func.count(Summary.overall))
        .where(Summary.user_id.in_(member_ids_query(cohort_id)), Summary.finished_at.is_not(None),
               Summary.overall.is_not(None))
        .group_by(day).order_by(day)
    )
    return [DailyMean(_as_date(r[0]), float(r[1]), int(r[2])) for r in session.execute(query) if r[0] is not None]


def principle_tallies(session: Session, cohort_id: int) -> list[PrincipleTally]:
    """Per member and principle: the times kept and broken, summed over finished attempts."""
    query = (
        select(Summary.user_id, PrincipleCount.principle_id, func.sum(PrincipleCount.kept),
               func.sum(PrincipleCount.broken))
        .join(Summary, Summary.attempt_id == PrincipleCount.attempt_id)
        .where(Summary.user_id.in_(member_ids_query(cohort_id)))
        .group_by(Summary.user_id, PrincipleCount.principle_id)
    )
    return [PrincipleTally(int(r[0]), str(r[1]), int(r[2] or 0), int(r[3] or 0)) for r in session.execute(query)]


def finished_attempts(session: Session, cohort_id: int) -> list[FinishedAttempt]:
    """Every finished attempt of the members, in finishing order."""
    query = (
        select(Summary.attempt_id, Summary.user_id, Summary.scenario_id, Summary.overall, Summary.finished_at,
               Summary.hints_used, *_stage_columns())
        .where(Summary.user_id.in_(member_ids_query(cohort_id)))
        .order_by(Summary.finished_at, Summary.attempt_id)
    )
    return [
        FinishedAttempt(attempt_id=int(r[0]), user_id=int(r[1]), scenario_id=str(r[2]), overall=_float(r[3]),
                        finished_at=r[4], hints_used=int(r[5] or 0),
                        stages={stage: _float(v) for stage, v in zip(STAGES, r[6:], strict=True)})
        for r in session.execute(query)
    ]
