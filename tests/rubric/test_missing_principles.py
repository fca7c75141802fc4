"""What a debrief lists as 'to practise' when the meeting showed no fault.

A principle about handling a situation (bad news needs a way forward) is not missed in a
meeting where the situation never arose; a core principle the worker simply skipped is.
"""

from __future__ import annotations

from simulator.content.library import get_library
from simulator.session.simulation import Simulation

NO_BAD_NEWS = [  # a sound meeting with no bad news to give and no question about the client's view
    "Moi! Mä oon Leena. Tervetuloa.",
    "Onks teillä muita lapsia kuin tämä vauva?",
    "Mitä sä teit siellä leirillä?",
    "Mikä on sulle tänään tärkein asia?",
    "Kuulostaa siltä, että haluat kurssille, mutta mietit kuka hoitaa Neeman ja Amanin.",
    "Päiväkoti on kaikille lapsille, myös kun äiti on kurssilla. Maksu riippuu tuloista, teille se on luultavasti nolla euroa.",
    "En aio katsoa konetta nyt, juttelen vaan sun kanssa. Haetaan paikka yhdessä tulkin kanssa.",
    "Kerrotko omin sanoin, mitä sovittiin?",
    "Nähdään tiistaina kello 10. Ota lasten paperit mukaan. Kiitos Furaha!",
]


def _to_practise(replies: list[str]) -> set[str]:
    library = get_library()
    scenario = library.scenario("fi-kiintiopakolainen")
    simulation = Simulation.start(scenario, library.rubric_for(scenario), seed=0)
    for reply in replies:
        simulation.reply(reply)
    return {item.principle for item in simulation.end().to_practise}


def test_bad_news_principle_is_not_missed_when_no_bad_news_was_given() -> None:
    assert "advisory.bad_news_with_way_out" not in _to_practise(NO_BAD_NEWS)


def test_a_skipped_core_principle_is_still_listed() -> None:
    # No reply asks what the client thinks of the information: that is worth practising.
    assert "advisory.check_understanding" in _to_practise(NO_BAD_NEWS)
