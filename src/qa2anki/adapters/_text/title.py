"""A source's own title, so cards can name where they came from in words a learner reads.

Found from the document's structure, whatever its format: the heading a reader set aside as the
page's title, a ``title:`` in its front matter, the short first line of its introduction (a
copied blog page starts with its headline), else what every item of a structured source
shares (a payload's framework and topic). "" when the document has none: its file name serves.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ...models import Item, Skipped

#: A title is a headline: a few words, never a sentence or a link.
_MAX_WORDS = 14
_MAX_CHARS = 100
_NOT_A_HEADLINE = re.compile(r"[.!;:,]$|https?://|^\s*(?:[-*+>|]|\d+[.)]\s)")
_HEADING_MARKS = re.compile(r"^\s{0,3}#{1,6}\s+|\s+#+\s*$")
_EMPHASIS = re.compile(r"[*_`]+")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")  # [text](url): its text
_UNDERLINE = re.compile(r"\s*(?:={2,}|-{2,})\s*")  # a setext heading's second line
_FRONT_TITLE = re.compile(r"^title:\s*(.+?)\s*$", re.IGNORECASE)
#: Meta keys naming what a whole structured source is about, broadest first.
_SHARED_KEYS = ("framework", "language", "deck", "category", "topic")


def document_title(text: str, skipped: Sequence[Skipped], items: Sequence[Item]) -> str:
    """The title ``text`` gives itself (see the module docstring), or ""."""
    lines = text.splitlines()
    for region in sorted(skipped, key=lambda region: region.line):
        body = [line for line in lines[region.line - 1:region.end_line] if not _UNDERLINE.fullmatch(line)]
        if region.reason == "front-matter":
            found = next((m.group(1) for m in map(_FRONT_TITLE.match, body) if m), "")
            if found:
                return _headline(found.strip("\"'"))
        elif region.reason == "title":
            return _headline(" ".join(body))
        elif region.reason == "intro" and region.line == _first_text_line(lines):
            return _headline(body[0]) if body else ""
    return _shared_meta(items)


def _first_text_line(lines: list[str]) -> int:
    return next((number for number, line in enumerate(lines, 1) if line.strip()), 0)


def _headline(line: str) -> str:
    """``line`` as a title, or "" when it reads as a sentence, a link or a list item."""
    line = line.lstrip("\ufeff")
    words = _EMPHASIS.sub("", _LINK.sub(r"\1", _HEADING_MARKS.sub("", line))).split()
    title = " ".join(words)
    if not words or len(words) > _MAX_WORDS or len(title) > _MAX_CHARS or _NOT_A_HEADLINE.search(title):
        return ""
    return title


def _shared_meta(items: Sequence[Item]) -> str:
    """``framework · topic`` when every item of the source has the same ones."""
    if not items:
        return ""
    parts = []
    for key in _SHARED_KEYS:
        values = {" ".join(str(item.meta.get(key) or "").split()) for item in items}
        if len(values) == 1 and (value := values.pop()) and value not in parts:
            parts.append(value)
    return _headline(" · ".join(parts[:2]))
