"""Markdown documents whose questions are headings (``## Q1. What …?``, ``### 3. How …``).

An answer runs from its question heading to the next heading of the same or a higher level.
Headings that are not questions (a title, "Table of Contents", a section name) end the
answer before them but make no item; a question heading with nothing under it is dropped.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from ..models import Dropped, Item, SourceResult
from .base import Adapter

HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
NUMBERING = re.compile(
    r"^(?:(?:q(?:uestion)?|#)\s*(?P<q>\d+)|(?P<n>\d+))\s*[.):\-–—]?\s+", re.IGNORECASE
)
QUESTION_WORDS = re.compile(
    r"^(what|how|why|when|where|which|who|whom|whose|is|are|can|could|should|would|will|do|does|"
    r"did|explain|describe|define|compare|list|name|give|tell|walk|contrast|differentiate|"
    r"distinguish|discuss|outline|summari[sz]e|implement|write|show)\b",
    re.IGNORECASE,
)
NOT_QUESTIONS = re.compile(
    r"^(table of contents|contents|toc|index|introduction|intro|overview|summary|conclusion|"
    r"references|resources|further reading|license|contributing|about|faq)\b",
    re.IGNORECASE,
)


def split_lines_outside_fences(text: str) -> list[tuple[int, str, bool]]:
    """Every line with its number and whether it sits inside a fenced code block."""
    out: list[tuple[int, str, bool]] = []
    fence: str | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        match = FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
            out.append((number, line, True))
            continue
        if fence is not None:
            out.append((number, line, True))
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                if not line.strip().strip(fence[0]):
                    fence = None
            continue
        out.append((number, line, False))
    return out


def question_of(heading: str) -> tuple[str, str | None] | None:
    """``(question, number)`` when a heading asks a question, else ``None``."""
    text = heading.strip()
    numbered = NUMBERING.match(text)
    number = None
    if numbered:
        number = numbered.group("q") or numbered.group("n")
        text = text[numbered.end():].strip()
    if not text or NOT_QUESTIONS.match(text):
        return None
    if text.rstrip("*_ ").endswith("?") or QUESTION_WORDS.match(text.lstrip("*_`")):
        return text, number
    if numbered and numbered.group("q"):
        return text, number
    return None


def sniff(text: str) -> float:
    headings = [line for _, line, fenced in split_lines_outside_fences(text) if not fenced
                and HEADING.match(line)]
    questions = sum(1 for h in headings if question_of(HEADING.match(h).group(2)))
    if questions >= 2:
        return min(0.9, 0.5 + 0.05 * questions)
    return 0.2 if headings else 0.0


def read(text: str, source: str, options: Mapping[str, Any]) -> SourceResult:
    lines = split_lines_outside_fences(text)
    items: list[Item] = []
    dropped: list[Dropped] = []
    open_q: tuple[int, int, str, str | None] | None = None  # (line, level, question, number)
    body: list[str] = []
    seen_refs: dict[str, int] = {}

    def close() -> None:
        if open_q is None:
            return
        line, _, question, number = open_q
        ref = _unique_ref(f"Q{number}" if number else _slug(question), seen_refs)
        answer = _trim(body)
        if not answer:
            dropped.append(Dropped(source, ref, line, "no-answer", question))
        else:
            items.append(Item(question=question, answer=answer, source=source, ref=ref, line=line))

    for number, line, fenced in lines:
        heading = None if fenced else HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            asked = question_of(heading.group(2))
            if asked or open_q is None or level <= open_q[1]:
                close()
                open_q = (number, level, asked[0], asked[1]) if asked else None
                body = []
                continue
        if open_q is not None:
            body.append(line)
    close()
    return SourceResult(source=source, format="markdown", items=tuple(items), dropped=tuple(dropped))


def _trim(body: list[str]) -> str:
    """The answer without surrounding blank lines and trailing horizontal rules."""
    lines = list(body)
    while lines and (not lines[-1].strip() or re.fullmatch(r"\s*([-*_])(\s*\1){2,}\s*", lines[-1])):
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines)


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60].rstrip("-") or "item"


def _unique_ref(ref: str, seen: dict[str, int]) -> str:
    count = seen.get(ref, 0) + 1
    seen[ref] = count
    return ref if count == 1 else f"{ref}-{count}"


ADAPTER = Adapter(
    name="markdown",
    summary="markdown with questions as headings",
    sniff=sniff,
    read=read,
)
