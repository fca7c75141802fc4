"""Numpy-only fitting: sparse rows, L2 logistic regression by L-BFGS, the rule/model combiner.

Deterministic: fixed iteration counts, no randomness, inputs in a fixed order. Kept apart
from ``train.py`` (which knows the data sets) so the cross-writer bench reuses it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.language.learned.model import logit, sigmoid, vectorise

L2 = 0.1  # on the summed log-loss, rows of unit norm (cross-writer: better than 1.0, 0.2, 0.05, 0.02)
ITERATIONS = 60
POSITIVE_WEIGHT = 1.0  # loss weight of a reply showing the signal; 3.0 helped the model alone, not the combination
MEMORY = 8
MIN_DF = 2
COMBINER_PRIOR = np.array([1.0, 0.0, 0.0])  # a, b, c: trust the model, ignore the rule, no shift
COMBINER_L2 = 1.0
THRESHOLDS = np.round(np.arange(0.10, 0.91, 0.05), 2)
THRESHOLD_SLACK = 0.02
VETO_PRECISION = 0.95  # a veto level must be right (the rule hit wrong) this often on calibration
VETO_MIN = 5  # ... over at least this many rule hits
VETO_LEVELS = np.round(np.arange(0.05, 0.51, 0.05), 2)


@dataclass
class Rows:
    """A sparse matrix in CSR form with a transposed copy for the gradient."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    columns: int

    def __post_init__(self) -> None:
        rows = np.repeat(np.arange(len(self.indptr) - 1), np.diff(self.indptr))
        order = np.argsort(self.indices, kind="stable")
        self._t_rows, self._t_data = rows[order], self.data[order]
        self._t_starts = np.searchsorted(self.indices[order], np.arange(self.columns))

    def dot(self, weights: np.ndarray) -> np.ndarray:
        return np.add.reduceat(weights[self.indices] * self.data[:, None], self.indptr[:-1], axis=0)

    def tdot(self, gradient: np.ndarray) -> np.ndarray:
        return np.add.reduceat(gradient[self._t_rows] * self._t_data[:, None], self._t_starts, axis=0)


def build_vocab(feature_names: list[tuple[str, ...]], min_df: int = MIN_DF) -> list[str]:
    """Features seen in at least ``min_df`` replies, sorted (so the column order is stable)."""
    counts: dict[str, int] = {}
    for names in feature_names:
        for name in set(names):
            counts[name] = counts.get(name, 0) + 1
    return sorted(name for name, count in counts.items() if count >= min_df)


def rows(feature_names: list[tuple[str, ...]], vocab: list[str]) -> Rows:
    lookup = dict(zip(vocab, range(len(vocab))))
    indptr, indices, data = [0], [], []
    for names in feature_names:
        index, values = vectorise(names, lookup)
        indices.append(index)
        data.append(values)
        indptr.append(indptr[-1] + len(index))
    return Rows(np.array(indptr), np.concatenate(indices), np.concatenate(data), len(vocab))


def _loss(matrix: Rows, weights: np.ndarray, signs: np.ndarray) -> tuple[float, np.ndarray]:
    margins = signs * matrix.dot(weights)
    scale = np.where(signs > 0, POSITIVE_WEIGHT, 1.0)
    loss = float((scale * np.logaddexp(0, -margins)).sum() + 0.5 * L2 * (weights**2).sum())
    gradient = matrix.tdot(-signs * scale * sigmoid(-margins)) + L2 * weights
    return loss, gradient


def fit_logistic(matrix: Rows, labels: np.ndarray, iterations: int = ITERATIONS) -> np.ndarray:
    """Weights (columns, signals) minimising the summed log-loss of every signal plus L2, by L-BFGS."""
    signs = np.where(labels > 0, 1.0, -1.0)
    weights = np.zeros((matrix.columns, labels.shape[1]))
    loss, gradient = _loss(matrix, weights, signs)
    history: list[tuple[np.ndarray, np.ndarray, float]] = []
    for _ in range(iterations):
        direction = -gradient
        alphas = []
        for s, y, rho in reversed(history):
            alpha = rho * float((s * direction).sum())
            alphas.append(alpha)
            direction = direction - alpha * y
        if history:
            s, y, _ = history[-1]
            direction = direction * (float((s * y).sum()) / float((y * y).sum()))
        for (s, y, rho), alpha in zip(history, reversed(alphas)):
            beta = rho * float((y * direction).sum())
            direction = direction + (alpha - beta) * s
        slope = float((gradient * direction).sum())
        if slope >= 0:  # not a descent direction: restart from the gradient
            history.clear()
            direction, slope = -gradient, -float((gradient**2).sum())
        step = 1.0 if history else 1.0 / max(1.0, float(np.sqrt((gradient**2).sum())))
        for _ in range(30):
            candidate = weights + step * direction
            new_loss, new_gradient = _loss(matrix, candidate, signs)
            if new_loss <= loss + 1e-4 * step * slope:
                break
            step *= 0.5
        s, y = candidate - weights, new_gradient - gradient
        sy = float((s * y).sum())
        weights, loss, gradient = candidate, new_loss, new_gradient
        if sy > 1e-10:
            history.append((s, y, 1.0 / sy))
            del history[:-MEMORY]
        if float(np.abs(gradient).max()) < 1e-5:
            break
    return weights


def fit_combiner(p: np.ndarray, rule: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Per signal (a, b, c) of ``sigmoid(a*logit(p) + b*rule + c)`` by Newton's method with a prior."""
    params = np.tile(COMBINER_PRIOR, (p.shape[1], 1))
    for column in range(p.shape[1]):
        x = np.stack([logit(p[:, column]), rule[:, column], np.ones(len(p))], axis=1)
        y = labels[:, column]
        theta = COMBINER_PRIOR.copy()
        for _ in range(25):
            q = sigmoid(x @ theta)
            gradient = x.T @ (q - y) + COMBINER_L2 * (theta - COMBINER_PRIOR)
            hessian = (x * (q * (1 - q))[:, None]).T @ x + COMBINER_L2 * np.eye(3)
            theta = theta - np.linalg.solve(hessian, gradient)
        params[column] = theta
    return params


def fit_thresholds(q: np.ndarray, labels: np.ndarray, slack: float = THRESHOLD_SLACK) -> np.ndarray:
    """Per signal, the highest threshold on the grid whose F1 is within ``slack`` of the best.

    The highest, not the best: out-of-fold scores come from models that saw less data, so a
    low threshold learnt there fires on noise once the full model reads familiar text.
    """
    chosen = np.full(q.shape[1], 0.5)
    for column in range(q.shape[1]):
        y = labels[:, column] > 0
        scores = []
        for threshold in THRESHOLDS:
            guess = q[:, column] >= threshold
            tp = float((guess & y).sum())
            scores.append(2 * tp / (guess.sum() + y.sum()) if guess.sum() + y.sum() else 1.0)
        best = max(scores)
        chosen[column] = max(t for t, f1 in zip(THRESHOLDS, scores) if f1 >= best - slack)
    return chosen


def fit_vetoes(q: np.ndarray, rule: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Per signal, the highest level below which the rules' hits were wrong >= VETO_PRECISION of the time.

    Vetoing on the plain threshold dropped rule hits the golden transcripts and the per-rule
    cases rely on; a veto has to be nearly always right to be worth a missing finding.
    """
    chosen = np.zeros(q.shape[1])
    for column in range(q.shape[1]):
        hit = rule[:, column] > 0
        for level in VETO_LEVELS:
            vetoed = hit & (q[:, column] < level)
            if vetoed.sum() >= VETO_MIN and (labels[vetoed, column] == 0).mean() >= VETO_PRECISION:
                chosen[column] = level
    return chosen
