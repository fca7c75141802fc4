"""What the worker named in a reply (weekdays, dates, clock times, tasks), and slot filling.

Why: the client may only refer back to what was really said. A farewell line such as
"Eli {day} kello {time}" is said only when the worker named a day and a time, and then
with the worker's own words, so the recap never invents a plan.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping

from simulator.engine.matcher import fold

# Weekday stems (folded) -> canonical weekday number; Finnish stems take any case ending.
_FI_DAYS = ("maanantai", "tiistai", "keskiviikko", "torstai", "perjantai", "lauantai", "sunnuntai")
_EN_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_FI_DAY_RE = re.compile(r"\b(?:" + "|".join(_FI_DAYS) + r")[a-zäö]*", re.IGNORECASE)
_EN_DAY_RE = re.compile(r"\b(?:" + "|".join(_EN_DAYS) + r")s?\b", re.IGNORECASE)
# Only weekdays are days: "huomenna" in "I'll send the invitation tomorrow" beside "the
# meeting is on the 12th at 15" would make a recap say "tomorrow at 15".

_MONTHS_EN = "january february march april may june july august september october november december".split()
_DATE_RES = (
    re.compile(r"(?<![\d.])(?:(?:ma|ti|ke|to|pe|la|su)\s+)?([0-3]?\d)\.\s?([01]?\d)\.(?:(?:19|20)\d\d)?(?![\d])", re.IGNORECASE),
    re.compile(r"\b(?:the\s+)?([0-3]?\d)(?:st|nd|rd|th)\b(?:\s+of\s+(?:" + "|".join(_MONTHS_EN) + r"))?", re.IGNORECASE),
    re.compile(r"\b(?:" + "|".join(_MONTHS_EN) + r")\s+[0-3]?\d(?:st|nd|rd|th)?\b", re.IGNORECASE),
    re.compile(r"\b[0-3]?\d\s+(?:" + "|".join(_MONTHS_EN) + r")\b", re.IGNORECASE),
    re.compile(r"\b[0-3]?\d\.\s?(?:päivä|paiva)[a-zäö]*", re.IGNORECASE),  # "15. päivä"
)
_TIME_RES = (
    re.compile(r"\b(?:klo|kello|kl\.)\s*([0-2]?\d(?:[.:][0-5]\d)?)", re.IGNORECASE),
    re.compile(r"\bat\s+([0-2]?\d(?:[.:][0-5]\d)?(?:\s?[ap]\.?m\.?)?)(?!\d|[.:]\d)(?!\s*(?:%|€|euro|percent|years?|days?|weeks?|months?))", re.IGNORECASE),
    re.compile(r"(?<![\d.:])([0-2]?\d[:][0-5]\d)(?![\d])"),
    re.compile(r"\b([0-1]?\d\s?[ap]\.?m\.?)", re.IGNORECASE),
)
# Signals whose sentence is a task for the client. A next step is usually the worker's
# appointment ("I'll see you on Thursday at 10"), which the day and time slots already carry;
# in the client's recap it read as the client saying the worker's words back.
TASK_SIGNALS = frozenset({"homework"})

Named = dict[str, list[str]]


def extract_named(text: str, language: str) -> Named:
    """The days, dates and times a reply names, in the worker's own words, in text order."""
    found: Named = {}
    day_res = (_FI_DAY_RE,) if language == "fi" else (_EN_DAY_RE,)
    days = sorted((m.start(), m.group(0)) for regex in day_res for m in regex.finditer(text))
    if days:
        found["day"] = [word for _, word in days]
    dates: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for regex in _DATE_RES:
        for m in regex.finditer(text):
            if not any(m.start() < end and start < m.end() for start, end in taken):
                taken.append((m.start(), m.end()))
                dates.append((m.start(), m.group(0).strip()))
    if dates:
        found["date"] = [word for _, word in sorted(dates)]
    times: list[tuple[int, str]] = []
    time_taken: list[tuple[int, int]] = []
    for regex in _TIME_RES:
        for m in regex.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in (*taken, *time_taken)):
                continue
            time_taken.append((m.start(), m.end()))
            times.append((m.start(), m.group(1).strip()))
    if times:
        found["time"] = [word for _, word in sorted(times)]
    return found


def merge_named(into: Named, new: Mapping[str, Iterable[str]]) -> None:
    """Add ``new`` to ``into``; the latest mention goes last (the recap uses the last one)."""
    for kind, words in new.items():
        bucket = into.setdefault(kind, [])
        for word in words:
            if word in bucket:
                bucket.remove(word)
            bucket.append(word)


def slot_values(named: Mapping[str, list[str]], language: str) -> dict[str, str]:
    """Values for the line slots: the last day, date and time, and every task."""
    values = {kind: words[-1] for kind, words in named.items() if words and kind in {"day", "date", "time"}}
    tasks = named.get("task") or []
    if tasks:
        joiner = " ja " if language == "fi" else " and "
        values["tasks"] = joiner.join(task.rstrip(".!") for task in tasks[-2:])
    return values


_SLOT_NAME = {"day": "day", "date": "date", "time": "time", "tasks": "task"}


def slots_in(text: str) -> set[str]:
    """The slot names a line text uses (``{day}`` ...); unknown braces are no slots."""
    names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    return names


def fill(text: str, values: Mapping[str, str]) -> str | None:
    """The text with its slots filled, or None when a slot has no value."""
    try:
        names = slots_in(text)
    except ValueError:
        return text
    if not names:
        return text
    if any(name not in values for name in names):
        return None
    try:
        return text.format_map(dict(values))
    except (KeyError, ValueError, IndexError):
        return None


def day_number(word: str) -> int | None:
    """0 for Monday ... 6 for Sunday, for comparing days across languages."""
    folded = fold(word.lower())
    for number, (fi_day, en_day) in enumerate(zip(_FI_DAYS, _EN_DAYS)):
        if folded.startswith(fold(fi_day)) or folded.startswith(en_day):
            return number
    return None
