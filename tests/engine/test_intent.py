"""Routing replies to topics: per class of wording, asks versus tells, ambiguity, caching."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simulator.engine.intent import decide, route, topic_index
from simulator.engine.matcher import IntentIndex, Match

DATA = Path(__file__).resolve().parent.parent / "data" / "routing"
MINI_CASES = yaml.safe_load((DATA / "mini-client.yaml").read_text(encoding="utf-8"))
ENGLISH = yaml.safe_load((DATA / "english.yaml").read_text(encoding="utf-8"))


def _cases(groups: dict) -> list:
    return [pytest.param(case, id=f"{group}: {case['reply']}") for group, cases in groups.items() for case in cases]


@pytest.mark.parametrize("case", _cases(MINI_CASES))
def test_finnish_replies_route_to_the_topic_they_ask_about(mini, case) -> None:
    scenario, _ = mini
    routed = route(topic_index(scenario), case["reply"], "fi")
    assert routed.kind == case["kind"]
    if case["kind"] == "ask":
        assert routed.topic == case["topic"], routed
    assert routed.general == case.get("general", False)


@pytest.fixture(scope="module")
def english_index() -> IntentIndex:
    return IntentIndex.build("en", list(ENGLISH["items"].items()))


@pytest.mark.parametrize("case", _cases(ENGLISH["cases"]))
def test_english_replies_route_to_the_topic_they_ask_about(english_index, case) -> None:
    routed = route(english_index, case["reply"], "en")
    assert routed.kind == case["kind"]
    if case["kind"] == "ask":
        assert routed.topic == case["topic"], routed


def test_an_unmatched_question_keeps_its_sentence_for_the_authors(mini) -> None:
    scenario, _ = mini
    routed = route(topic_index(scenario), "Hei vaan. Mikä on lempivärisi?", "fi")
    assert routed.unmatched and routed.question == "Mikä on lempivärisi?"


def test_the_question_sentence_is_routed_not_the_greeting(mini) -> None:
    scenario, _ = mini
    routed = route(topic_index(scenario), "Hei ja tervetuloa, kiva kun tulit. Mistä olet kotoisin?", "fi")
    assert routed.kind == "ask" and routed.topic == "origin"


def test_two_close_topics_are_not_guessed() -> None:
    winner, close, _ = decide([Match("a", 0.61), Match("b", 0.6), Match("c", 0.2)])
    assert winner is None and close == ("a", "b")
    winner, close, _ = decide([Match("a", 0.7), Match("b", 0.4)])
    assert winner == "a" and close == ()


def test_a_question_word_alone_matches_nothing(mini) -> None:
    scenario, _ = mini
    assert topic_index(scenario).score("Mikä on sinun lempiruokasi?") == []


def test_indexes_are_built_once_per_scenario(mini) -> None:
    scenario, _ = mini
    assert topic_index(scenario) is topic_index(scenario)


def test_the_question_word_steers_between_topics_sharing_content_words() -> None:
    """"Kuka sulla on täällä Suomessa?" asks for people: the family topic (whose examples
    ask *kuka*), not the time-in-Finland topic that owns the word *Suomessa*."""
    from simulator.content.library import get_library
    from simulator.engine.intent import parse, sentence_types, sentence_units

    scenario = get_library().scenario("fi-kiintiopakolainen")
    index = topic_index(scenario)
    assert index is not None
    question = "Kuka sulla on täällä Suomessa?"
    parsed = parse(question)
    units = sentence_units(parsed, 0, "fi")
    without_type = decide(index.score_units(units))
    assert without_type[0] is None and "aika-suomessa" in without_type[1], "the content words alone cannot tell"
    assert sentence_types(parsed, 0, "fi") == {"who"}
    assert route(index, question, "fi").topic == "perhe"


def test_declared_question_types_replace_the_inferred_ones() -> None:
    items = [("home", ["Missä asut?", "Millainen asunto sulla on?"]), ("work", ["Mitä työtä teet?", "Missä olet töissä?"])]
    inferred = IntentIndex.build("fi", items)
    assert inferred.item_types(0) == {"where"}
    assert inferred.item_types(1) == {"what_work", "where"}
    declared = IntentIndex.build("fi", items, [[], ["what_work"]])
    assert declared.item_types(1) == {"what_work"}
    assert inferred.item_types(0, exclude=0) == frozenset(), "held out, its one typed example is not seen"


@pytest.mark.parametrize(
    ("language", "text", "kind"),
    [
        ("en", "Could you bring your last Kela decision?", "tell"),
        ("en", "Could you tell me about your family?", "ask"),
        ("fi", "Voisitko tuoda Kelan päätöksen torstaina?", "tell"),
        ("fi", "Voisitko kertoa vähän perheestäsi?", "ask"),
    ],
)
def test_a_polite_request_to_act_is_no_question_about_the_clients_life(language: str, text: str, kind: str) -> None:
    assert route(None, text, language).kind == kind


@pytest.mark.parametrize(
    ("text", "last"),
    [
        ("How long did you do that?", "work"),
        ("And what was it like there?", "origin"),
        ("And what was it like there?", "work"),
        ("And the eldest?", "children"),
    ],
)
def test_a_short_follow_up_asks_about_the_topic_answered_just_before(english_index, text: str, last: str) -> None:
    assert route(english_index, text, "en", last_topic=last).topic == last


def test_a_follow_up_with_its_own_subject_is_routed_by_that_subject(english_index) -> None:
    routed = route(english_index, "And what languages do you speak?", "en", last_topic="work")
    assert routed.topic == "languages"
