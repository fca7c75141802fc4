"""Cohorts: create, members (existing and new with a one-time password), sharing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_cohorts_world import principal  # noqa: E402

from simulator.service import auth, cohorts  # noqa: E402
from simulator.service.errors import Conflict, InvalidInput, NotFound  # noqa: E402
from simulator.store import Database  # noqa: E402


def test_create_add_remove_share(db: Database) -> None:
    mentor = principal(db, "mentori", "mentor", "Mentori")
    other = principal(db, "toinen", "mentor", "Toinen Mentori")
    trainee = principal(db, "harjoittelija", "trainee", "Harjoittelija", by=mentor)  # the mentor opened it
    principal(db, "vieras", "trainee", "Vieras")  # opened by SYSTEM: not this mentor's to place
    cohort_first = cohorts.create_cohort(db, mentor, "Syksy")
    assert [p.username for p in cohorts.trainee_candidates(db, mentor, cohort_first.id)] == ["harjoittelija"]
    cohort = cohorts.create_cohort(db, mentor, "  Kevät   2025 ")
    assert cohort.name == "Kevät 2025" and [m.id for m in cohort.mentors] == [mentor.user_id]
    view = cohorts.add_trainee(db, mentor, cohort.id, trainee.user_id)
    assert [m.username for m in view.members] == ["harjoittelija"]
    assert cohorts.add_trainee(db, mentor, cohort.id, trainee.user_id).members == view.members  # idempotent
    assert cohorts.trainee_candidates(db, mentor, cohort.id) == []
    with pytest.raises(InvalidInput) as error:
        cohorts.add_trainee(db, mentor, cohort.id, other.user_id)
    assert error.value.reason == "not_a_trainee"
    assert cohorts.remove_trainee(db, mentor, cohort.id, trainee.user_id).members == ()
    with pytest.raises(NotFound):
        cohorts.remove_trainee(db, mentor, cohort.id, trainee.user_id)
    shared = cohorts.share_cohort(db, mentor, cohort.id, "TOINEN")
    assert {m.username for m in shared.mentors} == {"mentori", "toinen"}
    with pytest.raises(Conflict):
        cohorts.share_cohort(db, mentor, cohort.id, "toinen")
    with pytest.raises(InvalidInput) as error:
        cohorts.share_cohort(db, mentor, cohort.id, "harjoittelija")
    assert error.value.reason == "not_a_mentor"
    assert [c.name for c in cohorts.my_cohorts(db, other)] == ["Kevät 2025"]  # co-mentor sees it
    with pytest.raises(InvalidInput):
        cohorts.create_cohort(db, mentor, "   ")


def test_new_trainee_gets_a_one_time_password_and_must_change_it(db: Database) -> None:
    mentor = principal(db, "mentori", "mentor", "Mentori")
    cohort = cohorts.create_cohort(db, mentor, "Ryhmä")
    new = cohorts.add_new_trainee(db, mentor, cohort.id, "uusi.hlo", display_name="Uusi Henkilö", locale="en")
    assert len(new.one_time_password) >= 12
    logged_in, _ = auth.login(db, "uusi.hlo", new.one_time_password)
    assert logged_in.role == "trainee" and logged_in.must_change_password
    assert [m.id for m in cohorts.get_cohort(db, mentor, cohort.id).members] == [new.user_id]
    trainee_view = cohorts.my_cohorts(db, logged_in)
    assert [(c.name, c.members) for c in trainee_view] == [("Ryhmä", 1)]
