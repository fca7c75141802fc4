"""Questions the scripted client could not place, read back from the stored attempts.

Why no table of their own: every turn's routing (``question`` on the turn, set only when
a question matched no topic) is already in the attempt's state JSON, which SQLite and
PostgreSQL both store. Reading it back needs no migration, cannot drift from the turns,
and goes away with the attempt when it is purged, so authors never see questions of
deleted attempts. It is an authoring tool over at most a few thousand attempts; a scan
is fine there.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from simulator.store.models import Attempt


@dataclass(frozen=True)
class UnmatchedQuestion:
    scenario_id: str
    question: str
    count: int


def unmatched_questions(session: Session, scenario_id: str | None = None) -> list[UnmatchedQuestion]:
    """Each unmatched question per scenario with how often it was asked, most asked first."""
    query = select(Attempt.scenario_id, Attempt.state)
    if scenario_id is not None:
        query = query.where(Attempt.scenario_id == scenario_id)
    counts: Counter[tuple[str, str]] = Counter()
    for scenario, state in session.execute(query):
        turns = state.get("turns") if isinstance(state, dict) else None
        for turn in turns if isinstance(turns, list) else []:
            question = turn.get("question") if isinstance(turn, dict) else None
            if isinstance(question, str) and question.strip():
                counts[(scenario, " ".join(question.split()))] += 1
    return [
        UnmatchedQuestion(scenario, question, count)
        for (scenario, question), count in sorted(counts.items(), key=lambda item: (item[0][0], -item[1], item[0][1]))
    ]
