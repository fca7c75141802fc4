"""The learned layer at run time: combining with rule hits, vetoes, model-only spans, features."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from simulator.language import get_detector
from simulator.language.learned.features import extract, fold
from simulator.language.learned.model import LearnedModel, get_model, vectorise

TRAINING = Path(__file__).parents[2] / "data" / "training"


def _tiny_model(words: dict[str, float], combiner: tuple[float, float, float] = (1.0, 0.0, 0.0)) -> LearnedModel:
    """A one-signal model whose only weights are on the given word features (bias -3)."""
    vocab = {"bias": 0, **{f"w:{w}": i + 1 for i, w in enumerate(words)}}
    weights = np.array([[-3.0], *([v] for v in words.values())])
    return LearnedModel("fi", ("thanks",), vocab, weights, np.array([combiner]), np.array([0.5]), np.array([0.5]))


def test_model_only_hit_quotes_the_best_sentence_and_its_words() -> None:
    model = _tiny_model({"kiitos": 40.0, "paljon": 10.0})
    text = "Hei vaan. Kiitos tosi paljon tästä!"
    spans = model.decide(text, None, [])
    assert len(spans) == 1
    signal, start, end, focus = spans[0]
    assert signal == "thanks" and text[start:end] == "Kiitos tosi paljon tästä!"
    assert [text[a:b] for a, b in focus] == ["Kiitos", "paljon"]


def test_rule_hit_kept_with_its_own_span_when_the_combiner_agrees() -> None:
    model = _tiny_model({"kiitos": 40.0}, combiner=(1.0, 8.0, 0.0))
    spans = model.decide("Kiitti!", None, [("thanks", 0, 6)])
    assert spans == [("thanks", 0, 6, ())]


def test_combiner_veto_removes_the_rule_hit() -> None:
    model = _tiny_model({"kiitos": 40.0}, combiner=(1.0, 0.5, 0.0))  # rule barely counts, model says no
    assert model.decide("Hyvä juttu.", None, [("thanks", 0, 4)]) == []


def test_signals_the_model_does_not_know_pass_through() -> None:
    model = _tiny_model({"kiitos": 40.0})
    assert model.decide("Moi!", None, [("greeting", 0, 3)]) == [("greeting", 0, 3, ())]


def test_ngram_part_of_a_row_has_unit_norm_and_global_features_weigh_one() -> None:
    names = extract("Mitä sulle kuuluu tänään?", "fi").names
    vocab = {name: i for i, name in enumerate(dict.fromkeys(names))}
    index, values = vectorise(names, vocab)
    globals_ = [i for i, column in enumerate(index) if list(vocab)[column] in ("bias", "q?")]
    assert sorted(values[globals_]) == [1.0, 1.0]
    rest = np.delete(values, globals_)
    assert np.isclose((rest**2).sum(), 1.0)


def test_missing_umlauts_and_colloquial_forms_share_features() -> None:
    typed = set(extract("mika on sulle tarkeinta tanaan", "fi").names)
    written = set(extract("mikä on sinulle tärkeintä tänään", "fi").names)
    assert {"w:mika", "w:tarkeinta", "w:tanaan", "w:sinulle"} <= typed & written
    assert fold("Tärkeää öljyä") == "Tarkeaa oljya"


def test_inflected_forms_share_a_stem_bigram() -> None:
    """The crude lemma (first five letters of the standard form) joins forms the word bigrams keep apart."""
    plain = set(extract("Sinun kannattaa hakea.", "fi").names)
    conditional = set(extract("Sun kannattais hakea", "fi").names)
    assert "b:sinun kannattaa" in plain and "b:sinun kannattaa" not in conditional
    assert {"s:kanna", "t:sinun kanna", "t:^ sinun"} <= plain & conditional
    assert "t:your appli" in set(extract("Your applications", "en").names) & set(extract("your application", "en").names)


def test_echo_of_the_client_words_gives_prev_features() -> None:
    echo = extract("Eli työnhaku tuntuu sinusta raskaalta.", "fi", prev="Tää työnhaku on ollut tosi raskasta").names
    other = extract("Kerro lisää koulusta.", "fi", prev="Tää työnhaku on ollut tosi raskasta").names
    assert "p:shared2" in echo and "p:echo" in echo
    assert "p:has" in other and "p:shared1" not in other


def test_weights_load_once_per_process() -> None:
    assert get_model("fi") is get_model("fi") and get_model("en") is not None


@pytest.mark.parametrize("name", sorted(p.name for p in TRAINING.glob("*.jsonl")))
def test_model_only_spans_are_a_sentence_with_focus_inside(name: str) -> None:
    """Every hit the rules did not make quotes a sentence, and its focus words lie inside it."""
    model_only = 0
    for line in (TRAINING / name).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        detector = get_detector(row["lang"])
        ruled = {h.signal for h in detector.rule_hits(row["text"], row.get("prev"))}
        for hit in detector.detect(row["text"], row.get("prev")):
            if hit.signal in ruled:
                assert hit.focus == ()
                continue
            model_only += 1
            assert hit.match == row["text"][hit.start : hit.end] and hit.match.strip()
            assert all(hit.start <= a < b <= hit.end for a, b in hit.focus)
    assert model_only > 0
