"""Numbers and times in the interface language (Babel through ``simulator.service.formatting``).

Pages call these instead of ``strftime`` or f-string number formats, so Finnish reads
"6,83" and "6.12.2026 klo 22.19" in the installation's time zone everywhere.
"""

from __future__ import annotations

from datetime import date, datetime

from simulator.service import formatting
from simulator.ui.i18n import current_language


def moment(value: datetime | None) -> str:
    """Date and time, local to the installation."""
    return formatting.moment(value, current_language())


def day(value: date | datetime | None) -> str:
    """Only the date."""
    return formatting.day(value, current_language())


def number(value: float | int | None, digits: int = 0) -> str:
    """A number with the language's decimal sign; "–" for none."""
    return formatting.number(value, current_language(), digits=digits)


def short_number(value: float | int) -> str:
    """Up to two decimals, trailing zeros dropped."""
    return formatting.short_number(value, current_language())
