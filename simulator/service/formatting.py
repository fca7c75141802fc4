"""Numbers, dates, times and plural forms for people, through Babel (CLDR data).

Why here: the pages and the exports (Markdown, PDF) must write "6,83" and "6.12.2026 klo
22.19" the same way, and the exports live in the service layer, which may not import the
UI. Languages are CLDR locale codes ("fi", "en"; "sv" works as soon as its translations
exist). Times are stored in UTC and shown in the installation's time zone,
``$KOHTAAMO_TIMEZONE`` (an IANA name, default ``Europe/Helsinki``).
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers

TIMEZONE_ENV: Final = "KOHTAAMO_TIMEZONE"
DEFAULT_TIMEZONE: Final = "Europe/Helsinki"
FALLBACK_LOCALE: Final = "fi"


@lru_cache(maxsize=8)
def locale(language: str) -> Locale:
    """The CLDR locale for a language code; Finnish when the code is unknown."""
    try:
        return Locale.parse(language or FALLBACK_LOCALE)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(FALLBACK_LOCALE)


@lru_cache(maxsize=4)
def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def timezone() -> tzinfo:
    """The installation's time zone (``$KOHTAAMO_TIMEZONE``; an unknown name falls back to Helsinki)."""
    return _zone(os.environ.get(TIMEZONE_ENV, "").strip() or DEFAULT_TIMEZONE)


def local(value: datetime) -> datetime:
    """``value`` in the installation's time zone (a naive value is taken as UTC, as stored)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(timezone())


def plural_category(language: str, count: float) -> str:
    """The CLDR plural category of ``count`` in ``language`` ("one", "other", ...)."""
    return locale(language).plural_form(abs(count))


def number(value: float | int | None, language: str, *, digits: int = 0) -> str:
    """A number with the language's decimal sign and grouping; "–" for no value."""
    if value is None:
        return "–"
    if digits <= 0:
        return babel_numbers.format_decimal(round(value), format="#,##0", locale=locale(language))
    pattern = "#,##0." + "0" * digits
    return babel_numbers.format_decimal(value, format=pattern, locale=locale(language))


def short_number(value: float | int, language: str) -> str:
    """Up to two decimals, trailing zeros dropped (``0,5``, ``1``, ``6,83``)."""
    return babel_numbers.format_decimal(value, format="#,##0.##", locale=locale(language))


def day(value: date | datetime | None, language: str) -> str:
    """A date as people write it (``6.12.2026``, ``Dec 6, 2026``); "–" for none."""
    if value is None:
        return "–"
    if isinstance(value, datetime):
        value = local(value).date()
    return babel_dates.format_date(value, format="medium" if language != "fi" else "d.M.yyyy", locale=locale(language))


def moment(value: datetime | None, language: str) -> str:
    """A date and time in the installation's time zone (``6.12.2026 klo 22.19``)."""
    if value is None:
        return "–"
    when = local(value)
    if language == "fi":
        return babel_dates.format_datetime(when, format="d.M.yyyy 'klo' H.mm", locale=locale(language))
    return f"{day(when, language)} {time_of_day(when, language)}"


def time_of_day(value: datetime, language: str) -> str:
    """Only the time, in the installation's time zone."""
    return babel_dates.format_time(local(value), format="short", locale=locale(language))


QUOTES: Final = {"fi": ("\u201d", "\u201d"), "sv": ("\u201d", "\u201d"), "en": ("\u201c", "\u201d")}
_QUOTE_CHARS: Final = "\"'\u201c\u201d\u201e\u00ab\u00bb\u2018\u2019"
_QUOTATION_MARKS: Final = "\"\u201c\u201d\u201e\u00ab\u00bb"  # not apostrophes, which occur inside words


def quoted(text: str, language: str) -> str:
    """``text`` once in the language's quotation marks.

    Text that already quotes something (an example like ``Kysy: ”Mitä kuuluu?”``) is an
    instruction that contains its own quotation, and is left as written: wrapping it
    again gave ``””...””``.
    """
    start, end = QUOTES.get(language, QUOTES["en"])
    core = text.strip()
    while len(core) >= 2 and core[0] in _QUOTE_CHARS and core[-1] in _QUOTE_CHARS:
        core = core[1:-1].strip()
    if any(mark in core for mark in _QUOTATION_MARKS):
        return text.strip()
    return f"{start}{core}{end}"
