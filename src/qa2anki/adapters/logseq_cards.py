"""Logseq pages with flashcards: an outline of bullets where ``#card`` marks a question.

Logseq keeps a page as nested ``- `` bullets (indented by tabs or spaces); a block's
continuation lines sit at its text's column, and ``key:: value`` lines among them are the
block's properties (``collapsed::``, ``id::``, the review scheduler's ``card-*::``). A block
tagged ``#card`` (or ``[[card]]``) is a card: its own text asks, the bullets below it answer,
as Logseq shows them in review. ``{{cloze text}}`` in a block makes it a cloze card: hidden on
the front (``[...]``), shown in bold on the back, with the children below.

Heading blocks (``- ## Section``) and markdown headings name the topic of the cards after them;
the page's ``tags::`` and a card's other ``#tags`` become its tags. Everything that is no card
(page properties, block properties, other bullets, prose between outlines) is reported as a
skipped region; a card with nothing below it is dropped as an empty answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..models import Dropped, Item, Skipped, SourceResult
from ._text.refs import RefAllocator, slug
from ._text.regions import skipped_regions
from .base import Adapter

BULLET = re.compile(r"^(?P<indent>[ \t]*)[-*+](?:[ \t]+(?P<text>.*)|[ \t]*)$")
PROPERTY = re.compile(r"^[ \t]*[A-Za-z][\w.-]*::(?:[ \t]|$)")
CARD_TAG = re.compile(r"(?<!\S)(?:#card|#\[\[card\]\]|\[\[card\]\])(?![\w/-])", re.IGNORECASE)
TAG = re.compile(r"(?<![\S])#(?:\[\[([^\[\]\n]{1,200})\]\]|([^\s#,.!?;:()\[\]{}\"'`]+))")
CLOZE = re.compile(r"\{\{cloze[ \t]+((?:[^{}]|\{(?!\{)|\}(?!\}))*?)\}\}", re.DOTALL)
HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$")
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
TAB_WIDTH = 2  # a Logseq tab is one level; a level of spaces is two


def _column(indent: str) -> int:
    return sum(TAB_WIDTH if char == "\t" else 1 for char in indent)


@dataclass
class _Block:
    """One bullet: its line, its text lines (continuations), its property lines, its children."""

    line: int  # 0-based
    column: int  # where its bullet stands
    text: list[str] = field(default_factory=list)  # its own text, dedented
    text_lines: list[int] = field(default_factory=list)
    properties: list[int] = field(default_factory=list)
    children: list[_Block] = field(default_factory=list)
    last: int = 0  # its last line, children included

    @property
    def content(self) -> str:
        return "\n".join(self.text).strip()


@dataclass
class _Page:
    lines: list[str]
    source: str
    roots: list[_Block | int] = field(default_factory=list)  # blocks, and lines outside any block
    skipped: dict[int, str] = field(default_factory=dict)
    page_tags: tuple[str, ...] = ()
    items: list[Item] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    refs: RefAllocator = field(default_factory=RefAllocator)


def sniff(text: str) -> float:
    """Sure when two or more bullets outside code fences carry ``#card``."""
    cards, fence = 0, ""
    for line in text.split("\n"):
        marker = FENCE.match(line)
        if marker:
            fence = "" if fence and marker.group(1).startswith(fence) else fence or marker.group(1)
            continue
        if not fence and BULLET.match(line) and CARD_TAG.search(_unspanned(line)):
            cards += 1
            if cards >= 2:
                return 0.97
    return 0.45 if cards else 0.0


def read(text: str, source: str, options: Mapping[str, Any]) -> SourceResult:
    page = _Page(text.split("\n"), source)
    _outline(page)
    _walk(page, page.roots, ())
    return SourceResult(source, "logseq-cards", tuple(page.items), tuple(page.dropped), (),
                        _skipped_regions(page))


# --- outline ----------------------------------------------------------------------------------


def _outline(page: _Page) -> None:
    """Bullets into a tree; page properties and lines outside every bullet noted as they come."""
    stack: list[_Block] = []
    fence = ""
    start = _page_properties(page)
    for index in range(start, len(page.lines)):
        line = page.lines[index]
        current = stack[-1] if stack else None
        if fence:  # inside a fence: part of the block (or the prose) that opened it
            fence = _fence_after(line, fence)
            _add_line(page, current, index, line, stack)
            continue
        bullet = BULLET.match(line)
        if bullet:
            column = _column(bullet["indent"])
            while stack and stack[-1].column >= column:
                stack.pop()
            block = _Block(index, column, last=index)
            if bullet["text"] is not None and bullet["text"].strip():
                block.text.append(bullet["text"].rstrip())
                block.text_lines.append(index)
            (stack[-1].children if stack else page.roots).append(block)
            stack.append(block)
            for parent in stack:
                parent.last = index
            fence = _fence_after(bullet["text"] or "", "")
            continue
        if not line.strip():
            continue
        if current and _column(line[:len(line) - len(line.lstrip())]) > current.column:
            fence = _fence_after(line, "")
            _add_line(page, current, index, line, stack)
            continue
        stack.clear()  # prose at the page's margin ends the outline above it
        page.roots.append(index)
        fence = _fence_after(line, "")


def _fence_after(line: str, fence: str) -> str:
    """The fence still open after ``line`` ("" when none)."""
    marker = FENCE.match(line)
    if not marker:
        return fence
    if fence:
        closes = marker.group(1).startswith(fence) and not line.strip()[len(marker.group(1)):].strip()
        return "" if closes else fence
    return marker.group(1)


def _add_line(page: _Page, block: _Block | None, index: int, line: str, stack: list[_Block]) -> None:
    if block is None:
        page.roots.append(index)
        return
    if PROPERTY.match(line) and not block.children and not _open_fence(block.text):
        block.properties.append(index)
    else:
        block.text.append(_dedent(line, block.column + 2))
        block.text_lines.append(index)
    for parent in stack:
        parent.last = index


def _open_fence(text: list[str]) -> bool:
    fence = ""
    for line in text:
        fence = _fence_after(line, fence)
    return bool(fence)


def _dedent(line: str, column: int) -> str:
    """``line`` with up to ``column`` columns of its indentation taken off."""
    taken = 0
    for position, char in enumerate(line):
        if taken >= column or char not in " \t":
            return line[position:]
        taken += TAB_WIDTH if char == "\t" else 1
    return ""


def _page_properties(page: _Page) -> int:
    """The ``key:: value`` lines (or YAML front matter) opening the page: skipped, their tags kept
    for every card."""
    front = _front_matter(page)
    if front:
        return front
    index = 0
    tags: list[str] = []
    lines = page.lines
    while index < len(lines) and PROPERTY.match(lines[index]) and not BULLET.match(lines[index]):
        key, _, value = page.lines[index].partition("::")
        if key.strip().casefold() in ("tags", "tag"):
            tags += [_tag_name(tag) for tag in re.split(r",\s*", value.strip()) if tag.strip()]
        page.skipped[index] = "page-properties"
        index += 1
    page.page_tags = tuple(tag for tag in tags if tag)
    return index


def _front_matter(page: _Page) -> int:
    """Lines of a ``---`` YAML block opening the page (0: none); its ``tags`` become page tags."""
    if not page.lines or page.lines[0].strip() != "---":
        return 0
    end = next((i for i in range(1, len(page.lines)) if page.lines[i].strip() in ("---", "...")), None)
    if end is None:
        return 0
    try:
        data = yaml.safe_load("\n".join(page.lines[1:end]))
    except yaml.YAMLError:
        data = None
    tags = data.get("tags") if isinstance(data, dict) else None
    if isinstance(tags, str):
        tags = re.split(r"[,\s]+", tags)
    page.page_tags = tuple(_tag_name(str(tag)) for tag in tags or [] if str(tag).strip())
    page.skipped.update(dict.fromkeys(range(end + 1), "front-matter"))
    return end + 1


def _tag_name(tag: str) -> str:
    tag = tag.strip().lstrip("#").strip()
    if tag.startswith("[[") and tag.endswith("]]"):
        tag = tag[2:-2]
    return tag.strip().replace(" ", "_")


# --- cards ------------------------------------------------------------------------------------


def _walk(page: _Page, nodes: list[_Block | int], headings: tuple[tuple[int, str], ...]) -> None:
    """Cards of ``nodes`` in order; ``headings``: (column, title) of the sections they are in."""
    for node in nodes:
        if isinstance(node, int):
            heading = HEADING.match(page.lines[node].strip())
            page.skipped[node] = "section-title" if heading else "notes"
            if heading:  # a markdown heading: below every bullet's column, deeper levels to the right
                column = len(heading.group(1)) - 7
                headings = (*(entry for entry in headings if entry[0] < column),
                            (column, _plain_title(heading.group(2))))
            continue
        headings = tuple(entry for entry in headings if entry[0] <= node.column)
        heading = HEADING.match(node.content) if "\n" not in node.content else None
        if _is_card(node):  # its children are its answer
            _card(page, node, headings)
            page.skipped.update(dict.fromkeys(_properties(node), "properties"))
            continue
        if heading:  # a section: it titles the blocks below it and the ones after it
            title = _plain_title(heading.group(2))
            headings = (*(entry for entry in headings if entry[0] < node.column), (node.column, title))
            page.skipped[node.line] = "section-title"
        else:
            page.skipped.update(dict.fromkeys(node.text_lines or [node.line], "notes"))
        page.skipped.update(dict.fromkeys(node.properties, "properties"))
        _walk(page, list(node.children), headings)


def _properties(block: _Block) -> list[int]:
    return [*block.properties, *(line for child in block.children for line in _properties(child))]


def _is_card(block: _Block) -> bool:
    text = _unspanned(block.content)
    return bool(CARD_TAG.search(text) or CLOZE.search(text))


def _card(page: _Page, block: _Block, headings: tuple[tuple[int, str], ...]) -> None:
    question, tags = _untagged(block.content)
    heading = HEADING.match(question)
    if heading:
        question = heading.group(2)
    answer = _answer(block.children)
    meta: dict[str, str] = {}
    if CLOZE.search(question):
        answer = "\n\n".join(part for part in (_revealed(question), answer) if part)
        question = CLOZE.sub("[...]", question)
        meta["cloze"] = "yes"
        if not re.sub(r"\[\.\.\.\]|\W", "", question):
            question = ""  # all of it hidden: the front would ask nothing
    titles = [title for _, title in headings]
    if titles:
        meta = {"topic": titles[0], **({"subtopic": "/".join(titles[1:])} if titles[1:] else {}), **meta}
    ref = page.refs(slug(question))
    line, end = block.line + 1, block.last + 1
    if not question.strip():
        page.dropped.append(Dropped(page.source, ref, line, "no-question", "", end_line=end))
    elif not answer.strip():
        page.dropped.append(Dropped(page.source, ref, line, "empty-answer", question, end_line=end))
    else:
        page.items.append(Item(question=question.strip(), answer=answer, source=page.source, ref=ref,
                               line=line, end_line=end, meta=meta,
                               tags=tuple(dict.fromkeys(page.page_tags + tags))))


def _untagged(text: str) -> tuple[str, tuple[str, ...]]:
    """``text`` without its ``#tags`` (outside code), and the tags other than ``#card``."""
    tags: list[str] = []

    def take(match: re.Match[str]) -> str:
        name = (match.group(1) or match.group(2)).strip()
        if name.casefold() != "card":
            tags.append(name.replace(" ", "_"))
        return ""

    parts = re.split(r"(`+[^`]*`+)", text)
    cleaned = "".join(part if part.startswith("`") else TAG.sub(take, part.replace("[[card]]", ""))
                      for part in parts)
    return re.sub(r"[ \t]{2,}", " ", cleaned).strip(), tuple(tags)


def _answer(children: list[_Block]) -> str:
    """The bullets below a card as markdown: one child's text as it is, several as a list."""
    if len(children) == 1 and not children[0].children:
        return _revealed(children[0].content)
    return "\n".join(_list_lines(children, 0)).strip()


def _list_lines(blocks: list[_Block], depth: int) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        text = _revealed(block.content).split("\n") if block.content else [""]
        pad = "  " * depth
        lines.append(f"{pad}- {text[0]}".rstrip())
        lines += [f"{pad}  {line}".rstrip() for line in text[1:]]
        lines += _list_lines(block.children, depth + 1)
    return lines


def _revealed(text: str) -> str:
    """An answer's text: clozes shown in bold, ``#card`` tags gone."""
    return CARD_TAG.sub("", CLOZE.sub(_bold, text)).strip()


def _bold(match: re.Match[str]) -> str:
    shown = match.group(1).strip()
    return f"<b>{shown}</b>" if "*" in shown or "\n" in shown else f"**{shown}**"


def _plain_title(title: str) -> str:
    return re.sub(r"[*_`]", "", title).strip()


def _unspanned(text: str) -> str:
    return CODE_SPAN.sub(lambda match: " " * len(match.group(0)), text)


def _skipped_regions(page: _Page) -> tuple[Skipped, ...]:
    """Skipped lines merged into regions of one reason (blank lines between are part of them)."""
    marks = ((line, page.skipped[line]) for line in sorted(page.skipped))
    return skipped_regions(page.source, page.lines, marks)


ADAPTER = Adapter(
    name="logseq-cards",
    summary="Logseq pages with flashcards: #card blocks answered by their child bullets, {{cloze}}",
    sniff=sniff,
    read=read,
)
