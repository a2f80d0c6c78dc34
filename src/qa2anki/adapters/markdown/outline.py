"""The block structure of a markdown document as GitHub reads it (CommonMark plus tables).

The layout detectors need to know which lines are code, headings, list items or table rows;
hand-written regexes get that wrong at the edges (indented code versus list continuation,
fences directly under a paragraph, headings inside code), so markdown-it-py, a CommonMark
parser that reports each block's source lines, decides. Answers are then cut from the
original lines, so the source's own markdown (and any HTML in it) is kept as written.
"""

from __future__ import annotations

import copy
import re
import textwrap
from bisect import bisect_right
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache

from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from ...gfm import github_markdown

#: Block structure only: inline parsing (a third of the time) is the renderer's job. Display
#: math (``$$``/``\\[`` blocks) is one block, so a ``- `` or ``#`` line inside it is no structure.
#: A blog's YAML front matter is metadata, not a ``---`` rule over a setext heading. An MkDocs
#: admonition (``??? question "Why?"`` over four-space indented text) is a block, not code.
_PARSER = github_markdown(inline=False).use(front_matter_plugin).use(admon_plugin)
LIST_MARKER = re.compile(r"^(?P<indent>[ \t]*)(?:[-*+]|\d{1,9}[.)])(?:[ \t]{1,4}|$)")
FENCE_LINE = re.compile(r"^(`{3,}|~{3,})")
THEMATIC_BREAK = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")


@dataclass(frozen=True)
class Heading:
    line: int  # 0-based
    end: int  # first line after it (a setext heading has an underline)
    level: int
    text: str  # the heading's inline markdown
    indent: int  # content indent of the list item holding it (0 outside lists)
    list_number: str | None = None  # ``7`` for ``7. ### What …?``


@dataclass(frozen=True)
class ListItem:
    """One list item: where it is, its marker, and the text its first paragraph opens with."""

    line: int  # 0-based first line
    end: int  # first line after it (trailing blank lines included, as markdown-it maps it)
    marker: str  # "-", "*", "+" for bullets; "." or ")" for ordered items
    number: str | None  # "2" for ``2. …``
    text: str  # the first paragraph's inline markdown ("" when the item opens with another block)


@dataclass(frozen=True)
class TableRow:
    line: int  # 0-based
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    line: int  # 0-based line of the header row
    header: tuple[str, ...]
    rows: tuple[TableRow, ...]


@dataclass(frozen=True)
class Admonition:
    """An MkDocs admonition: ``!!! note "Title"``, or collapsible ``??? question "Title"``."""

    line: int  # 0-based line of the marker
    end: int  # first line after its content (blank lines after the content excluded)
    kind: str  # the type word: question, note, tip…
    title: str  # as written between the quotes ("" when it gives none)
    indent: int  # the column its content starts at


@dataclass(frozen=True)
class IndentedCode:
    """A four-space indented code block: lines ``start``..``end`` (exclusive)."""

    start: int
    end: int
    code: str
    indent: int  # the indent of its container (a list item), kept when it becomes a fence


@lru_cache(maxsize=4)
def outline_of(text: str) -> Outline:
    """One parse per text: detection sniffs the same text the adapter then reads."""
    return Outline(text)


class Outline:
    """One parse of a document: which lines are what."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.headings: list[Heading] = []
        self.tables: list[Table] = []
        self.code_lines: set[int] = set()  # literal lines: code, and display math blocks
        self.indented_code: dict[int, IndentedCode] = {}
        self.block_starts: set[int] = set()  # first lines of paragraphs and list items
        self.item_indents: dict[int, int] = {}  # list item's first line -> its content indent
        self.list_items: dict[int, ListItem] = {}  # list item's first line -> the item
        self.front_matter: range = range(0)  # the lines of YAML front matter
        self.quote_lines: set[int] = set()  # lines inside a blockquote (lazy continuations too)
        self.admonitions: list[Admonition] = []
        self._walk(_PARSER.parse(text))

    def _walk(self, tokens: list[Token]) -> None:
        items: list[tuple[int, int, str]] = []  # open list items: first line, content indent, number
        for index, token in enumerate(tokens):
            if token.type == "list_item_open" and token.map:
                indent = self._content_indent(token.map[0])
                items.append((token.map[0], indent, token.info))
                self.item_indents[token.map[0]] = indent
                self.list_items[token.map[0]] = _list_item(tokens, index)
                self.block_starts.add(token.map[0])
            elif token.type == "list_item_close":
                items.pop()
            elif token.type == "paragraph_open" and token.map:
                self.block_starts.add(token.map[0])
            elif token.type in ("math_block", "math_block_brackets") and token.map:
                self.code_lines.update(range(*token.map))
            elif token.type in ("fence", "code_block") and token.map:
                self.code_lines.update(range(*token.map))
                if token.type == "code_block":
                    self._add_indented(token)
            elif token.type == "heading_open" and token.map:
                self.headings.append(_heading(token, tokens[index + 1].content, items[-1] if items else None))
            elif token.type == "table_open":
                self.tables.append(_table(tokens, index))
            elif token.type == "blockquote_open" and token.map:
                self.quote_lines.update(range(*token.map))
            elif token.type == "front_matter" and token.map:
                self.front_matter = range(*token.map)
            elif token.type == "admonition_open" and token.map:
                self.admonitions.append(self._admonition(token))

    def _content_indent(self, line: int) -> int:
        marker = LIST_MARKER.match(self.lines[line])
        return len(marker.group(0).expandtabs(4)) if marker else 0

    def _admonition(self, token: Token) -> Admonition:
        start, end = token.map or (0, 0)
        while end > start + 1 and not self.lines[end - 1].strip():
            end -= 1
        marker = self.lines[start]
        margin = len(marker) - len(marker.lstrip(" "))
        titled = len(token.info.split()) > 1  # with no title of its own, the plugin shows the type
        return Admonition(start, end, str(token.meta.get("tag", "")), token.content.strip() if titled else "",
                          margin + 4)

    def _add_indented(self, token: Token) -> None:
        start, end = token.map or (0, 0)
        leading = [len(line) - len(line.lstrip(" ")) for line in self.lines[start:end] if line.strip()]
        container = max(0, min(leading, default=4) - 4)
        self.indented_code[start] = IndentedCode(start, end, token.content, container)

    @cached_property
    def heading_lines(self) -> dict[int, Heading]:
        return {heading.line: heading for heading in self.headings}

    @cached_property
    def _heading_starts(self) -> list[int]:
        return [heading.line for heading in self.headings]

    def without_headings(self, lines: Collection[int]) -> Outline:
        """This parse with the headings on ``lines`` read as plain lines of the text around them
        (``#### Answer: D`` inside a question's answer labels it; it opens no section)."""
        if not lines:
            return self
        other = copy.copy(self)
        other.headings = [heading for heading in self.headings if heading.line not in lines]
        for cached in ("heading_lines", "_heading_starts"):
            other.__dict__.pop(cached, None)
        return other

    def next_heading(self, after: int, level: int = 6) -> int:
        """The line of the first heading below line ``after`` at ``level`` or higher (else the end)."""
        for index in range(bisect_right(self._heading_starts, after), len(self.headings)):
            if self.headings[index].level <= level:
                return self.headings[index].line
        return len(self.lines)

    def markdown(self, start: int, end: int, dedent: int = 0, skip: Collection[int] = frozenset(),
                 replace: Mapping[int, str] | None = None) -> str:
        """Lines ``start``..``end`` as answer markdown.

        Indented code becomes an unlabelled fence (the repair stage guesses languages),
        ``dedent`` columns of list indentation go, ``skip`` lines (navigation) are left out,
        ``replace`` gives some lines other text (a quiz option without its tick),
        and surrounding blank lines and rules are trimmed.
        """
        replace = replace or {}
        out: list[str] = []
        index = start
        while index < end:
            block = self.indented_code.get(index)
            if block and block.end <= end:
                out.extend(_as_fence(block))
                index = block.end
                continue
            if index not in skip:
                out.append(replace.get(index, self.lines[index]))
            index += 1
        prose = [self.lines[i] for i in range(start, end) if i not in self.code_lines and i not in skip]
        columns = _list_indent(prose, dedent)
        return trim_block("\n".join(_dedent(line, columns) for line in out))


def _list_item(tokens: list[Token], index: int) -> ListItem:
    token = tokens[index]
    start, end = token.map or (0, 0)
    opens_paragraph = index + 2 < len(tokens) and tokens[index + 1].type == "paragraph_open"
    text = tokens[index + 2].content if opens_paragraph else ""
    return ListItem(start, end, token.markup, token.info or None, text)


def _heading(token: Token, text: str, item: tuple[int, int, str] | None) -> Heading:
    start, end = token.map or (0, 0)
    indent = item[1] if item else 0
    number = item[2] if item and item[0] == start and item[2].isdigit() else None
    return Heading(start, end, int(token.tag[1]), text.strip(), indent, number)


def _table(tokens: list[Token], start: int) -> Table:
    """The header and body rows of the table opening at ``tokens[start]``."""
    rows: list[TableRow] = []
    cells: list[str] = []
    row_line = 0
    for token in tokens[start + 1:]:
        if token.type == "table_close":
            break
        if token.type == "tr_open":
            cells, row_line = [], (token.map or (0, 0))[0]
        elif token.type == "inline":
            cells.append(token.content.strip())
        elif token.type == "tr_close":
            rows.append(TableRow(row_line, tuple(cells)))
    header, *body = rows or [TableRow(0, ())]
    return Table(header.line, header.cells, tuple(body))


def _as_fence(block: IndentedCode) -> list[str]:
    """An indented block as a fence; one that already holds a whole fence was over-indented: unwrap it."""
    pad = " " * block.indent
    code = block.code.rstrip("\n")
    lines = textwrap.dedent(code).split("\n")
    opening = FENCE_LINE.match(lines[0])
    if opening and len(lines) > 1 and lines[-1].strip() == opening.group(1):
        return [pad + line if line else "" for line in lines]
    fence = "````" if "```" in code else "```"
    return [pad + fence, *(pad + line if line else "" for line in code.split("\n")), pad + fence]


def _list_indent(lines: list[str], content_indent: int) -> int:
    """How far a list item's answer is indented: its content indent, or up to 3 more (``1. `` + 4).

    Lines left of the content indent (an HTML comment or a back link at the margin after the
    list) are outside the item and say nothing about its indentation."""
    if not content_indent:
        return 0
    leading = [len(ln.expandtabs(4)) - len(ln.expandtabs(4).lstrip(" ")) for ln in lines if ln.strip()]
    actual = min((width for width in leading if width >= content_indent), default=content_indent)
    return actual if content_indent <= actual <= content_indent + 3 else content_indent


def _dedent(line: str, columns: int) -> str:
    if not columns:
        return line
    expanded = line.expandtabs(4)
    removable = len(expanded) - len(expanded.lstrip(" "))
    return expanded[min(columns, removable):]


def trim_block(text: str) -> str:
    """``text`` without blank lines and horizontal rules around it."""
    lines = text.split("\n")
    while lines and (not lines[-1].strip() or THEMATIC_BREAK.match(lines[-1])):
        lines.pop()
    while lines and (not lines[0].strip() or THEMATIC_BREAK.match(lines[0])):
        lines.pop(0)
    return "\n".join(lines)
