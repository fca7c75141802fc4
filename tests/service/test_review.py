"""Mentor review: corrections recompute the scores, comments and corrections reach the
trainee's debrief, and ``export-corrections`` writes the labelled-set format."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_cohorts_world import SCENARIO, World  # noqa: E402

from simulator.service import corrections, debrief
from simulator.content.library import get_library  # noqa: E402
from simulator.service import review  # noqa: E402
from simulator.service.auth import SYSTEM  # noqa: E402
from simulator.service.errors import Conflict, InvalidInput, NotFound  # noqa: E402
from simulator.store.models import Attempt, Correction  # noqa: E402


def test_dismissing_a_positive_finding_lowers_the_stored_score(world: World) -> None:
    mentor, alice = world["mentor"], world["self"]
    view = review.open_attempt(world.db, mentor, world.private)
    before = view.report.overall
    assert view.engine_overall is not None and view.turns[0].turn.inner_thought is not None
    positive = next(f for f in view.turns[0].findings if not f.dismissed and f.finding.polarity == "positive")
    report = corrections.dismiss_finding(world.db, mentor, world.private, 0, positive.key, note="ei tapahtunut")
    assert report.stages["empathy"] < view.report.stages["empathy"] and report.overall <= before
    with world.db.read() as session:
        attempt = session.get(Attempt, world.private)
        assert attempt.overall_score == report.overall and attempt.report["overall"] == report.overall
        stored = session.query(Correction).filter_by(finding_key=positive.key).one()
        assert stored.author_id == mentor.user_id and stored.created_at is not None
    assert debrief.debrief(world.db, alice, world.private).report.overall == report.overall
    with pytest.raises(Conflict):
        corrections.dismiss_finding(world.db, mentor, world.private, 0, positive.key)
    with pytest.raises(NotFound):
        corrections.dismiss_finding(world.db, mentor, world.private, 0, "no.such@0")


def test_adding_a_missed_finding_counts_and_can_be_withdrawn(world: World) -> None:
    mentor = world["mentor"]
    engine = review.open_attempt(world.db, mentor, world.private)
    assert "all.hurry" in engine.turns[1].addable
    report = corrections.add_finding(world.db, mentor, world.private, 1, "all.hurry", note="kiireinen sävy")
    stage = engine.turns[1].turn.stage
    assert report.stages[stage] < engine.report.stages[stage]  # every fault costs points
    view = review.open_attempt(world.db, mentor, world.private)
    added = [f for f in view.turns[1].findings if f.finding.source == "mentor"]
    assert [f.finding.principle for f in added] == ["all.hurry"]
    assert "all.hurry" not in view.turns[1].addable
    with pytest.raises(Conflict):
        corrections.add_finding(world.db, mentor, world.private, 1, "all.hurry")
    with pytest.raises(InvalidInput) as error:
        corrections.add_finding(world.db, mentor, world.private, 0, "farewell.thanks")  # not an empathy principle
    assert error.value.reason == "principle_not_in_stage"
    correction = next(c for c in view.turns[1].corrections if c.action == "add")
    assert corrections.withdraw_correction(world.db, mentor, correction.id).stages == engine.report.stages


def test_corrections_wait_for_the_end_but_comments_do_not(world: World) -> None:
    mentor = world["mentor"]
    with pytest.raises(Conflict) as error:
        corrections.add_finding(world.db, mentor, world.active, 0, "all.calm_pace")
    assert error.value.reason == "not_finished"
    comment = review.add_comment(world.db, mentor, world.active, 0, "Hyvä alku")
    assert comment.turn_index == 0
    with pytest.raises(InvalidInput):
        review.add_comment(world.db, mentor, world.active, 0, "   ")


def test_the_trainee_sees_comments_and_corrections(world: World) -> None:
    feedback = review.mentor_feedback(world.db, world["self"], world.private)
    assert [c.text for c in feedback.comments[1]] == ["Hyvä avoin kysymys."]
    assert feedback.comments[1][0].author_name == "Mentor Aino"
    (correction,) = feedback.corrections[0]
    assert correction.action == "dismiss" and correction.note == "ei tervehtinyt" and correction.author_name == "Mentor Aino"
    assert feedback.engine_overall is not None and feedback.corrected_overall is not None


def test_review_queue_lists_the_cohorts_attempts(world: World) -> None:
    rows = review.review_queue(world.db, world["mentor"], world.cohort_a)
    assert {r.trainee_name for r in rows} == {"Alice Aalto", "Bob Berg"}
    private = next(r for r in rows if r.attempt_id == world.private)
    assert private.corrections == 1 and private.comments == 1


def test_export_corrections_labelled_set_format(world: World, tmp_path: Path) -> None:
    mentor = world["mentor"]
    view = review.open_attempt(world.db, mentor, world.private)
    computer = next((i, f) for i, t in enumerate(view.turns) for f in t.findings if f.finding.principle == "guidance.no_computer")
    corrections.dismiss_finding(world.db, mentor, world.private, computer[0], computer[1].key)
    corrections.add_finding(world.db, mentor, world.private, 1, "all.calm_pace")
    records = {r["id"]: r for r in corrections.export_corrections(world.db, SYSTEM)}
    for record in records.values():
        assert set(record) == {"id", "lang", "stage", "prev", "text", "signals"}
        assert record["lang"] == "fi" and record["signals"] == sorted(record["signals"])
    by_text = {r["text"]: r for r in records.values()}
    assert "computer_focus" not in by_text["Katson koneelta tietosi."]["signals"]
    calm = by_text["Mikä on sinulle tänään tärkeintä? Kerro vapaasti."]
    assert "calm_pace" in calm["signals"] and calm["prev"]
    # mentor of the other cohort exports nothing of cohort A
    assert list(corrections.export_corrections(world.db, world["other_mentor"])) == []
    # the CLI writes the same lines
    from simulator.cli import main

    out = tmp_path / "corrections.jsonl"
    assert main(["export-corrections", "--jsonl", "--out", str(out), "--database-url", world.db.url]) == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["id"] for r in lines} == set(records)


def test_export_corrections_to_an_unwritable_place_is_a_clear_error(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from simulator.cli import main

    missing = tmp_path / "no-such-folder" / "corrections.jsonl"
    assert main(["export-corrections", "--jsonl", "--out", str(missing), "--database-url", world.db.url]) == 2
    err = capsys.readouterr().err
    assert f"{missing}: cannot write" in err and "Traceback" not in err


def test_correction_signal_mapping_rule() -> None:
    rubric = get_library().rubric_for(get_library().scenario(SCENARIO))

    def c(action: str, principle: str) -> Correction:
        return Correction(action=action, principle_id=principle)

    assert corrections.correction_signals(rubric, {"open_question", "computer_focus"}, [c("dismiss", "guidance.no_computer")]) \
        == ({"open_question"}, 1)
    assert corrections.correction_signals(rubric, set(), [c("add", "guidance.reflection")]) == ({"reflection"}, 1)
    assert corrections.correction_signals(rubric, {"hurry"}, [c("dismiss", "guidance.monologue")]) == ({"hurry"}, 0)
