"""The scenario catalogue: the picker's cards, assigned scenarios first.

Open to every signed-in user; with a database the cards also carry the caller's own
active attempt (to resume), finished attempts and best score.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from simulator.service._attempts import library
from simulator.service.policy import require_signed_in
from simulator.service.principal import Principal
from simulator.service.views import ScenarioCard
from simulator.store import Database
from simulator.store import assignments as assignment_repo
from simulator.store import attempts as attempt_repo

log = logging.getLogger(__name__)

DIFFICULTY_ORDER = {"easy": 0, "medium": 1, "hard": 2}

__all__ = ["list_scenarios"]


def list_scenarios(
    principal: Principal | None, language: str | None = None, *, db: Database | None = None
) -> list[ScenarioCard]:
    """Scenario cards: assigned ones first, then by language, difficulty and title.

    With ``db`` the cards also carry the principal's own active attempt (to resume) and
    best score; without it they are content only.
    """
    principal = require_signed_in(principal)
    content = library()
    assigned: dict[str, Any] = {}
    active: dict[str, int] = {}
    finished: dict[str, list[int | None]] = {}
    if db is not None:
        with db.read() as session:
            for assignment in _assignments(session, principal.user_id):
                previous = assigned.get(assignment.scenario_id)
                if previous is None or (assignment.due_date and (previous is True or assignment.due_date < previous)):
                    assigned[assignment.scenario_id] = assignment.due_date or True
            for attempt in attempt_repo.list_attempts(session, principal.user_id):
                if attempt.status == "active":
                    active.setdefault(attempt.scenario_id, attempt.id)  # newest first
                else:
                    finished.setdefault(attempt.scenario_id, []).append(
                        None if attempt.overall_score is None else int(round(attempt.overall_score))
                    )
    cards = []
    for scenario in content.scenarios.values():
        if language is not None and scenario.language != language:
            continue
        due = assigned.get(scenario.id)
        scores = [s for s in finished.get(scenario.id, []) if s is not None]
        cards.append(
            ScenarioCard(
                id=scenario.id,
                title=scenario.title,
                summary=scenario.summary,
                client_name=scenario.persona.name,
                client_age=scenario.persona.age,
                client_background=scenario.persona.background,
                difficulty=scenario.difficulty,
                language=scenario.language,
                learning_goals=tuple(scenario.learning_goals),
                tags=tuple(scenario.tags),
                assigned=due is not None,
                due_date=due if due not in (None, True) else None,
                active_attempt_id=active.get(scenario.id),
                finished_attempts=len(finished.get(scenario.id, [])),
                best_overall=max(scores) if scores else None,
            )
        )
    preferred = principal.locale if isinstance(principal, Principal) else None
    cards.sort(
        key=lambda c: (
            not c.assigned,
            c.language != preferred,
            DIFFICULTY_ORDER.get(c.difficulty, 9),
            c.title.casefold(),
        )
    )
    return cards


def _assignments(session: Session, user_id: int) -> Iterable[Any]:
    """The user's assignments, direct or through a cohort (empty until mentors assign)."""
    try:
        return assignment_repo.assignments_for_user(session, user_id)
    except Exception:  # pragma: no cover - the assignment tables are someone else's work in progress
        log.exception("could not read assignments")
        return []
