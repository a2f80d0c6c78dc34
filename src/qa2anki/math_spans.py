"""Where TeX math is in markdown: ``$…$``, ``$$…$$``, ``\\(…\\)``, ``\\[…\\]`` and a display
environment standing on its own lines (``\\begin{align}`` … ``\\end{align}``, as MathJax and
Jupyter typeset it without delimiters).

A dollar in prose is money or a shell variable far more often than math, so the dollar rule is
pandoc's: the opening ``$`` has a non-space right after it, the closing ``$`` a non-space right
before it and no digit right after it (``costs $5 and $10`` is text). markdown-it-py's
``dollarmath`` plugin implements exactly that rule, and markdown-it-py knows what is code (fences,
indented blocks, code spans) and what is HTML, so math is looked for only where a reader would
see prose. The answer's renderer and the outline of markdown sources parse with the same rules
(:mod:`.gfm`), so they agree on what is math.

The bracket delimiters get two small rules of their own rather than mdit-py-plugins' ``texmath``
ones: those drop the text after ``\\]`` on its line and rescan the rest of the document for every
unclosed ``\\(``. Here display math ``\\[…\\]`` must stand on its own lines (``\\[1\\] Smith`` is
an escaped citation mark, not math), and one failed search for a closer ends all later searches.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.ruler import RuleOptionsType
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.dollarmath.index import math_block_dollar, math_inline_dollar

#: Every delimiter these rules recognise; text without any of them holds no math.
MATH_MARKERS = ("$", "\\(", "\\[", "\\begin{")
#: Environments TeX typesets as display math of their own (``\\begin{align}`` with no ``$$``);
#: a matrix or ``cases`` belongs inside a formula, so alone on its lines it is no math.
DISPLAY_ENVIRONMENTS = re.compile(
    r"\\begin\{(?P<name>(?:equation|align|alignat|flalign|gather|multline|eqnarray)\*?)\}"
)
_RECORD = "qa2anki_math_spans"  # env key: (src, start, end, token) of each inline formula
_NO_CLOSER = "qa2anki_math_no_closer"  # env key: (id(src), closer) -> a start with nothing after it
_UNCLOSED_UNTIL = "qa2anki_math_unclosed_until"  # env key: a line no ``\\[`` before it can close
_DOLLAR_LINES = "qa2anki_math_dollar_lines"  # env key: lines ending in ``$$``, blank lines
_DELIMITERS = {"$": "$", "$$": "$$", "\\(": "\\)", "\\[": "\\]"}
InlineRule = Callable[[StateInline, bool], bool]
BlockRule = Callable[[StateBlock, int, int, bool], bool]


@dataclass(frozen=True)
class MathSpan:
    """One formula: ``text[start:end]`` is it with its delimiters; ``tex`` is what is inside."""

    start: int
    end: int
    tex: str
    display: bool


def has_math_marker(text: str) -> bool:
    return any(marker in text for marker in MATH_MARKERS)


def math_spans(text: str) -> list[MathSpan]:
    """Every formula in the markdown ``text``, in order, never inside code or HTML."""
    if not has_math_marker(text):
        return []
    env: dict[str, Any] = {}
    tokens = _parser().parse(text, env)
    lines = text.split("\n")
    starts = _line_starts(lines)
    contents = {id(token.content) for token in tokens if token.type == "inline"}
    records = [record for record in env.get(_RECORD, []) if id(record[0]) in contents]  # not alt texts
    spans: list[MathSpan] = []
    used: dict[int, int] = {}  # source line -> column where its next inline content may start
    cursor = 0
    for token in tokens:
        if token.type in ("math_block", "math_block_brackets") and token.map:
            spans.extend(_block_span(token, lines, starts))
        elif token.type == "inline" and token.map:
            own = []
            while cursor < len(records) and records[cursor][0] is token.content:
                own.append(records[cursor])
                cursor += 1
            spans.extend(_inline_spans(token, own, lines, starts, used))
    return [span for span in spans if _delimited(text, span)]


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    """The shared rules (:mod:`.gfm`), remembering where each formula is."""
    from .gfm import github_markdown  # it teaches its parsers this module's rules

    return github_markdown(record_math=True)


def add_math_rules(md: MarkdownIt, record: bool = False) -> None:
    """Teach ``md`` the math delimiters, so math is never read as emphasis, lists or headings.

    ``record`` remembers where each inline formula is (for :func:`math_spans`).
    """
    inline: list[tuple[str, InlineRule]] = [
        ("math_inline", math_inline_dollar(allow_space=False, allow_digits=False, allow_double=True)),
        ("math_inline_brackets", _inline_brackets),
        ("math_display_brackets", _display_brackets),
    ]
    for name, rule in inline:
        md.inline.ruler.before("escape", name, _recording(rule) if record else rule)
    # display math may follow a line of text directly, as pandoc and kramdown read it
    interrupts: RuleOptionsType = {"alt": ["paragraph", "reference", "blockquote", "list"]}
    dollar_block = _quiet(_bounded(math_block_dollar(False, None, False)))
    md.block.ruler.before("fence", "math_block", dollar_block, interrupts)
    md.block.ruler.before("fence", "math_block_brackets", _block_brackets, interrupts)
    md.block.ruler.before("fence", "math_block_environment", _block_environment, interrupts)


def _quiet(rule: BlockRule) -> BlockRule:
    """``dollarmath``'s block rule adds its token even when only asked whether it matches (it is
    asked that once it may end a paragraph): in that case its token is taken back."""

    def quiet(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        count, line = len(state.tokens), state.line
        found = rule(state, start_line, end_line, silent)
        if silent:
            del state.tokens[count:]
            state.line = line
        return found

    return quiet


def _bounded(rule: BlockRule) -> BlockRule:
    """``dollarmath``'s block rule looks for the closing ``$$`` line by line to the end of the
    paragraph for every opening one: with many unclosed ``$$`` lines that is quadratic. Asked
    only when a line ending in ``$$`` follows before the next blank line, it scans no further."""

    def bounded(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        begin = state.bMarks[start_line] + state.tShift[start_line]
        if not state.src.startswith("$$", begin):
            return False
        first = state.src[begin:state.eMarks[start_line]].strip()
        if not (len(first) > 3 and first.endswith("$$")):
            closers, blanks = _dollar_lines(state)
            closer = closers[bisect.bisect_right(closers, start_line):][:1]
            blank = blanks[bisect.bisect_right(blanks, start_line):][:1]
            if not closer or closer[0] >= end_line or (blank and blank[0] < closer[0]):
                return False
        return rule(state, start_line, end_line, silent)

    return bounded


def _dollar_lines(state: StateBlock) -> tuple[list[int], list[int]]:
    """The source's lines that end with ``$$`` and its blank lines, found once per parse."""
    if _DOLLAR_LINES not in state.env:
        lines = [line.strip() for line in state.src.split("\n")]
        state.env[_DOLLAR_LINES] = ([i for i, line in enumerate(lines) if line.endswith("$$")],
                                    [i for i, line in enumerate(lines) if not line])
    found: tuple[list[int], list[int]] = state.env[_DOLLAR_LINES]
    return found


def _recording(rule: InlineRule) -> InlineRule:
    def recording(state: StateInline, silent: bool) -> bool:
        start = state.pos
        if not rule(state, silent):
            return False
        if not silent:
            state.env.setdefault(_RECORD, []).append((state.src, start, state.pos, state.tokens[-1]))
        return True

    return recording


# --- bracket delimiters ----------------------------------------------------------------------


def _find_closer(state: StateInline, closer: str, start: int) -> int:
    """The index of an unescaped ``closer`` at or after ``start``, or -1 (remembered: linear)."""
    misses = state.env.setdefault(_NO_CLOSER, {})
    key = (id(state.src), closer)
    if key in misses and start >= misses[key]:
        return -1
    found = state.src.find(closer, start)
    while found > 0 and _escaped(state.src, found):
        found = state.src.find(closer, found + 1)
    if found < 0:
        misses[key] = start
    return found


def _escaped(src: str, index: int) -> bool:
    """Whether the character at ``index`` follows an odd run of backslashes."""
    run = 0
    while index - run - 1 >= 0 and src[index - run - 1] == "\\":
        run += 1
    return run % 2 == 1


def _inline_brackets(state: StateInline, silent: bool) -> bool:
    """``\\(…\\)``: inline math."""
    return _bracket_rule(state, silent, "\\(", "math_inline_brackets", own_lines=False)


def _display_brackets(state: StateInline, silent: bool) -> bool:
    """``\\[…\\]`` standing on its own lines inside a paragraph: display math."""
    return _bracket_rule(state, silent, "\\[", "math_display_brackets", own_lines=True)


def _bracket_rule(state: StateInline, silent: bool, opener: str, name: str, own_lines: bool) -> bool:
    src, pos = state.src, state.pos
    if not src.startswith(opener, pos) or _escaped(src, pos):
        return False
    if own_lines and src[src.rfind("\n", 0, pos) + 1:pos].strip():
        return False
    end = _find_closer(state, _DELIMITERS[opener], pos + 2)
    if end < 0 or not src[pos + 2:end].strip():
        return False
    line_end = src.find("\n", end)
    if own_lines and src[end + 2:line_end if line_end >= 0 else len(src)].strip():
        return False
    if not silent:
        token = state.push(name, "math", 0)
        token.content = src[pos + 2:end]
        token.markup = opener
    state.pos = end + 2
    return True


def _block_brackets(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """``\\[`` opening a block, closed by a ``\\]`` that ends its line; no blank line between."""
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False  # indented code
    if start_line < state.env.get(_UNCLOSED_UNTIL, -1):
        return False  # an earlier opener found no closer up to there: neither can this one
    pieces = []
    for line in range(start_line, end_line):
        text = state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]].rstrip()
        if line == start_line and not text.startswith("\\["):
            return False
        if not text:
            break  # a blank line ends the paragraph, and with it the formula
        pieces.append(text[2:] if line == start_line else text)
        if pieces[-1].endswith("\\]") and not _escaped(pieces[-1], len(pieces[-1]) - 2):
            return _bracket_block(state, start_line, line, "\n".join(pieces)[:-2], silent)
    state.env[_UNCLOSED_UNTIL] = start_line + len(pieces)
    return False


def _block_environment(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """``\\begin{align}`` opening a line, closed by ``\\end{align}`` ending a line; no blank line
    between (TeX allows none inside the environment)."""
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False  # indented code
    first = state.src[state.bMarks[start_line] + state.tShift[start_line]:state.eMarks[start_line]].rstrip()
    opened = DISPLAY_ENVIRONMENTS.match(first)
    if not opened:
        return False
    closer = f"\\end{{{opened.group('name')}}}"
    pieces = []
    for line in range(start_line, end_line):
        text = state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]].rstrip()
        if not text:
            return False
        pieces.append(text)
        if text.endswith(closer) and (line > start_line or len(text) > len(opened.group(0))):
            if not silent:
                token = state.push("math_block_brackets", "math", 0)
                token.block = True
                token.content = "\n".join(pieces)
                token.markup = opened.group(0)
                token.map = [start_line, line + 1]
                state.line = line + 1
            return True
    return False


def _bracket_block(state: StateBlock, start_line: int, last_line: int, content: str, silent: bool) -> bool:
    if not content.strip():
        return False
    if not silent:
        token = state.push("math_block_brackets", "math", 0)
        token.block = True
        token.content = content
        token.markup = "\\["
        token.map = [start_line, last_line + 1]
        state.line = last_line + 1
    return True


# --- from tokens back to the source ----------------------------------------------------------


def _line_starts(lines: list[str]) -> list[int]:
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    return starts


def _delimited(text: str, span: MathSpan) -> bool:
    """A located formula really is its delimiters around its TeX (else it is left as text)."""
    found = text[span.start:span.end]
    environment = DISPLAY_ENVIRONMENTS.match(found)
    if environment:
        return found.endswith(f"\\end{{{environment.group('name')}}}")
    opener = next((o for o in ("$$", "$", "\\(", "\\[") if found.startswith(o)), "")
    return bool(opener) and found.endswith(_DELIMITERS[opener]) and len(found) > 2 * len(opener) - 1


def _block_span(token: Token, lines: list[str], starts: list[int]) -> list[MathSpan]:
    """A display block: from its opening delimiter to the end of its closing line."""
    first, last = token.map or (0, 0)
    column = lines[first].find(token.markup)
    if column < 0 or not token.content.strip():
        return []
    end = starts[last - 1] + len(lines[last - 1].rstrip())
    return [MathSpan(starts[first] + column, end, token.content, True)]


def _inline_spans(token: Token, records: list[Any], lines: list[str], starts: list[int],
                  used: dict[int, int]) -> list[MathSpan]:
    """Each recorded formula of an inline token, placed in the source by its content's lines."""
    if not records:
        return []
    columns = _content_columns(token, lines, used)
    if columns is None:
        return []  # the content is not a plain cut of the source: leave its formulas as text
    content_starts = _line_starts(token.content.split("\n"))
    spans = []
    for _, start, end, math in records:
        spans.append(MathSpan(
            _source_offset(start, content_starts, columns, starts),
            _source_offset(end, content_starts, columns, starts),
            math.content, math.markup in ("$$", "\\["),
        ))
    return spans


def _content_columns(token: Token, lines: list[str], used: dict[int, int]) -> list[tuple[int, int]] | None:
    """For each line of the token's content: the source line it was cut from and the column.

    A paragraph's lines are the ends of its source lines (the container's indent and markers
    cut off); a heading's or a table cell's text sits inside its line, after what came before.
    """
    first = (token.map or (0, 0))[0]
    out = []
    for index, piece in enumerate(token.content.split("\n")):
        number = first + index
        if number >= len(lines):
            return None
        source, piece = lines[number], piece.rstrip()
        column = len(source.rstrip()) - len(piece)
        if column < used.get(number, 0) or source[column:column + len(piece)] != piece:
            column = source.find(piece, used.get(number, 0))
            if column < 0:
                return None
        used[number] = column + len(piece)
        out.append((number, column))
    return out


def _source_offset(position: int, content_starts: list[int], columns: list[tuple[int, int]],
                   starts: list[int]) -> int:
    index = bisect.bisect_right(content_starts, position) - 1
    number, column = columns[index]
    return starts[number] + column + position - content_starts[index]
