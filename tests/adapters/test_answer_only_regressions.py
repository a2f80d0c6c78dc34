"""Audit fixes in the answer-only adapter: each test failed before its fix."""

from __future__ import annotations

from qa2anki.adapters import read_text_as


def _read(text: str):
    return read_text_as(text, "t.txt", "answer-only")


def _page(label: str, inner: str = "") -> str:
    answers = [
        ("A process has its own memory; threads share the memory of their process.", "use threads for I/O."),
        (f"A mutex lets one thread at a time into a critical section. {inner}", "hold locks briefly."),
        ("A deadlock is two threads each waiting for a lock the other holds.", "take locks in one order."),
        ("A semaphore counts how many threads may enter at once.", "use it to bound a pool."),
    ]
    return "\n\n".join(f"{text.strip()}\n{label}: {rule}" for text, rule in answers) + "\n"


def test_a_listed_label_inside_an_answer_does_not_split_it():
    page = _page("Rule of thumb").replace(
        "critical section.", "critical section.\nIn short: it serializes access to shared state.", 1)
    result = _read(page)
    assert len(result.items) == 4
    assert "In short: it serializes access" in result.items[1].answer
    assert result.items[1].answer.split("\n\n")[-1] == "Rule of thumb: hold locks briefly."


def test_a_closing_label_is_learned_from_the_page():
    result = _read(_page("Why it matters"))
    assert len(result.items) == 4
    assert all(item.answer.split("\n\n")[-1].startswith("Why it matters:") for item in result.items)
    assert result.items[0].answer.startswith("A process has its own memory")


def test_a_label_that_opens_answers_is_no_closing_label():
    answers = [f"Definition: term {n} is a thing with a property.\nIt is used in case {n}." for n in range(4)]
    result = _read("\n\n".join(answers) + "\n")
    assert all(not item.answer.startswith("It is used") for item in result.items)
