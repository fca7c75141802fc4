"""Question types: the interrogative (and its colloquial forms) says what kind of answer is wanted."""

from __future__ import annotations

import pytest

from simulator.engine.matcher import fold
from simulator.engine.question_types import question_types
from simulator.language.text import tokenise

CASES = [
    ("fi", "Kuka teillä asuu kotona?", {"who"}),
    ("fi", "Kuka sul on täällä?", {"who"}),
    ("fi", "Kenen kanssa vietät päivät?", {"who"}),
    ("fi", "Keitä sun perheeseen kuuluu?", {"who"}),
    ("fi", "Missä te asutte?", {"where"}),
    ("fi", "Mis sä asut?", {"where"}),
    ("fi", "Mistä olet kotoisin?", {"where"}),
    ("fi", "Milloin tulitte Suomeen?", {"when"}),
    ("fi", "Koska sä tulit tänne?", {"when"}),
    ("fi", "Kauanko olette olleet täällä?", {"how_long"}),
    ("fi", "Kuinka kauan olit leirillä?", {"how_long"}),
    ("fi", "Kauan sä oot ollu täällä?", {"how_long"}),
    ("fi", "Kuinka monta vuotta kävit koulua?", {"how_long"}),
    ("fi", "Montako lasta sulla on?", {"how_many"}),
    ("fi", "Kuinka monta lasta teillä on?", {"how_many"}),
    ("fi", "Paljonko vuokra on?", {"how_many"}),
    ("fi", "Minkä ikäisiä lapset ovat?", {"how_old"}),
    ("fi", "Minkä ikäsiä sun lapset on?", {"how_old"}),
    ("fi", "Kuinka vanha vauva on?", {"how_old"}),
    ("fi", "Mitä teit ennen Suomeen tuloa?", {"what_work"}),
    ("fi", "Millaista työtä olet tehnyt?", {"what_work"}),
    ("fi", "Miksi lopetit koulun?", {"why"}),
    ("fi", "Miks sä lähit?", {"why"}),
    ("en", "Who do you live with?", {"who"}),
    ("en", "Where are you from?", {"where"}),
    ("en", "What country did you grow up in?", {"where"}),
    ("en", "When did you arrive?", {"when"}),
    ("en", "How long have you been here?", {"how_long"}),
    ("en", "How many years did you go to school?", {"how_long"}),
    ("en", "How many kids do you have?", {"how_many"}),
    ("en", "How old are your kids?", {"how_old"}),
    ("en", "What did you do back home?", {"what_work"}),
    ("en", "What kind of work were you doing?", {"what_work"}),
    ("en", "Why did you quit?", {"why"}),
    ("en", "How come you left?", {"why"}),
]

UNTYPED = [
    ("fi", "Mistä haluaisit tänään puhua?"),  # "mistä" governed by the verb: about what, not where from
    ("fi", "Ikävöitkö kotimaatasi?"),  # ikävä is longing, not age
    ("fi", "Onks teillä lapsia?"),  # a yes/no question asks no kind of answer
    ("en", "Do you have kids?"),
    ("en", "How are you?"),
]


def _types(text: str, language: str) -> frozenset[str]:
    return question_types([fold(token.norm) for token in tokenise(text).tokens], language)


@pytest.mark.parametrize(("language", "text", "expected"), CASES, ids=[case[1] for case in CASES])
def test_interrogatives_carry_their_question_type(language: str, text: str, expected: set[str]) -> None:
    assert _types(text, language) == expected


@pytest.mark.parametrize(("language", "text"), UNTYPED, ids=[case[1] for case in UNTYPED])
def test_other_questions_carry_no_type(language: str, text: str) -> None:
    assert _types(text, language) == frozenset()
