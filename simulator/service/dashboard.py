"""Comparing a cohort: the mentor's dashboard, the trainee's anonymised view, shared
attempts and CSV exports.

The numbers come from the store's aggregated queries (:mod:`simulator.store.dashboard`:
``GROUP BY`` trainee, day, principle over the per-attempt summaries, which are written
when an attempt ends and rewritten whenever a mentor's correction recomputes its report);
this module decides who may see them and in what form (rounding, ranks, anonymity).

The measures:
- overall and stage scores (0-100): a trainee's value is the mean over their finished
  attempts; the distribution is those per-trainee means;
- a reply principle: how many times per finished attempt it was found (kept, for a
  positive principle; broken, for a negative one), engine findings minus dismissals plus
  additions (as the summary stores them);
- a session principle: the share of finished attempts that met it (0-1).

Privacy: the trainee's cohort view carries values only, never another trainee's name or
account id; the pseudonymised CSV carries neither names nor account ids nor attempt ids.
"""

from __future__ import annotations

import csv
import io
import logging
import random
import secrets
import statistics
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy.orm import Session

from simulator.content.common import STAGES
from simulator.content.library import get_library
from simulator.service import _attempts
from simulator.service._csv import csv_cell
from simulator.service.sharing import SharedAttemptRow, shared_rows
from simulator.service.assignments import AssignmentView, completion
from simulator.service.cohorts import Person
from simulator.service.policy import (
    may_show_mean,
    may_show_positions,
    min_cohort_comparison,
    require_cohort_member_view,
    require_cohort_mentor,
    require_signed_in,
)
from simulator.service.principal import Principal
from simulator.service.views import Localised
from simulator.store import Database
from simulator.store import assignments as assignment_repo
from simulator.store import cohorts as cohort_repo
from simulator.store import dashboard as dashboard_repo
from simulator.store.models import utcnow

log = logging.getLogger(__name__)

Values = tuple[float, ...]


@dataclass(frozen=True)
class Metric:
    """One measure across the cohort: the mean and the per-trainee values (the distribution)."""

    key: str  # "overall", a stage id, or a principle id
    kind: str  # "overall" | "stage" | "principle"
    name: Localised
    polarity: str  # "positive" (higher is better) | "negative" (lower is better)
    mean: float | None
    values: Values  # one per trainee with finished attempts, sorted


@dataclass(frozen=True)
class HeatCell:
    user_id: int
    trainee_name: str
    principle: str
    value: float  # findings per finished attempt


@dataclass(frozen=True)
class ProgressPoint:
    day: date
    mean_overall: float
    attempts: int


@dataclass(frozen=True)
class TraineeRow:
    user_id: int
    trainee_name: str
    attempts: int
    mean_overall: float | None
    latest_finished: datetime | None


@dataclass(frozen=True)
class CohortDashboard:
    cohort_id: int
    cohort_name: str
    members: int
    finished_attempts: int
    overall: Metric
    stages: tuple[Metric, ...]
    principles: tuple[Metric, ...]
    heatmap: tuple[HeatCell, ...]
    trainees: tuple[TraineeRow, ...]
    assignments: tuple[AssignmentView, ...]
    progress: tuple[ProgressPoint, ...]


@dataclass(frozen=True)
class Position:
    """Where the trainee stands in one measure: their value among the others' (anonymous) values."""

    metric: Metric
    mine: float | None
    rank: int | None  # 1 = best (highest for positive measures, lowest for negative ones)
    of: int


@dataclass(frozen=True)
class CohortPositionView:
    cohort_id: int
    cohort_name: str
    members: int
    positions: tuple[Position, ...]
    shared: tuple[SharedAttemptRow, ...] = ()
    # Below the minimum comparison size only aggregates are given: no distribution, no rank.
    aggregates_only: bool = False
    min_comparison: int = 0


# --- aggregation ----------------------------------------------------------------------------


@dataclass
class _Aggregate:
    """The cohort's finished attempts, aggregated per trainee by the database."""

    means: dict[str, dict[int, float]]  # "overall" or a stage -> user id -> mean over their attempts
    per_user_attempts: dict[int, int]
    latest: dict[int, datetime]
    principle_counts: dict[tuple[int, str], tuple[int, int]]  # (user, principle) -> (kept, broken)
    progress: tuple[ProgressPoint, ...]
    finished: int


def _aggregate(session: Session, cohort_id: int) -> _Aggregate:
    """The store's three summaries of the cohort, rounded as the dashboards show them."""
    means: dict[str, dict[int, float]] = defaultdict(dict)
    per_user: dict[int, int] = {}
    latest: dict[int, datetime] = {}
    for totals in dashboard_repo.trainee_totals(session, cohort_id):
        per_user[totals.user_id] = totals.finished
        if totals.latest_finished is not None:
            latest[totals.user_id] = totals.latest_finished
        for key, value in (("overall", totals.overall), *totals.stages.items()):
            if value is not None:
                means[key][totals.user_id] = round(value, 1)
    progress = tuple(
        ProgressPoint(d.day, round(d.mean_overall, 1), d.attempts) for d in dashboard_repo.daily_means(session, cohort_id)
    )
    counts = {
        (t.user_id, t.principle_id): (t.kept, t.broken) for t in dashboard_repo.principle_tallies(session, cohort_id)
    }
    return _Aggregate(means=dict(means), per_user_attempts=per_user, latest=latest, principle_counts=counts,
                      progress=progress, finished=sum(per_user.values()))


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 1) if values else None


def _principles() -> tuple[dict[str, Localised], dict[str, str], list[str]]:
    """Names, polarity and order of every principle of every rubric (reply ones first)."""
    names: dict[str, Localised] = {}
    polarity: dict[str, str] = {}
    order: list[str] = []
    for rubric in get_library().rubrics.values():
        for p in rubric.principles:
            if p.id not in names:
                order.append(p.id)
            names[p.id] = {"fi": p.name.fi, "en": p.name.en}
            polarity[p.id] = p.polarity
        for sp in rubric.session_principles:
            if sp.id not in names:
                order.append(sp.id)
            names[sp.id] = {"fi": sp.name.fi, "en": sp.name.en}
            polarity[sp.id] = "positive"
    return names, polarity, order


def _per_user_metrics(agg: _Aggregate) -> dict[str, dict[int, float]]:
    """measure key -> user id -> the user's value (only users with finished attempts).

    A principle's value is what its polarity asks about: how often it was kept (positive) or
    broken (negative) per finished attempt.
    """
    out: dict[str, dict[int, float]] = {key: dict(users) for key, users in agg.means.items()}
    _, polarity, order = _principles()
    for principle in order:
        side = 0 if polarity[principle] == "positive" else 1
        out[principle] = {
            user_id: round(max(0, agg.principle_counts.get((user_id, principle), (0, 0))[side]) / n, 2)
            for user_id, n in agg.per_user_attempts.items()
        }
    return out


def _metrics(per_user: dict[str, dict[int, float]]) -> tuple[Metric, tuple[Metric, ...], tuple[Metric, ...]]:
    names, polarity, order = _principles()
    stage_names = _attempts.stage_names()

    def metric(key: str, kind: str, name: Localised, sign: str) -> Metric:
        values = sorted(per_user.get(key, {}).values())
        return Metric(key=key, kind=kind, name=name, polarity=sign, mean=_mean(values), values=tuple(values))

    overall = metric("overall", "overall", {"fi": "overall", "en": "overall"}, "positive")  # the page names it
    stages = tuple(metric(s, "stage", stage_names.get(s, {"fi": s, "en": s}), "positive") for s in STAGES)
    principles = tuple(metric(p, "principle", names[p], polarity[p]) for p in order)
    return overall, stages, principles


# --- use cases ------------------------------------------------------------------------------


def cohort_dashboard(
    db: Database, principal: Principal | None, cohort_id: int, *, now: datetime | None = None
) -> CohortDashboard:
    """The mentor's dashboard of one cohort (its mentors and admins)."""
    with db.read() as session:
        cohort = require_cohort_mentor(session, principal, cohort_id)
        people = [(m.user_id, m.display_name) for m in cohort_repo.member_names(session, cohort.id)]
        agg = _aggregate(session, cohort.id)
        assignments = completion(session, assignment_repo.assignments_for_cohort(session, cohort.id), now or utcnow())
        name = cohort.name
    per_user = _per_user_metrics(agg)
    overall, stages, principles = _metrics(per_user)
    names = dict(people)
    heat = tuple(
        HeatCell(user_id=u, trainee_name=names.get(u, "?"), principle=m.key, value=per_user[m.key][u])
        for m in principles
        for u in sorted(per_user.get(m.key, {}), key=lambda u: (names.get(u, ""), u))
    )
    latest = agg.latest
    trainees = tuple(
        TraineeRow(user_id=u, trainee_name=n, attempts=agg.per_user_attempts.get(u, 0),
                   mean_overall=per_user.get("overall", {}).get(u), latest_finished=latest.get(u))
        for u, n in people
    )
    return CohortDashboard(
        cohort_id=cohort_id, cohort_name=name, members=len(people), finished_attempts=agg.finished,
        overall=overall, stages=stages, principles=principles, heatmap=heat, trainees=trainees,
        assignments=tuple(assignments), progress=agg.progress,
    )


def _rank(metric: Metric, mine: float | None) -> int | None:
    if mine is None:
        return None
    if metric.polarity == "negative":
        return 1 + sum(1 for v in metric.values if v < mine)
    return 1 + sum(1 for v in metric.values if v > mine)


def my_cohort_view(db: Database, principal: Principal | None, cohort_id: int) -> CohortPositionView:
    """The trainee's own position in each of the cohort's distributions, anonymised.

    For members of the cohort only (a mentor has the full dashboard instead).
    """
    principal = require_signed_in(principal)
    with db.read() as session:
        cohort = require_cohort_member_view(session, principal, cohort_id)
        members = len(cohort_repo.member_ids(session, cohort.id))
        agg = _aggregate(session, cohort.id)
        shared = shared_rows(session, principal, cohort.id)
        name = cohort.name
    per_user = _per_user_metrics(agg)
    overall, stages, principles = _metrics(per_user)
    contributors = len(overall.values)
    full = may_show_positions(contributors)
    positions = []
    for metric in (overall, *stages, *principles):
        mine = per_user.get(metric.key, {}).get(principal.user_id)
        if not full:  # aggregates only: the others' values and the rank would identify people
            metric = replace(metric, values=(), mean=metric.mean if may_show_mean(len(metric.values)) else None)
            positions.append(Position(metric=metric, mine=mine, rank=None, of=0))
            continue
        positions.append(Position(metric=metric, mine=mine, rank=_rank(metric, mine), of=len(metric.values)))
    return CohortPositionView(cohort_id=cohort.id, cohort_name=name, members=members, positions=tuple(positions),
                              shared=tuple(shared), aggregates_only=not full, min_comparison=min_cohort_comparison())


# --- CSV ------------------------------------------------------------------------------------

_cell = csv_cell  # spreadsheet-safe cells: see simulator/service/_csv.py


def _rounded(value: float | None) -> int | None:
    return None if value is None else round(value)


def cohort_csv(db: Database, principal: Principal | None, cohort_id: int, *, pseudonymise: bool = False) -> str:
    """One row per finished attempt of the cohort's trainees (mentors and admins).

    ``pseudonymise`` replaces the trainee by a label (``T01``...) drawn in a fresh random
    order for every export, and leaves out usernames, account ids and attempt ids.
    """
    with db.read() as session:
        cohort = require_cohort_mentor(session, principal, cohort_id)
        people = {m.user_id: (m.username, m.display_name) for m in cohort_repo.member_names(session, cohort.id)}
        rows = dashboard_repo.finished_attempts(session, cohort.id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    score_columns = ["overall", *STAGES, "hints_used"]
    if pseudonymise:
        order = sorted(people)
        random.Random(secrets.randbits(64)).shuffle(order)
        width = max(2, len(str(len(order))))
        label = {user_id: f"T{n:0{width}d}" for n, user_id in enumerate(order, start=1)}
        writer.writerow(["trainee", "scenario_id", "finished_on", *score_columns])
    else:
        writer.writerow(["user_id", "username", "display_name", "attempt_id", "scenario_id", "finished_at",
                         *score_columns])
    rows = sorted(rows, key=lambda r: (label[r.user_id], r.finished_at or datetime.min) if pseudonymise
                  else (r.user_id, r.attempt_id))
    for r in rows:
        scores = [_rounded(r.overall), *(_rounded(r.stages[s]) for s in STAGES), r.hints_used]
        finished = r.finished_at
        if pseudonymise:
            writer.writerow([label[r.user_id], r.scenario_id, finished.date().isoformat() if finished else "", *scores])
        else:
            username, display = people.get(r.user_id, ("?", "?"))
            writer.writerow([r.user_id, _cell(username), _cell(display), r.attempt_id, r.scenario_id,
                             finished.isoformat() if finished else "", *scores])
    return out.getvalue()


__all__ = [
    "CohortDashboard",
    "CohortPositionView",
    "HeatCell",
    "Metric",
    "Person",
    "Position",
    "ProgressPoint",
    "cohort_csv",
    "cohort_dashboard",
    "my_cohort_view",
]
