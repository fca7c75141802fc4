"""Consent for cohort membership (issue 11, item 3), on SQLite and PostgreSQL.

The probe's take-over chain: a mentor listed every trainee of the installation, pulled
another cohort's trainee into their own cohort without consent or record, then read her
private attempts (inner thoughts included, mid-meeting), changed her scores, withdrew the
other mentor's corrections, deleted the other mentor's assignment and removed her again
leaving no trace. Each step must now be refused, and the legitimate path (the trainee
accepts a code) must work and be recorded in the audit log the trainee can read.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_cohorts_world import World, build_world, need_scenario, principal  # noqa: E402

from simulator.service import corrections, debrief
from simulator.service import assignments, audit, cohorts, practice, review  # noqa: E402
from simulator.service.errors import Forbidden, InvalidInput, NotFound, ServiceError  # noqa: E402
from simulator.store import Database  # noqa: E402


@pytest.fixture
def world(db: Database) -> World:
    need_scenario()
    return build_world(db)


def _chain(w: World) -> list[tuple[str, Callable[[], Any], str]]:
    """The attack as mentor_b, in the order the probe ran it, with the refusal each must meet."""
    thief, alice = w["other_mentor"], w["self"]
    assert thief is not None and alice is not None
    key = review.open_attempt(w.db, w["mentor"], w.private).turns[2].findings[0].key
    return [
        ("pull her into my cohort", lambda: cohorts.add_trainee(w.db, thief, w.cohort_b, alice.user_id), "needs_consent"),
        ("read her private attempt", lambda: review.open_attempt(w.db, thief, w.private), "not_your_trainee"),
        ("read her meeting mid-way", lambda: practice.get_attempt(w.db, thief, w.active), "not_your_attempt"),
        ("read her debrief", lambda: debrief.debrief(w.db, thief, w.private), "not_your_attempt"),
        ("change her score", lambda: corrections.dismiss_finding(w.db, thief, w.private, 2, key), "not_your_trainee"),
        ("withdraw the other mentor's correction",
         lambda: corrections.withdraw_correction(w.db, thief, w.correction), "not_your_trainee"),
        ("delete the other mentor's assignment",
         lambda: assignments.delete_assignment(w.db, thief, w.assignment), "not_cohort_mentor"),
        ("remove her from her cohort", lambda: cohorts.remove_trainee(w.db, thief, w.cohort_a, alice.user_id),
         "not_cohort_mentor"),
    ]


def test_mentor_take_over_chain_is_refused_at_every_step(world: World) -> None:
    w, thief, alice = world, world["other_mentor"], world["self"]
    assert thief is not None and alice is not None
    candidates = cohorts.trainee_candidates(w.db, thief, w.cohort_b)
    assert alice.user_id not in {p.id for p in candidates}, "the candidate list names another cohort's trainee"
    refused = []
    for step, attempt_it, reason in _chain(w):
        with pytest.raises(Forbidden) as error:
            attempt_it()
        assert error.value.reason == reason, step
        refused.append(step)
    assert len(refused) == 8
    # Nothing changed: she is in cohort A only, the correction and the assignment stand.
    assert [c.name for c in cohorts.my_cohorts(w.db, alice)] == ["Ryhmä A"]
    assert review.open_attempt(w.db, w["mentor"], w.private).turns[0].corrections
    assert [a.id for a in assignments.cohort_assignments(w.db, w["mentor"], w.cohort_a)] == [w.assignment]
    assert all(e.actor != "mentor_b" for e in audit.audit_log(w.db, w["admin"]))


def test_a_code_is_the_trainees_consent_and_is_recorded(world: World) -> None:
    w, mentor_b, alice, admin = world, world["other_mentor"], world["self"], world["admin"]
    assert mentor_b is not None and alice is not None
    invitation = cohorts.create_invitation(w.db, mentor_b, w.cohort_b)
    joined = cohorts.join_cohort(w.db, alice, invitation.code.lower().replace("-", " "))  # as typed from paper
    assert joined.id == w.cohort_b
    assert review.open_attempt(w.db, mentor_b, w.private).attempt.id == w.private  # now with her consent
    mine = audit.my_audit(w.db, alice)
    assert [(e.action, e.actor) for e in mine[:2]] == [("read_attempt", "mentor_b"), ("joined_by_invitation", "alice")]
    assert mine[0].attempt_id == w.private
    cohorts.leave_cohort(w.db, alice, w.cohort_b)
    with pytest.raises(Forbidden):
        review.open_attempt(w.db, mentor_b, w.private)
    actions = [e.action for e in audit.audit_log(w.db, admin)]
    assert actions[:3] == ["left_cohort", "read_attempt", "joined_by_invitation"]
    csv_text = audit.audit_csv(w.db, admin)
    assert csv_text.splitlines()[0] == "at,actor,action,subject,cohort_id,attempt_id,detail"
    assert "left_cohort" in csv_text


def test_wrong_or_expired_codes_are_refused_alike(world: World) -> None:
    w, alice = world, world["self"]
    assert alice is not None
    for code in ("", "AAAA-BBBB-CCCC", "x" * 500, None):
        with pytest.raises(InvalidInput) as error:
            cohorts.join_cohort(w.db, alice, code)  # type: ignore[arg-type]
        assert error.value.reason == "invitation_invalid"
    with pytest.raises(InvalidInput):
        cohorts.create_invitation(w.db, w["mentor"], w.cohort_a, valid_days=0)


def test_mentor_places_only_trainees_they_opened(world: World) -> None:
    w, mentor_b = world, world["other_mentor"]
    assert mentor_b is not None
    own = principal(w.db, "oma", "trainee", "Oma Harjoittelija", by=mentor_b)
    assert [p.username for p in cohorts.trainee_candidates(w.db, mentor_b, w.cohort_b)] == ["oma"]
    cohorts.add_trainee(w.db, mentor_b, w.cohort_b, own.user_id)
    cohorts.remove_trainee(w.db, mentor_b, w.cohort_b, own.user_id)
    with pytest.raises(NotFound):
        cohorts.remove_trainee(w.db, mentor_b, w.cohort_b, own.user_id)
    actions = [(e.action, e.subject) for e in audit.my_audit(w.db, own)]
    assert actions == [("removed_from_cohort", "oma"), ("placed_in_cohort", "oma")]


def test_staff_reads_are_audited_and_own_reads_are_not(world: World) -> None:
    w, alice, mentor, admin = world, world["self"], world["mentor"], world["admin"]
    assert alice is not None
    before = len(audit.audit_log(w.db, admin))
    debrief.debrief(w.db, alice, w.private)
    assert len(audit.audit_log(w.db, admin)) == before
    debrief.debrief(w.db, admin, w.private)
    practice.get_attempt(w.db, mentor, w.active)
    newest = audit.my_audit(w.db, alice)[:2]
    assert [(e.actor, e.detail) for e in newest] == [("mentor_a", "practice view"), ("admin", "debrief")]
    with pytest.raises(ServiceError):
        audit.my_audit(w.db, w["same_cohort"], alice.user_id)


def test_a_page_drawn_again_logs_one_read_per_window(world: World) -> None:
    """Every click redraws a page; the log keeps one entry per reading, not one per redraw."""
    w, mentor, admin = world, world["mentor"], world["admin"]
    for _ in range(3):
        review.open_attempt(w.db, mentor, w.private)
        practice.get_attempt(w.db, mentor, w.active)
    reads = [e for e in audit.audit_log(w.db, admin) if e.action == "read_attempt" and e.actor == "mentor_a"]
    per_view = sorted((e.attempt_id, e.detail) for e in reads)
    assert len(per_view) == len(set(per_view))  # no reading logged twice
    assert {e.attempt_id for e in reads} == {w.private, w.active}  # but every reading is there
