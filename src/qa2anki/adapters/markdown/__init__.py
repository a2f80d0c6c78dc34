"""Markdown documents in the layouts people write Q&A in, recognised from their content.

Questions may be headings at any level (``## Q1. What …?``, ``### How …``, ``1. ### Why …``),
``<details><summary>`` blocks, ``Q:``/``A:`` pairs, bold questions (``1. **What …?**``) or the
rows of a question/answer table; one document may mix them. Headings that do not ask are
sections: they end the answer above them and name the ``topic`` of the questions below.
A question heading with two or more questions under it and no answer of its own is a section
too. Tables of contents and "back to top" links are navigation, not answers. Answers keep the
source's markdown and HTML; indented code becomes an unlabelled fence.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from ...models import Dropped, Item, Skipped, SourceResult
from ...qalabels import ANSWER_LABEL_ANY, asks, is_reveal_label
from .._text.codebox import box_end, code_box
from .._text.level_symbols import legend, split_level
from .._text.page_lines import is_placeholder
from .._text.refs import RefAllocator, slug
from ..base import Adapter
from .coverage import Accounted, unaccounted
from .key import join_answer_key
from .layouts import (
    A_MARK,
    ANY_TAG,
    LONE_LINK,
    NOT_QUESTIONS,
    NOT_TOPICS,
    QUESTION_ADMONITIONS,
    Anchor,
    find_admonitions,
    find_bold_questions,
    find_details,
    find_pairs,
    find_table_rows,
    is_blank,
    plain_question,
    question_of,
    split_number,
    summary_text,
    topic_of,
)
from .outline import THEMATIC_BREAK, Heading, Outline, outline_of, trim_block
from .prompts import Asked, find_bold_prompts, structural_prompts
from .quiz import (
    QUIZ_DOCUMENT,
    QuizItem,
    Unanswered,
    find_list_quizzes,
    is_answer_heading,
    read_quiz,
)

#: When two layouts claim the same line (``**Q: What …?**`` is both a pair and bold text).
PRIORITY = {"details": 0, "admonition": 0, "pair": 1, "row": 2, "bold": 3, "item": 4}
#: Layouts whose question holds its answer in a block of its own: nothing inside is a question.
ENCLOSING = ("details", "admonition")
#: A line that is only a link into the page (``- [Closures](#closures)``, ``[[↑] Back to top](#top)``).
NAVIGATION_LINK = re.compile(
    r"^\s*(?:(?:[-*+]|\d{1,9}[.)])\s+)?(?:\*\*|__)?\[(?P<text>(?:[^\[\]]|\[[^\[\]]*\])+)\]"
    r"\((?P<target>[^)\s]*)(?:\s[^)]*)?\)"
    r"(?:\*\*|__)?\s*$"
)
#: An HTML line whose only text is a link into the page (``<a href="#top">↥ back to top</a>``).
#: Tags hold no ``<`` and the text no other link, so an unclosed ``<a`` costs a scan to the next
#: ``<``, not to the end of the text (a line of them was quadratic).
HTML_PAGE_LINK = re.compile(
    r"<a\s[^<>]*href=[\"']#[^<>]*>(?P<text>[^<]*(?:<(?!/?a[\s>])[^<]*)*)</a\s*>", re.IGNORECASE
)
#: ``**Answer**``, ``**Ans.**``, ``**Solution:**``, ``**Ответ**``, ``#### 答案`` opening an answer:
#: a label, not the answer (labels of every language: qalabels).
_LABEL = rf"(?:{ANSWER_LABEL_ANY}|Solution)"
ANSWER_LABEL = re.compile(
    rf"^(?:(?:\*\*|__){_LABEL}\s*[.:：]?\s*(?:\*\*|__)\s*[:：]?"
    rf"|#{{1,6}}[ \t]+{_LABEL}\s*[.:：]?\s*$)[ \t]*(?P<rest>.*)$",
    re.IGNORECASE,
)
#: A link back up the page at the end of a line: ``… <a href="#top">⬆️</a>``, ``[↑ Top](#index)``.
TRAILING_BACK_LINK = re.compile(
    r"[ \t]*(?:\[(?P<md>[^\[\]]*)\]\(#[^)\s]*\)"
    r"|<a\s[^<>]*href=[\"']#[^\"']*[\"'][^<>]*>(?P<html>[^<]*)</a\s*>)"
    r"[ \t]*$",
    re.IGNORECASE,
)
BACK_LINK_TEXT = re.compile(r"[\W_]*(?:(?:back\s+to\s+)?(?:the\s+)?(?:top|toc|contents|index)[\W_]*)?",
                            re.IGNORECASE)
WRAPPED_ANSWER = re.compile(
    r"^<details\b[^>]*>\s*<summary\b[^>]*>(?P<label>.*?)</summary\s*>(?P<body>.*)</details\s*>$",
    re.IGNORECASE | re.DOTALL,
)
#: A markdown link to another site: ``[Example - Golang](https://example.com/golang)``.
EXTERNAL_LINK = re.compile(r"\[[^\[\]]*\]\(https?://[^)\s]*\)")
#: A markdown link or image, its text included: ``[Solution](sol.md)``, ``![Imgur](a.png)``.
ANY_LINK = re.compile(r"!?\[[^\[\]]*\]\([^()\s]*(?:\s[^()]*)?\)")
#: Emphasis around a placeholder answer (``*ToDo*``, ``_Coming soon_``).
EMPHASIS_MARKS = re.compile(r"[*_~]+")
#: Words of a code box's copy button: a cheap test before looking for boxes.
BOX_HINT = re.compile(r"cop(?:y|ied|ier|iar)|kopieren", re.IGNORECASE)
#: A question about code it points at: ``the code below``, ``the following snippet``.
POINTS_AT_CODE = re.compile(r"\b(?:below|following|above)\b", re.IGNORECASE)
#: A question asking to write code, which the code under it answers.
WRITE_TASK = re.compile(r"^\W*(?:write|implement|create|build|code|rewrite|refactor|fix|complete|convert|"
                        r"show|give|design|define|declare)\b", re.IGNORECASE)
#: Fewest questions answered in quotes that make quotes the document's way of answering.
QUOTED_ANSWERS = 3
#: A label with nothing after it, in a quote or list or not: ``> **Result:**``, ``- Action:``.
EMPTY_LABEL = re.compile(
    r"^[ \t>]*(?:[-*+][ \t]+)?(?:\*\*|__)?[^\W\d_][^:*_\n]{0,40}[:：](?:\*\*|__)?[ \t]*$")
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")


def layout(outline: Outline) -> tuple[list[Anchor], list[Heading]]:
    """Every question in source order, and the section headings (context, not questions)."""
    others = _other_anchors(outline)
    questions, sections = _classify_headings(outline, others)
    questions, sections = _outside_details(others, questions, sections)
    kept = _outside_heading_answers(others, questions, outline)
    return sorted(questions + kept, key=lambda anchor: anchor.line), sections


@lru_cache(maxsize=4)
def _shared_layout(outline: Outline) -> tuple[tuple[Anchor, ...], tuple[Heading, ...]]:
    """:func:`layout`, once per parse: detection sniffs the outline the adapter then reads."""
    anchors, sections = layout(outline)
    return tuple(anchors), tuple(sections)


def _other_anchors(outline: Outline) -> list[Anchor]:
    """Anchors of the non-heading layouts, one per line, none inside a details answer."""
    found = find_details(outline) + find_admonitions(outline) + find_pairs(outline) + find_table_rows(outline)
    bold = find_bold_questions(outline)
    found += bold + find_bold_prompts(outline, bold) + find_list_quizzes(outline)
    details = sorted((a.line, a.end or a.line) for a in found if a.kind in ENCLOSING)
    by_line: dict[int, Anchor] = {}
    for anchor in sorted(found, key=lambda a: (a.line, PRIORITY[a.kind])):
        if anchor.line not in by_line and not _within(details, anchor.line, inclusive_start=False):
            by_line[anchor.line] = anchor
    return _without_bold_in_pair_answers(list(by_line.values()), outline)


def _without_bold_in_pair_answers(anchors: list[Anchor], outline: Outline) -> list[Anchor]:
    """In a Q:/A: document, bold lines between a Q: and the next are its answer's, not questions."""
    pairs = [a.line for a in anchors if a.kind == "pair"]
    answers = [(line, min(outline.next_heading(line), after) - 1)
               for line, after in zip(pairs, [*pairs[1:], len(outline.lines)], strict=False)]
    return [a for a in anchors if a.kind != "bold" or not _within(answers, a.line)]


def _outside_details(others: list[Anchor], questions: list[Anchor], sections: list[Heading]
                     ) -> tuple[list[Anchor], list[Heading]]:
    """Headings inside a ``<details>`` answer (``#### Example:``) are part of that answer: neither
    questions nor sections naming the topic of the questions below the block."""
    spans = sorted((a.line, a.end or a.line) for a in others if a.kind in ENCLOSING)
    if not spans:
        return questions, sections
    return ([q for q in questions if not _within(spans, q.line, inclusive_start=False)],
            [h for h in sections if not _within(spans, h.line, inclusive_start=False)])


def _within(ranges: list[tuple[int, int]], line: int, inclusive_start: bool = True) -> bool:
    """Whether ``line`` falls in one of the sorted, disjoint ``(start, end)`` ranges."""
    index = bisect_right(ranges, (line, float("inf") if inclusive_start else -1)) - 1
    if index < 0:
        return False
    start, end = ranges[index]
    return (start <= line if inclusive_start else start < line) and line <= end


def _classify_headings(outline: Outline, others: list[Anchor]) -> tuple[list[Anchor], list[Heading]]:
    questions: list[Anchor] = []
    sections: list[Heading] = []
    other_lines = sorted(anchor.line for anchor in others)
    by_words = _numbered_tasks(outline, [question_of(heading.text) for heading in outline.headings])
    asked_by = structural_prompts(outline, by_words, other_lines)
    for index, heading in enumerate(outline.headings):
        asked = asked_by[index]
        if asked and _holds_questions(outline, index, other_lines, asked_by, asked[0]):
            asked = None
        if asked and questions and _is_subheading(heading, questions[-1], outline, asked[0],
                                                  bool(asked[1] or heading.list_number)):
            asked = None
        if asked:
            number = asked[1] or heading.list_number
            body = heading.end if asked.body is None else asked.body
            graded = (("level", asked.level),) if asked.level else ()
            questions.append(Anchor("heading", heading.line, asked[0], number, body,
                                    dedent=heading.indent, level=heading.level, meta=graded))
        else:
            sections.append(heading)
    return questions, sections


def _numbered_tasks(outline: Outline, asked_by: list[tuple[str, str | None] | None]
                    ) -> list[tuple[str, str | None] | None]:
    """``## 1. Reverse a linked list`` among ``## 3. What is …?``: a numbered run of headings that
    asks at least once makes its leaf headings (no sub-headings) questions, worded as tasks."""
    runs: dict[int, list[tuple[int, str, str]]] = {}
    for index, heading in enumerate(outline.headings):
        text, number, q_prefixed = split_number(plain_question(heading.text))
        number = number or heading.list_number
        if number and not q_prefixed and text and not NOT_QUESTIONS.match(text):
            runs.setdefault(heading.level, []).append((index, text, number))
    asked_by = list(asked_by)
    for run in runs.values():
        numbers = [int(number) for _, _, number in run]
        in_sequence = all(n in (before + 1, 1) for before, n in zip(numbers, numbers[1:], strict=False))
        if len(run) < 3 or not in_sequence or not any(asked_by[index] for index, _, _ in run):
            continue
        for index, text, number in run:
            if _is_leaf(outline, index):
                asked_by[index] = asked_by[index] or (text, number)
    return asked_by


def _is_leaf(outline: Outline, index: int) -> bool:
    following = outline.headings[index + 1:index + 2]
    return not following or following[0].level <= outline.headings[index].level


def _is_subheading(heading: Heading, question: Anchor, outline: Outline, asked: str, numbered: bool
                   ) -> bool:
    """``##### Buffered vs unbuffered`` inside a ``#### Q2. How …?`` answer: part of it, unless it
    asks. Under a numbered question (``## 1. What is Go?``) an unnumbered sub-heading is part of
    the answer even when it asks (``### Who uses Go?``): the document counts its questions. Under a
    numbered title that does not ask (``## Question 4: Counting``) the asking sub-heading is the
    question the title names."""
    inside = (question.kind == "heading" and heading.level > question.level
              and heading.line < outline.next_heading(question.line, question.level))
    counted = bool(question.number) and not numbered and asks(question.question)
    return inside and (not asks(asked) or counted)


def _holds_questions(outline: Outline, index: int, other_lines: list[int],
                     asked_by: Sequence[Asked | None], question: str) -> bool:
    """A question-like heading over two or more questions is their section, unless it answers first."""
    heading = outline.headings[index]
    scope = outline.next_heading(heading.line, heading.level)
    nested = other_lines[bisect_right(other_lines, heading.line):bisect_left(other_lines, scope)][:2]
    for later in range(index + 1, len(outline.headings)):
        if outline.headings[later].line >= scope or len(nested) >= 2:
            break
        if asked_by[later]:
            nested.append(outline.headings[later].line)
    if len(nested) < 2:
        return False
    return not asks(question) or not outline.markdown(heading.end, min(nested))


def _outside_heading_answers(others: list[Anchor], questions: list[Anchor], outline: Outline) -> list[Anchor]:
    """The anchors not inside a question heading's answer (those are part of that answer), nor
    in the paragraph a heading that only numbers its question words it in."""
    following = [*questions[1:], None]
    answers = [(min(q.body, q.line + 1), _answer_end(q, after, outline) - 1)
               for q, after in zip(questions, following, strict=False)]
    return [anchor for anchor in others if not _within(answers, anchor.line)]


def _answer_end(anchor: Anchor, following: Anchor | None, outline: Outline) -> int:
    """A heading's answer runs to the next question or the next heading as high as it; others to
    the next question or heading of any level. Details blocks and table rows have fixed ends."""
    if anchor.end is not None:
        return anchor.end
    level = anchor.level if anchor.kind == "heading" else 6
    stop = outline.next_heading(anchor.line, level)
    return min(stop, _region_start(following, outline)) if following else stop


def _region_start(anchor: Anchor, outline: Outline) -> int:
    """Where the block holding ``anchor`` begins (a table row's table starts at its header)."""
    if anchor.kind != "row":
        return anchor.line
    return max(t.line for t in outline.tables if t.line <= anchor.line)


def _title_line(outline: Outline) -> int | None:
    """The document's title: its first heading, when every other heading is below it (a ``#``
    heading, or a lone ``##`` over ``###`` sections: no heading encloses more of the page)."""
    if not outline.headings:
        return None
    first = outline.headings[0]
    alone = all(h.level > first.level for h in outline.headings[1:])
    return first.line if alone else None


def _topics(anchors: Sequence[Anchor], sections: Sequence[Heading], outline: Outline
            ) -> dict[int, dict[str, str]]:
    """The ``topic`` of each anchor (by line), its outermost enclosing section heading, and the
    ``subtopic``, the sections inside that one (``## Topic`` > ``### Subtopic`` > ``#### Q?``);
    the title and a TOC are no topic."""
    title = _title_line(outline)
    events = sorted([(h.line, h.level, h) for h in sections] +
                    [(a.line, a.level, a) for a in anchors], key=lambda e: e[0])
    stack: list[tuple[int, str]] = []
    topics: dict[int, dict[str, str]] = {}
    for line, level, event in events:
        if isinstance(event, Heading) or level:
            while stack and stack[-1][0] >= level:
                stack.pop()
        if isinstance(event, Heading):
            name = topic_of(event.text)
            if line != title and name and not NOT_TOPICS.match(name):
                stack.append((level, name))
        elif stack:
            names = [name for _, name in stack]
            topics[line] = {"topic": names[0], **({"subtopic": "/".join(names[1:])} if names[1:] else {})}
    return topics


def _navigation_lines(outline: Outline, questions: set[str]) -> frozenset[int]:
    """Links into the page (a table of contents, "back to top") and lists repeating the questions."""
    skip = set()
    for index, line in enumerate(outline.lines):
        link = NAVIGATION_LINK.match(line)
        if link and index not in outline.code_lines and (
            link.group("target").startswith("#") or _normal(link.group("text")) in questions
        ):
            skip.add(index)
    return frozenset(skip | _html_page_links(outline) | _contents_tables(outline))


def _contents_tables(outline: Outline) -> set[int]:
    """Tables whose every row links into the page (``| 1 | [What is X?](#what-is-x) |``): a table
    of contents, header and delimiter row included."""
    lines: set[int] = set()
    for table in outline.tables:
        rows = [row for row in table.rows if any(_page_link(cell) for cell in row.cells)]
        if table.rows and len(rows) == len(table.rows):
            lines.update(range(table.line, table.rows[-1].line + 1))
    return lines


def _page_link(cell: str) -> bool:
    link = LONE_LINK.match(plain_question(cell))
    return link is not None and link.group("target").startswith("#")


def _html_page_links(outline: Outline) -> set[int]:
    """HTML blocks (up to a blank line, or from the end of a code block) whose only text is links
    into the page, wrapper tags included."""
    skip: set[int] = set()
    index = 0
    while index < len(outline.lines):
        if index in outline.code_lines or not outline.lines[index].strip():
            index += 1
            continue
        start = index
        while index < len(outline.lines) and outline.lines[index].strip() and index not in outline.code_lines:
            index += 1
        block = "\n".join(outline.lines[start:index])
        if block.lstrip().startswith("<") and HTML_PAGE_LINK.search(block) \
                and is_blank(HTML_PAGE_LINK.sub("", block)):
            skip.update(range(start, index))
    return skip


def _normal(text: str) -> str:
    asked = question_of(text)
    return " ".join(re.findall(r"[^\W_]+", (asked[0] if asked else text).lower()))


def read(text: str, source: str, options: Mapping[str, Any]) -> SourceResult:
    outline = _quiz_outline(outline_of(_normalised(text)))
    anchors, sections = _shared_layout(outline)
    topics = _topics(anchors, sections, outline)
    navigation = _navigation_lines(outline, {_normal(a.question) for a in anchors})
    ends = _ends(anchors, outline)
    ends, asides = _quoted_answer_ends(anchors, ends, outline)
    asides |= _callouts(outline, anchors)
    quizzes = [_quiz(a, end, outline, navigation) for a, end in zip(anchors, ends, strict=True)]
    keyed = join_answer_key(outline, anchors, ends, quizzes, navigation)
    quizzes = keyed.quizzes
    quiz_document = sum(isinstance(q, QuizItem) and q.quiz for q in quizzes) >= QUIZ_DOCUMENT
    answers = [_answer_of(a, end, outline, navigation, quiz)
               for a, end, quiz in zip(anchors, ends, quizzes, strict=True)]
    answers = _without_letter_labels(answers, [isinstance(quiz, QuizItem) for quiz in quizzes])
    answered = {_normal(a.question) for a, answer in zip(anchors, answers, strict=True)
                if answer and not a.guessed}
    items: list[Item] = []
    dropped: list[Dropped] = []
    index_rows = _question_index_rows(anchors, answered, outline)
    repeats: set[int] = set(index_rows)
    unique_ref = RefAllocator()
    symbols = legend(line for index, line in enumerate(outline.lines) if index not in outline.code_lines)
    for index, (anchor, end, quiz, answer) in enumerate(zip(anchors, ends, quizzes, answers, strict=True)):
        if anchor.line in index_rows:
            continue
        if index in keyed.restated:
            continue  # the answer key's copy of a question: its answer is on that question's card
        unanswered = isinstance(quiz, Unanswered) and (quiz.certain or quiz_document)
        last = _end_line(anchor, end, outline)
        if not answer and not unanswered and _normal(anchor.question) in answered:
            repeats.update(range(anchor.line, last))
            continue  # a list of the questions (a table of contents without links) repeats it
        question, level = split_level(anchor.question, symbols)  # "What is X? 👶" under a legend
        ref = unique_ref(_ref_of(anchor, question))
        if unanswered and isinstance(quiz, Unanswered):
            dropped.append(Dropped(source, ref, anchor.line + 1, quiz.reason, question, last))
            continue
        if not answer or is_blank(ANY_LINK.sub("", answer)) or _only_code_shown(question, answer):
            dropped.append(Dropped(source, ref, anchor.line + 1, "no-answer", question, last))
            continue
        if is_placeholder(ANY_TAG.sub("", EMPHASIS_MARKS.sub("", answer))) or _empty_template(answer):
            dropped.append(Dropped(source, ref, anchor.line + 1, "placeholder", question, last))
            continue
        meta = dict(topics.get(anchor.line, {}))
        meta.update({"level": level} if level else {})
        meta.update(anchor.meta)
        meta.update(keyed.meta.get(index, ()))
        prompt = quiz.prompt if isinstance(quiz, QuizItem) else anchor.prompt
        items.append(Item(question, answer, source, ref, anchor.line + 1, meta, tags=anchor.tags,
                          prompt=prompt, end_line=last))
    skipped, unasked = _unaccounted(source, outline, items, dropped, navigation | repeats, asides,
                                    keyed.lines)
    key = [Skipped(source, start + 1, last + 1, "answer-key") for start, last in keyed.lines]
    skipped = sorted(skipped + key, key=lambda region: region.line)
    return SourceResult(source=source, format="markdown", items=tuple(items),
                        dropped=tuple(dropped + unasked), skipped=tuple(skipped))


def _callouts(outline: Outline, anchors: Sequence[Anchor]) -> frozenset[int]:
    """Lines of admonitions that ask nothing (``!!! tip "How to drill"``): side content, set aside
    where no item holds them."""
    asked = {anchor.line for anchor in anchors if anchor.kind == "admonition"}
    return frozenset(line for block in outline.admonitions if block.line not in asked
                     for line in range(block.line, block.end))


def _only_code_shown(question: str, answer: str) -> bool:
    """``What does the code below print?`` over nothing but that code: the code belongs to the
    question and the answer is missing (a task to write code, ``Implement the following …``,
    is answered by code)."""
    if not POINTS_AT_CODE.search(question) or WRITE_TASK.match(question):
        return False
    prose = re.sub(r"^(`{3,}|~{3,}).*?^\1[ \t]*$", "", answer, flags=re.MULTILINE | re.DOTALL)
    return is_blank(prose)


def _empty_template(answer: str) -> bool:
    """Labels with nothing after them (``> **Situation:**`` / ``> **Task:**`` / …): a template
    for an answer not yet written."""
    lines = [line for line in answer.split("\n") if line.strip(" \t>")]
    return len(lines) >= 2 and all(EMPTY_LABEL.match(line) for line in lines)


def _question_index_rows(anchors: Sequence[Anchor], answered: set[str], outline: Outline) -> set[int]:
    """Rows of a table listing questions with no answer column (``| # | Question | Principle |``)
    where most rows repeat questions the document answers elsewhere: an index for revision, whose
    other column is a category, not an answer."""
    tables: dict[int, list[Anchor]] = {}
    for anchor in anchors:
        if anchor.kind == "row" and anchor.guessed:
            tables.setdefault(_region_start(anchor, outline), []).append(anchor)
    rows: set[int] = set()
    for table_rows in tables.values():
        repeated = sum(_repeats(_normal(row.question), answered) for row in table_rows)
        if repeated * 2 >= len(table_rows):
            rows.update(row.line for row in table_rows)
    return rows


def _repeats(question: str, answered: set[str]) -> bool:
    """Whether an answered question reads the same, or holds it whole (``(Ownership): "Tell me
    about …"`` holds ``Tell me about …``)."""
    return question in answered or bool(question) and any(question in other for other in answered)


@lru_cache(maxsize=4)
def _quiz_outline(outline: Outline) -> Outline:
    """The parse with ``#### Answer: D`` headings read as lines of the answer they head, not as
    sections (a quiz puts them inside its collapsed answer)."""
    return outline.without_headings({h.line for h in outline.headings if is_answer_heading(h.text)})


def _unaccounted(source: str, outline: Outline, items: list[Item], dropped: list[Dropped],
                 navigation: frozenset[int] | set[int], asides: frozenset[int],
                 key: Sequence[tuple[int, int]] = ()) -> tuple[list[Skipped], list[Dropped]]:
    """The lines no item or dropped item spans (nor an answer key, reported apart): skipped
    regions and headings that asked nothing."""
    entries: list[Item | Dropped] = [*items, *dropped]
    spans = sorted([(entry.line - 1, (entry.end_line or entry.line) - 1)
                    for entry in entries if entry.line is not None] + list(key))
    accounted = Accounted(spans, [start for start, _ in spans], navigation, _title_line(outline), asides)
    return unaccounted(source, outline, accounted)


def _end_line(anchor: Anchor, end: int, outline: Outline) -> int:
    """The last source line (1-based) an item spans: a details block's closing line, a table
    row, or the last non-blank line before its answer's end."""
    if anchor.kind == "details" and anchor.end is not None:
        return anchor.end + 1
    if anchor.kind == "row":
        return anchor.line + 1
    last = next((i for i in range(end - 1, anchor.line, -1) if outline.lines[i].strip()), anchor.line)
    return last + 1


def _ref_of(anchor: Anchor, question: str) -> str:
    """``Q7`` for a numbered question, its own code for a coded one (``C4``), else a slug."""
    if not anchor.number:
        return slug(question)
    return f"Q{anchor.number}" if anchor.number[0].isdigit() else anchor.number


def _ends(anchors: Sequence[Anchor], outline: Outline) -> list[int]:
    """Where each anchor's answer ends (exclusive line index)."""
    following = [*anchors[1:], None]
    ends = [_item_end(a, _answer_end(a, after, outline), outline)
            for a, after in zip(anchors, following, strict=False)]
    if anchors and anchors[-1].end is None:
        ends[-1] = _last_answer_end(list(anchors), ends, outline)
    return ends


def _quoted_answer_ends(anchors: Sequence[Anchor], ends: list[int], outline: Outline
                        ) -> tuple[list[int], frozenset[int]]:
    """Where the document quotes its answers (``**Q1: …**`` over ``> …``), an answer ends with
    its quote: a paragraph after it (``**Day 2 action item:** …``) is the author's aside between
    questions, not part of the answer above. Returns the ends and the lines set aside."""
    open_ended = [(i, a) for i, a in enumerate(anchors) if a.end is None and not a.lead]
    quoted = [i for i, a in open_ended if _first_text(outline, a.body, ends[i]) in outline.quote_lines]
    if len(quoted) < QUOTED_ANSWERS or len(quoted) * 3 < len(open_ended) * 2:
        return ends, frozenset()
    ends = list(ends)
    asides: set[int] = set()
    for index in quoted:
        last_quote = _last_quote_line(outline, anchors[index].body, ends[index])
        if last_quote is not None:
            asides.update(range(last_quote + 1, ends[index]))
            ends[index] = last_quote + 1
    return ends, frozenset(asides)


def _first_text(outline: Outline, start: int, end: int) -> int | None:
    return next((i for i in range(start, end) if outline.lines[i].strip()), None)


def _last_quote_line(outline: Outline, start: int, end: int) -> int | None:
    """The quote's last line when only prose (no code, quote or heading) follows it before
    ``end``; None when nothing follows it or something the answer may hold does."""
    trailing = False
    for index in range(end - 1, start - 1, -1):
        line = outline.lines[index]
        if not line.strip() or THEMATIC_BREAK.match(line) and index not in outline.code_lines:
            continue
        if index in outline.quote_lines:
            return index if trailing else None
        if index in outline.code_lines or index in outline.heading_lines:
            return None
        trailing = True
    return None


def _quiz(anchor: Anchor, end: int, outline: Outline, skip: frozenset[int]) -> QuizItem | Unanswered | None:
    """A question heading or bold question over options or an answer label: see :mod:`.markdown_quiz`."""
    if anchor.kind not in ("heading", "bold", "item") or anchor.lead:
        return None
    return read_quiz(outline, anchor.body, end, anchor.dedent, skip)


def _answer_of(anchor: Anchor, end: int, outline: Outline, skip: frozenset[int],
               quiz: QuizItem | Unanswered | None) -> str:
    """The answer's markdown, "" where it answers nothing (only tags and blanks)."""
    if isinstance(quiz, QuizItem):
        return quiz.answer
    answer = _answer(anchor, end, outline, skip)
    return "" if is_blank(answer) else answer


def _item_end(anchor: Anchor, end: int, outline: Outline) -> int:
    """A list item's answer written indented ends at the first paragraph back at the margin, and
    at the next item of its own list: ``- **Ask this?**`` over ``- Or this?`` lists questions,
    it does not answer one. A question heading opening a list item (``2. ### Why …?``) with its
    answer indented inside the item ends with the item."""
    if anchor.kind == "heading" and anchor.dedent:
        return _heading_item_end(anchor, end, outline)
    if anchor.kind != "bold" or not anchor.dedent:
        return end
    indented = False
    own_margin = _margin(outline.lines[anchor.line])
    for index in range(anchor.body, end):
        line = outline.lines[index]
        if not line.strip() or index in outline.code_lines:
            continue
        margin = _margin(line)
        if index in outline.item_indents and margin == own_margin:
            return index
        if margin >= anchor.dedent:
            indented = True
        elif indented and not outline.lines[index - 1].strip():
            return index
    return end


def _heading_item_end(anchor: Anchor, end: int, outline: Outline) -> int:
    item = outline.list_items.get(anchor.line)
    if item is None or not any(outline.lines[i].strip() for i in range(anchor.body, min(item.end, end))):
        return end  # the answer is written at the margin, below the item
    return min(end, item.end)


def _margin(line: str) -> int:
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip())


def _last_text(outline: Outline, start: int, end: int) -> str:
    return next((outline.lines[i] for i in range(end - 1, start - 1, -1) if outline.lines[i].strip()), "")


def _rules_separate(anchors: list[Anchor], ends: list[int], outline: Outline) -> bool:
    """Whether horizontal rules divide the questions (then one after the last question ends it)."""
    gaps = [(a.body, end) for a, end in zip(anchors[:-1], ends[:-1], strict=True) if a.end is None]
    ruled = sum(1 for start, end in gaps if THEMATIC_BREAK.match(_last_text(outline, start, end)))
    return len(gaps) >= 2 and ruled * 2 >= len(gaps)


def _rules(outline: Outline, start: int, end: int) -> list[int]:
    return [i for i in range(start, end)
            if i not in outline.code_lines and THEMATIC_BREAK.match(outline.lines[i])]


def _last_answer_end(anchors: list[Anchor], ends: list[int], outline: Outline) -> int:
    """The last answer stops at a rule when rules separate the questions (past as many rules as
    the other answers hold inside them: ``---`` then ``Feedback``), or at a rule followed only by
    a line or two of page footer (``*Found this useful? Share it!*``)."""
    start, end = anchors[-1].body, ends[-1]
    rules = _rules(outline, start, end)
    if rules and _rules_separate(anchors, ends, outline):
        pairs = zip(anchors[:-1], ends[:-1], strict=True)
        open_ended = [(a.body, stop) for a, stop in pairs if a.end is None]
        inner = min(len(_rules(outline, body, stop)) - 1 for body, stop in open_ended)
        return rules[inner] if 0 <= inner < len(rules) else rules[0]
    if rules:
        after = [i for i in range(rules[-1] + 1, end) if outline.lines[i].strip()]
        if len(after) <= 2 and not outline.code_lines.intersection(after) and not any(
                i in outline.heading_lines or i in outline.item_indents for i in after):
            return rules[-1]
    return _linked_heading_footer(outline, start, end)


def _linked_heading_footer(outline: Outline, start: int, end: int) -> int:
    """Where a footer led by a heading that links away (``#### Explore all answers here 👉
    [site](https://…)``) starts, when only HTML, links and blank lines follow it; else ``end``."""
    for index in range(start, end):
        heading = outline.heading_lines.get(index)
        if heading and EXTERNAL_LINK.search(heading.text) and all(
                i not in outline.code_lines and _is_link_or_markup(outline.lines[i])
                for i in range(index + 1, end)):
            return index
    return end


def _is_link_or_markup(line: str) -> bool:
    return is_blank(EXTERNAL_LINK.sub("", line))


def _answer(anchor: Anchor, end: int, outline: Outline, skip: frozenset[int]) -> str:
    """The answer's markdown: text on the question's line, the lines below, text on the closing line."""
    body = outline.markdown(anchor.body, end, anchor.dedent, skip)
    starts_paragraph = anchor.body < end and not outline.lines[anchor.body].strip()
    lead = anchor.lead + ("\n\n" if starts_paragraph else "\n") if anchor.lead and body else anchor.lead
    answer = "\n".join(part for part in (lead + body, anchor.tail) if part)
    answer = _revealed(answer) if "??" in answer or "!!!" in answer else answer
    return _without_answer_mark(trim_block(_without_page_chrome(_fenced_code_boxes(answer))))


def _revealed(answer: str) -> str:
    """An answer with its collapsible reveal (``??? question "Show Answer"`` over indented text,
    or an untitled ``??? question``) opened: the card's back shows the text, not the block."""
    outline = outline_of(answer)
    lines = answer.split("\n")
    for block in reversed(outline.admonitions):
        if is_reveal_label(block.title) or block.kind in QUESTION_ADMONITIONS and not block.title:
            body = [line[block.indent:] if line[:block.indent].strip() == "" else line.lstrip()
                    for line in lines[block.line + 1:block.end]]
            lines[block.line:block.end] = body
    return "\n".join(lines)


def _fenced_code_boxes(markdown: str) -> str:
    """Code boxes pasted from a chat or web page (``hcl`` / ``Copy code`` / the code) as fences
    with their language: rendered as paragraphs they would lose the code's lines and indents."""
    if not BOX_HINT.search(markdown):
        return markdown
    lines = markdown.split("\n")
    out: list[str] = []
    fence = ""
    index = 0
    while index < len(lines):
        line = lines[index]
        if not fence and (box := code_box(lines, index)):
            end = box_end(lines, box.start, _ends_pasted_code)
            fence_mark = "````" if any("```" in code for code in lines[box.start:end]) else "```"
            out += [fence_mark + box.language, *lines[box.start:end], fence_mark]
            index = end
            continue
        opening = None if fence else FENCE.match(line)
        if opening:
            fence = opening.group(1)
        elif fence and line.strip().startswith(fence) and not line.strip().strip(fence[0]):
            fence = ""
        out.append(line)
        index += 1
    return "\n".join(out)


def _ends_pasted_code(line: str, after_blank: bool) -> bool:
    """Markdown that ends pasted code: a fence, a ``##`` heading or a rule; after a blank line a
    quote or an HTML tag too (a ``#`` line may be a comment of the code)."""
    text = line.strip()
    return bool(FENCE.match(line) or re.match(r"#{2,6}\s", text) or THEMATIC_BREAK.match(line)
                or after_blank and text.startswith((">", "<")))


def _without_page_chrome(markdown: str) -> str:
    """Outside code: no HTML comments (GitHub shows nothing of them) and no trailing links back
    up the page."""
    if "<!--" not in markdown and "#" not in markdown:
        return markdown
    chunks: list[str] = []
    prose: list[str] = []
    fence = ""
    for line in markdown.split("\n"):
        opening = None if fence else FENCE.match(line)
        if opening:
            fence = opening.group(1)
            chunks.extend([_clean_prose(prose)] if prose else [])
            prose = []
        elif fence and line.strip().startswith(fence) and not line.strip().strip(fence[0]):
            fence = ""
            chunks.append(line)
            continue
        if fence:
            chunks.append(line)
        else:
            prose.append(line)
    chunks.extend([_clean_prose(prose)] if prose else [])
    return "\n".join(chunks)


def _clean_prose(lines: list[str]) -> str:
    return HTML_COMMENT.sub("", "\n".join(_without_back_link(line) for line in lines))


def _without_back_link(line: str) -> str:
    link = TRAILING_BACK_LINK.search(line)
    if not link or not line[:link.start()].strip():
        return line
    text = link.group("md") or link.group("html") or ""
    return line[:link.start()] if BACK_LINK_TEXT.fullmatch(text) else line


#: ``> 回答`` / ``> **Answer**`` alone on the first line of a quoted answer: its label.
QUOTED_LABEL = re.compile(rf"^>[ \t]*(?:\*\*|__)?(?:{ANSWER_LABEL_ANY})(?:\*\*|__)?[ \t]*[:：]?[ \t]*$",
                          re.IGNORECASE)
#: ``A. It is…`` / ``**A)** It is…``: a bare letter labelling an answer (beside ``Q.`` questions).
LETTER_LABEL = re.compile(r"^(?:\*\*|__)?A[.)](?:\*\*|__)?[ \t]+(?=\S)")


def _without_letter_labels(answers: list[str], quiz: list[bool]) -> list[str]:
    """Answers that open with ``A.`` throughout the document (two or more, at least two thirds of
    them): the document's answer label, taken off. One such answer alone may be a list item; a
    quiz's back opens with its correct option (``A. …``) and keeps it."""
    plain = [answer for answer, is_quiz in zip(answers, quiz, strict=True) if answer and not is_quiz]
    labelled = sum(1 for answer in plain if LETTER_LABEL.match(answer))
    if labelled < 2 or labelled * 3 < len(plain) * 2:
        return answers
    return [answer if is_quiz else LETTER_LABEL.sub("", answer, count=1)
            for answer, is_quiz in zip(answers, quiz, strict=True)]


def _without_answer_mark(answer: str) -> str:
    """``**A:** It is…`` under a question heading or bold question: the label is not the answer;
    nor is a collapsible ``<details><summary>Answer</summary>`` wrapped around the whole answer
    (a card's back shows its answer)."""
    answer = _unwrapped_answer(answer)
    first, _, rest = answer.partition("\n")
    if QUOTED_LABEL.match(first):  # "> 回答" over the quoted answer: the quote's label line goes
        return trim_block(re.sub(r"^>[ \t]*\n", "", rest, count=1))
    mark = A_MARK.match(first) or ANSWER_LABEL.match(first)
    if not mark:
        return answer
    lead = _without_unpaired_close(mark.group("rest"))
    return trim_block(f"{lead}\n{rest}" if lead else rest)


def _without_unpaired_close(text: str) -> str:
    """``Paris**`` from ``**Answer: Paris**``: the bold opened before the label closes after the
    answer; left alone it shows as asterisks."""
    for mark in ("**", "__"):
        if text.endswith(mark) and text.count(mark) % 2:
            return text[:-len(mark)].rstrip()
    return text


def _unwrapped_answer(answer: str) -> str:
    whole = WRAPPED_ANSWER.match(answer)
    if not whole or "<details" in whole.group("body"):
        return answer
    if not is_reveal_label(summary_text(whole.group("label"))):
        return answer
    return trim_block(whole.group("body"))


def sniff(text: str) -> float:
    """Sure when the text has question structure; unsure on prose with headings only."""
    outline = _quiz_outline(outline_of(_normalised(text)))
    questions = len(_shared_layout(outline)[0])
    if questions >= 2:
        return min(0.9, 0.5 + 0.05 * questions)
    if questions == 1:
        return 0.4
    return 0.2 if outline.headings else 0.0


def _normalised(text: str) -> str:
    """The text as :func:`qa2anki.textio.read_text` gives it, for callers passing raw text."""
    if text.startswith("\ufeff") or "\r" in text:
        return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return text


ADAPTER = Adapter(
    name="markdown",
    summary="markdown Q&A: question headings, <details>, Q:/A: pairs, bold questions, tables",
    sniff=sniff,
    read=read,
)
