"""Interface strings in Finnish and English, looked up by ``namespace.key``.

Strings live in ``simulator/ui/locales/<lang>/<namespace>.json`` (one file per page or
area, so engineers do not edit the same file). Finnish is the primary language: a key
missing in English falls back to Finnish, and a key missing everywhere is shown as
``⟦namespace.key⟧`` so it is visible on screen and caught by ``tests/ui/test_i18n.py``
(every ``t("...")`` literal under ``simulator/ui`` must exist in both languages).

JSON values may be nested objects; nested keys are joined with dots
(``{"error": {"throttled": "..."}}`` is ``auth.error.throttled``). Parameters use
``str.format`` syntax: ``t("auth.error.throttled", seconds=4)``.

Plural forms follow CLDR through Babel: a value that is an object of plural categories
(``{"one": "{count} vinkki", "other": "{count} vinkkiä"}``) is chosen by the ``count``
parameter in the language's own rules. Float parameters are written with the language's
decimal sign ("6,83"). A language is a folder under ``locales/``: adding ``locales/sv/``
with the same files adds Swedish (its plural and number rules come from Babel).
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from simulator.service import formatting

log = logging.getLogger(__name__)

LOCALES_DIR: Final = Path(__file__).with_name("locales")
DEFAULT_LANGUAGE: Final = "fi"
# Finnish first, then every other locale folder in name order.
LANGUAGES: Final = tuple(
    [DEFAULT_LANGUAGE] + sorted(p.name for p in LOCALES_DIR.iterdir() if p.is_dir() and p.name != DEFAULT_LANGUAGE)
)
# Each language named in itself (Babel's CLDR names), never translated.
LANGUAGE_NAMES: Final = {code: (formatting.locale(code).get_display_name(code) or code).capitalize() for code in LANGUAGES}
SESSION_KEY: Final = "_kohtaamo_language"  # st.session_state key of the interface language


def _flatten(prefix: str, value: Any, out: dict[str, str]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), inner, out)
    elif isinstance(value, str):
        out[prefix] = value
    else:
        raise ValueError(f"translation {prefix!r} must be text or an object, not {type(value).__name__}")


@lru_cache(maxsize=None)
def catalog(language: str, namespace: str) -> dict[str, str]:
    """The flattened strings of one namespace file (empty when the file does not exist)."""
    if language not in LANGUAGES or not namespace.replace("_", "").isalnum():
        return {}
    path = LOCALES_DIR / language / f"{namespace}.json"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    out: dict[str, str] = {}
    _flatten("", data, out)
    return out


def namespaces(language: str = DEFAULT_LANGUAGE) -> list[str]:
    """The namespace files present for a language (for tests and tools)."""
    return sorted(path.stem for path in (LOCALES_DIR / language).glob("*.json"))


def lookup(language: str, key: str) -> str | None:
    """The raw template for ``key`` in exactly ``language``, without fallback."""
    namespace, _, rest = key.partition(".")
    if not rest:
        return None
    return catalog(language, namespace).get(rest)


def has_key(language: str, key: str) -> bool:
    """A plain key, or a plural key (one with at least an ``other`` form)."""
    return lookup(language, key) is not None or lookup(language, f"{key}.other") is not None


def _template(language: str, key: str, params: dict[str, Any]) -> str | None:
    template = lookup(language, key)
    if template is None and isinstance(params.get("count"), int | float):
        category = formatting.plural_category(language, params["count"])
        template = lookup(language, f"{key}.{category}") or lookup(language, f"{key}.other")
    return template


def translate(language: str, key: str, /, **params: Any) -> str:
    """``key`` in ``language``, else in Finnish, else ``⟦key⟧``; ``params`` filled in."""
    template = _template(language, key, params) if language in LANGUAGES else None
    if template is None and language != DEFAULT_LANGUAGE:
        language = DEFAULT_LANGUAGE
        template = _template(language, key, params)
    if template is None:
        log.warning("missing translation %s (%s)", key, language)
        return f"⟦{key}⟧"
    if not params:
        return template
    shown = {name: formatting.short_number(value, language) if isinstance(value, float) else value
             for name, value in params.items()}
    try:
        return template.format(**shown)
    except (KeyError, IndexError, ValueError):
        log.warning("translation %s (%s) does not fit parameters %s", key, language, sorted(params))
        return template


def current_language() -> str:
    """The language of this browser session: the user's choice, else Finnish.

    ``simulator.ui.session`` sets it from the logged-in user's locale on every run; an
    anonymous visitor chooses it on the login page.
    """
    try:
        import streamlit as st

        language = st.session_state.get(SESSION_KEY)
    except Exception:  # outside a Streamlit run (CLI, plain tests)
        return DEFAULT_LANGUAGE
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def set_language(language: str) -> None:
    """Remember the interface language for this browser session."""
    import streamlit as st

    if language in LANGUAGES:
        st.session_state[SESSION_KEY] = language


def t(key: str, /, **params: Any) -> str:
    """Translate ``namespace.key`` into the current interface language."""
    return translate(current_language(), key, **params)


def error_text(error: Exception) -> str:
    """A service error in the user's language: ``common.error.<reason>``, else ``.<code>``.

    ``ServiceError`` carries a stable ``code`` and a finer ``reason`` (e.g.
    ``password_too_short``) plus ``params`` (e.g. ``min``); unknown ones fall back to a
    generic message rather than to the English text meant for logs.
    """
    language = current_language()
    reason = getattr(error, "reason", None)
    code = getattr(error, "code", None)
    params = dict(getattr(error, "params", {}) or {})
    for candidate in (reason, code):
        if candidate and has_key(DEFAULT_LANGUAGE, f"common.error.{candidate}"):
            return translate(language, f"common.error.{candidate}", **params)
    return translate(language, "common.error.generic")
