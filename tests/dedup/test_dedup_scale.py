"""Dedup at scale: every planted rewording still merges and nothing unrelated does."""

from __future__ import annotations

import random
import time
from itertools import accumulate

import pytest

from qa2anki.dedup import deduplicate
from qa2anki.models import Item


def synthetic_deck(size: int, seed: int = 7) -> tuple[list[Item], set[tuple[str, str]]]:
    """``size`` items over a large vocabulary; one in twenty rewords an earlier item.

    Returns the items and the (original ref, rewording ref) pairs that should merge.
    """
    rng = random.Random(seed)
    vocabulary = [f"w{n}x" for n in range(max(2000, size // 2))]
    weights = list(accumulate(1 / (rank + 1) ** 0.8 for rank in range(len(vocabulary))))  # Zipf-like
    items: list[Item] = []
    planted: set[tuple[str, str]] = set()
    for index in range(size):
        ref = f"S{index}"
        if index > 10 and index % 20 == 0:
            original = items[rng.randrange(index - 10)]
            question = original.question.split()
            answer = original.answer.split()
            rng.shuffle(question)
            answer = answer[2:] + rng.choices(vocabulary, cum_weights=weights, k=3)
            items.append(Item("Reworded: " + " ".join(question[1:]) + "?", " ".join(answer), "syn.md", ref))
            planted.add((original.ref, ref))
            continue
        question = " ".join(rng.choices(vocabulary, cum_weights=weights, k=8))
        answer = " ".join(rng.choices(vocabulary, cum_weights=weights, k=40))
        items.append(Item(question + "?", answer, "syn.md", ref))
    return items, planted


def _check(size: int) -> float:
    """Every planted rewording merges and no card joins unrelated items (time: ``make bench``)."""
    items, planted = synthetic_deck(size)
    started = time.perf_counter()
    result = deduplicate(items)
    elapsed = time.perf_counter() - started
    merged = {
        (a.ref, b.ref) for card in result.cards for a in card.items for b in card.items if a.ref != b.ref
    }
    found = sum(pair in merged for pair in planted)
    assert found >= 0.95 * len(planted), f"only {found} of {len(planted)} rewordings merged"
    family = {ref: ref for item in items for ref in [item.ref]}
    for original, rewording in sorted(planted, key=lambda p: int(p[1][1:])):
        family[rewording] = family[original]
    wrong = [card for card in result.cards if len({family[item.ref] for item in card.items}) > 1]
    assert not wrong, f"{len(wrong)} cards joined unrelated items"
    print(f"\ndedup of {size} items: {elapsed:.2f}s, {len(result.clusters)} clusters")
    return elapsed


def test_two_thousand_items_dedupe_right():
    _check(2_000)


@pytest.mark.slow
def test_one_hundred_thousand_items_dedupe_right():
    _check(100_000)
