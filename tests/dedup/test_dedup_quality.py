"""Dedup measured on hand-labelled pairs (``data/dedup/``): precision and recall, printed.

The figures are printed in the test summary (see ``conftest.pytest_terminal_summary``) and
asserted against floors just under what this version reaches, so a change that loses
precision or recall fails here. The labelled sets and how they were made: ``bench/dedup_quality.py``.
"""

from __future__ import annotations

from collections import Counter

import pytest
from bench import dedup_quality

from conftest import DATA
from qa2anki.adapters import read_source
from qa2anki.dedup import deduplicate

#: What this version reaches on the labelled pairs, less a little (see the README).
PRECISION_FLOOR = 0.93
RECALL_FLOOR = 0.5
UNIT_PRECISION_FLOOR = 0.85

FIGURES: list[str] = []  # printed at the end of the run


@pytest.fixture(scope="module")
def decks() -> list[dedup_quality.LabelledDeck]:
    return [dedup_quality.seed_deck(), *dedup_quality.corpus_decks()]


def test_labelled_pairs_are_consistent(decks):
    """No pair is labelled both ways, and a `different` pair never sits inside a group of `same`."""
    for deck in decks:
        positives = deck.positives()
        assert not [pair for pair in map(frozenset, deck.different) if pair in positives], deck.name
        index = deck.index()
        missing = [k for pair in deck.same + deck.different for k in pair if k not in index]
        assert not missing, f"{deck.name}: labelled items no longer read: {missing[:5]}"


def test_precision_and_recall_on_the_labelled_pairs(decks):
    total, lines = dedup_quality.report(decks)
    FIGURES.extend(lines)
    print("\n" + "\n".join(lines))
    assert total.precision >= PRECISION_FLOOR
    assert total.recall >= RECALL_FLOOR
    assert total.unit_precision >= UNIT_PRECISION_FLOOR
    assert sum(len(deck.positives()) for deck in decks) >= 60  # enough to mean something
    assert sum(len(deck.different) for deck in decks) >= 300


def test_a_quiz_repeating_its_question_text_over_different_code_keeps_every_question():
    """Ten items ask "What value will get logged from the following:" over different code: ten cards.
    The one item the author pasted twice (same code, same answer) is one card."""
    items = read_source(DATA / "realworld" / "dedup" / "js_logged_quiz.json").items
    stems = Counter(item.question.splitlines()[0] for item in items)
    stem, repeats = stems.most_common(1)[0]
    assert repeats >= 10
    result = deduplicate(items)
    cards_with_stem = [card for card in result.cards if card.shown_question.startswith(stem)]
    merged = [card for card in cards_with_stem if len(card.items) > 1]
    assert len(merged) == 1 and len(merged[0].items) == 2
    assert merged[0].items[0].question == merged[0].items[1].question
    assert len(cards_with_stem) == repeats - 1
    assert len(result.cards) == len(items) - 1
