"""Checks on free text from users, shared by the service modules (internal).

A lone surrogate (U+D800-U+DFFF) cannot be encoded as UTF-8, so it would fail deep inside
the database driver; it can only come from a broken or hostile client, and is refused as
invalid input where the text enters. Format characters (bidi overrides, zero-width
characters) are refused in names, where they can make one name look like another.
"""

from __future__ import annotations

import unicodedata

from simulator.service.errors import InvalidInput

_NAME_FORBIDDEN = {"Cc", "Cs", "Co", "Cn", "Cf", "Zl", "Zp"}


def has_surrogate(text: str) -> bool:
    return any("\ud800" <= char <= "\udfff" for char in text)


def refuse_surrogates(text: str, field: str) -> str:
    """``text`` unchanged, or ``InvalidInput`` (reason ``invalid_characters``)."""
    if has_surrogate(text):
        raise InvalidInput("the text contains characters that cannot be stored", field=field,
                           reason="invalid_characters")
    return text


def is_clean_name(text: str) -> bool:
    """No control, format (bidi, zero-width), private-use, unassigned or separator characters."""
    return not any(unicodedata.category(char) in _NAME_FORBIDDEN for char in text)
