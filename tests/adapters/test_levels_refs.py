"""The shared level vocabulary and ref helpers."""

from __future__ import annotations

import pytest

from qa2anki.adapters._text.refs import RefAllocator, slug
from qa2anki.adapters.numbered_text import LEVEL
from qa2anki.levels import LEVELS
from qa2anki.render import level_name


@pytest.mark.parametrize("word", sorted(LEVELS))
def test_every_level_word_is_read_by_the_adapter_and_mapped_by_rendering(word):
    for line in (word.capitalize(), f"Difficulty: {word}", f"Level - {word.upper()}-level"):
        match = LEVEL.fullmatch(line)
        assert match, line
        assert level_name(match.group("level")) == LEVELS[word]


def test_refs_are_unique_per_allocator():
    unique = RefAllocator()
    assert [unique("Q1"), unique("Q1"), unique("Q2"), unique("Q1")] == ["Q1", "Q1-2", "Q2", "Q1-3"]
    assert RefAllocator()("Q1") == "Q1"


def test_slug():
    assert slug("What is a Pod?") == "what-is-a-pod"
    assert slug("???") == "item"
    assert len(slug("word " * 40)) <= 60
