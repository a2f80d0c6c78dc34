"""Separators and stop markers that every record of a collection ends a field with.

OpenAI's legacy fine-tune files end each prompt with a fixed separator (``\\n\\n###\\n\\n``,
`` ->``) and each completion with a stop marker (`` END``, ``<|endoftext|>``) so the model learns
where to stop: structure, not the author's words. Such a marker is what *every* record's field
ends with, so it is found by the collection's common suffix, never in one record; and only
tokens that read as markers (symbols, a word in capitals, a ``<token>``, a ``Label:``) count, so a
word that all answers happen to end with stays.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: One marker token: separator symbols (not punctuation, emphasis, a fence, a table's ``|`` or
#: math's ``$$``), a word in capitals (maybe bracketed), a ``<token>``, or a ``Label:``.
_MARKER_TOKEN = re.compile(
    r"[#=>|<:-]{2,}"
    r"|[\[<(#]*[A-Z][A-Z0-9_]+[\]>)#]*"
    r"|<\|?/?[\w-]+\|?>"
    r"|[A-Z][a-z]*:"
)
#: A marker written right after the text, with no space: separator symbols only (``France->``).
_GLUED_MARKER = re.compile(r"[#=>|<:~-]{2,}")


#: Fewest records whose shared ending is taken for a marker (two answers may end alike by chance).
MIN_RECORDS = 3


@dataclass(frozen=True)
class EndMarkers:
    """The markers one collection's questions and answers end with ("" where none)."""

    question: str = ""
    answer: str = ""

    def question_without(self, text: str) -> str:
        return _without(text, self.question)

    def answer_without(self, text: str) -> str:
        return _without(text, self.answer)


def _without(text: str, marker: str) -> str:
    text = text.strip()
    return text[: -len(marker)].rstrip() if marker and text.endswith(marker) and text != marker else text


def end_markers(records: Sequence[Mapping[str, Any]], question: str, answer: str) -> EndMarkers:
    """The markers every record of ``records`` ends its ``question`` and ``answer`` field with
    (lower-case keys)."""
    return EndMarkers(_marker(records, question), _marker(records, answer))


def _marker(records: Sequence[Mapping[str, Any]], key: str) -> str:
    values = [text.rstrip() for record in records
              if isinstance(text := _field(record, key), str) and text.strip()]
    if len(values) < MIN_RECORDS:
        return ""
    common = os.path.commonprefix([value[::-1] for value in values])[::-1]
    if not common.strip():
        return ""
    if not re.search(r"\s", common):
        return common if _GLUED_MARKER.fullmatch(common) and all(len(v) > len(common) for v in values) else ""
    for match in re.finditer(r"\s", common):  # the longest tail after a space that is all markers
        tail = common[match.start():].strip()
        if tail and all(_MARKER_TOKEN.fullmatch(token) for token in tail.split()):
            return tail
    return ""


def _field(record: Mapping[str, Any], key: str) -> Any:
    return next((value for name, value in record.items() if str(name).lower() == key), None)
