"""Local images a source refers to, packed into the deck under unique, stable names.

Anki keeps every deck's media in one flat folder, so ``img/diagram.png`` from two sources must
not collide and a changed image must not keep its old name: each file is stored as
``<content hash>-<file name>``. Names never start with ``_`` (Anki never overwrites those on
re-import). Only files with an image extension are packed, so a hostile source cannot smuggle
``../../.ssh/id_rsa`` into a deck the user shares.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .models import Diagnostic, Item

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp", ".avif"})
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def media_name(path: Path) -> str:
    """``<12 hex of the content's sha256>-<file name made safe>``: unique and stable."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    safe = _UNSAFE_NAME.sub("-", path.name).strip("-.") or "image"
    return f"{digest}-{safe}"


def local_path(src: str) -> str | None:
    """The file path an image ``src`` names, or None for URLs (remote, data:, file:)."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return unquote(parts.path)


@dataclass
class MediaCollector:
    """Resolves image references of a deck's items and remembers the files to pack.

    ``folders`` maps a source's file name (``Item.source``) to the folder it was read from.
    """

    folders: dict[str, Path]
    files: dict[str, Path] = field(default_factory=dict)  # media name -> file on disk
    looked_at: set[Path] = field(default_factory=set)  # every image file looked for, packed or not
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _lines: dict[str, list[str]] = field(default_factory=dict)

    def image_source(self, item: Item) -> Callable[[str], str | None]:
        """A sanitizer callback mapping ``src`` to a packed media name for ``item``."""

        def resolve(src: str) -> str | None:
            relative = local_path(src)
            if relative is None:
                return None  # remote or inline: never fetched, never shown
            return self._pack(item, src, relative)

        return resolve

    def _pack(self, item: Item, src: str, relative: str) -> str | None:
        folder = self.folders.get(item.source)
        path = (folder / relative) if folder is not None else Path(relative)
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            self._warn(item, src, f"image '{src}' is not an image file; not packed")
            return None
        self.looked_at.add(path)  # an input of the deck even when missing: the cache re-checks it
        if not path.is_file():
            self._warn(item, src, f"image '{src}' not found (looked for {path})")
            return None
        name = media_name(path)
        self.files[name] = path
        return name

    def _warn(self, item: Item, src: str, message: str) -> None:
        diagnostic = Diagnostic(item.source, self._line_of(item, src), message, ref=item.ref)
        if diagnostic not in self.diagnostics:
            self.diagnostics.append(diagnostic)

    def _line_of(self, item: Item, src: str) -> int | None:
        """The line of the source that mentions ``src``, searching from the item's own line."""
        lines = self._source_lines(item.source)
        start = (item.line or 1) - 1
        for number in range(start, len(lines)):
            if src in lines[number]:
                return number + 1
        return item.line

    def _source_lines(self, source: str) -> list[str]:
        if source not in self._lines:
            folder = self.folders.get(source)
            try:
                text = (folder / source).read_text(encoding="utf-8", errors="replace") if folder else ""
            except OSError:
                text = ""
            self._lines[source] = text.splitlines()
        return self._lines[source]
