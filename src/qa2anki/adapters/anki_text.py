"""Anki's own "Notes in Plain Text" export: ``#key:value`` header lines, then one note per row.

Such a file names no columns (unless ``#columns:`` does): the header says the separator and
which columns hold tags, deck, note type or guid; the others are the note's fields in order,
the first two being the front and the back. The CSV adapter reads the rows once we name them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    for key in SPECIAL_COLUMNS:
        number = directives.get(f"{key} column", "")
        if number.isdigit() and int(number) >= 1:
            names.setdefault(int(number) - 1, key)
    return AnkiHeader(delimiter, names, len(directives))


def column_names(header: AnkiHeader, width: int) -> list[str]:
    """A name for each of ``width`` columns: the header's, else front, back, field3..."""
    fields = iter(FIELD_NAMES)
    names = []
    for column in range(width):
        names.append(header.names.get(column) or next(fields, f"field{column + 1}"))
    return names
