"""Reactions to the reply's language and form: wrong language, emoji only, one word."""

from __future__ import annotations

import pytest

from simulator.engine.form import form_reaction, reply_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hei, miten sinulla menee tänään?", "fi"),
        ("Hello, how are you doing today?", "en"),
        ("Ok", None),
        ("Neema Amani Kongo", None),
    ],
)
def test_reply_language(text, expected) -> None:
    assert reply_language(text) == expected


def test_english_to_a_client_who_speaks_only_finnish(mini) -> None:
    scenario, _ = mini
    assert form_reaction("Can you tell me about your children, please?", scenario) == "wrong_language"
    assert form_reaction("Kerro lapsistasi, jos haluat.", scenario) is None


def test_a_client_who_speaks_english_follows_it(mini) -> None:
    scenario, _ = mini
    bilingual = scenario.model_copy(update={"persona": scenario.persona.model_copy(update={"speaks": ["fi", "en"]})})
    assert form_reaction("Can you tell me about your children, please?", bilingual) is None


@pytest.mark.parametrize("text", ["🙂", "👍👍", "...", "Lapset", "Työ?"])
def test_emoji_only_or_one_word_puzzles_the_client(mini, text) -> None:
    scenario, _ = mini
    assert form_reaction(text, scenario) == "puzzled"


@pytest.mark.parametrize("text", ["Hei!", "Kiitos.", "Tervetuloa!"])
def test_a_one_word_greeting_is_small_talk(mini, text) -> None:
    scenario, _ = mini
    assert form_reaction(text, scenario) is None
