"""The practice service over SQLite and PostgreSQL: turns are stored whole, in one
transaction each; only the owner acts on an attempt; a restored attempt goes on exactly
as an uninterrupted one would."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from simulator.content.library import get_library
from simulator.service.errors import AttemptFinished, Forbidden, HintLimitReached, NotFinished, NotFound, ReplyRefused, ServiceError, StaleReply
from simulator.session.simulation import Simulation
from simulator.service import auth, catalogue, practice
from simulator.service import debrief as debrief_service
from simulator.service import progress as progress_service
from simulator.service.auth import SYSTEM, Principal
from simulator.store import Database
from simulator.store import attempts as attempt_repo
from simulator.store.models import Attempt, Turn

SCENARIO = "fi-kiintiopakolainen"
REPLIES = [
    "Hei, tervetuloa! Olen Maija. Meillä on tunti aikaa tänään.",
    "Mitä sinulle kuuluu? Kerro, mikä sinua mietityttää.",
    "Kuulostaa siltä, että olet huolissasi lapsista.",
    "Mistä muusta haluaisit vielä tänään puhua?",
    "Kerron nyt, miten kurssi toimii. Lapsille on päiväkoti, ja se maksaa vähän.",
    "Sovitaan seuraava askel: tulet ensi viikolla uudestaan. Eli yhteenvetona: haet kurssille.",
    "Kiitos, että tulit!",
]


def _need_content() -> None:
    if SCENARIO not in get_library().scenarios:
        pytest.skip(f"scenario {SCENARIO} is not in the content yet")


def _user(db: Database, name: str, role: str = "trainee") -> Principal:
    from simulator.service import users

    users.create_user(db, SYSTEM, name, "salasana123", role)
    principal, _token = auth.login(db, name, "salasana123")
    return principal


@pytest.fixture
def trainee(db: Database) -> Principal:
    _need_content()
    return _user(db, "maija")


def _counts(db: Database, attempt_id: int) -> tuple[int, int]:
    with db.read() as session:
        turns = session.scalar(select(func.count()).select_from(Turn).where(Turn.attempt_id == attempt_id))
        attempt = session.get(Attempt, attempt_id)
        return int(turns or 0), len(attempt.state["turns"])


def test_start_gives_the_opening_line_and_an_active_attempt(db: Database, trainee: Principal) -> None:
    view = practice.start_attempt(db, trainee, SCENARIO, seed=3)
    scenario = get_library().scenario(SCENARIO)
    assert view.status == "active" and view.stage == "empathy"
    assert view.opening_line == scenario.opening.text
    assert view.trust == scenario.trust.initial
    assert view.hints_left == practice.MAX_HINTS and view.turns == ()
    assert practice.active_attempt(db, trainee, SCENARIO).id == view.id


def test_unknown_scenario_is_not_found(db: Database, trainee: Principal) -> None:
    with pytest.raises(NotFound):
        practice.start_attempt(db, trainee, "no-such-scenario")


def test_reply_stores_the_whole_turn(db: Database, trainee: Principal) -> None:
    view = practice.start_attempt(db, trainee, SCENARIO, seed=3)
    turn = practice.reply(db, trainee, view.id, REPLIES[0], expected_index=0)
    assert turn.index == 0 and turn.client_line
    assert turn.inner_thought is None  # thoughts are for the debrief
    with db.read() as session:
        (row,) = attempt_repo.list_turns(session, view.id)
        attempt = session.get(Attempt, view.id)
        assert row.reply == REPLIES[0]
        assert row.client_line == turn.client_line
        assert row.stage == turn.stage
        assert row.trust == turn.trust_after
        assert {s["signal"] for s in row.signals} == set(turn.signals)
        assert [f["principle"] for f in row.findings] == [f.principle for f in turn.findings]
        for finding in row.findings:  # spans point at the trainee's own words
            for span in finding["spans"]:
                assert REPLIES[0][span["start"] : span["end"]] == span["text"]
        assert attempt.state["turns"][0]["reply"] == REPLIES[0]  # the attempt moved with the turn
        # the turn keeps the machine's state after the reply, without the history its rows hold
        assert row.state == {key: value for key, value in attempt.state.items() if key != "turns"}
        assert (row.state["stage"], row.state["trust"]) == (turn.stage_after, turn.trust_after)
        scenario = get_library().scenario(SCENARIO)
        line = next(line for line in scenario.all_lines() if line.text == row.client_line)
        assert row.inner_thought == line.thought
    again = practice.get_attempt(db, trainee, view.id)
    assert again.turns[0].reply == REPLIES[0] and again.next_index == 1
    assert again.counts.turns == 1


@pytest.mark.parametrize(("text", "code"), [("", "empty"), ("   \n\t ", "empty"), ("x" * 2001, "too_long")])
def test_empty_and_too_long_replies_are_refused_without_writes(
    db: Database, trainee: Principal, text: str, code: str
) -> None:
    view = practice.start_attempt(db, trainee, SCENARIO, seed=3)
    with db.read() as session:
        before = dict(session.get(Attempt, view.id).state)
    with pytest.raises(ReplyRefused) as caught:
        practice.reply(db, trainee, view.id, text)
    assert caught.value.code == code
    assert _counts(db, view.id) == (0, 0)
    with db.read() as session:
        assert session.get(Attempt, view.id).state == before


def test_a_reply_of_exactly_the_limit_is_taken(db: Database, trainee: Principal) -> None:
    view = practice.start_attempt(db, trainee, SCENARIO, seed=3)
    text = ("Hei, tervetuloa. " * 200)[: practice.MAX_REPLY_CHARS]
    practice.reply(db, trainee, view.id, text)
    assert _counts(db, view.id) == (1, 1)


def test_a_failure_between_engine_and_commit_leaves_no_partial_turn(
    db: Database, trainee: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = practice.start_attempt(db, trainee, SCENARIO, seed=3)
    practice.reply(db, trainee, view.id, REPLIES[0])
    with db.read() as session:
        state_before = dict(session.get(Attempt, view.id).state)

    def clash(session, attempt, record) -> None:  # type: ignore[no-untyped-def]
        # A real database error after the turn row and the attempt update were flushed:
        # a second row with the same (attempt_id, index) violates the unique constraint.
        session.add(Turn(attempt_id=attempt.id, index=record.index, reply="x", stage="empathy", trust=0.0,
                         client_line="", signals=[], findings=[], state={}))
        session.flush()

    monkeypatch.setattr(practice, "_after_turn_stored", clash)
    with pytest.raises(ServiceError):
        practice.reply(db, trainee, view.id, REPLIES[1])
    assert _counts(db, view.id) == (1, 1)
    with db.read() as session:
        assert session.get(Attempt, view.id).state == state_before
    monkeypatch.undo()
    turn = practice.reply(db, trainee, view.id, REPLIES[1])  # and the attempt goes on normally
    assert turn.index == 1


def test_a_double_submit_stores_the_turn_once(db: Database, trainee: Principal) -> None:
    view = practice.start_attempt(db, trainee, SCENARIO, seed=3)
    first = practice.reply(db, trainee, view.id, REPLIES[0], expected_index=0)
    second = practice.reply(db, trainee, view.id, REPLIES[0], expected_index=0)
    assert second == first
    assert _counts(db, view.id) == (1, 1)
    with pytest.raises(StaleReply):
        practice.reply(db, trainee, view.id, REPLIES[1], expected_index=0)
    assert _counts(db, view.id) == (1, 1)


def test_concurrent_double_submit_stores_one_turn(db: Database, trainee: Principal) -> None:
    view = practice.start_attempt(db, trainee, SCENARIO, seed=3)
    barrier = threading.Barrier(4)
    outcomes: list[object] = []

    def submit() -> None:
        barrier.wait()
        try:
            outcomes.append(practice.reply(db, trainee, view.id, REPLIES[0], expected_index=0))
        except ServiceError as error:
            outcomes.append(error)

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert _counts(db, view.id) == (1, 1)
    stored = [o for o in outcomes if not isinstance(o, ServiceError)]
    assert stored and all(o == stored[0] for o in stored)


def test_finished_attempt_is_read_only(db: Database, trainee: Principal) -> None:
    view = practice.start_attempt(db, trainee, SCENARIO, seed=3)
    for text in REPLIES[:3]:
        practice.reply(db, trainee, view.id, text)
    report = practice.end_attempt(db, trainee, view.id)
    with db.read() as session:
        attempt = session.get(Attempt, view.id)
        assert attempt.status == "finished" and attempt.finished_at is not None
        assert attempt.overall_score == report.overall and attempt.report["overall"] == report.overall
    with pytest.raises(AttemptFinished) as caught:
        practice.reply(db, trainee, view.id, REPLIES[3])
    assert caught.value.code == "finished"
    with pytest.raises(AttemptFinished):
        practice.hint(db, trainee, view.id)
    assert practice.end_attempt(db, trainee, view.id) == report  # idempotent, nothing rewritten
    assert _counts(db, view.id) == (3, 3)
    finished = practice.get_attempt(db, trainee, view.id)
    assert finished.finished and all(t.inner_thought is not None or True for t in finished.turns)


def test_a_trainee_cannot_open_or_act_on_another_trainees_attempt(db: Database, trainee: Principal) -> None:
    other = _user(db, "pekka")
    view = practice.start_attempt(db, trainee, SCENARIO, seed=3)
    practice.reply(db, trainee, view.id, REPLIES[0])
    for call in (
        lambda: practice.get_attempt(db, other, view.id),
        lambda: practice.reply(db, other, view.id, REPLIES[1]),
        lambda: practice.hint(db, other, view.id),
        lambda: practice.end_attempt(db, other, view.id),
        lambda: debrief_service.debrief(db, other, view.id),
        lambda: progress_service.progress(db, other, trainee.user_id),
    ):
        with pytest.raises(Forbidden) as caught:
            call()
        assert caught.value.reason == "not_your_attempt"
    assert _counts(db, view.id) == (1, 1)
    assert practice.active_attempt(db, other, SCENARIO) is None


def test_an_admin_may_read_but_not_reply(db: Database, trainee: Principal) -> None:
    admin = _user(db, "admin", "admin")
    view = practice.start_attempt(db, trainee, SCENARIO, seed=3)
    assert practice.get_attempt(db, admin, view.id).id == view.id
    with pytest.raises(Forbidden):
        practice.reply(db, admin, view.id, REPLIES[0])


def test_resume_from_stored_state_gives_the_same_next_line(db: Database, trainee: Principal) -> None:
    library = get_library()
    scenario = library.scenario(SCENARIO)
    rubric = library.rubric_for(scenario)
    uninterrupted = Simulation.start(scenario, rubric, seed=11)
    expected = [uninterrupted.reply(text) for text in REPLIES]

    view = practice.start_attempt(db, trainee, SCENARIO, seed=11)
    for text in REPLIES[:3]:
        practice.reply(db, trainee, view.id, text)
    # A "server restart": a fresh Database object on the same URL, nothing cached.
    fresh = Database(db.url)
    try:
        resumed = practice.get_attempt(fresh, trainee, view.id)
        assert [t.client_line for t in resumed.turns] == [e.client_line for e in expected[:3]]
        assert resumed.trust == expected[2].trust_after and resumed.stage == expected[2].stage_after
        for index, text in enumerate(REPLIES[3:], start=3):
            turn = practice.reply(fresh, trainee, view.id, text, expected_index=index)
            assert turn.client_line == expected[index].client_line
            assert turn.trust_after == expected[index].trust_after
            assert turn.stage_after == expected[index].stage_after
            assert [f.principle for f in turn.findings] == [f.principle for f in expected[index].findings]
    finally:
        fresh.dispose()


def test_hint_limit_is_three_and_each_is_stored(db: Database, trainee: Principal) -> None:
    view = practice.start_attempt(db, trainee, SCENARIO, seed=3)
    for used in range(1, practice.MAX_HINTS + 1):
        hint = practice.hint(db, trainee, view.id)
        assert hint.hints_used == used and hint.hints_left == practice.MAX_HINTS - used
        assert hint.text["fi"] and hint.text["en"] and hint.stage == "empathy"
    with pytest.raises(HintLimitReached) as caught:
        practice.hint(db, trainee, view.id)
    assert caught.value.code == "hint_limit"
    with db.read() as session:
        attempt = session.get(Attempt, view.id)
        assert attempt.hints_used == 3 and attempt.state["hints_used"] == 3
    practice.reply(db, trainee, view.id, REPLIES[0])
    report = practice.end_attempt(db, trainee, view.id)
    assert report.hints_used == 3


def test_debrief_compares_first_best_and_latest(db: Database, trainee: Principal) -> None:
    ids = []
    for replies in (REPLIES[:2], REPLIES, REPLIES[:4]):
        view = practice.start_attempt(db, trainee, SCENARIO, seed=5)
        for text in replies:
            practice.reply(db, trainee, view.id, text)
        practice.end_attempt(db, trainee, view.id)
        ids.append(view.id)
    debrief = debrief_service.debrief(db, trainee, ids[1])
    comparison = debrief.comparison
    assert comparison.count == 3
    assert comparison.first.id == ids[0] and comparison.latest.id == ids[2]
    scores = {s: practice.get_attempt(db, trainee, s).overall for s in ids}
    assert comparison.best.overall == max(scores.values())
    assert all(t.inner_thought is not None for t in debrief.attempt.turns if t.inner_thought is not None)
    assert any(t.inner_thought for t in debrief.attempt.turns)
    assert len(debrief.report.outcomes) == 4

    progress = progress_service.progress(db, trainee)
    assert [a.id for a in progress.attempts] == ids
    (per,) = progress.per_scenario
    assert per.attempts == 3 and per.latest.id == ids[2] and per.best.overall == max(scores.values())
    assert progress.principle_points


def test_debrief_of_an_active_attempt_waits_for_the_end(db: Database, trainee: Principal) -> None:
    view = practice.start_attempt(db, trainee, SCENARIO, seed=3)
    with pytest.raises(NotFinished):
        debrief_service.debrief(db, trainee, view.id)


def test_picker_cards_mark_the_attempt_to_resume(db: Database, trainee: Principal) -> None:
    view = practice.start_attempt(db, trainee, SCENARIO, seed=3)
    cards = catalogue.list_scenarios(trainee, db=db)
    card = next(c for c in cards if c.id == SCENARIO)
    assert card.active_attempt_id == view.id and card.learning_goals and card.client_name
    assert all(c.language == "en" for c in catalogue.list_scenarios(trainee, "en"))
    # the trainee's interface language first
    languages = [c.language for c in cards]
    assert languages == sorted(languages, key=lambda lang: lang != trainee.locale)
