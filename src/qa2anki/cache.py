"""Build cache: a deck whose inputs have not changed since its last build is not rebuilt.

The cache lives in ``.qa2anki-cache/`` beside the manifest (build output, never committed).
Each deck has one small JSON record: a fingerprint of everything the deck is made from — the
deck's manifest entry, every source's bytes, the lockfile, and qa2anki's own code — plus the
size and modification time of the ``.apkg`` it wrote and that build's summary. A deck is
reused only while the fingerprint matches *and* its ``.apkg`` is still the file written
then; anything else (an edited source, a new qa2anki, a deleted or replaced deck) rebuilds.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from .manifest import DeckSpec
from .package import atomic_path

CACHE_DIR = ".qa2anki-cache"
_FORMAT = 1


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Hash of qa2anki's own modules and templates: new code never reuses old output."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".html", ".css"):
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def deck_fingerprint(deck: DeckSpec, lockfile: Path | None) -> str:
    """Everything that decides what a deck's ``.apkg`` holds."""
    digest = hashlib.sha256()
    digest.update(code_fingerprint().encode())
    digest.update(repr(_spec_data(deck)).encode())
    for source in deck.sources:
        digest.update(str(source.path).encode())
        try:
            digest.update(hashlib.sha256(source.path.read_bytes()).digest())
        except OSError:
            digest.update(b"<unreadable>")  # the build itself will report it
    if lockfile is not None and lockfile.exists():
        digest.update(lockfile.read_bytes())
    return digest.hexdigest()


def _spec_data(deck: DeckSpec) -> Any:
    return json.dumps(dataclasses.asdict(deck), sort_keys=True, default=str)


class BuildCache:
    """Per-deck records under ``folder``; a missing or damaged record is simply a miss."""

    def __init__(self, folder: Path):
        self.folder = folder

    def _record_path(self, deck: DeckSpec) -> Path:
        key = hashlib.sha256(str(deck.output.resolve()).encode()).hexdigest()[:16]
        return self.folder / f"deck-{key}.json"

    def lookup(self, deck: DeckSpec, fingerprint: str) -> dict[str, Any] | None:
        """The summary stored with the last build, if that build is still what is on disk."""
        try:
            record = json.loads(self._record_path(deck).read_text(encoding="utf-8"))
            stat = deck.output.stat()
        except (OSError, ValueError):
            return None
        if (
            record.get("format") != _FORMAT
            or record.get("fingerprint") != fingerprint
            or record.get("output") != [stat.st_size, stat.st_mtime_ns]
        ):
            return None
        summary = record.get("summary")
        return summary if isinstance(summary, dict) else None

    def store(self, deck: DeckSpec, fingerprint: str, summary: dict[str, Any]) -> None:
        """Remember a deck just written (call after its ``.apkg`` is in place)."""
        stat = deck.output.stat()
        record = {
            "format": _FORMAT,
            "fingerprint": fingerprint,
            "output": [stat.st_size, stat.st_mtime_ns],
            "summary": summary,
        }
        self.folder.mkdir(parents=True, exist_ok=True)
        with atomic_path(self._record_path(deck)) as temporary:
            temporary.write_text(json.dumps(record, indent=1, default=str), encoding="utf-8")
