"""Markdown layouts of public interview-question repositories (tests/data/realworld/stacks), each
rule on the smallest text that shows it."""

from __future__ import annotations

from qa2anki.adapters import read_text_as
from qa2anki.adapters._text.level_symbols import legend, split_level


def _read(text: str):
    return read_text_as(text, "doc.md", "markdown")


def test_an_unnumbered_asking_subheading_belongs_to_its_numbered_question():
    text = ("## 1. What is Go?\n\nA language.\n\n### Who uses Go?\n\nDocker.\n\n"
            "## 2. What is a goroutine?\n\nA green thread.\n")
    result = _read(text)
    assert [i.question for i in result.items] == ["What is Go?", "What is a goroutine?"]
    assert "### Who uses Go?\n\nDocker." in result.items[0].answer


def test_a_call_to_action_heading_with_a_link_ends_the_last_answer():
    text = ("## 1. What is SQL?\n\nA query language.\n<br>\n\n"
            "#### Explore all answers here 👉 [Site](https://example.com/sql)\n\n<br>\n\n"
            '<a href="https://example.com"><img src="banner.png"></a>\n')
    (item,) = _read(text).items
    assert item.answer == "A query language.\n<br>"


def test_headings_inside_a_details_answer_are_neither_questions_nor_topics():
    text = ("<details>\n<summary>1. What is a ref?</summary>\n\n#### Vue.js\n\nA reactive box.\n\n"
            "#### How to read it?\n\nUse .value.\n\n</details>\n\n"
            "<details>\n<summary>2. What is computed?</summary>\n\nA cached getter.\n\n</details>\n")
    result = _read(text)
    assert [(i.question, i.meta.get("topic")) for i in result.items] == [
        ("What is a ref?", None), ("What is computed?", None)]
    assert "#### How to read it?\n\nUse .value." in result.items[0].answer


def test_placeholder_and_link_only_answers_make_no_card():
    headings = _read("### Q. ***What is JIT?***\nCompiles hot bytecode.\n\n"
                     "### Q. ***What is the Runtime class?***\n\n*ToDo*\n")
    bold = _read("**What is recall? 👶**\n\nAnswer here\n\n<br/>\n\n**What is AUC? 👶**\n\nAn area.\n")
    table = _read("| Question | |\n|---|---|\n| Design a cache | [Solution](cache.md) |\n"
                  "| Design a queue | [Contribute](#contributing) |\n")
    assert [i.question for i in headings.items] == ["What is JIT?"]
    assert [i.question for i in bold.items] == ["What is AUC? 👶"]
    assert not table.items
    assert [d.reason for r in (headings, bold, table) for d in r.dropped] == [
        "placeholder", "placeholder", "no-answer", "no-answer"]


def test_a_bold_question_is_not_answered_by_the_items_after_it_in_its_list():
    text = "## Ask them\n\n- **What do you measure?**\n- How big is the team?\n- Who decides?\n"
    result = _read(text)
    assert not result.items
    assert [d.reason for d in result.dropped] == ["no-answer"]


def test_a_bold_question_keeps_its_indented_answer():
    text = ("- **What is a pod?**\n\n  The smallest deployable unit.\n\n"
            "- **What is a node?**\n\n  A machine.\n")
    assert [i.answer for i in _read(text).items] == ["The smallest deployable unit.", "A machine."]


def test_keycap_emoji_numbers_a_question():
    (item,) = _read("## 4️⃣ Difference Between count and for_each\n\nIndex versus key.\n").items
    assert (item.question, item.ref) == ("Difference Between count and for_each", "Q4")


def test_answers_indented_past_their_list_marker_lose_only_that_indent():
    text = ("11. ### What is a generator\n\n     It yields values.\n\n     ```js\n     function* g() {}\n"
            "     ```\n\n<!-- END -->\n\n### Coding\n")
    (item,) = _read(text).items
    assert item.answer == "It yields values.\n\n```js\nfunction* g() {}\n```"


def test_a_legend_line_names_the_levels_of_trailing_symbols():
    symbols = legend(["Intro", "* Legend: 👶 easy ⭐️ medium 🚀 expert"])
    assert symbols == {"👶": "easy", "⭐": "medium", "🚀": "expert"}
    assert split_level("What is SGD? ⭐", symbols) == ("What is SGD?", "medium")
    assert split_level("What is SGD? ⭐️", symbols) == ("What is SGD?", "medium")
    assert split_level("Rocket🚀", symbols) == ("Rocket🚀", "")  # not set off: part of the text
    assert legend(["⭐ Star us on GitHub"]) == {}


def test_without_a_legend_a_trailing_emoji_stays_in_the_question():
    (item,) = _read("**What is overfitting? 👶**\n\nMemorising noise.\n").items
    assert item.question == "What is overfitting? 👶" and not item.meta.get("level")


def test_a_qa_table_without_outer_pipes_is_read_like_any_table():
    for text in ("Question | Answer\n--- | ---\nWhat is ACID? | Four guarantees.\n"
                 "What is 3NF? | A normal form.\n",
                 "| Question | Answer\n|--- | ---\n| What is ACID? | Four guarantees.\n"
                 "| What is 3NF? | A normal form.\n"):
        result = _read(text)
        assert [(i.question, i.answer) for i in result.items] == [
            ("What is ACID?", "Four guarantees."), ("What is 3NF?", "A normal form.")]
