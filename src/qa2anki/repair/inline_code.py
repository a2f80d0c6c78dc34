"""Inline code a plain-text source lost: ``include_router()``, ``response_model``, ``{item_id}``.

A page copied as text keeps its words but not its markup, so API names read like prose. Only
what no English sentence contains is marked: a call (``name()``), a name joined by underscores,
a ``{placeholder}`` or a route holding one (``/items/{item_id}``), a lowerCamelCase name
(``useEffect``), or a class-like CamelCase name the answer's own code uses (``APIRouter``,
``HTTPException``; never ``FastAPI``). Code blocks, code spans, formulas and escaped text are
left as they are.
"""

from __future__ import annotations

import re

from ..math_spans import math_spans

#: Names that are clearly code wherever they stand in prose.
_ALWAYS_CODE = re.compile(
    r"(?<![\w`\\.{/@:#-])(?:"
    r"/[\w.-]*(?:/[\w.-]*)*\{[A-Za-z_]\w*\}[\w./{}-]*"  # a route with a placeholder: /items/{item_id}
    r"|[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*\(\)"  # a call without arguments: include_router(), app.get()
    r"|[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+"  # snake_case, SCREAMING_CASE
    r"|\{[A-Za-z_]\w*\}"  # a path placeholder: {item_id}
    r"|[a-z]{2,}(?:[A-Z][a-z0-9]+)+"  # lowerCamelCase: useEffect, getElementById
    r")(?![\w`(/@-])(?!\.\w)"
)
#: A class-like name (BaseModel, HTTPException): it ends in a capitalised word, unlike a
#: product's name (FastAPI, GraphQL). Code only where the answer's own code uses it.
_CAMEL = re.compile(r"(?<![\w`\\.])[A-Z][A-Za-z0-9]*[A-Z][a-z0-9]{2,}(?![\w`])")
_FENCE = re.compile(r"^(`{3,}|~{3,}).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"`[^`\n]+`")
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")


def mark_inline_code(markdown: str) -> str:
    """``markdown`` (made from plain text) with its prose's code names in backticks."""
    if "`" in _FENCE.sub("", markdown):
        return markdown  # the text already marks its code: leave it to its author
    code_names = _names_in_code(markdown)
    pieces, last = [], 0
    for fence in _FENCE.finditer(markdown):
        pieces += [_mark(markdown[last:fence.start()], code_names), fence.group()]
        last = fence.end()
    pieces.append(_mark(markdown[last:], code_names))
    return "".join(pieces)


def _names_in_code(markdown: str) -> frozenset[str]:
    """Every identifier the answer's code blocks use (``APIRouter`` in ``router = APIRouter()``)."""
    blocks = (fence.group() for fence in _FENCE.finditer(markdown))
    return frozenset(name for block in blocks for name in _IDENTIFIER.findall(block))


def _mark(text: str, code_names: frozenset[str]) -> str:
    """``text`` marked outside its formulas (``\\(x_i\\)`` is maths, not code)."""
    pieces, last = [], 0
    for span in math_spans(text):
        pieces += [_mark_prose(text[last:span.start], code_names), text[span.start:span.end]]
        last = span.end
    pieces.append(_mark_prose(text[last:], code_names))
    return "".join(pieces)


def _mark_prose(prose: str, code_names: frozenset[str]) -> str:
    prose = _ALWAYS_CODE.sub(lambda match: f"`{match.group()}`", prose)
    if not code_names:
        return prose
    return _CAMEL.sub(lambda m: f"`{m.group()}`" if m.group() in code_names else m.group(), prose)
