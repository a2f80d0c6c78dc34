"""How deep a source nests, measured without recursion, so no input can overflow the stack.

The parsers recurse once per level (``json``, the record walkers, markdown-it's lists and
quotes) and Python's stack ends near 1,000 frames. So structured text is measured here before
it is parsed, and refused past ``limits.nesting`` with the line where it goes too deep;
markdown deeper than that is flattened to it, every line kept, since a card must not lose text
to a formatting excess.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import accumulate
from typing import Any

import yaml

#: markdown-it nests a list or quote a few stack frames per level, so markdown is flattened
#: below this whatever ``limits.nesting`` allows.
MARKDOWN_MAX_NESTING = 200

# --- JSON ------------------------------------------------------------------------------------

_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]')
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_too_deep(text: str, limit: int) -> int | None:
    """The line where JSON ``text`` first nests deeper than ``limit`` containers, else None.

    Brackets inside strings do not count. The common case (not too deep) runs at C speed;
    only a text that is too deep is walked token by token to find the line.
    """
    if text.count("[") + text.count("{") <= limit:
        return None
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    if max(accumulate(map(_STEP.__getitem__, brackets)), default=0) <= limit:
        return None
    depth = 0
    for token in _JSON_TOKEN.finditer(text):
        step = _STEP.get(token.group(), 0)
        depth += step
        if step > 0 and depth > limit:
            return text.count("\n", 0, token.start()) + 1
    return None


# --- YAML ------------------------------------------------------------------------------------

_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_OPEN_EVENTS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE_EVENTS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def yaml_too_deep(text: str, limit: int) -> int | None:
    """The line where YAML ``text`` first nests deeper than ``limit`` collections, else None.

    Read as a stream of parser events (no tree, no recursion). Each level needs a line of its
    own, a flow bracket or a compact ``- ``/``? ``, so a text with fewer of those is not scanned.
    Broken YAML is left to the reader, which says where it is broken.
    """
    markers = text.count("\n") + text.count("[") + text.count("{") + text.count("- ") + text.count("? ")
    if markers < limit:
        return None
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, _OPEN_EVENTS):
                depth += 1
                if depth > limit:
                    return event.start_mark.line + 1 if event.start_mark else 1
            elif isinstance(event, _CLOSE_EVENTS):
                depth -= 1
    except yaml.YAMLError:
        return None
    return None


# --- shared values (YAML aliases, devalue references) ----------------------------------------


def expands_beyond(tree: Any, budget: int) -> bool:
    """Whether ``tree`` holds more than ``budget`` values once shared containers are counted
    each time they are used: YAML aliases of aliases ("billion laughs") and devalue references
    can make a few kilobytes stand for billions of strings. Stops after ``budget`` values."""
    stack = [tree]
    count = 0
    while stack:
        node = stack.pop()
        count += 1
        if count > budget:
            return True
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def expansion_budget(text: str) -> int:
    """Values a text of this size may stand for: generous for real anchors, far below a bomb."""
    return max(1_000_000, 10 * len(text))


# --- markdown --------------------------------------------------------------------------------

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_QUOTES = re.compile(r"(?:[ \t]{0,3}>[ \t]?)*")
#: One container marker at the start of what is left of a line: a quote or a list item.
_MARKER = re.compile(r"[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$))[ \t]?")
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)")
#: What every nesting level needs: its own line, a ``>``, or a list marker and its space.
_DEPTH_HINTS = ("\n", ">", "- ", "* ", "+ ", ". ", ") ", "\t")


def cap_markdown(text: str, limit: int) -> tuple[str, int | None]:
    """``text`` with lists and quotes nested deeper than ``limit`` flattened to that depth.

    List items beyond the limit move out to their list's first level, and surplus ``>`` or
    list markers are dropped; every word stays. Returns the text and the 0-based index of the
    first line changed (None when nothing was: then the text is returned as it was).
    Depth is counted as the renderer does: list items by their indent, plus the markers a
    line opens with.
    """
    if sum(map(text.count, _DEPTH_HINTS)) < limit:  # each level needs a line or a marker
        return text, None
    lines = text.split("\n")
    first: int | None = None
    for index, capped in _capped_lines(lines, limit):
        lines[index] = capped
        first = index if first is None else first
    return ("\n".join(lines), first) if first is not None else (text, None)


def _capped_lines(lines: list[str], limit: int) -> Iterator[tuple[int, str]]:
    """``(index, new line)`` for each line nested deeper than ``limit``."""
    lists: dict[int, list[int]] = {}  # per quote depth: the indents of its open list items
    fence = ""
    for index, line in enumerate(lines):
        prefix = _QUOTES.match(line).group()  # type: ignore[union-attr]  # matches every line
        rest = line[len(prefix):]
        opening = _FENCE.match(rest)
        if fence or opening:
            if opening and (not fence or opening.group(1).startswith(fence)):
                fence = "" if fence else opening.group(1)
            continue
        if not rest.strip():
            continue
        quotes = min(prefix.count(">"), limit)
        for deeper in [depth for depth in lists if depth > quotes]:
            del lists[deeper]
        indents = lists.setdefault(quotes, [])
        item = _LIST_ITEM.match(rest)
        if item:
            rest = _nest(rest, indents, limit - quotes)
        elif rest[:1] not in " \t":
            indents.clear()
        capped = _quote_prefix(prefix, limit) + _cap_markers(rest, limit - quotes - len(indents) + bool(item))
        if capped != line:
            yield index, capped


def _nest(line: str, indents: list[int], limit: int) -> str:
    """Track the item's level; past ``limit`` it moves out to the list's first level.

    Not to the deepest level allowed: thousands of items left at level 200 would make a card
    two hundred indents wide.
    """
    indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())
    while indents and indent < indents[-1]:
        indents.pop()
    if not indents or indent > indents[-1]:
        if len(indents) < limit:
            indents.append(indent)
        elif indents:
            return " " * indents[0] + line.lstrip()
    return line


def _quote_prefix(prefix: str, limit: int) -> str:
    """A line's ``>`` markers, at most ``limit`` of them."""
    if prefix.count(">") <= limit:
        return prefix
    cut = [index for index, char in enumerate(prefix) if char == ">"][limit - 1] if limit > 0 else -1
    return prefix[:cut + 1] + " " if limit > 0 else ""


def _cap_markers(line: str, allowed: int) -> str:
    """The line with at most ``allowed`` leading container markers (at least its text)."""
    allowed = max(allowed, 0)
    position, markers, keep_end = 0, 0, 0
    while (match := _MARKER.match(line, position)) and match.end() > position:
        markers += 1
        position = match.end()
        if markers <= allowed:
            keep_end = position
    if markers <= allowed:
        return line
    return line[:keep_end] + line[position:]


# --- HTML ------------------------------------------------------------------------------------

#: Block elements whose start tag makes a browser's parser (nh3's html5ever) look through every
#: open element: nested thousands deep, sanitizing turns quadratic (40,000 ``<div>``: 5 s).
#: ``p``, ``li``, ``dd``, ``dt`` close themselves, so they never pile up and are not counted.
_BLOCK_TAG = re.compile(
    r"<(/?)(?:address|article|aside|blockquote|center|details|dialog|dir|div|dl|fieldset|figcaption"
    r"|figure|footer|form|header|hgroup|main|menu|nav|ol|section|summary|table|ul)\b[^<>]*>",
    re.IGNORECASE,
)


def cap_html_nesting(html: str, limit: int) -> str:
    """``html`` with block elements nested deeper than ``limit`` unwrapped: their start and end
    tags dropped, their content kept in the element around them."""
    if html.count("<") <= limit:
        return html
    kept: list[bool] = []  # per open element: whether its tags stay
    depth = 0
    pieces: list[str] = []
    last = 0
    for tag in _BLOCK_TAG.finditer(html):
        if tag.group(1):  # an end tag: it goes with the innermost open element
            keep = kept.pop() if kept else True
            if keep and depth:
                depth -= 1
        else:
            keep = depth < limit
            kept.append(keep)
            if keep:
                depth += 1
        if not keep:
            pieces.append(html[last:tag.start()])
            last = tag.end()
    return "".join(pieces) + html[last:] if pieces else html
