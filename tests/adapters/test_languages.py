"""Q&A in any language and prompts that are not questions, read by their structure.

The corpus under ``tests/data/realworld/lang`` and ``…/prompts`` checks whole documents against
keys; these tests pin the pieces: question marks of every script, the label table, numbers in
other scripts, refs for non-Latin headings, documents that must not become cards, and every
line of a document accounted for.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ankitools import import_apkg, notes_by_question
from conftest import DATA
from qa2anki.adapters import UnsupportedFormatError, detect, read_source, read_text_as
from qa2anki.adapters._text.refs import slug
from qa2anki.adapters.markdown.layouts import A_MARK, Q_MARK, split_number
from qa2anki.cli import main
from qa2anki.qalabels import LANGUAGES, asks, is_reveal_label, names_answer, number_value
from qa2anki.textio import read_text

CORPUS = [p for family in ("lang", "prompts") for p in sorted((DATA / "realworld" / family).iterdir())
          if not p.name.endswith(".expected.yaml")]


# --- the pieces ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "什么是闭包？", "Что такое замыкание?", "¿Qué es un closure?", "Τι είναι\u037e", "Τι είναι;",
    "ما هو الإغلاق؟", "**What is X?**", "What is X? [Easy]", "什么是闭包？【必考】",
])
def test_a_question_mark_of_any_script_asks(text):
    assert asks(text)


@pytest.mark.parametrize("text", ["Explain the CAP theorem.", "Closures", "f(x)", "解释一下事件循环",
                                  "const x = 5;"])
def test_no_question_mark_no_question(text):
    assert not asks(text)


@pytest.mark.parametrize("row", LANGUAGES, ids=lambda row: row.language)
def test_every_language_labels_questions_and_answers_in_pairs(row):
    assert row.questions and row.answers
    for question in row.questions:
        assert Q_MARK.match(f"**{question} 3:** Что?") and Q_MARK.match(f"{question}：什么？"), question
    for answer in row.answers:
        assert A_MARK.match(f"{answer}: yes") and A_MARK.match(f"**{answer}：** 是"), answer


@pytest.mark.parametrize(("heading", "number"), [
    ("第１题", "1"), ("第 12 题", "12"), ("７．什么是闭包？", "7"), ("7、什么是闭包？", "7"),
    ("（3）什么是闭包", "3"), ("三、基础", "3"), ("Вопрос 4: Что такое X?", "4"), ("问题5：什么是X？", "5"),
    ("Q12: Define idempotency", "12"),
])
def test_numbers_in_any_script_become_plain_digits(heading, number):
    assert split_number(heading)[1] == number


def test_no_number_where_a_section_number_or_a_value_starts_the_heading():
    assert split_number("1.1 Architecture decisions")[1] is None
    assert split_number("1.5 seconds")[1] is None
    assert number_value("十二") == "12" and number_value("二十") == "20"


@pytest.mark.parametrize("summary", ["Answer", "Show answer", "点击查看答案", "第 1 题的答案",
                                     "Показать ответ", "Ver respuesta", "答え", "Đáp án", "Xem đáp án",
                                     "Cevap", "Jawaban", "پاسخ", "الإجابة"])
def test_summaries_that_label_the_answer(summary):
    assert is_reveal_label(summary)


@pytest.mark.parametrize("summary", ["Hoisting", "Source code", "What is an answer?", "常见问答"])
def test_summaries_that_name_the_question(summary):
    assert not is_reveal_label(summary)


@pytest.mark.parametrize("summary", ["Answer", "Answer 3", "Đáp án", "Xem đáp án", "Показать ответ", "答案"])
def test_summaries_that_hide_an_answer(summary):
    assert names_answer(summary)


@pytest.mark.parametrize("summary", ["Example", "Show code", "Output", "Explanation",
                                     "What is an answer set?"])
def test_summaries_that_show_more_than_an_answer(summary):
    assert not names_answer(summary)


@pytest.mark.parametrize(("question", "answer", "intro"), [
    ("Soru", "Cevap", "Java mülakat soruları"), ("Câu", "Trả lời", "Câu hỏi phỏng vấn"),
    ("Pertanyaan", "Jawaban", "Pertanyaan wawancara"), ("سوال", "پاسخ", "سوالات مصاحبه"),
    ("السؤال", "الجواب", "أسئلة المقابلة"), ("Vraag", "Antwoord", "Sollicitatievragen"),
])
def test_pasted_pairs_in_more_languages_lose_their_labels(question, answer, intro):
    text = "".join(f"{question} {n}: q{n}?\n{answer}: a{n}.\n\n" for n in (1, 2, 3))
    result = read_text_as(f"{intro}\n\n{text}", "pairs.txt", "numbered-text")
    pairs = [(item.question, item.answer) for item in result.items]
    assert pairs == [(f"q{n}?", f"a{n}.") for n in (1, 2, 3)]


def test_bold_labels_of_each_language_section_pair_up():
    sections = [("Klausimas", "Atsakymas"), ("Jautājums", "Atbilde"), ("Запитання", "Відповідь"),
                ("Kysymys", "Vastaus"), ("Ερώτηση", "Απάντηση")]
    text = "".join(f"## {q} ({n})\n\n**{q}:** q{n}?\n\n**{a}:**\na{n}.\n\n---\n\n"
                   for n, (q, a) in enumerate(sections))
    items = read_text_as(text, "faq.md", "markdown").items
    assert [(item.question, item.answer) for item in items] == [(f"q{n}?", f"a{n}.") for n in range(5)]


def test_direction_marks_at_line_edges_hide_no_label():
    text = ("\u200fسوالات\n\n\u200fسوال ۱: کلوژر چیست؟\u200f\n\u200fپاسخ: یک تابع.\n\n"
            "\u200fسوال ۲: پرامیس چیست؟\n\u200fپاسخ: یک شیء.\n")
    assert detect(text).format == "numbered-text"
    items = read_text_as(text, "fa.txt", "numbered-text").items
    assert [(item.question, item.answer) for item in items] == [("کلوژر چیست؟", "یک تابع."),
                                                                ("پرامیس چیست؟", "یک شیء.")]


def test_a_full_width_separator_takes_the_number_off_a_latin_question():
    text = "# Java 面试题\n\n### 1、什么是 JVM？\n\n虚拟机。\n\n### 2、String 为什么不可变？\n\n为了安全。\n"
    items = read_text_as(text, "zh.md", "markdown").items
    assert [(item.ref, item.question) for item in items] == [("Q1", "什么是 JVM？"),
                                                             ("Q2", "String 为什么不可变？")]


def test_persian_digits_number_the_questions():
    text = "سوالات\n\nسوال ۱: کلوژر چیست؟\nپاسخ: یک تابع.\n\nسوال ۲: پرامیس چیست؟\nپاسخ: یک شیء.\n"
    assert detect(text).format == "numbered-text"
    items = read_text_as(text, "fa.txt", "numbered-text").items
    assert [(item.ref, item.answer) for item in items] == [("Q1", "یک تابع."), ("Q2", "یک شیء.")]


def test_a_quiz_answer_collapsed_under_a_vietnamese_summary_stays_off_the_front():
    block = ("## {n}. Câu {n}?\n\n```js\nf({n});\n```\n\n- `1`\n- `2`\n\n"
             "<details><summary>Đáp án</summary>\n\n- **Đáp án: B**\n- Giải thích {n}.\n</details>\n\n")
    items = read_text_as("".join(block.format(n=n) for n in (1, 2)), "vi.md", "markdown").items
    assert [item.question for item in items] == ["Câu 1?", "Câu 2?"]
    assert all("Đáp án" not in item.prompt and "- `2`" in item.prompt for item in items)
    assert items[1].answer == "- **Đáp án: B**\n- Giải thích 2."


def test_refs_of_non_latin_headings_are_their_own_and_ascii_refs_unchanged():
    assert slug("What is a Pod?") == "what-is-a-pod"
    assert slug("什么是闭包？") == "什么是闭包"
    assert slug("Что такое замыкание?") == "что-такое-замыкание"
    assert slug("¿Qué es un closure?") == "que-es-un-closure"
    assert slug("Ｑ１．ｆｏｏ") == "q1-foo"
    assert len({slug("什么是闭包？"), slug("什么是原型链？"), slug("什么是事件循环？")}) == 3


# --- what must not become a card -------------------------------------------------------------

README = """# Project\n\nA tool.\n\n## Installation\n\nRun pip install.\n\n## Usage\n\nCall run().\n\n
## Configuration\n\nSet the env var.\n\n## Contributing\n\nPRs welcome.\n\n## License\n\nMIT\n"""
API_UK = "# API\n\n" + "".join(
    f"### {name}\n\n```graphql\n{call}\n```\n\n**Відповідь:**\n\n```json\n{{}}\n```\n\n"
    for name, call in [("Ping", "query { ping }"), ("Реєстрація", "mutation { register }")])
API_ES = "".join(f"## {n}. {name} (GET)\n\n```\nGET /{name}\n```\n\n**Respuesta:**\n```json\n{{}}\n```\n\n"
                 for n, name in enumerate(["Chat", "Historial", "Salud"], start=1))
NOTES_RU = "".join(f"## {n}. {title}\n\nТекст раздела.\n\n" for n, title in enumerate(
    ["Что нужно знать", "Сетевая модель OSI", "TCP/IP модель", "Что происходит при открытии сайта"], start=1))
REQUIREMENTS = "# Design\n\n## Requirements\n\n" + "".join(
    f"### R{n}. {name}\n\nUsers can {name.lower()}.\n\n"
    for n, name in enumerate(["Login", "Logout", "Reset"], start=1))
LECTURES = "# Notes\n\n" + "".join(f"### Lecture {n} - {title}\nA note.\n\n" for n, title in enumerate(
    ["Name/Value Pairs", "The Global Object", "Creation and Hoisting"], start=7))


@pytest.mark.parametrize("text", [README, API_UK, API_ES, NOTES_RU, REQUIREMENTS, LECTURES],
                         ids=["readme", "api-uk", "api-es", "notes-ru", "requirements", "lectures"])
def test_documents_without_questions_make_no_cards(text):
    assert read_text_as(text, "doc.md", "markdown").items == ()
    with pytest.raises(UnsupportedFormatError):
        detect(text)


def test_a_readmes_trailing_sections_are_page_chrome_not_cards():
    faq = ("## FAQ\n\n### How do I X?\n\nLike this.\n\n### Can I Y?\n\nYes.\n\n"
           "### Where is Z?\n\nThere.\n\n## Contributing")
    text = README.replace("## Contributing", faq)
    result = read_text_as(text, "readme.md", "markdown")
    assert [item.question for item in result.items] == ["How do I X?", "Can I Y?", "Where is Z?"]
    assert {s.reason for s in result.skipped} >= {"title", "intro", "section-title", "page-chrome"}
    last = text.split("\n").index("MIT") + 1
    assert any(s.reason == "page-chrome" and s.line <= last <= s.end_line for s in result.skipped)


def test_a_heading_among_questions_that_asks_nothing_is_reported():
    text = ("# Q\n\n## What is X?\n\nX.\n\n## Summary\n\nA recap of the above.\n\n## What is Y?\n\nY.\n\n"
            "## What is Z?\n\nZ.\n")
    result = read_text_as(text, "doc.md", "markdown")
    assert [item.question for item in result.items] == ["What is X?", "What is Y?", "What is Z?"]
    assert [(d.reason, d.question, d.line, d.end_line) for d in result.dropped] == [
        ("not-a-question", "Summary", 7, 9)]


# --- every line accounted for ----------------------------------------------------------------


@pytest.mark.parametrize("document", CORPUS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_line_is_on_a_card_dropped_or_skipped(document: Path):
    result = read_source(document)
    text, _ = read_text(document)
    covered: set[int] = set()
    for entry in (*result.items, *result.dropped):
        assert entry.line and entry.end_line and entry.end_line >= entry.line, entry
        covered.update(range(entry.line, entry.end_line + 1))
    for region in result.skipped:
        assert region.reason and region.line <= region.end_line
        covered.update(range(region.line, region.end_line + 1))
    lines = text.split("\n")
    assert [n for n, line in enumerate(lines, start=1) if line.strip() and n not in covered] == []


# --- a CJK card in Anki ----------------------------------------------------------------------


def test_cjk_questions_and_answers_reach_anki_as_written(tmp_path, collection):
    source = DATA / "realworld" / "lang" / "zh_fullwidth_numbered.md"
    out = tmp_path / "zh.apkg"
    result = CliRunner().invoke(main, ["build", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert import_apkg(collection, out).new == 6
    notes = notes_by_question(collection)
    assert "怎样让一个网址原样显示，而不被自动转换成链接？" in notes
    answer = notes["怎样让一个网址原样显示，而不被自动转换成链接？"]["Answer"]
    assert "用行内代码把它包起来：" in answer and "https://example.com" in answer


def test_a_one_letter_label_of_another_language_is_no_question_in_a_q_a_document():
    text = ("Q: What is a drive letter?\nA: A name for a volume.\n\nD: the usual system drive\n\n"
            "Q: Why C?\nA: History.\n")
    result = read_text_as(text, "pairs.md", "markdown")
    assert [item.question for item in result.items] == ["What is a drive letter?", "Why C?"]
    assert "D: the usual system drive" in result.items[0].answer


def test_spanish_pairs_with_one_letter_labels():
    text = "P: ¿Qué es un closure?\nR: Una función con su entorno.\n\nP: ¿Qué es slice?\nR: Una copia.\n"
    result = read_text_as(text, "pares.md", "markdown")
    assert [(item.question, item.answer) for item in result.items] == [
        ("¿Qué es un closure?", "Una función con su entorno."), ("¿Qué es slice?", "Una copia.")]


@pytest.mark.parametrize(("label", "answer"), [
    ("Réponse\u00a0:", "Un objet."), ("Antwort:", "Ein Objekt."), ("**Resposta:**", "Um objeto."),
    ("答案：", "一个对象。"), ("A：", "An object."), ("【答案】", "一个对象。"),
    ("> **Answer:**", "An object."),
])
def test_answer_labels_open_the_answer_and_are_not_part_of_it(label, answer):
    text = "".join(f"## {n}. Question {n}?\n\n{label} {answer}\n\n" for n in (1, 2, 3))
    items = read_text_as(text, "labels.md", "markdown").items
    assert [item.answer for item in items] == [answer] * 3


def test_a_chinese_numbered_heading_is_a_question_with_its_number_as_ref():
    text = ("# 面试题\n\n## 7. 什么是闭包？\n\n函数和它的词法环境。\n\n"
            "## 8. 什么是原型链？\n\n对象之间的链接。\n")
    items = read_text_as(text, "zh.md", "markdown").items
    assert [(item.ref, item.question) for item in items] == [("Q7", "什么是闭包？"), ("Q8", "什么是原型链？")]
