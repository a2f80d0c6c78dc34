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

from ..models import Dropped, Item, SourceResult
from .base import Adapter
from .markdown_layouts import (
    A_MARK,
    ANSWER_LABELS,
    NOT_QUESTIONS,
    NOT_TOPICS,
    Anchor,
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
from .markdown_outline import THEMATIC_BREAK, Heading, Outline, outline_of, trim_block
from .refs import RefAllocator, slug
from .regions import skipped_regions

#: When two layouts claim the same line (``**Q: What …?**`` is both a pair and bold text).
PRIORITY = {"details": 0, "pair": 1, "row": 2, "bold": 3}
NAVIGATION_LINK = re.compile(
    r"^\s*(?:(?:[-*+]|\d{1,9}[.)])\s+)?(?:\*\*|__)?\[(?P<text>[^\]]+)\]\((?P<target>[^)\s]*)(?:\s[^)]*)?\)"
    r"(?:\*\*|__)?\s*$"
)
#: An HTML line whose only text is a link into the page (``<a href="#top">↥ back to top</a>``).
#: Tags hold no ``<`` and the text no other link, so an unclosed ``<a`` costs a scan to the next
#: ``<``, not to the end of the text (a line of them was quadratic).
HTML_PAGE_LINK = re.compile(
    r"<a\s[^<>]*href=[\"']#[^<>]*>(?P<text>[^<]*(?:<(?!/?a[\s>])[^<]*)*)</a\s*>", re.IGNORECASE
)
#: ``**Answer**``, ``**Ans.**``, ``**Solution:**`` opening an answer: a label, not the answer.
ANSWER_LABEL = re.compile(
    r"^(?:(?:\*\*|__)(?:Ans(?:wer)?|Solution)\s*[.:：]?\s*(?:\*\*|__)\s*[:：]?"
    r"|#{1,6}[ \t]+(?:Ans(?:wer)?|Solution)\s*[.:：]?\s*$)[ \t]*(?P<rest>.*)$",
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
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")


def layout(outline: Outline) -> tuple[list[Anchor], list[Heading]]:
    """Every question in source order, and the section headings (context, not questions)."""
    others = _other_anchors(outline)
    questions, sections = _classify_headings(outline, others)
    kept = _outside_heading_answers(others, questions, outline)
    return sorted(questions + kept, key=lambda anchor: anchor.line), sections


@lru_cache(maxsize=4)
def _shared_layout(outline: Outline) -> tuple[tuple[Anchor, ...], tuple[Heading, ...]]:
    """:func:`layout`, once per parse: detection sniffs the outline the adapter then reads."""
    anchors, sections = layout(outline)
    return tuple(anchors), tuple(sections)


def _other_anchors(outline: Outline) -> list[Anchor]:
    """Anchors of the non-heading layouts, one per line, none inside a details answer."""
    found = find_details(outline) + find_pairs(outline) + find_table_rows(outline)
    found += find_bold_questions(outline)
    details = sorted((a.line, a.end or a.line) for a in found if a.kind == "details")
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
    asked_by = _numbered_tasks(outline, [question_of(heading.text) for heading in outline.headings])
    other_lines = sorted(anchor.line for anchor in others)
    for index, heading in enumerate(outline.headings):
        asked = asked_by[index]
        if asked and _holds_questions(outline, index, other_lines, asked_by, asked[0]):
            asked = None
        if asked and questions and _is_subheading(heading, questions[-1], outline, asked[0]):
            asked = None
        if asked:
            number = asked[1] or heading.list_number
            questions.append(Anchor("heading", heading.line, asked[0], number, heading.end,
                                    dedent=heading.indent, level=heading.level))
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


def _is_subheading(heading: Heading, question: Anchor, outline: Outline, asked: str) -> bool:
    """``##### Buffered vs unbuffered`` inside a ``#### Q2. How …?`` answer: part of it, unless it asks."""
    return (question.kind == "heading" and heading.level > question.level and not asked.endswith("?")
            and heading.line < outline.next_heading(question.line, question.level))


def _holds_questions(outline: Outline, index: int, other_lines: list[int],
                     asked_by: list[tuple[str, str | None] | None], question: str) -> bool:
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
    return not question.endswith("?") or not outline.markdown(heading.end, min(nested))


def _outside_heading_answers(others: list[Anchor], questions: list[Anchor], outline: Outline) -> list[Anchor]:
    """The anchors not inside a question heading's answer (those are part of that answer)."""
    following = [*questions[1:], None]
    answers = [(q.body, _answer_end(q, after, outline) - 1)
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
    """The document's title: its first heading, a ``#`` heading when it is the only one."""
    if not outline.headings or outline.headings[0].level != 1:
        return None
    alone = sum(1 for h in outline.headings if h.level == 1) == 1
    return outline.headings[0].line if alone else None


def _topics(anchors: Sequence[Anchor], sections: Sequence[Heading], outline: Outline) -> dict[int, str]:
    """The enclosing section heading of each anchor (by line); the title and a TOC are no topic."""
    title = _title_line(outline)
    events = sorted([(h.line, h.level, h) for h in sections] +
                    [(a.line, a.level, a) for a in anchors], key=lambda e: e[0])
    stack: list[tuple[int, str]] = []
    topics: dict[int, str] = {}
    for line, level, event in events:
        if isinstance(event, Heading) or level:
            while stack and stack[-1][0] >= level:
                stack.pop()
        if isinstance(event, Heading):
            name = topic_of(event.text)
            if line != title and name and not NOT_TOPICS.match(name):
                stack.append((level, name))
        elif stack:
            topics[line] = stack[-1][1]
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
    return frozenset(skip | _html_page_links(outline))


def _html_page_links(outline: Outline) -> set[int]:
    """HTML blocks (up to a blank line) whose only text is links into the page, wrapper tags included."""
    skip: set[int] = set()
    index = 0
    while index < len(outline.lines):
        start = index
        while index < len(outline.lines) and outline.lines[index].strip():
            index += 1
        block = "\n".join(outline.lines[start:index])
        if block.lstrip().startswith("<") and not outline.code_lines.intersection(range(start, index)) \
                and HTML_PAGE_LINK.search(block) and is_blank(HTML_PAGE_LINK.sub("", block)):
            skip.update(range(start, index))
        index += 1
    return skip


def _normal(text: str) -> str:
    asked = question_of(text)
    return " ".join(re.findall(r"[a-z0-9]+", (asked[0] if asked else text).lower()))


def read(text: str, source: str, options: Mapping[str, Any]) -> SourceResult:
    outline = outline_of(_normalised(text))
    anchors, sections = _shared_layout(outline)
    topics = _topics(anchors, sections, outline)
    skip = _navigation_lines(outline, {_normal(a.question) for a in anchors})
    answers, ends = _answers(anchors, outline, skip)
    answered = {_normal(a.question) for a, answer in zip(anchors, answers, strict=True) if answer}
    items: list[Item] = []
    dropped: list[Dropped] = []
    contents: list[int] = []
    unique_ref = RefAllocator()
    for anchor, answer, end in zip(anchors, answers, ends, strict=True):
        last = end + 1 if anchor.kind == "details" else end  # 1-based: the closing tag's line
        if not answer and _normal(anchor.question) in answered:
            contents.extend(range(anchor.line, last))  # a list of the questions (a TOC without links)
            continue
        ref = unique_ref(f"Q{anchor.number}" if anchor.number else slug(anchor.question))
        if not answer:
            dropped.append(Dropped(source, ref, anchor.line + 1, "no-answer", anchor.question, last))
            continue
        meta = {"topic": topics[anchor.line]} if anchor.line in topics else {}
        meta.update(anchor.meta)
        items.append(Item(anchor.question, answer, source, ref, anchor.line + 1, meta, end_line=last))
    regions = _passed_over(outline, anchors, sections, ends, skip, contents)
    return SourceResult(source=source, format="markdown", items=tuple(items), dropped=tuple(dropped),
                        skipped=skipped_regions(source, outline.lines, regions))


def _passed_over(outline: Outline, anchors: Sequence[Anchor], sections: Sequence[Heading],
                 ends: Sequence[int], skip: frozenset[int], contents: list[int]) -> list[tuple[int, str]]:
    """``(line, reason)`` for the lines no question reads: front matter, the title, a table of
    contents and intro above the first question; navigation and answer labels among the answers;
    section headings between them and the text introducing a section's questions; page chrome
    below the last answer."""
    first = anchors[0].line if anchors else len(outline.lines)
    last = max((end + (a.kind == "details") for a, end in zip(anchors, ends, strict=True)), default=first)
    marks = [(index, "intro") for index in _section_intros(anchors, sections, ends, first, last)]
    marks += [(index, "table-of-contents") for index in contents]
    marks += [(index, "front-matter") for index in outline.front_matter]
    marks += [(index, _before_questions(outline, index)) for index in range(first)
              if index not in outline.front_matter]
    marks += [(index, "page-chrome") for index in skip if index >= first]
    marks += [(heading.line, "section-title") for heading in sections if first <= heading.line < last]
    marks += [(index, "markup") for index in _answer_labels(anchors, ends, outline)]
    marks += [(index, "page-chrome") for index in _page_end(outline, anchors, last)]
    return marks


def _page_end(outline: Outline, anchors: Sequence[Anchor], last: int) -> list[int]:
    """The lines below the last answer that close the page rather than answer: a footer under a
    rule or of a line or two, sections such as ``## License``, or any heading above the
    questions' own level. Other text there is no answer, yet not known to be chrome either."""
    level = max((a.level for a in anchors if a.kind == "heading"), default=7) if anchors else 7
    cuts = [h.line for h in outline.headings if h.line >= last] + [len(outline.lines)]
    footer = [i for i in range(last, cuts[0]) if outline.lines[i].strip()]
    chrome = list(range(last, cuts[0])) if not footer or THEMATIC_BREAK.match(outline.lines[footer[0]]) \
        or _short_footer(outline, footer) else []
    for start, stop in zip(cuts, cuts[1:], strict=False):
        heading = outline.heading_lines[start]
        if heading.level < level or NOT_QUESTIONS.match(topic_of(heading.text)):
            chrome += range(start, stop)
    return chrome


def _short_footer(outline: Outline, lines: list[int]) -> bool:
    """A line or two of prose (a sign-off), no code, list or heading."""
    return len(lines) <= 2 and not any(i in outline.code_lines or i in outline.item_indents for i in lines)


def _section_intros(anchors: Sequence[Anchor], sections: Sequence[Heading], ends: Sequence[int],
                    first: int, last: int) -> list[int]:
    """Lines between a section heading and the section's first question that no answer holds
    (``## Networking`` / ``Questions about the stack below.``)."""
    read = set()
    for anchor, end in zip(anchors, ends, strict=True):
        read.update(range(anchor.line, end + (anchor.kind == "details")))
    starts = [anchor.line for anchor in anchors]
    intros: list[int] = []
    for heading in sections:
        if not first <= heading.line < last:
            continue
        following = bisect_right(starts, heading.line)
        stop = starts[following] if following < len(starts) else heading.end
        intros += [index for index in range(heading.end, stop) if index not in read]
    return intros


def _before_questions(outline: Outline, index: int) -> str:
    """Why a line above the first question is no answer: the title, a table of contents, an intro."""
    line = outline.lines[index]
    heading = outline.heading_lines.get(index)
    if IN_PAGE_LINK.search(line) or _in_navigation_table(outline, index) or _under_contents(outline, index):
        return "table-of-contents"
    if heading:
        return "title" if index == _title_line(outline) else "section-title"
    first = next((i for i, text in enumerate(outline.lines)
                  if text.strip() and i not in outline.front_matter), None)
    return "title" if index == first and HTML_HEADING.match(line) else "intro"


def _under_contents(outline: Outline, index: int) -> bool:
    """Whether line ``index`` is a "Contents" heading or in its section."""
    above = [heading for heading in outline.headings if heading.line <= index]
    return bool(above) and bool(NOT_TOPICS.match(topic_of(above[-1].text)))


#: A title written as HTML (``<h1 align="center">…</h1>``).
HTML_HEADING = re.compile(r"\s*<h[1-6]\b", re.IGNORECASE)


#: A link to a place in the page itself: what a table of contents is made of.
IN_PAGE_LINK = re.compile(r"\]\(#[^)\s]*\)|href=[\"']#", re.IGNORECASE)


def _in_navigation_table(outline: Outline, index: int) -> bool:
    """Whether line ``index`` is in a table whose rows link into the page (a table of contents)."""
    for table in outline.tables:
        end = table.rows[-1].line if table.rows else table.line + 1
        if table.line <= index <= end:
            return any(IN_PAGE_LINK.search(outline.lines[row.line]) for row in table.rows)
    return False


def _answer_labels(anchors: Sequence[Anchor], ends: Sequence[int], outline: Outline) -> list[int]:
    """Lines that only label an answer (``**Answer:**``, ``<summary>Answer</summary>``, a table's
    header row): markup the answer leaves out."""
    labels: list[int] = []
    for anchor, end in zip(anchors, ends, strict=True):
        if anchor.kind == "row":  # the table's header and delimiter rows
            labels.extend(range(_region_start(anchor, outline), _region_start(anchor, outline) + 2))
            continue
        for index in range(anchor.line + 1, end):  # up to the answer's first words
            line = outline.lines[index].strip()
            if _only_a_label(line):
                labels.append(index)
            elif index >= anchor.body and not is_blank(line):
                break
    return labels


def _only_a_label(line: str) -> bool:
    """A line that is nothing but an answer label or the opening of a collapsible answer."""
    mark = A_MARK.match(line) or ANSWER_LABEL.match(line)
    if mark and not mark.group("rest").strip():
        return True
    summary = re.fullmatch(r"(?:<details\b[^>]*>\s*)?<summary\b[^>]*>(?P<label>.*?)</summary\s*>", line,
                           re.IGNORECASE)
    return bool(summary and ANSWER_LABELS.match(summary_text(summary.group("label"))))


def _answers(anchors: Sequence[Anchor], outline: Outline, skip: frozenset[int]
             ) -> tuple[list[str], list[int]]:
    """Each anchor's answer markdown ("" where it answers nothing: only tags and blanks), and
    the line its answer ends before (0-based; a details block's closing line)."""
    following = [*anchors[1:], None]
    ends = [_item_end(a, _answer_end(a, after, outline), outline)
            for a, after in zip(anchors, following, strict=False)]
    if anchors and anchors[-1].end is None:
        ends[-1] = _last_answer_end(anchors, ends, outline)
    answers = [_answer(a, end, outline, skip) for a, end in zip(anchors, ends, strict=True)]
    return ["" if is_blank(answer) else answer for answer in answers], ends


def _item_end(anchor: Anchor, end: int, outline: Outline) -> int:
    """A list item's answer written indented ends at the first paragraph back at the margin."""
    if anchor.kind != "bold" or not anchor.dedent:
        return end
    indented = False
    for index in range(anchor.body, end):
        line = outline.lines[index]
        if not line.strip() or index in outline.code_lines:
            continue
        margin = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())
        if margin >= anchor.dedent:
            indented = True
        elif indented and not outline.lines[index - 1].strip():
            return index
    return end


def _last_line(outline: Outline, start: int, end: int) -> str:
    return next((outline.lines[i] for i in range(end - 1, start - 1, -1) if outline.lines[i].strip()), "")


def _rules_separate(anchors: list[Anchor], ends: list[int], outline: Outline) -> bool:
    """Whether horizontal rules divide the questions (then one after the last question ends it)."""
    gaps = [(a.body, end) for a, end in zip(anchors[:-1], ends[:-1], strict=True) if a.end is None]
    ruled = sum(1 for start, end in gaps if THEMATIC_BREAK.match(_last_line(outline, start, end)))
    return len(gaps) >= 2 and ruled * 2 >= len(gaps)


def _rules(outline: Outline, start: int, end: int) -> list[int]:
    return [i for i in range(start, end)
            if i not in outline.code_lines and THEMATIC_BREAK.match(outline.lines[i])]


def _last_answer_end(anchors: list[Anchor], ends: list[int], outline: Outline) -> int:
    """The last answer stops at a rule when rules separate the questions, or at a rule followed
    only by a line or two of page footer (``*Found this useful? Share it!*``)."""
    start, end = anchors[-1].body, ends[-1]
    rules = _rules(outline, start, end)
    if rules and _rules_separate(anchors, ends, outline):
        return rules[0]
    if rules:
        after = [i for i in range(rules[-1] + 1, end) if outline.lines[i].strip()]
        if len(after) <= 2 and not outline.code_lines.intersection(after) and not any(
                i in outline.heading_lines or i in outline.item_indents for i in after):
            return rules[-1]
    return end


def _answer(anchor: Anchor, end: int, outline: Outline, skip: frozenset[int]) -> str:
    """The answer's markdown: text on the question's line, the lines below, text on the closing line."""
    body = outline.markdown(anchor.body, end, anchor.dedent, skip)
    starts_paragraph = anchor.body < end and not outline.lines[anchor.body].strip()
    lead = anchor.lead + ("\n\n" if starts_paragraph else "\n") if anchor.lead and body else anchor.lead
    answer = "\n".join(part for part in (lead + body, anchor.tail) if part)
    return _without_answer_mark(trim_block(_without_page_chrome(answer)))


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


def _without_answer_mark(answer: str) -> str:
    """``**A:** It is…`` under a question heading or bold question: the label is not the answer;
    nor is a collapsible ``<details><summary>Answer</summary>`` wrapped around the whole answer
    (a card's back shows its answer)."""
    answer = _unwrapped_answer(answer)
    first, _, rest = answer.partition("\n")
    mark = A_MARK.match(first) or ANSWER_LABEL.match(first)
    if not mark:
        return answer
    return trim_block(f"{mark.group('rest')}\n{rest}" if mark.group("rest") else rest)


def _unwrapped_answer(answer: str) -> str:
    whole = WRAPPED_ANSWER.match(answer)
    if not whole or "<details" in whole.group("body"):
        return answer
    if not ANSWER_LABELS.match(summary_text(whole.group("label"))):
        return answer
    return trim_block(whole.group("body"))


def sniff(text: str) -> float:
    """Sure when the text has question structure; unsure on prose with headings only."""
    outline = outline_of(_normalised(text))
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
