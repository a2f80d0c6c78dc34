"""Where questions start in the markdown layouts people write, besides question headings.

Each finder looks at an :class:`~.markdown_outline.Outline` and returns :class:`Anchor` s:
the question, the line it starts on, and where its answer lies. Answers are cut out later,
once the adapter knows every anchor and heading (an open answer runs to the next one).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from ...qalabels import (
    ANSWER_LABEL_ANY,
    ANSWER_LABEL_WORDS,
    ANSWER_WORD_SET,
    CJK_NUMBER,
    CONTENTS,
    QUESTION_LABEL_ANY,
    QUESTION_LABEL_WORDS,
    QUESTION_WORD_SET,
    QUESTION_WORDS,
    asks,
    is_reveal_label,
    number_value,
    question_label_languages,
)
from .outline import Outline, Table, trim_block

_Q_LABEL = rf"(?:{QUESTION_LABEL_WORDS}|q|#)"
#: ``Q7.``, ``Question 7:``, ``Вопрос 7:``, ``问题7：``, ``第7题``, ``7.``, ``７．``, ``7、``, ``（7）``,
#: ``七、``, a keycap emoji ``1️⃣``, or a bare ``Q:``; the separator is followed by a space, or
#: directly by text in a script other than ASCII (``1.什么是…``, ``1、Что…``) or, after a
#: full-width separator, by any text (``2、String 为什么…``), never by a digit (``1.1 Intro``).
NUMBERING = re.compile(
    rf"^(?:{_Q_LABEL}\s*(?:no\.?\s*)?(?P<q>\d{{1,4}})"
    rf"|第\s*(?P<nth>\d{{1,4}}|{CJK_NUMBER})\s*[题題问問道章节]"
    rf"|[(（【]\s*(?P<paren>\d{{1,4}}|{CJK_NUMBER})\s*[)）】]"
    rf"|(?P<n>\d{{1,4}})|(?P<cjk>{CJK_NUMBER})(?=\s*[、．.])"
    rf"|(?P<bare>{_Q_LABEL})(?=\s*[.:：]))"
    r"(?:\s*\ufe0f?\u20e3\s*|\s*[.):：\-–—．、]?\s+|\s*[.):：．、]\s*(?=[^\x00-\x7f\d０-９])"
    r"|\s*[：．、]\s*(?=[^\d０-９\s])|(?<=[题題问問道章节)）】])\s*)",
    re.IGNORECASE,
)
#: Interview prompts worded without a question word.
PROMPTS = re.compile(
    r"^(differences? between|pros and cons|advantages and disadvantages|when to use|how to)\b",
    re.IGNORECASE,
)
#: "Flexbox vs Grid", "Promise versus async/await": a prompt to compare.
COMPARISON = re.compile(r"^\S.*?\s(?:vs\.?|versus)\s+\S", re.IGNORECASE)
NOT_QUESTIONS = re.compile(
    r"^(table of contents|contents|toc|index|introduction|intro|overview|summary|conclusion|"
    rf"references|resources|further reading|license|contributing|about|faq|questions|{CONTENTS})\b",
    re.IGNORECASE,
)
#: Headings that organise the page rather than name a subject: no topic.
NOT_TOPICS = re.compile(
    r"^(table of contents|contents|toc|index|faqs?|frequently asked questions|questions|"
    rf"q\s*&\s*a|{CONTENTS})\s*[:：]?\s*$",
    re.IGNORECASE,
)
EMPHASIS = re.compile(r"^(\*\*|__|\*|_)(?P<inner>.+)\1$")
LEADING_SYMBOLS = re.compile(r"^[^\w\s`\"“'(\[<*_~\\¿¡（【「『]+\s*")  # "❓ FAQ", "🔥 What is …?"
TRAILING_PERMALINK = re.compile(r"(?<=\S)\s+\[[^\]]*\]\(#[^)\s]*\)\s*$")
#: ``(12 questions)``, ``（12道）``, ``(15 вопросов)``: a count after a section's name.
QUESTION_COUNT = re.compile(r"\s*[(\[（【]\s*\d+\s*[^\W\d_]{0,12}\s*[)\]）】]\s*$")
#: ``1.1 ``, ``2.3.1. ``: a section number before a section's name.
SECTION_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3})+\.?\s+")
EMPTY_ANCHOR = re.compile(r"<a\s[^<>]*>\s*</a>", re.IGNORECASE)
CODE_TAG = re.compile(r"<code>(.*?)</code>", re.IGNORECASE | re.DOTALL)
ANY_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")  # [^>]* made a line of unclosed tags quadratic
LONE_LINK = re.compile(r"^\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]*)[^)]*\)$")

DETAILS_OPEN = re.compile(r"<details\b", re.IGNORECASE)
DETAILS_CLOSE = re.compile(r"</details\s*>", re.IGNORECASE)
SUMMARY = re.compile(r"<summary\b[^>]*>(?P<question>.*?)</summary\s*>", re.IGNORECASE | re.DOTALL)

_LIST_LEAD = r"[ \t]{0,3}(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?"
#: Space before a label's colon; French sets a (narrow) no-break space there: ``Réponse :``.
_GAP = "[ \t\u00a0\u202f]*"
#: English labels that qualify the question or answer they name: ``Practice question:``,
#: ``Model answer:``.
_QUALIFIED_Q = (r"(?:[Pp]ractice|[Ss]ample|[Ee]xample|[Bb]onus|[Ff]ollow-up|[Ii]nterview|[Mm]ock)"
                r"[ \t]+question")
_QUALIFIED_A = r"(?:[Mm]odel|[Ss]ample|[Ee]xample|[Ss]uggested|[Ii]deal|[Gg]ood|[Ss]trong)[ \t]+answer"
#: ``Q:``, ``**Question 3:**``, ``Вопрос:``, ``问：``, ``P:`` (a language's labels: qalabels).
Q_MARK = re.compile(
    rf"^{_LIST_LEAD}(?P<bold>\*\*|__)?(?P<label>{_QUALIFIED_Q}|{QUESTION_LABEL_ANY})"
    rf"[ \t]*(?:-?(?P<series>[A-Z]{{1,3}})-?(?=\d))?(?P<number>\d+)?{_GAP}"
    r"(?P<sep>[:：]|(?<=\d)[.)．])(?:\*\*|__)?[ \t]*(?P<rest>.*)$"
)
#: The number an answer label repeats from its question, glued to it: ``A1:``, ``A-B3:``
#: (``Answer 2:`` with a space stays text: a document may number its answers in the prose).
_ANSWER_NUMBER = r"(?:-?(?:[A-Z]{1,3}-?)?\d{1,4})?"
#: Empty HTML anchors a line opens with, targets of a table of contents: ``<a name="q1"></a>``.
LEADING_ANCHORS = re.compile(r"^(?:[ \t]*<a\s[^<>]*>[ \t]*</a\s*>)+[ \t]*", re.IGNORECASE)
#: ``A:``, ``**Answer:**``, ``> **Answer:**``, ``Ответ:``, ``答：``, ``【答案】``, ``R:``.
A_MARK = re.compile(
    rf"^{_LIST_LEAD}(?:>[ \t]?)?(?:\*\*|__)?"
    rf"(?P<label>【(?:{ANSWER_LABEL_ANY})】|(?:{_QUALIFIED_A}|{ANSWER_LABEL_ANY}){_ANSWER_NUMBER}{_GAP}[:：])"
    r"(?:\*\*|__)?[ \t]*(?P<rest>.*)$"
)
INLINE_A = re.compile(
    rf"(?:\*\*|__)(?:{ANSWER_LABEL_ANY}){_GAP}[:：](?:\*\*|__)"
    rf"|(?<=[?.!？。！])[ \t]*(?:A|Answer|{ANSWER_LABEL_WORDS})[:：][ \t]"
)
#: ``1. **What is X?**``, ``**What is X?** X is…``; ``** What is X?**`` too (a space GitHub shows
#: as literal asterisks, but still the author's question, not the answer above's).
BOLD_Q = re.compile(
    r"^(?P<lead>[ \t]{0,3}(?:(?:(?P<number>\d{1,9})[.)]|(?P<bullet>[-*+]))[ \t]+)?)"
    r"(?P<mark>\*\*|__)[ \t]?(?P<question>[^*_\s].*?)"
    r"(?P=mark)[ \t]*(?P<rest>.*)$"
)

#: A question's number alone in bold, the question after it: ``**Q1.**``, ``**3.**``, ``**Question 2:**``.
BOLD_NUMBER = re.compile(rf"(?:{_Q_LABEL}[ \t]*)?(?P<n>\d{{1,4}})[ \t]*[.):：]", re.IGNORECASE)

TABLE_QUESTION = {"q", "question", "questions", "prompt", "front", "term", "query", "ask"} | QUESTION_WORD_SET
TABLE_ANSWER = {"a", "answer", "answers", "ans", "response", "back", "explanation", "definition",
                "solution", "reply"} | ANSWER_WORD_SET
TABLE_NUMBER = {"#", "no", "nr", "num", "number", "id", "sl", "sno", "slno", "index"}
TABLE_META = {"topic": "topic", "category": "topic", "section": "topic", "area": "topic",
              "subtopic": "subtopic", "subcategory": "subtopic",
              "level": "level", "difficulty": "level", "seniority": "level"}
TABLE_TAGS = {"tags", "tag", "labels", "keywords"}
#: A tags cell: words or ``#hashtags`` set apart by commas or spaces.
TAG_SPLIT = re.compile(r"[,;]\s*|\s+(?=#)")

#: A fence in a summary: code to show under the question, not more question words.
FENCE_LINE = re.compile(r"^[ \t]*(?:`{3,}|~{3,})", re.MULTILINE)


@dataclass(frozen=True)
class Anchor:
    """Where one question starts and where its answer lies."""

    kind: str  # heading, details, pair, bold, row
    line: int  # 0-based first line of the item
    question: str
    number: str | None
    body: int  # first line of the answer below the question
    end: int | None = None  # fixed end (exclusive) of the answer; None: up to the next anchor
    lead: str = ""  # answer text on the question's own line
    tail: str = ""  # answer text on the closing line (details)
    dedent: int = 0  # list indentation to take off the answer's lines
    level: int = 0  # heading level; 0 for the other layouts
    meta: tuple[tuple[str, str], ...] = ()
    tags: tuple[str, ...] = ()  # a table's tags column
    prompt: str = ""  # markdown the question shows with it (code or a list inside a summary)
    guessed: bool = False  # a table row whose answer column no header names (the longest one)


# --- question text -------------------------------------------------------------------------


def plain_question(text: str) -> str:
    """Question text without wrapping emphasis, empty HTML anchors and a trailing permalink
    (``What is X? [🔗](#what-is-x)``); inline code is kept."""
    text = LEADING_SYMBOLS.sub("", TRAILING_PERMALINK.sub("", EMPTY_ANCHOR.sub("", text)).strip())
    while (match := EMPHASIS.match(text)) and "**" not in match.group("inner").strip("*"):
        text = match.group("inner").strip()
    if len(text) > 2 and text[0] in "\"“" and text[-1] in "\"”" and not re.search("[\"“”]", text[1:-1]):
        text = text[1:-1].strip()  # "Why simulation instead of hardware?"
    return text


def split_number(text: str) -> tuple[str, str | None, bool]:
    """``(text, number, q_prefixed)`` with a leading ``Q7.`` / ``7)`` / ``第７题`` numbering taken
    off; the number in plain digits (``７`` -> ``7``)."""
    numbered = NUMBERING.match(text)
    if not numbered:
        return text, None, False
    labelled = numbered.group("q") or numbered.group("nth")
    number = labelled or numbered.group("n") or numbered.group("paren") or numbered.group("cjk")
    q_prefixed = bool(labelled or numbered.group("bare"))
    return plain_question(text[numbered.end():]), number_value(number) if number else None, q_prefixed


def looks_like_question(text: str) -> bool:
    """Asks (``…?``, ``What …``, ``Explain …``) or prompts (``Difference between X and Y``)."""
    stripped = text.strip().rstrip("*_ ")
    start = stripped.lstrip("*_`")
    return asks(stripped) or bool(QUESTION_WORDS.match(start) or PROMPTS.match(start)
                                          or COMPARISON.search(start))


def question_of(heading: str) -> tuple[str, str | None] | None:
    """``(question, number)`` when a heading asks a question, else ``None``."""
    text, number, q_prefixed = split_number(plain_question(heading))
    if not text or NOT_QUESTIONS.match(text) or LONE_LINK.match(text):
        return None
    if looks_like_question(text) or q_prefixed:
        return text, number
    return None


def topic_of(heading: str) -> str:
    """A section heading as a topic name (numbering, emphasis and a count such as
    ``(12 questions)`` taken off)."""
    return SECTION_NUMBER.sub("", QUESTION_COUNT.sub("", split_number(plain_question(heading))[0]))


# --- <details><summary>Question</summary>answer</details> ----------------------------------


#: Collapsible sections inside sections beyond this depth are not split further: the block is
#: read as one question (its inner blocks part of the answer), so hostile nesting costs no more.
MAX_SECTION_DEPTH = 16

Section = tuple[int, int, tuple[tuple[str, str], ...]]  # first line, end line, meta of the section


def find_details(outline: Outline) -> list[Anchor]:
    """GitHub FAQ style: one collapsible block per question; nested blocks make sections.

    Sections are a work list rather than recursion, so no nesting can overflow the stack.
    """
    anchors: list[Anchor] = []
    sections: list[Section] = [(0, len(outline.lines), ())]
    while sections:
        start, stop, meta = sections.pop()
        for index, close in _blocks_in(outline, start, stop):
            found = _one_details(outline, index, close, meta)
            if isinstance(found, tuple):
                sections.append(found)
            else:
                anchors.extend(found)
    return sorted(anchors, key=lambda anchor: anchor.line)


def _blocks_in(outline: Outline, start: int, stop: int) -> Iterator[tuple[int, int]]:
    """The opening and closing line of each top-level details block between the lines."""
    index = start
    while index < stop:
        if index in outline.code_lines or not DETAILS_OPEN.search(outline.lines[index]):
            index += 1
            continue
        close = _closing_line(outline, index, stop)
        yield index, close
        index = close + 1


def _closing_line(outline: Outline, start: int, stop: int) -> int:
    depth = 0
    for index in range(start, stop):
        if index in outline.code_lines:
            continue
        line = outline.lines[index]
        depth += len(DETAILS_OPEN.findall(line)) - len(DETAILS_CLOSE.findall(line))
        if depth <= 0:
            return index
    return stop - 1


def _one_details(outline: Outline, start: int, close: int, meta: tuple[tuple[str, str], ...]
                 ) -> list[Anchor] | Section:
    chunk = "\n".join(outline.lines[start:close + 1])
    opening = DETAILS_OPEN.search(chunk)
    summary = SUMMARY.search(chunk)
    if not opening or not summary or DETAILS_OPEN.search(chunk, opening.end(), summary.start()):
        return []
    summary_line = start + chunk.count("\n", 0, summary.end())
    asked, prompt = _summary_parts(summary.group("question"))
    label = summary_text(asked)
    inner = sum(1 for i in range(summary_line + 1, close) if i not in outline.code_lines
                and DETAILS_OPEN.search(outline.lines[i]))
    if inner >= 2 and len(meta) < MAX_SECTION_DEPTH:  # a collapsible section of collapsible questions
        return summary_line + 1, close, meta + (("topic", topic_of(label)),)
    text, number, _ = split_number(label)
    if not text or NOT_QUESTIONS.match(text) or is_reveal_label(label) or is_reveal_label(text):
        return []
    after_summary = outline.lines[summary_line][_column_after(chunk, summary.end()):]
    if summary_line == close:
        lead, tail, body = DETAILS_CLOSE.split(after_summary)[0], "", close
    else:
        closing = outline.lines[close]
        match = DETAILS_CLOSE.search(closing)
        lead, tail = after_summary, closing[:match.start()] if match else closing
        body = summary_line + 1
    return [Anchor("details", start, text, number, body, close, lead.strip(), tail.strip(), meta=meta,
                   prompt=prompt)]


def _summary_parts(summary: str) -> tuple[str, str]:
    """A summary's question and, when a blank line sets apart a code block the question is about,
    that markdown as written (the front shows it, alignment kept). A list stays in the question's
    text (its lines are kept there), as it always has, so such a question keeps its identity."""
    asked, _, rest = summary.strip("\n").partition("\n\n")
    rest = trim_block(rest)
    if not rest.strip() or not FENCE_LINE.search(rest):
        return summary, ""
    return asked, rest


def _column_after(chunk: str, offset: int) -> int:
    return offset - (chunk.rfind("\n", 0, offset) + 1)


def summary_text(html_text: str) -> str:
    """A summary's question: ``<code>`` becomes backticks, other tags go, emphasis unwrapped."""
    text = ANY_TAG.sub("", CODE_TAG.sub(lambda m: f"`{m.group(1)}`", html_text))
    lines = [" ".join(line.split()) for line in text.strip().split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))  # a summary may hold a list: keep its lines
    return plain_question(text)


def is_blank(markdown: str) -> bool:
    """True when nothing but HTML tags and spaces is left (``<br><b>\n</b>`` answers nothing)."""
    return not ANY_TAG.sub("", markdown).replace("&nbsp;", " ").strip()


# --- ??? question "Why …?" (MkDocs admonitions) ----------------------------------------------

#: Admonition types that hold a question (MkDocs Material's ``question`` and its aliases).
QUESTION_ADMONITIONS = frozenset({"question", "help", "faq"})


def find_admonitions(outline: Outline) -> list[Anchor]:
    """MkDocs admonitions whose title is the question and whose indented body the answer: any
    type whose title asks (``!!! note "Why …?"``), a ``question`` one whatever its title (``??? question
    "Q1: The mode is not shown"``, a FAQ's problem). A title that only reveals (``Show answer``)
    belongs to the question above it."""
    anchors = []
    for block in outline.admonitions:
        text, number, _ = split_number(plain_question(block.title))
        if not text or NOT_QUESTIONS.match(text) or is_reveal_label(block.title) or is_reveal_label(text):
            continue
        if block.kind in QUESTION_ADMONITIONS or asks(text):
            anchors.append(Anchor("admonition", block.line, text, number, block.line + 1, block.end,
                                  dedent=block.indent))
    return anchors


# --- **Q:** … **A:** … and Q: / A: --------------------------------------------------------


def find_pairs(outline: Outline) -> list[Anchor]:
    """``Q:``/``A:`` pairs; only when the document marks at least one answer with ``A:``, and
    only with question labels of a language whose answers it marks (a ``D:`` line is no
    question in a document of ``Q:``/``A:`` pairs)."""
    found = [(pair, mark) for i in range(len(outline.lines)) if (mark := _q_mark(outline, i))
             and (pair := _pair_at(outline, i, mark))]
    languages = {language for (_, marked), mark in found if marked
                 for language in question_label_languages(mark.group("label"))}
    return [anchor for (anchor, marked), mark in found
            if anchor and (marked or languages & question_label_languages(mark.group("label")))]


def _q_mark(outline: Outline, index: int) -> re.Match[str] | None:
    if index in outline.code_lines:
        return None
    mark = Q_MARK.match(without_anchors(outline.lines[index]))
    if not mark or (mark.group("sep") in ".)" and not mark.group("rest").strip()):
        return None  # "Q1." alone on its line is numbered scraped text, another format
    return mark


def _pair_at(outline: Outline, index: int, mark: re.Match[str]) -> tuple[Anchor | None, bool]:
    """The pair whose ``Q:`` is on line ``index``, and whether its answer is marked ``A:``."""
    rest = mark.group("rest")
    inline = INLINE_A.search(rest)
    if inline:
        question = _unbold(rest[:inline.start()], mark.group("bold"))
        return _pair(index, question, _mark_number(mark), index + 1, rest[inline.end():]), True
    parts, line = [_unbold(rest, mark.group("bold"))], index + 1
    indent = outline.item_indents.get(index, 0)  # "10. **Q:** …" then "    **A:** …" in the item
    while line < len(outline.lines) and _continues_question(outline, line, indent):
        parts.append(outline.lines[line].strip())
        line += 1
    answer_line = _next_nonblank(outline, line)
    answer = _a_mark(outline.lines[answer_line], indent) if answer_line is not None else None
    question, number = " ".join(parts), _mark_number(mark)
    if answer and answer_line is not None and answer_line not in outline.code_lines:
        return _pair(index, question, number, answer_line + 1, answer.group("rest")), True
    return _pair(index, question, number, line, ""), False


def _mark_number(mark: re.Match[str]) -> str | None:
    """``Q7:`` -> ``7``; a series letter is part of the number: ``Q-B3:`` -> ``B3``."""
    number = mark.group("number")
    return f"{mark.group('series') or ''}{number}" if number else None


def without_anchors(line: str) -> str:
    """The line without the empty anchors it opens with (``<a name="q2"></a>**Q2: …**``)."""
    return LEADING_ANCHORS.sub("", line, count=1) if "<" in line[:4] else line


def _pair(line: int, question: str, number: str | None, body: int, lead: str) -> Anchor | None:
    text, numbered, _ = split_number(plain_question(question.strip()))
    if not text:
        return None
    return Anchor("pair", line, text, number or numbered, body, lead=lead.strip())


def _continues_question(outline: Outline, line: int, indent: int = 0) -> bool:
    text = outline.lines[line]
    return bool(text.strip()) and line not in outline.code_lines and line not in outline.heading_lines \
        and not _a_mark(text, indent) and not Q_MARK.match(text)


def _a_mark(text: str, indent: int) -> re.Match[str] | None:
    """``A:`` on a line, read inside the list item whose content starts ``indent`` columns in."""
    margin = len(text) - len(text.lstrip(" "))
    return A_MARK.match(text[min(margin, indent):])


def _next_nonblank(outline: Outline, line: int) -> int | None:
    while line < len(outline.lines):
        if outline.lines[line].strip():
            return line
        line += 1
    return None


def _unbold(text: str, bold: str | None) -> str:
    text = text.strip()
    if bold and text.endswith(bold):
        text = text[: -len(bold)].strip()
    return text


# --- 1. **What is X?** ---------------------------------------------------------------------


def find_bold_questions(outline: Outline) -> list[Anchor]:
    """Bold questions opening a list item (numbered, or a bullet with nothing after the question)
    or standing alone as a paragraph."""
    anchors = []
    for index in sorted(outline.block_starts):
        if index in outline.code_lines:
            continue
        match = BOLD_Q.match(without_anchors(outline.lines[index]))
        if not match or LONE_LINK.match(match.group("question").strip()):
            continue
        text, number, q_prefixed = split_number(plain_question(match.group("question")))
        label = BOLD_NUMBER.fullmatch(match.group("question").strip())
        if label and looks_like_question(match.group("rest")):  # "**Q1.** Which …?": the label in bold
            dedent = outline.item_indents.get(index, 0) if match.group("lead") else 0
            anchors.append(Anchor("bold", index, plain_question(match.group("rest")), label.group("n"),
                                  index + 1, dedent=dedent))
            continue
        if not text or not (looks_like_question(text) or q_prefixed):
            continue
        if match.group("rest") and not match.group("number") and not _numbered_ask(match, number, text):
            continue  # "- **Term**: definition" is a point of an answer, not a question
        in_item = match.group("number") or match.group("bullet")
        dedent = outline.item_indents.get(index, 0) if in_item else 0
        anchors.append(Anchor("bold", index, text, match.group("number") or number, index + 1,
                              lead=match.group("rest").strip(), dedent=dedent))
    return _without_repeated_labels(_without_labels(anchors), outline)


def _without_repeated_labels(anchors: list[Anchor], outline: Outline) -> list[Anchor]:
    """A bold line standing alone that the document repeats word for word and that asks nothing
    by its punctuation (``__Explain Your Answer__`` under each of a quiz's questions) names a part
    of a repeated record, as a form's field label does: it is no question."""
    counts = Counter(line.strip() for line in outline.lines if line.strip())
    return [anchor for anchor in anchors
            if anchor.lead or anchor.dedent or asks(anchor.question)
            or counts[outline.lines[anchor.line].strip()] < 2]


def _without_labels(anchors: list[Anchor]) -> list[Anchor]:
    """Where the document numbers its bold questions (``**Q1: "…"**``), an unnumbered bold line
    that ends in a colon and asks nothing (``**What to internalize:**``, ``**How to prepare:**``)
    labels the list or paragraph below it: it is no question."""
    if sum(1 for anchor in anchors if anchor.number) < 2:
        return anchors
    return [anchor for anchor in anchors if anchor.number or not _is_label(anchor.question)]


def _is_label(text: str) -> bool:
    stripped = text.rstrip("*_ \t")
    return stripped.endswith((":", "：")) and not asks(stripped)


def _numbered_ask(match: re.Match[str], number: str | None, text: str) -> bool:
    """``**3. What is X?** X is…``: a numbered question in bold with its answer on the same line."""
    return bool(number) and not match.group("bullet") and text.endswith("?")


# --- | Question | Answer | -----------------------------------------------------------------


#: A cell naming a question only by its number: ``1``, ``Q3``, ``**Q07**``, ``Question 2``, ``#4``.
NUMBER_CELL = re.compile(r"^(?:q(?:uestion)?|#)?[ \t]*(?P<n>\d{1,4})[ \t]*[.):]?$", re.IGNORECASE)


def find_table_rows(outline: Outline) -> list[Anchor]:
    return [anchor for table in outline.tables for anchor in _rows_of(table)]


def numbered_cell(text: str) -> str | None:
    """The question number a cell holds and nothing else (``**Q07**`` -> ``7``), else None."""
    match = NUMBER_CELL.match(plain_question(_cell(text)))
    return str(int(match.group("n"))) if match else None


def _rows_of(table: Table) -> list[Anchor]:
    columns = table_columns(table)
    if columns is None or _numbers_only(table, columns[0]):
        return []  # "| Q# | Answer |" over "| 1 | B |": an answer key, read by markdown_key
    question_col, answer_col, number_col, meta_cols = columns
    names = [header_name(cell) for cell in table.header]
    guessed = names[answer_col] not in TABLE_ANSWER
    tag_cols = [col for col, name in enumerate(names) if name in TABLE_TAGS]
    claimed = {question_col, answer_col, number_col, *tag_cols, *(col for _, col in meta_cols)}
    extra_cols = [col for col in range(len(names)) if col not in claimed]
    anchors = []
    for row in table.rows:
        cells = row.cells + ("",) * (len(table.header) - len(row.cells))
        text, numbered, _ = split_number(plain_question(_cell(cells[question_col])))
        if not text:
            continue
        number = _cell(cells[number_col]) if number_col is not None else None
        meta = tuple((key, _cell(cells[col])) for key, col in meta_cols if _cell(cells[col]))
        tags = tuple(tag.strip().lstrip("#") for col in tag_cols
                     for tag in TAG_SPLIT.split(plain_question(_cell(cells[col]))) if tag.strip().lstrip("#"))
        answer = "\n\n".join([_cell(cells[answer_col])] + [_extra(table.header[col], cells[col])
                                                             for col in extra_cols if _cell(cells[col])])
        anchors.append(Anchor("row", row.line, text, number if number and number.isdigit() else numbered,
                              row.line + 1, row.line + 1, lead=answer, meta=meta,
                              guessed=guessed, tags=tags))
    return anchors


def _extra(header: str, cell: str) -> str:
    """A further column's cell (``Example``, ``Notes``), on the back under its header."""
    label = plain_question(header.strip())
    return f"**{label}:** {_cell(cell)}" if label else _cell(cell)


def table_columns(table: Table) -> tuple[int, int, int | None, list[tuple[str, int]]] | None:
    """``(question, answer, number, [(meta key, column)])`` columns, or None for other tables."""
    names = [header_name(cell) for cell in table.header]
    question = _first(names, TABLE_QUESTION)
    answer = _first(names, TABLE_ANSWER)
    number = _first(names, TABLE_NUMBER)
    meta = [(TABLE_META[name], col) for col, name in enumerate(names) if name in TABLE_META]
    tags = [col for col, name in enumerate(names) if name in TABLE_TAGS]
    taken = {number, *(col for _, col in meta), *tags}
    if question is None:
        question = _column_of_questions(table, taken)
    if question is None or not table.rows:
        return None
    if answer is None:
        answer = _longest_column(table, taken | {question})
    if answer is None or answer == question or _is_navigation(table, question):
        return None
    return question, answer, number, meta


def _numbers_only(table: Table, col: int) -> bool:
    """Whether the question column names questions only by number: no question is asked there."""
    values = _column_values(table, col)
    return bool(values) and all(numbered_cell(value) for value in values)


def header_name(cell: str) -> str:
    return re.sub(r"[^\w#]+|[\d_]+", " ", cell.strip("*_ ").lower()).strip()


def _first(names: list[str], wanted: set[str]) -> int | None:
    return next((col for col, name in enumerate(names) if name in wanted), None)


def _column_values(table: Table, col: int) -> list[str]:
    return [_cell(row.cells[col]) for row in table.rows if col < len(row.cells) and row.cells[col].strip()]


def _column_of_questions(table: Table, taken: set[int | None]) -> int | None:
    best, best_share = None, 0.5
    for col in range(len(table.header)):
        values = _column_values(table, col)
        share = sum(v.rstrip("*_ ").endswith("?") for v in values) / max(1, len(values))
        if col not in taken and share >= best_share:
            best, best_share = col, share
    return best


def _longest_column(table: Table, taken: set[int | None]) -> int | None:
    lengths = {col: sum(map(len, _column_values(table, col))) for col in range(len(table.header))
               if col not in taken}
    return max(lengths, key=lambda col: lengths[col]) if lengths and max(lengths.values()) else None


def _is_navigation(table: Table, col: int) -> bool:
    """A table of contents: the question cells are links into the page."""
    values = _column_values(table, col)
    return bool(values) and all(LONE_LINK.match(plain_question(v)) for v in values)


def _cell(text: str) -> str:
    return text.replace("\\|", "|").strip()
