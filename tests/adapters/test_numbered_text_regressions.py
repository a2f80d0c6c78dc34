"""Audit fixes in the numbered scraped-text adapter: each test failed before its fix."""

from __future__ import annotations

from qa2anki.adapters import read_text_as


def _read(text: str):
    return read_text_as(text, "t.txt", "numbered-text")


def test_footer_cut_keeps_the_last_questions_facts():
    text = (
        "Q1. What is a list?\nTopic: Collections | Tags: python, lists\n\nA mutable sequence of values.\n\n"
        "Q2. What is a tuple?\nTopic: Collections | Tags: python, tuples\n\n"
        "An immutable sequence of values.\n\n"
        "Related posts\nShare this\n"
    )
    last = _read(text).items[-1]
    assert last.answer == "An immutable sequence of values."
    assert last.tags == ("python", "tuples")
    assert last.meta["topic"] == "Collections"


def _sectioned(heading: str) -> str:
    return (
        "Basics\n\nQ1. What is a process?\n\nA running program.\n\n"
        f"{heading}\n\nQ2. What does a device driver do?\n\nIt lets the kernel talk to hardware.\n"
    )


def test_a_level_word_inside_another_word_is_no_level():
    item = _read(_sectioned("Middleware and Hardware")).items[1]
    assert item.meta["topic"] == "Middleware and Hardware"
    assert "level" not in item.meta


def test_a_section_names_a_level_only_with_its_first_or_last_word():
    assert _read(_sectioned("Advanced Drivers")).items[1].meta["level"] == "Advanced"
    assert _read(_sectioned("Drivers for Mid-level")).items[1].meta["level"] == "Mid-level"
    assert "level" not in _read(_sectioned("Tips from senior engineers")).items[1].meta


def test_a_long_whitespace_run_in_a_line_is_read_fast():
    import time

    run = " " * 20_000
    text = (
        f"Q1. What is a race condition?{run}see below\n\nTwo threads touch shared state.\n\n"
        f"Q2. What is a mutex?{run}\t[Easy]{run}\n\nA lock.{run}- item{run}x\n\n"
        f"3.{run}What is a semaphore?{run}x\n\nA counter.\n"
    )
    started = time.perf_counter()
    result = _read(text)
    assert time.perf_counter() - started < 2
    assert [item.ref for item in result.items] == ["Q1", "Q2"]
    assert result.items[1].meta["level"] == "Easy"


def test_a_page_indented_as_a_whole_is_read_with_its_line_numbers():
    import textwrap

    page = (
        "Q1. What is a closure?\n\nA function with its enclosing scope.\n\n    def f():\n        return 1\n\n"
        "Q2. What is a generator?\n  \nA function that yields values.\n"
    )
    result = _read(textwrap.indent(page, "  "))
    assert [(item.ref, item.line) for item in result.items] == [("Q1", 1), ("Q2", 8)]
    assert "def f():\n    return 1" in result.items[0].answer


def test_a_numbered_list_inside_an_answer_does_not_take_over_the_question_numbering():
    text = (
        "1. What is dynamic dispatch?\n\nTwo questions explain it:\n"
        "1. What happens when a method is called?\n2. What is late binding?\n"
        "Both are answered at run time.\n\n"
        "2. What is a decorator?\n\nA function that wraps another.\n\n"
        "3. What is a metaclass?\n\nThe class of a class.\n"
    )
    result = _read(text)
    assert [(item.ref, item.question) for item in result.items] == [
        ("Q1", "What is dynamic dispatch?"), ("Q2", "What is a decorator?"), ("Q3", "What is a metaclass?"),
    ]
    assert "late binding" in result.items[0].answer
    assert result.items[1].answer == "A function that wraps another."
