"""Numbers, dates and plurals through Babel, in the installation's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from simulator.service import formatting

EVENING = datetime(2026, 12, 6, 20, 19, tzinfo=UTC)  # 22.19 in Helsinki (UTC+2 in winter)
SUMMER = datetime(2026, 6, 6, 20, 19, tzinfo=UTC)  # 23.19 in Helsinki (UTC+3 in summer)


@pytest.fixture(autouse=True)
def default_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(formatting.TIMEZONE_ENV, raising=False)


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [(EVENING, "fi", "6.12.2026 klo 22.19"), (SUMMER, "fi", "6.6.2026 klo 23.19"), (EVENING, "en", "Dec 6, 2026 10:19 PM")],
    ids=["fi-winter", "fi-summer", "en"],
)
def test_moments_are_local_and_written_the_languages_way(value: datetime, language: str, expected: str) -> None:
    assert formatting.moment(value, language).replace("\u202f", " ") == expected


def test_the_time_zone_is_configurable_and_a_bad_name_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(formatting.TIMEZONE_ENV, "UTC")
    assert formatting.moment(EVENING, "fi") == "6.12.2026 klo 20.19"
    monkeypatch.setenv(formatting.TIMEZONE_ENV, "Not/AZone")
    assert formatting.moment(EVENING, "fi") == "6.12.2026 klo 22.19"


def test_a_naive_time_is_taken_as_utc() -> None:
    assert formatting.moment(EVENING.replace(tzinfo=None), "fi") == "6.12.2026 klo 22.19"


def test_days_and_missing_values() -> None:
    assert formatting.day(date(2026, 12, 6), "fi") == "6.12.2026"
    assert formatting.day(datetime(2026, 12, 6, 23, 30, tzinfo=UTC), "fi") == "7.12.2026", "local date, not UTC's"
    assert formatting.day(None, "fi") == formatting.moment(None, "en") == "–"


@pytest.mark.parametrize(
    ("value", "digits", "fi", "en"),
    [(6.834, 2, "6,83", "6.83"), (1234, 0, "1\u00a0234", "1,234"), (None, 0, "–", "–")],
    ids=["decimal", "grouping", "none"],
)
def test_numbers_use_the_languages_signs(value: float | None, digits: int, fi: str, en: str) -> None:
    assert formatting.number(value, "fi", digits=digits) == fi
    assert formatting.number(value, "en", digits=digits) == en


def test_short_numbers_drop_trailing_zeros() -> None:
    assert [formatting.short_number(v, "fi") for v in (0.5, 1.0, 6.83)] == ["0,5", "1", "6,83"]


@pytest.mark.parametrize(("language", "count", "category"), [("fi", 1, "one"), ("fi", 2, "other"), ("fi", 0, "other"),
                                                             ("en", 1, "one"), ("en", 0, "other"), ("sv", 1, "one")])
def test_plural_categories_come_from_cldr(language: str, count: int, category: str) -> None:
    assert formatting.plural_category(language, count) == category


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [("Kerro lisää", "fi", "”Kerro lisää”"), ("”Kerro lisää”", "fi", "”Kerro lisää”"), ('"Tell me"', "en", "“Tell me”"),
     ("Kysy: ”Mitä kuuluu?”", "fi", "Kysy: ”Mitä kuuluu?”"), ("Et's go", "en", "“Et's go”")],
    ids=["bare", "already-quoted-fi", "already-quoted-en", "contains-a-quotation", "apostrophe"],
)
def test_quotes_are_never_doubled(text: str, language: str, expected: str) -> None:
    assert formatting.quoted(text, language) == expected
