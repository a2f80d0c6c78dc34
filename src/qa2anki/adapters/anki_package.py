"""Anki packages (``.apkg``, ``.colpkg``): a zip holding the deck's SQLite collection.

Each note becomes an item keeping its GUID, so a deck rebuilt from a friend's package updates
the notes a learner imported from it rather than adding copies. Note types come from the
collection's ``col.models`` JSON (schema 11, what genanki and Anki's "Support older Anki
versions" export write) or from its ``notetypes``/``fields``/``templates`` tables (newer
schemas); a note's deck is its first card's. How fields map to a question and an answer is
shared with the other Anki formats (:mod:`._anki_notes`).

Newer Anki exports with "Support older Anki versions" off hold ``collection.anki21b``,
compressed with zstd, which Python's standard library cannot read before 3.14: such a
package is refused with what to do. Reading is bounded: the collection is copied out of the
zip in chunks, refused past the source size limit, and opened read-only from a temporary
file; the package itself is never written.
"""

from __future__ import annotations

import html
import io
import json
import sqlite3
import tempfile
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..errors import SourceError
from ..media import IMAGE_SUFFIXES, package_media
from ..models import Diagnostic, SourceResult
from ..textio import human_size
from ._text.anki_notes import (
    IMAGE_SOURCE,
    SOUND,
    AnkiNote,
    NoteType,
    note_type_of_model,
    read_notes,
    shared_deck_depth,
)
from .base import Adapter

ZIP_MAGIC = b"PK\x03\x04"
#: Collection members, the one to read first: Anki writes the newest it can and a stub in the rest.
COLLECTIONS = ("collection.anki21", "collection.anki2")
LEGACY_COLLECTION = "collection.anki21"
ZSTD_COLLECTION = "collection.anki21b"
SQLITE_MAGIC = b"SQLite format 3\x00"
CHUNK = 1 << 20
#: Schema 18 keeps deck names with this separator where older ones use ``::``.
DECK_SEPARATOR = "\x1f"


def sniff_bytes(data: bytes) -> float:
    if not data.startswith(ZIP_MAGIC):
        return 0.0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return 0.5  # a damaged zip: reading it says so, rather than "not text"
    return 0.95 if names & {*COLLECTIONS, ZSTD_COLLECTION} else 0.5  # no collection: reading says so


def sniff(text: str) -> float:
    return 0.0  # a package is binary: :func:`sniff_bytes` claims it before any decoding


def read(text: str, source: str, options: Mapping[str, Any]) -> SourceResult:
    raise SourceError("an Anki package is a zip file; name the .apkg file itself", file=source)


def read_bytes(data: bytes, source: str, options: Mapping[str, Any], max_bytes: int) -> SourceResult:
    """Every note of the package's collection as an item (see the module docstring)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, tempfile.TemporaryDirectory() as folder:
            member = _collection_member(archive, source)
            database = Path(folder) / "collection.sqlite"
            _extract(archive, member, database, max_bytes, source)
            notes = _read_collection(database, source, member)
            images = frozenset(name for name in package_media(archive)
                               if Path(name).suffix.lower() in IMAGE_SUFFIXES)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise SourceError(f"not a readable Anki package: {exc}", file=source) from None
    except sqlite3.Error as exc:
        raise SourceError(f"the package's collection cannot be read: {exc}", file=source) from None
    except OSError as exc:
        raise SourceError(f"cannot unpack: {exc.strerror or exc}", file=source) from None
    notes = [replace(note, packaged_media=images) for note in notes] if images else notes
    result = read_notes(notes, source, "apkg")
    media = _media_note(notes, source)
    return SourceResult(result.source, result.format, result.items, result.dropped,
                        result.diagnostics + media)


def _collection_member(archive: zipfile.ZipFile, source: str) -> str:
    names = set(archive.namelist())
    if ZSTD_COLLECTION in names and LEGACY_COLLECTION not in names:
        raise SourceError(
            f"its collection is {ZSTD_COLLECTION} (zstd-compressed, which qa2anki cannot read): it was "
            "exported with 'Support older Anki versions' off; re-export it with that option on", file=source)
    member = next((name for name in COLLECTIONS if name in names), None)
    if member is None:
        raise SourceError("a zip file but no Anki package: it holds no collection.anki2", file=source)
    return member


def _extract(archive: zipfile.ZipFile, member: str, target: Path, max_bytes: int, source: str) -> None:
    """Copy ``member`` out in chunks, refusing it past ``max_bytes`` (a zip bomb is stopped there,
    whatever size the zip claims)."""
    too_large = SourceError(
        f"{member} unpacks to more than {human_size(max_bytes)}, over the limit for a source; "
        "to read it, raise 'limits: source_mb:' in the manifest (or pass --max-source-mb)", file=source)
    if archive.getinfo(member).file_size > max_bytes:
        raise too_large
    written = 0
    with archive.open(member) as packed, target.open("wb") as out:
        while chunk := packed.read(CHUNK):
            written += len(chunk)
            if written > max_bytes:
                raise too_large
            out.write(chunk)


def _read_collection(database: Path, source: str, member: str) -> list[AnkiNote]:
    with database.open("rb") as handle:
        if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise SourceError(f"{member} is not an SQLite collection", file=source)
    connection = sqlite3.connect(f"{database.as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "notetypes" in tables:
            note_types, decks = _schema18_types(connection), _schema18_decks(connection)
        else:
            note_types, decks = _legacy_types(connection, source), _legacy_decks(connection, source)
        return list(_notes(connection, note_types, _deck_paths(decks)))
    finally:
        connection.close()


# --- note types and decks -----------------------------------------------------------------------


def _col_json(connection: sqlite3.Connection, column: str, source: str) -> dict[str, Any]:
    row = connection.execute(f"SELECT {column} FROM col").fetchone()  # noqa: S608 (a fixed name)
    try:
        value = json.loads(row[0]) if row and row[0] else {}
    except (ValueError, RecursionError):
        raise SourceError(f"the collection's {column} are damaged (not JSON)", file=source) from None
    return value if isinstance(value, dict) else {}


def _legacy_types(connection: sqlite3.Connection, source: str) -> dict[int, NoteType]:
    models = _col_json(connection, "models", source)
    return {_int(model.get("id", key)): note_type_of_model(model) for key, model in models.items()
            if isinstance(model, dict)}


def _legacy_decks(connection: sqlite3.Connection, source: str) -> dict[int, str]:
    decks = _col_json(connection, "decks", source)
    return {_int(deck.get("id", key)): str(deck.get("name", "")) for key, deck in decks.items()
            if isinstance(deck, dict)}


def _schema18_types(connection: sqlite3.Connection) -> dict[int, NoteType]:
    fields: dict[int, list[str]] = {}
    for ntid, name in connection.execute("SELECT ntid, name FROM fields ORDER BY ntid, ord"):
        fields.setdefault(ntid, []).append(str(name))
    templates: dict[int, list[tuple[str, str]]] = {}
    for ntid, config in connection.execute("SELECT ntid, config FROM templates ORDER BY ntid, ord"):
        strings = _proto_strings(bytes(config or b""))
        templates.setdefault(ntid, []).append((strings.get(1, ""), strings.get(2, "")))
    return {
        ntid: NoteType.from_templates(str(name), fields.get(ntid, []), templates.get(ntid, []),
                                      cloze=bytes(config or b"")[:2] == b"\x08\x01")  # NotetypeConfig.kind
        for ntid, name, config in connection.execute("SELECT id, name, config FROM notetypes")
    }


def _schema18_decks(connection: sqlite3.Connection) -> dict[int, str]:
    return {did: str(name).replace(DECK_SEPARATOR, "::")
            for did, name in connection.execute("SELECT id, name FROM decks")}


def _proto_strings(blob: bytes) -> dict[int, str]:
    """The top-level length-delimited fields of a protobuf message, as text (a template's
    ``q_format`` is field 1 and ``a_format`` field 2); anything unreadable ends the walk."""
    out: dict[int, str] = {}
    position = 0
    while position < len(blob):
        key, position = _varint(blob, position)
        number, kind = key >> 3, key & 7
        if kind == 0:
            _, position = _varint(blob, position)
        elif kind == 1:
            position += 8
        elif kind == 5:
            position += 4
        elif kind == 2:
            size, position = _varint(blob, position)
            out.setdefault(number, blob[position:position + size].decode("utf-8", "replace"))
            position += size
        else:
            break
    return out


def _varint(blob: bytes, position: int) -> tuple[int, int]:
    value, shift = 0, 0
    while position < len(blob):
        byte = blob[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            break
        shift += 7
    return value, position


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _deck_paths(decks: dict[int, str]) -> dict[int, tuple[str, ...]]:
    return {did: tuple(part.strip() for part in name.split("::")) for did, name in decks.items()}


# --- notes ----------------------------------------------------------------------------------------


def _notes(connection: sqlite3.Connection, note_types: dict[int, NoteType],
           deck_names: dict[int, tuple[str, ...]]) -> Iterator[AnkiNote]:
    first_deck: dict[int, int] = {}
    for nid, did in connection.execute("SELECT nid, did FROM cards ORDER BY nid, ord"):
        first_deck.setdefault(nid, did)
    rows = connection.execute("SELECT id, guid, mid, flds, tags FROM notes ORDER BY id").fetchall()
    paths = [deck_names.get(first_deck.get(nid, 0), ()) for nid, *_ in rows]
    shared = shared_deck_depth(paths)
    for (nid, guid, mid, fields, tags), path in zip(rows, paths, strict=True):
        guid = str(guid or "").strip()
        yield AnkiNote(
            fields=tuple(str(fields or "").split("\x1f")),
            note_type=note_types.get(mid, NoteType()),
            ref=guid or str(nid),
            guid=guid,
            tags=tuple(str(tags or "").split()),
            deck=path[shared:],
        )


def _media_note(notes: list[AnkiNote], source: str) -> tuple[Diagnostic, ...]:
    """One warning for all the images a package's notes name that it does not hold (looked for
    beside the package) and the sounds (left out); the images it holds go into the deck."""
    count = sum(1 for note in notes if any(SOUND.search(f) or _unpacked_image(f, note.packaged_media)
                                           for f in note.fields))
    if not count:
        return ()
    return (Diagnostic(source, None, f"{count} notes refer to sounds, or to images the package does not "
                       "hold: images are looked for beside the package, sounds are left out"),)


def _unpacked_image(field: str, packaged: frozenset[str]) -> bool:
    return any(html.unescape(unquote(m.group(3))) not in packaged for m in IMAGE_SOURCE.finditer(field))


ADAPTER = Adapter(
    name="apkg",
    summary="Anki package (.apkg/.colpkg): every note with its GUID, note type fields and deck",
    sniff=sniff,
    read=read,
    sniff_bytes=sniff_bytes,
    read_bytes=read_bytes,
)
