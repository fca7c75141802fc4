"""The authorization matrix of issue 5: every service function of cohorts, assignments,
review, dashboards, practice and progress, called as each of seven callers. Each case is allowed, or refused with ``Forbidden`` and exactly the designed
``reason``. The design is the table in ``docs/authorization.md``; a test checks that the
document and ``MATRIX`` below say the same. Every case also checks that the use case asked
``simulator/service/policy.py`` and that any refusal was raised there.

Speed: the world is built once per backend; every case runs inside one outer
transaction that is always rolled back (service calls join it), so mutating cases do
not leak into the next.
"""

from __future__ import annotations

import re
import shutil
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_cohorts_world import SCENARIO, World, build_world, need_scenario  # noqa: E402

from simulator.service import (  # noqa: E402
    assignments,
    audit,
    catalogue,
    cohorts,
    corrections,
    dashboard,
    debrief,
    policy,
    practice,
    progress,
    review,
    sharing,
)
from simulator.service.errors import Forbidden  # noqa: E402
from simulator.store import Database  # noqa: E402

CALLERS = ("self", "same_cohort", "other_cohort", "mentor", "other_mentor", "admin", "anonymous")
OK = "ok"
DOC = Path(__file__).resolve().parents[2] / "docs" / "authorization.md"

Call = Callable[[World, Any], Any]


@dataclass(frozen=True)
class Rule:
    """One service function: how to call it, and the outcome for each caller in CALLERS order."""

    name: str
    call: Call
    outcomes: tuple[str, ...]

    @classmethod
    def of(cls, name: str, call: Call, outcomes: str) -> Rule:
        parts = tuple(outcomes.split())
        assert len(parts) == len(CALLERS), name
        return cls(name, call, parts)


def _dismiss(w: World, p: Any) -> Any:
    # The second engine finding of the private attempt's first reply (the first is already dismissed).
    return corrections.dismiss_finding(w.db, p, w.private, 0, _engine_key(w, 0, 1))


def _engine_key(w: World, index: int, position: int) -> str:
    from simulator.engine.state import SessionState
    from simulator.store.models import Attempt

    with w.db.read() as session:
        state = SessionState.model_validate(session.get(Attempt, w.private).state)
    return state.turns[index].findings[position].key


def _addable(w: World) -> str:
    """A principle of every stage that the reply did not show (calm pace)."""
    return "all.calm_pace"


S = "signed_out"
M = "mentor_only"
NCM = "not_cohort_mentor"
NYT = "not_your_trainee"
NYA = "not_your_attempt"
A = "admin_only"


def _code(w: World) -> str:
    """A fresh invitation to cohort A, made by its mentor inside the case's transaction."""
    return cohorts.create_invitation(w.db, w["mentor"], w.cohort_a).code

# caller order:         self  same_cohort  other_cohort  mentor  other_mentor  admin  anonymous
MATRIX: tuple[Rule, ...] = (
    # cohorts
    Rule.of("cohorts.create_cohort", lambda w, p: cohorts.create_cohort(w.db, p, "Uusi"), f"{M} {M} {M} ok ok ok {S}"),
    Rule.of("cohorts.my_cohorts", lambda w, p: cohorts.my_cohorts(w.db, p), f"ok ok ok ok ok ok {S}"),
    Rule.of("cohorts.get_cohort", lambda w, p: cohorts.get_cohort(w.db, p, w.cohort_a), f"{M} {M} {M} ok {NCM} ok {S}"),
    Rule.of("cohorts.trainee_candidates", lambda w, p: cohorts.trainee_candidates(w.db, p, w.cohort_a),
            f"{M} {M} {M} ok {NCM} ok {S}"),
    Rule.of("cohorts.add_trainee", lambda w, p: cohorts.add_trainee(w.db, p, w.cohort_a, w["other_cohort"].user_id),
            f"{M} {M} {M} needs_consent {NCM} ok {S}"),
    Rule.of("cohorts.create_invitation", lambda w, p: cohorts.create_invitation(w.db, p, w.cohort_a),
            f"{M} {M} {M} ok {NCM} ok {S}"),
    Rule.of("cohorts.join_cohort", lambda w, p: cohorts.join_cohort(w.db, p, _code(w)),
            f"ok ok ok not_a_trainee not_a_trainee not_a_trainee {S}"),
    Rule.of("cohorts.leave_cohort", lambda w, p: cohorts.leave_cohort(w.db, p, w.cohort_a),
            f"ok ok not_in_cohort not_in_cohort not_in_cohort not_in_cohort {S}"),
    Rule.of("cohorts.add_new_trainee", lambda w, p: cohorts.add_new_trainee(w.db, p, w.cohort_a, "uusi.harjoittelija"),
            f"{M} {M} {M} ok {NCM} ok {S}"),
    Rule.of("cohorts.remove_trainee", lambda w, p: cohorts.remove_trainee(w.db, p, w.cohort_a, w["same_cohort"].user_id),
            f"{M} {M} {M} ok {NCM} ok {S}"),
    Rule.of("cohorts.share_cohort", lambda w, p: cohorts.share_cohort(w.db, p, w.cohort_a, "mentor_b"),
            f"{M} {M} {M} ok {NCM} ok {S}"),
    # assignments
    Rule.of("assignments.assign", lambda w, p: assignments.assign(w.db, p, SCENARIO, cohort_id=w.cohort_a),
            f"{M} {M} {M} ok {NCM} ok {S}"),
    Rule.of("assignments.cohort_assignments", lambda w, p: assignments.cohort_assignments(w.db, p, w.cohort_a),
            f"{M} {M} {M} ok {NCM} ok {S}"),
    Rule.of("assignments.delete_assignment", lambda w, p: assignments.delete_assignment(w.db, p, w.assignment),
            f"{M} {M} {M} ok {NCM} ok {S}"),
    Rule.of("assignments.my_assignments", lambda w, p: assignments.my_assignments(w.db, p), f"ok ok ok ok ok ok {S}"),
    # review
    Rule.of("review.review_queue", lambda w, p: review.review_queue(w.db, p, w.cohort_a), f"{M} {M} {M} ok {NCM} ok {S}"),
    Rule.of("review.open_attempt", lambda w, p: review.open_attempt(w.db, p, w.private), f"{M} {M} {M} ok {NYT} ok {S}"),
    Rule.of("review.add_comment", lambda w, p: review.add_comment(w.db, p, w.private, 0, "Hyvä."),
            f"{M} {M} {M} ok {NYT} ok {S}"),
    Rule.of("corrections.dismiss_finding", _dismiss, f"{M} {M} {M} ok {NYT} ok {S}"),
    Rule.of("corrections.add_finding", lambda w, p: corrections.add_finding(w.db, p, w.private, 1, _addable(w)),
            f"{M} {M} {M} ok {NYT} ok {S}"),
    Rule.of("corrections.withdraw_correction", lambda w, p: corrections.withdraw_correction(w.db, p, w.correction),
            f"{M} {M} {M} ok {NYT} ok {S}"),
    Rule.of("review.mentor_feedback (private)", lambda w, p: review.mentor_feedback(w.db, p, w.private),
            f"ok {NYA} {NYA} ok {NYA} ok {S}"),
    Rule.of("review.mentor_feedback (shared)", lambda w, p: review.mentor_feedback(w.db, p, w.shared),
            f"ok ok {NYA} ok {NYA} ok {S}"),
    Rule.of("corrections.export_corrections", lambda w, p: list(corrections.export_corrections(w.db, p)),
            f"{M} {M} {M} ok ok ok {S}"),
    # dashboards, sharing, exports
    Rule.of("dashboard.cohort_dashboard", lambda w, p: dashboard.cohort_dashboard(w.db, p, w.cohort_a),
            f"{M} {M} {M} ok {NCM} ok {S}"),
    Rule.of("dashboard.cohort_csv", lambda w, p: dashboard.cohort_csv(w.db, p, w.cohort_a), f"{M} {M} {M} ok {NCM} ok {S}"),
    Rule.of("dashboard.cohort_csv (pseudonymised)",
            lambda w, p: dashboard.cohort_csv(w.db, p, w.cohort_a, pseudonymise=True), f"{M} {M} {M} ok {NCM} ok {S}"),
    Rule.of("dashboard.my_cohort_view", lambda w, p: dashboard.my_cohort_view(w.db, p, w.cohort_a),
            f"ok ok not_in_cohort not_cohort_member not_in_cohort not_cohort_member {S}"),
    Rule.of("sharing.shared_attempts", lambda w, p: sharing.shared_attempts(w.db, p, w.cohort_a),
            f"ok ok not_in_cohort ok not_in_cohort ok {S}"),
    Rule.of("sharing.share_attempt", lambda w, p: sharing.share_attempt(w.db, p, w.private),
            f"ok {NYA} {NYA} {NYA} {NYA} {NYA} {S}"),
    Rule.of("sharing.read_shared_attempt (shared)", lambda w, p: sharing.read_shared_attempt(w.db, p, w.shared),
            f"ok ok {NYA} ok {NYA} ok {S}"),
    Rule.of("sharing.read_shared_attempt (private)", lambda w, p: sharing.read_shared_attempt(w.db, p, w.private),
            f"ok {NYA} {NYA} ok {NYA} ok {S}"),
    # practice and debrief on attempts
    Rule.of("practice.get_attempt", lambda w, p: practice.get_attempt(w.db, p, w.private), f"ok {NYA} {NYA} ok {NYA} ok {S}"),
    Rule.of("debrief.debrief (private)", lambda w, p: debrief.debrief(w.db, p, w.private),
            f"ok {NYA} {NYA} ok {NYA} ok {S}"),
    Rule.of("debrief.debrief (shared)", lambda w, p: debrief.debrief(w.db, p, w.shared), f"ok ok {NYA} ok {NYA} ok {S}"),
    Rule.of("practice.reply", lambda w, p: practice.reply(w.db, p, w.active, "Kerro lisää."),
            f"ok {NYA} {NYA} {NYA} {NYA} {NYA} {S}"),
    Rule.of("practice.hint", lambda w, p: practice.hint(w.db, p, w.active), f"ok {NYA} {NYA} {NYA} {NYA} {NYA} {S}"),
    Rule.of("practice.end_attempt", lambda w, p: practice.end_attempt(w.db, p, w.active),
            f"ok {NYA} {NYA} {NYA} {NYA} {NYA} {S}"),
    Rule.of("progress.progress (of self)", lambda w, p: progress.progress(w.db, p, w["self"].user_id),
            f"ok {NYA} {NYA} ok {NYA} ok {S}"),
    # practice functions on the caller's own attempts (anyone signed in practises)
    Rule.of("catalogue.list_scenarios", lambda w, p: catalogue.list_scenarios(p, db=w.db), f"ok ok ok ok ok ok {S}"),
    Rule.of("practice.start_attempt", lambda w, p: practice.start_attempt(w.db, p, SCENARIO, seed=1),
            f"ok ok ok ok ok ok {S}"),
    Rule.of("practice.active_attempt", lambda w, p: practice.active_attempt(w.db, p, SCENARIO), f"ok ok ok ok ok ok {S}"),
    Rule.of("practice.latest_active_attempt", lambda w, p: practice.latest_active_attempt(w.db, p),
            f"ok ok ok ok ok ok {S}"),
    Rule.of("practice.my_attempts", lambda w, p: practice.my_attempts(w.db, p), f"ok ok ok ok ok ok {S}"),
    # the audit log
    Rule.of("audit.audit_log", lambda w, p: audit.audit_log(w.db, p), f"{A} {A} {A} {A} {A} ok {S}"),
    Rule.of("audit.audit_csv", lambda w, p: audit.audit_csv(w.db, p), f"{A} {A} {A} {A} {A} ok {S}"),
    Rule.of("audit.my_audit", lambda w, p: audit.my_audit(w.db, p), f"ok ok ok ok ok ok {S}"),
    Rule.of("audit.my_audit (of self)", lambda w, p: audit.my_audit(w.db, p, w["self"].user_id),
            f"ok not_your_account not_your_account not_your_account not_your_account ok {S}"),
)

CASES = [pytest.param(rule, caller, id=f"{rule.name}-{caller}") for rule in MATRIX for caller in CALLERS]


class _Rollback(Exception):
    """Raised at the end of every case so its outer transaction never commits."""


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    need_scenario()
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("matrix") / "kohtaamo.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        from simulator.store.migrate import upgrade

        url = request.getfixturevalue("pg_new_database")()
        upgrade(url)
    db = Database(url)
    try:
        yield build_world(db)
    finally:
        db.dispose()


POLICY = Path(policy.__file__).resolve()


@pytest.mark.parametrize(("rule", "caller"), CASES)
def test_matrix(world: World, rule: Rule, caller: str) -> None:
    """Each outcome as designed; every call asks the policy, and every refusal comes from it."""
    expected = rule.outcomes[CALLERS.index(caller)]
    principal = world[caller]
    outcome: str
    asked: list[str] = []

    def profile(frame: Any, event: str, _arg: Any) -> None:
        if event == "call" and frame.f_code.co_filename == str(POLICY):
            asked.append(frame.f_code.co_name)

    with pytest.raises(_Rollback):
        with world.db.transaction():
            sys.setprofile(profile)
            try:
                rule.call(world, principal)
                outcome = OK
            except Forbidden as error:
                outcome = error.reason
                raised_in = traceback.extract_tb(error.__traceback__)[-1].filename
                assert Path(raised_in).resolve() == POLICY, f"{rule.name}: refused outside the policy, in {raised_in}"
            finally:
                sys.setprofile(None)
            raise _Rollback
    assert outcome == expected, f"{rule.name} as {caller}: expected {expected}, got {outcome}"
    assert asked, f"{rule.name} never asked simulator/service/policy.py"


def test_rollback_kept_the_world_intact(world: World) -> None:
    """The mutating cases above did not change the world (guards the harness itself)."""
    assert [c.name for c in cohorts.my_cohorts(world.db, world["admin"])] == ["Ryhmä A", "Ryhmä B"]
    assert practice.get_attempt(world.db, world["self"], world.active).status == "active"


def _doc_table() -> dict[str, tuple[str, ...]]:
    rows: dict[str, tuple[str, ...]] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"\|\s*`([^`]+)`\s*\|(.*)\|", line.strip())
        if match:
            cells = tuple(cell.strip() for cell in match.group(2).split("|"))
            rows[match.group(1)] = cells
    return rows


def test_the_document_states_the_same_design() -> None:
    """docs/authorization.md's table is this matrix (✓ = allowed, otherwise the reason)."""
    table = _doc_table()
    for rule in MATRIX:
        assert rule.name in table, f"{rule.name} is missing from docs/authorization.md"
        shown = tuple("ok" if cell == "✓" else cell for cell in table[rule.name])
        assert shown == rule.outcomes, rule.name
    assert set(table) == {rule.name for rule in MATRIX}


def test_every_public_service_function_is_in_the_matrix() -> None:
    """A new function in these modules must get a row (and a design decision)."""
    import inspect

    named = {rule.name.split(" ")[0] for rule in MATRIX}
    for module in (cohorts, assignments, review, corrections, dashboard, sharing, practice, debrief, catalogue,
                   progress, audit):
        for name in getattr(module, "__all__", []):
            value = getattr(module, name)
            if inspect.isfunction(value) and "db" in inspect.signature(value).parameters:
                assert f"{module.__name__.rsplit('.', 1)[1]}.{name}" in named, f"{module.__name__}.{name} has no row"
