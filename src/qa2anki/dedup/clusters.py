"""Union-find whose unions check that every member of two clusters asks the same question."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Item
from .features import PairFeatures
from .scoring import PairScorer

#: Two questions from one source must clear the threshold by this much: an author who lists two
#: questions usually means two different ones.
SAME_SOURCE_MARGIN = 0.1
#: Every cross pair of two joining clusters must score at least this much below the threshold.
LINKAGE_SLACK = 0.15
#: Two members whose answers share less than this (answer cosine) never meet on one card: a
#: merge only joins answers that agree.
ANSWER_AGREEMENT = 0.1


@dataclass(frozen=True)
class Link:
    """Why two members share a card (or nearly did): the score, its signals, or the manifest."""

    first: Item
    second: Item
    score: float
    features: PairFeatures | None = None
    forced: bool = False
    why_apart: str = ""  # for a near miss: what kept the pair apart

    @property
    def question(self) -> float:
        return self.features.question if self.features else 0.0

    @property
    def answer(self) -> float:
        return self.features.answer if self.features else 0.0


class Clusters:
    def __init__(self, scorer: PairScorer, threshold: float, apart: set[frozenset[int]]):
        self.scorer = scorer
        self.threshold = threshold
        self.apart = apart
        #: what one source's two questions must score
        self.strong = threshold + SAME_SOURCE_MARGIN
        self.members: dict[int, list[int]] = {}
        self.root: dict[int, int] = {}
        self.links: dict[int, list[Link]] = {}

    def find(self, index: int) -> int:
        return self.root.get(index, index)

    def group(self, index: int) -> list[int]:
        return self.members.get(self.find(index), [index])

    def obstacle(self, i: int, j: int) -> str:
        """Why the clusters of ``i`` and ``j`` may not join ("" when they may).

        No chaining: every cross pair must be close and their average clear the threshold, so
        A~B and B~C never join A and C that differ. One source's questions need the margin even
        through a third item; answers that disagree never share a card.
        """
        left, right = self.group(i), self.group(j)
        if any(frozenset((a, b)) in self.apart for a in left for b in right):
            return "keep_separate in the manifest"
        items = self.scorer.items
        scores = []
        for a in left:
            for b in right:
                score = self.scorer.rating(a, b)
                if score.answer < ANSWER_AGREEMENT:
                    return f"answers disagree ({_key(items[a])} ~ {_key(items[b])})"
                if items[a].source == items[b].source and score.total < self.strong:
                    return f"one source asks both; needs {self.strong:.2f}"
                scores.append(score.total)
        if min(scores) < self.threshold - LINKAGE_SLACK or sum(scores) / len(scores) < self.threshold:
            return "not every member of the two cards agrees"
        return ""

    def join(self, i: int, j: int, forced: bool = False) -> None:
        a, b = self.find(i), self.find(j)
        if a == b:
            return
        score = self.scorer.score(i, j)
        items = self.scorer.items
        link = Link(items[i], items[j], score.total, score.features, forced)
        merged = self.group(a) + self.group(b)
        links = self.links.pop(a, []) + self.links.pop(b, []) + [link]
        keep = min(a, b)
        for member in merged:
            self.root[member] = keep
        self.members.pop(a, None)
        self.members.pop(b, None)
        self.members[keep] = sorted(merged)
        self.links[keep] = links


def _key(item: Item) -> str:
    return f"{item.source}#{item.ref}"
