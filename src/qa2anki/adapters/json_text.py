"""JSON text to a tree, with errors that say where and whether the file was cut short."""

from __future__ import annotations

import json
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
