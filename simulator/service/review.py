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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from simulator.content.library import get_library
from simulator.content.rubric import Rubric, SignalPrinciple
from simulator.engine.state import Finding, SessionState
from simulator.rubric.report import SessionReport, build_report
from simulator.rubric.scoring import make_finding
from simulator.service import practice
from simulator.service.principal import SYSTEM, Actor, Principal
from simulator.service import audit
from simulator.service.policy import (
    corrections_scope,
    require_cohort_mentor,
    require_read,
    require_review,
    require_signed_in,
    require_staff,
)
from simulator.service.errors import Conflict, InvalidInput, NotFound
from simulator.service.views import AttemptView, FindingView, Localised, TurnView
from simulator.store import Database
from simulator.store import attempts as attempt_repo
from simulator.store import cohorts as cohort_repo
from simulator.store import review as review_repo
from simulator.store.models import Attempt, Correction, Turn, TurnComment, User

log = logging.getLogger(__name__)

COMMENT_MAX = 4000
NOTE_MAX = 1000
# Why a mentor dismisses a finding: the reply does not show it; it does, but the engine read
# the situation wrong; the words it points at are not the ones that matter; something else
# (then the note says what).
DISMISS_REASONS = ("not_in_reply", "misread", "wrong_words", "other")


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


# --- corrections applied --------------------------------------------------------------------


def finding_key(finding: Finding | FindingView) -> str:
    """``principle@start-of-first-span`` (``@-1`` without spans): stable within a turn."""
    first = finding.spans[0].start if finding.spans else -1
    return f"{finding.principle}@{first}"


def corrected_findings(
    rubric: Rubric, state: SessionState, corrections: Sequence[Correction]
) -> list[list[Finding]]:
    """The engine's findings per turn with dismissals removed and additions appended."""
    by_index: dict[int, list[Correction]] = defaultdict(list)
    for c in corrections:
        by_index[c.turn_index].append(c)  # type: ignore[attr-defined]
    reply_principles = {p.id: p for p in rubric.principles}
    out: list[list[Finding]] = []
    for turn in state.turns:
        mine = by_index.get(turn.index, [])
        dismissed = {c.finding_key for c in mine if c.action == "dismiss"}
        findings = [f for f in turn.findings if f.key not in dismissed]
        for c in mine:
            principle = reply_principles.get(c.principle_id)
            if c.action == "add" and principle is not None:
                findings.append(make_finding(principle, turn.stage, [], turn.reply, source="mentor"))
        out.append(findings)
    return out


def _corrections_with_index(session: Session, attempt_id: int, *, history: bool = False) -> list[Correction]:
    """The attempt's corrections in force (``history``: withdrawn ones too, for showing)."""
    out = []
    for correction, index in review_repo.corrections_with_turn_index(session, attempt_id):
        if correction.withdrawn_at is not None and not history:
            continue
        correction.turn_index = index  # type: ignore[attr-defined]
        out.append(correction)
    return out


def recompute(session: Session, attempt: Attempt) -> SessionReport:
    """Recompute and store the finished attempt's report (and its dashboard summary) with its
    corrections applied."""
    scenario, rubric = practice._scenario(attempt.scenario_id)
    state = SessionState.model_validate(attempt.state)
    corrections = _corrections_with_index(session, attempt.id)
    findings = corrected_findings(rubric, state, corrections)
    report = build_report(rubric, scenario, state, findings_per_turn=findings)
    attempt.report = report.model_dump(mode="json")
    attempt.overall_score = float(report.overall)
    session.flush()
    # The dashboards read the summary, so it changes in the same transaction as the report.
    attempt_repo.write_summary(session, attempt,
                               findings_per_turn=[[f.model_dump(mode="json") for f in turn] for turn in findings])
    return report


def engine_report(attempt: Attempt) -> SessionReport:
    scenario, rubric = practice._scenario(attempt.scenario_id)
    return build_report(rubric, scenario, SessionState.model_validate(attempt.state))


# --- loading --------------------------------------------------------------------------------


def _attempt(session: Session, attempt_id: Any, *, for_update: bool = False) -> Attempt:
    return practice._load(session, attempt_id, for_update=for_update)


def _turn(session: Session, attempt: Attempt, index: Any) -> Turn:
    if not isinstance(index, int) or isinstance(index, bool):
        raise NotFound("no such turn", reason="turn_not_found")
    turn = session.scalar(select(Turn).where(Turn.attempt_id == attempt.id, Turn.index == index))
    if turn is None:
        raise NotFound("no such turn", reason="turn_not_found", turn_index=index)
    return turn


def _names(session: Session, user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return dict(session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids))).all())


def _comment_views(session: Session, attempt_id: int) -> list[CommentView]:
    rows = review_repo.comments_with_turn_index(session, attempt_id)
    names = _names(session, {c.author_id for c, _ in rows})
    return [CommentView(c.id, index, c.text, names.get(c.author_id, "?"), c.created_at) for c, index in rows]


def _correction_views(session: Session, rubric: Rubric, corrections: Sequence[Correction]) -> list[CorrectionView]:
    names = _names(session, {c.author_id for c in corrections} | {c.withdrawn_by for c in corrections if c.withdrawn_by})
    out = []
    for c in corrections:
        principle = rubric.principle(c.principle_id)
        out.append(
            CorrectionView(
                id=c.id,
                turn_index=c.turn_index,  # type: ignore[attr-defined]
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
        members = cohort_repo.member_ids_query(cohort.id)
        corrections = (
            select(Turn.attempt_id, func.count(Correction.id).label("n"))
            .join(Correction, Correction.turn_id == Turn.id).where(Correction.withdrawn_at.is_(None))
            .group_by(Turn.attempt_id).subquery()
        )
        comments = (
            select(Turn.attempt_id, func.count(TurnComment.id).label("n"))
            .join(TurnComment, TurnComment.turn_id == Turn.id).group_by(Turn.attempt_id).subquery()
        )
        query = (
            select(Attempt.id, Attempt.user_id, User.display_name, Attempt.scenario_id, Attempt.status,
                   Attempt.overall_score, Attempt.started_at, Attempt.finished_at,
                   func.coalesce(corrections.c.n, 0), func.coalesce(comments.c.n, 0))
            .join(User, User.id == Attempt.user_id)
            .outerjoin(corrections, corrections.c.attempt_id == Attempt.id)
            .outerjoin(comments, comments.c.attempt_id == Attempt.id)
            .where(Attempt.user_id.in_(members))
        )
        if status is not None:
            query = query.where(Attempt.status == status)
        rows = session.execute(query.order_by(Attempt.started_at.desc(), Attempt.id.desc())).all()
    return [
        ReviewRow(attempt_id=r[0], user_id=r[1], trainee_name=r[2], scenario_id=r[3], title=practice._title(r[3]),
                  status=r[4], overall=None if r[5] is None else int(round(r[5])), started_at=r[6],
                  finished_at=r[7], corrections=int(r[8]), comments=int(r[9]))
        for r in rows
    ]


def open_attempt(db: Database, principal: Principal | None, attempt_id: int) -> ReviewView:
    """Transcript, findings (engine and mentors'), scores and inner thoughts, for a reviewer."""
    principal = require_staff(principal)
    with db.read() as session:
        attempt = _attempt(session, attempt_id)
        require_review(principal, attempt, session=session)
        scenario, rubric = practice._scenario(attempt.scenario_id)
        state = SessionState.model_validate(attempt.state)
        view = practice._attempt_view(attempt, scenario, rubric, state)
        history = _corrections_with_index(session, attempt.id, history=True)
        corrections = [c for c in history if c.withdrawn_at is None]
        correction_views = _correction_views(session, rubric, history)
        comments = _comment_views(session, attempt.id)
        trainee = session.get(User, attempt.user_id)
        trainee_name = trainee.display_name if trainee else "?"
        report = practice._stored_report(attempt, scenario, rubric) if attempt.status == "finished" else None
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
        shown = [ReviewFinding(f.key, practice._finding_view(f, rubric), False,
                               additions.get(f.principle) if f.source == "mentor" else None) for f in effective]
        shown += [ReviewFinding(f.key, practice._finding_view(f, rubric), True, dismissals[f.key])
                  for f in record.findings if f.key in dismissals]
        present = {f.principle for f in effective}
        addable = tuple(p.id for p in rubric.principles if record.stage in p.stages and p.id not in present)
        turns.append(
            ReviewTurn(
                turn=practice._turn_view(record, rubric, with_thought=True),
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
        principle_names=practice.principle_names(rubric),
        report=report,
        engine_overall=engine_overall,
    )


def add_comment(db: Database, principal: Principal | None, attempt_id: int, turn_index: int, text: str) -> CommentView:
    """A mentor's comment on one reply; the trainee sees it in the debrief."""
    principal = require_staff(principal)
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput("the comment is empty", field="text", reason="comment_empty")
    text = text.replace("\x00", "").strip()
    if len(text) > COMMENT_MAX:
        raise InvalidInput("the comment is too long", field="text", reason="comment_too_long", max=COMMENT_MAX)
    with db.transaction() as session:
        attempt = _attempt(session, attempt_id)
        require_review(principal, attempt, session=session)
        turn = _turn(session, attempt, turn_index)
        comment = review_repo.add_comment(session, turn_id=turn.id, author_id=principal.user_id, text=text)
        return CommentView(comment.id, turn.index, comment.text, principal.display_name, comment.created_at)


def _note(note: Any) -> str:
    if not isinstance(note, str):
        return ""
    note = note.replace("\x00", "").strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput("the note is too long", field="note", reason="note_too_long", max=NOTE_MAX)
    return note


def _finished_for_correction(session: Session, principal: Principal, attempt_id: Any) -> Attempt:
    attempt = _attempt(session, attempt_id, for_update=True)
    require_review(principal, attempt, session=session)
    if attempt.status != "finished":
        raise Conflict("corrections are made once the meeting has ended", reason="not_finished",
                       attempt_id=attempt.id)
    return attempt


def _correct(
    db: Database, principal: Principal | None, attempt_id: Any, turn_index: int, action: str, note: Any,
    target: Callable[[Session, Attempt, Turn], tuple[str, str]], reason: str = "",
) -> tuple[Principal, SessionReport]:
    """Store one correction of a finished attempt's reply and recompute its scores, in one
    transaction. ``target`` checks the correction applies and names its (principle, finding key)."""
    staff = require_staff(principal)
    note = _note(note)
    with db.transaction() as session:
        attempt = _finished_for_correction(session, staff, attempt_id)
        turn = _turn(session, attempt, turn_index)
        principle_id, key = target(session, attempt, turn)
        review_repo.add_correction(session, turn_id=turn.id, author_id=staff.user_id, action=action,
                                   principle_id=principle_id, finding_key=key, note=note, reason=reason)
        return staff, recompute(session, attempt)


def dismiss_finding(
    db: Database, principal: Principal | None, attempt_id: int, turn_index: int, key: str, note: str = "",
    *, reason: str = "not_in_reply",
) -> SessionReport:
    """Reject an engine finding for a reason from ``DISMISS_REASONS`` (``other`` needs the note
    to say what); it no longer counts. Returns the new report."""
    if reason not in DISMISS_REASONS:
        raise InvalidInput("unknown reason", field="reason", reason="dismiss_reason_unknown")
    if reason == "other" and not (isinstance(note, str) and note.strip()):
        raise InvalidInput("say why in the note", field="note", reason="dismiss_reason_needs_note")

    def dismissed(session: Session, attempt: Attempt, turn: Turn) -> tuple[str, str]:
        state = SessionState.model_validate(attempt.state)
        record = next((t for t in state.turns if t.index == turn.index), None)
        finding = next((f for f in (record.findings if record else []) if f.key == key), None)
        if finding is None:
            raise NotFound("no such finding in this reply", reason="finding_not_found")
        done = {c.finding_key for c in _corrections_with_index(session, attempt.id)
                if c.action == "dismiss" and c.turn_index == turn.index}  # type: ignore[attr-defined]
        if key in done:
            raise Conflict("that finding is already dismissed", reason="already_corrected")
        return finding.principle, key

    staff, report = _correct(db, principal, attempt_id, turn_index, "dismiss", note, dismissed, reason)
    log.info("user %d dismissed %s in attempt %d turn %d", staff.user_id, key, attempt_id, turn_index)
    return report


def add_finding(
    db: Database, principal: Principal | None, attempt_id: int, turn_index: int, principle_id: str, note: str = ""
) -> SessionReport:
    """A missed finding: the reply did show (or break) ``principle_id``, a principle of its stage."""
    def added(session: Session, attempt: Attempt, turn: Turn) -> tuple[str, str]:
        _, rubric = practice._scenario(attempt.scenario_id)
        principle = next((p for p in rubric.principles if p.id == principle_id), None)
        if principle is None or turn.stage not in principle.stages:
            raise InvalidInput("that principle does not apply to this reply's stage", field="principle_id",
                               reason="principle_not_in_stage")
        state = SessionState.model_validate(attempt.state)
        corrections = _corrections_with_index(session, attempt.id)
        current = corrected_findings(rubric, state, corrections)
        position = next(i for i, t in enumerate(state.turns) if t.index == turn.index)
        if any(f.principle == principle_id for f in current[position]):
            raise Conflict("the reply already has that finding", reason="already_corrected")
        return principle_id, f"{principle_id}@-1"

    staff, report = _correct(db, principal, attempt_id, turn_index, "add", note, added)
    log.info("user %d added %s to attempt %d turn %d", staff.user_id, principle_id, attempt_id, turn_index)
    return report


def withdraw_correction(db: Database, principal: Principal | None, correction_id: int) -> SessionReport:
    """Undo a correction (any reviewer of the attempt): a dismissed finding counts again, an
    added one goes. The correction stays in the history, marked withdrawn by whom and when;
    the scores are recomputed."""
    principal = require_staff(principal)
    with db.transaction() as session:
        correction = session.get(Correction, correction_id) if isinstance(correction_id, int) else None
        if correction is None:
            raise NotFound("no such correction", reason="correction_not_found")
        turn = session.get(Turn, correction.turn_id)
        assert turn is not None
        attempt = _attempt(session, turn.attempt_id, for_update=True)
        require_review(principal, attempt, session=session)
        if correction.withdrawn_at is not None:
            raise Conflict("that correction is already withdrawn", reason="already_withdrawn")
        review_repo.withdraw_correction(session, correction, by=principal.user_id)
        log.info("user %d withdrew correction %d of attempt %d", principal.user_id, correction.id, attempt.id)
        return recompute(session, attempt)


def mentor_feedback(db: Database, principal: Principal | None, attempt_id: int) -> MentorFeedback:
    """Comments and corrections for the debrief: whoever may read the attempt sees them."""
    principal = require_signed_in(principal)
    with db.read() as session:
        attempt = _attempt(session, attempt_id)
        require_read(principal, attempt, session=session)
        _, rubric = practice._scenario(attempt.scenario_id)
        corrections = _corrections_with_index(session, attempt.id)
        comments = _comment_views(session, attempt.id)
        views = _correction_views(session, rubric, corrections)
        engine = engine_report(attempt).overall if corrections and attempt.status == "finished" else None
        corrected = None if attempt.overall_score is None else int(round(attempt.overall_score))
    return MentorFeedback(comments=_group(comments), corrections=_group(views),
                          engine_overall=engine, corrected_overall=corrected if engine is not None else None)


# --- export of corrected replies (labelled-set format) -------------------------------------


def correction_signals(rubric: Rubric, engine: set[str], corrections: Sequence[Correction]) -> tuple[set[str], int]:
    """The engine's signals adjusted by the corrections that map to signals.

    The rule (also in ``docs/mentors.md``): only signal principles map.
    - dismiss a signal principle without ``requires``: none of its ``signals`` was there;
    - add a signal principle with exactly one entry in ``signals``: that signal and every
      ``requires`` signal were there, and none of its ``unless`` signals.
    Anything else (length, plain language, streaks, ambiguous principles) says nothing
    certain about single signals and is ignored. Returns (signals, corrections mapped).
    """
    signals = set(engine)
    mapped = 0
    for c in corrections:
        principle = rubric.principle(c.principle_id)
        if not isinstance(principle, SignalPrinciple):
            continue
        if c.action == "dismiss" and not principle.requires:
            signals -= set(principle.signals)
            mapped += 1
        elif c.action == "add" and len(principle.signals) == 1:
            signals |= {principle.signals[0], *principle.requires}
            signals -= set(principle.unless)
            mapped += 1
    return signals, mapped


def export_corrections(db: Database, actor: Actor | None = SYSTEM) -> Iterator[dict[str, Any]]:
    """Corrected replies as labelled-set records ``{"id","lang","stage","prev","text","signals"}``.

    SYSTEM (the CLI) and admins export everything; a mentor only their cohorts' attempts.
    Turns whose corrections do not map to signals are left out. No names or account ids.
    """
    mentor_id = corrections_scope(actor)
    with db.read() as session:
        query = (
            select(Turn.attempt_id).join(Correction, Correction.turn_id == Turn.id).distinct()
        )
        if mentor_id is not None:
            trainees = cohort_repo.trainees_of_mentor_query(mentor_id)
            query = query.join(Attempt, Attempt.id == Turn.attempt_id).where(Attempt.user_id.in_(trainees))
        attempt_ids = sorted(session.scalars(query))
        library = get_library()
        for attempt_id in attempt_ids:
            attempt = session.get(Attempt, attempt_id)
            assert attempt is not None
            scenario = library.scenarios.get(attempt.scenario_id)
            if scenario is None:
                continue
            rubric = library.rubric_for(scenario)
            corrections = _corrections_with_index(session, attempt.id)
            by_index: dict[int, list[Correction]] = defaultdict(list)
            for c in corrections:
                by_index[c.turn_index].append(c)  # type: ignore[attr-defined]
            turns = {t.index: t for t in session.scalars(select(Turn).where(Turn.attempt_id == attempt.id))}
            opening = (attempt.state or {}).get("opening_line", "")
            for index in sorted(by_index):
                turn = turns[index]
                engine = {s.get("signal") for s in turn.signals or [] if isinstance(s, dict)}
                signals, mapped = correction_signals(rubric, {s for s in engine if s}, by_index[index])
                if not mapped:
                    continue
                prev = opening if index == 0 else turns[index - 1].client_line if index - 1 in turns else ""
                yield {
                    "id": f"kohtaamo-a{attempt.id}-t{index}",
                    "lang": attempt.language,
                    "stage": turn.stage,
                    "prev": prev,
                    "text": turn.reply,
                    "signals": sorted(signals),
                }


__all__ = [
    "CommentView",
    "CorrectionView",
    "MentorFeedback",
    "ReviewRow",
    "ReviewTurn",
    "ReviewView",
    "add_comment",
    "DISMISS_REASONS",
    "add_finding",
    "corrected_findings",
    "correction_signals",
    "dismiss_finding",
    "export_corrections",
    "mentor_feedback",
    "open_attempt",
    "recompute",
    "review_queue",
    "withdraw_correction",
]
