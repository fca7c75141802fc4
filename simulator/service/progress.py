"""A trainee's progress: scores over time, per-stage and per-principle trends, best and latest
per scenario. Read-only; the same access rule as a single attempt applies to every attempt
shown (a trainee sees their own; admins, and mentors once added, anyone they may read).
"""

from __future__ import annotations

from collections import Counter

from simulator.content.common import STAGES
from simulator.content.library import get_library
from simulator.service import audit
from simulator.service.policy import require_read, require_read_progress, require_signed_in
from simulator.service.principal import Principal
from simulator.service._attempts import compare, principle_names, summarise
from simulator.service.views import AttemptSummary, PrincipleTrendPoint, ProgressView, ScenarioProgress
from simulator.store import Database
from simulator.store.ids import is_row_id
from simulator.service.errors import NotFound
from simulator.store import attempts as attempt_repo
from simulator.store.models import Attempt


def progress(db: Database, principal: Principal | None, user_id: int | None = None) -> ProgressView:
    """Progress of ``user_id`` (default: the principal's own); anonymous callers: ``signed_out``."""
    principal = require_signed_in(principal)
    user_id = principal.user_id if user_id is None else user_id
    if not is_row_id(user_id):
        raise NotFound("no such user", reason="user_not_found")
    library = get_library()
    with db.read() as session:
        require_read_progress(session, principal, user_id)
        attempts = attempt_repo.list_attempts(session, user_id)
        for attempt in attempts:
            require_read(principal, attempt, session=session)
        finished = sorted((a for a in attempts if a.status == "finished" and a.finished_at is not None),
                          key=lambda a: (a.finished_at, a.id))
        summaries = [summarise(a) for a in finished]
        active = tuple(summarise(a) for a in attempts if a.status == "active")
        points = [p for a in finished for p in _principle_points(a)]
    if attempts:
        audit.record_read(db, principal, user_id, None, "progress (all attempts)")

    names: dict[str, dict[str, str]] = {}
    stage_names: dict[str, dict[str, str]] = {}
    for rubric in library.rubrics.values():
        names.update(principle_names(rubric))
        for stage in STAGES:
            guide = rubric.stages.get(stage)
            if guide is not None:
                stage_names.setdefault(stage, {"fi": guide.name.fi, "en": guide.name.en})

    per_scenario = []
    for scenario_id in sorted({s.scenario_id for s in summaries}):
        mine = [s for s in summaries if s.scenario_id == scenario_id]
        comparison = compare(mine)
        scenario = library.scenarios.get(scenario_id)
        per_scenario.append(
            ScenarioProgress(
                scenario_id=scenario_id,
                title=scenario.title if scenario else scenario_id,
                attempts=len(mine),
                best=comparison.best,
                latest=comparison.latest,
            )
        )
    return ProgressView(
        attempts=tuple(summaries),
        principle_points=tuple(points),
        principle_names=names,
        per_scenario=tuple(per_scenario),
        active=active,
        stage_names=stage_names,
    )


def _principle_points(attempt: Attempt) -> list[PrincipleTrendPoint]:
    """Per principle, how often the attempt kept it and broke it (reply and session findings)."""
    positive: Counter[str] = Counter()
    negative: Counter[str] = Counter()
    state = attempt.state or {}
    findings = [f for turn in state.get("turns") or [] for f in turn.get("findings") or []]
    findings += list((attempt.report or {}).get("session_findings") or [])
    for finding in findings:
        target = positive if finding.get("polarity") == "positive" else negative
        target[finding.get("principle", "?")] += 1
    assert attempt.finished_at is not None
    return [
        PrincipleTrendPoint(
            attempt_id=attempt.id,
            finished_at=attempt.finished_at,
            principle=principle,
            positive=positive[principle],
            negative=negative[principle],
        )
        for principle in sorted(set(positive) | set(negative))
    ]


__all__ = ["AttemptSummary", "progress"]
