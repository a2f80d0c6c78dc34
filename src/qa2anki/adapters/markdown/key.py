"""Quiz answers keyed apart from their questions, as many practice tests print them.

The questions show their options and nothing more; a later part of the document gives the
answers, by the questions' numbers (``1. B``, ``2. **C** — because …``, ``Q3: A``, a table
``| Q# | Answer | Explanation |`` of ``| 1 | B | … |`` rows, or one row of numbers over one of
letters) or by repeating each question with its answer (``### 1. Which …?`` then ``**Answer: b) merge**``).
A key is believed only where the document says so by its structure: at least two of its
entries name options of the unanswered question with that number (or that wording), below
those questions. A number two questions share is never joined, and a key that names an
option a question lacks drops the question (``unknown-option``) rather than guess.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from .._text.choices import opens_with_reference
from .layouts import TABLE_ANSWER, TABLE_META, Anchor, header_name, numbered_cell
from .outline import Outline, Table, trim_block
from .quiz import QUIZ_DOCUMENT, QuizItem, Unanswered, quiz_from_key, stated_answer

#: A key line that is no list item: ``Q1: B``, ``Question 2 - C``, ``**3.** A`` (``1. B`` is an
#: ordered list item, read from the parse).
KEY_LINE = re.compile(
    r"^[ \t]*(?:\*\*|__)?(?:q(?:uestion)?[ \t]*)?(?P<number>\d{1,3})(?:\*\*|__)?[ \t]*[.):：—–-]"
    r"(?:\*\*|__)?[ \t]*(?P<value>\S.*)$",
    re.IGNORECASE,
)

Quiz = QuizItem | Unanswered | None
#: Key table columns whose cells explain the answer: shown on the back without a label.
EXPLANATION_HEADERS = frozenset({"explanation", "explanations", "why", "reason", "rationale", "notes",
                                 "note"})


@dataclass(frozen=True)
class _Entry:
    """One answer of the key: what it names, what it adds, and the source lines it spans."""

    value: str
    explanation: str
    start: int  # 0-based first line
    end: int  # first line after it
    meta: tuple[tuple[str, str], ...] = ()  # a key table's topic or level column


#: Key tables by their (first, last) lines, with the ``(number, entry)`` each gives.
KeyTables = dict[tuple[int, int], list[tuple[str, _Entry]]]


@dataclass(frozen=True)
class Keyed:
    """The quizzes with keyed answers filled in, the anchors that only restated a question
    with its answer, and the key's lines (0-based, inclusive), which no item spans."""

    quizzes: list[Quiz]
    restated: frozenset[int]
    lines: tuple[tuple[int, int], ...]
    meta: dict[int, tuple[tuple[str, str], ...]] = field(default_factory=dict)


def join_answer_key(outline: Outline, anchors: Sequence[Anchor], ends: Sequence[int],
                    quizzes: Sequence[Quiz], skip: Collection[int]) -> Keyed:
    """Fill each open question (options, no answer) from the document's answer key, if any."""
    open_questions = [i for i, quiz in enumerate(quizzes)
                      if isinstance(quiz, Unanswered) and not quiz.certain]
    tables = _key_tables(outline, anchors)
    unchanged = Keyed(list(quizzes), frozenset(), _merged(tables))
    if len(open_questions) < QUIZ_DOCUMENT:
        return unchanged
    entries, restated = _restated(outline, anchors, ends, open_questions, skip)
    if len(entries) < QUIZ_DOCUMENT:
        entries = _numbered_entries(outline, anchors, ends, open_questions, skip, tables)
        restated = set()
    if len(entries) < QUIZ_DOCUMENT:
        return unchanged
    joined = list(quizzes)
    for index, entry in entries.items():
        anchor = anchors[index]
        joined[index] = quiz_from_key(outline, anchor.body, ends[index], anchor.dedent, skip,
                                      entry.value, entry.explanation) or quizzes[index]
    lines = [(entry.start, entry.end - 1) for entry in entries.values()] + list(tables)
    meta = {index: entry.meta for index, entry in entries.items() if entry.meta}
    return Keyed(joined, frozenset(restated), _merged(lines), meta)


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
                      open_questions: list[int], skip: Collection[int],
                      tables: KeyTables) -> dict[int, _Entry]:
    """Numbered lines (or key table rows) below the open questions, outside every question,
    that name an option."""
    by_number = _unique({_number(anchors[i]): i for i in open_questions},
                        Counter(_number(anchors[i]) for i in open_questions))
    inside: set[int] = set()
    for anchor, end in zip(anchors, ends, strict=True):
        inside.update(range(anchor.line, end))
    first = anchors[open_questions[0]].line
    found: dict[int, list[_Entry]] = {}
    for (start, _), table_entries in tables.items():
        for number, entry in table_entries:
            if start > first and start not in inside and number in by_number \
                    and opens_with_reference(entry.value):
                found.setdefault(by_number[number], []).append(entry)
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


# --- | Q# | Answer | ----------------------------------------------------------------------------


def _key_tables(outline: Outline, anchors: Sequence[Anchor]) -> KeyTables:
    """Tables naming at least two of the document's questions by number alone, each with what it
    says of them: ``(first line, last line) -> [(number, entry)]``. Such a table is an answer key
    (or a summary of the answers given), never questions of its own."""
    numbers = Counter(_number(anchor) for anchor in anchors)
    keys = {}
    for table in outline.tables:
        entries = _table_entries(table)
        if sum(1 for number, _ in entries if numbers[number] == 1) >= QUIZ_DOCUMENT:
            keys[(table.line, table.rows[-1].line)] = entries
    return keys


def _table_entries(table: Table) -> list[tuple[str, _Entry]]:
    """``(number, entry)`` per question the table keys: by rows (``| 1 | B |``) or, in a table
    whose header is the numbers, by columns (``| 1 | 2 |`` over ``| B | D |``)."""
    if not table.rows:
        return []
    last = table.rows[-1].line
    header = [numbered_cell(cell) for cell in table.header]
    if len(table.rows) == 1 and sum(map(bool, header)) >= QUIZ_DOCUMENT and all(header[1:]):
        cells = table.rows[0].cells
        return [(number, _Entry(_unescaped(cells[col]), "", table.line, last + 1))
                for col, number in enumerate(header) if number and col < len(cells) and cells[col].strip()]
    numbered = _numbered_column(table)
    if numbered is None:
        return []
    names = [header_name(cell) for cell in table.header]
    answer = next((col for col, name in enumerate(names) if name in TABLE_ANSWER and col != numbered),
                  numbered + 1)
    if answer >= len(table.header):
        return []
    entries = []
    for row in table.rows:
        cells = row.cells + ("",) * (len(table.header) - len(row.cells))
        number = numbered_cell(cells[numbered])
        others = [(col, _unescaped(cell)) for col, cell in enumerate(cells) if col not in (numbered, answer)]
        meta = tuple((TABLE_META[names[col]], cell) for col, cell in others
                     if names[col] in TABLE_META and cell)
        notes = "\n\n".join(_labelled(table.header[col], names[col], cell) for col, cell in others
                             if names[col] not in TABLE_META and cell)
        if number and cells[answer].strip():
            entries.append((number, _Entry(_unescaped(cells[answer]), notes, row.line, row.line + 1, meta)))
    return entries


def _numbered_column(table: Table) -> int | None:
    """The first column whose every cell is a question's number."""
    for col in range(len(table.header)):
        values = [row.cells[col] for row in table.rows if col < len(row.cells) and row.cells[col].strip()]
        if len(values) == len(table.rows) and all(numbered_cell(value) for value in values):
            return col
    return None


def _labelled(header: str, name: str, cell: str) -> str:
    """A further column's cell on the back: an explanation as it is, others under their header."""
    if name in EXPLANATION_HEADERS or not header.strip():
        return cell
    return f"**{header.strip().strip('*_ ')}:** {cell}"


def _merged(ranges: Collection[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Inclusive line ranges, sorted, those that overlap joined (a key table and its rows)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def _unescaped(cell: str) -> str:
    """A cell's markdown as written outside a table (``\\|`` is a pipe)."""
    return cell.replace("\\|", "|").strip()
