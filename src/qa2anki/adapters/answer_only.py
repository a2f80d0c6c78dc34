"""Answers copied from a web page whose question headings were lost in the copy.

The text is split into answer units, one per lost question, each an :class:`Item` with an empty
question and the ``answer-only`` flag (the dedup stage attaches it to the question it answers).
Unit boundaries come from general signals only:

- a closing label the page uses all through (``Rule of thumb:``, ``Why it matters:``, learned
  from the page, see :func:`closing_label`) ends every unit; other labels do not;
- otherwise a unit is a paragraph: a line ending a sentence followed by one starting a new one
  (a line that does not end a sentence is hard-wrapped and continues; on a page that puts blank
  lines between paragraphs, only a blank line ends one), and a line ending with
  ``:`` keeps what it introduces (code, a list) in its unit, and the paragraph right after that
  code (which explains it) too.

Code lost its indentation and sometimes the newline before the next sentence: code lines are
recognised by content, the glued sentence is split off (:func:`~qa2anki.codetext.split_glued_prose`)
and stays in the unit, and Python that needs its indentation back is marked ``dedented`` for the
repair stage. The page's intro and footer are not units; they are reported as ``info`` diagnostics.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..codetext import (
    bracket_depth,
    code_language,
    guess_language,
    looks_like_prose,
    lost_python_indentation,
    plain_fence,
    split_glued_prose,
)
from ..models import ANSWER_ONLY, DEDENTED, PLAIN_TEXT, Diagnostic, Item, SourceResult, damaged_fence
from ._text.page_lines import (
    ends_sentence,
    escape_markdown,
    is_furniture,
    is_intro,
    line_range,
    page_lines,
    starts_sentence,
)
from ._text.regions import skipped_regions
from .base import Adapter

CLOSING_LABEL = re.compile(
    r"(?P<label>rules? of thumb|key takeaways?|takeaways?|tl;?\s?dr|bottom line|in short|in a nutshell|"
    r"pro tip|remember)\s*[:—–]\s*\S",
    re.IGNORECASE,
)
#: A label opening a line ("Why it matters: …"): a candidate closing label when it recurs.
LINE_LABEL = re.compile(r"(?P<label>[A-Z][\w ;'’-]{1,25}?)\s*[:—–]\s*\S")
#: Fewest times a label learned from the page must recur to close units (a listed one: twice).
MIN_LEARNED_LABELS = 3
LIST_ITEM = re.compile(r"(?P<marker>[-*•]|\d{1,3}[.)])[ \t]+(?P<text>\S.*)")
TABLE_ROW = re.compile(r"\|.*\|")
#: Fewer characters than a page's line wrap: a list item this short was not wrapped.
WRAP_WIDTH = 50
FLATTENED_ITEMS = re.compile(r"(?<=[.!?:])\s+-\s+(?=\S)")
#: Most lines one bracket may stay open before we stop trusting it (an unbalanced quote or paren).
MAX_OPEN_LINES = 60


@dataclass
class Piece:
    """A run of lines of one kind: ``prose``, ``code``, ``list`` or ``table``."""

    kind: str
    start: int  # 0-based index of the first line
    lines: list[str] = field(default_factory=list)
    glued: bool = False  # prose that was glued onto the code line above it
    closing: bool = False  # a closing-label paragraph ("Rule of thumb: ...")

    @property
    def text(self) -> str:
        return " ".join(line.strip() for line in self.lines)

    @property
    def introduces(self) -> bool:
        """Prose ending with ``:`` introduces what follows (code, a list, a table)."""
        return self.kind == "prose" and self.text.rstrip().endswith(":")


def split_pieces(lines: list[str], closing: re.Pattern[str] | None = None) -> list[Piece]:
    """The text as a sequence of prose, code, list and table pieces; a paragraph opening with the
    ``closing`` label is marked as closing its unit (any listed label still starts a paragraph)."""
    breaks = _breaks(closing)
    pieces: list[Piece] = []
    index = 0
    while index < len(lines):
        text = lines[index].strip()
        if not text:
            index += 1
        elif text.startswith("|") and TABLE_ROW.fullmatch(text):
            index = _take_table(lines, index, pieces)
        elif LIST_ITEM.fullmatch(text) and not breaks.match(text):
            index = _take_list(lines, index, pieces, breaks)
        elif _starts_code(lines, index) and (after := _take_code(lines, index, pieces, breaks)) > index:
            index = after
        else:  # also a line that looked like code but _take_code would not take (no endless loop)
            piece = Piece("prose", index, closing=bool(closing and closing.match(text)))
            index = _take_prose(lines, index, pieces, piece, breaks)
    return pieces


def _breaks(closing: re.Pattern[str] | None) -> re.Pattern[str]:
    """Labels that start a new paragraph: the listed ones and the page's own closing label."""
    if closing is None:
        return CLOSING_LABEL
    return re.compile(f"{CLOSING_LABEL.pattern}|{closing.pattern}", re.IGNORECASE)


def _starts_code(lines: list[str], index: int) -> bool:
    """A code line, or a comment line right above one."""
    text = lines[index].strip()
    if text.startswith("#") and not text.startswith("#!"):
        following = lines[index + 1].strip() if index + 1 < len(lines) else ""
        return bool(following) and _code_part(following) is not None
    return _code_part(text) is not None


def _code_part(text: str, continuation: bool = False) -> tuple[str, str] | None:
    """``(code, glued prose)`` when the line is code (with or without a sentence glued on)."""
    code, prose = split_glued_prose(text, continuation=continuation)
    if prose or continuation:
        return code, prose
    return (text, "") if code_language(text) else None


def _take_code(lines: list[str], index: int, pieces: list[Piece], breaks: re.Pattern[str]) -> int:
    piece = Piece("code", index)
    depth = open_lines = 0
    while index < len(lines):
        text = lines[index].rstrip()
        stripped = text.strip()
        if not stripped:
            if depth <= 0:
                break
            piece.lines.append("")
            index += 1
            continue
        inside = depth > 0 and open_lines < MAX_OPEN_LINES
        if stripped.startswith("#") and piece.lines:
            part: tuple[str, str] | None = (stripped, "")
        else:
            part = _code_part(stripped, continuation=inside)
        if part is None or breaks.match(stripped) or (piece.lines and not inside
                                                               and LIST_ITEM.fullmatch(stripped)):
            break
        code, prose = part
        indent = text[: len(text) - len(text.lstrip())]
        piece.lines.append(indent + code)
        depth += bracket_depth(code)
        open_lines = open_lines + 1 if depth > 0 else 0
        index += 1
        if prose:
            pieces.append(piece)
            return _take_prose(lines, index, pieces, Piece("prose", index - 1, [prose], glued=True), breaks)
    if piece.lines:
        pieces.append(piece)
    return index


def _continues_prose(current: list[str], following: str, breaks: re.Pattern[str]) -> bool:
    """Hard wrap: the line so far does not end a sentence, or the next does not start one."""
    last = current[-1].strip()
    text = following.strip()
    if not text or TABLE_ROW.fullmatch(text) or breaks.match(text) or LIST_ITEM.fullmatch(text):
        return False
    if ends_sentence(last) and starts_sentence(following):
        return False
    part = _code_part(following.strip())
    if part is None:
        return True
    # After a finished sentence any code line starts code; mid-sentence it needs code punctuation.
    return not ends_sentence(last) and not re.search(r"[()\[\]{}=@]", part[0])


def _take_prose(
    lines: list[str], index: int, pieces: list[Piece], piece: Piece, breaks: re.Pattern[str]
) -> int:
    if not piece.lines:
        piece.lines.append(lines[index].strip())
        index += 1
    while index < len(lines) and _continues_prose(piece.lines, lines[index], breaks) and not (
        piece.closing and ends_sentence(piece.lines[-1])
    ):
        piece.lines.append(lines[index].strip())
        index += 1
    pieces.append(piece)
    return index


def _take_list(lines: list[str], index: int, pieces: list[Piece], breaks: re.Pattern[str]) -> int:
    piece = Piece("list", index, [lines[index].strip()])
    index += 1
    while index < len(lines):
        text = lines[index].strip()
        if not text or breaks.match(text) or TABLE_ROW.fullmatch(text):
            break
        if LIST_ITEM.fullmatch(text):
            piece.lines.append(text)
        elif _part_of_item(piece.lines[-1], lines, index):
            piece.lines[-1] += " " + text
        else:
            break
        index += 1
    pieces.append(piece)
    return index


def _part_of_item(item: str, lines: list[str], index: int) -> bool:
    """A wrapped continuation of a list item, or a line of items flattened onto one line."""
    text = lines[index].strip()
    part = _code_part(text)
    if part is not None and re.search(r"[()\[\]{}=@]", part[0]):
        return False
    if len(item) < WRAP_WIDTH and looks_like_prose(text):
        return False  # a line this short was not wrapped: the sentence below is not part of it
    if not ends_sentence(item) or not starts_sentence(text):
        return True
    nearby = lines[index: index + 2]
    return any(FLATTENED_ITEMS.search(line) for line in nearby)


def _take_table(lines: list[str], index: int, pieces: list[Piece]) -> int:
    piece = Piece("table", index)
    while index < len(lines) and TABLE_ROW.fullmatch(lines[index].strip()):
        piece.lines.append(lines[index].strip())
        index += 1
    pieces.append(piece)
    return index


def group_units(pieces: list[Piece]) -> tuple[list[list[Piece]], list[Piece]]:
    """The answer units, and the trailing pieces that belong to no unit (a footer)."""
    if any(piece.closing for piece in pieces):
        return _units_closed_by_label(pieces)
    units: list[list[Piece]] = []
    by_blank_lines = blank_line_paragraphs(pieces)
    for piece in pieces:
        current = units[-1] if units else None
        if by_blank_lines and current and _adjacent(current[-1], piece) \
                and piece.kind == current[-1].kind == "prose":
            current[-1].lines.extend(piece.lines)  # a wrapped line that happened to end a sentence
            continue
        attach = current is not None and (
            piece.glued or current[-1].introduces or piece.kind == "code" or _explains_code(current, piece)
        )
        if attach and current is not None:
            current.append(piece)
        else:
            units.append([piece])
    return units, []


def blank_line_paragraphs(pieces: list[Piece]) -> bool:
    """Whether the page separates its paragraphs with blank lines (then only a blank line ends one)."""
    gaps = sum(1 for before, after in zip(pieces, pieces[1:], strict=False) if not _adjacent(before, after))
    return gaps >= 2 and gaps >= 0.2 * len(pieces)


def _adjacent(before: Piece, after: Piece) -> bool:
    return after.start <= before.start + len(before.lines)


def _explains_code(unit: list[Piece], piece: Piece) -> bool:
    """The one paragraph right after a code sample or list the unit introduced explains it (glued
    on or not), like the prose that introduced it; the paragraph after that starts the next answer."""
    return piece.kind == "prose" and unit[-1].kind in ("code", "list") and unit[0] is not unit[-1]


def closing_label(lines: list[str]) -> re.Pattern[str] | None:
    """The label that ends every answer on this page ("Rule of thumb:", "Why it matters:"), if any.

    A line-opening label closes answers when it recurs (three times, or twice for a listed one
    such as "Key takeaway") spread through the page, and more text stands before its first use (an
    answer) than after its last (at most a footer): a label that opens answers, or one used in a
    few answers only, is no boundary. Of several, the most frequent wins, a listed one on a tie.
    """
    found: dict[str, list[int]] = {}
    for index, line in enumerate(lines):
        if (match := LINE_LABEL.match(line.strip())) and not code_language(line.strip()):
            found.setdefault(match["label"].strip().lower(), []).append(index)
    content = [index for index, line in enumerate(lines) if line.strip() and not is_furniture(line)]
    recurring = [label for label, places in found.items() if _closes_answers(label, places, content)]
    if not recurring:
        return None
    best = max(recurring, key=lambda label: (len(found[label]), _listed(label)))
    return re.compile(rf"{re.escape(best)}\s*[:—–]\s*\S", re.IGNORECASE)


def _listed(label: str) -> bool:
    return bool(CLOSING_LABEL.fullmatch(f"{label}: x"))


def _closes_answers(label: str, places: list[int], content: list[int]) -> bool:
    """Recurring, spread through the page, and ending (not opening) the text around it."""
    before = sum(1 for index in content if index < places[0])
    after = sum(1 for index in content if index > places[-1])
    if before <= after:
        return False
    if _listed(label) and len(places) == 2:  # twice: listed labels only, and dense enough
        return len(places) * 40 >= len(content)
    return len(places) >= MIN_LEARNED_LABELS and _spread(places, content)


def _spread(places: list[int], content: list[int]) -> bool:
    """Each third of the page's text holds a use of the label."""
    first, last = content[0], content[-1]
    third = (last - first + 1) / 3
    return all(any(first + part * third <= place < first + (part + 1) * third for place in places)
               for part in range(3))


def _units_closed_by_label(pieces: list[Piece]) -> tuple[list[list[Piece]], list[Piece]]:
    units: list[list[Piece]] = []
    current: list[Piece] = []
    for piece in pieces:
        current.append(piece)
        if piece.closing:
            units.append(current)
            current = []
    if current and _answer_like(current):
        units.append(current)
        current = []
    return units, current


def _answer_like(pieces: list[Piece]) -> bool:
    """Leftover text after the last closing label is a unit only if it holds code or real prose."""
    words = sum(len(piece.text.split()) for piece in pieces)
    return any(piece.kind == "code" for piece in pieces) or (
        words > 40 and not all(is_furniture(line) for piece in pieces for line in piece.lines)
    )


def unit_markdown(unit: list[Piece]) -> str:
    return "\n\n".join(_piece_markdown(piece) for piece in unit)


def _piece_markdown(piece: Piece) -> str:
    if piece.kind == "code":
        language = guess_language(piece.lines)
        code = "\n".join(piece.lines).strip("\n")
        if language == "python" and lost_python_indentation(piece.lines):
            return damaged_fence(code, language, DEDENTED)
        return plain_fence(code, language)
    if piece.kind == "table":
        return "\n".join(piece.lines)
    if piece.kind == "list":
        matches = [match for match in map(LIST_ITEM.fullmatch, piece.lines) if match]
        if all(match["marker"][0].isdigit() for match in matches):  # numbered steps keep their order
            return "\n".join(f"{number}. {escape_markdown(match['text'])}"
                             for number, match in enumerate(matches, start=1))
        items = [item for match in matches for item in FLATTENED_ITEMS.split(match["text"])]
        return "\n".join(f"- {escape_markdown(item)}" for item in items)
    return escape_markdown(piece.text)


def _trim_intro(pieces: list[Piece]) -> tuple[list[Piece], list[Piece]]:
    """Leading prose in which the page talks about itself (first person, links, "this list")."""
    count = 0
    while count < len(pieces) and pieces[count].kind == "prose" and not pieces[count].closing and (
        is_intro(pieces[count].text) or all(is_furniture(line) for line in pieces[count].lines)
    ):
        count += 1
    return pieces[:count], pieces[count:]


def _title_line(lines: list[str]) -> int | None:
    """The page's title line: the first line, short, not a sentence, above a longer sentence."""
    content = [index for index, line in enumerate(lines) if line.strip()][:2]
    if len(content) < 2:
        return None
    title, following = lines[content[0]].strip(), lines[content[1]].strip()
    if (len(title.split()) <= TITLE_WORDS and not ends_sentence(title) and not title.endswith((",", ";", "-"))
            and not code_language(title) and not LIST_ITEM.fullmatch(title) and not TABLE_ROW.fullmatch(title)
            and starts_sentence(following) and len(following) > 2 * len(title)):
        return content[0]
    return None


#: The most words a page title has.
TITLE_WORDS = 12


def _trim_footer(pieces: list[Piece]) -> tuple[list[Piece], list[Piece]]:
    count = 0
    while count < len(pieces) and pieces[-1 - count].kind == "prose" and all(
        is_furniture(line) for line in pieces[-1 - count].lines
    ):
        count += 1
    return pieces[: len(pieces) - count], pieces[len(pieces) - count:]


def read(text: str, source: str, options: Mapping[str, Any]) -> SourceResult:
    page = lines = page_lines(text)
    title = _title_line(lines)
    if title is not None:
        lines = [*lines[:title], "", *lines[title + 1:]]  # keeps every other line's number
    intro, pieces = _trim_intro(split_pieces(lines, closing_label(lines)))
    pieces, footer = _trim_footer(pieces)
    units, leftover = group_units(pieces)
    diagnostics = [
        _note(source, lines, part, what)
        for part, what in ((intro, "page intro"), (leftover + footer, "page footer"))
        if part
    ]
    if title is not None:
        diagnostics.insert(0, Diagnostic(source, title + 1, "page title is not an answer; skipped",
                                         severity="info"))
    if not units:
        diagnostics.append(Diagnostic(source, None, "no answer text found; is 'format: answer-only' "
                                      "right for this file?"))
    trailing = leftover + footer
    starts = [unit[0].start for unit in units] + [trailing[0].start if trailing else len(lines)]
    items = tuple(
        Item(
            question="",
            answer=unit_markdown(unit),
            source=source,
            ref=f"U{number}",
            line=unit[0].start + 1,
            flags=frozenset({ANSWER_ONLY, PLAIN_TEXT}),
            end_line=_last_text_line(lines, unit[0].start, following),
        )
        for number, (unit, following) in enumerate(zip(units, starts[1:], strict=True), start=1)
    )
    skipped = skipped_regions(source, page, [
        *((index, "title") for index in ([title] if title is not None else [])),
        *((index, "intro") for index in range(intro[0].start if intro else 0, starts[0] if intro else 0)),
        *((index, "page-chrome") for index in range(starts[-1], len(lines))),
    ])
    return SourceResult(source, "answer-only", items, (), tuple(diagnostics), skipped)


def _last_text_line(lines: list[str], start: int, stop: int) -> int:
    """The 1-based number of the last non-blank line before ``stop`` (``start`` at least)."""
    return next((index + 1 for index in range(stop - 1, start, -1) if lines[index].strip()), start + 1)


def _note(source: str, lines: list[str], pieces: list[Piece], what: str) -> Diagnostic:
    first = pieces[0].start + 1
    last = pieces[-1].start + len(pieces[-1].lines)
    excerpt = pieces[0].text[:60]
    return Diagnostic(source, first, f"{what} ({line_range(first, last)}: \"{excerpt}…\") is not an "
                      "answer; skipped", severity="info")


def sniff(text: str) -> float:
    """Plain prose with no question in it: a weak claim, stronger with lost-code signs.

    Any adapter that finds real questions scores higher; a file with question markers, markdown
    headings or fences, lines asking questions, or structured data scores near zero here.
    """
    lines = page_lines(text)
    content = [line.strip() for line in lines if line.strip()]
    if not content or content[0][0] in "[{<" or _looks_structured(content):
        return 0.0
    asked = sum(1 for line in content if line.endswith("?") and len(line) < 300)
    headings = sum(
        1 for before, line, after in zip(["", *content[:-1]], content, [*content[1:], ""], strict=True)
        if re.match(r"#{1,6}\s|```|~~~", line) and not (code_language(before) or code_language(after))
    )  # a "# comment" between code lines is code, not a markdown heading
    if headings >= 2 or asked >= 3 or asked > 0.1 * len(content):
        return 0.05
    sentences = sum(1 for line in content if ends_sentence(line) and len(line.split()) >= 5)
    if sentences < 3:
        return 0.1
    glued = sum(1 for line in content if split_glued_prose(line)[1])
    labels = sum(1 for line in content if CLOSING_LABEL.match(line))
    return 0.45 if glued or labels >= 2 else 0.3


def _looks_structured(content: list[str]) -> bool:
    """YAML-like ``key: value`` lines or delimiter-separated rows: the records adapters' files."""
    keyed = sum(1 for line in content if re.match(r"(?:- )?[A-Za-z_][\w-]*:(?:\s|$)", line))
    if keyed > 0.4 * len(content):
        return True
    for delimiter in (",", "\t", ";"):
        counts = {line.count(delimiter) for line in content[:20]}
        if len(counts) == 1 and counts.pop() >= 1 and len(content) >= 3:
            return True
    return False


ADAPTER = Adapter(
    name="answer-only",
    summary="answers copied from a page whose questions were lost (paired with questions by dedup)",
    sniff=sniff,
    read=read,
    yields_to=("numbered-text",),  # numbered questions found: the page kept its questions
)
