"""Tokenising, normalising and Finnish word forms."""

from __future__ import annotations

import pytest

from simulator.language import english, finnish
from simulator.language.text import normalise, tokenise


def test_normalise_keeps_length_and_folds() -> None:
    text = "Ääh’ SINÄ\tkin\u2014ok \x07"
    norm = normalise(text)
    assert len(norm) == len(text)
    assert norm == "ääh' sinä kin-ok  "


def test_tokens_keep_spans_in_the_original() -> None:
    text = "Hei, TE-toimisto ja CV:hen! Mä oon täällä."
    parsed = tokenise(text)
    assert [t.norm for t in parsed.tokens] == ["hei", "te-toimisto", "ja", "cv:hen", "mä", "oon", "täällä"]
    for token in parsed.tokens:
        assert text[token.start : token.end].lower() == token.norm


def test_sentences_questions_and_clauses() -> None:
    parsed = tokenise("Tervetuloa. Mitä kuuluu? Kurssi alkaa 14.3. kello 10 ja kestää.")
    assert len(parsed.sentences) == 3
    assert [s.question_mark for s in parsed.sentences] == [False, True, False]
    assert parsed.tokens[0].punct_before == "^"


def test_quoted_question_mark_is_no_question() -> None:
    parsed = tokenise("Kurssin nimi on 'Mitä työelämä odottaa?', ja se on hyvä.")
    assert len(parsed.sentences) == 1
    assert not parsed.sentences[0].question_mark
    assert any(t.quoted for t in parsed.tokens)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("mä", "minä"),
        ("sulla", "sinulla"),
        ("oon", "olen"),
        ("tiiä", "tiedä"),
        ("sinäkin", "sinä"),
        ("onkohan", "on"),
        ("mäkin", "minä"),
        ("kerropa", "kerro"),
        ("tilanteesi", "tilantee"),
        ("masentunu", "masentunut"),
        ("cv:hen", "cv"),
    ],
)
def test_candidate_forms(word: str, expected: str) -> None:
    assert expected in finnish.candidate_forms(word)


@pytest.mark.parametrize("word", ["onko", "ootko", "onks", "menikö", "haluatko", "eikö", "jäiköhän", "tiedätkö"])
def test_question_verbs(word: str) -> None:
    assert finnish.is_question_verb(word)


@pytest.mark.parametrize("word", ["verkko", "heikko", "miks", "siks", "ko", "usko", "kaks"])
def test_not_question_verbs(word: str) -> None:
    assert not finnish.is_question_verb(word)


def test_english_contractions_split_with_spans() -> None:
    text = "You're sure we can't, let's see"
    tokens = english.split_contractions(tokenise(text).tokens)
    assert [t.norm for t in tokens] == ["you", "are", "sure", "we", "can", "not", "let", "us", "see"]
    assert [text[t.start : t.end] for t in tokens][:2] == ["You", "'re"]


def test_typo_and_colloquial_forms_reach_the_rules() -> None:
    from simulator.language import get_detector

    detector = get_detector("fi")
    assert "computer_focus" in detector.signals("Katon järjestlmästä sun tiedot.")  # typo
    assert "advice" in detector.signals("Sun kannattais ilmottautua kurssille.")  # colloquial
    assert "calm_pace" in detector.signals("Ei oo mitään hoppua.")
