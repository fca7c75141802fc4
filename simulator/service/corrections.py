"""Mentors' corrections of a finished attempt's scoring, and their export.

A reviewer (``policy.require_review``: admins and the trainee's mentors) dismisses an engine
finding ("not what happened") or adds a missed one; the attempt's report and dashboard
summary are recomputed in the same transaction. ``export_corrections`` turns corrected
replies into labelled-set records (``simulator corrections``), scoped by
``policy.corrections_scope``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy.orm import Session

from simulator.content.library import get_library
from simulator.content.rubric import Rubric, SignalPrinciple
from simulator.engine.state import Finding, SessionState
from simulator.rubric.report import SessionReport, build_report
from simulator.rubric.scoring import make_finding
from simulator.service import _attempts
from simulator.service._text import refuse_surrogates
from simulator.service.errors import Conflict, InvalidInput, NotFound
from simulator.service.policy import corrections_scope, require_review, require_staff
from simulator.service.principal import SYSTEM, Actor, Principal
from simulator.service.views import FindingView
from simulator.store import Database
from simulator.store import attempts as attempt_repo
from simulator.store import review as review_repo
from simulator.store.ids import is_row_id
from simulator.store.models import Attempt, Correction, Turn

log = logging.getLogger(__name__)

NOTE_MAX = 1000
# Why a mentor dismisses a finding: the reply does not show it; it does, but the engine read
# the situation wrong; the words it points at are not the ones that matter; something else
# (then the note says what).
DISMISS_REASONS = ("not_in_reply", "misread", "wrong_words", "other")

__all__ = ["add_finding", "dismiss_finding", "export_corrections", "withdraw_correction"]


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
        by_index[c.turn_index].append(c)
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


def corrections_with_index(session: Session, attempt_id: int, *, history: bool = False) -> list[Correction]:
    """The attempt's corrections in force, each with the index of the turn it corrects
    (``history``: withdrawn ones too, for showing the reply's history)."""
    return [correction for correction in review_repo.corrections_for_attempt(session, attempt_id)
            if history or correction.withdrawn_at is None]


def recompute(session: Session, attempt: Attempt) -> SessionReport:
    """Recompute and store the finished attempt's report (and its dashboard summary) with its
    corrections applied."""
    scenario, rubric = _attempts.scenario_of(attempt.scenario_id)
    state = SessionState.model_validate(attempt.state)
    corrections = corrections_with_index(session, attempt.id)
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
    scenario, rubric = _attempts.scenario_of(attempt.scenario_id)
    return build_report(rubric, scenario, SessionState.model_validate(attempt.state))


def load_turn(session: Session, attempt: Attempt, index: Any) -> Turn:
    if not isinstance(index, int) or isinstance(index, bool):
        raise NotFound("no such turn", reason="turn_not_found")
    turn = attempt_repo.get_turn(session, attempt.id, index)
    if turn is None:
        raise NotFound("no such turn", reason="turn_not_found", turn_index=index)
    return turn


def _note(note: Any) -> str:
    if not isinstance(note, str):
        return ""
    cleaned = refuse_surrogates(note.replace("\x00", "").strip(), "note")
    if len(cleaned) > NOTE_MAX:
        raise InvalidInput("the note is too long", field="note", reason="note_too_long", max=NOTE_MAX)
    return cleaned


def _finished_for_correction(session: Session, principal: Principal, attempt_id: Any) -> Attempt:
    attempt = _attempts.load_attempt(session, attempt_id, for_update=True)
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
        turn = load_turn(session, attempt, turn_index)
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
        done = {c.finding_key for c in corrections_with_index(session, attempt.id)
                if c.action == "dismiss" and c.turn_index == turn.index}
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
        _, rubric = _attempts.scenario_of(attempt.scenario_id)
        principle = next((p for p in rubric.principles if p.id == principle_id), None)
        if principle is None or turn.stage not in principle.stages:
            raise InvalidInput("that principle does not apply to this reply's stage", field="principle_id",
                               reason="principle_not_in_stage")
        state = SessionState.model_validate(attempt.state)
        corrections = corrections_with_index(session, attempt.id)
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
        correction = session.get(Correction, correction_id) if is_row_id(correction_id) else None
        if correction is None:
            raise NotFound("no such correction", reason="correction_not_found")
        turn = session.get(Turn, correction.turn_id)
        assert turn is not None
        attempt = _attempts.load_attempt(session, turn.attempt_id, for_update=True)
        require_review(principal, attempt, session=session)
        if correction.withdrawn_at is not None:
            raise Conflict("that correction is already withdrawn", reason="already_withdrawn")
        review_repo.withdraw_correction(session, correction, by=principal.user_id)
        log.info("user %d withdrew correction %d of attempt %d", principal.user_id, correction.id, attempt.id)
        return recompute(session, attempt)


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
        attempt_ids = review_repo.corrected_attempt_ids(session, mentored_by=mentor_id)
        library = get_library()
        for attempt_id in attempt_ids:
            attempt = session.get(Attempt, attempt_id)
            assert attempt is not None
            scenario = library.scenarios.get(attempt.scenario_id)
            if scenario is None:
                continue
            rubric = library.rubric_for(scenario)
            corrections = corrections_with_index(session, attempt.id)
            by_index: dict[int, list[Correction]] = defaultdict(list)
            for c in corrections:
                by_index[c.turn_index].append(c)
            turns = {t.index: t for t in attempt_repo.list_turns(session, attempt.id)}
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
