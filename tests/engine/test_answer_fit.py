"""Which client lines fit a number question: an age or a span, a plain number, or anything."""

from __future__ import annotations

import pytest

from simulator.content.scenario import ClientLine
from simulator.engine.answer_fit import by_fit, fits


def _line(text: str) -> ClientLine:
    return ClientLine(id="x", text=text)


@pytest.mark.parametrize(
    ("text", "types", "expected"),
    [
        ("Neljä lapsi. Iso poika koulu, tyttö eskari.", frozenset({"how_old"}), False),
        ("Ja Neema, yksitoista kuukausi.", frozenset({"how_old"}), True),
        ("Kaksikymmentäviisi vuotta samassa firmassa.", frozenset({"how_long"}), True),
        ("Eleven years on the ward, mostly nights.", frozenset({"how_long"}), True),
        ("Two kids, both at school.", frozenset({"how_old"}), False),
        ("Two kids, both at school.", frozenset({"how_many"}), True),
        ("At the school, mostly.", frozenset({"how_many"}), False),
        ("At the school, mostly.", frozenset({"where"}), True),
    ],
)
def test_a_line_fits_when_it_states_what_the_question_wants(text: str, types: frozenset[str], expected: bool) -> None:
    assert fits(_line(text), types) is expected


def test_an_age_question_ranks_ages_before_counts_before_the_rest() -> None:
    age = _line("The boy is nine years old.")
    count = _line("Four children.")
    other = _line("They are fine.")
    tiers = by_fit([other, count, age], frozenset({"how_old"}))
    assert tiers[0] == [age] and tiers[1] == [count] and tiers[2] == [other, count, age]
