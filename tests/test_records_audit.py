"""Audit fixes in the record adapters: each test failed before its fix."""

from __future__ import annotations

from qa2anki.adapters import read_text_as


def test_an_unquoted_comma_in_the_last_answer_column_is_joined_back_and_reported():
    text = "question,answer\nWhat is X?,X is a thing\nWhat is Y?,Y is one, two and three\n"
    result = read_text_as(text, "t.csv", "csv")
    assert [item.answer for item in result.items] == ["X is a thing", "Y is one, two and three"]
    assert [(d.line, d.severity) for d in result.diagnostics] == [(3, "warning")]


def test_extra_cells_before_a_later_column_stay_in_the_answer_and_are_reported():
    text = "question,answer,level\nWhat is X?,X is a thing,easy\nWhat is Y?,Y is one,hard,two\n"
    result = read_text_as(text, "t.csv", "csv")
    assert result.items[1].answer == "Y is one\n\ntwo"
    assert result.items[1].meta["level"] == "hard"
    assert [d.line for d in result.diagnostics] == [3]
