"""Logical lines of damaged Python: what each one is, so indentation can be chosen for it.

Both repairs end in the same problem: a list of statements (and comments) whose indentation is
lost. :class:`Line` records the facts the layout search needs (does it open a block, end one,
define a function, mention a name) without re-reading the text at every step.
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass, field
from functools import lru_cache

from .pylex import COMMENT, NAME, NUMBER, OP, STRING, Token

#: Statement keywords that open a block.
COMPOUND = frozenset(
    {"def", "class", "if", "elif", "else", "for", "while", "with", "try", "except", "finally"}
)
#: Clauses that continue a compound statement at its own level, and what they may follow.
CLAUSE_FOLLOWS = {
    "elif": frozenset({"if", "elif"}),
    "else": frozenset({"if", "elif", "for", "while", "except"}),
    "except": frozenset({"try", "except"}),
    "finally": frozenset({"try", "except", "else-try"}),
}
TERMINAL = frozenset({"return", "raise", "continue", "break", "pass"})
METHOD_DECORATORS = frozenset(
    {"staticmethod", "classmethod", "property", "setter", "getter", "deleter", "validator",
     "field_validator", "model_validator", "root_validator", "field_serializer", "model_serializer",
     "computed_field", "abstractmethod", "cached_property", "overload", "override"}
)  # fmt: skip
#: Nested classes that conventionally live inside another class.
NESTED_CLASSES = frozenset({"Config", "Meta"})


@dataclass(frozen=True)
class Row:
    """One physical line of a logical line: extra indentation steps, or None to keep it verbatim."""

    text: str
    steps: int | None = 0


@dataclass(frozen=True)
class Line:
    """A statement, a standalone comment or a blank line, without its indentation."""

    rows: tuple[Row, ...]
    kind: str = "code"  # code, comment, blank
    head: str = ""  # first keyword: def, class, if, return, @ ..., or "" for other statements
    opens: bool = False  # ends with a block-opening colon and no body on the same line
    names: frozenset[str] = frozenset()
    defines: str = ""  # the name a def or class binds
    first_param: str = ""
    decorator_names: frozenset[str] = field(default_factory=frozenset)
    annotated_field: bool = False  # ``name: type`` (class-body style)
    strong: bool = False  # an assignment or call with ordinary spacing: unmistakably code

    @property
    def text(self) -> str:
        return "\n".join(row.text for row in self.rows)

    @property
    def is_code(self) -> bool:
        return self.kind == "code"

    @property
    def terminal(self) -> bool:
        return self.head in TERMINAL

    @property
    def clause(self) -> str:
        return self.head if self.head in CLAUSE_FOLLOWS else ""

    @property
    def is_decorator(self) -> bool:
        return self.head == "@"


def comment_line(text: str) -> Line:
    return Line((Row(text),), kind="comment")


BLANK = Line((Row(""),), kind="blank")


def code_line(rows: tuple[Row, ...], tokens: list[Token]) -> Line:
    """A code line described from its tokens."""
    code = [t for t in tokens if t.kind != COMMENT]
    head = _head(code)
    colon = header_colon(code) if head in COMPOUND else None
    opens = colon is not None and colon == len(code) - 1
    defines = first_param = ""
    if head in ("def", "class"):
        at = next(i for i, t in enumerate(code) if t.text == head)
        defines = code[at + 1].text if at + 1 < len(code) and code[at + 1].kind == NAME else ""
        if head == "def" and at + 3 < len(code) and code[at + 3].kind == NAME:
            first_param = code[at + 3].text
    names = _referenced_names(code)
    decorator_names = frozenset(t.text for t in code if t.kind == NAME) if head == "@" else frozenset()
    annotated = (
        len(code) >= 3 and code[0].is_plain_name and code[1].text == ":" and code[1].kind == OP and head == ""
    )
    return Line(rows, "code", head, opens, names, defines, first_param, decorator_names, annotated)


def _referenced_names(code: list[Token]) -> frozenset[str]:
    """Names the line uses as variables: not attributes (``db.get``) nor keyword arguments."""
    names = set()
    for index, token in enumerate(code):
        if not token.is_plain_name:
            continue
        after_dot = index > 0 and code[index - 1].text == "."
        keyword_arg = index + 1 < len(code) and code[index + 1].text == "=" and token.depth > 0
        if not (after_dot or keyword_arg):
            names.add(token.text)
    return frozenset(names)


def _head(code: list[Token]) -> str:
    if not code:
        return ""
    first = code[0]
    if first.kind == OP and first.text == "@":
        return "@"
    if first.is_keyword("async") and len(code) > 1 and code[1].kind == NAME:
        return code[1].text
    if first.kind == NAME and (first.text in COMPOUND or first.text in TERMINAL):
        return first.text
    return ""


def header_colon(code: list[Token]) -> int | None:
    """Index of the colon that ends a compound statement's header (lambdas' colons skipped)."""
    lambdas = 0
    for index, token in enumerate(code):
        depth_zero = token.depth == 0
        if depth_zero and token.is_keyword("lambda"):
            lambdas += 1
        elif depth_zero and token.kind == OP and token.text == ":":
            if lambdas:
                lambdas -= 1
            else:
                return index
    return None


@lru_cache(maxsize=8192)
def statement_ast(code: str, head: str) -> ast.stmt | None:
    """The statement's own AST when it is valid on its own (headers get a dummy body), else None."""
    if head == "@":
        source = f"{code}\ndef _(): pass"
    elif head in ("elif", "else"):
        source = f"if 1:\n pass\n{code}\n pass"
    elif head in ("except", "finally"):
        source = f"try:\n pass\n{code}\n pass"
    elif head == "try":
        source = f"{code}\n pass\nfinally:\n pass"
    elif head in COMPOUND:
        source = f"{code}\n pass"
    else:
        source = code
    try:
        module = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    return module.body[0] if module.body else None


def dedented_lines(code: str) -> list[Line] | None:
    """Logical lines of code whose line breaks survived, via the standard tokenizer."""
    physical = [row.strip() for row in code.strip("\n").split("\n")]
    source = "\n".join(physical) + "\n"
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    lines: list[Line] = []
    pending: list[tokenize.TokenInfo] = []
    for token in tokens:
        if token.type == tokenize.NL and not [t for t in pending if t.type != tokenize.COMMENT]:
            lines.extend(_loose_rows(physical, token.start[0], pending))
            pending = []
        elif token.type == tokenize.NEWLINE:
            lines.append(_logical_line(physical, pending + [token]))
            pending = []
        elif token.type not in (tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
            pending.append(token)
    return lines


def _loose_rows(physical: list[str], row: int, pending: list[tokenize.TokenInfo]) -> list[Line]:
    if pending:
        return [comment_line(physical[row - 1])]
    return [BLANK]


def _logical_line(physical: list[str], tokens: list[tokenize.TokenInfo]) -> Line:
    """A statement spanning one or more rows; rows inside brackets are indented by bracket depth."""
    first_row, last_row = tokens[0].start[0], tokens[-1].start[0]
    depth_at_row: dict[int, int] = {}
    verbatim: set[int] = set()
    converted: list[Token] = []
    depth = 0
    for token in tokens:
        depth_at_row.setdefault(token.start[0], depth)
        if token.type == tokenize.STRING and token.end[0] > token.start[0]:
            verbatim.update(range(token.start[0] + 1, token.end[0] + 1))
        converted.append(_convert(token, depth))
        if token.type == tokenize.OP and token.string in "([{":
            depth += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            depth = max(depth - 1, 0)
    rows = []
    for number in range(first_row, last_row + 1):
        text = physical[number - 1]
        if number in verbatim:
            rows.append(Row(text, None))
            continue
        steps = depth_at_row.get(number, 0)
        if text[:1] in (")", "]", "}"):
            steps = max(steps - 1, 0)
        rows.append(Row(text, steps))
    return code_line(tuple(rows), [t for t in converted if t.kind])


_KINDS = {tokenize.NAME: NAME, tokenize.NUMBER: NUMBER, tokenize.STRING: STRING, tokenize.OP: OP,
          tokenize.COMMENT: COMMENT}  # fmt: skip


def _convert(token: tokenize.TokenInfo, depth: int) -> Token:
    kind = _KINDS.get(token.type, STRING if "STRING" in tokenize.tok_name.get(token.type, "") else "")
    if token.type == tokenize.OP and token.string in ")]}":
        depth = max(depth, 1)
    return Token(kind, token.string, 0, "", depth)
