"""Translations: every key the UI code names exists in Finnish and English, and both agree.

Keys are found by reading the source of ``simulator/ui/**/*.py`` (AST string constants
of the form ``<namespace>.<key>`` whose namespace has a locale file), so a key in
``t("...")``, a ``PageSpec`` or a lookup table is checked alike. A constant ending in ``_``
or ``.`` is a prefix completed at run time and must start at least one key. Keys built
wholly at run time (f-strings) cannot be seen here; those families (e.g. ``common.error.*``) are covered by
the parity test, which demands the same keys in both languages.
"""

from __future__ import annotations

import ast
import json
import re
import string
from pathlib import Path

import pytest

from simulator.ui import i18n

UI_DIR = Path(i18n.__file__).resolve().parent
KEY_RE = re.compile(r"[a-z][a-z0-9_]*(\.[A-Za-z0-9_]+)+\.?")
NOT_KEYS = (".json", ".py", ".yaml", ".yml", ".md", ".toml")


def _namespaces() -> set[str]:
    return set(i18n.namespaces("fi")) | set(i18n.namespaces("en"))


def _keys_in_source() -> dict[str, list[str]]:
    """key -> where it is used (file:line)."""
    namespaces = _namespaces()
    used: dict[str, list[str]] = {}
    for path in sorted(UI_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                continue
            value = node.value
            if not KEY_RE.fullmatch(value) or value.endswith(NOT_KEYS):
                continue
            if value.split(".", 1)[0] not in namespaces:
                continue
            used.setdefault(value, []).append(f"{path.relative_to(UI_DIR.parent.parent)}:{node.lineno}")
    return used


def _placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def test_the_scan_finds_the_shell_keys() -> None:
    used = _keys_in_source()
    assert "auth.login.username" in used and "common.nav.settings" in used


def _exists(language: str, key: str) -> bool:
    """A whole key, or a prefix (``"picker.difficulty_" + level``) that some key completes."""
    if not key.endswith(("_", ".")):
        return i18n.has_key(language, key)
    namespace, _, rest = key.partition(".")
    return any(name.startswith(rest) for name in i18n.catalog(language, namespace))


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_key_used_in_the_ui_exists(language: str) -> None:
    missing = {key: where for key, where in _keys_in_source().items() if not _exists(language, key)}
    assert not missing, f"missing in {language}: " + "; ".join(f"{key} ({', '.join(where)})" for key, where in sorted(missing.items()))


def test_both_languages_have_the_same_namespaces() -> None:
    assert i18n.namespaces("fi") == i18n.namespaces("en")


@pytest.mark.parametrize("namespace", sorted(set(i18n.namespaces("fi"))))
def test_both_languages_have_the_same_keys_and_placeholders(namespace: str) -> None:
    finnish, english = i18n.catalog("fi", namespace), i18n.catalog("en", namespace)
    assert sorted(set(finnish) - set(english)) == [], "only in Finnish"
    assert sorted(set(english) - set(finnish)) == [], "only in English"
    for key, template in finnish.items():
        assert template.strip(), f"{namespace}.{key} is empty in Finnish"
        assert english[key].strip(), f"{namespace}.{key} is empty in English"
        assert _placeholders(template) == _placeholders(english[key]), f"{namespace}.{key} placeholders differ"


def test_locale_files_are_utf8_json_objects() -> None:
    for path in sorted((UI_DIR / "locales").glob("*/*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(data, dict), path


def test_missing_keys_are_visible_and_english_falls_back_to_finnish(monkeypatch: pytest.MonkeyPatch) -> None:
    assert i18n.translate("fi", "common.no_such_key") == "⟦common.no_such_key⟧"
    assert i18n.translate("en", "nonamespace") == "⟦nonamespace⟧"
    monkeypatch.setitem(i18n.catalog("fi", "common"), "only_finnish", "vain suomeksi")
    assert i18n.translate("en", "common.only_finnish") == "vain suomeksi"
    assert i18n.translate("sv", "auth.login.username") == "Käyttäjätunnus"


def test_parameters_are_filled_and_bad_ones_do_not_crash() -> None:
    assert "7" in i18n.translate("en", "auth.error.throttled", seconds=7)
    assert i18n.translate("en", "auth.error.throttled", wrong=1)  # template returned as is
    assert i18n.translate("en", "auth.login.username", unused=1) == "Username"


def test_error_text_uses_reason_then_code() -> None:
    from simulator.service.errors import Forbidden, InvalidInput, ServiceError

    assert i18n.error_text(InvalidInput("x", field="password", reason="password_too_short", min=8)) == (
        "Salasanassa on oltava vähintään 8 merkkiä."
    )
    assert i18n.error_text(Forbidden("x", reason="something_new")) == i18n.translate("fi", "common.error.forbidden")
    assert i18n.error_text(ServiceError("x", reason="unknown")) == i18n.translate("fi", "common.error.generic")


@pytest.mark.parametrize(
    ("language", "key", "count", "expected"),
    [
        ("fi", "debrief.hints", 1, "1 vinkki"),
        ("fi", "debrief.hints", 3, "3 vinkkiä"),
        ("en", "debrief.hints", 1, "1 hint"),
        ("en", "debrief.hints", 0, "0 hints"),
        ("fi", "mentor.cohort_item", 1, "A (1 harjoittelija)"),
    ],
    ids=["fi-one", "fi-other", "en-one", "en-zero", "fi-cohort"],
)
def test_plural_forms_follow_the_language(language: str, key: str, count: int, expected: str) -> None:
    assert i18n.translate(language, key, count=count, name="A") == expected


def test_every_plural_entry_has_an_other_form() -> None:
    for language in i18n.LANGUAGES:
        for namespace in i18n.namespaces(language):
            for key in i18n.catalog(language, namespace):
                if key.endswith(".one"):
                    assert f"{key[:-4]}.other" in i18n.catalog(language, namespace), f"{language} {namespace}.{key}"


def test_float_parameters_use_the_languages_decimal_sign() -> None:
    assert "0,5" in i18n.translate("fi", "practice.hint_help", cost=0.5, max=3)
    assert "0.5" in i18n.translate("en", "practice.hint_help", cost=0.5, max=3)


def test_languages_are_the_locale_folders_finnish_first() -> None:
    folders = {p.name for p in i18n.LOCALES_DIR.iterdir() if p.is_dir()}
    assert i18n.LANGUAGES[0] == "fi" and set(i18n.LANGUAGES) == folders
    assert i18n.LANGUAGE_NAMES["fi"] == "Suomi" and i18n.LANGUAGE_NAMES["en"] == "English"
