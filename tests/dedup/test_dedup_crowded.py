"""Deduplication must not quietly stop working as a deck grows: a question many sources ask
shares its words with more items than the candidate index counts one by one."""

from __future__ import annotations

import pytest

from qa2anki import similarity
from qa2anki.dedup import _MAX_POSTINGS, deduplicate, features, scoring
from qa2anki.models import Item
from qa2anki.similarity import KeyIndex

WORDINGS = ["What does the `{0}` flag of the linker do?", "Explain the linker's `{0}` flag.",
            "What is the purpose of the `{0}` linker flag?", "Why pass `{0}` to the linker?"]


def _item(number: int, question: str, answer: str) -> Item:
    return Item(question=question, answer=answer, source=f"source-{number}.md", ref=f"Q{number}", line=number)


def test_a_question_asked_by_more_sources_than_the_index_counts_still_merges():
    copies = 3 * _MAX_POSTINGS
    asked = [_item(n, WORDINGS[n % len(WORDINGS)].format("--gc-sections"),
                   "It drops unused sections from the output, so the binary gets smaller. "
                   f"Pair it with `-ffunction-sections`{'.' if n % 2 else ' when compiling.'}")
             for n in range(copies)]
    others = [_item(1000 + n, f"What does the `--opt{n}` flag of the linker do?",
                    f"It sets option {n} of the linker, which changes how symbol {n} is resolved.")
              for n in range(200)]
    cards = deduplicate([*asked, *others]).cards
    (card,) = [card for card in cards if any(item.ref == "Q0" for item in card.items)]
    assert len(card.items) == copies
    alone = {card.items[0].ref for card in cards if len(card.items) == 1}
    assert alone == {item.ref for item in others}  # 200 different flags: 200 cards


def test_crowded_lookups_give_each_document_a_few_neighbours_not_all():
    keys = [["shared", "common", f"own{n}"] for n in range(500)]
    index = KeyIndex(keys, max_postings=20)
    assert ("shared", "common") not in index.postings  # crowded: searched by neighbourhood
    assert all(len(index.closest(lookups, 50, doc)) <= 12 for doc, lookups in enumerate(index.lookups))


def test_items_read_on_the_workers_give_the_terms_read_here(monkeypatch: pytest.MonkeyPatch):
    asked = [_item(n, f"How does `step_{n}` retry a failed upload {n % 7} times?",
                   f"It retries {n % 7} times, waiting `backoff_{n % 5}` seconds between tries.")
             for n in range(300)]
    here = features.PairFeaturizer(asked, workers=1)
    monkeypatch.setattr(features, "PARALLEL_MIN_ITEMS", 0)
    forked = features.PairFeaturizer(asked, workers=2)
    assert [forked.key_terms(i, 4, 6) for i in range(300)] == [here.key_terms(i, 4, 6) for i in range(300)]
    assert [_profile(forked.profile(i)) for i in range(300)] == \
        [_profile(here.profile(i)) for i in range(300)]


def test_dedup_on_every_core_merges_exactly_as_on_one(monkeypatch: pytest.MonkeyPatch):
    """Reading items, searching the index and scoring pairs on forked workers (what a deck of
    20,000+ items does) gives the same cards, links and near misses as doing it all here."""
    items = [_item(n, WORDINGS[n % len(WORDINGS)].format(f"--flag-{n // 8}"),
                   f"It turns on feature {n // 8} of the linker; see `ld --flag-{n // 8}` "
                   f"and `link_step_{n // 8}()`{'.' if n % 3 else ', then relink.'}")
             for n in range(400)]
    here = deduplicate(items)
    monkeypatch.setattr(features, "PARALLEL_MIN_ITEMS", 0)
    monkeypatch.setattr(scoring, "PARALLEL_MIN_PAIRS", 0)
    monkeypatch.setattr(similarity, "PARALLEL_MIN_DOCUMENTS", 0)
    forked = deduplicate(items, workers=2)
    assert [[item.ref for item in card.items] for card in forked.cards] == \
        [[item.ref for item in card.items] for card in here.cards]
    assert len(here.cards) < len(items)  # the rewordings did merge
    assert [(m.first.ref, m.second.ref, m.score, m.features) for m in forked.near_misses] == \
        [(m.first.ref, m.second.ref, m.score, m.features) for m in here.near_misses]


def _profile(profile: features._Profile) -> tuple[object, ...]:
    return tuple(getattr(profile, name) for name in profile.__slots__)
