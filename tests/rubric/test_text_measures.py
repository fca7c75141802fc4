"""Plain measures cut sentences where the detector does, so plain-language feedback marks the
sentence the signals were found in."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simulator.content.library import get_library
from simulator.language.text import tokenise
from simulator.rubric.scoring import score_reply
from simulator.rubric.text_measures import sentences, word_count

CASES = yaml.safe_load(
    (Path(__file__).parents[1] / "language" / "data" / "sentences.yaml").read_text(encoding="utf-8")
)["cases"]
ISSUE_EXAMPLE = "Haet esim. TE-palveluista tukea klo 9.30 huomenna. Sitten mietitään lisää."


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_measures_and_detection_cut_the_same_sentences(case: dict) -> None:
    text = case["text"]
    measured = [(s.start, s.end) for s in sentences(text)]
    assert measured == [(s.start, s.end) for s in tokenise(text).sentences]


def test_the_issue_example_is_two_sentences_for_both() -> None:
    assert [ISSUE_EXAMPLE[s.start : s.end] for s in sentences(ISSUE_EXAMPLE)] == [
        "Haet esim. TE-palveluista tukea klo 9.30 huomenna.",
        "Sitten mietitään lisää.",
    ]
    assert len(tokenise(ISSUE_EXAMPLE).sentences) == 2


def test_plain_language_marks_the_whole_long_sentence() -> None:
    """A long sentence holding "esim." and "klo 9.30" is marked whole, not in pieces."""
    library = get_library()
    scenario = library.scenario("fi-kiintiopakolainen")
    rubric = library.rubric_for(scenario)
    principle = rubric.principle("all.plain_language")
    long_sentence = (
        "Voit hakea esim. kotoutumiskoulutukseen, joka alkaa klo 9.30 maanantaina ja jossa opiskellaan "
        "suomea, arjen asioita ja työelämän taitoja yhdessä muiden uusien opiskelijoiden kanssa."
    )
    assert word_count(long_sentence) > principle.max_sentence_words["fi"]
    reply = f"{long_sentence} Sopiiko?"
    scored = score_reply(rubric, scenario, "advisory", reply, [])
    plain = [f for f in scored.findings if f.principle == "all.plain_language"]
    assert plain and [span.text for span in plain[0].spans] == [long_sentence]
