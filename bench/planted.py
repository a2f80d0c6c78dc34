"""Deduplication at scale: recall and precision on the duplicates the synthetic corpus plants.

:func:`bench.corpus.items` rewords earlier questions (groups of 2 to 31 items, some larger than
any "too common to index" cut-off), so the right cards are known at every size. Pairs count:
recall is the share of planted pairs that share a card, precision the share of pairs sharing
a card that were planted. Both should hold from 1k to 100k items.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from itertools import combinations

from qa2anki.dedup import deduplicate
from qa2anki.models import Item

from . import corpus


@dataclass(frozen=True)
class Planted:
    size: int
    seconds: float
    planted: int
    recall: float
    precision: float

    def line(self) -> str:
        return (f"n={self.size}: recall {self.recall:.3f}, precision {self.precision:.3f} "
                f"({self.planted} planted pairs; dedup {self.seconds:.1f} s)")


def planted_figures(size: int, per_file: int = 500) -> Planted:
    synthetic = corpus.items(size)
    items = [Item(question=s.question, answer=s.answer, source=f"part-{n // per_file:04d}.md",
                  ref=f"Q{n + 1}", line=n + 1) for n, s in enumerate(synthetic)]
    start = time.perf_counter()
    cards = deduplicate(items).cards
    seconds = time.perf_counter() - start
    card_of = {item.ref: number for number, card in enumerate(cards) for item in card.items}
    groups: dict[int, list[int]] = {}
    for n, s in enumerate(synthetic):
        groups.setdefault(s.original, []).append(n)
    planted = [(a, b) for group in groups.values() for a, b in combinations(group, 2)]
    found = sum(card_of[f"Q{a + 1}"] == card_of[f"Q{b + 1}"] for a, b in planted)
    members = [[int(item.ref[1:]) - 1 for item in card.items] for card in cards]
    together = [pair for numbers in members for pair in combinations(numbers, 2)]
    right = sum(synthetic[a].original == synthetic[b].original for a, b in together)
    return Planted(size, seconds, len(planted), found / max(len(planted), 1), right / max(len(together), 1))
