"""Card tables that name no columns: Anki's plain-text export and headerless flashcard files.

Anki's "Notes in Plain Text" export starts with ``#key:value`` lines instead of a header: the
separator and which columns hold tags, deck, note type or guid; the other columns are the
note's fields in order, the first two the front and the back. Quizlet exports and hand-made
import files have no header at all: two or three columns, front, back and maybe tags. The CSV
adapter reads the rows once these functions have named the columns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

HEADER_LINE = re.compile(r"#(?P<key>[a-z][a-z ]*):(?P<value>.*)", re.IGNORECASE)
SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "colon": ":", "space": " "}
#: Header keys that place a non-field column (``#tags column:3``).
SPECIAL_COLUMNS = ("tags", "deck", "notetype", "guid")
FIELD_NAMES = ("front", "back")


@dataclass(frozen=True)
class AnkiHeader:
    delimiter: str
    names: dict[int, str]  # 0-based column -> name, for columns the header names
    header_lines: int  # how many ``#`` lines precede the first row
    html: bool = True  # ``#html:false``: the fields are plain text
    special: dict[int, str] = field(default_factory=dict)  # 0-based column -> tags, deck, notetype, guid
    defaults: dict[str, str] = field(default_factory=dict)  # ``#deck:``/``#notetype:`` for every row


def anki_header(text: str) -> AnkiHeader | None:
    """The export's header, or None when the text does not start with Anki's ``#separator:``/``#html:``."""
    directives: dict[str, str] = {}
    lines = text.split("\n")
    while len(directives) < len(lines) and (match := HEADER_LINE.fullmatch(lines[len(directives)].strip())):
        directives[match["key"].strip().lower()] = match["value"].strip()
    if not ({"separator", "html"} & directives.keys()):
        return None
    separator = directives.get("separator", "tab")
    delimiter = SEPARATORS.get(separator.lower(), separator[:1] or "\t")
    names: dict[int, str] = {}
    if directives.get("columns"):
        names = dict(enumerate(name.strip() for name in directives["columns"].split(delimiter)))
    special: dict[int, str] = {}
    for key in SPECIAL_COLUMNS:
        number = directives.get(f"{key} column", "")
        if number.isdigit() and int(number) >= 1:
            names.setdefault(int(number) - 1, key)
            special[int(number) - 1] = key
    defaults = {key: directives[key] for key in ("deck", "notetype") if directives.get(key)}
    html = directives.get("html", "true").lower() != "false"
    return AnkiHeader(delimiter, names, len(directives), html, special, defaults)


def column_names(header: AnkiHeader, width: int) -> list[str]:
    """A name for each of ``width`` columns: the header's, else front, back, field3..."""
    fields = iter(FIELD_NAMES)
    names = []
    for column in range(width):
        names.append(header.names.get(column) or next(fields, f"field{column + 1}"))
    return names


#: A header row's cells: a few words each, no sentence punctuation.
_HEADER_CELL = re.compile(r"[\w /()#-]{1,40}")
_TAG_CELL = re.compile(r"[\w:#./-]*(?:[ ,;]+[\w:#./-]+){0,6}")


def headerless_names(rows: Sequence[Sequence[str]]) -> list[str] | None:
    """Column names for rows with no header (front, back[, tags or notes]), or None when the
    rows do not look like such a table: two or three columns in every row, and a first row
    that is a card rather than column names (a header of short words above longer cards)."""
    widths = {len(row) for row in rows}
    if len(rows) < 2 or len(widths) != 1 or not 2 <= (width := widths.pop()) <= 3:
        return None
    first, body = rows[0], rows[1:]
    long_body = sum(1 for row in body if any(len(cell.split()) > 3 for cell in row[:2]))
    if all(_HEADER_CELL.fullmatch(cell.strip()) for cell in first) and 2 * long_body > len(body):
        return None
    names = ["front", "back"]
    if width == 3:
        names.append("tags" if all(_TAG_CELL.fullmatch(row[2].strip()) for row in rows) else "notes")
    return names


#: What a template's header says about a column after its name: ``Question - max 120 characters``,
#: ``Time limit (sec) – 5, 10, 20``, ``Answer 1 [required]``.
_COLUMN_NOTE = re.compile(r"\s+[-–—]\s+.*|\s*[(\[].*[)\]]\s*$")


def column_heads(header: Sequence[str]) -> list[str]:
    """The header's column names without the notes a quiz template adds to them (Kahoot's
    ``Answer 1 - max 75 characters`` is column ``Answer 1``); as written when two would then
    read the same, or a name would be left empty. ``answer(s)`` keeps its ``(s)``."""
    heads = [_COLUMN_NOTE.sub("", name, count=1).strip() if not name.endswith("(s)") else name
             for name in header]
    heads = [head or name for head, name in zip(heads, header, strict=True)]
    if len({head.lower() for head in heads}) < len(heads):
        return list(header)
    return heads
