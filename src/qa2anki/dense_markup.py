"""Paragraphs too long and dense with markup, split so no card holds one unbroken wall of it.

markdown-it reads such text in linear time, but a paragraph of a megabyte of ``[`` or ``*``
is a scraping accident, not prose: it is cut at line ends or spaces, every character kept,
and the read stage warns where.
"""

from __future__ import annotations

import re

# --- paragraphs too long and too dense to render in time ---------------------------------------

#: A paragraph's (length) x (markup characters) past which it is split.
PARAGRAPH_BUDGET = 50_000_000
#: The most characters a split-off paragraph holds.
PARAGRAPH_CHUNK = 10_000
_INLINE_MARKUP = ("\\", "&", "[", "`", "*", "_", "<", "!", "~")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")


def split_dense_paragraphs(text: str) -> tuple[str, int | None]:
    """``text`` with each paragraph too long and dense with markup to render in time (see
    :data:`PARAGRAPH_BUDGET`) cut into paragraphs of at most :data:`PARAGRAPH_CHUNK` characters,
    at line ends or spaces where it can; every character is kept. Returns the text and the
    0-based line where the first split paragraph starts (None, and the text as it was, if none)."""
    if len(text) <= PARAGRAPH_CHUNK or len(text) * _markup_count(text) <= PARAGRAPH_BUDGET:
        return text, None
    out: list[str] = []
    first: int | None = None
    for start, block, prose in _blocks(text.split("\n")):
        joined = "\n".join(block)
        if prose and len(joined) > PARAGRAPH_CHUNK and len(joined) * _markup_count(joined) > PARAGRAPH_BUDGET:
            first = start if first is None else first
            out.append("\n\n".join(_chunks(joined)))
        else:
            out.append(joined)
    return ("\n".join(out), first) if first is not None else (text, None)


def _markup_count(text: str) -> int:
    return sum(map(text.count, _INLINE_MARKUP))


def _blocks(lines: list[str]) -> list[tuple[int, list[str], bool]]:
    """Runs of lines: ``(first index, lines, is a paragraph)``; a paragraph is consecutive
    non-blank lines outside fenced code, everything else stands alone."""
    blocks: list[tuple[int, list[str], bool]] = []
    fence = ""
    for index, line in enumerate(lines):
        opening = _FENCE.match(line)
        code = bool(fence or opening)
        if opening and (not fence or opening.group(1).startswith(fence)):
            fence = "" if fence else opening.group(1)
        prose = not code and bool(line.strip())
        if prose and blocks and blocks[-1][2]:
            blocks[-1][1].append(line)
        else:
            blocks.append((index, [line], prose))
    return blocks


def _chunks(text: str) -> list[str]:
    """``text`` in pieces of at most :data:`PARAGRAPH_CHUNK`, cut after a line end or a space."""
    pieces: list[str] = []
    while len(text) > PARAGRAPH_CHUNK:
        cut = max(text.rfind("\n", 0, PARAGRAPH_CHUNK), text.rfind(" ", 0, PARAGRAPH_CHUNK))
        cut = cut + 1 if cut > 0 else PARAGRAPH_CHUNK
        pieces.append(text[:cut].rstrip("\n"))
        text = text[cut:]
    return [*pieces, text]
