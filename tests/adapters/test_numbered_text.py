"""The numbered scraped-text adapter: the seed page 001 and small pages with its traps."""

from __future__ import annotations

import re

import pytest

from conftest import DATA, SOURCES
from qa2anki.adapters import detect, read_source, read_text_as
from qa2anki.adapters.numbered_text import answer_markdown, find_markers, trailing_furniture
from qa2anki.models import DAMAGE_MARK

SEED_001 = SOURCES / "001_69c6ad9c276d4e73.txt"
FIXTURES = DATA / "scraped-text"


@pytest.fixture(scope="module")
def seed():
    return read_source(SEED_001)


def _item(result, ref):
    return next(item for item in result.items if item.ref == ref)


def test_seed_counts_70_questions_52_answered_18_placeholders(seed):
    assert seed.format == "numbered-text"
    assert len(seed.items) == 52
    assert [item.ref for item in seed.items] == [f"Q{n}" for n in range(1, 53)]
    assert [d.ref for d in seed.dropped] == [f"Q{n}" for n in range(53, 71)]
    assert {d.reason for d in seed.dropped} == {"placeholder"}


def test_seed_first_and_last_questions(seed):
    first, last = seed.items[0], seed.items[-1]
    assert first.question == "What is FastAPI and what are the three main technologies it is built upon?"
    assert first.line == 10
    assert last.question == (
        "How does FastAPI handle validation errors internally before they even reach your path "
        "operation function?"
    )
    assert last.line == 1343
    assert last.answer.endswith("to reshape the error response.")


def test_seed_levels_are_carried(seed):
    levels = [item.meta["level"] for item in seed.items]
    assert levels[:12] == ["Junior"] * 12
    assert levels[12:48] == ["Mid"] * 36
    assert levels[48:] == ["Senior"] * 4


def test_seed_placeholders_keep_question_and_line(seed):
    q53 = seed.dropped[0]
    assert (q53.line, q53.reason) == (1370, "placeholder")
    assert q53.question == "Explain how Pydantic validation actually works under the hood."
    assert seed.dropped[-1].line == 1506


def test_seed_intro_is_no_item_but_is_reported(seed):
    assert all("Blog hero image" not in item.answer for item in seed.items)
    (note,) = seed.diagnostics
    assert (note.line, note.severity) == (1, "info")
    assert "lines 1-8" in note.message


def test_seed_bullets_nest_by_indentation(seed):
    answer = _item(seed, "Q1").answer
    assert "\n\n- Starlette\n    - The ASGI toolkit underneath" in answer
    assert "\n- Pydantic\n    - Data validation" in answer
    assert answer.endswith("\n- On top of these, FastAPI auto-generates OpenAPI docs (Swagger UI and ReDoc).")


def test_seed_numbered_steps_inside_bullets(seed):
    answer = _item(seed, "Q41").answer
    assert "- Token issuance (the login step)\n    1. Client posts form data" in answer
    assert "\n    2. Server verifies credentials" in answer
    assert "- 1\\. Server receives it" in _item(seed, "Q49").answer  # text, not a list marker


def test_seed_flattened_python_is_fenced_and_marked(seed):
    answer = _item(seed, "Q4").answer
    assert f"```python {DAMAGE_MARK}=flattened\nfrom pydantic import BaseModel class Item(" in answer
    fences = [fence for item in seed.items for fence in re.findall(r"^```(\S+.*)$", item.answer, re.M)]
    assert fences.count(f"python {DAMAGE_MARK}=flattened") == 33
    assert fences.count("bash") == 1


def test_seed_one_line_command_is_not_marked(seed):
    assert _item(seed, "Q2").answer.endswith(
        "```bash\nuvicorn main:app --host 0.0.0.0 --port 8000 --workers 4\n```"
    )


def test_seed_prose_is_escaped(seed):
    assert "Bearer &lt;token> header" in _item(seed, "Q41").answer


def test_detects_the_seed():
    assert detect(SEED_001.read_text(encoding="utf-8")).format == "numbered-text"


def test_other_numbering_styles_levels_placeholder_no_answer_and_footer():
    result = read_source(FIXTURES / "numbered_styles.txt")
    assert result.format == "numbered-text"
    assert [(i.ref, i.line, i.meta["level"]) for i in result.items] == [
        ("Q1", 6, "Easy"), ("Q2", 13, "Medium"), ("Q5", 26, "Easy")
    ]
    assert [(d.ref, d.line, d.reason) for d in result.dropped] == [
        ("Q3", 19, "placeholder"), ("Q4", 23, "no-answer")
    ]
    assert result.dropped[1].question == "What does `yield` do?"
    last = result.items[-1].answer
    assert last.endswith('```python\nwith open("data.txt") as handle:\n    for line in handle:\n'
                         "        print(line)\n```")  # a multi-line sample keeps its lines
    assert "Related" not in last and "©" not in last
    assert [(d.line, d.severity) for d in result.diagnostics] == [(1, "info"), (34, "info")]
    assert "- Syntax\n    - \\[expr for x in items if cond]" in result.items[0].answer


def test_crlf_and_bom_with_question_on_the_marker_line():
    assert (FIXTURES / "crlf_bom.txt").read_bytes().startswith(b"\xef\xbb\xbfQuestion 1:")
    result = read_source(FIXTURES / "crlf_bom.txt")
    assert [(i.ref, i.question, i.meta["level"]) for i in result.items] == [
        ("Q1", "What is Docker?", "Beginner"),
        ("Q2", "Which file describes an image?", "Intermediate"),
        ("Q3", "How do you list running containers?", "Beginner"),
    ]
    assert "\r" not in "".join(item.answer for item in result.items)
    assert "```dockerfile qa2anki-damaged=flattened\nFROM python:3.12-slim RUN" in result.items[1].answer
    assert result.items[2].answer.endswith("```bash\ndocker ps\n```")


def test_table_of_contents_is_skipped_and_noted():
    result = read_source(FIXTURES / "toc_and_colon.txt")
    assert [(i.ref, i.line) for i in result.items] == [("Q1", 4), ("Q2", 7)]
    assert not result.dropped
    assert "table of contents (lines 1-2)" in result.diagnostics[0].message
    assert result.items[1].answer.endswith(
        ":\n\n- it can add behaviour before or after the call\n- it can register the function somewhere"
    )


def test_bare_numbers_need_questions_in_sequence():
    text = (
        "1. What is a set?\nAn unordered collection:\n1. no duplicates\n2. fast membership\n\n"
        "2. What is a tuple?\nAn immutable sequence.\n"
    )
    result = read_text_as(text, "t.txt", "numbered-text")
    assert [(i.question, i.line) for i in result.items] == [("What is a set?", 1), ("What is a tuple?", 6)]


def test_markdown_table_of_contents_is_not_numbered_text():
    assert detect((SOURCES / "004_7624664d3e7a1fbf.txt").read_text(encoding="utf-8")).format == "markdown"


def test_footer_trimming_never_takes_answer_text():
    answer = ["Use a dependency.", "", "  • Short bullet", "", "bash", "", "uvicorn main:app", "", "Share"]
    assert trailing_furniture(answer) == 8
    assert trailing_furniture(["It is fast.", "Yes", "Really"]) == 3  # no furniture: nothing taken
    assert trailing_furniture(["It is fast.", "Related posts", "How to deploy", "Subscribe"]) == 1


def test_bullets_nest_by_glyph_when_indentation_is_flat():
    assert answer_markdown(["• Parent", "◦ Child", "• Next"]) == "- Parent\n    - Child\n- Next"


def test_question_without_question_mark_and_answer_without_blank_line():
    text = (
        "Q1.\nExplain the GIL\nThe GIL lets one thread run Python at a time.\n\n"
        "Q2. Define a coroutine\nA function you can pause.\n"
    )
    result = read_text_as(text, "t.txt", "numbered-text")
    assert [(i.question, i.answer) for i in result.items] == [
        ("Explain the GIL", "The GIL lets one thread run Python at a time."),
        ("Define a coroutine", "A function you can pause."),
    ]


def test_labelled_code_ends_where_prose_starts():
    answer = answer_markdown(["python", "x = compute()", "print(x)", "This prints the computed value."])
    assert answer == "```python\nx = compute()\nprint(x)\n```\n\nThis prints the computed value."


@pytest.mark.parametrize(
    ("line", "number", "rest"),
    [
        ("Q1.", 1, ""), ("Q12:", 12, ""), ("Q 3.", 3, ""), ("Question 4", 4, ""),
        ("Question 5: What is X?", 5, "What is X?"), ("6. Why?", 6, "Why?"), ("7) How?", 7, "How?"),
        ("Q.8 What is X?", 8, "What is X?"), ("#9 Why?", 9, "Why?"), ("Q 12 - How?", 12, "How?"),
        ("Question 13 : Qu'est-ce que la JVM ?", 13, "Qu'est-ce que la JVM ?"),
        ("Question 14\u00a0: Pourquoi ?", 14, "Pourquoi ?"),
        ("2、String 为什么不可变？", 2, "String 为什么不可变？"),
        ("3．HashMap 的原理？", 3, "HashMap 的原理？"),
        ("4 - What is X?", 4, "What is X?"), ("۵- کلوژر چیست؟", 5, "کلوژر چیست؟"),
    ],
)
def test_numbering_styles(line, number, rest):
    (marker,) = find_markers([line])
    assert (marker.number, marker.rest) == (number, rest)


@pytest.mark.parametrize(
    "line", ["  1. indented", "Quick start", "1.5 seconds", "2026 was a year", "12", "# 1. a comment",
             "1、2、3", "12：00 开会", "3-4 days", "10 -5 degrees"]
)
def test_not_numbering(line):
    assert find_markers([line]) == []


def test_answer_label_is_stripped():
    text = (
        "Q1. What is X?\nAnswer: X is a thing.\n\nQ2. What is Y?\nA: Y is another.\n\n"
        "Q3. Who?\nA-list stars.\n\nQ4. What is Z?\nAnswer\nZ is last."
    )
    result = read_text_as(text, "t.txt", "numbered-text")
    assert [item.answer for item in result.items] == ["X is a thing.", "Y is another.", "A-list stars.",
                                                      "Z is last."]


def test_forced_on_a_file_without_numbering_warns():
    result = read_text_as("Just a paragraph of text.\n", "t.txt", "numbered-text")
    assert not result.items and not result.dropped
    (warning,) = result.diagnostics
    assert warning.severity == "warning" and "no numbered questions found" in warning.message


def test_copy_button_text_under_a_language_label_is_skipped():
    answer = answer_markdown(["Run it:", "", "bash", "Copy code", "uvicorn main:app"])
    assert answer == "Run it:\n\n```bash\nuvicorn main:app\n```"
