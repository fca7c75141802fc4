"""Service errors in the user's language: the page's own namespace first, then ``common``."""

from __future__ import annotations

from simulator.service.errors import ServiceError
from simulator.ui import i18n


def message(namespace: str, error: ServiceError) -> str:
    """``<namespace>.error.<reason>`` (or ``.<code>``) when the page has it, else the shell's text."""
    params = dict(error.params or {})
    for candidate in (error.reason, error.code):
        key = f"{namespace}.error.{candidate}"
        if candidate and i18n.has_key(i18n.DEFAULT_LANGUAGE, key):
            return i18n.translate(i18n.current_language(), key, **params)
    return i18n.error_text(error)
