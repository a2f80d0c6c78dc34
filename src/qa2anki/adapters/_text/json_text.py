"""JSON text to a tree, with errors that say where and whether the file was cut short."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ...errors import SourceError


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


@dataclass(frozen=True)
class Damaged:
    """An element of a JSON array that does not parse: its lines and what is wrong."""

    line: int
    end_line: int
    message: str


#: Where the next element of an array of objects starts: after ``},`` at the end of a line.
_NEXT_ELEMENT = re.compile(r"\}[ \t]*,[ \t]*\r?\n\s*(?=\{)")


def salvage_array(text: str) -> tuple[list[Any], list[Damaged]] | None:
    """A damaged top-level array of objects read element by element: the elements that parse,
    and the lines of each that does not (a missing quote spoils one record, not the file).
    None when the text is no such array or no element parses."""
    body = text.lstrip("\ufeff")
    start = len(body) - len(body.lstrip())
    if not body.startswith("[", start):
        return None
    decoder = json.JSONDecoder()
    values: list[Any] = []
    damaged: list[Damaged] = []
    position = start + 1
    while True:
        position = _skip(body, position, " \t\r\n,")
        if position >= len(body) or body[position] == "]":
            break
        try:
            value, position = decoder.raw_decode(body, position)
            values.append(value)
        except json.JSONDecodeError as exc:
            following = _NEXT_ELEMENT.search(body, exc.pos)
            last = following.start() + 1 if following else body.rfind("}", position) + 1
            if last <= position:
                return None
            damaged.append(Damaged(body.count("\n", 0, position) + 1, body.count("\n", 0, last - 1) + 1,
                                   f"not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"))
            position = following.end() if following else last
    return (values, damaged) if values and damaged else None


def _skip(text: str, position: int, characters: str) -> int:
    while position < len(text) and text[position] in characters:
        position += 1
    return position


def looks_like_payload(values: Any) -> bool:
    """Parsed JSON in devalue's shape: an array whose first value is a container of indexes."""
    if not isinstance(values, list) or len(values) < 2:
        return False
    first = values[0]
    size = len(values)

    def index(v: Any) -> bool:
        return isinstance(v, int) and not isinstance(v, bool) and -6 <= v < size

    if isinstance(first, dict):
        return bool(first) and all(index(v) for v in first.values())
    if isinstance(first, list) and first and isinstance(first[0], str):
        return len(first) == 2 and index(first[1])
    return False
