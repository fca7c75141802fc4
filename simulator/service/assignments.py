"""Assignments: a mentor gives a scenario to a cohort or to chosen trainees, with an
optional due date and note; trainees see theirs first, each with a status.

Status of one assignment for one trainee, from their attempts at the scenario started
since the assignment was made (earlier practice does not count):

- ``done``: a finished attempt exists (late or not: done wins);
- ``overdue``: not done and the due date has passed;
- ``in_progress``: an unfinished attempt exists;
- ``not_started``: none of the above.

A due date given as a calendar day means the end of that day (23:59:59 UTC).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy.orm import Session

from simulator.content.library import get_library
from simulator.service._text import refuse_surrogates
from simulator.service.errors import InvalidInput, NotFound
from simulator.service.policy import (
    require_cohort_mentor,
    require_manage_assignment,
    require_signed_in,
    require_staff,
)
from simulator.service.principal import Principal
from simulator.store import Database
from simulator.store.ids import is_row_id
from simulator.store import assignments as assignment_repo
from simulator.store import cohorts as cohort_repo
from simulator.store.models import Assignment, utcnow

log = logging.getLogger(__name__)

STATUSES = ("not_started", "in_progress", "done", "overdue")
NOTE_MAX = 2000


@dataclass(frozen=True)
class MyAssignment:
    """One assignment as the trainee sees it."""

    id: int
    scenario_id: str
    title: str
    due_date: datetime | None
    note: str
    status: str
    cohort_name: str | None
    created_at: datetime


@dataclass(frozen=True)
class AssignmentView:
    """One assignment as its mentors see it, with completion among the trainees it targets."""

    id: int
    scenario_id: str
    title: str
    cohort_id: int | None
    user_id: int | None
    due_date: datetime | None
    note: str
    created_at: datetime
    targets: int = 0
    done: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0


def status_of(*, finished: bool, active: bool, due_date: datetime | None, now: datetime) -> str:
    """The rule in the module docstring, in one place."""
    if finished:
        return "done"
    if due_date is not None and now > due_date:
        return "overdue"
    return "in_progress" if active else "not_started"


def normalise_due(due: date | datetime | None) -> datetime | None:
    if due is None:
        return None
    if isinstance(due, datetime):
        return due if due.tzinfo is not None else due.replace(tzinfo=UTC)
    if isinstance(due, date):
        return datetime.combine(due, time(23, 59, 59), tzinfo=UTC)
    raise InvalidInput("the due date is not a date", field="due_date", reason="due_date_invalid")


def _title(scenario_id: str) -> str:
    scenario = get_library().scenarios.get(scenario_id)
    return scenario.title if scenario is not None else scenario_id


def _check_scenario(scenario_id: Any) -> str:
    if not isinstance(scenario_id, str) or scenario_id not in get_library().scenarios:
        raise NotFound("no such scenario", reason="scenario_not_found", scenario_id=str(scenario_id))
    return scenario_id


def progress_rows(session: Session, assignments: Sequence[Assignment], user_ids: Iterable[int]) -> dict[tuple[int, int], tuple[bool, bool]]:
    """(assignment id, user id) -> (has finished attempt, has active attempt) since it was made."""
    return assignment_repo.attempt_flags(session, [a.id for a in assignments], list(user_ids))


def _targets(session: Session, assignment: Assignment, members_by_cohort: dict[int, list[int]]) -> list[int]:
    if assignment.user_id is not None:
        return [assignment.user_id]
    assert assignment.cohort_id is not None
    if assignment.cohort_id not in members_by_cohort:
        members_by_cohort[assignment.cohort_id] = cohort_repo.member_ids(session, assignment.cohort_id)
    return members_by_cohort[assignment.cohort_id]


def completion(session: Session, assignments: Sequence[Assignment], now: datetime) -> list[AssignmentView]:
    """Views with per-status counts for each assignment."""
    members_by_cohort: dict[int, list[int]] = {}
    targets = {a.id: _targets(session, a, members_by_cohort) for a in assignments}
    everyone = {u for users in targets.values() for u in users}
    rows = progress_rows(session, assignments, everyone)
    views = []
    for a in assignments:
        counts = dict.fromkeys(STATUSES, 0)
        for user_id in targets[a.id]:
            finished, active = rows.get((a.id, user_id), (False, False))
            counts[status_of(finished=finished, active=active, due_date=a.due_date, now=now)] += 1
        views.append(
            AssignmentView(
                id=a.id, scenario_id=a.scenario_id, title=_title(a.scenario_id), cohort_id=a.cohort_id,
                user_id=a.user_id, due_date=a.due_date, note=a.note, created_at=a.created_at,
                targets=len(targets[a.id]), **counts,
            )
        )
    return views


# --- use cases ------------------------------------------------------------------------------


def assign(
    db: Database,
    principal: Principal | None,
    scenario_id: str,
    *,
    cohort_id: int,
    user_ids: Sequence[int] | None = None,
    due_date: date | datetime | None = None,
    note: str = "",
    now: datetime | None = None,
) -> list[AssignmentView]:
    """Assign a scenario to the whole cohort (``user_ids`` None) or to chosen members of it.

    Chosen trainees get one assignment each, so each has their own status.
    """
    principal = require_staff(principal)
    scenario_id = _check_scenario(scenario_id)
    due = normalise_due(due_date)
    if not isinstance(note, str) or len(note) > NOTE_MAX:
        raise InvalidInput("the note is too long", field="note", reason="note_too_long", max=NOTE_MAX)
    note = refuse_surrogates(note.replace("\x00", ""), "note")  # PostgreSQL cannot store NUL
    now = now or utcnow()
    with db.transaction() as session:
        cohort = require_cohort_mentor(session, principal, cohort_id)
        if user_ids is None:
            rows = [assignment_repo.add_assignment(session, scenario_id=scenario_id, created_by=principal.user_id,
                                                   cohort_id=cohort.id, due_date=due, note=note.strip(), now=now)]
        else:
            members = set(cohort_repo.member_ids(session, cohort.id))
            chosen = list(dict.fromkeys(user_ids))
            if not chosen:
                raise InvalidInput("choose at least one trainee", field="user_ids", reason="no_trainees")
            if any(u not in members for u in chosen):
                raise InvalidInput("only members of the cohort can be chosen", field="user_ids", reason="not_a_member")
            rows = [assignment_repo.add_assignment(session, scenario_id=scenario_id, created_by=principal.user_id,
                                                   user_id=u, due_date=due, note=note.strip(), now=now)
                    for u in chosen]
        views = completion(session, rows, now)
    log.info("user %d assigned %s (%d assignments)", principal.user_id, scenario_id, len(views))
    return views


def cohort_assignments(
    db: Database, principal: Principal | None, cohort_id: int, *, now: datetime | None = None
) -> list[AssignmentView]:
    """The cohort's assignments with completion counts (mentors and admins)."""
    with db.read() as session:
        cohort = require_cohort_mentor(session, principal, cohort_id)
        return completion(session, assignment_repo.assignments_for_cohort(session, cohort.id), now or utcnow())


def delete_assignment(db: Database, principal: Principal | None, assignment_id: int) -> None:
    """Withdraw an assignment (a mentor of its cohort, or of the trainee's cohort, or an admin)."""
    principal = require_staff(principal)
    with db.transaction() as session:
        assignment = session.get(Assignment, assignment_id) if is_row_id(assignment_id) else None
        if assignment is None:
            raise NotFound("no such assignment", reason="assignment_not_found")
        require_manage_assignment(session, principal, assignment.cohort_id, assignment.user_id)
        session.delete(assignment)


def my_assignments(db: Database, principal: Principal | None, *, now: datetime | None = None) -> list[MyAssignment]:
    """The principal's own assignments (direct or through a cohort), soonest due first,
    undated ones after; done ones last."""
    principal = require_signed_in(principal)
    now = now or utcnow()
    with db.read() as session:
        rows = assignment_repo.assignments_for_user(session, principal.user_id)
        progress = progress_rows(session, rows, [principal.user_id])
        cohort_ids = {a.cohort_id for a in rows if a.cohort_id is not None}
        names = cohort_repo.names_of(session, cohort_ids)
    out = []
    for a in rows:
        finished, active = progress.get((a.id, principal.user_id), (False, False))
        out.append(
            MyAssignment(
                id=a.id, scenario_id=a.scenario_id, title=_title(a.scenario_id), due_date=a.due_date, note=a.note,
                status=status_of(finished=finished, active=active, due_date=a.due_date, now=now),
                cohort_name=names.get(a.cohort_id) if a.cohort_id is not None else None, created_at=a.created_at,
            )
        )
    far = datetime.max.replace(tzinfo=UTC)
    out.sort(key=lambda m: (m.status == "done", m.due_date or far, m.id))
    return out


def status_by_scenario(assignments: Iterable[MyAssignment]) -> dict[str, str]:
    """The most urgent status per scenario (for the picker's cards)."""
    order = {"overdue": 0, "in_progress": 1, "not_started": 2, "done": 3}
    out: dict[str, str] = {}
    for a in assignments:
        if a.scenario_id not in out or order[a.status] < order[out[a.scenario_id]]:
            out[a.scenario_id] = a.status
    return out


__all__ = [
    "STATUSES",
    "AssignmentView",
    "MyAssignment",
    "assign",
    "cohort_assignments",
    "delete_assignment",
    "my_assignments",
    "status_by_scenario",
    "status_of",
]
