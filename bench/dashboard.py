"""Benchmark: the cohort dashboard's service time on a seeded cohort.

Run by hand: ``.venv/bin/python bench/dashboard.py [--large] [--database-url URL]``.
Seeds (through the store's repositories) one cohort of 30 trainees x 10 finished
attempts of about 10 turns, or with ``--large`` 200 trainees x 20 attempts x 20 turns,
with real engine states, findings and reports, plus some mentor corrections; then times
``dashboard.cohort_dashboard`` (and the trainee's view and the CSV) and prints the
median and worst of several runs beside the budget (1 s).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simulator.content.library import get_library  # noqa: E402
from simulator.session.simulation import SessionClosed, Simulation  # noqa: E402
from simulator.service import dashboard  # noqa: E402
from simulator.service.auth import Principal  # noqa: E402
from simulator.store import Database  # noqa: E402
from simulator.store import attempts as attempt_repo  # noqa: E402
from simulator.store import cohorts as cohort_repo  # noqa: E402
from simulator.store import review as review_repo  # noqa: E402
from simulator.store import users as user_repo  # noqa: E402
from simulator.store.migrate import upgrade  # noqa: E402

BUDGET_S = 1.0
SCENARIO = "fi-kiintiopakolainen"
REPLIES = [
    "Hei, tervetuloa! Olen Laura ja työskentelen täällä neuvojana. Meillä on tunti aikaa.",
    "Mikä on sinulle tänään tärkeintä? Kerro vapaasti.",
    "Kuulostaa siltä, että lasten hoito mietityttää sinua.",
    "Katson koneelta tietosi.",
    "Miten olet pärjännyt täällä Suomessa?",
    "Ymmärrän, että olet huolissasi.",
    "Nyt siirrytään miettimään vaihtoehtoja.",
    "Kotoutumiskoulutus alkaa tammikuussa, ja Kela maksaa sen ajalta tukea.",
    "Sinun kannattaa ilmoittautua kurssille, koska se auttaa työnhaussa.",
    "Onko tämä selvää? Mitä ajattelet tästä?",
    "Sovitaan, että soitan sinulle ensi viikon tiistaina.",
    "Kiitos kun tulit, hienoa että kysyit näin paljon. Nähdään pian!",
]


def templates(turns: int, count: int = 6) -> list[Simulation]:
    library = get_library()
    scenario = library.scenario(SCENARIO)
    rubric = library.rubric_for(scenario)
    out = []
    for seed in range(count):
        rng = random.Random(seed)
        simulation = Simulation.start(scenario, rubric, seed=seed)
        for _ in range(turns):
            try:
                simulation.reply(rng.choice(REPLIES))
            except SessionClosed:
                break
        simulation.end()
        out.append(simulation)
    return out


def seed(db: Database, trainees: int, attempts: int, turns: int) -> tuple[Principal, Principal, int]:
    sims = templates(turns)
    t0 = time.perf_counter()
    with db.transaction() as session:
        mentor = user_repo.add_user(session, username="mentor", display_name="Mentor", password_hash="x", role="mentor")
        cohort = cohort_repo.create_cohort(session, "Bench", created_by=mentor.id)
        cohort_repo.add_mentor(session, cohort.id, mentor.id)
        first = None
        for n in range(trainees):
            user = user_repo.add_user(session, username=f"t{n:03d}", display_name=f"Trainee {n}", password_hash="x",
                                      role="trainee")
            first = first or user
            cohort_repo.add_member(session, cohort.id, user.id)
            for a in range(attempts):
                sim = sims[(n + a) % len(sims)]
                state = sim.state.model_dump(mode="json")
                attempt = attempt_repo.create_attempt(session, user_id=user.id, scenario_id=SCENARIO, language="fi",
                                                      seed=a, state=state)
                rows = []
                for record in sim.state.turns:
                    rows.append(attempt_repo.add_turn(
                        session, attempt, reply=record.reply, client_line=record.client_line,
                        inner_thought=record.thought, stage=record.stage, trust=float(record.trust_after),
                        state=state, signals=[s.model_dump(mode="json") for s in record.signals],
                        findings=[f.model_dump(mode="json") for f in record.findings],
                    ))
                report = sim.report()
                attempt_repo.finish_attempt(session, attempt, overall_score=float(report.overall),
                                            report=report.model_dump(mode="json"))
                if a == 0 and rows and sim.state.turns[0].findings:
                    review_repo.add_correction(session, turn_id=rows[0].id, author_id=mentor.id, action="dismiss",
                                               principle_id=sim.state.turns[0].findings[0].principle,
                                               finding_key=sim.state.turns[0].findings[0].key)
        ids = (mentor.id, first.id if first else 0, cohort.id)
    print(f"seeded {trainees} x {attempts} attempts (up to {turns} turns) in {time.perf_counter() - t0:.1f} s")
    mentor_p = Principal(ids[0], "mentor", "mentor", "fi", "Mentor")
    trainee_p = Principal(ids[1], "t000", "trainee", "fi", "Trainee 0")
    return mentor_p, trainee_p, ids[2]


def timed(label: str, call, runs: int = 7) -> float:  # type: ignore[no-untyped-def]
    call()  # warm caches (content library, SQL compilation)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    median = statistics.median(times)
    verdict = "OK" if max(times) < BUDGET_S else "OVER BUDGET"
    print(f"{label:<28} median {median * 1000:7.1f} ms   worst {max(times) * 1000:7.1f} ms   budget {BUDGET_S * 1000:.0f} ms  {verdict}")
    return max(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="200 trainees x 20 attempts x 20 turns")
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args()
    trainees, attempts, turns = (200, 20, 20) if args.large else (30, 10, 10)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        db = Database(url)
        mentor, trainee, cohort_id = seed(db, trainees, attempts, turns)
        worst = timed("cohort_dashboard", lambda: dashboard.cohort_dashboard(db, mentor, cohort_id))
        timed("my_cohort_view (trainee)", lambda: dashboard.my_cohort_view(db, trainee, cohort_id))
        timed("cohort_csv (pseudonymised)", lambda: dashboard.cohort_csv(db, mentor, cohort_id, pseudonymise=True))
        db.dispose()
    return 0 if worst < BUDGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
