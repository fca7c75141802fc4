"""A small training round for the mentor tests: two cohorts, their mentors, an admin, and
finished, shared and active attempts. Imported by the other ``test_*`` modules of issue 5.

- cohort A: trainees ``alice`` (self) and ``bob`` (same cohort), mentor ``mentor_a``;
- cohort B: trainee ``carol`` (other cohort), mentor ``mentor_b``;
- ``admin``; alice has a private finished attempt, a shared finished one and an active one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from simulator.content.library import get_library
from simulator.service import cohorts, corrections, practice, review, users
from simulator.service.auth import SYSTEM, Principal
from simulator.service.sharing import share_attempt
from simulator.store import Database

SCENARIO = "fi-kiintiopakolainen"
PASSWORD = "salasana-123"
REPLIES = (
    "Hei, tervetuloa! Olen Laura ja työskentelen täällä neuvojana. Meillä on tunti aikaa.",
    "Mikä on sinulle tänään tärkeintä? Kerro vapaasti.",
    "Katson koneelta tietosi.",
    "Kuulostaa siltä, että lasten hoito mietityttää sinua.",
)


def need_scenario() -> None:
    """Skip, saying so, while the scenario these tests play is not in the content."""
    if SCENARIO not in get_library().scenarios:
        pytest.skip(f"scenario {SCENARIO} is not in the content yet")


@dataclass
class World:
    db: Database
    people: dict[str, Principal | None]
    cohort_a: int
    cohort_b: int
    private: int  # alice's finished attempt, not shared
    shared: int  # alice's finished attempt, shared with the cohort
    active: int  # alice's unfinished attempt
    assignment: int
    correction: int

    def __getitem__(self, name: str) -> Principal | None:
        return self.people[name]


def principal(db: Database, username: str, role: str, display_name: str, *, by: Principal | None = None) -> Principal:
    """A user opened by SYSTEM, or by ``by`` (a mentor opening a trainee account)."""
    info = users.create_user(db, by or SYSTEM, username, PASSWORD, role, display_name=display_name)
    return Principal(info.id, info.username, info.role, info.locale, info.display_name)


def play(db: Database, who: Principal, replies: tuple[str, ...] = REPLIES, *, finish: bool = True, seed: int = 3) -> int:
    view = practice.start_attempt(db, who, SCENARIO, seed=seed)
    for text in replies:
        practice.reply(db, who, view.id, text)
    if finish:
        practice.end_attempt(db, who, view.id)
    return view.id


def join(db: Database, mentor: Principal, cohort_id: int, trainee: Principal) -> None:
    """The trainee accepts the mentor's invitation code: the consent path into a cohort."""
    cohorts.join_cohort(db, trainee, cohorts.create_invitation(db, mentor, cohort_id).code)


def build_world(db: Database) -> World:
    from simulator.service import assignments

    alice = principal(db, "alice", "trainee", "Alice Aalto")
    bob = principal(db, "bob", "trainee", "Bob Berg")
    carol = principal(db, "carol", "trainee", "Carol Carlsson")
    mentor_a = principal(db, "mentor_a", "mentor", "Mentor Aino")
    mentor_b = principal(db, "mentor_b", "mentor", "Mentor Bertil")
    admin = principal(db, "admin", "admin", "Admin")
    a = cohorts.create_cohort(db, mentor_a, "Ryhmä A")
    b = cohorts.create_cohort(db, mentor_b, "Ryhmä B")
    join(db, mentor_a, a.id, alice)
    join(db, mentor_a, a.id, bob)
    cohorts.add_trainee(db, admin, b.id, carol.user_id)  # an admin places without a code
    assignment = assignments.assign(db, mentor_a, SCENARIO, cohort_id=a.id)[0].id
    private = play(db, alice)
    shared = play(db, alice, REPLIES[:2], seed=4)
    share_attempt(db, alice, shared)
    active = play(db, alice, REPLIES[:1], finish=False, seed=5)
    play(db, bob, REPLIES[:3], seed=6)
    play(db, carol, REPLIES[:2], seed=7)
    key = review.open_attempt(db, mentor_a, private).turns[0].findings[0].key
    corrections.dismiss_finding(db, mentor_a, private, 0, key, note="ei tervehtinyt")
    review.add_comment(db, mentor_a, private, 1, "Hyvä avoin kysymys.")
    correction = review.open_attempt(db, mentor_a, private).turns[0].corrections[0].id
    return World(
        db=db,
        people={"self": alice, "same_cohort": bob, "other_cohort": carol, "mentor": mentor_a,
                "other_mentor": mentor_b, "admin": admin, "anonymous": None},
        cohort_a=a.id, cohort_b=b.id, private=private, shared=shared, active=active, assignment=assignment,
        correction=correction,
    )
