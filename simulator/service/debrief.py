"""The debrief of a finished attempt: report, transcript with findings and inner thoughts,
and the owner's first / best / latest attempt of the scenario for comparison.

Who may read it is the policy's ``require_read``; a staff read is recorded in the audit log.
"""

from __future__ import annotations

from simulator.service import audit
from simulator.service._attempts import (
    attempt_view,
    compare,
    load_attempt,
    principle_names,
    scenario_of,
    state_of,
    stored_report,
    summarise,
)
from simulator.service.errors import NotFinished
from simulator.service.policy import can_read_attempt, may_know_owner, require_read, require_signed_in
from simulator.service.principal import Principal
from simulator.service.views import Comparison, DebriefView
from simulator.store import Database
from simulator.store import attempts as attempt_repo

__all__ = ["debrief"]


def debrief(db: Database, principal: Principal | None, attempt_id: int) -> DebriefView:
    """The report, the transcript with findings and inner thoughts, and the owner's first /
    best / latest attempt of the same scenario for comparison.

    A cohort member reading a shared attempt gets neither the owner's account id nor the
    comparison (the owner's other scores); the owner, their mentors and admins get both."""
    principal = require_signed_in(principal)
    with db.read() as session:
        attempt = load_attempt(session, attempt_id)
        require_read(principal, attempt, session=session)
        if attempt.status != "finished":
            raise NotFinished(attempt.id)
        scenario, rubric = scenario_of(attempt.scenario_id)
        state = state_of(attempt)
        known = may_know_owner(principal, attempt, session=session)
        view = attempt_view(attempt, scenario, rubric, state, owner_known=known)
        report = stored_report(attempt, scenario, rubric)
        if known:
            others = attempt_repo.list_attempts(session, attempt.user_id, scenario_id=attempt.scenario_id,
                                                status="finished")
            others = [a for a in others if a.id == attempt.id or can_read_attempt(principal, a, session=session)]
            comparison = compare(summarise(a) for a in others)
        else:
            # A cohort member reading a shared attempt: the owner's other scores are theirs alone.
            comparison = Comparison(first=None, best=None, latest=None, count=0)
        owner = attempt.user_id
    audit.record_read(db, principal, owner, view.id, "debrief")
    return DebriefView(attempt=view, report=report, principle_names=principle_names(rubric), comparison=comparison)
