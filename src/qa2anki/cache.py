"""Build cache: a build whose inputs have not changed since the last one is not redone.

The cache is one small JSON file, ``.qa2anki-cache/build.json`` beside the manifest (build
output: ignored by git, safe to delete). It records a fingerprint of everything the decks are
made from — the manifest's decks, every source's bytes, the lockfile, and qa2anki's own code —
the size and modification time of each ``.apkg`` that build wrote, and the build's summary.
The next build is skipped only while the fingerprint matches *and* every ``.apkg`` is still
the file written then: an edited source, a new qa2anki, a touched lockfile, or a deck deleted
or replaced by hand all rebuild. The same inputs always give the same decks, so skipping
changes nothing but the time taken.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from .manifest import Manifest
from .models import Diagnostic, Dropped
from .package import atomic_path

CACHE_DIR = ".qa2anki-cache"
CACHE_FILE = "build.json"
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


def build_fingerprint(manifest: Manifest, lockfile: Path) -> str:
    """Everything that decides what the decks hold."""
    digest = hashlib.sha256(code_fingerprint().encode())
    for deck in manifest.decks:
        digest.update(json.dumps(dataclasses.asdict(deck), sort_keys=True, default=str).encode())
        for source in deck.sources:
            try:
                digest.update(hashlib.sha256(source.path.read_bytes()).digest())
            except OSError:
                digest.update(b"<unreadable>")  # the build itself will say why
    try:
        digest.update(lockfile.read_bytes())
    except OSError:
        digest.update(b"<no lockfile>")
    return digest.hexdigest()


def _output_stamp(path: Path) -> list[int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


class BuildCache:
    """The last build's fingerprint and summary; a missing or damaged file is simply a miss."""

    def __init__(self, root: Path):
        self.path = root / CACHE_DIR / CACHE_FILE

    def lookup(self, fingerprint: str, outputs: list[Path]) -> list[dict[str, Any]] | None:
        """The stored deck summaries, if the decks on disk are still that build's output."""
        try:
            record = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or record.get("format") != _FORMAT:
            return None
        stamps = [_output_stamp(path) for path in outputs]
        if record.get("fingerprint") != fingerprint or record.get("outputs") != stamps:
            return None
        decks = record.get("decks")
        return decks if isinstance(decks, list) else None

    def store(self, fingerprint: str, outputs: list[Path], decks: list[dict[str, Any]]) -> None:
        """Remember a build just written (call once every deck and the lockfile are in place)."""
        record = {
            "format": _FORMAT,
            "fingerprint": fingerprint,
            "outputs": [_output_stamp(path) for path in outputs],
            "decks": decks,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(self.path) as temporary:
            temporary.write_text(json.dumps(record, default=str), encoding="utf-8")


def plain(entries: tuple[Dropped, ...] | tuple[Diagnostic, ...]) -> list[dict[str, Any]]:
    """Flat dataclasses as JSON-ready dicts."""
    return [dataclasses.asdict(entry) for entry in entries]
