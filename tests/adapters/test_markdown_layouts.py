"""The markdown adapter on every layout it reads, each fixture with its traps."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import DATA, SOURCES
from qa2anki.adapters import MIN_CONFIDENCE, detect, read_source, read_text_as
from qa2anki.adapters.markdown import sniff
from qa2anki.models import SourceResult

MARKDOWN = DATA / "markdown"


def _read(name: str) -> SourceResult:
    return read_source(MARKDOWN / name)


def _rows(result: SourceResult) -> list[tuple[str, int | None, str, str | None]]:
    return [(i.ref, i.line, i.question, i.meta.get("topic")) for i in result.items]


def _answer(result: SourceResult, ref: str) -> str:
    return next(item.answer for item in result.items if item.ref == ref)


def _dropped(result: SourceResult) -> list[tuple[str, int | None, str, str]]:
    return [(d.ref, d.line, d.reason, d.question) for d in result.dropped]


# --- question headings -----------------------------------------------------------------------


def test_headings_items_refs_lines_and_topics():
    result = _read("headings.md")
    assert result.format == "markdown"
    assert _rows(result) == [
        ("what-is-a-decorator", 11, "What is a decorator?", "Basics"),
        ("how-do-generators-work", 28, "How do generators work?", "Basics"),
        ("Q3", 40, "Explain the GIL", "Internals"),
    ]
    assert _dropped(result) == [("Q4", 45, "no-answer", "What is reference counting?")]


def test_headings_answers_keep_code_lists_and_html():
    result = _read("headings.md")
    decorator = _answer(result, "what-is-a-decorator")
    assert decorator.startswith("A function that wraps another function:\n\n```python\n")
    assert "# a comment, not a heading\n## still code, not a question?\ndef shout(fn):" in decorator
    assert "- It runs at definition time\n  - and returns the replacement\n" in decorator
    assert "<kbd>caching</kbd>" in decorator
    assert "Back to top" not in decorator  # navigation, not answer
    assert "Table of Contents" not in decorator
    generators = _answer(result, "how-do-generators-work")
    assert generators == (
        "They yield values lazily:\n\n```\ndef count():\n    # comment in indented code\n    yield 1\n```"
        "\n\nEach `next()` resumes the frame."
    )
    assert _answer(result, "Q3").endswith("at a time.<br>\nThreads still help with I/O.")


def test_setext_and_list_headings_with_indented_answers():
    text = (
        "What is React?\n==============\n\nA UI library.\n\n"
        "1. ### What is JSX?\n\n    A syntax extension:\n\n    ```jsx\n    <p>hi</p>\n    ```\n\n"
        "    **[⬆ Back to Top](#table-of-contents)**\n\n"
        "2. ### What are props?\n\n    Inputs of a component.\n"
    )
    result = read_text_as(text, "react.md", "markdown")
    assert _rows(result) == [
        ("what-is-react", 1, "What is React?", None),
        ("Q1", 6, "What is JSX?", None),
        ("Q2", 16, "What are props?", None),
    ]
    assert _answer(result, "what-is-react") == "A UI library."
    assert _answer(result, "Q1") == "A syntax extension:\n\n```jsx\n<p>hi</p>\n```"
    assert _answer(result, "Q2") == "Inputs of a component."


def test_question_heading_over_questions_is_their_section():
    text = (
        "## Why FastAPI\n\n### What is it?\n\nA framework.\n\n### Is it fast?\n\nYes.\n\n"
        "## How does it compare?\n\n**Q:** To Flask? **A:** Async first.\n\n"
        "**Q:** To Django? **A:** Smaller.\n"
    )
    result = read_text_as(text, "faq.md", "markdown")
    assert [(i.question, i.meta.get("topic")) for i in result.items] == [
        ("What is it?", "Why FastAPI"),
        ("Is it fast?", "Why FastAPI"),
        ("To Flask?", "How does it compare?"),
        ("To Django?", "How does it compare?"),
    ]
    assert result.dropped == ()


def test_bold_lines_inside_a_heading_answer_stay_in_it():
    text = (
        "## Why is it fast?\n\nTwo reasons:\n\n"
        "1. **Why async?** No blocking.\n2. **Why Pydantic?** Compiled.\n"
    )
    result = read_text_as(text, "one.md", "markdown")
    assert [i.question for i in result.items] == ["Why is it fast?"]
    assert "1. **Why async?** No blocking." in result.items[0].answer


def test_prompts_without_a_question_word_are_questions():
    text = (
        "## Basics\n\n### Difference between `let` and `var`\n\nScope.\n\n"
        "## Data\n\n### Pros and cons of ORMs\n\nSpeed.\n"
    )
    result = read_text_as(text, "js.md", "markdown")
    assert [(i.question, i.meta.get("topic")) for i in result.items] == [
        ("Difference between `let` and `var`", "Basics"),
        ("Pros and cons of ORMs", "Data"),
    ]


def test_refs_are_unique_and_stable():
    text = "## What is X?\n\nOne.\n\n## What is X?\n\nTwo.\n\n## Q7. What is Y?\n\nThree.\n"
    first = read_text_as(text, "dup.md", "markdown")
    assert [i.ref for i in first.items] == ["what-is-x", "what-is-x-2", "Q7"]
    assert read_text_as(text, "dup.md", "markdown") == first


# --- <details><summary> ----------------------------------------------------------------------


def test_details_items_and_topics():
    result = _read("details.md")
    assert _rows(result) == [
        ("what-is-fastapi", 8, "What is FastAPI?", "General"),
        ("how-do-i-declare-a-path-parameter", 19, "How do I declare a path parameter?", "General"),
        ("what-does-depends-do", 39, "What does `Depends` do?", "Advanced topics"),
        ("why-use-lifespan", 49, "Why use `lifespan`?", "Advanced topics"),
    ]
    assert _dropped(result) == [
        ("is-there-an-answer-here", 32, "no-answer", "Is there an answer here?")
    ]


def test_details_answers_keep_fences_lists_and_convert_indented_code():
    result = _read("details.md")
    assert _answer(result, "what-is-fastapi") == (
        "FastAPI is an ASGI web framework.\n\n- Built on **Starlette**\n  - routing, middleware\n"
        "- Validation by Pydantic"
    )
    path = _answer(result, "how-do-i-declare-a-path-parameter")
    assert path.endswith('```python\n@app.get("/items/{item_id}")\nasync def read(item_id: int):\n'
                         '    # item_id is already an int here\n    return {"id": item_id}\n```')
    assert "</details>" not in path
    assert _answer(result, "what-does-depends-do").endswith(
        '```\ndef common(q: str | None = None):\n    return {"q": q}\n```'
    )
    assert not any("Show answer" in i.question or "label" in i.answer for i in result.items)


def test_details_on_one_line():
    text = "<details><summary>What is 2+2?</summary>Four.</details>\n" * 2
    result = read_text_as(text, "one.md", "markdown")
    assert [(i.question, i.answer, i.ref, i.line) for i in result.items] == [
        ("What is 2+2?", "Four.", "what-is-2-2", 1),
        ("What is 2+2?", "Four.", "what-is-2-2-2", 2),
    ]


# --- Q: / A: pairs ---------------------------------------------------------------------------


def test_pairs_with_bom_and_crlf():
    raw = (MARKDOWN / "pairs.md").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    result = _read("pairs.md")
    assert _rows(result) == [
        ("what-is-a-queryset", 5, "What is a QuerySet?", "ORM"),
        ("how-do-you-avoid-n-1-queries", 7, "How do you avoid N+1 queries?", "ORM"),
        ("what-is-a-class-based-view", 19, "What is a class-based view?", "Views"),
        ("Q2", 24, "What is middleware?", "Views"),
    ]
    assert _dropped(result) == [
        ("what-does-get-object-or-404-return", 22, "no-answer", "What does `get_object_or_404` return?")
    ]
    # the adapter copes with undecoded text too
    assert read_text_as(raw.decode("utf-8"), "pairs.md", "markdown") == result


def test_pair_answers_span_paragraphs_until_the_next_question():
    result = _read("pairs.md")
    assert _answer(result, "what-is-a-queryset") == "A lazy collection of database rows."
    assert _answer(result, "how-do-you-avoid-n-1-queries") == (
        "Use `select_related` for foreign keys.\n\nUse `prefetch_related` for many-to-many:\n\n"
        '```python\n# Q: this line is code, not a question\nBook.objects.prefetch_related("authors")\n```'
    )
    assert _answer(result, "Q2") == (
        "Hooks around every request:\n\n1. request middleware\n   - runs before the view\n"
        "2. response middleware"
    )
    assert all("\r" not in item.answer for item in result.items)


def test_bold_wrapped_pair_and_numbered_marker():
    text = "**Q1: What is WSGI?**\n**A:** A sync server interface.\n\n**Q2: And ASGI?**\n\n**A:** Async.\n"
    result = read_text_as(text, "qa.md", "markdown")
    assert [(i.ref, i.question, i.answer) for i in result.items] == [
        ("Q1", "What is WSGI?", "A sync server interface."),
        ("Q2", "And ASGI?", "Async."),
    ]


# --- numbered bold questions -----------------------------------------------------------------


def test_bold_list_items():
    result = _read("bold_list.md")
    assert _rows(result) == [
        ("Q1", 8, "What is a goroutine?", "Concurrency"),
        ("Q2", 16, "How do channels work?", "Concurrency"),
        ("Q3", 20, "What is a WaitGroup?", "Concurrency"),
        ("does-go-have-a-garbage-collector", 30, "Does Go have a garbage collector?", "Memory"),
    ]
    assert _dropped(result) == [("Q4", 26, "no-answer", "Why avoid shared memory?")]
    assert _answer(result, "Q1") == (
        "A lightweight thread managed by the Go runtime.\n\n```go\ngo work() // starts a goroutine\n```"
    )
    assert _answer(result, "Q2") == (
        "- Unbuffered channels block until both sides are ready.\n- Buffered channels block when full."
    )
    assert _answer(result, "Q3") == (
        "A counter that `Wait()` blocks on until it reaches zero.\n\nIt lives in `sync`."
    )


def test_a_list_repeating_the_questions_is_not_an_answer():
    text = (
        "1. **What is a slice?**\n\n   A view of an array.\n\n"
        "2. **What is a map?**\n\n   A hash table.\n\nSee also:\n\n"
        "- [What is a slice?](slices.md)\n- [What is a map?](maps.md)\n"
    )
    result = read_text_as(text, "go.md", "markdown")
    assert _answer(result, "Q2") == "A hash table."  # "See also:" is back at the margin: after the list


# --- tables ----------------------------------------------------------------------------------


def test_table_rows_by_header_names_and_by_question_marks():
    result = _read("table.md")
    assert _rows(result) == [
        ("Q1", 11, "What is a JOIN?", "Joins"),
        ("Q2", 12, "What is a `LEFT JOIN`?", "Joins"),
        ("Q3", 13, "What does `a | b` mean here?", "Joins"),
        ("why-add-an-index", 20, "Why add an index?", "Performance"),
        ("when-is-an-index-ignored", 21, "When is an index ignored?", "Performance"),
    ]
    assert _answer(result, "Q2") == "Keeps every left row;<br>missing right columns are `NULL`."
    assert _dropped(result) == [("Q4", 14, "no-answer", "What is a self join?")]


# --- detection -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["headings.md", "details.md", "pairs.md", "bold_list.md", "table.md"])
def test_every_layout_is_detected_as_markdown(name: str):
    text = (MARKDOWN / name).read_text(encoding="utf-8-sig")
    detection = detect(text)
    assert detection.format == "markdown"
    assert detection.confidence >= 0.7


def test_a_single_question_file_is_still_markdown():
    text = "## What is a closure?\n\nA function that keeps its scope.\n\n    def f():\n        return 1\n"
    assert detect(text).format == "markdown"


@pytest.mark.parametrize(
    "text",
    [
        # numbered scraped text: another adapter's format
        "Intro text.\n\nQ1.\nWhat is FastAPI?\n\nJunior\n\nA framework.\n\n"
        "Q2.\nWhy async?\n\nMid\n\nSpeed.\n",
        # ... even where a line starts with an answer label
        "Q1.\nWhat is FastAPI?\n\nJunior\n\nAnswer: a framework.\n\nQ2.\nWhy async?\n\nMid\n\nA: speed.\n",
        # answer-only prose
        "FastAPI is a framework.\nIt uses type hints.\nfrom fastapi import FastAPI\napp = FastAPI()\n",
        # Q: lines with no A: anywhere are not Q/A pairs
        "Q: first thought\nsome prose\n\nQ: second thought\nmore prose\n",
        # a YAML file of records
        "- question: What is X?\n  answer: X.\n- question: What is Y?\n  answer: Y.\n",
    ],
)
def test_does_not_claim_other_shapes(text: str):
    assert sniff(text) < MIN_CONFIDENCE


@pytest.mark.parametrize("seed", ["000", "001", "002", "003"])
def test_does_not_claim_the_other_seeds(seed: str):
    (path,) = SOURCES.glob(f"{seed}_*.txt")
    assert sniff(path.read_text(encoding="utf-8")) < MIN_CONFIDENCE


def test_seed_004_still_gives_its_30_questions():
    path: Path = next(SOURCES.glob("004_*.txt"))
    result = read_source(path)
    assert len(result.items) == 30 and result.dropped == ()
    assert [i.ref for i in result.items] == [f"Q{n}" for n in range(1, 31)]
    assert result.items[0].question == 'What makes FastAPI "fast"?'
    assert result.items[1].question == "What is the difference between `def` and `async def` endpoints?"
    assert result.items[-1].question == "How do you make parameters optional?"
    assert result.items[1].answer.startswith("Concept:\n- **`async def`:**")
    assert "Example:\n```python\n# Runs in main event loop" in result.items[1].answer


# --- layouts mixed in one document, as real READMEs do ---------------------------------------


def test_mixed_layouts_in_one_document():
    result = _read("mixed.md")
    assert _rows(result) == [
        ("port-already-in-use-error", 9, '"Port already in use" error?', None),  # FAQ is no topic
        ("cannot-log-in-after-an-upgrade", 13, "Cannot log in after an upgrade?", None),
        ("Q1", 19, "What does an embedding let us do?", "Embeddings"),
        ("Q2", 25, "Why normalise vectors?", "Embeddings"),
        ("explain-the-following-availability-zone-region", 31,
         "Explain the following\n\n* Availability zone\n* Region", "Self assessment"),
        ("what-is-a-data-node", 40, "What is a data node?", "Self assessment"),
        ("Q1-2", 50, "What is a hook?", "Components"),
        ("Q2-2", 60, "What is a ref?", "Components"),
    ]
    # an answer of nothing but formatting tags answers nothing
    assert _dropped(result) == [("what-is-a-master-node", 44, "no-answer", "What is a master node?")]


def test_answer_labels_go_html_stays_and_over_indented_fences_unwrap():
    result = _read("mixed.md")
    assert _answer(result, "port-already-in-use-error") == "Stop the other service or set `PORT` in `.env`."
    assert _answer(result, "cannot-log-in-after-an-upgrade") == "Clear the session cookie."
    assert _answer(result, "Q1") == "Match on **meaning**.\n\n- Keywords miss synonyms."
    assert _answer(result, "what-is-a-data-node") == "<br><b>\nWhere data is stored.\n</b>"
    assert _answer(result, "Q1-2") == (
        "A function named `use…`:\n\n```javascript\nconst [n, setN] = useState(0)\n```"
    )
    assert _answer(result, "Q2-2") == "A mutable box that survives renders."


def test_a_large_document_keeps_every_question_in_order():
    blocks = []
    for n in range(1, 301):
        blocks.append(f"## Part {n}\n\n### Q{n}. What is thing {n}?\n\nThing {n} is a thing.\n")
        blocks.append(f"## More on {n}\n")
        blocks.append(f"<details><summary>Why thing {n}?</summary>\n\nBecause {n}.\n</details>\n")
        blocks.append(f"**Q:** How big is {n}? **A:** {n} units.\n")
    result = read_text_as("\n".join(blocks), "big.md", "markdown")
    assert len(result.items) == 900 and result.dropped == ()
    assert [i.line for i in result.items] == sorted(i.line for i in result.items)
    assert len({i.ref for i in result.items}) == 900
    assert [i.meta.get("topic") for i in result.items[-3:]] == ["Part 300", "More on 300", "More on 300"]
    assert result.items[-1].answer == "300 units."


def test_bold_list_inside_a_pair_answer_stays_in_it():
    text = (
        "Q1. What makes it fast?\nA: Two things:\n\n1. **Why async?** No blocking.\n"
        "2. **Why Pydantic?** Compiled.\n\nQ2. What is it?\nA: A framework.\n"
    )
    result = read_text_as(text, "pairs.md", "markdown")
    assert [(i.ref, i.question) for i in result.items] == [
        ("Q1", "What makes it fast?"),
        ("Q2", "What is it?"),
    ]
    assert result.items[0].answer.endswith("2. **Why Pydantic?** Compiled.")


def test_section_names_that_organise_the_page_are_no_topic():
    text = "# Title\n\n## Overview\n\n### What is X?\n\nX.\n\n## Questions\n\n### What is Y?\n\nY.\n"
    result = read_text_as(text, "t.md", "markdown")
    assert [i.meta.get("topic") for i in result.items] == ["Overview", None]


def test_a_list_of_the_questions_without_links_is_no_drop():
    text = (
        "# Go\n\n1. **What is a slice?**\n2. **What is a map?**\n\n## Answers\n\n"
        "1. **What is a slice?**\n\n   A view of an array.\n\n2. **What is a map?**\n\n   A hash table.\n\n"
        "3. **What is a chan?**\n"
    )
    result = read_text_as(text, "go.md", "markdown")
    assert _rows(result) == [
        ("Q1", 8, "What is a slice?", "Answers"),
        ("Q2", 12, "What is a map?", "Answers"),
    ]
    assert _dropped(result) == [("Q3", 16, "no-answer", "What is a chan?")]


# --- answers in quotes, labels, templates, revision tables ------------------------------------

QUOTED = (
    "## Day 1\n\n**What to prepare:**\n- two stories\n\n"
    "**Q1: \"Tell me about a mistake.\"**\n> I deleted staging logs and restored them.\n\n"
    "**Q2: \"Tell me about a conflict.\"**\n> **Situation:** \n> **Task:** \n> **Result:** \n\n"
    "**Q3: \"Tell me about a deadline.\"**\n> We cut scope.\n\n**Day 1 action item:** Time both stories.\n\n"
    "**Q4: \"How do you roll back?\"**\n```bash\nkubectl rollout undo deploy/api\n```\n"
    "> Then find the cause.\n\n"
    "## Revision\n\n| # | Question | Principle |\n|---|---|---|\n"
    "| 1 | Tell me about a mistake. | Ownership |\n| 2 | Tell me about a deadline. | Delivery |\n"
)


def test_quoted_answers_end_with_their_quote_and_labels_ask_nothing():
    result = read_text_as(QUOTED, "plan.md", "markdown")
    assert [(i.question, i.answer) for i in result.items] == [
        ("Tell me about a mistake.", "> I deleted staging logs and restored them."),
        ("Tell me about a deadline.", "> We cut scope."),
        ("How do you roll back?", "```bash\nkubectl rollout undo deploy/api\n```\n> Then find the cause."),
    ]
    assert [(d.reason, d.line) for d in result.dropped] == [("placeholder", 9)]
    assert ("aside", 17) in [(s.reason, s.line) for s in result.skipped]


def test_a_table_repeating_answered_questions_without_answers_is_an_index():
    result = read_text_as(QUOTED, "plan.md", "markdown")
    assert "Ownership" not in [i.answer for i in result.items]
    assert ("table-of-contents", 29) in [(s.reason, s.line) for s in result.skipped]


def test_a_practice_question_with_a_model_answer_is_a_pair():
    text = ("**Practice question:** \"Walk me through your background.\"\n**Model answer:**\n"
            "> Four years on payments.\n\n**Practice question:** \"Why us?\"\n**Model answer:** Scale.\n")
    result = read_text_as(text, "p.md", "markdown")
    assert [(i.question, i.answer) for i in result.items] == [
        ("Walk me through your background.", "> Four years on payments."),
        ("Why us?", "Scale."),
    ]


def test_a_question_over_only_the_code_it_points_at_has_no_answer():
    text = (
        "#### Q. What does the code below print?\n```php\necho 1 + 1;\n```\n\n"
        "#### Q. Implement the following function.\n```php\nfunction one() { return 1; }\n```\n\n"
        "#### Q. What does the following print?\n```php\necho 3;\n```\nIt prints 3.\n"
    )
    result = read_text_as(text, "php.md", "markdown")
    assert [i.question for i in result.items] == [
        "Implement the following function.", "What does the following print?"]
    assert [(d.reason, d.line) for d in result.dropped] == [("no-answer", 1)]


def test_a_back_to_top_block_glued_to_a_fence_after_prose_is_navigation():
    text = (
        "#### Q. Explain static variables.\n\nThey keep their value.\n\nOutput:\n```\n012\n```\n"
        '<div align="right">\n    <b><a href="#">↥ back to top</a></b>\n</div>\n\n'
        "#### Q. What is trim()?\n\nIt strips both ends.\n"
    )
    result = read_text_as(text, "php.md", "markdown")
    assert result.items[0].answer == "They keep their value.\n\nOutput:\n```\n012\n```"


def test_bold_pairs_behind_empty_anchors_with_series_coded_labels():
    text = (
        '<a href="#q1">Q1: Why split it?</a>  \n\n## General\n\n'
        '<a name="q1"></a>**Q1: Why split it?**\n\n**A1:** To audit each part.\n\n'
        '<a name="q-b2"></a>**Q-B2: Is rotation required?**\n\n**A-B2:** Only for long-lived keys.\n'
    )
    result = read_text_as(text, "faq.md", "markdown")
    assert [(i.ref, i.question, i.answer) for i in result.items] == [
        ("Q1", "Why split it?", "To audit each part."),
        ("B2", "Is rotation required?", "Only for long-lived keys."),
    ]


KOREAN_Q_DOT = """\
# 운영체제 면접 질문

### Q. 프로세스와 스레드의 차이는?

A. 프로세스는 실행 중인 프로그램이고, 스레드는 그 안의 실행 흐름입니다.

### Q. 데드락이란?

A. 두 작업이 서로의 자원을 기다리며 멈춘 상태입니다.

- A. 이 줄은 목록입니다.
"""


def test_an_a_dot_label_the_document_repeats_is_not_part_of_the_answer():
    items = read_text_as(KOREAN_Q_DOT, "ko.md", "markdown").items
    assert [item.answer.split("\n")[0] for item in items] == [
        "프로세스는 실행 중인 프로그램이고, 스레드는 그 안의 실행 흐름입니다.",
        "두 작업이 서로의 자원을 기다리며 멈춘 상태입니다.",
    ]
    assert "- A. 이 줄은 목록입니다." in items[1].answer  # a list item further down stays as written


def test_one_answer_opening_with_a_dot_keeps_it():
    text = "## Q1. Which comes first?\n\nA. comes first, then B.\n\n## Q2. Why?\n\nBecause.\n"
    assert read_text_as(text, "x.md", "markdown").items[0].answer.startswith("A. comes first")


def test_a_label_alone_atop_a_quoted_answer_is_not_part_of_it():
    text = ("## 1. 什么是闭包？\n\n> 回答\n>\n> 闭包是函数和其词法环境的组合。\n\n"
            "## 2. What is a thunk?\n\n> **Answer**\n> A function that delays a computation.\n")
    answers = [item.answer for item in read_text_as(text, "q.md", "markdown").items]
    assert answers == ["> 闭包是函数和其词法环境的组合。", "> A function that delays a computation."]
