"""Pair scores: the signals of :mod:`.features` through the weights of :mod:`.model`, memoised."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ..models import Item
from ..workers import fork_map
from .features import PairFeatures, PairFeaturizer
from .model import QUESTION_PAIRS, UNIT_PAIRS

#: A question naming something (``Header()``, Swagger UI, 404) that the other item never
#: mentions asks about something else. On the labelled seed pairs this fires on 2 of 53
#: duplicates and 368 of 668 different pairs: it costs the word score this much and cuts the
#: model's probability to this share (the model is fitted on the pairs it leaves alone).
CONTRAST_PENALTY = 0.3
CONTRAST_DISCOUNT = 0.2
#: The model's probability that counts as certain: it scores the default threshold. Below it
#: the model alone merges nothing (on the labelled pairs, 0.95 keeps precision at 0.95).
MODEL_CERTAIN = 0.95
MODEL_SCALE = 0.5 / MODEL_CERTAIN


@dataclass(frozen=True)
class Score:
    """How likely two items ask the same question (0..1), and the signals that said so."""

    total: float
    features: PairFeatures

    @property
    def question(self) -> float:
        return self.features.question

    @property
    def answer(self) -> float:
        return self.features.answer


class Rating(NamedTuple):
    """What merging needs of a pair, kept for every candidate: its score and how far the answers
    agree. A tuple of two floats, where a whole :class:`Score` with its signals is ten times the
    memory (a 100k deck has half a million candidate pairs)."""

    total: float
    answer: float


class PairScorer:
    """Scores any pair of a deck's items; coherence checks ask for pairs twice, so each pair's
    :class:`Rating` is kept. A pair's signals (:meth:`score`) are worked out again when asked
    for: only the pairs that end up linked or nearly linked need them."""

    def __init__(self, items: Sequence[Item], workers: int | None = None):
        self.items = items
        self.featurizer = PairFeaturizer(items, workers)
        self._ratings: dict[tuple[int, int], Rating] = {}
        self._specifics = [_specifics(item) for item in items]

    def answer_terms(self, index: int) -> int:
        """How many distinct terms an item's answer holds."""
        return self.featurizer.answer_terms(index)

    def remember_best(self, pairs: Sequence[tuple[int, int]]) -> None:
        """Find each item's best match in every other source among ``pairs`` (the mutual signal)."""
        self.featurizer.remember_best(pairs)
        self._ratings.clear()

    def score_all(self, pairs: Iterable[tuple[int, int]], workers: int | None = None) -> None:
        """Rate many pairs ahead of the merging, on every core when there are many: a pair's
        features are pure CPU work, and at 100k items the candidates number in the hundreds of
        thousands. Forked workers see this scorer as it is; the ratings come back in order."""
        keys = dict.fromkeys((min(i, j), max(i, j)) for i, j in pairs)
        todo = [key for key in keys if key not in self._ratings]
        ratings = fork_map(self._rate_all, todo, minimum=PARALLEL_MIN_PAIRS, workers=workers)
        self._ratings.update(zip(todo, ratings, strict=True))

    def rating(self, i: int, j: int) -> Rating:
        """The pair's score and answer agreement (memoised)."""
        key = (min(i, j), max(i, j))
        found = self._ratings.get(key)
        if found is None:
            found = self._ratings[key] = self._rate(*key)
        return found

    def score(self, i: int, j: int) -> Score:
        """The pair's score with every signal behind it (worked out afresh: see the class)."""
        return self._compute(min(i, j), max(i, j))

    def _rate_all(self, pairs: list[tuple[int, int]]) -> list[Rating]:
        return [self._rate(i, j) for i, j in pairs]

    def _rate(self, i: int, j: int) -> Rating:
        score = self._compute(i, j)
        return Rating(score.total, score.features.answer)

    def _compute(self, i: int, j: int) -> Score:
        """The larger of two kinds of evidence, on one scale (a pair merges at the threshold):
        the words agree (question and answer alike, nothing named that the other lacks), or
        the learned model is near-certain, ``MODEL_CERTAIN`` reaching the default threshold."""
        features = self.featurizer.features(i, j)
        if self._specifics[i] != self._specifics[j]:
            return Score(0.0, features)  # "What's the output?" of two snippets: two questions
        if not (self.items[i].question and self.items[j].question):
            words = features.answer  # an answer-only unit: its answer is all there is
            model = UNIT_PAIRS.probability(features)
        else:
            words = (features.question + features.answer) / 2 - CONTRAST_PENALTY * features.contrast
            model = QUESTION_PAIRS.probability(features) * (CONTRAST_DISCOUNT if features.contrast else 1.0)
        return Score(max(words, model * MODEL_SCALE, 0.0), features)


#: Below this many pairs, starting worker processes costs more than it saves.
PARALLEL_MIN_PAIRS = 5_000

_BLOCK = re.compile(r"^[ \t]*(`{3,}|~{3,})[^\n]*\n(.*?)^[ \t]*\1", re.DOTALL | re.MULTILINE)
_TABLE_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$", re.MULTILINE)


def _specifics(item: Item) -> str:
    """What makes a question one of its kind beyond its words: the code, table and options it
    shows (in its prompt, or inside the question itself), spacing aside. Two items whose
    specifics differ ask two questions, however alike their words."""
    shown = [item.prompt]
    if "|" in item.question or "```" in item.question or "~~~" in item.question:
        shown += [match.group(2) for match in _BLOCK.finditer(item.question)]
        shown += _TABLE_ROW.findall(item.question)
    return " ".join(" ".join(shown).split())
