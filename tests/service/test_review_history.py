"""Mentor review that can be undone: a dismissal has a reason, every correction can be
withdrawn (a dismissed finding counts again, an added one goes), the scores follow each
change, and withdrawn corrections stay in the history."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_cohorts_world import World  # noqa: E402

from simulator.service import corrections, debrief
from simulator.service import review  # noqa: E402
from simulator.service.errors import Conflict, InvalidInput  # noqa: E402


def _positive(world: World):
    view = review.open_attempt(world.db, world["mentor"], world.shared)
    return view, next(f for f in view.turns[0].findings if not f.dismissed and f.finding.polarity == "positive")


@pytest.mark.parametrize("reason", corrections.DISMISS_REASONS[:-1])
def test_a_dismissal_keeps_its_reason(world: World, reason: str) -> None:
    _, finding = _positive(world)
    corrections.dismiss_finding(world.db, world["mentor"], world.shared, 0, finding.key, reason=reason)
    view = review.open_attempt(world.db, world["mentor"], world.shared)
    (correction,) = view.turns[0].corrections
    assert correction.reason == reason and correction.active


def test_other_needs_a_note_and_unknown_reasons_are_refused(world: World) -> None:
    _, finding = _positive(world)
    with pytest.raises(InvalidInput) as error:
        corrections.dismiss_finding(world.db, world["mentor"], world.shared, 0, finding.key, reason="other")
    assert error.value.reason == "dismiss_reason_needs_note"
    with pytest.raises(InvalidInput) as error:
        corrections.dismiss_finding(world.db, world["mentor"], world.shared, 0, finding.key, reason="because")
    assert error.value.reason == "dismiss_reason_unknown"
    corrections.dismiss_finding(world.db, world["mentor"], world.shared, 0, finding.key, "Tervehdys oli kohtelias muoto.",
                           reason="other")


def test_withdrawing_a_dismissal_restores_the_score_and_keeps_the_history(world: World) -> None:
    mentor, trainee = world["mentor"], world["self"]
    before, finding = _positive(world)
    lowered = corrections.dismiss_finding(world.db, mentor, world.shared, 0, finding.key, reason="misread")
    assert lowered.overall <= before.report.overall
    view = review.open_attempt(world.db, mentor, world.shared)
    dismissed = next(f for f in view.turns[0].findings if f.dismissed)
    assert dismissed.correction_id is not None
    restored = corrections.withdraw_correction(world.db, mentor, dismissed.correction_id)
    assert restored.overall == before.report.overall and restored.stages == before.report.stages
    assert debrief.debrief(world.db, trainee, world.shared).report.overall == before.report.overall
    after = review.open_attempt(world.db, mentor, world.shared)
    assert not any(f.dismissed for f in after.turns[0].findings), "the finding counts again"
    (kept,) = after.turns[0].corrections
    assert not kept.active and kept.withdrawn_by_name == view.turns[0].corrections[0].author_name
    with pytest.raises(Conflict):
        corrections.withdraw_correction(world.db, mentor, dismissed.correction_id)
    # the finding can be dismissed again after the withdrawal
    corrections.dismiss_finding(world.db, mentor, world.shared, 0, finding.key, reason="wrong_words")
    again = review.open_attempt(world.db, mentor, world.shared)
    assert [c.active for c in again.turns[0].corrections] == [False, True]


def test_an_added_finding_can_be_removed(world: World) -> None:
    mentor = world["mentor"]
    engine = review.open_attempt(world.db, mentor, world.shared)
    corrections.add_finding(world.db, mentor, world.shared, 1, "all.hurry", note="kiireinen sävy")
    view = review.open_attempt(world.db, mentor, world.shared)
    added = next(f for f in view.turns[1].findings if f.finding.source == "mentor")
    assert added.correction_id is not None
    report = corrections.withdraw_correction(world.db, mentor, added.correction_id)
    assert report.stages == engine.report.stages
    after = review.open_attempt(world.db, mentor, world.shared)
    assert not any(f.finding.source == "mentor" for f in after.turns[1].findings)
    assert "all.hurry" in after.turns[1].addable, "it can be added again"
    assert [r.corrections for r in review.review_queue(world.db, mentor, world.cohort_a)
            if r.attempt_id == world.shared] == [0], "withdrawn corrections do not count as corrections"
