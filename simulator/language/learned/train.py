"""Training the learned layer from the labelled sets in the repository: ``simulator train-detector``.

The data protocol (docs/detection.md): the model is fitted on every labelled set except the
measure-only holdout; the combiner and the thresholds only on out-of-fold model scores for
the writers the rules were never tuned on (w1-w8), each scored by a model fitted without
that writer. Thresholds decide what the model adds where the rules found nothing; veto
levels, what it takes away. Deterministic: sorted inputs, fixed iterations, no randomness.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simulator.language.learned import fit
from simulator.language.learned.features import extract
from simulator.language.learned.model import LearnedModel, sigmoid, weights_path

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data"
# name -> file, per language; the names are what docs/detection.md and the bench print
FIT_SETS: dict[str, dict[str, str]] = {
    "fi": {
        "dev": "conformance/signals_fi_dev.jsonl",
        "extra": "conformance/signals_fi_extra.jsonl",
        "w0": "training/w0_fi.jsonl",
        "w1": "training/w1_fi.jsonl",
        "w2": "training/w2_fi.jsonl",
        "w5": "training/w5_fi.jsonl",
        "w6": "training/w6_fi.jsonl",
    },
    "en": {
        "dev": "conformance/signals_en_dev.jsonl",
        "extra": "conformance/signals_en_extra.jsonl",
        "w0": "training/w0_en.jsonl",
        "w3": "training/w3_en.jsonl",
        "w4": "training/w4_en.jsonl",
        "w7": "training/w7_en.jsonl",
        "w8": "training/w8_en.jsonl",
    },
}
# the writers the rules were never tuned on: the combiner and thresholds learn only from them
CALIBRATION: dict[str, tuple[str, ...]] = {"fi": ("w1", "w2", "w5", "w6"), "en": ("w3", "w4", "w7", "w8")}
HOLDOUT = "conformance/holdout_{lang}.jsonl"  # measured only, never fitted or tuned on


@dataclass
class Prepared:
    """One labelled set turned into features, gold labels and the rules' own hits."""

    ids: list[str]
    names: list[tuple[str, ...]]
    labels: np.ndarray  # (replies, signals) 0/1
    rules: np.ndarray  # (replies, signals) 0/1


def prepare(path: Path, lang: str, signals: tuple[str, ...]) -> Prepared:
    from simulator.language.detector import get_detector
    from simulator.language.evaluation import read_examples

    detector = get_detector(lang)
    examples = sorted(read_examples(path), key=lambda e: e.id)
    column = {s: i for i, s in enumerate(signals)}
    labels = np.zeros((len(examples), len(signals)))
    rules = np.zeros_like(labels)
    names = []
    for row, example in enumerate(examples):
        names.append(extract(example.text, lang, example.prev).names)
        for signal in example.signals & set(signals):
            labels[row, column[signal]] = 1
        for hit in detector.rule_hits(example.text, example.prev, example.stage):
            if hit.signal in column:
                rules[row, column[hit.signal]] = 1
    return Prepared([e.id for e in examples], names, labels, rules)


def load_sets(lang: str, signals: tuple[str, ...]) -> dict[str, Prepared]:
    return {name: prepare(DATA / file, lang, signals) for name, file in sorted(FIT_SETS[lang].items())}


def _stack(sets: list[Prepared]) -> Prepared:
    return Prepared(
        [i for s in sets for i in s.ids],
        [n for s in sets for n in s.names],
        np.concatenate([s.labels for s in sets]),
        np.concatenate([s.rules for s in sets]),
    )


def fit_model(train: Prepared) -> tuple[list[str], np.ndarray]:
    vocab = fit.build_vocab(train.names)
    return vocab, fit.fit_logistic(fit.rows(train.names, vocab), train.labels)


def predict(vocab: list[str], weights: np.ndarray, data: Prepared) -> np.ndarray:
    return sigmoid(fit.rows(data.names, vocab).dot(weights))


def train(sets: dict[str, Prepared], calibration: tuple[str, ...], lang: str, signals: tuple[str, ...]) -> LearnedModel:
    """Fit on every set; fit the combiner and thresholds on out-of-fold scores of ``calibration``."""
    scores, rules, labels = [], [], []
    for held in calibration:
        vocab, weights = fit_model(_stack([s for name, s in sets.items() if name != held]))
        scores.append(predict(vocab, weights, sets[held]))
        rules.append(sets[held].rules)
        labels.append(sets[held].labels)
    p, r, y = np.concatenate(scores), np.concatenate(rules), np.concatenate(labels)
    combiner = fit.fit_combiner(p, r, y)
    vocab, weights = fit_model(_stack(list(sets.values())))
    zeros = np.zeros(len(signals))
    model = LearnedModel(lang, signals, dict(zip(vocab, range(len(vocab)))), weights, combiner, zeros, zeros)
    q = model.combine(p, r)
    thresholds = fit.fit_thresholds(q, y)
    return LearnedModel(lang, signals, model.vocab, weights, combiner, thresholds, fit.fit_vetoes(q, r, y))


def inputs_digest(lang: str) -> str:
    """SHA-256 over the fitting sets, the rule file and the code: what the weights depend on.

    The code is the layer's own and the tokeniser and sentence splitter its features read
    (a sentence cut elsewhere changes the sentence features and the rules' hits)."""
    from simulator.language.detector import rules_path

    digest = hashlib.sha256()
    files = [DATA / f for _, f in sorted(FIT_SETS[lang].items())] + [rules_path(lang)]
    files += sorted(Path(__file__).parent.glob("*.py"))
    files += [Path(__file__).parent.parent / name for name in ("text.py", "sentences.py")]
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def arrays(model: LearnedModel, digest: str) -> dict[str, np.ndarray]:
    vocab = sorted(model.vocab, key=model.vocab.__getitem__)
    return {
        "signals": np.array(model.signals),
        "vocab": np.array(vocab),
        "weights": model.weights.astype(np.float32),
        "combiner": model.combiner.astype(np.float32),
        "thresholds": model.thresholds.astype(np.float32),
        "vetoes": model.vetoes.astype(np.float32),
        "inputs_sha256": np.array(digest),
    }


def train_language(lang: str) -> dict[str, np.ndarray]:
    from simulator.language.detector import SIGNALS

    sets = load_sets(lang, SIGNALS)
    return arrays(train(sets, CALIBRATION[lang], lang, SIGNALS), inputs_digest(lang))


def main(languages: tuple[str, ...] = ("fi", "en"), out_dir: Path | None = None) -> list[Path]:
    """Train and write ``weights_{lang}.npz``; returns the paths written."""
    written = []
    for lang in languages:
        path = (out_dir / f"weights_{lang}.npz") if out_dir else weights_path(lang)
        np.savez_compressed(path, allow_pickle=False, **train_language(lang))  # plain arrays only
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in main():
        print(f"wrote {written_path}")
