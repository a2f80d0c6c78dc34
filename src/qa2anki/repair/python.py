"""Mend Python samples: rebuild lost line breaks (flattened) and lost indentation (dedented).

Flattened text is cut into statements where Python itself forces a break (two values side by
side, a statement keyword, a block-opening colon, a decorator), with a few real choices kept open
(``return x`` or ``return`` then ``x``; where a comment that swallowed code really ended). Every
statement is checked by the parser on its own, then :mod:`qa2anki.pylayout` picks indentation and
the whole result must parse. Work is bounded: a small number of candidates at every step and a
time budget, so no input blows up.
"""

from __future__ import annotations

import ast
import bisect
import itertools
import re
import time
from dataclasses import dataclass, replace

from .pylayout import layouts, render
from .pylex import COMMENT, NAME, NUMBER, OP, STRING, LexError, Token, lex_run
from .pylines import (
    BLANK,
    COMPOUND,
    Line,
    Row,
    code_line,
    comment_line,
    dedented_lines,
    header_colon,
    statement_ast,
)

TIME_BUDGET = 0.8  # seconds for one sample, whatever its size
TOP_SEGMENTATIONS = 3
MAX_COMMENT_WORDS = 30
MAX_COMMENTS = 150
STATEMENT_COST = 0.1  # fewer, longer statements read more naturally, all else equal
COMMENT_WORD_COST = 0.25  # a word kept in a comment rather than read as code
KEYWORD_LAST_WEIGHT = 4.0  # a comment rarely ends on a statement keyword where code resumes
CODE_WORD_WEIGHT = 2.5  # a word that looks like code ("return", "f(x)", "Item:") weighs more
#: Keywords that are rarely plain English words in a comment.
CODE_KEYWORDS = frozenset(
    {"def", "class", "return", "import", "raise", "yield", "await", "lambda", "elif", "except",
     "finally", "pass", "assert", "del", "try", "while", "async", "None", "True", "False"}
)  # fmt: skip
_CODE_WORD = re.compile(r"[()\[\]{}=]|:$|^@\w")

#: Keywords that can only begin a statement (outside brackets).
STATEMENT_ONLY = frozenset(
    {"def", "class", "return", "import", "pass", "raise", "try", "while", "with", "del", "global",
     "nonlocal", "assert", "break", "continue", "elif", "except", "finally", "for", "async"}
)  # fmt: skip
VALUE_KEYWORDS = frozenset({"True", "False", "None", "pass", "break", "continue"})
#: Keywords that begin a value (so two values side by side mean a new statement).
OPERAND_KEYWORDS = frozenset({"lambda", "await", "yield", "if", "else", "from"})
OPTIONAL_VALUE = frozenset({"return", "yield", "raise"})
STRONG_STARTS = frozenset(
    {"return", "if", "for", "while", "with", "def", "class", "import", "from", "raise", "try", "yield",
     "await", "assert", "del", "async", "pass", "elif", "else", "except", "finally", "@"}
)  # fmt: skip


class _OutOfTimeError(Exception):
    pass


def repair_python(code: str, damage: str) -> str | None:
    """The mended sample, or None when no reconstruction parses."""
    deadline = time.process_time() + TIME_BUDGET
    try:
        if damage == "flattened":
            return _repair_flattened(" ".join(code.split("\n")), deadline)
        return _repair_dedented(code, deadline)
    except (_OutOfTimeError, RecursionError, MemoryError):
        return None


# ---------------------------------------------------------------- flattened


@dataclass(frozen=True)
class _Segmentation:
    """A reading of the text from some offset: its first lines, then a shared reading of the rest."""

    cost: float
    head: tuple[Line, ...]
    tail: _Segmentation | None = None
    comment: str = ""  # ends the head: on its last statement's line, or a line of its own

    @property
    def first(self) -> Line | None:
        if self.head:
            return self.head[0]
        if self.comment:
            return comment_line(self.comment)
        return self.tail.first if self.tail else None

    @property
    def lines(self) -> tuple[Line, ...]:
        out: list[Line] = []
        node: _Segmentation | None = self
        while node is not None:
            out.extend(_attach_comment(node.head, node.comment) if node.comment else node.head)
            node = node.tail
        return tuple(out)


def _repair_flattened(code: str, deadline: float) -> str | None:
    text = code.strip()
    if not text or text.count("#") > MAX_COMMENTS:
        return None
    segmenter = _FlatSegmenter(text, deadline)
    best: tuple[float, str] | None = None
    for segmentation in segmenter.best(0):  # cheapest first
        if best is not None and segmentation.cost >= best[0]:
            break  # layouts only add cost: this reading cannot win
        lines = list(segmentation.lines)
        candidates = [(segmentation.cost + cost, levels) for cost, levels in layouts(lines)]
        for total, levels in candidates:
            if best is not None and total >= best[0]:
                break
            rendered = _with_blank_lines(lines, levels)
            if _parses(rendered):
                best = (total, rendered)
                break
        if time.process_time() > deadline:
            raise _OutOfTimeError
    return best[1] if best else None


def _first_parsing(candidates: list[tuple[float, str]]) -> str | None:
    for _, text in sorted(candidates, key=lambda c: c[0]):
        if _parses(text):
            return text
    return None


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def _with_blank_lines(lines: list[Line], levels: tuple[int, ...]) -> str:
    """Render, with one blank line before each top-level def or class (and its decorators/comments)
    and where top-level code resumes after a block (before the comments heading it, if any)."""
    out_lines: list[Line] = []
    out_levels: list[int] = []
    previous_level = 0
    for index, (line, level) in enumerate(zip(lines, levels, strict=True)):
        leaves_block = level == 0 and previous_level > 0 and not line.clause
        wants_gap = leaves_block or _starts_definition(lines, index)
        if index and level == 0 and wants_gap and out_lines[-1].kind not in ("blank", "comment"):
            out_lines.append(BLANK)
            out_levels.append(0)
        out_lines.append(line)
        out_levels.append(level)
        previous_level = level if line.is_code else previous_level
    return render(out_lines, tuple(out_levels))


def _starts_definition(lines: list[Line], index: int) -> bool:
    """Whether a def/class (with its decorators and leading comments) begins at this line."""
    previous = lines[index - 1]
    if previous.is_decorator or previous.kind == "comment":
        return False
    for line in lines[index:]:
        if line.is_code:
            return line.is_decorator or line.head in ("def", "class")
    return False


class _FlatSegmenter:
    """Cuts one flattened line into statements and comments, keeping the cheapest few readings."""

    def __init__(self, text: str, deadline: float):
        self.text = text
        self.deadline = deadline
        self.memo: dict[int, list[_Segmentation]] = {}
        self.lines_by_span: dict[tuple[int, int], Line] = {}
        words = list(re.finditer(r"\S+", text))
        self.words = [w.group() for w in words]
        self.word_starts = [w.start() for w in words]
        self.word_weights = list(itertools.accumulate((_word_weight(w.group()) for w in words), initial=0.0))

    def best(self, pos: int) -> list[_Segmentation]:
        """The cheapest readings of ``text[pos:]``, where a statement (or a comment) begins."""
        if pos in self.memo:
            return self.memo[pos]
        if time.process_time() > self.deadline:
            raise _OutOfTimeError
        self.memo[pos] = []  # guards against cycles while computing
        try:
            tokens, stop = lex_run(self.text, pos)
        except LexError:
            return []
        runs = _statement_runs(tokens) if tokens else [(0.0, ())]
        results: list[_Segmentation] = []
        for run_cost, statements in runs:
            lines = tuple(self._line(stmt) for stmt in statements)
            if stop >= len(self.text):
                if not lines or not lines[-1].opens:
                    results.append(_Segmentation(run_cost, lines))
                continue
            results.extend(self._after_comment(run_cost, lines, stop))
        results.sort(key=lambda s: s.cost)
        self.memo[pos] = results[:TOP_SEGMENTATIONS]
        return self.memo[pos]

    def _line(self, statement: tuple[Token, ...]) -> Line:
        """The statement as a line; the same span recurs in many readings, so it is built once."""
        span = (statement[0].start, statement[-1].end)
        line = self.lines_by_span.get(span)
        if line is None:
            line = self.lines_by_span[span] = _flat_line(statement)
        return line

    def _comment_ends(self, start: int) -> list[tuple[int, float]]:
        """Word starts after a comment's ``#`` where code may resume (and the end of the text),
        each with the weight of the comment's words up to there."""
        first = bisect.bisect_right(self.word_starts, start) - 1  # the word holding the "#"
        ends: list[tuple[int, float]] = []
        for index in range(first + 1, min(first + 1 + MAX_COMMENT_WORDS, len(self.word_starts))):
            offset = self.word_starts[index]
            if _CODE_RESUMES.match(self.text, offset):
                weight = self.word_weights[index] - self.word_weights[first]
                if index - 1 > first and self.words[index - 1] in CODE_KEYWORDS:
                    weight += KEYWORD_LAST_WEIGHT  # "# note class" + "Item: ...": the keyword was code
                ends.append((offset, weight))
        ends.append((len(self.text), self.word_weights[-1] - self.word_weights[first]))
        return ends

    def _after_comment(self, cost: float, lines: tuple[Line, ...], start: int) -> list[_Segmentation]:
        """Readings where the comment at ``start`` ends at each plausible place."""
        found: list[_Segmentation] = []
        for end, weight in self._comment_ends(start):
            comment = self.text[start:end].rstrip()
            comment_cost = cost + COMMENT_WORD_COST * weight
            if self.text.startswith("# ", end):
                comment_cost -= 0.1  # "# a # b": two comment lines were joined
            if end >= len(self.text):
                if not (lines and lines[-1].opens):
                    found.append(_Segmentation(comment_cost, lines, None, comment))
                continue
            for tail in self.best(end):
                first = tail.first
                if first is None:
                    continue
                bonus = _resume_bonus(first) - _label_penalty(first)
                found.append(_Segmentation(comment_cost + tail.cost - bonus, lines, tail, comment))
        return found


_CODE_RESUMES = re.compile(
    r"""@\w|\.\.\.(?:\s|$)|["'\[{(]|[rbfRBF]{1,2}["']|\#"""
    r"|(?:return|if|for|while|with|def|class|import|from|raise|try|yield|await|assert|del|async|pass"
    r"|elif|else|except|finally|break|continue|global|nonlocal)\b"
    r"|[^\W\d]\w*(?:\.[^\W\d]\w*)*\s*(?:[=:(\[.,]|[-+*/%&|^@]=|->)"
)
"""Where code plausibly resumes after a comment: a statement keyword, a decorator, a value,
or a name followed by what names are followed by in code (``=``, ``(``, ``.``, ``:``...)."""


def _word_weight(word: str) -> float:
    """Code-like words ("return", "f(x)", "Item:") weigh more: they were likely code."""
    return CODE_WORD_WEIGHT if word in CODE_KEYWORDS or _CODE_WORD.search(word) else 1.0


#: A comment that heads what follows rather than remarks on what precedes: a file name
#: (``# main.py``, ``# app/routers/users.py``) or a label ending in a colon (``# In tests:``).
_HEADER_COMMENT = re.compile(r"#\s*(?:[\w.-]+/)*[\w-]+\.[A-Za-z]{1,5}|#\s*[A-Z][^#]*:")


def _attach_comment(lines: tuple[Line, ...], comment: str) -> tuple[Line, ...]:
    """A comment after a statement stays on its line; otherwise, or when it heads what follows
    (a file name, a label), it stands alone."""
    if not lines or not lines[-1].is_code or _HEADER_COMMENT.fullmatch(comment.strip()):
        return lines + (comment_line(comment),)
    last = lines[-1]
    rows = last.rows[:-1] + (Row(f"{last.rows[-1].text}  {comment}", last.rows[-1].steps),)
    return lines[:-1] + (replace(last, rows=rows),)


#: What reading a comment's last word as an annotated assignment costs, when its "annotation" is
#: no type ("# In" + "tests: app.overrides[x] = f"): the word and its colon were a label.
LABEL_AS_CODE_COST = 1.0
_TYPE_NAMES = frozenset({"int", "str", "float", "bool", "bytes", "list", "dict", "set", "tuple", "type",
                         "object", "complex", "frozenset", "None"})


def _label_penalty(line: Line) -> float:
    """``LABEL_AS_CODE_COST`` when code resuming after a comment would be an annotated assignment
    whose annotation is no type; nothing otherwise."""
    if not line.is_code or ":" not in line.text:
        return 0.0
    try:
        tree = ast.parse(line.text)
    except SyntaxError:
        return 0.0
    statement = tree.body[0] if len(tree.body) == 1 else None
    if isinstance(statement, ast.AnnAssign) and not _type_shaped(statement.annotation):
        return LABEL_AS_CODE_COST
    return 0.0


def _type_shaped(node: ast.expr) -> bool:
    """An expression a type annotation is made of: a type's name (``Item``, ``int``,
    ``typing.Optional``), a generic (``list[int]``), a union (``int | None``) or a string."""
    if isinstance(node, ast.Name):
        return node.id in _TYPE_NAMES or node.id[:1].isupper()
    if isinstance(node, ast.Attribute):
        return node.attr[:1].isupper() or node.attr in _TYPE_NAMES
    if isinstance(node, ast.Subscript):
        return _type_shaped(node.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _type_shaped(node.left) and _type_shaped(node.right)
    return isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, str))


def _resume_bonus(line: Line) -> float:
    """How clearly the code after a comment looks like code resuming (not more prose)."""
    if not line.is_code:
        return 0.0
    return 0.6 if line.strong else 0.0


# -- cutting a run of tokens into statements


def _statement_runs(tokens: list[Token]) -> list[tuple[float, tuple[tuple[Token, ...], ...]]]:
    """The cheapest ways to cut a comment-free run of tokens into valid statements."""
    ends_from: dict[int, list[int]] = {}
    frontier = [0]
    while frontier:
        start = frontier.pop()
        if start in ends_from or start >= len(tokens):
            continue
        ends_from[start] = _statement_ends(tokens, start)
        frontier.extend(ends_from[start])
    best: dict[int, list[tuple[float, tuple[tuple[Token, ...], ...]]]] = {len(tokens): [(0.0, ())]}
    for start in sorted(ends_from, reverse=True):
        options = []
        for end in ends_from[start]:
            statement = tuple(tokens[start:end])
            cost = _statement_cost(statement)
            if cost is None:
                continue
            for tail_cost, tail in best.get(end, []):
                options.append((cost + tail_cost, (statement,) + tail))
        options.sort(key=lambda o: o[0])
        best[start] = options[:TOP_SEGMENTATIONS]
    return best.get(0, [])


def _statement_ends(tokens: list[Token], start: int) -> list[int]:
    """Token indexes where the statement beginning at ``start`` may end: choices, then the forced one."""
    first = tokens[start]
    ends: list[int] = []
    colon = None
    if first.kind == NAME and (first.text in COMPOUND or first.text == "async"):
        colon = header_colon(_until_break(tokens, start))
    for index in range(start + 1, len(tokens)):
        before = tokens[index - 1]
        if colon is not None and index - 1 == start + colon:
            return ends + [index]
        if _depth_after(before) != 0:
            continue
        verdict = _break_between(tokens, start, index)
        if verdict == "must":
            return ends + [index]
        if verdict == "may":
            ends.append(index)
    return ends + [len(tokens)]


def _until_break(tokens: list[Token], start: int) -> list[Token]:
    """The tokens up to the next place a statement must end, ignoring the header colon."""
    for index in range(start + 1, len(tokens)):
        if _depth_after(tokens[index - 1]) == 0 and _break_between(tokens, start, index) == "must":
            return tokens[start:index]
    return tokens[start:]


def _depth_after(token: Token) -> int:
    if token.kind == OP and token.text in "([{":
        return token.depth + 1
    if token.kind == OP and token.text in ")]}":
        return token.depth - 1
    return token.depth


def _break_between(tokens: list[Token], start: int, index: int) -> str:
    """Whether a statement must, may or cannot end before ``tokens[index]`` (both at depth 0)."""
    before, token = tokens[index - 1], tokens[index]
    first = tokens[start]
    if token.kind == NAME and token.text in STATEMENT_ONLY:
        if token.text == "import" and first.is_keyword("from"):
            already = any(t.is_keyword("import") for t in tokens[start:index])
            return "must" if already else "no"
        if token.text in ("def", "for", "with") and before.is_keyword("async"):
            return "no"
        return "must"
    if _is_decorator_start(tokens, index):
        return "must"
    if before.kind == NAME and before.text in OPTIONAL_VALUE and before is first:
        return "may" if _starts_operand(token) or token.text in ("(", "[", "-") else "no"
    if not (_ends_operand(before) and _starts_operand(token)):
        return "no"
    if token.kind == STRING and before.kind == STRING:
        return "no"  # implicit concatenation
    if token.is_keyword("if", "else"):
        return "may"
    if token.is_keyword("from") and first.is_keyword("raise"):
        return "no"
    return "must"


def _is_decorator_start(tokens: list[Token], index: int) -> bool:
    token = tokens[index]
    if not (token.kind == OP and token.text == "@" and index + 1 < len(tokens)):
        return False
    following = tokens[index + 1]
    return following.kind == NAME and not following.gap and bool(token.gap)


def _ends_operand(token: Token) -> bool:
    if token.kind in (NUMBER, STRING):
        return True
    if token.kind == NAME:
        return token.is_plain_name or token.text in VALUE_KEYWORDS
    return token.text in (")", "]", "}", "...")


def _starts_operand(token: Token) -> bool:
    if token.kind in (NUMBER, STRING):
        return True
    if token.kind == NAME:
        return token.is_plain_name or token.text in VALUE_KEYWORDS or token.text in OPERAND_KEYWORDS
    return token.text in ("{", "...")


def _statement_cost(statement: tuple[Token, ...]) -> float | None:
    """How natural a statement reads (lower is better), or None when it is not valid Python."""
    code = _join(statement)
    line = code_line((Row(code),), list(statement))
    node = statement_ast(code, line.head)
    if node is None:
        return None
    cost = STATEMENT_COST + _spacing_cost(statement)
    if len(statement) == 1 and statement[0].text in OPTIONAL_VALUE:
        cost += 1.0  # "return" then a value on its own line: the value was most likely returned
    if len(statement) > 1 and statement[0].text == "yield" and statement[1].text == "await":
        cost += 1.5  # "yield await x" is rare; a bare "yield" then "await x" is the usual setup/teardown
    if isinstance(node, ast.Expr):
        cost += _expression_cost(node.value)
    return cost


def _expression_cost(value: ast.expr) -> float:
    """Bare expressions as statements are rare unless they call, wait or are a placeholder."""
    if isinstance(value, ast.Call | ast.Await | ast.Yield | ast.YieldFrom):
        return 0.0
    if isinstance(value, ast.Constant):
        if value.value is Ellipsis:
            return 0.0
        return 0.5 if isinstance(value.value, str) else 2.0
    if isinstance(value, ast.Name):
        return 4.0
    return 1.5


def _spacing_cost(statement: tuple[Token, ...]) -> float:
    """Code keeps its own spacing when flattened: ``name (x)`` or ``a . b`` read like prose."""
    cost = 0.0
    for before, token in zip(statement, statement[1:], strict=False):
        if token.text in ("(", "[") and token.gap and (before.is_plain_name or before.text in (")", "]")):
            cost += 2.0
        elif token.text == "." and (token.gap or _following_gap(statement, token)):
            cost += 2.0
        elif token.text == "," and token.gap:
            cost += 1.0
    return cost


def _following_gap(statement: tuple[Token, ...], token: Token) -> bool:
    index = statement.index(token)
    return index + 1 < len(statement) and bool(statement[index + 1].gap)


def _join(tokens: tuple[Token, ...] | list[Token]) -> str:
    """Statement text: the tokens with their own spacing, comments left out."""
    parts: list[str] = []
    for token in tokens:
        if token.kind == COMMENT:
            continue
        parts.append((token.gap if parts else "") + token.text)
    return "".join(parts)


def _flat_line(statement: tuple[Token, ...]) -> Line:
    """A statement as a line, with brackets that were clearly multi-line laid out again."""
    line = code_line(_flat_rows(statement), list(statement))
    starts_clearly = statement[0].text in STRONG_STARTS
    if starts_clearly or _is_strong_expression(statement):
        return replace(line, strong=True)
    return line


def _is_strong_expression(statement: tuple[Token, ...]) -> bool:
    """Assignments and calls with ordinary spacing: what resuming code looks like."""
    if _spacing_cost(statement) or not statement:
        return False
    node = statement_ast(_join(statement), "")
    if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
        return True
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Call | ast.Await | ast.Yield)


def _flat_rows(statement: tuple[Token, ...]) -> tuple[Row, ...]:
    """Physical rows of a statement; a bracket opened and closed with spaces inside gets one item a row."""
    exploded = _exploded_brackets(statement)
    rows: list[Row] = []
    current = ""
    steps = 0
    stack: list[int] = []
    for index, token in enumerate(statement):
        opener = -1
        if _is_closer(token):
            opener = stack.pop() if stack else -1
            if opener in exploded:
                rows, current = _flush(rows, current, steps)
                steps -= 1
        current += _gap_before(statement, index, bool(current), token) + token.text
        if token.kind == COMMENT:
            rows, current = _flush(rows, current, steps)
        elif _is_opener(token):
            stack.append(index)
            if index in exploded:
                rows, current = _flush(rows, current, steps)
                steps += 1
        elif token.kind == OP and token.text == "," and stack and stack[-1] in exploded:
            rows, current = _flush(rows, current, steps)
    rows, current = _flush(rows, current, steps)
    return tuple(rows)


def _flush(rows: list[Row], current: str, steps: int) -> tuple[list[Row], str]:
    if current.strip():
        rows.append(Row(current.rstrip(), steps))
    return rows, ""


def _gap_before(statement: tuple[Token, ...], index: int, mid_row: bool, token: Token) -> str:
    """Spacing kept from the source, minus the spaces that stood for lost newlines in brackets."""
    if not mid_row:
        return ""
    if token.kind == COMMENT:
        return "  "
    if _is_opener(statement[index - 1]) or _is_closer(token):
        return ""
    return token.gap


def _is_opener(token: Token) -> bool:
    return token.kind == OP and token.text in ("(", "[", "{")


def _is_closer(token: Token) -> bool:
    return token.kind == OP and token.text in (")", "]", "}")


def _exploded_brackets(statement: tuple[Token, ...]) -> set[int]:
    """Openers whose contents began and ended with a space: a newline was there."""
    exploded: set[int] = set()
    stack: list[int] = []
    for index, token in enumerate(statement):
        if token.kind == OP and token.text in "([{":
            stack.append(index)
        elif token.kind == OP and token.text in ")]}" and stack:
            opener = stack.pop()
            inner_first = statement[opener + 1] if opener + 1 < index else None
            if inner_first is not None and inner_first.gap and token.gap:
                exploded.add(opener)
    return exploded


# ---------------------------------------------------------------- dedented


def _repair_dedented(code: str, deadline: float) -> str | None:
    lines = dedented_lines(code)
    if lines is None:
        return None
    candidates = [(cost, render(lines, levels)) for cost, levels in layouts(lines)]
    if time.process_time() > deadline:
        raise _OutOfTimeError
    return _first_parsing(candidates)
