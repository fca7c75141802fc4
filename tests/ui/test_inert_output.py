"""Everything shown is inert (issue 11, item 6): one escaping helper for user and content
text rendered as Markdown, autolinks broken, and the pages that showed a tracking pixel."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from simulator.service import auth, cohorts, users
from simulator.service.auth import SYSTEM
from simulator.store import Database
from simulator.ui.components.text import WORD_JOINER, escape

from .support import go

CASES = yaml.safe_load((Path(__file__).parent / "data" / "hostile_text.yaml").read_text(encoding="utf-8"))
# What remark-gfm links after parsing: a scheme's "://", "www." and an e-mail's "x@y".
LINKABLE = re.compile(r"https?://|www\.|\w@\w", re.IGNORECASE)


def _unescaped(markdown: str) -> str:
    """The text Markdown shows for an escaped string: backslash escapes resolved."""
    return re.sub(r"\\(.)", r"\1", markdown.replace("  \n", "\n"))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_escape_shows_the_text_and_nothing_else(case: dict) -> None:
    shown = escape(case["text"])
    assert not re.search(r"(?<!\\)[\[\]()<>!*_`$:]", shown), shown  # every mark escaped
    text = _unescaped(shown)
    assert text.replace(WORD_JOINER, "") == case["text"]  # reads as typed
    assert not LINKABLE.search(text), text  # nothing left for the autolinker


def test_mentor_names_on_the_cohorts_page_are_inert(
    app: Callable[..., AppTest], login_token: Callable[..., str], ui_db: Database
) -> None:
    """The probe's tracking pixel: an image in a mentor's display name on the cohorts page."""
    pixel = "![p](http://198.51.100.1/p.png) www.example.com"
    mentor, _ = auth.login(ui_db, "mentor", "mentor")
    users.update_profile(ui_db, mentor, mentor.user_id, display_name=pixel)
    cohorts.create_cohort(ui_db, mentor, "Ryhmä")
    at = go(app(login_token("mentor")).run(), "mentor_cohorts")
    captions = [c.value for c in at.caption if "198" in c.value]
    assert captions, [c.value for c in at.caption]
    for caption in captions:
        assert escape(pixel) in caption
        assert "![p](" not in caption and "http://" not in caption


@pytest.mark.parametrize("name", ["Maija\u202eakiam", "Mai\u200bja", "Maija\u2066x", "Maija\u2028Mäki"],
                         ids=["bidi-override", "zero-width-space", "bidi-isolate", "line-separator"])
def test_display_names_and_cohort_names_refuse_format_characters(ui_db: Database, name: str) -> None:
    from simulator.service.errors import InvalidInput

    with pytest.raises(InvalidInput) as error:
        users.create_user(ui_db, SYSTEM, "uusi", "pitka-salasana", "trainee", display_name=name)
    assert error.value.reason == "display_name_characters"
    mentor, _ = auth.login(ui_db, "mentor", "mentor")
    if any(char.isspace() for char in name):  # cohort names fold every kind of space into " "
        assert cohorts.create_cohort(ui_db, mentor, name).name == " ".join(name.split())
        return
    with pytest.raises(InvalidInput) as error:
        cohorts.create_cohort(ui_db, mentor, name)
    assert error.value.reason == "cohort_name_characters"
