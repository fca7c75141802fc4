"""What the worker named (days, dates, times) and the slots filled from it."""

from __future__ import annotations

import pytest

from simulator.engine.memory import day_number, extract_named, fill, merge_named, slot_values

NAMED = [
    ("fi", "Nähdään torstaina.", "day", "torstaina"),
    ("fi", "Soitan sinulle ensi tiistaina klo 9.30.", "time", "9.30"),
    ("fi", "Tavataan ke 12.1. kello 10.", "date", "ke 12.1."),
    ("fi", "Tavataan ke 12.1. kello 10.", "time", "10"),
    ("en", "See you on Thursday.", "day", "Thursday"),
    ("en", "I'll call you at 10.", "time", "10"),
    ("en", "The deadline is the 15th.", "date", "the 15th"),
    ("en", "Come back on March 3 at 2 pm.", "date", "March 3"),
    ("en", "Let's meet at 14:30 tomorrow.", "time", "14:30"),
]


@pytest.mark.parametrize(("language", "text", "kind", "expected"), NAMED, ids=[f"{k}: {t}" for _, t, k, _ in NAMED])
def test_named_days_dates_and_times(language, text, kind, expected) -> None:
    assert expected in extract_named(text, language).get(kind, [])


@pytest.mark.parametrize(
    ("language", "text"),
    [("fi", "Olen ollut täällä kolme vuotta."), ("en", "I worked there for 11 years."), ("en", "About 80 percent."),
     ("fi", "Lähetän kutsun huomenna."), ("en", "I'll send it tomorrow.")],
)
def test_numbers_and_relative_days_are_no_day_time_or_date(language, text) -> None:
    named = extract_named(text, language)
    assert "time" not in named and "date" not in named and "day" not in named


def test_the_latest_mention_wins_the_slot() -> None:
    named: dict[str, list[str]] = {}
    merge_named(named, extract_named("Soitan tiistaina.", "fi"))
    merge_named(named, extract_named("Ei kun torstaina, anteeksi.", "fi"))
    assert slot_values(named, "fi")["day"] == "torstaina"


def test_a_line_with_an_unfilled_slot_is_not_said() -> None:
    assert fill("Eli {day} kello {time}.", {"day": "torstaina"}) is None
    assert fill("Eli {day} kello {time}.", {"day": "torstaina", "time": "10"}) == "Eli torstaina kello 10."
    assert fill("Ei paikkoja.", {}) == "Ei paikkoja."


def test_days_compare_across_languages() -> None:
    assert day_number("torstaina") == day_number("Thursday") == 3
    assert day_number("huomenna") is None
