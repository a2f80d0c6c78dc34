"""Rendered fields kept across builds, so a rebuild renders only the cards whose inputs changed.

Rendering (markdown, highlighting, sanitizing) is most of a build's work, and most cards of a
large deck are the same from one build to the next: editing one source of a 100k-card deck
should not render the other 99,999 again. Each card's fields are stored under a digest of
everything that goes into them: qa2anki's own code and libraries (:func:`.cache.code_fingerprint`),
the deck's code wrapping, the names the card gives its sources, and every member's text,
source, tags and flags (the deck, subdeck and tags of a note are worked out anew each build). Line numbers are
not part of it (the fields do not show them), so an edit that shifts a source's lines keeps
the cards below it. A card that shows an image is never stored: its fields depend on files.

The store is one SQLite file in the build cache folder beside the manifest
(``.qa2anki-cache/render.sqlite``), written in one transaction per deck; a damaged or
unreadable one is ignored and replaced, never an error. Entries a deck no longer uses are
deleted after each build of that deck.

Stored fields skip the sanitizer when they come back, so each entry is signed (HMAC-SHA256)
with a key kept outside the project, in the user's cache folder (``~/.cache/qa2anki``): a
store someone else wrote (a repository that committed its cache folder) is never trusted,
its entries are misses. Without a usable key the cache is simply not used.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sqlite3
import time
import zlib
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from .kept import connected, inflated, packed, write_kept
from .models import Card

FILE_NAME = "render.sqlite"
_SCHEMA = "CREATE TABLE IF NOT EXISTS fields (key TEXT PRIMARY KEY, deck TEXT, build INTEGER, body BLOB)"


def card_key(card: Card, settings: str, names: Sequence[str] = ()) -> str:
    """The digest of what a card's fields are made of (``settings``: :func:`settings_digest`;
    ``names``: what the fields call its sources)."""
    members = tuple(
        (item.question, item.answer, item.source, item.ref, sorted(item.meta.items()), item.tags,
         sorted(item.flags), item.prompt, item.guid)
        for item in card.items
    )
    made = (members, card.similarity, card.repeats, card.recovered, card.recovered_question, card.cloze)
    return hashlib.blake2b(f"{settings}\0{tuple(names)!r}\0{made!r}".encode(), digest_size=20).hexdigest()


def settings_digest(*parts: object) -> str:
    """One digest of the deck's rendering choices and qa2anki's code (computed once a deck)."""
    from .cache import code_fingerprint

    return hashlib.blake2b(repr((code_fingerprint(), parts)).encode(), digest_size=20).hexdigest()


_SIGNATURE_BYTES = 32


@lru_cache(maxsize=1)
def signing_key() -> bytes | None:
    """This user's key for signing stored fields (made on first use), or None if there is no
    private place to keep one."""
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(home) / "qa2anki" / "render.key"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            key = path.read_bytes()
            return key if len(key) == _SIGNATURE_BYTES else None
        with os.fdopen(handle, "wb") as out:
            out.write(key := os.urandom(_SIGNATURE_BYTES))
        return key
    except OSError:
        return None


def _signed(body: bytes, key: bytes) -> bytes:
    return hmac.new(key, body, hashlib.sha256).digest() + body


def _verified(blob: bytes, key: bytes) -> bytes:
    """The body of a stored entry this user signed; ValueError for any other."""
    signature, body = blob[:_SIGNATURE_BYTES], blob[_SIGNATURE_BYTES:]
    if not hmac.compare_digest(signature, hmac.new(key, body, hashlib.sha256).digest()):
        raise ValueError("an entry this user's key did not sign")
    return body


def _packed(fields: Sequence[str]) -> bytes:
    return packed(json.dumps(list(fields)).encode())


def _fields(body: bytes) -> tuple[str, ...]:
    fields = json.loads(inflated(body))
    if not isinstance(fields, list) or not all(isinstance(field, str) for field in fields):
        raise ValueError("stored fields that are not text")
    return tuple(fields)


class RenderCache:
    """The stored fields of one deck's cards; lookups and stores by :func:`card_key`."""

    def __init__(self, folder: Path, deck: str, reuse: bool = True):
        self.path = folder / FILE_NAME
        self.deck = deck
        self.reuse = reuse  # False (``--no-cache``): render everything, then store it afresh
        self.build = time.time_ns()

    def lookup(self, keys: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """The stored fields of those ``keys`` that have them."""
        found: dict[str, tuple[str, ...]] = {}
        signer = signing_key()
        if not self.reuse or signer is None or not keys or not self.path.is_file():
            return found
        try:
            with connected(self.path, _SCHEMA) as connection:
                for start in range(0, len(keys), 500):  # SQLite's bound-parameter limit
                    chunk = keys[start:start + 500]
                    marks = ",".join("?" * len(chunk))
                    rows = connection.execute(f"SELECT key, body FROM fields WHERE key IN ({marks})", chunk)
                    found.update((key, _fields(_verified(bytes(blob), signer))) for key, blob in rows)
        except (sqlite3.Error, zlib.error, ValueError, TypeError):
            return {}  # a damaged, foreign or odd store is as good as none
        return found

    def store(self, rendered: Mapping[str, Sequence[str]], used: Iterable[str]) -> None:
        """Remember newly rendered fields, mark every key this build used, forget the deck's others.

        Best effort: a store that cannot be written (the cache folder is a file, or read-only)
        is skipped; the build record beside it says so (see :mod:`.cache`)."""
        signer = signing_key()
        if signer is not None:
            write_kept(self.path, _SCHEMA, lambda db: self._store(db, rendered, used, signer))

    def _store(self, connection: sqlite3.Connection, rendered: Mapping[str, Sequence[str]],
               used: Iterable[str], signer: bytes) -> None:
        connection.executemany(
            "INSERT OR REPLACE INTO fields VALUES (?, ?, ?, ?)",
            ((key, self.deck, self.build, _signed(_packed(fields), signer))
             for key, fields in rendered.items()),
        )
        connection.execute("CREATE TEMP TABLE used (key TEXT PRIMARY KEY)")
        connection.executemany("INSERT OR IGNORE INTO used VALUES (?)", ((key,) for key in used))
        connection.execute("UPDATE fields SET build = ? WHERE key IN (SELECT key FROM used)",
                           (self.build,))
        connection.execute("DELETE FROM fields WHERE deck = ? AND build < ?", (self.deck, self.build))
