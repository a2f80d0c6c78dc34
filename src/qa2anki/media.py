"""Local images a source refers to, packed into the deck under unique, stable names.

Anki keeps every deck's media in one flat folder, so ``img/diagram.png`` from two sources must
not collide and a changed image must not keep its old name: each file is stored as
``<content hash>-<file name>``. Names never start with ``_`` (Anki never overwrites those on
re-import).

A deck is shared, and a source may be hostile, so a reference such as ``../../.ssh/id.png``,
an absolute path, ``%2e%2e/`` or a symlink to ``/proc/self/environ`` must not pack that file.
An image is packed only when all of these hold, else it is left out of the card with a warning:

- its resolved path (symlinks followed) lies inside the source's allowed tree (see
  :func:`allowed_root`);
- it is a regular file (never a device, FIFO or socket) no larger than ``limits.image_mb``,
  and at most that many bytes are ever read;
- its bytes are a PNG, JPEG, GIF, WebP, BMP or AVIF image, whatever its name says.

SVG is refused: it is a document that can hold scripts, external references and entities, and
each Anki client shows media its own way (an SVG opened directly runs its scripts). Keeping
a sanitizer for it current is a larger risk than asking the author for a PNG.
The bytes checked are the bytes packed: the file is read once, here.

An Anki package a deck is rebuilt from holds its own images: a field's ``src`` that names one
(written ``anki-package-media/NAME`` by the adapter) is read from the package's zip in memory,
by the same rules (size, image bytes, no SVG), never unpacked to disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from urllib.parse import unquote, urlsplit

from .models import Diagnostic, Item

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".avif"})
SVG_SUFFIXES = frozenset({".svg", ".svgz"})
MEGABYTE = 1024 * 1024
DEFAULT_IMAGE_MB = 10.0  # as manifest.Limits.image_mb
#: How a field names an image packed inside its own source (an Anki package), not a file beside it.
PACKAGE_MEDIA = "anki-package-media/"
PACKAGE_SUFFIXES = frozenset({".apkg", ".colpkg"})
#: Bounds on what is read of packages: the ``media`` map's bytes, and images per deck.
MAX_MEDIA_MAP = 4 * MEGABYTE
MAX_PACKAGE_IMAGES = 5000
_ZIP_ERRORS = (OSError, KeyError, zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_BMP_HEADER_SIZES = frozenset({12, 16, 40, 52, 56, 64, 108, 124})
#: No symlink at the last step (the path is resolved already), no waiting on a FIFO swapped in.
_READ_FLAGS = (
    os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
)


class ImageRefusedError(Exception):
    """Why an image is not packed, phrased to follow ``image 'SRC' ``."""


def image_kind(content: bytes) -> str | None:
    """The image format ``content`` starts with (PNG, JPEG, GIF, WebP, BMP, AVIF), else None."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp"
    if content[:2] == b"BM" and int.from_bytes(content[14:18], "little") in _BMP_HEADER_SIZES:
        return "bmp"  # "BM" alone starts too much text; the DIB header size confirms it
    if content[4:8] == b"ftyp" and _avif_brand(content):
        return "avif"
    return None


def _avif_brand(content: bytes) -> bool:
    """An ISO-BMFF ``ftyp`` box naming ``avif``/``avis`` as its major or a compatible brand."""
    size = int.from_bytes(content[:4], "big")
    box = content[8:min(max(size, 16), 4096)]
    brands = [box[i:i + 4] for i in range(0, len(box) - 3, 4) if i != 4]  # skip minor version
    return bool({b"avif", b"avis"} & set(brands))


def media_name(content: bytes, file_name: str) -> str:
    """``<12 hex of the content's sha256>-<file name made safe>``: unique and stable."""
    digest = hashlib.sha256(content).hexdigest()[:12]
    safe = _UNSAFE_NAME.sub("-", file_name).strip("-.") or "image"
    return f"{digest}-{safe}"


def local_path(src: str) -> str | None:
    """The file path an image ``src`` names, or None for URLs (remote, data:, file:)."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return unquote(parts.path)


def allowed_root(source: Path, base: Path) -> Path:
    """The tree a source's images may come from: ``base`` (the manifest's folder, or the
    current one for a build without a manifest) when the source lies inside it, else the
    source's own folder. Both resolved."""
    source, base = Path(source).resolve(), Path(base).resolve()
    return base if source.is_relative_to(base) else source.parent


def read_image(path: Path, limit_mb: float) -> bytes:
    """The bytes of the regular file ``path`` (already resolved) if it is an image within ``limit_mb``.

    Never opens a device, FIFO or socket, and never reads more than the limit and one byte:
    ``/proc`` files report size 0 yet are endless.
    """
    limit = int(limit_mb * MEGABYTE)
    too_large = ImageRefusedError(f"is larger than limits.image_mb ({limit_mb:g} MB)")
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise ImageRefusedError("is not a regular file")
        if info.st_size > limit:
            raise too_large
        descriptor = os.open(path, _READ_FLAGS)
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise ImageRefusedError("is not a regular file")
            content = handle.read(limit + 1)
    except OSError as exc:
        raise ImageRefusedError(f"cannot be read ({exc.strerror or exc})") from None
    if len(content) > limit:
        raise too_large
    if image_kind(content) is None:
        raise ImageRefusedError("is not an image (its bytes are not PNG, JPEG, GIF, WebP, BMP or AVIF)")
    return content


def read_package_image(package: Path, name: str, limit_mb: float) -> bytes:
    """The bytes of the image an Anki package holds under ``name`` (its ``media`` map names each
    numbered member), if it is an image within ``limit_mb``; read in memory, at most the limit
    and one byte, whatever size the zip claims."""
    limit = int(limit_mb * MEGABYTE)
    try:
        with zipfile.ZipFile(package) as archive:
            member = package_media(archive).get(name)
            if member is None:
                raise ImageRefusedError("is not in the package's media")
            if archive.getinfo(member).file_size > limit:
                raise ImageRefusedError(f"is larger than limits.image_mb ({limit_mb:g} MB)")
            with archive.open(member) as packed:
                content = packed.read(limit + 1)
    except _ZIP_ERRORS as exc:
        raise ImageRefusedError(f"cannot be read from the package ({exc})") from None
    if len(content) > limit:
        raise ImageRefusedError(f"is larger than limits.image_mb ({limit_mb:g} MB)")
    if image_kind(content) is None:
        raise ImageRefusedError("is not an image (its bytes are not PNG, JPEG, GIF, WebP, BMP or AVIF)")
    return content


def package_media(archive: zipfile.ZipFile) -> dict[str, str]:
    """An Anki package's ``media`` map turned round: file name -> zip member ({} when it has none
    or it is damaged; at most :data:`MAX_MEDIA_MAP` bytes of it are read)."""
    try:
        with archive.open("media") as handle:
            raw = handle.read(MAX_MEDIA_MAP + 1)
        mapping = json.loads(raw) if len(raw) <= MAX_MEDIA_MAP else {}
    except (*_ZIP_ERRORS, ValueError, RecursionError):
        return {}
    if not isinstance(mapping, dict):
        return {}
    return {str(name): str(member) for member, name in mapping.items() if isinstance(name, str)}


@dataclass
class MediaCollector:
    """Resolves image references of a deck's items and keeps the checked bytes to pack.

    ``folders`` maps a source's name (``Item.source``) to the folder it was read from, and
    ``roots`` to the tree its images may come from (:func:`allowed_root`; the folder itself
    when missing). Images over ``image_mb`` megabytes are left out.
    """

    folders: Mapping[str, Path]
    roots: Mapping[str, Path] = field(default_factory=dict)
    image_mb: float = DEFAULT_IMAGE_MB
    files: dict[str, bytes] = field(default_factory=dict)  # media name -> the bytes to pack
    #: every image file looked for -> sha256 of the bytes packed from it; None: not packed
    looked_at: dict[Path, str | None] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _lines: dict[str, list[str]] = field(default_factory=dict)
    _checked: dict[tuple[str, str], tuple[str, bytes] | ImageRefusedError] = field(default_factory=dict)
    _package_reads: int = 0

    def image_source(self, item: Item) -> Callable[[str], str | None]:
        """A sanitizer callback mapping ``src`` to a packed media name for ``item``."""

        def resolve(src: str) -> str | None:
            if src.startswith(PACKAGE_MEDIA) and PurePath(item.source).suffix.lower() in PACKAGE_SUFFIXES:
                return self._pack(item, src, src, packaged=True)
            relative = local_path(src)
            if relative is None:
                return None  # remote or inline: never fetched, never shown
            return self._pack(item, src, relative)

        return resolve

    def _pack(self, item: Item, src: str, relative: str, packaged: bool = False) -> str | None:
        key = (item.source, relative)
        if key not in self._checked:
            try:
                check = self._check_packaged if packaged else self._check
                self._checked[key] = check(item.source, relative)
            except ImageRefusedError as why:
                self._checked[key] = why
            if not packaged:  # a packaged image changes only with its package, a source itself
                self._note_looked_at(item.source, relative, self._checked[key])
        checked = self._checked[key]
        if isinstance(checked, ImageRefusedError):
            self._warn(item, src, f"image '{src}' {checked}; not packed")
            return None
        name, content = checked
        self.files[name] = content
        return name

    def _note_looked_at(
        self, source: str, relative: str, checked: tuple[str, bytes] | ImageRefusedError
    ) -> None:
        """Remember what the deck read of an image file, so the build cache can tell it changed."""
        folder = self.folders.get(source)
        if folder is not None:
            packed = checked[1] if isinstance(checked, tuple) else None
            self.looked_at[folder / relative] = None if packed is None else hashlib.sha256(packed).hexdigest()

    def _check(self, source: str, relative: str) -> tuple[str, bytes]:
        """The media name and bytes of the image ``relative`` names, or :class:`ImageRefusedError`."""
        folder = self.folders.get(source)
        if folder is None:
            raise ImageRefusedError(f"cannot be looked up: no source '{source}' in this deck")
        path = folder / relative
        resolved = _inside(path, self.roots.get(source, folder))
        suffix = path.suffix.lower()
        if suffix in SVG_SUFFIXES:
            raise ImageRefusedError("is an SVG, which can carry scripts (convert it to PNG)")
        if suffix not in IMAGE_SUFFIXES:
            raise ImageRefusedError("is not an image file")
        if not resolved.exists():
            raise ImageRefusedError(f"not found (looked for {path})")
        content = read_image(resolved, self.image_mb)
        return media_name(content, path.name), content

    def _check_packaged(self, source: str, src: str) -> tuple[str, bytes]:
        """The media name and bytes of an image packed inside the source itself (an Anki package),
        read from the zip in memory, never unpacked to disk; or :class:`ImageRefusedError`."""
        folder = self.folders.get(source)
        if folder is None:
            raise ImageRefusedError(f"cannot be looked up: no source '{source}' in this deck")
        name = unquote(src[len(PACKAGE_MEDIA):])
        suffix = PurePath(name).suffix.lower()
        if suffix in SVG_SUFFIXES:
            raise ImageRefusedError("is an SVG, which can carry scripts (convert it to PNG)")
        if suffix not in IMAGE_SUFFIXES:
            raise ImageRefusedError("is not an image file")
        self._package_reads += 1
        if self._package_reads > MAX_PACKAGE_IMAGES:
            raise ImageRefusedError(f"is past the first {MAX_PACKAGE_IMAGES:,} images read from packages")
        package = _inside(folder / PurePath(source).name, self.roots.get(source, folder))
        content = read_package_image(package, name, self.image_mb)
        return media_name(content, name), content

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
            folder = self.folders.get(source)  # the source's own folder, whichever form ``source`` has
            try:
                path = folder / PurePath(source).name if folder else None
                text = path.read_text(encoding="utf-8", errors="replace") if path else ""
            except OSError:
                text = ""
            self._lines[source] = text.splitlines()
        return self._lines[source]


def _inside(path: Path, root: Path) -> Path:
    """``path`` resolved (symlinks followed), if it lies inside ``root``; else :class:`ImageRefusedError`."""
    try:
        resolved, tree = path.resolve(), root.resolve()
    except (OSError, ValueError, RuntimeError):  # a NUL byte, a symlink loop
        raise ImageRefusedError("is not a usable path") from None
    if not resolved.is_relative_to(tree):
        raise ImageRefusedError(f"is outside {tree}, the folder images may come from")
    return resolved
