"""Sharing with the cohort: a trainee shares one finished attempt; the cohort's members and
mentors read it without the owner's name.

Who may share is the owner only (``policy.require_act``); who may read, ``policy.require_read``
(a shared attempt: the other members of a cohort the owner belongs to). A staff read is
recorded in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from simulator.service import _attempts, audit
from simulator.service.errors import Conflict
from simulator.service.policy import require_act, require_cohort_reader, require_read, require_signed_in
from simulator.service.principal import Principal
from simulator.service.views import Localised, TurnView
from simulator.store import Database
from simulator.store import attempts as attempt_repo

__all__ = ["SharedAttemptRow", "SharedAttemptView", "read_shared_attempt", "share_attempt", "shared_attempts"]


@dataclass(frozen=True)
class SharedAttemptRow:
    """A shared attempt in the cohort list: no name, no account id."""

    attempt_id: int
    scenario_id: str
    title: str
    overall: int | None
    finished_at: datetime | None
    mine: bool = False


@dataclass(frozen=True)
class SharedAttemptView:
    """A shared attempt as cohort members read it: the transcript and scores, without who."""

    attempt_id: int
    scenario_title: str
    language: str
    overall: int | None
    stages: dict[str, int | None]
    turns: tuple[TurnView, ...]
    stage_names: dict[str, Localised] = field(default_factory=dict)
    mine: bool = False


def shared_rows(session: Session, principal: Principal, cohort_id: int) -> list[SharedAttemptRow]:
    """The cohort's shared attempts as the principal sees them: without who, except "mine"."""
    return [
        SharedAttemptRow(attempt_id=r.attempt_id, scenario_id=r.scenario_id, title=_attempts.title_of(r.scenario_id),
                         overall=None if r.overall is None else int(round(r.overall)), finished_at=r.finished_at,
                         mine=r.user_id == principal.user_id)
        for r in attempt_repo.shared_in_cohort(session, cohort_id)
    ]


def shared_attempts(db: Database, principal: Principal | None, cohort_id: int) -> list[SharedAttemptRow]:
    """The cohort's shared attempts (members and mentors), without names."""
    principal = require_signed_in(principal)
    with db.read() as session:
        cohort = require_cohort_reader(session, principal, cohort_id)
        return shared_rows(session, principal, cohort.id)


def share_attempt(db: Database, principal: Principal | None, attempt_id: int, shared: bool = True) -> None:
    """The owner shares one finished attempt with their cohorts (sharing another unshares the
    previous one: one shared attempt per trainee) or withdraws it."""
    principal = require_signed_in(principal)
    with db.transaction() as session:
        attempt = _attempts.load_attempt(session, attempt_id, for_update=True)
        require_act(principal, attempt)
        if shared and attempt.status != "finished":
            raise Conflict("only a finished attempt can be shared", reason="not_finished", attempt_id=attempt.id)
        if shared:
            attempt_repo.unshare_others(session, principal.user_id, keep=attempt.id)
        attempt.shared_with_cohort = bool(shared)


def read_shared_attempt(db: Database, principal: Principal | None, attempt_id: int) -> SharedAttemptView:
    """A shared attempt for a cohort member (or anyone who may read it), without who wrote it."""
    principal = require_signed_in(principal)
    with db.read() as session:
        attempt = _attempts.load_attempt(session, attempt_id)
        require_read(principal, attempt, session=session)
        if attempt.status != "finished":
            raise Conflict("the attempt has not ended", reason="not_finished", attempt_id=attempt.id)
        scenario, rubric = _attempts.scenario_of(attempt.scenario_id)
        state = _attempts.state_of(attempt)
        report = _attempts.stored_report(attempt, scenario, rubric)
        mine = attempt.user_id == principal.user_id
        owner = attempt.user_id
    audit.record_read(db, principal, owner, attempt_id, "shared attempt")
    return SharedAttemptView(
        attempt_id=attempt.id,
        scenario_title=scenario.title,
        language=scenario.language,
        overall=report.overall,
        stages=dict(report.stages),
        turns=tuple(_attempts.turn_view(t, rubric, with_thought=True) for t in state.turns),
        stage_names=_attempts.stage_names(),
        mine=mine,
    )
