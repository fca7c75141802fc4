"""Whether a client line fits the kind of answer a question wants (a number, an age, a span).

Why: a topic's lines at one level differ in what they state. "How many children?" wants a
line with a number; "How old is the youngest?" and "How many years were you there?" want a
number *of years, months or weeks*, which "Four children, the big boy at school" does not
give although it holds a number. The client (``client._answer``) picks a fitting line
first and climbs a level when the level it would use has none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from simulator.content.scenario import ClientLine

_NUMBER = (
    r"\d|\b(yk?si|kaks|kaksi|kolme|neljä|viis|viisi|kuus|kuusi|seitsemän|seittemän|kahdeksan|kaheksan|yhdeksän"
    r"|yheksän|kymmenen|\w+toista|\w*kymmentä|\w*kyt|sata|\w+sataa|tuhat|puoli|one|two|three|four|five|six"
    r"|seven|eight|nine|ten|eleven|twelve|\w+teen|twenty|thirty|forty|fifty|sixty|hundred|half|once|twice)\b"
)
# A line that states a number (digits or a number word): what a how-many question wants.
NUMBER_RE = re.compile(_NUMBER, re.IGNORECASE)
# A number of time units (an age or a span): "yksitoista kuukausi", "kymmenen vuotta",
# "eleven years", "25-vuotias", "kaks viikkoo"; at most one word between.
# Finnish writes compounds as one word ("kaksikymmentäviisi"), so the number may sit inside one.
_ANY_NUMBER = r"\d+|\b\w*?(?:" + _NUMBER.split("\\b(", 1)[1].rsplit(")\\b", 1)[0] + r")\w*"
MEASURE_RE = re.compile(
    rf"(?:{_ANY_NUMBER})[\w-]*\W+(?:\w+\W+)?(?:vuo|kuuka|kk\b|viik|viiko|päiv|year|yr|month|week|day)",
    re.IGNORECASE,
)
NUMERIC = frozenset({"when", "how_long", "how_many", "how_old"})
MEASURED = frozenset({"how_long", "how_old"})


def fits(line: ClientLine, types: frozenset[str]) -> bool:
    """The line states what the question's types want (any line fits an untyped question)."""
    if types & MEASURED:
        return bool(MEASURE_RE.search(line.text)) or ("-vuotia" in line.text or "vuotias" in line.text)
    if types & NUMERIC:
        return bool(NUMBER_RE.search(line.text))
    return True


def any_fits(lines: Sequence[ClientLine], types: frozenset[str]) -> bool:
    return any(fits(line, types) for line in lines)


def by_fit(lines: Sequence[ClientLine], types: frozenset[str]) -> list[list[ClientLine]]:
    """The lines in tiers, best first: fitting the type exactly, stating a number, the rest."""
    if not types & NUMERIC:
        return [list(lines)]
    exact = [line for line in lines if fits(line, types)]
    numeric = [line for line in lines if NUMBER_RE.search(line.text) and line not in exact]
    return [tier for tier in (exact, numeric, list(lines)) if tier]
