"""Headings and bold lines that prompt without asking: ``### C4. Survivorship bias``,
``## Explain the CAP theorem.``, ``#### Q12: Define idempotency``, ``## Closures``.

A heading asks when it ends with a question mark of any script or carries a question label
(``Q7:``, ``Вопрос 3:``, ``问题1：``). Many documents also prompt with a concept, a task or an
imperative, and no word list tells those from a README's "Installation"; the document's
structure does. A heading that is not a section over questions is a prompt when

(a) an answer label opens its body (``**A:**``, ``Answer:``, ``Ответ:``, ``答：``, ``#### Answer``)
    and the document repeats that pattern;
(b) its body opens with a collapsible answer (``<details><summary>Answer</summary>``);
(c) it stands among same-level headings, each followed by text, most of which ask (only
    between the first and the last asking one: a page's intro and its trailing "License"
    stay outside the run);
(d) it belongs to a run of letter-coded numbering (``C1.``, ``C2.``, ``C3.``) that asks at least
    once (a requirements list ``R1. Login``, ``R2. Logout`` asks nothing);
(e) it is only a question label (``## 第 1 题``, ``## Question 3``) and its first paragraph is the
    question;
(f) it is a glossary's term: five or more short headings of one level, each followed by its
    definition, in alphabetical order (a README's sections are not).

Bold questions (``**什么是闭包？**``) get the same treatment: a bold line standing alone
between bold questions, after an answer and followed by one, is a prompt (``**事件的三个阶段**``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from typing import NamedTuple

from ...levels import LEVEL_WORD
from ...qalabels import ANSWER_LABEL_ANY, asks, fold, is_reveal_label
from .layouts import (
    A_MARK,
    BOLD_Q,
    LONE_LINK,
    NOT_QUESTIONS,
    SUMMARY,
    Anchor,
    is_blank,
    plain_question,
    split_number,
    summary_text,
)
from .outline import THEMATIC_BREAK, Heading, Outline


class Asked(NamedTuple):
    """What a heading asks: its question, its number, and where its answer starts when the
    question is the heading's first paragraph rather than the heading."""

    text: str
    number: str | None
    body: int | None = None
    level: str = ""  # ``### Question 3 — Hard``: the level the heading gives beside the number


#: ``#### Answer``, ``### Ответ`` heading an answer.
ANSWER_HEADING = re.compile(rf"^(?:{ANSWER_LABEL_ANY}|Solution)\s*[.:：]?$", re.IGNORECASE)
#: ``C4. Survivorship bias``, ``JS12: Closures``: a letter code with a number.
LETTER_CODE = re.compile(r"^(?P<code>[A-Z]{1,3})(?P<number>\d{1,3})[.:)：]\s+(?P<text>\S.*)$")
#: The fewest headings a run needs before its pattern counts.
MIN_RUN = 3
#: A heading written as a sentence: an imperative or statement, not a section's name.
SENTENCE_END = re.compile(r"[^.。．][.。．]$")



def structural_prompts(outline: Outline, asked_by: list[tuple[str, str | None] | None],
                       other_lines: list[int]) -> list[Asked | None]:
    """``asked_by`` (what each heading asks, by its words) with the prompts the structure shows."""
    asked: list[Asked | None] = [Asked(*entry) if entry else None for entry in asked_by]
    for index, found in _label_only(outline, asked).items():
        asked[index] = found
    for index, found in _letter_coded(outline, asked, other_lines).items():
        asked[index] = found  # the code is the number (``C4``), not part of the question
    for finder in (_labelled, _sibling_runs, _glossary):
        for index, found in finder(outline, asked, other_lines).items():
            asked[index] = asked[index] or found
    return asked


# --- what a heading's body opens with -------------------------------------------------------


def _opening(outline: Outline, heading: Heading) -> int | None:
    """The first non-blank line under ``heading`` (it may be the next heading)."""
    for index in range(heading.end, len(outline.lines)):
        if outline.lines[index].strip():
            return index
    return None


def _opens_with_answer(outline: Outline, heading: Heading) -> bool:
    """An answer label, an answer heading or a collapsible answer opens the heading's body."""
    line = _opening(outline, heading)
    if line is None or line in outline.code_lines:
        return False
    below = outline.heading_lines.get(line)
    if below is not None:
        return below.level > heading.level and bool(ANSWER_HEADING.match(plain_question(below.text)))
    text = outline.lines[line].strip()
    if A_MARK.match(text) or _bold_label(text):
        return True
    return text.lower().startswith("<details") and _reveals(outline, line)


def _bold_label(text: str) -> bool:
    """``**Answer**``, ``**Ответ.**`` on a line of its own or before the answer."""
    bold = BOLD_Q.match(text)
    return bold is not None and bool(ANSWER_HEADING.match(plain_question(bold.group("question")).strip()))


def _reveals(outline: Outline, line: int) -> bool:
    """A details block at ``line`` whose summary labels the answer (``Answer``, ``查看答案``)."""
    chunk = "\n".join(outline.lines[line:line + 4])
    summary = SUMMARY.search(chunk)
    return summary is not None and is_reveal_label(summary_text(summary.group("question")))


def _has_text(outline: Outline, heading: Heading) -> bool:
    """Text, not another heading, follows the heading directly."""
    line = _opening(outline, heading)
    return line is not None and line not in outline.heading_lines and not THEMATIC_BREAK.match(
        outline.lines[line])


def _holds_anchors(outline: Outline, index: int, asked: list[Asked | None], other_lines: list[int]) -> bool:
    """Whether questions stand under the heading: it is their section."""
    heading = outline.headings[index]
    scope = outline.next_heading(heading.line, heading.level)
    if bisect_left(other_lines, scope) > bisect_right(other_lines, heading.line):
        return True
    for later in range(index + 1, len(outline.headings)):
        if outline.headings[later].line >= scope:
            return False
        if asked[later]:
            return True
    return False


def _prompt_text(heading: Heading) -> tuple[str, str | None] | None:
    """The heading as a prompt (numbering taken off), unless it names page furniture."""
    text, number, _ = split_number(plain_question(heading.text))
    if not text or NOT_QUESTIONS.match(text) or LONE_LINK.match(text):
        return None
    return text, number or heading.list_number


# --- (a), (b): an answer label opens the body ------------------------------------------------


def _labelled(outline: Outline, asked: list[Asked | None], other_lines: list[int]) -> dict[int, Asked]:
    """Headings whose body opens with an answer label, when two or more headings do."""
    opened = [index for index, heading in enumerate(outline.headings) if _opens_with_answer(outline, heading)]
    if len(opened) < 2:
        return {}
    found = {}
    for index in opened:
        prompt = _prompt_text(outline.headings[index])
        if prompt and not asked[index] and not _holds_anchors(outline, index, asked, other_lines):
            found[index] = Asked(*prompt)
    return found


# --- (c): among sibling questions ------------------------------------------------------------


def _sibling_runs(outline: Outline, asked: list[Asked | None], other_lines: list[int]) -> dict[int, Asked]:
    """Leaf headings with text among the asking headings of their level, when those that ask are
    the most of them: between the first and the last asking one, and beyond them only while the
    headings are sentences (``Explain event delegation.``), never a README's "License"."""
    found: dict[int, Asked] = {}
    for level in sorted({heading.level for heading in outline.headings}):
        indices = [i for i, heading in enumerate(outline.headings) if heading.level == level]
        asking = [i for i in indices if asked[i]]
        if len(asking) < 2:
            continue
        candidates = {index: prompt for index in indices if asking[0] < index < asking[-1]
                      and (prompt := _sibling_prompt(outline, index, asked, other_lines))}
        before = reversed([i for i in indices if i < asking[0]])
        for outward in (before, [i for i in indices if i > asking[-1]]):
            for index in outward:
                prompt = _sibling_prompt(outline, index, asked, other_lines)
                if not prompt or not SENTENCE_END.search(prompt.text):
                    break
                candidates[index] = prompt
        if len(asking) + len(candidates) >= MIN_RUN and len(candidates) <= len(asking):
            found.update(candidates)
    return found


def _sibling_prompt(outline: Outline, index: int, asked: list[Asked | None], other_lines: list[int]
                    ) -> Asked | None:
    prompt = _prompt_text(outline.headings[index])
    if asked[index] or not prompt or not _has_text(outline, outline.headings[index]):
        return None
    return None if _holds_anchors(outline, index, asked, other_lines) else Asked(*prompt)


# --- (d): letter-coded numbering -------------------------------------------------------------


def _letter_coded(outline: Outline, asked: list[Asked | None], other_lines: list[int]) -> dict[int, Asked]:
    """``### C1. Anchoring``, ``### C2. Framing``, ``### C3. …``: three or more headings of one
    level numbered with a letter code, each code counting up, each followed by text."""
    runs: dict[int, list[tuple[int, re.Match[str]]]] = {}
    for index, heading in enumerate(outline.headings):
        coded = LETTER_CODE.match(plain_question(heading.text))
        if coded and not NOT_QUESTIONS.match(coded.group("text")):
            runs.setdefault(heading.level, []).append((index, coded))
    found: dict[int, Asked] = {}
    for run in runs.values():
        numbers: dict[str, list[int]] = {}
        for _, coded in run:
            numbers.setdefault(coded.group("code"), []).append(int(coded.group("number")))
        counting = all(b > a for series in numbers.values() for a, b in zip(series, series[1:], strict=False))
        if len(run) < MIN_RUN or not counting or not any(asks(coded.group("text")) for _, coded in run):
            continue
        for index, coded in run:
            heading = outline.headings[index]
            if _has_text(outline, heading) and not _holds_anchors(outline, index, asked, other_lines):
                code = coded.group("code") + coded.group("number")
                found[index] = Asked(plain_question(coded.group("text")), code)
    return found


# --- (f): a glossary ------------------------------------------------------------------------

#: The fewest terms that make a glossary, and the most words a term has.
MIN_GLOSSARY = 5
TERM_WORDS = 8
#: A term ends in no full stop or colon: a heading ending so is a sentence or a label.
_CLAUSE_ENDS = (".", ":", "：", "。")


def _glossary(outline: Outline, asked: list[Asked | None], other_lines: list[int]) -> dict[int, Asked]:
    """Runs of short leaf headings of one level, each with a definition under it, in
    alphabetical order (a heading of that level that is no term, "Contents", ends a run)."""
    found: dict[int, Asked] = {}
    for level in sorted({heading.level for heading in outline.headings}):
        run: dict[int, Asked] = {}
        for index in [i for i, heading in enumerate(outline.headings) if heading.level == level] + [-1]:
            term = _term(outline, index, asked, other_lines) if index >= 0 else None
            if term:
                run[index] = term
                continue
            keys = [_sort_key(term.text) for term in run.values()]
            if len(run) >= MIN_GLOSSARY and keys == sorted(keys) and len(set(keys)) == len(keys):
                found.update(run)
            run = {}
    return found


def _term(outline: Outline, index: int, asked: list[Asked | None], other_lines: list[int]) -> Asked | None:
    heading = outline.headings[index]
    prompt = _prompt_text(heading)
    if asked[index] or not prompt or len(prompt[0].split()) > TERM_WORDS or prompt[0].endswith(_CLAUSE_ENDS):
        return None
    if not _has_text(outline, heading) or _holds_anchors(outline, index, asked, other_lines):
        return None
    return Asked(*prompt)


def _sort_key(term: str) -> str:
    return "".join(char for char in fold(term).casefold() if char.isalnum())


# --- (e): a label-only heading, the question below it ---------------------------------------


def _label_only(outline: Outline, asked: list[Asked | None]) -> dict[int, Asked]:
    """``## 第 1 题`` / ``## Question 3`` then a paragraph: the paragraph is the question, the
    rest (a collapsible answer, an answer label) its answer."""
    found = {}
    for index, heading in enumerate(outline.headings):
        text, number, labelled = split_number(plain_question(heading.text))
        level = _level_only(text)
        if (text and not level) or not labelled or (asked[index] and not level):
            continue
        paragraph = _first_paragraph(outline, heading)
        if paragraph is not None:
            start, end = paragraph
            question = plain_question(" ".join(line.strip() for line in outline.lines[start:end]))
            found[index] = Asked(question, number, end, level)
    return found


def _level_only(text: str) -> str:
    """``Hard``, ``🟢 Easy``, ``(Intermediate)``: a heading's text after the question's number
    that only grades it; the level as written, else ``""``."""
    words = re.sub(r"[^\w\s-]+", " ", text).strip()
    return words if words and re.fullmatch(LEVEL_WORD, words, re.IGNORECASE) else ""


def _first_paragraph(outline: Outline, heading: Heading) -> tuple[int, int] | None:
    """The lines of the plain paragraph opening the heading's body, when more follows it."""
    start = _opening(outline, heading)
    if start is None or start not in outline.block_starts or start in outline.item_indents:
        return None
    text = outline.lines[start].strip()
    if text.startswith("<") or A_MARK.match(text) or _bold_label(text):
        return None
    end = start
    while end < len(outline.lines) and outline.lines[end].strip() and end not in outline.heading_lines:
        end += 1
    scope = outline.next_heading(heading.line, heading.level)
    if is_blank(outline.markdown(end, scope)):
        return None
    return start, end


# --- bold prompts among bold questions -------------------------------------------------------


def find_bold_prompts(outline: Outline, bold: list[Anchor]) -> list[Anchor]:
    """Bold lines standing alone among standalone bold questions that prompt without asking
    (``**事件的三个阶段**``): after the previous question's answer (or opening the list of
    questions), followed by an answer, unique in the document (a repeated ``**Example**``
    labels a part of each answer), fewer than the questions."""
    standalone = sorted(a.line for a in bold if not a.lead and not a.dedent and a.number is None)
    if len(standalone) < MIN_RUN:
        return []
    texts = Counter(line.strip() for line in outline.lines)
    found = []
    previous = _opening_of_list(outline, standalone[0])
    for index in sorted(outline.block_starts):
        if not previous < index < standalone[-1] or index in outline.code_lines:
            continue
        if index in standalone:
            previous = index
            continue
        prompt = _bold_prompt(outline, index, texts)
        opens_list = previous < standalone[0] and not _text_between(outline, previous + 1, index)
        if prompt and (opens_list or _text_between(outline, previous + 1, index)) and _text_between(
                outline, index + 1, _next_block(outline, index)):
            found.append(Anchor("bold", index, prompt, None, index + 1))
            previous = index
    inner = [anchor for anchor in found if anchor.line > standalone[0]]
    if len(inner) < len(found) and len(inner) < MIN_RUN - 1:
        found = inner  # a bold line opening the list is a prompt only where others prompt too
    return found if len(found) <= len(standalone) else []


def _opening_of_list(outline: Outline, first: int) -> int:
    """The line before which the list of bold questions starts: the last heading or rule above
    the first question (-1: the document's start)."""
    for index in range(first - 1, -1, -1):
        if index in outline.heading_lines or THEMATIC_BREAK.match(outline.lines[index]):
            return index
    return -1


def _bold_prompt(outline: Outline, index: int, texts: Counter[str]) -> str | None:
    line = outline.lines[index]
    bold = BOLD_Q.match(line)
    if not bold or bold.group("rest").strip() or bold.group("number") or bold.group("bullet"):
        return None
    if texts[line.strip()] > 1 or outline.lines[index + 1:index + 2] and outline.lines[index + 1].strip() \
            and index + 1 not in outline.block_starts:
        return None  # repeated, or one line of a longer paragraph
    text = plain_question(bold.group("question")).strip()
    if not text or text.endswith((":", "：")) or NOT_QUESTIONS.match(text) or LONE_LINK.match(text):
        return None
    return text if not ANSWER_HEADING.match(text) else None


def _next_block(outline: Outline, index: int) -> int:
    """The next bold line or heading after ``index``: where the text under a bold line ends."""
    for line in range(index + 1, len(outline.lines)):
        if line in outline.heading_lines or (
                line in outline.block_starts and BOLD_Q.match(outline.lines[line])):
            return line
    return len(outline.lines)


def _text_between(outline: Outline, start: int, end: int) -> bool:
    return not is_blank(outline.markdown(start, end))
