"""Quizzes end to end: what a real Anki shows on each side, and identities that follow questions.

A quiz's code and options are on the front (the Question field), the correct option's label and
text then the explanation on the back; the same question words over different code are different
notes, and keep their GUIDs when a question is inserted above them.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from click.testing import CliRunner

from ankitools import import_apkg
from conftest import DATA
from qa2anki.adapters import read_text_as
from qa2anki.adapters._text.choices import Choice, Option, resolve
from qa2anki.cli import main
from qa2anki.dedup import deduplicate
from qa2anki.models import Item
from qa2anki.render import Renderer

QUIZ = DATA / "realworld" / "quiz"
TAG = re.compile(r"<[^>]+>")


def _text(field: str) -> str:
    """A field as the learner reads it: tags gone, entities decoded, spacing collapsed."""
    return " ".join(html.unescape(TAG.sub("", field)).split())


def _build(tmp_path: Path, *sources: Path, out: str = "quiz.apkg") -> Path:
    apkg = tmp_path / out
    result = CliRunner().invoke(main, ["build", *map(str, sources), "-o", str(apkg), "--deck", "Quiz"])
    assert result.exit_code == 0, result.output
    return apkg


def _notes(collection) -> list:
    return [collection.get_note(nid) for nid in collection.find_notes("")]


def _output_quiz(snippets: list[str]) -> str:
    """A lydiahallie-style page: every question reads "What's the output?" over its own code."""
    parts = ["# Output puzzles\n"]
    for number, snippet in enumerate(snippets, 1):
        parts.append(
            f"###### {number}. What's the output?\n\n```javascript\n{snippet}\n```\n\n"
            f"- A: `{len(snippet)}`\n- B: `{len(snippet) + 100}`\n\n"
            "<details><summary><b>Answer</b></summary>\n<p>\n\n"
            f"#### Answer: A\n\nIt logs {len(snippet)}.\n\n</p>\n</details>\n\n---\n"
        )
    return "\n".join(parts)


def test_markdown_quiz_in_anki_has_code_and_options_in_front_and_the_option_behind(tmp_path, collection):
    import_apkg(collection, _build(tmp_path, QUIZ / "js-output-quiz.md"))
    notes = {_text(n["Question"]): n for n in _notes(collection)}
    assert len(notes) == 6
    first = next(n for text, n in notes.items() if "console.log(mood);" in text)
    question = _text(first["Question"])
    assert question.startswith("What's the output?")
    assert 'var who = "Ada";' in question
    assert "A: Ada and undefined" in question and "D: undefined and ReferenceError" in question
    assert "hoisted" not in question and "Answer" not in question
    assert 'class="qa-prompt"' in first["Question"] and "<pre" in first["Question"]
    answer = _text(first["Answer"])
    assert answer.startswith("D: undefined and ReferenceError")
    assert "stays uninitialised" in answer
    assert "<details" not in first["Answer"] and "Answer: D" not in answer
    statement = next(n for text, n in notes.items() if text.startswith("Every function is an object."))
    assert "<ol" not in statement["Question"]
    assert _text(statement["Answer"]).startswith("A: true")


def test_checkbox_quiz_front_gives_no_tick_away(tmp_path, collection):
    import_apkg(collection, _build(tmp_path, QUIZ / "skill-checkbox-quiz.md"))
    notes = _notes(collection)
    assert len(notes) == 6
    for note in notes:
        assert "[x]" not in note["Question"] and "[ ]" not in note["Question"]
    dicts = next(n for n in notes if "dict of squares" in n["Question"])
    assert _text(dicts["Answer"]).startswith("B. B squares = {n: n * n for n in range(4)}")
    assert "squares = [n * n" in _text(dicts["Question"])


def test_multiple_choice_csv_in_anki(tmp_path, collection):
    import_apkg(collection, _build(tmp_path, QUIZ / "web-quiz-letters.csv"))
    notes = {_text(n["Question"]).split(" A. ")[0]: n for n in _notes(collection)}
    assert len(notes) == 5
    script = notes["Which tag loads a JavaScript file?"]
    assert "<li>A. &lt;js&gt;</li>" in script["Question"]
    assert "<li>C. &lt;script&gt;</li>" in script["Question"]
    assert _text(script["Answer"]).startswith("C. <script>")
    assert "The src attribute" in _text(script["Answer"])
    blocks = notes["Which of these are block elements?"]
    assert "A. <div>" in _text(blocks["Answer"]) and "C. <p>" in _text(blocks["Answer"])
    assert "B. <span>" not in _text(blocks["Answer"])


def test_the_same_question_over_different_code_is_one_note_each(tmp_path, collection):
    snippets = [f"console.log({n} * {n});" for n in range(1, 9)]
    source = tmp_path / "puzzles.md"
    source.write_text(_output_quiz(snippets), encoding="utf-8")
    log = import_apkg(collection, _build(tmp_path, source))
    assert log.new == 8
    fronts = sorted(_text(n["Question"]) for n in _notes(collection))
    assert all(front.startswith("What's the output?") for front in fronts)
    assert len(set(fronts)) == 8


def test_dedup_never_merges_items_whose_prompts_differ():
    def item(ref: str, prompt: str) -> Item:
        return Item("What's the output?", "A: `1`\n\nIt logs 1.", "q.md", ref, prompt=prompt)

    apart = deduplicate([item("Q1", "```js\nlog(1)\n```"), item("Q2", "```js\nlog(2)\n```")])
    assert len(apart.cards) == 2
    same = deduplicate([item("Q1", "```js\nlog(1)\n```"), Item("What's the output?", "A: `1`\n\nIt logs 1.",
                                                             "other.md", "Q9", prompt="```js\nlog(1)\n```")])
    assert len(same.cards) == 1


def test_a_question_inserted_in_the_middle_keeps_every_other_guid(tmp_path, collection):
    snippets = [f"console.log('{word}'.length);" for word in ("ant", "bison", "cat", "dingo", "eel")]
    source = tmp_path / "puzzles.md"
    source.write_text(_output_quiz(snippets), encoding="utf-8")
    import_apkg(collection, _build(tmp_path, source))
    before = {n.guid: _text(n["Question"]) for n in _notes(collection)}
    source.write_text(_output_quiz([*snippets[:2], "console.log('new'.length);", *snippets[2:]]),
                      encoding="utf-8")
    log = import_apkg(collection, _build(tmp_path, source))
    assert log.new == 1
    after = {n.guid: _text(n["Question"]) for n in _notes(collection)}
    assert len(after) == 6
    for guid, front in before.items():
        code = re.search(r"console\.log\('(\w+)'", front).group(1)
        assert f"'{code}'" in after[guid], (code, after[guid])


def test_a_question_that_is_a_numbered_sentence_renders_as_text():
    rendered = Renderer().inline("1. Define the term idempotent.")
    assert "<ol" not in rendered and "<li" not in rendered
    assert "Define the term idempotent." in rendered


def test_numbers_that_may_count_from_0_or_1_are_dropped_and_reported_until_the_source_says():
    csv = "question,choice_a,choice_b,choice_c,answer\nFirst?,x,y,z,1\nSecond?,p,q,r,2\n"
    unsure = read_text_as(csv, "q.csv", "csv")
    assert not unsure.items and {d.reason for d in unsure.dropped} == {"ambiguous-answer"}
    assert any("index_base" in d.message for d in unsure.diagnostics)
    told = read_text_as(csv, "q.csv", "csv", {"index_base": 0})
    assert [i.answer for i in told.items] == ["B. y", "C. r"]


def test_normalize_keeps_each_quiz_prompt(tmp_path):
    out = tmp_path / "normalized"
    result = CliRunner().invoke(main, ["normalize", str(QUIZ / "js-output-quiz.md"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    written = next(out.iterdir())
    original = read_text_as((QUIZ / "js-output-quiz.md").read_text(encoding="utf-8"), "js-output-quiz.md")
    again = read_text_as(written.read_text(encoding="utf-8"), written.name)
    assert [(i.question, i.prompt, i.answer) for i in again.items] == \
        [(i.question, i.prompt, i.answer) for i in original.items]


def test_a_collapsed_example_inside_an_ordinary_answer_is_no_answer_label():
    text = ("# Notes\n\n## What is a closure?\n\nA function that keeps the scope it was made in.\n\n"
            "<details><summary>Example</summary>\n\n```js\nconst add = a => b => a + b;\n```\n\n"
            "</details>\n\n## What is hoisting?\n\nDeclarations move to the top of their scope.\n")
    closure = read_text_as(text, "notes.md", "markdown").items[0]
    assert closure.prompt == ""
    assert closure.answer.startswith("A function that keeps the scope")
    assert "<summary>Example</summary>" in closure.answer


def test_capitals_run_together_name_several_options_only_when_each_is_a_label_in_order():
    options = [Option(label, text) for label, text in zip("ABCDE", ["one", "two", "AC", "four", "five"],
                                                                  strict=True)]
    assert resolve("BD", options) == Choice((1, 3))
    assert resolve("CE.", options) == Choice((2, 4))
    assert resolve("AC", options) == "ambiguous-answer"  # options A and C, or the option reading "AC"?
    assert resolve("DB", options) == "unknown-option"
    assert resolve("AF", options) == "unknown-option"
    assert resolve("a) and d)", options) == Choice((0, 3))  # "and" names no options a, n, d


LIST_QUIZ = """# Practice set

1. Which port does HTTPS use by default?
    - A. 80
    - B. 443
    - C. 22

    <details><summary>Answer</summary>

    Correct Answer: B

    </details>

2. Which two are layer-4 protocols? (Select TWO.)
    - A. TCP
    - B. HTTP
    - C. UDP

    <details><summary>Answer</summary>

    Correct Answer: AC

    Explanation: both carry segments between ports.

    </details>

3. Which record maps a name to an IPv6 address?
    - A. A
    - B. AAAA
"""


def test_numbered_items_holding_options_and_an_answer_are_quiz_questions():
    result = read_text_as(LIST_QUIZ, "set.md")
    assert result.format == "markdown"
    assert [i.question for i in result.items] == ["Which port does HTTPS use by default?",
                                                  "Which two are layer-4 protocols? (Select TWO.)"]
    first, second = result.items
    assert first.prompt.startswith("- A. 80") and first.answer == "B. 443"
    assert second.answer.startswith("A. TCP\n\nC. UDP\n\nExplanation: both carry segments")
    assert "Correct Answer" not in second.answer + second.prompt
    assert [(d.reason, d.line) for d in result.dropped] == [("no-answer", 27)]


def test_a_numbered_list_of_steps_or_of_sections_is_no_question():
    steps = ("# Setup\n\n## How do I install it?\n\n1. Download the archive\n    - A. for Linux\n"
             "    - B. for macOS\n2. Run the installer\n")
    assert [i.question for i in read_text_as(steps, "setup.md").items] == ["How do I install it?"]
    sections = "# Quiz\n\n1. Networking\n\n" + "\n".join(
        "    " + line if line else "" for line in LIST_QUIZ.split("\n", 2)[2].split("\n"))
    result = read_text_as(sections, "quiz.md")
    assert [i.question for i in result.items][:1] == ["Which port does HTTPS use by default?"]
    assert "Networking" not in [i.question for i in result.items]


KEYED_AT_END = """# Week 2 quiz

**Q1.** Which command stages every change in the working tree?

- A) `git commit -a`
- B) `git add -A`
- C) `git stash`

**Q2.** What does `git rebase` rewrite?

- A) Nothing
- B) Only the remote
- C) The commits it replays

**Q3.** Which file lists paths Git must not track?

- A) `.gitignore`
- B) `.gitattributes`

## Answer key

<details>
<summary>Click to reveal answers</summary>

1. **B** — `-A` stages new, changed and deleted files alike.

2. **C** — replayed commits are new objects.

3. **D**

</details>

## Self-assessment

1. Three right: ready.
"""


def test_an_answer_key_at_the_end_answers_each_question_by_its_number():
    result = read_text_as(KEYED_AT_END, "week2.md")
    first, second = result.items
    assert first.question == "Which command stages every change in the working tree?"
    assert first.prompt.startswith("- A) `git commit -a`")
    assert first.answer == "B) `git add -A`\n\n`-A` stages new, changed and deleted files alike."
    assert second.answer.startswith("C) The commits it replays\n\nreplayed commits")
    assert [(d.reason, d.line) for d in result.dropped] == [("unknown-option", 15)]  # the key says D
    assert ("answer-key", 25) in [(s.reason, s.line) for s in result.skipped]


def test_a_key_restating_each_question_with_its_answer_fills_the_questions_above():
    text = ("# Quiz\n\n## Questions\n\n### 1. Which policy evicts the least recently used entry?\n"
            "- a) FIFO\n- b) LRU\n\n### 2. Which two bound a cache?\n- a) Size\n- b) Colour\n- c) Age\n\n"
            "## Answers\n\n### 1. Which policy evicts the least recently used entry?\n**Answer: b) LRU**\n\n"
            "### 2. Which two bound a cache?\n**Answer: a) and c)**\n\n**Explanation:** space and time.\n")
    result = read_text_as(text, "quiz.md")
    assert [i.answer for i in result.items] == ["b) LRU",
                                                "a) Size\n\nc) Age\n\n**Explanation:** space and time."]
    assert [i.prompt.split("\n")[0] for i in result.items] == ["- a) FIFO", "- a) Size"]


def test_a_numbered_list_after_questions_without_option_letters_is_no_key():
    text = KEYED_AT_END.replace("1. **B** —", "1. Because").replace("2. **C** —", "2. Since")
    text = text.replace("3. **D**", "3. Tracking")
    result = read_text_as(text, "week2.md")
    assert not any("Because" in item.answer for item in result.items)
    assert "answer-key" not in {s.reason for s in result.skipped}


def test_a_bold_answer_label_closing_after_the_answer_leaves_no_asterisks():
    text = ("# Geo\n\n### What is the capital of France?\n**Answer: Paris**\n\nOn the Seine.\n\n"
            "### What is the capital of Peru?\n**Answer:** it is **Lima**\n")
    answers = [i.answer for i in read_text_as(text, "geo.md").items]
    assert answers == ["Paris\n\nOn the Seine.", "it is **Lima**"]
