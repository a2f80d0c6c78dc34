"""Packaging stage: notes to an ``.apkg`` with genanki, written atomically.

Every id is derived from a stable name: the note type from its own name, decks from theirs,
so a rebuild updates the same objects in the user's collection instead of adding new ones.
"""

from __future__ import annotations

import errno
import hashlib
import itertools
import json
import shutil
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path

import genanki

# What a written deck holds is read back by .apkg (no genanki needed), re-exported here.
from .apkg import CLOZE_TYPE_NAME as CLOZE_TYPE_NAME
from .apkg import NOTE_TYPE_NAME as NOTE_TYPE_NAME
from .apkg import NOTE_TYPE_NAMES as NOTE_TYPE_NAMES
from .apkg import is_qa2anki_deck as is_qa2anki_deck
from .apkg import read_apkg_notes as read_apkg_notes
from .errors import OutputError
from .files import atomic_path
from .models import CLOZE_FIELDS, NOTE_FIELDS, RECOVERED_CLOZE, Note
from .render import code_wrap_css, highlight_css


def stable_id(name: str) -> int:
    """A positive 63-bit id from a name (Anki ids are signed 64-bit, genanki's are below 2**63)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big") >> 2 or 1


def _template(name: str) -> str:
    return resources.files("qa2anki").joinpath("templates", name).read_text(encoding="utf-8")


def card_css() -> str:
    """The one stylesheet: card style plus pygments' light and dark palettes."""
    return _template("style.css") + "\n" + code_wrap_css() + highlight_css()


class _Model(genanki.Model):  # type: ignore[misc]  # genanki publishes no types
    """A genanki note type whose modification time is when it last changed, not the build's."""

    def __init__(self, *args, mtime: int | None = None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._mtime = mtime

    def to_json(self, timestamp, deck_id):  # type: ignore[no-untyped-def]
        return super().to_json(self._mtime or timestamp, deck_id)


def _note_type(name: str, fields: tuple[str, ...], card: str, files: str, mtime: int | None,
               model_type: int = genanki.Model.FRONT_BACK) -> genanki.Model:
    """A note type of ours: fields, one card template (``<files>-front.html``/``-back.html``, or
    ``front.html``/``back.html``), the one stylesheet, an id from its name."""
    prefix = f"{files}-" if files else ""
    return _Model(
        stable_id(name),
        name,
        fields=[{"name": field} for field in fields],
        templates=[
            {"name": card, "qfmt": _template(f"{prefix}front.html"), "afmt": _template(f"{prefix}back.html")}
        ],
        css=card_css(),
        model_type=model_type,
        sort_field_index=0,
        mtime=mtime,
    )


@lru_cache(maxsize=4)
def note_type(mtime: int | None = None) -> genanki.Model:
    """The one note type; ``mtime`` decides whether Anki updates its templates and CSS on import
    (only when newer than the copy it has; field and template names must never change)."""
    return _note_type(NOTE_TYPE_NAME, NOTE_FIELDS, "Card 1", "", mtime)


@lru_cache(maxsize=4)
def cloze_type(mtime: int | None = None) -> genanki.Model:
    """Anki's cloze note type, styled as the Q&A one: one card per ``{{cN::…}}`` of its Text."""
    return _note_type(CLOZE_TYPE_NAME, CLOZE_FIELDS, "Cloze", "cloze", mtime, genanki.Model.CLOZE)


def model_for(name: str, mtime: int | None = None) -> genanki.Model:
    """The note type called ``name`` (one of :data:`NOTE_TYPE_NAMES`)."""
    return cloze_type(mtime) if name == CLOZE_TYPE_NAME else note_type(mtime)


def notetype_of(note: Note) -> str:
    """The name of the note type ``note`` is written as."""
    return CLOZE_TYPE_NAME if note.card.kind == RECOVERED_CLOZE else NOTE_TYPE_NAME


def notetype_fingerprint(name: str = NOTE_TYPE_NAME) -> str:
    """Changes whenever the note type's fields, templates or CSS do."""
    model = model_for(name)
    fields = [field["name"] for field in model.fields]
    text = "\x1e".join([*fields, *(t["qfmt"] + "\x1f" + t["afmt"] for t in model.templates), model.css])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class _Note(genanki.Note):  # type: ignore[misc]  # genanki publishes no types
    """A genanki note whose modification time can be the time its content last changed."""

    def __init__(self, *args, mtime: int | None = None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._mtime = mtime

    def write_to_db(self, cursor, timestamp, deck_id, id_gen):  # type: ignore[no-untyped-def]
        return super().write_to_db(
            cursor, float(self._mtime) if self._mtime else timestamp, deck_id, id_gen
        )


def write_apkg(
    notes: Iterable[Note],
    path: str | Path,
    timestamp: float | None = None,
    notetype_mtime: int | None = None,
    media: Mapping[str, bytes] | None = None,
    notetype_mtimes: Mapping[str, int] | None = None,
) -> int:
    """Write ``notes`` to ``path`` (decks created as named); returns the number of notes.

    The file appears only when complete: it is written beside the target and renamed over it,
    so a failed or killed build leaves the previous deck as it was. ``media`` maps the names
    the fields use to the image bytes (checked by :mod:`.media`) packed under those names.
    When every note has its ``mtime``, the package's timestamp is the latest of them, and
    the same notes give the same bytes. ``notetype_mtimes`` gives each note type's modification
    time by name (``notetype_mtime``: the Q&A type's, when only it is used).
    """
    path = Path(path)
    notes = list(notes)
    if timestamp is None:
        stamps = [note.mtime for note in notes if note.mtime is not None]
        timestamp = max(stamps) if stamps and len(stamps) == len(notes) else time.time()
    decks: dict[str, genanki.Deck] = {}
    mtimes = {NOTE_TYPE_NAME: notetype_mtime, **(notetype_mtimes or {})}
    count = 0
    for note in notes:
        deck = decks.get(note.deck)
        if deck is None:
            deck = decks[note.deck] = genanki.Deck(stable_id(f"deck:{note.deck}"), note.deck)
        deck.add_note(
            _Note(
                model=model_for(notetype_of(note), mtimes.get(notetype_of(note))),
                fields=list(note.fields),
                tags=list(note.tags),
                guid=note.guid,
                due=note.position,
                mtime=note.mtime,
            )
        )
        count += 1
    package = genanki.Package(list(decks.values()))
    with atomic_path(path) as temporary:
        try:
            _write_package(package, temporary, timestamp, media or {})
        except (OSError, sqlite3.Error) as exc:
            raise OutputError(f"cannot write deck: {_write_failure(exc)}", file=str(path)) from None
    return count


def _pack_file(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, file: Path) -> None:
    """Compress ``file`` into ``archive`` a megabyte at a time: a 100k-note collection is a
    quarter of a gigabyte, which would otherwise be held whole (the bytes are the same)."""
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.file_size = file.stat().st_size  # lets zipfile choose ZIP64 up front, as for bytes
    with file.open("rb") as source, archive.open(entry, "w") as target:
        shutil.copyfileobj(source, target, _PACK_CHUNK)


_PACK_CHUNK = 1 << 20


def _write_failure(exc: OSError | sqlite3.Error) -> str:
    """Why a deck could not be written, in words that say where space ran out.

    genanki builds the deck's database in the temporary folder (``TMPDIR``) before it is zipped
    beside the deck, so a full temporary folder fails as sqlite's "database or disk is full".
    """
    if isinstance(exc, sqlite3.Error):
        folder = tempfile.gettempdir()
        if "full" in str(exc):
            return (f"no space left in the temporary folder {folder} for the deck's database; "
                    "free some space there or point TMPDIR at a folder with room")
        return f"the deck's database in the temporary folder {folder} failed: {exc}"
    if exc.errno == errno.ENOSPC:
        return "no space left on device"
    return str(exc.strerror or exc)


def _write_package(
    package: genanki.Package, path: Path, timestamp: float, media: Mapping[str, bytes]
) -> None:
    """genanki's ``write_to_file`` with fixed zip entry dates, so equal input gives equal bytes.

    Media are packed as genanki and Anki do (entries ``0``, ``1``… and a ``media`` name map),
    under the names the fields use.
    """
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "collection.anki2"
        connection = sqlite3.connect(database)
        try:
            package.write_to_db(connection.cursor(), timestamp, itertools.count(int(timestamp * 1000)))
            connection.commit()
        finally:
            connection.close()
        date = time.gmtime(max(timestamp, 315532800))[:6]  # zip dates start in 1980
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            _pack_file(archive, zipfile.ZipInfo("collection.anki2", date), database)
            index = {str(number): name for number, name in enumerate(sorted(media))}
            archive.writestr(zipfile.ZipInfo("media", date), json.dumps(index))
            for number, name in index.items():
                archive.writestr(zipfile.ZipInfo(number, date), media[name], zipfile.ZIP_DEFLATED)
