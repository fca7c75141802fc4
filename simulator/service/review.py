"""Mentor review: open a trainee's attempt, comment on a turn, and correct the engine.

A correction is a mentor's verdict on one reply: ``dismiss`` an engine finding ("not what
happened") or ``add`` a missed one (a principle of that reply's stage the reply did show
or break). Corrections are stored with their author and time; the attempt's report and
overall score are recomputed with them at once (``build_report`` with the corrected
findings) and stored, so the debrief, progress and dashboards all show corrected scores.
The engine's own findings stay in the turn rows and the state, so the engine's verdict
can always be shown beside the mentor's and recomputed.

Who may do what (``docs/authorization.md``): reviewing is for admins and the mentors of a
cohort the trainee belongs to; the trainee (and anyone who may read the attempt) sees the
comments and corrections in the debrief through :func:`mentor_feedback`.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from simulator.content.rubric import Rubric
from simulator.engine.state import SessionState
from simulator.rubric.report import SessionReport
from simulator.service import _attempts
from simulator.service.errors import InvalidInput
from simulator.service.principal import Principal
from simulator.service import audit
from simulator.service.corrections import corrected_findings, corrections_with_index, engine_report, load_turn
from simulator.service._text import refuse_surrogates
from simulator.service.policy import (
    require_cohort_mentor,
    require_read,
    require_review,
    require_signed_in,
    require_staff,
)
from simulator.service.views import AttemptView, FindingView, Localised, TurnView
from simulator.store import Database
from simulator.store import review as review_repo
from simulator.store import users as user_repo
from simulator.store.models import Correction, User

log = logging.getLogger(__name__)

COMMENT_MAX = 4000


# --- views ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommentView:
    id: int
    turn_index: int
    text: str
    author_name: str
    created_at: datetime


@dataclass(frozen=True)
class CorrectionView:
    id: int
    turn_index: int
    action: str  # "dismiss" | "add"
    principle: str
    principle_name: Localised
    polarity: str
    finding_key: str | None
    note: str
    author_name: str
    created_at: datetime
    reason: str = ""  # a DISMISS_REASONS code for a dismissal
    withdrawn_at: datetime | None = None  # kept as history once withdrawn; it no longer counts
    withdrawn_by_name: str | None = None

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


@dataclass(frozen=True)
class ReviewFinding:
    """A finding as the mentor sees it: engine or mentor-added, and whether it was dismissed."""

    key: str
    finding: FindingView
    dismissed: bool = False
    correction_id: int | None = None  # the dismissal (or, for a mentor's addition, the addition) to withdraw


@dataclass(frozen=True)
class ReviewTurn:
    turn: TurnView  # with the client's inner thought
    findings: tuple[ReviewFinding, ...]
    comments: tuple[CommentView, ...] = ()
    corrections: tuple[CorrectionView, ...] = ()
    addable: tuple[str, ...] = ()  # principles of this turn's stage not found in it


@dataclass(frozen=True)
class ReviewView:
    attempt: AttemptView
    trainee_name: str
    turns: tuple[ReviewTurn, ...]
    principle_names: dict[str, Localised]
    report: SessionReport | None  # corrected; None while the attempt is active
    engine_overall: int | None  # the engine's own overall score, before corrections


@dataclass(frozen=True)
class ReviewRow:
    """One attempt in the mentor's list."""

    attempt_id: int
    user_id: int
    trainee_name: str
    scenario_id: str
    title: str
    status: str
    overall: int | None
    started_at: datetime
    finished_at: datetime | None
    corrections: int = 0
    comments: int = 0


@dataclass(frozen=True)
class MentorFeedback:
    """What the trainee sees of the review in the debrief, per turn index."""

    comments: dict[int, tuple[CommentView, ...]] = field(default_factory=dict)
    corrections: dict[int, tuple[CorrectionView, ...]] = field(default_factory=dict)
    engine_overall: int | None = None
    corrected_overall: int | None = None

    @property
    def empty(self) -> bool:
        return not self.comments and not self.corrections


# --- loading --------------------------------------------------------------------------------


def _comment_views(session: Session, attempt_id: int) -> list[CommentView]:
    rows = review_repo.comments_with_turn_index(session, attempt_id)
    names = user_repo.display_names(session, {c.author_id for c, _ in rows})
    return [CommentView(c.id, index, c.text, names.get(c.author_id, "?"), c.created_at) for c, index in rows]


def _correction_views(session: Session, rubric: Rubric, corrections: Sequence[Correction]) -> list[CorrectionView]:
    names = user_repo.display_names(session, {c.author_id for c in corrections} | {c.withdrawn_by for c in corrections if c.withdrawn_by})
    out = []
    for c in corrections:
        principle = rubric.principle(c.principle_id)
        out.append(
            CorrectionView(
                id=c.id,
                turn_index=c.turn_index,
                action=c.action,
                principle=c.principle_id,
                principle_name=({"fi": principle.name.fi, "en": principle.name.en} if principle
                                else {"fi": c.principle_id, "en": c.principle_id}),
                polarity=getattr(principle, "polarity", "positive"),
                finding_key=c.finding_key,
                note=c.note,
                author_name=names.get(c.author_id, "?"),
                created_at=c.created_at,
                reason=c.reason or "",
                withdrawn_at=c.withdrawn_at,
                withdrawn_by_name=names.get(c.withdrawn_by, "?") if c.withdrawn_by else None,
            )
        )
    return out


def _group(items: Sequence[Any]) -> dict[int, tuple[Any, ...]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for item in items:
        grouped[item.turn_index].append(item)
    return {k: tuple(v) for k, v in grouped.items()}


# --- use cases ------------------------------------------------------------------------------


def review_queue(
    db: Database, principal: Principal | None, cohort_id: int, *, status: str | None = None
) -> list[ReviewRow]:
    """Attempts of the cohort's trainees, newest first (mentors of the cohort and admins)."""
    with db.read() as session:
        cohort = require_cohort_mentor(session, principal, cohort_id)
        rows = review_repo.review_queue(session, cohort.id, status=status)
    return [
        ReviewRow(attempt_id=r.attempt_id, user_id=r.user_id, trainee_name=r.trainee_name, scenario_id=r.scenario_id,
                  title=_attempts.title_of(r.scenario_id), status=r.status,
                  overall=None if r.overall is None else int(round(r.overall)), started_at=r.started_at,
                  finished_at=r.finished_at, corrections=r.corrections, comments=r.comments)
        for r in rows
    ]


def open_attempt(db: Database, principal: Principal | None, attempt_id: int) -> ReviewView:
    """Transcript, findings (engine and mentors'), scores and inner thoughts, for a reviewer."""
    principal = require_staff(principal)
    with db.read() as session:
        attempt = _attempts.load_attempt(session, attempt_id)
        require_review(principal, attempt, session=session)
        scenario, rubric = _attempts.scenario_of(attempt.scenario_id)
        state = SessionState.model_validate(attempt.state)
        view = _attempts.attempt_view(attempt, scenario, rubric, state)
        history = corrections_with_index(session, attempt.id, history=True)
        corrections = [c for c in history if c.withdrawn_at is None]
        correction_views = _correction_views(session, rubric, history)
        comments = _comment_views(session, attempt.id)
        trainee = session.get(User, attempt.user_id)
        trainee_name = trainee.display_name if trainee else "?"
        report = _attempts.stored_report(attempt, scenario, rubric) if attempt.status == "finished" else None
        engine_overall = engine_report(attempt).overall if report is not None else None
        owner = attempt.user_id
    audit.record_read(db, principal, owner, attempt_id, "review")
    findings = corrected_findings(rubric, state, corrections)
    by_comments, by_corrections = _group(comments), _group(correction_views)
    turns = []
    for record, effective in zip(state.turns, findings, strict=True):
        active = [c for c in by_corrections.get(record.index, ()) if c.active]
        dismissals = {c.finding_key: c.id for c in active if c.action == "dismiss"}
        additions = {c.principle: c.id for c in active if c.action == "add"}
        shown = [ReviewFinding(f.key, _attempts.finding_view(f, rubric), False,
                               additions.get(f.principle) if f.source == "mentor" else None) for f in effective]
        shown += [ReviewFinding(f.key, _attempts.finding_view(f, rubric), True, dismissals[f.key])
                  for f in record.findings if f.key in dismissals]
        present = {f.principle for f in effective}
        addable = tuple(p.id for p in rubric.principles if record.stage in p.stages and p.id not in present)
        turns.append(
            ReviewTurn(
                turn=_attempts.turn_view(record, rubric, with_thought=True),
                findings=tuple(shown),
                comments=by_comments.get(record.index, ()),
                corrections=by_corrections.get(record.index, ()),
                addable=addable,
            )
        )
    return ReviewView(
        attempt=view,
        trainee_name=trainee_name,
        turns=tuple(turns),
        principle_names=_attempts.principle_names(rubric),
        report=report,
        engine_overall=engine_overall,
    )


def add_comment(db: Database, principal: Principal | None, attempt_id: int, turn_index: int, text: str) -> CommentView:
    """A mentor's comment on one reply; the trainee sees it in the debrief."""
    principal = require_staff(principal)
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput("the comment is empty", field="text", reason="comment_empty")
    text = refuse_surrogates(text.replace("\x00", "").strip(), "text")
    if len(text) > COMMENT_MAX:
        raise InvalidInput("the comment is too long", field="text", reason="comment_too_long", max=COMMENT_MAX)
    with db.transaction() as session:
        attempt = _attempts.load_attempt(session, attempt_id)
        require_review(principal, attempt, session=session)
        turn = load_turn(session, attempt, turn_index)
        comment = review_repo.add_comment(session, turn_id=turn.id, author_id=principal.user_id, text=text)
        return CommentView(comment.id, turn.index, comment.text, principal.display_name, comment.created_at)


def mentor_feedback(db: Database, principal: Principal | None, attempt_id: int) -> MentorFeedback:
    """Comments and corrections for the debrief: whoever may read the attempt sees them."""
    principal = require_signed_in(principal)
    with db.read() as session:
        attempt = _attempts.load_attempt(session, attempt_id)
        require_read(principal, attempt, session=session)
        _, rubric = _attempts.scenario_of(attempt.scenario_id)
        corrections = corrections_with_index(session, attempt.id)
        comments = _comment_views(session, attempt.id)
        views = _correction_views(session, rubric, corrections)
        engine = engine_report(attempt).overall if corrections and attempt.status == "finished" else None
        corrected = None if attempt.overall_score is None else int(round(attempt.overall_score))
    return MentorFeedback(comments=_group(comments), corrections=_group(views),
                          engine_overall=engine, corrected_overall=corrected if engine is not None else None)


__all__ = [
    "CommentView",
    "CorrectionView",
    "MentorFeedback",
    "ReviewRow",
    "ReviewTurn",
    "ReviewView",
    "add_comment",
    "mentor_feedback",
    "open_attempt",
    "review_queue",
]
