"""A forgiving Python tokenizer for code that lost its line breaks.

The standard :mod:`tokenize` needs real line structure: a ``#`` swallows the rest of the line and
indentation drives INDENT tokens. Flattened samples have neither, so this lexer reads one run of
code at a time, keeps the exact whitespace before each token (it tells where newlines were), and
stops at a comment so the caller can decide where the comment really ended.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

NAME, NUMBER, STRING, OP, COMMENT = "name", "number", "string", "op", "comment"

_STRING = (
    r"""(?:[rRbBuUfF]{1,2})?(?:'''(?:\\.|[^\\])*?'''|\"\"\"(?:\\.|[^\\])*?\"\"\""""
    r"""|'(?:\\.|[^\\'\n])*'|"(?:\\.|[^\\"\n])*")"""
)
_NUMBER = r"(?:0[xXoObB][0-9a-fA-F_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?[jJ]?)"
_OPERATORS = sorted(
    "**= //= >>= <<= ... -> := == != <= >= ** // << >> += -= *= /= %= &= |= ^= @= "
    "( ) [ ] { } , : ; . = + - * / % < > & | ^ ~ @ !".split(),
    key=len,
    reverse=True,
)
_TOKEN = re.compile(
    rf"(?P<ws>\s*)(?:(?P<string>{_STRING})|(?P<name>[^\W\d]\w*)|(?P<number>{_NUMBER})"
    rf"|(?P<comment>\#)|(?P<cont>\\)|(?P<op>{'|'.join(re.escape(op) for op in _OPERATORS)}))"
)
_CLOSERS = {")": "(", "]": "[", "}": "{"}


class LexError(ValueError):
    """The text is not Python tokens (an unterminated string, a stray character, unbalanced brackets)."""


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int  # offset in the source text
    gap: str  # whitespace right before the token
    depth: int  # bracket depth before the token (closing brackets count the bracket they close)

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    def is_keyword(self, *words: str) -> bool:
        return self.kind == NAME and self.text in words

    @property
    def is_plain_name(self) -> bool:
        return self.kind == NAME and not keyword.iskeyword(self.text)


def lex_run(text: str, pos: int = 0, stop_at_comment: bool = True) -> tuple[list[Token], int]:
    """Tokens from ``pos`` up to the end or to a comment outside brackets (its ``#`` offset is returned).

    A comment inside brackets ends at the first place where the bracketed code plausibly resumes,
    since code inside brackets continues on the next line.
    """
    tokens: list[Token] = []
    stack: list[str] = []
    while True:
        match = _TOKEN.match(text, pos)
        if match is None:
            rest = text[pos:]
            if rest.strip():
                raise LexError(f"unexpected text at offset {pos + len(rest) - len(rest.lstrip())}")
            if stack:
                raise LexError("unclosed bracket")
            return tokens, len(text)
        gap = match.group("ws")
        start = match.start() + len(gap)
        if match.group("comment") is not None:
            if not stack and stop_at_comment:
                return tokens, start
            end = _inner_comment_end(text, start)
            tokens.append(Token(COMMENT, text[start:end].rstrip(), start, gap, len(stack)))
            pos = end
            continue
        if match.group("cont") is not None:  # a backslash continuation whose newline was lost
            pos = match.end()
            continue
        kind = next(k for k in (STRING, NAME, NUMBER, OP) if match.group(k) is not None)
        value = match.group(kind)
        depth = len(stack)
        if kind == OP and value in "([{":
            stack.append(value)
        elif kind == OP and value in _CLOSERS:
            if not stack or stack[-1] != _CLOSERS[value]:
                raise LexError(f"unbalanced {value!r} at offset {start}")
            stack.pop()
            depth = len(stack) + 1
        tokens.append(Token(kind, value, start, gap, depth))
        pos = match.end()


_RESUME_IN_BRACKETS = re.compile(
    r"""\s+(?=[^\W\d]\w*\s*[=:]|'[^']*'\s*[:,]|"[^"]*"\s*[:,]|[)\]}])"""
)


def _inner_comment_end(text: str, start: int) -> int:
    """Where a comment inside brackets ends: before the next argument, key or closing bracket."""
    for match in _RESUME_IN_BRACKETS.finditer(text, start + 1):
        return match.start()
    return len(text)
