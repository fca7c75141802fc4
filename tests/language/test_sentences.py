"""The one sentence splitter (language/sentences.py) and the parts that must agree with it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simulator.language.sentences import split_sentences
from simulator.language.text import tokenise

CASES = yaml.safe_load((Path(__file__).parent / "data" / "sentences.yaml").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_sentences(case: dict) -> None:
    text = case["text"]
    assert [text[span.start : span.end] for span in split_sentences(text)] == case["sentences"]


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_tokenised_sentences_are_the_splitters(case: dict) -> None:
    """The detector's sentences are the splitter's, and every word lands in one of them."""
    text = case["text"]
    parsed = tokenise(text)
    assert [text[s.start : s.end] for s in parsed.sentences] == case["sentences"]
    for sentence in parsed.sentences:
        for token in parsed.sentence_tokens(parsed.sentences.index(sentence)):
            assert sentence.start <= token.start < token.end <= sentence.end


def test_ids_are_unique_and_both_languages_covered() -> None:
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids))
    assert {case_id.split("-")[0] for case_id in ids} == {"fi", "en"}


def test_question_and_exclamation_marks() -> None:
    parsed = tokenise("Tervetuloa. Mitä kuuluu? Hienoa! Kysyit \"mitä nyt?\" Kerron.")
    assert [s.question_mark for s in parsed.sentences] == [False, True, False, False, False]
    assert [s.exclamation for s in parsed.sentences] == [False, False, True, False, False]


@pytest.mark.parametrize(
    "text",
    ["", ".", "...", "?!?", "\n\n", "- \n- ", "1. ", "\"", "e.g.", "a." * 500, "x" * 5000 + ". " + "y" * 5000],
    ids=["empty", "dot", "ellipsis", "marks", "newlines", "empty-bullets", "empty-number", "quote", "abbreviation", "many-dots", "long"],
)
def test_spans_are_ordered_trimmed_and_cover_every_word(text: str) -> None:
    spans = split_sentences(text)
    previous_end = 0
    for span in spans:
        piece = text[span.start : span.end]
        assert previous_end <= span.start < span.end <= len(text)
        assert piece == piece.strip() and piece
        previous_end = span.end
    covered = "".join(text[span.start : span.end] for span in spans)
    assert sum(c.isalnum() for c in covered) == sum(c.isalnum() for c in text)
