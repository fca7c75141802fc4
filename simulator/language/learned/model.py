"""The learned layer at run time: per-signal logistic scores combined with the rule hits.

Weights are plain numpy arrays (``weights_{lang}.npz``, written by ``train.py``), loaded
once per process. For each signal the model gives ``p``; the combiner fitted on replies
the rules never saw gives ``q = sigmoid(a * logit(p) + b * rule + c)``, and a signal
only the model found is reported when ``q >= threshold``, and a rule hit is dropped (vetoed)
only when ``q`` is below the signal's veto level, set where the rules' hits were nearly
all wrong on those replies. A reported signal keeps the rules' spans; a signal only the
model found quotes the sentence it scores highest, with the words that weighed most as
``focus``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from simulator.language.learned.features import Features, extract

WEIGHTS_DIR = Path(__file__).parent
GLOBAL_PREFIXES = ("bias", "q?", "p:")  # features worth 1 whatever the reply's length
Span = tuple[str, int, int, tuple[tuple[int, int], ...]]  # signal, start, end, focus spans


def weights_path(lang: str) -> Path:
    return WEIGHTS_DIR / f"weights_{lang}.npz"


def vectorise(names: list[str] | tuple[str, ...], vocab: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Column indexes and values of the known features: n-grams scaled to unit norm, the rest 1."""
    unique = dict.fromkeys(names)
    columns: list[int] = []
    fixed: list[int] = []
    for name in unique:
        column = vocab.get(name)
        if column is not None:
            (fixed if name.startswith(GLOBAL_PREFIXES) else columns).append(column)
    ngram_value = 1.0 / np.sqrt(len(columns)) if columns else 0.0
    index = np.array(fixed + columns, dtype=np.int64)
    values = np.concatenate([np.ones(len(fixed)), np.full(len(columns), ngram_value)])
    return index, values


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    result: np.ndarray = np.log(p / (1 - p))
    return result


def sigmoid(z: np.ndarray) -> np.ndarray:
    result: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
    return result


@dataclass(frozen=True)
class LearnedModel:
    """One language's weights: ``weights`` is (features, signals), ``combiner`` (signals, 3)."""

    lang: str
    signals: tuple[str, ...]
    vocab: dict[str, int]
    weights: np.ndarray
    combiner: np.ndarray
    thresholds: np.ndarray
    vetoes: np.ndarray  # per signal: a rule hit is dropped when q is below this (0: never)

    @classmethod
    def load(cls, path: Path, lang: str) -> LearnedModel:
        with np.load(path, allow_pickle=False) as data:
            vocab = data["vocab"].tolist()
            return cls(
                lang=lang,
                signals=tuple(data["signals"].tolist()),
                vocab=dict(zip(vocab, range(len(vocab)))),
                weights=data["weights"].astype(np.float64),
                combiner=data["combiner"].astype(np.float64),
                thresholds=data["thresholds"].astype(np.float64),
                vetoes=data["vetoes"].astype(np.float64),
            )

    def probabilities(self, features: Features) -> np.ndarray:
        index, values = vectorise(features.names, self.vocab)
        return sigmoid(values @ self.weights[index])

    def combine(self, p: np.ndarray, rule: np.ndarray) -> np.ndarray:
        a, b, c = self.combiner[:, 0], self.combiner[:, 1], self.combiner[:, 2]
        return sigmoid(a * logit(p) + b * rule + c)

    def keep(self, p: np.ndarray, rule: np.ndarray) -> np.ndarray:
        """Which signals to report: a rule hit unless vetoed, a model-only one above its threshold."""
        q = self.combine(p, rule)
        return np.where(rule > 0, q >= self.vetoes, q >= self.thresholds)

    def decide(self, text: str, prev: str | None, rule_spans: list[tuple[str, int, int]]) -> list[Span]:
        """The reported spans: rule spans the combiner keeps plus model-only sentence spans."""
        features = extract(text, self.lang, prev)
        ruled = {signal for signal, _, _ in rule_spans}
        rule = np.array([signal in ruled for signal in self.signals], dtype=np.float64)
        keep = self.keep(self.probabilities(features), rule)
        kept = {s for s, flag in zip(self.signals, keep) if flag}
        spans: list[Span] = [(s, a, b, ()) for s, a, b in rule_spans if s in kept or s not in self.signals]
        model_only = [column for column, signal in enumerate(self.signals) if signal in kept and signal not in ruled]
        if model_only and features.text.sentences:
            scores = self._sentence_scores(features)
            for column in model_only:
                spans.append((self.signals[column], *self._quote(features, column, int(np.argmax(scores[:, column])))))
        return spans

    def _sentence_scores(self, features: Features) -> np.ndarray:
        """(sentences, signals): each sentence scored on its own words plus the reply-wide features."""
        sentences = features.text.sentences
        names: list[list[str]] = [[] for _ in sentences]
        owner = {}
        for number, sentence in enumerate(sentences):
            for token in range(sentence.first, sentence.stop):
                owner[token] = number
        for name, origin in zip(features.names, features.origins):
            if origin < 0:
                for bucket in names:
                    bucket.append(name)
            elif origin in owner:
                names[owner[origin]].append(name)
        rows = []
        for bucket in names:
            index, values = vectorise(bucket, self.vocab)
            rows.append(values @ self.weights[index])
        return np.array(rows)

    def _quote(self, features: Features, column: int, number: int) -> tuple[int, int, tuple[tuple[int, int], ...]]:
        """Sentence ``number`` trimmed, and inside it up to three words whose features weighed most."""
        sentence = features.text.sentences[number]
        weights = self.weights[:, column]
        contribution: dict[int, float] = {}
        for name, origin in zip(features.names, features.origins):
            if sentence.first <= origin < sentence.stop and name in self.vocab:
                contribution[origin] = contribution.get(origin, 0.0) + weights[self.vocab[name]]
        top = sorted((c, o) for o, c in contribution.items() if c > 0)[-3:]
        tokens = features.tokens
        focus = tuple(sorted((tokens[o].start, tokens[o].end) for _, o in top))
        quoted = features.text.original[sentence.start : sentence.end]
        start = sentence.start + len(quoted) - len(quoted.lstrip())
        return start, max(start, sentence.start + len(quoted.rstrip())), focus


@functools.lru_cache(maxsize=None)
def get_model(lang: str) -> LearnedModel | None:
    """The shipped model for ``lang``, loaded once per process; None when no weights ship."""
    path = weights_path(lang)
    return LearnedModel.load(path, lang) if path.exists() else None


def apply(lang: str, text: str, prev: str | None, rule_spans: list[tuple[str, int, int]]) -> list[Span]:
    """Rule spans after the learned layer (unchanged when no weights ship for ``lang``)."""
    model = get_model(lang)
    if model is None:
        return [(s, a, b, ()) for s, a, b in rule_spans]
    return model.decide(text, prev, rule_spans)
