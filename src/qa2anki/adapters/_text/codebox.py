"""Code boxes of chat and web pages, as they read once copied as plain text.

ChatGPT, Claude, Gemini and many blogs draw code in a box with a language label and a copy
button. Copied as text, a box becomes a language line, the button's line (``Copy code``, or
``Copy`` and ``Edit``, ``Code kopieren``), sometimes glued to the label (``pythonCopy code``),
then the code lines with their indentation. Nothing marks where the code ends: the first line
that reads as prose again, prose after a blank line, or the next box ends it. What this module
knows is the shape of a box; the adapters decide what surrounds it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ...codetext import LANGUAGE_NAMES, bracket_depth, looks_like_prose

#: The box's button line(s), copied along with the code.
BUTTON = re.compile(
    r"(?:copy(?: code| to clipboard)?|copied!?|code kopieren|kopieren|copier(?: le code)?"
    r"|copiar(?: c[oó]digo)?)(?:\s*edit)?",
    re.IGNORECASE,
)
#: ChatGPT's second button, on a line of its own under ``Copy``.
EDIT = re.compile(r"edit", re.IGNORECASE)
#: A label glued to its button: ``pythonCopy code``, ``bashCopyEdit``, ``kotlinCopy code:``.
GLUED = re.compile(r"(?P<label>[A-Za-z][\w+#.-]{0,19}?)\s*(?:Copy(?: code)?|Copied!?)(?:\s*Edit)?:?")
#: A box's label: one short word (``hcl``, ``vue``, ``python3``); trusted only above a button.
LABEL = re.compile(r"[A-Za-z][\w+#.-]{0,19}")
#: A note some chats print under a box (Gemini): not code, and not part of the answer.
NOTE = re.compile(r"use code with caution\.?", re.IGNORECASE)


@dataclass(frozen=True)
class CodeBox:
    """Where a box's code starts, and its language ("" when only a button announces code)."""

    language: str
    start: int  # index of the first code line
    head: int  # index of the box's first line (label or button)


def code_box(lines: list[str], index: int) -> CodeBox | None:
    """The box whose label or button is ``lines[index]``, if a copied box starts there."""
    head = _box_head(lines, index)
    if head is None:
        return None
    label, after_button = head
    start = _next_nonblank(lines, after_button)
    if start is not None and EDIT.fullmatch(lines[start].strip()):
        start = _next_nonblank(lines, start + 1)
    if start is None or _box_head(lines, start) is not None:
        return None  # a button with no code under it
    return CodeBox(LANGUAGE_NAMES.get(label.lower(), label.lower()), start, index)


def _box_head(lines: list[str], index: int) -> tuple[str, int] | None:
    """``(label, index after the button)`` when ``lines[index]`` opens a box: a label glued to
    its button, a button alone, or a label line above a button line."""
    text = lines[index].strip()
    if not text or lines[index][:1] in " \t":
        return None
    if glued := GLUED.fullmatch(text):
        return glued.group("label"), index + 1
    if BUTTON.fullmatch(text):
        return "", index + 1
    after = _next_nonblank(lines, index + 1) if LABEL.fullmatch(text) else None
    if after is not None and BUTTON.fullmatch(lines[after].strip()):
        return text, after + 1
    return None


def box_end(lines: list[str], start: int, stops: Callable[[str, bool], bool] | None = None) -> int:
    """The index after a box's last code line: before the first unindented line that reads as
    prose (unless a bracket is still open), a blank line followed by prose, a chat's note
    under the box, or the next box; the code's own blank lines and indentation stay.
    ``stops(line, after_blank)`` names more lines that end it (a markdown heading or quote)."""
    end = index = start + 1
    while index < len(lines):
        if not lines[index].strip():
            following = _next_nonblank(lines, index)
            if following is None or _ends_box(lines, following, start) \
                    or stops is not None and stops(lines[following], True):
                break
            index = following
            continue
        if _ends_box(lines, index, start) or stops is not None and stops(lines[index], False):
            break
        index += 1
        end = index
    return end


def _ends_box(lines: list[str], index: int, start: int) -> bool:
    line = lines[index]
    if line[:1] in " \t":
        return False
    text = line.strip()
    if NOTE.fullmatch(text) or _box_head(lines, index) is not None:
        return True
    if text.endswith(":") and (after := _next_nonblank(lines, index + 1)) is not None \
            and _box_head(lines, after) is not None:
        return True  # "Output:" above the next box
    return looks_like_prose(text) and bracket_depth("\n".join(lines[start:index])) <= 0


def _next_nonblank(lines: list[str], start: int) -> int | None:
    return next((index for index in range(start, len(lines)) if lines[index].strip()), None)
