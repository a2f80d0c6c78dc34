"""How much the signals of :mod:`.features` weigh: a logistic model learned from labelled pairs.

The weights below were fitted by ``python -m bench.dedup_quality --fit`` on the hand-labelled
pairs in ``tests/data/dedup/`` (seed pairs and the dedup corpus); nothing else chose them.
A pair's probability of asking the same question is ``1 / (1 + exp(-(bias + w · features)))``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from operator import mul

from .features import PairFeatures


@dataclass(frozen=True)
class Weights:
    bias: float
    weights: tuple[float, ...]  # in :meth:`PairFeatures.names` order

    def probability(self, features: PairFeatures) -> float:
        z = self.bias + sum(map(mul, self.weights, features.values()))  # one weight a signal
        return _sigmoid(z)


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


#: Two questions (fitted on labelled question pairs).
QUESTION_PAIRS = Weights(
    bias=-3.566,
    weights=(3.081, 2.605, 1.585, 0.273, 0.9, 0.683, 0.0, -0.859, 1.881, 0.575, -1.73),
)
#: An answer-only unit and a question (fitted on labelled unit pairs).
UNIT_PAIRS = Weights(
    bias=-2.037,
    weights=(0.0, 2.617, 2.431, 0.0, 0.907, -0.921, 0.0, 0.554, 1.048, 0.464, 0.0),
)


def fit(
    samples: Sequence[tuple[PairFeatures, bool]],
    *,
    l2: float = 0.01,
    rounds: int = 4000,
    rate: float = 0.5,
) -> Weights:
    """Logistic regression by full-batch gradient descent, with a little L2 to keep weights sane.

    A few hundred pairs and nine signals: plain Python is quick enough and adds no dependency.
    Positives and negatives weigh equally in total, since labelled sets hold far more negatives.
    """
    rows = [(f.values(), 1.0 if same else 0.0) for f, same in samples]
    positives = sum(y for _, y in rows) or 1.0
    negatives = (len(rows) - positives) or 1.0
    size = len(PairFeatures.names())
    bias, weights = 0.0, [0.0] * size
    for _ in range(rounds):
        grad_b, grad = 0.0, [0.0] * size
        for x, y in rows:
            share = 0.5 / positives if y else 0.5 / negatives
            p = _sigmoid(bias + sum(w * v for w, v in zip(weights, x, strict=True)))
            error = (p - y) * share
            grad_b += error
            for k, v in enumerate(x):
                grad[k] += error * v
        bias -= rate * grad_b
        weights = [w - rate * (g + l2 * w) for w, g in zip(weights, grad, strict=True)]
    return Weights(round(bias, 3), tuple(round(w, 3) for w in weights))
