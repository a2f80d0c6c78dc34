"""The dedup answer key (``data/dedup/corpus_pairs.yaml``) names real items of the dedup corpus.

The key labels pairs of items across ``data/realworld/dedup/`` as ``FILE#REF``; if an adapter
change renames a ref, the key would silently stop measuring anything, so every side must still
resolve to exactly one item, and the negatives must outnumber the positives.
"""

from __future__ import annotations

from collections import Counter

import yaml

from conftest import DATA
from qa2anki.adapters import read_source

CORPUS = DATA / "realworld" / "dedup"
PAIRS = yaml.safe_load((DATA / "dedup" / "corpus_pairs.yaml").read_text(encoding="utf-8"))["pairs"]


def _items_by_name() -> Counter[str]:
    names: Counter[str] = Counter()
    for document in CORPUS.iterdir():
        if not document.name.endswith(".expected.yaml"):
            names.update(f"{document.name}#{item.ref}" for item in read_source(document).items)
    return names


def test_every_side_of_every_pair_is_one_item_of_the_corpus():
    names = _items_by_name()
    sides = {side for pair in PAIRS for side in pair[:2]}
    assert {side: names[side] for side in sides if names[side] != 1} == {}


def test_pairs_are_labelled_once_with_a_reason():
    assert all(pair[2] in {"same", "different"} and pair[3].strip() for pair in PAIRS)
    assert all(pair[0] != pair[1] for pair in PAIRS)
    unordered = Counter(frozenset(pair[:2]) for pair in PAIRS)
    assert [pair for pair, count in unordered.items() if count > 1] == []


def test_hard_negatives_outnumber_the_duplicates():
    labels = Counter(pair[2] for pair in PAIRS)
    assert labels["same"] >= 10
    assert labels["different"] >= labels["same"]
