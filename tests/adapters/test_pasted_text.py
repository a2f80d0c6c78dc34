"""Text pasted from chat and web pages: code boxes, section titles between answers, page text
after the last answer (plain numbered text, and code boxes pasted into markdown)."""

from __future__ import annotations

import pytest

from qa2anki.adapters import read_text_as
from qa2anki.adapters._text.codebox import box_end, code_box
from qa2anki.adapters.numbered_text import answer_markdown

CODE = ["def add(a, b):", "    return a + b"]
BOX_FORMS = {
    "label, Copy code": ["python", "Copy code", *CODE],
    "label, Copy, Edit": ["python", "Copy", "Edit", *CODE],
    "label glued to the button": ["pythonCopy code", *CODE],
    "label glued to both buttons": ["pythonCopyEdit", *CODE],
    "German button": ["python", "Code kopieren", *CODE],
    "blank line under the button": ["python", "Copy code", "", *CODE],
}


@pytest.mark.parametrize("form", BOX_FORMS, ids=list(BOX_FORMS))
def test_every_copy_form_of_a_code_box_is_one_fence_with_its_language(form: str):
    answer = answer_markdown(["Like so:", *BOX_FORMS[form], "Then call it."])
    assert answer == "Like so:\n\n```python\ndef add(a, b):\n    return a + b\n```\n\nThen call it."


def test_a_box_label_need_not_be_a_known_language():
    answer = answer_markdown(["hcl", "Copy code", 'variable "region" {', '  default = "eu-west-1"', "}"])
    assert answer == '```hcl\nvariable "region" {\n  default = "eu-west-1"\n}\n```'


def test_a_button_alone_still_starts_code():
    answer = answer_markdown(["Install:", "Copy code", "npm install express"])
    assert "```" in answer and "npm install express\n```" in answer and "Copy" not in answer


def test_code_runs_through_its_blank_lines_until_prose_follows_one():
    lines = ["python", "Copy code", "import os", "", "", "def main():", "    print(os.getcwd())",
             "", "Run it from any folder."]
    answer = answer_markdown(lines)
    assert answer.startswith("```python\nimport os\n\n\ndef main():\n    print(os.getcwd())\n```")
    assert answer.endswith("\n\nRun it from any folder.")


def test_the_next_box_and_its_label_line_end_the_code():
    lines = ["python", "Copy code", "print(1 + 2)", "Output:", "text", "Copy code", "3"]
    answer = answer_markdown(lines)
    assert answer == "```python\nprint(1 + 2)\n```\n\nOutput:\n\n```\n3\n```"


def test_an_open_bracket_keeps_a_prose_looking_line_in_the_code():
    lines = ["python", "Copy code", "message = (", "Hello there, this is fine.", ")", "Done here now."]
    end = box_end(lines, code_box(lines, 0).start)
    assert lines[end:] == ["Done here now."]


def test_geminis_note_under_the_code_is_not_kept():
    lines = ["Python", "x = [1, 2]", "print(len(x))", "Use code with caution.", "It prints 2."]
    answer = answer_markdown(lines)
    assert answer == "```python\nx = [1, 2]\nprint(len(x))\n```\n\nIt prints 2."


def test_a_word_above_a_sentence_is_no_code_box():
    assert code_box(["Copy", "Copy"], 0) is None  # a button with no code under it
    assert code_box(["Summary", "Copying files is slow."], 0) is None


BLOG = """Go Interview Questions
Basic Level
1. What is a goroutine?
A function running concurrently with others, scheduled by the Go runtime.
2. What is a channel?
A typed pipe goroutines use to send values to each other.
Advanced Level
3. What does select do?
It waits on several channel operations and runs the first that is ready.
4. What is a data race?
Two goroutines touch the same memory, at least one writes, with no synchronisation.
Contributing
Pull requests are welcome.
"""


def test_title_lines_right_between_answers_are_topics_not_answer_text():
    result = read_text_as(BLOG, "blog.txt", "numbered-text")
    assert [(i.question, i.meta.get("topic")) for i in result.items] == [
        ("What is a goroutine?", "Basic Level"),
        ("What is a channel?", "Basic Level"),
        ("What does select do?", "Advanced Level"),
        ("What is a data race?", "Advanced Level"),
    ]
    assert result.items[1].answer == "A typed pipe goroutines use to send values to each other."
    assert result.items[-1].answer.endswith("with no synchronisation.")  # Contributing is page text
    assert any("page text after the last answer" in d.message for d in result.diagnostics)


def test_one_title_case_line_above_a_question_is_not_a_pattern():
    text = ("1. What is Go?\nA language from Google.\nUsed By Docker\n"
            "2. What is gofmt?\nThe formatter.\n")
    result = read_text_as(text, "one.txt", "numbered-text")
    assert result.items[0].answer.endswith("Used By Docker")
    assert not any(i.meta.get("topic") for i in result.items)


def test_a_closing_question_to_the_reader_is_not_the_last_answer():
    text = ("1. What is a slice?\nA view of an array.\n2. What is a map?\nA hash table.\n\n"
            "Would you like more questions on interfaces?\n")
    result = read_text_as(text, "chat.txt", "numbered-text")
    assert result.items[-1].answer == "A hash table."


MARKDOWN = """## 1. How do you pin a provider version?

Use a version constraint:
hcl
Copy code
terraform {
  required_providers {
    aws = { version = "~> 5.0" }
  }
}
Then run init again.

## 2. How do you list state?

bash
Copy code
terraform state list

> Handy before a state mv.
"""


def test_code_boxes_pasted_into_markdown_are_fenced():
    first, second = read_text_as(MARKDOWN, "notes.md", "markdown").items
    assert first.answer == ('Use a version constraint:\n```hcl\nterraform {\n  required_providers {\n'
                            '    aws = { version = "~> 5.0" }\n  }\n}\n```\nThen run init again.')
    assert second.answer == "```bash\nterraform state list\n```\n\n> Handy before a state mv."


def test_a_fenced_copy_line_stays_code():
    text = "## 1. What does this print?\n\n```\nCopy code\nprint(1)\n```\n"
    (item,) = read_text_as(text, "fenced.md", "markdown").items
    assert item.answer == "```\nCopy code\nprint(1)\n```"
