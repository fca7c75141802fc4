"""Cohort dashboards, the anonymised trainee view, shared attempts and CSV exports."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_cohorts_world import World  # noqa: E402

from simulator.service import corrections, sharing
from simulator.service import dashboard, policy, review  # noqa: E402
from simulator.service.errors import Conflict  # noqa: E402
from simulator.store import Database  # noqa: E402


def test_mentor_dashboard(world: World) -> None:
    view = dashboard.cohort_dashboard(world.db, world["mentor"], world.cohort_a)
    assert view.members == 2 and view.finished_attempts == 3  # alice 2, bob 1; carol is in cohort B
    assert len(view.overall.values) == 2 and view.overall.mean is not None
    assert [m.key for m in view.stages] == ["empathy", "guidance", "advisory", "farewell"]
    welcome = next(m for m in view.principles if m.key == "empathy.welcome")
    # alice: 2 engine findings minus 1 dismissed over 2 attempts; bob: 1 over 1
    assert sorted(welcome.values) == [0.5, 1.0]
    names = {c.trainee_name for c in view.heatmap}
    assert names == {"Alice Aalto", "Bob Berg"}
    (assignment,) = view.assignments
    assert (assignment.targets, assignment.done) == (2, 2)
    assert sum(p.attempts for p in view.progress) == 3


def test_corrections_move_the_dashboard(world: World) -> None:
    before = dashboard.cohort_dashboard(world.db, world["mentor"], world.cohort_a)
    corrections.add_finding(world.db, world["mentor"], world.private, 1, "all.calm_pace")
    after = dashboard.cohort_dashboard(world.db, world["mentor"], world.cohort_a)
    calm = {m.key: m for m in after.principles}["all.calm_pace"]
    assert calm.mean > ({m.key: m for m in before.principles}["all.calm_pace"].mean or 0)


def test_the_summary_follows_every_correction_and_the_report(world: World) -> None:
    """The dashboards read only the per-attempt summary: it is rewritten with each correction
    (and its withdrawal) and always agrees with the attempt's stored, corrected report."""
    from simulator.store.models import Attempt, AttemptPrincipleCount, AttemptSummaryRow

    def stored() -> tuple[tuple[float | None, ...], dict[str, tuple[int, int]]]:
        with world.db.read() as session:
            attempt = session.get(Attempt, world.private)
            row = session.get(AttemptSummaryRow, world.private)
            assert attempt is not None and row is not None and attempt.report is not None
            assert row.overall == attempt.overall_score
            assert [row.empathy, row.guidance, row.advisory, row.farewell] == [
                attempt.report["stages"][s] for s in ("empathy", "guidance", "advisory", "farewell")]
            counts = {c.principle_id: (c.kept, c.broken) for c in session.query(AttemptPrincipleCount)
                      .filter(AttemptPrincipleCount.attempt_id == world.private)}
            return (row.overall,), counts

    _, before = stored()
    corrections.add_finding(world.db, world["mentor"], world.private, 1, "all.calm_pace")
    _, added = stored()
    assert added["all.calm_pace"][0] == before.get("all.calm_pace", (0, 0))[0] + 1
    correction = review.open_attempt(world.db, world["mentor"], world.private).turns[1].corrections[-1].id
    corrections.withdraw_correction(world.db, world["mentor"], correction)
    assert stored()[1] == before


def test_trainee_view_is_anonymous(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(policy.MIN_COMPARISON_ENV, "2")  # this world's cohort has two trainees with results
    view = dashboard.my_cohort_view(world.db, world["self"], world.cohort_a)
    assert not view.aggregates_only
    overall = view.positions[0]
    assert overall.metric.key == "overall" and overall.of == 2 and overall.mine is not None and overall.rank in (1, 2)
    text = repr(view)
    for secret in ("Bob", "bob", "Berg", "Alice", "alice"):
        assert secret not in text
    assert f"user_id={world['same_cohort'].user_id}" not in text
    (shared,) = view.shared
    assert shared.attempt_id == world.shared and shared.mine


def test_a_small_cohort_shows_only_aggregates(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(policy.MIN_COMPARISON_ENV, raising=False)
    view = dashboard.my_cohort_view(world.db, world["self"], world.cohort_a)  # 2 trainees < default 5
    assert view.aggregates_only and view.min_comparison == policy.DEFAULT_MIN_COMPARISON
    for position in view.positions:
        assert position.rank is None and position.metric.values == () and position.of == 0
        assert position.metric.mean is None, "with two people a mean and one's own value reveal the other"
    assert view.positions[0].mine is not None, "one's own result is still shown"
    mentor = dashboard.cohort_dashboard(world.db, world["mentor"], world.cohort_a)
    assert len(mentor.overall.values) == 2, "the mentor's dashboard is not limited"


def test_sharing_one_attempt_at_a_time(world: World) -> None:
    alice, bob = world["self"], world["same_cohort"]
    with pytest.raises(Conflict):
        sharing.share_attempt(world.db, alice, world.active)
    sharing.share_attempt(world.db, alice, world.private)
    assert [r.attempt_id for r in sharing.shared_attempts(world.db, bob, world.cohort_a)] == [world.private]
    read = sharing.read_shared_attempt(world.db, bob, world.private)
    assert read.turns and not read.mine and "user_id" not in repr(read)
    sharing.share_attempt(world.db, alice, world.private, shared=False)
    assert sharing.shared_attempts(world.db, bob, world.cohort_a) == []


def test_csv_with_names_and_pseudonymised(world: World) -> None:
    plain = list(csv.DictReader(io.StringIO(dashboard.cohort_csv(world.db, world["mentor"], world.cohort_a))))
    assert len(plain) == 3 and {r["username"] for r in plain} == {"alice", "bob"}
    text = dashboard.cohort_csv(world.db, world["mentor"], world.cohort_a, pseudonymise=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 3 and {r["trainee"] for r in rows} == {"T01", "T02"}
    assert set(rows[0]) == {"trainee", "scenario_id", "finished_on", "overall", "empathy", "guidance", "advisory",
                            "farewell", "hints_used"}
    for secret in ("alice", "bob", "Alice", "Bob", "Aalto", "Berg"):
        assert secret not in text
    ids = {str(world[c].user_id) for c in ("self", "same_cohort")} | {str(world.private), str(world.shared)}
    for row in rows:
        assert not ids & {row["trainee"], row["scenario_id"], row["finished_on"]}


def test_csv_cells_cannot_become_formulas(db: Database) -> None:
    from test_cohorts_world import join, need_scenario, play, principal

    from simulator.service import cohorts

    need_scenario()
    mentor = principal(db, "mentori", "mentor", "Mentori")
    evil = principal(db, "evil", "trainee", "=HYPERLINK(\"http://x\")")
    cohort = cohorts.create_cohort(db, mentor, "R")
    join(db, mentor, cohort.id, evil)
    play(db, evil)
    text = dashboard.cohort_csv(db, mentor, cohort.id)
    assert "'=HYPERLINK" in text
