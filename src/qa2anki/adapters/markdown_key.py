"""Quiz answers keyed apart from their questions, as many practice tests print them.

The questions show their options and nothing more; a later part of the document gives the
answers, by the questions' numbers (``1. B``, ``2. **C** — because …``, ``Q3: A``) or by
repeating each question with its answer (``### 1. Which …?`` then ``**Answer: b) merge**``).
A key is believed only where the document says so by its structure: at least two of its
entries name options of the unanswered question with that number (or that wording), below
those questions. A number two questions share is never joined, and a key that names an
option a question lacks drops the question (``unknown-option``) rather than guess.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from ._choices import opens_with_reference
from .markdown_layouts import Anchor
from .markdown_outline import Outline, trim_block
from .markdown_quiz import QUIZ_DOCUMENT, QuizItem, Unanswered, quiz_from_key, stated_answer

#: A key line that is no list item: ``Q1: B``, ``Question 2 - C``, ``**3.** A`` (``1. B`` is an
#: ordered list item, read from the parse).
KEY_LINE = re.compile(
    r"^[ \t]*(?:\*\*|__)?(?:q(?:uestion)?[ \t]*)?(?P<number>\d{1,3})(?:\*\*|__)?[ \t]*[.):：—–-]"
    r"(?:\*\*|__)?[ \t]*(?P<value>\S.*)$",
    re.IGNORECASE,
)

Quiz = QuizItem | Unanswered | None


@dataclass(frozen=True)
class _Entry:
    """One answer of the key: what it names, what it adds, and the source lines it spans."""

    value: str
    explanation: str
    start: int  # 0-based first line
    end: int  # first line after it


@dataclass(frozen=True)
class Keyed:
    """The quizzes with keyed answers filled in, the anchors that only restated a question
    with its answer, and the key's lines (0-based, inclusive), which no item spans."""

    quizzes: list[Quiz]
    restated: frozenset[int]
    lines: tuple[tuple[int, int], ...]


def join_answer_key(outline: Outline, anchors: Sequence[Anchor], ends: Sequence[int],
                    quizzes: Sequence[Quiz], skip: Collection[int]) -> Keyed:
    """Fill each open question (options, no answer) from the document's answer key, if any."""
    open_questions = [i for i, quiz in enumerate(quizzes)
                      if isinstance(quiz, Unanswered) and not quiz.certain]
    unchanged = Keyed(list(quizzes), frozenset(), ())
    if len(open_questions) < QUIZ_DOCUMENT:
        return unchanged
    entries, restated = _restated(outline, anchors, ends, open_questions, skip)
    if len(entries) < QUIZ_DOCUMENT:
        entries = _numbered_entries(outline, anchors, ends, open_questions, skip)
        restated = set()
    if len(entries) < QUIZ_DOCUMENT:
        return unchanged
    joined = list(quizzes)
    for index, entry in entries.items():
        anchor = anchors[index]
        joined[index] = quiz_from_key(outline, anchor.body, ends[index], anchor.dedent, skip,
                                      entry.value, entry.explanation) or quizzes[index]
    lines = tuple(sorted((entry.start, entry.end - 1) for entry in entries.values()))
    return Keyed(joined, frozenset(restated), lines)


def _restated(outline: Outline, anchors: Sequence[Anchor], ends: Sequence[int], open_questions: list[int],
              skip: Collection[int]) -> tuple[dict[int, _Entry], set[int]]:
    """Later questions opening with an answer label and worded as an open one (or, below every
    open question, numbered as one): the key restating each question with its answer."""
    by_words = _unique({_words(anchors[i].question): i for i in open_questions},
                       Counter(_words(anchors[i].question) for i in open_questions))
    by_number = _unique({_number(anchors[i]): i for i in open_questions},
                        Counter(_number(anchors[i]) for i in open_questions))
    entries: dict[int, _Entry] = {}
    restated: set[int] = set()
    for index, anchor in enumerate(anchors):
        asked = by_words.get(_words(anchor.question))
        if asked is None and index > open_questions[-1]:
            asked = by_number.get(_number(anchor))
        if asked is None or asked >= index or asked in entries:
            continue
        stated = stated_answer(outline, anchor.body, ends[index], anchor.dedent, skip)
        if stated is not None:
            last = _last_line(outline, anchor.line, ends[index])
            entries[asked] = _Entry(stated[0], stated[1], anchor.line, last + 1)
            restated.add(index)
    return entries, restated


def _unique(keyed: dict[str | None, int], counts: Counter[str | None]) -> dict[str | None, int]:
    """Only the keys one open question has (two questions numbered 1 are joined by neither)."""
    return {key: index for key, index in keyed.items() if key and counts[key] == 1}


def _numbered_entries(outline: Outline, anchors: Sequence[Anchor], ends: Sequence[int],
                      open_questions: list[int], skip: Collection[int]) -> dict[int, _Entry]:
    """Numbered lines below the open questions, outside every question, that name an option."""
    by_number = _unique({_number(anchors[i]): i for i in open_questions},
                        Counter(_number(anchors[i]) for i in open_questions))
    inside = set()
    for anchor, end in zip(anchors, ends, strict=True):
        inside.update(range(anchor.line, end))
    first = anchors[open_questions[0]].line
    found: dict[int, list[_Entry]] = {}
    line = first
    while line < len(outline.lines):
        if line in skip or line in outline.code_lines or line in inside:
            line += 1
            continue
        keyed = _entry_at(outline, line)
        if keyed is None:
            line += 1
            continue
        number, entry = keyed
        if number in by_number and opens_with_reference(entry.value):
            found.setdefault(by_number[number], []).append(entry)
        line = max(entry.end, line + 1)
    return {index: entries[0] for index, entries in found.items() if len(entries) == 1}


def _entry_at(outline: Outline, line: int) -> tuple[str, _Entry] | None:
    """The key entry opening on ``line``: an ordered list item (its text after the first line
    explains) or a ``Q1: B`` line."""
    item = outline.list_items.get(line)
    if item is not None and item.marker in ".)" and item.number:
        first, _, rest = item.text.partition("\n")
        indent = outline.item_indents.get(line, 0)
        below = outline.markdown(line + 1 + item.text.count("\n"), item.end, indent)
        explanation = trim_block("\n\n".join(part for part in (rest.strip(), below) if part))
        end = _last_line(outline, line, item.end) + 1
        return str(int(item.number)), _Entry(first.strip(), explanation, line, end)
    if item is not None:
        return None
    match = KEY_LINE.match(outline.lines[line])
    if not match:
        return None
    return str(int(match.group("number"))), _Entry(match.group("value").strip(), "", line, line + 1)


def _number(anchor: Anchor) -> str | None:
    """The question's number as the key writes it (``07`` -> ``7``)."""
    return str(int(anchor.number)) if anchor.number and anchor.number.isdigit() else None


def _last_line(outline: Outline, start: int, end: int) -> int:
    """The last non-blank line from ``start`` up to ``end`` (exclusive)."""
    return next((i for i in range(end - 1, start, -1) if outline.lines[i].strip()), start)


def _words(question: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", question.casefold()))
