"""The client that listens: answers by trust, the real question to the right question,
memory, recap slots, already-said, form reactions, no verbatim repeats, old states."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.content.library import load_library
from simulator.engine.state import SessionState
from simulator.session.simulation import Simulation

GREETING = "Hei, tervetuloa! Minä olen Sanna. Meillä on hyvin aikaa."
DATA = Path(__file__).resolve().parent.parent / "data"


def start(mini, trust: int | None = None, seed: int = 0) -> Simulation:
    scenario, rubric = mini
    simulation = Simulation.start(scenario, rubric, seed=seed)
    if trust is not None:
        simulation.state.trust = trust
    return simulation


def answer_ids(scenario, topic_id: str, level: str) -> set[str]:
    topic = next(t for t in scenario.topics if t.id == topic_id)
    return {line.id for line in getattr(topic.answers, level)}


def test_answers_follow_the_trust_band(mini) -> None:
    scenario, _ = mini
    for trust, level in ((20, "evasive"), (50, "partial"), (80, "full")):
        simulation = start(mini, trust)
        turn = simulation.reply("Onko teillä lapsia?")
        assert turn.line_kind == "topic" and turn.topic == "children"
        assert turn.client_line_id in answer_ids(scenario, "children", level), (trust, turn.client_line)


def test_a_very_specific_question_gets_one_level_more(mini) -> None:
    scenario, _ = mini
    turn = start(mini, 50).reply("Kuinka vanhoja lapsesi ovat?")  # an author's own wording: as specific as it gets
    assert turn.client_line_id in answer_ids(scenario, "children", "full")


def test_the_real_question_comes_out_to_its_question_with_enough_trust(mini) -> None:
    scenario, _ = mini
    simulation = start(mini, 60)
    turn = simulation.reply("Kuka hoitaa lapset, kun olet kurssilla?")
    assert turn.disclosed == ["real-question"] and turn.line_kind == "disclosure"
    assert turn.client_line == scenario.real_question.line.text


def test_without_trust_the_right_question_gets_a_guarded_answer(mini) -> None:
    scenario, _ = mini
    turn = start(mini, 20).reply("Kuka hoitaa lapset, kun olet kurssilla?")
    assert turn.disclosed == []
    guarded = answer_ids(scenario, "daycare", "evasive") | answer_ids(scenario, "daycare", "partial")
    assert turn.client_line_id in guarded, "a specific question may lift the evasive answer one level, not to the secret"


def test_listening_alone_no_longer_releases_a_disclosure_its_topic_owns(mini) -> None:
    simulation = start(mini, 70)
    for reply in (GREETING, "Kerro, mikä sinut tuo tänne?", "Mitä toivoisit tältä tapaamiselta?", "Kuulostaa siltä, että tämä on iso muutos."):
        simulation.reply(reply)
    assert "real-question" not in simulation.state.disclosed


def test_the_same_question_again_gets_already_said_with_the_earlier_answer(mini) -> None:
    simulation = start(mini, 50)
    first = simulation.reply("Mistä olet kotoisin?")
    again = simulation.reply("Mistä sinä olet kotoisin?")
    assert again.line_kind == "already_said" and again.topic == "origin"
    assert first.client_line in again.client_line and again.client_line != first.client_line


def test_more_trust_later_opens_a_fuller_answer_instead_of_already_said(mini) -> None:
    scenario, _ = mini
    simulation = start(mini, 50)
    simulation.reply("Mistä olet kotoisin?")
    simulation.state.trust = 90
    later = simulation.reply("Mistä maasta sinä tulet?")
    assert later.client_line_id in answer_ids(scenario, "origin", "full")


def test_an_unknown_question_gets_a_stable_in_character_answer(mini) -> None:
    scenario, _ = mini
    unknown = {line.text for line in scenario.fallbacks.unknown}
    one = start(mini, seed=1).reply("Mikä on lempivärisi?")
    other = start(mini, seed=2).reply("Mikä on lempivärisi?")
    assert one.client_line in unknown and one.client_line == other.client_line and one.line_kind == "unknown"
    assert one.question == "Mikä on lempivärisi?"


def test_a_reply_in_a_language_the_client_lacks(mini) -> None:
    scenario, _ = mini
    turn = start(mini).reply("Hello, can you tell me a little about your family?")
    assert "wrong_language" in turn.reactions
    assert turn.client_line in {line.text for line in scenario.fallbacks.wrong_language}


def test_emoji_only_puzzles_the_client(mini) -> None:
    scenario, _ = mini
    turn = start(mini).reply("🙂👍")
    assert "puzzled" in turn.reactions
    assert turn.client_line in {line.text for line in scenario.fallbacks.puzzled}


def test_nobody_asked_is_impossible_after_the_question(mini) -> None:
    scenario, _ = mini
    asked = start(mini, 50)
    asked.reply("Onko sinulla lapsia?")
    asked.state.stage = "advisory"
    said = {asked.reply(text).client_line_id for text in ("Selvä.", "Kielikurssi on maksuton.", "Sovitaan niin.", "Hyvä.")}
    assert "a-unasked" not in said


def test_a_relief_line_needs_its_key_point_explained(mini) -> None:
    simulation = start(mini, 90)
    simulation.state.stage = "farewell"
    said = {simulation.reply(text).client_line_id for text in ("Kiitos.", "Hyvä, että tulit.", "Nähdään.", "Kaikki hyvin.")}
    assert "f-relief" not in said


def test_the_recap_uses_the_day_and_time_the_worker_named(mini) -> None:
    simulation = start(mini, 90)
    simulation.state.stage = "farewell"
    simulation.reply("Sovitaan, että tavataan tiistaina klo 10.")
    texts = [simulation.reply(text).client_line for text in ("Kiitos kun tulit.", "Hyvää päivänjatkoa.", "Nähdään.")]
    assert not any("torstai" in text for text in texts)
    recaps = [text for text in texts if text.startswith("Eli ")]
    assert all("tiistaina" in text for text in recaps)
    assert simulation.state.named["day"] == ["tiistaina"] and simulation.state.named["time"] == ["10"]


def test_no_recap_without_a_named_day(mini) -> None:
    simulation = start(mini, 90)
    simulation.state.stage = "farewell"
    ids = {simulation.reply(text).client_line_id for text in ("Kiitos.", "Hyvä.", "Nähdään.", "Hei hei.", "Kaikki hyvin.")}
    assert not ids & {"f-recap", "f-recap-mid"}


def test_key_points_are_understood_by_meaning(mini) -> None:
    simulation = start(mini, 60)
    turn = simulation.reply("Sinun kannattaa rekisteröityä työnhakijaksi netissä, niin saat tukea.")
    assert "kp-register" in turn.key_points


REPLY_POOL = [
    GREETING, "Mistä olet kotoisin?", "Onko sinulla lapsia?", "Kerro lisää.", "Selvä.", "🙂", "Hello there friend",
    "Kielikurssi alkaa tammikuussa.", "Mitä teit työksesi?", "Kuka hoitaa lapset, kun olet kurssilla?",
    "Sovitaan, että tavataan torstaina klo 9.", "Kiitos.", "Mikä on lempivärisi?", "Ymmärrän.", "Okei",
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(replies=st.lists(st.sampled_from(REPLY_POOL), min_size=10, max_size=40), seed=st.integers(0, 50))
def test_no_line_is_said_twice_in_a_meeting(mini, replies, seed) -> None:
    simulation = start(mini, seed=seed)
    for reply in replies:
        simulation.reply(reply)
    said = [simulation.state.opening_line, *(turn.client_line for turn in simulation.state.turns)]
    assert len(said) == len(set(said)), [text for text in said if said.count(text) > 1]


def test_a_state_stored_by_the_pre_memory_engine_restores_and_continues() -> None:
    stored = (DATA / "state_v1_fi-kiintiopakolainen.json").read_text(encoding="utf-8")
    library = load_library()
    scenario = library.scenario("fi-kiintiopakolainen")
    old = SessionState.model_validate_json(stored)
    assert old.version == 1 and old.topics_asked == [] and old.named == {}
    simulation = Simulation.restore(scenario, library.rubric_for(scenario), stored)
    turn = simulation.reply("Sovitaan, että nähdään torstaina.")
    assert turn.index == len(old.turns)
    again = SessionState.model_validate_json(simulation.state.model_dump_json())
    assert again.named.get("day") == ["torstaina"]
