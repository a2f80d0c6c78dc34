"""Audit fixes in the numbered scraped-text adapter: each test failed before its fix."""

from __future__ import annotations

from qa2anki.adapters import read_text_as


def _read(text: str):
    return read_text_as(text, "t.txt", "numbered-text")


def test_footer_cut_keeps_the_last_questions_facts():
    text = (
        "Q1. What is a list?\nTopic: Collections | Tags: python, lists\n\nA mutable sequence of values.\n\n"
        "Q2. What is a tuple?\nTopic: Collections | Tags: python, tuples\n\nAn immutable sequence of values.\n\n"
        "Related posts\nShare this\n"
    )
    last = _read(text).items[-1]
    assert last.answer == "An immutable sequence of values."
    assert last.tags == ("python", "tuples")
    assert last.meta["topic"] == "Collections"
