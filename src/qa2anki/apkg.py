"""What a deck file holds, read back without genanki: the notes of a package qa2anki wrote, and
whether a file is such a package at all (checked before any output is replaced).

Kept apart from :mod:`.package` (which writes decks) so that checking the outputs of a build
whose inputs did not change loads neither genanki nor the renderer.
"""

from __future__ import annotations

import sqlite3
import tempfile
import zipfile
from pathlib import Path

NOTE_TYPE_NAME = "qa2anki Q&A"
#: The cloze note type, for cards the recover stage made of answers whose question was lost.
CLOZE_TYPE_NAME = "qa2anki Cloze"
NOTE_TYPE_NAMES = (NOTE_TYPE_NAME, CLOZE_TYPE_NAME)


def read_apkg_notes(path: str | Path) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """``guid -> (fields, tags)`` of a package this tool wrote; empty if it is missing or unreadable."""
    try:
        with zipfile.ZipFile(path) as archive, tempfile.TemporaryDirectory() as folder:
            database = Path(folder) / "collection.anki2"
            database.write_bytes(archive.read("collection.anki2"))
            connection = sqlite3.connect(database)
            try:
                rows = connection.execute("SELECT guid, flds, tags FROM notes").fetchall()
            finally:
                connection.close()
    except (OSError, KeyError, zipfile.BadZipFile, sqlite3.Error):
        return {}
    return {guid: (tuple(fields.split("\x1f")), tuple(tags.split())) for guid, fields, tags in rows}


#: How far into a collection to look for the note type's name: genanki stores it before any
#: note, Anki in its first pages, so a deck of any size is recognised after a few kilobytes.
_SCAN_BYTES = 16 << 20


def is_qa2anki_deck(path: str | Path) -> bool:
    """Whether ``path`` is an Anki package holding one of qa2anki's note types (cheap: no full extract).

    Guards against replacing a file that is not a deck qa2anki wrote (``--force`` overrides).
    """
    wanted = [name.encode() for name in NOTE_TYPE_NAMES]
    longest = max(map(len, wanted))
    try:
        with zipfile.ZipFile(path) as archive, archive.open("collection.anki2") as collection:
            if collection.read(16) != b"SQLite format 3\x00":
                return False
            tail, read = b"", 16
            while read < _SCAN_BYTES:
                chunk = collection.read(1 << 16)
                if not chunk:
                    return False
                if any(name in tail + chunk for name in wanted):
                    return True
                tail, read = chunk[-longest:], read + len(chunk)
    except (OSError, KeyError, zipfile.BadZipFile, EOFError, ValueError, NotImplementedError):
        return False
    return False
