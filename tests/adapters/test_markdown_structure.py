"""Markdown structure read from the document itself: answer-key tables, Q&A table columns, the
title, nested sections and a dropped section reported once."""

from __future__ import annotations

from qa2anki.adapters import read_text_as

QUIZ = (
    "# Networking quiz\n\n"
    "## 1. Which layer does TCP belong to?\n\n- A. Network\n- B. Transport\n- C. Session\n\n"
    "## 2. Which port does HTTPS use by default?\n\n- A. 80\n- B. 8080\n- C. 443\n\n"
    "## 3. What does DNS resolve?\n\n- A. MAC addresses\n- B. Names to addresses\n- C. Routes\n\n"
)


def test_answer_key_table_answers_the_quiz_and_makes_no_cards_of_its_own():
    text = QUIZ + (
        "## Answer key\n\n| Q# | Answer | Explanation | Difficulty |\n|---|---|---|---|\n"
        "| **Q1** | **B** | TCP is layer 4. | Easy |\n| Q2 | C | The TLS port. | Easy |\n"
        "| Q3 | B | Names \\| addresses. | Medium |\n"
    )
    result = read_text_as(text, "quiz.md", "markdown")
    assert [(i.question, i.answer.split("\n")[0]) for i in result.items] == [
        ("Which layer does TCP belong to?", "B. Transport"),
        ("Which port does HTTPS use by default?", "C. 443"),
        ("What does DNS resolve?", "B. Names to addresses"),
    ]
    assert "TCP is layer 4." in result.items[0].answer
    assert "Names | addresses." in result.items[2].answer
    assert [i.meta.get("level") for i in result.items] == ["Easy", "Easy", "Medium"]
    assert [(s.line, s.end_line) for s in result.skipped if s.reason == "answer-key"] == [(23, 27)]
    assert not result.dropped


def test_answer_key_with_numbers_in_its_header_row():
    text = QUIZ + "## Answers\n\n| 1 | 2 | 3 |\n|---|---|---|\n| B | C | B |\n"
    result = read_text_as(text, "quiz.md", "markdown")
    assert [i.answer for i in result.items] == ["B. Transport", "C. 443", "B. Names to addresses"]


def test_summary_key_after_answered_questions_is_skipped_not_read_as_cards():
    text = (
        "### Question 1 — Easy\n\n**What does a second run of a migration do?**\n\n"
        "- A) Nothing\n- B) It duplicates rows\n\n**Correct Answer: B**\n\n---\n\n"
        "### Question 2 — Hard\n\n**Applied migrations may be:**\n\n"
        "- A) Reordered\n- B) Left as they are\n\n**Correct Answer: B**\n\n---\n\n"
        "## Answer Key\n\n| Question | Answer | Difficulty |\n|---|---|---|\n"
        "| 1 | B | Easy |\n| 2 | B | Hard |\n"
    )
    result = read_text_as(text, "quiz.md", "markdown")
    assert [(i.question, i.meta.get("level")) for i in result.items] == [
        ("What does a second run of a migration do?", "Easy"),
        ("Applied migrations may be:", "Hard"),
    ]
    assert [i.answer for i in result.items] == ["B) It duplicates rows", "B) Left as they are"]
    assert any(s.reason == "answer-key" for s in result.skipped)


def test_table_columns_beyond_question_and_answer_are_kept():
    text = (
        "| Question | Answer | Example | Tags | Level |\n|---|---|---|---|---|\n"
        "| What does `git fetch` do? | Downloads refs.<br>Merges nothing. | `git fetch origin` "
        "| #remote #fetch | Beginner |\n"
        "| What does `a \\|\\| b` run? | `b` when `a` fails. | | shell, hooks | Advanced |\n"
    )
    result = read_text_as(text, "git.md", "markdown")
    first, second = result.items
    assert first.answer == "Downloads refs.<br>Merges nothing.\n\n**Example:** `git fetch origin`"
    assert first.tags == ("remote", "fetch") and first.meta["level"] == "Beginner"
    assert second.question == "What does `a || b` run?"
    assert second.answer == "`b` when `a` fails." and second.tags == ("shell", "hooks")


def test_lone_second_level_heading_over_the_page_is_its_title_not_a_topic():
    text = "## Docker Interview Questions\n\nIntro.\n\n### What is an image?\n\nA template.\n\n" \
           "### What is a container?\n\nAn instance.\n"
    result = read_text_as(text, "docker.md", "markdown")
    assert [i.meta.get("topic") for i in result.items] == [None, None]
    assert (1, 1, "title") in [(s.line, s.end_line, s.reason) for s in result.skipped]


def test_nested_sections_give_topic_and_subtopic():
    text = (
        "# Backend\n\n## Databases\n\n### Indexes\n\n#### What is a B-tree?\n\nA balanced tree.\n\n"
        "### Transactions\n\n#### What is isolation?\n\nConcurrent work kept apart.\n\n"
        "## Caching\n\n#### What is cache-aside?\n\nRead through the app.\n"
    )
    result = read_text_as(text, "backend.md", "markdown")
    assert [(i.meta.get("topic"), i.meta.get("subtopic")) for i in result.items] == [
        ("Databases", "Indexes"), ("Databases", "Transactions"), ("Caching", None),
    ]


def test_questions_listed_in_a_dropped_section_are_reported_once():
    text = (
        "## Day 1\n\n**Q1: What is an SLO?**\n\n> A target for a service level.\n\n"
        "## Day 2: mock interview\n\nRun a mock interview; expect follow-ups:\n\n"
        "- What would you change?\n- What was the hardest part?\n\n"
        "## Day 3\n\n**Q2: What is an SLA?**\n\n> A contract about service levels.\n"
    )
    result = read_text_as(text, "plan.md", "markdown")
    assert [i.question for i in result.items] == ["What is an SLO?", "What is an SLA?"]
    assert [(d.reason, d.line, d.end_line) for d in result.dropped] == [("not-a-question", 7, 12)]


def test_mkdocs_admonitions_titled_with_a_question_are_cards():
    text = (
        "# Flashcards\n\n!!! tip \"How to drill\"\n    Reveal every card first.\n\n"
        "??? question \"1. What does `get()` return on a miss?\"\n    **The callback's value**\n\n"
        "    It is stored too.\n\n        $cache->get('k', fn () => 42);\n\n"
        "???+ question \"Q2: The profiler toolbar is not shown\"\n\n    Install the web profiler bundle.\n\n"
        "!!! note \"Why is stampede protection needed?\"\n    Many requests recompute at once.\n"
    )
    result = read_text_as(text, "cards.md", "markdown")
    assert [(i.ref, i.question) for i in result.items] == [
        ("Q1", "What does `get()` return on a miss?"),
        ("Q2", "The profiler toolbar is not shown"),
        ("why-is-stampede-protection-needed", "Why is stampede protection needed?"),
    ]
    assert result.items[0].answer == (
        "**The callback's value**\n\nIt is stored too.\n\n```\n$cache->get('k', fn () => 42);\n```"
    )
    assert result.items[1].answer == "Install the web profiler bundle."
    assert (3, 4, "aside") in [(s.line, s.end_line, s.reason) for s in result.skipped]


def test_a_reveal_admonition_under_a_question_is_opened_on_the_back():
    text = (
        "## What is cache-aside?\n\n??? success \"Show answer\"\n"
        "    The app reads the cache, then the store.\n\n"
        "## What is write-through?\n\n??? question \"Reveal\"\n    Writes go to the cache and the store.\n"
    )
    result = read_text_as(text, "c.md", "markdown")
    assert [i.answer for i in result.items] == ["The app reads the cache, then the store.",
                                                "Writes go to the cache and the store."]


def test_a_list_item_question_heading_ends_with_its_item():
    text = (
        "## Basics\n\n1. ### What is Redis?\n\n   An in-memory store.\n\n"
        "2. ### What is a sorted set?\n\n   A set ordered by score.\n\n"
        "See also [other questions](/more).\n\n---\n\n```md\n1. ### What is Redis?\n```\n"
    )
    result = read_text_as(text, "r.md", "markdown")
    assert [i.answer for i in result.items] == ["An in-memory store.", "A set ordered by score."]
    assert [(s.line, s.reason) for s in result.skipped][-1] == (11, "page-chrome")


def test_a_bold_label_repeated_under_each_record_is_no_question():
    text = (
        "**What is a mutex?**\n\nA lock one thread holds at a time.\n\n__Explain Your Answer__\n\ntrue\n\n"
        "**What is a semaphore?**\n\nA counter of permits.\n\n__Explain Your Answer__\n\nfalse\n"
    )
    result = read_text_as(text, "locks.md", "markdown")
    assert [i.question for i in result.items] == ["What is a mutex?", "What is a semaphore?"]
    assert "__Explain Your Answer__\n\ntrue" in result.items[0].answer
