"""JSON text to a tree, with errors that say where and whether the file was cut short."""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import SourceError


def loads(text: str) -> Any:
    """``json.loads``, keeping as text an integer too long for Python to convert (over 4,300
    digits); such a number fails ``int()`` with a ValueError that is no JSON error."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except ValueError:
        return json.loads(text, parse_int=_int_or_text)


def _int_or_text(digits: str) -> int | str:
    try:
        return int(digits)
    except ValueError:
        return digits


def load_json(text: str, source: str) -> Any:
    """The parsed JSON, or a :class:`SourceError` naming the line and column of the damage."""
    body = text.lstrip("\ufeff")
    try:
        return loads(body)
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"not valid JSON at column {exc.colno}: {exc.msg}{_truncation(body, exc)}",
            file=source, line=exc.lineno,
        ) from None


def _truncation(text: str, exc: json.JSONDecodeError) -> str:
    ended = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
    return " (the file looks truncated)" if ended else ""


def is_json(text: str) -> bool:
    """Whether ``text`` is a JSON object or array (what every JSON-based adapter starts from)."""
    head = text.lstrip("\ufeff \t\n")
    if not head.startswith(("{", "[")):
        return False
    try:
        loads(head)
    except ValueError:
        return False
    return True

_OBJECT_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}]')


def object_lines(text: str) -> list[tuple[int, int]]:
    """The first and last 1-based line of every JSON object in ``text``, in the order their ``{``
    appear: the order a pre-order walk of the parsed tree meets its mappings (see
    :func:`mapping_lines`). Braces inside strings do not count."""
    spans: list[list[int]] = []
    open_objects: list[int] = []
    line, position = 1, 0
    for token in _OBJECT_TOKEN.finditer(text):
        if token.group()[0] == '"':
            continue
        line += text.count("\n", position, token.start())
        position = token.start()
        if token.group() == "{":
            open_objects.append(len(spans))
            spans.append([line, line])
        elif open_objects:
            spans[open_objects.pop()][1] = line
    return [(first, last) for first, last in spans]


def mapping_lines(tree: Any, text: str) -> dict[int, tuple[int, int]]:
    """``id(mapping) -> (first line, last line)`` for every mapping of ``tree`` parsed from ``text``;
    empty when the two disagree (a duplicate key replaced an object), so no line is guessed."""
    mappings: list[dict[Any, Any]] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            mappings.append(node)
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend(reversed(node))
    spans = object_lines(text)
    if len(spans) != len(mappings):
        return {}
    return {id(mapping): span for mapping, span in zip(mappings, spans, strict=True)}
