"""One-time passwords are read off paper: no character may be mistaken for another."""

from __future__ import annotations

from simulator.service._passwords import LENGTH, one_time_password

CONFUSABLE = set("0Oo1lI")


def test_one_time_passwords_avoid_confusable_characters_and_differ() -> None:
    drawn = [one_time_password() for _ in range(500)]
    assert all(len(p) == LENGTH for p in drawn)
    assert not CONFUSABLE & set("".join(drawn))
    assert all(p.isalnum() and p.isascii() for p in drawn)
    assert len(set(drawn)) == len(drawn)
