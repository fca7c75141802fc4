"""Debrief exports: Markdown keeps user text literal, PDF handles Finnish text, JSON is complete."""

from __future__ import annotations

import json

import pytest

from simulator.service import debrief as debrief_service
from simulator.content.library import get_library
from simulator.service import auth, exports, practice, users
from simulator.service.auth import SYSTEM
from simulator.service.views import DebriefView
from simulator.store import Database

SCENARIO = "fi-kiintiopakolainen"
TRICKY = "Hei <script>alert(1)</script> [linkki](http://x) **äö** — tervetuloa!"


@pytest.fixture
def debrief(sqlite_db: Database) -> DebriefView:
    if SCENARIO not in get_library().scenarios:
        pytest.skip(f"scenario {SCENARIO} is not in the content yet")
    users.create_user(sqlite_db, SYSTEM, "maija", "salasana123", "trainee")
    principal, _ = auth.login(sqlite_db, "maija", "salasana123")
    view = practice.start_attempt(sqlite_db, principal, SCENARIO, seed=4)
    for text in (TRICKY, "Mitä sinulle kuuluu? Kerro lisää.", "Kuulostaa siltä, että olet huolissasi."):
        practice.reply(sqlite_db, principal, view.id, text)
    practice.end_attempt(sqlite_db, principal, view.id)
    return debrief_service.debrief(sqlite_db, principal, view.id)


@pytest.mark.parametrize("language", ["fi", "en"])
def test_markdown_escapes_user_text_and_has_every_section(debrief: DebriefView, language: str) -> None:
    text = exports.to_markdown(debrief, language)
    labels = exports.export_labels(language)
    for key in ("stages", "strengths", "to_practise", "outcomes", "transcript"):
        assert f"## {labels[key]}" in text
    assert "<script>" not in text and "\\<script\\>" in text, "HTML stays text"
    assert "\\[linkki\\](http" in text, "a link stays text"
    assert "\\*\\*äö\\*\\*" in text, "emphasis stays text"
    assert "— tervetuloa!" in text and "\\!" not in text and "\\," not in text, "plain punctuation stays bare"
    assert exports.md_text(TRICKY) in text
    assert str(debrief.report.overall) in text
    assert any(t.inner_thought and exports.md_text(t.inner_thought) in text for t in debrief.attempt.turns)
    assert "UTC" not in text and exports.formatting.moment(debrief.attempt.finished_at, language) in text


@pytest.mark.parametrize(
    "sample",
    [TRICKY, "1. lista\n- kohta\n# otsikko\n> lainaus", "a_b_c `z` ~~pois~~ | putki", "&amp; ja &#39;"],
    ids=["tricky", "block-markers", "inline-markers", "entities"],
)
def test_md_text_round_trips(sample: str) -> None:
    import re

    assert re.sub(r"\\(.)", r"\1", exports.md_text(sample).replace("  \n", "\n")) == sample


def test_md_escape_round_trips() -> None:
    import re

    for sample in (TRICKY, "1. lista\n- kohta\n# otsikko", "$x$ :red[y] `z` a_b_c"):
        assert re.sub(r"\\(.)", r"\1", exports.md_escape(sample).replace("  \n", "\n")) == sample


@pytest.mark.parametrize("language", ["fi", "en"])
def test_pdf_is_a_pdf_with_unicode(debrief: DebriefView, language: str) -> None:
    data = exports.to_pdf(debrief, language)
    assert data.startswith(b"%PDF-") and len(data) > 1000
    if exports.find_unicode_font() is not None:
        assert b"DejaVu" in data  # the embedded Unicode font


def test_pdf_without_a_unicode_font_falls_back(debrief: DebriefView, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exports, "FONT_CANDIDATES", ())
    monkeypatch.delenv(exports.FONT_ENV, raising=False)
    data = exports.to_pdf(debrief, "fi")
    assert data.startswith(b"%PDF-")


def test_json_has_transcript_findings_and_report(debrief: DebriefView) -> None:
    data = json.loads(exports.to_json(debrief))
    assert data["format"] == "kohtaamo-debrief/1"
    assert data["attempt"]["turns"][0]["reply"] == TRICKY
    assert data["report"]["overall"] == debrief.report.overall
    assert len(data["report"]["outcomes"]) == 4
    spans = [s for t in data["attempt"]["turns"] for f in t["findings"] for s in f["spans"]]
    assert spans and all({"start", "end", "text"} <= set(s) for s in spans)
    assert data["comparison"]["count"] == 1


def test_filename_is_safe(debrief: DebriefView) -> None:
    name = exports.filename(debrief, "pdf")
    assert name == f"debrief-{SCENARIO}-{debrief.attempt.id}.pdf"


def test_an_unmet_outcome_names_its_reasons_in_the_markdown(debrief: DebriefView) -> None:
    unmet = [o for o in debrief.report.outcomes if not o.met and o.reasons]
    assert unmet, "the fixture's short meeting leaves some outcome unmet"
    text = exports.to_markdown(debrief, "fi")
    labels = exports.export_labels("fi")
    for outcome in unmet:
        for code in outcome.reasons:
            assert exports.md_text(labels[f"reason.{code}"]) in text
