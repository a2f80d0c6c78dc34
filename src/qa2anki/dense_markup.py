"""Markup that can never match, defused so Python-Markdown reads it in linear time.

Python-Markdown scans to the end of a paragraph for the ``]`` of every ``[`` and the ``)`` of
every ``](``, and Python's HTML parser to the end of a line for the ``>`` of every ``<a``: a
line of 10,000 ``[`` took 10 s and a 1 MB one would take a day. Such a ``[`` or ``<`` shows as
itself anyway, so escaping it changes nothing on the card. Only text dense with them (see
:data:`DENSE`) is touched, so ordinary answers reach the renderer byte for byte as written.
"""

from __future__ import annotations

import re

#: A paragraph (or line, for ``<``) with fewer of the character than this is left alone.
DENSE = 64
#: Link text nests brackets this deep at most; deeper pairs are text (each costs a scan).
MAX_BRACKET_DEPTH = 8

_CODE_SPAN = re.compile(r"(`+).+?\1")
_INDENTED = ("    ", "\t")


def defuse_brackets(lines: list[str]) -> list[str]:
    """``lines`` with every ``[`` that cannot open a link escaped, in paragraphs dense with ``[``."""
    out: list[str] = []
    block: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            block.append(line)
            continue
        dense = block and "\n".join(block).count("[") >= DENSE and not block[0].startswith(_INDENTED)
        out.extend(_escaped(block) if dense else block)
        block = []
        out.append(line)
    return out[:-1]


def _escaped(block: list[str]) -> list[str]:
    text = "\n".join(block)
    hopeless = _hopeless_brackets(text)
    if not hopeless:
        return block
    pieces, last = [], 0
    for position in sorted(hopeless):
        pieces += [text[last:position], "\\"]
        last = position
    pieces.append(text[last:])
    return "".join(pieces).split("\n")


def _hopeless_brackets(text: str) -> set[int]:
    """Positions of the ``[`` (and ``]``) that Python-Markdown would scan for in vain: no ``]``,
    a ``](`` with no ``)``, or nested past :data:`MAX_BRACKET_DEPTH`. Code spans are skipped."""
    brackets, parens = _pairs(text)
    hopeless: set[int] = set()
    depth: list[int] = []  # closing positions of the open pairs, innermost last
    for start in sorted(i for i, char in _markup_chars(text) if char == "["):
        while depth and depth[-1] < start:
            depth.pop()
        end = brackets.get(start)
        if end is None:
            hopeless.add(start)
            continue
        depth.append(end)
        if len(depth) > MAX_BRACKET_DEPTH:
            hopeless.update((start, end))
        elif text.startswith("(", end + 1) and end + 1 not in parens:
            hopeless.add(start)
    return hopeless


def _pairs(text: str) -> tuple[dict[int, int], set[int]]:
    """Matching ``[``→``]`` positions, and the ``(`` that have a matching ``)``."""
    brackets: dict[int, int] = {}
    parens: set[int] = set()
    open_brackets: list[int] = []
    open_parens: list[int] = []
    for index, char in _markup_chars(text):
        if char == "[":
            open_brackets.append(index)
        elif char == "]" and open_brackets:
            brackets[open_brackets.pop()] = index
        elif char == "(":
            open_parens.append(index)
        elif char == ")" and open_parens:
            parens.add(open_parens.pop())
    return brackets, parens


def _markup_chars(text: str) -> list[tuple[int, str]]:
    """Each bracket and paren outside code spans and not backslash-escaped, with its position."""
    spans = [(m.start(), m.end()) for m in _CODE_SPAN.finditer(text)] if "`" in text else []
    found: list[tuple[int, str]] = []
    span = 0
    for match in re.finditer(r"\\.|[\[\]()]", text):
        index = match.start()
        while span < len(spans) and spans[span][1] <= index:
            span += 1
        if match.group()[0] == "\\" or (span < len(spans) and spans[span][0] <= index):
            continue
        found.append((index, match.group()))
    return found


def unclosed_tags(line: str) -> set[int]:
    """In a line dense with ``<``, those with no ``>`` before the next ``<``: never a tag, and
    each costs Python's HTML parser a scan to the end of the line."""
    if line.count("<") < DENSE:
        return set()
    unclosed: set[int] = set()
    next_close = next_open = len(line)
    for index in range(len(line) - 1, -1, -1):
        char = line[index]
        if char == ">":
            next_close = index
        elif char == "<":
            if next_close > next_open:
                unclosed.add(index)
            next_open = index
    return unclosed


# --- paragraphs too long and too dense to render in time ---------------------------------------

#: Python-Markdown rebuilds a paragraph's text after every inline match, so a paragraph costs
#: about (its length) x (its markup characters); past this budget it is split (~0.1 s each).
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
