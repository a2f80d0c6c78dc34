"""Build cache: a build whose inputs have not changed since the last one is not redone.

The cache is one small JSON file, ``.qa2anki-cache/build.json`` beside the manifest (build
output: ignored by git, safe to delete). It records a fingerprint of everything the decks are
made from — qa2anki's code and libraries, the manifest as parsed, every source's bytes — the
lockfile's hash, every image the decks were rendered with (packed: its content hash; looked
for but missing: absent), the size and modification time of each ``.apkg`` that build wrote,
and the build's summary. The next build is skipped only while all of that still holds: an
edited source or image, a new qa2anki, a touched lockfile, or a deck deleted or replaced by
hand all rebuild. The same inputs always give the same decks, so skipping changes nothing but
the time taken.

A stale deck is worse than a slow build, so:

- inputs are fingerprinted *before* the build reads them and again once its decks are written;
  if any changed meanwhile (a source saved mid-build), nothing is recorded and the next build
  rebuilds. Images are known only once rendered: each packed image must still hash to the name
  it was packed under, and each missing one must still be missing, or nothing is recorded;
- the file is never trusted: a record is used only when every field has the expected type and
  shape, its text has no control characters or terminal escapes, and its names, outputs and
  source paths are the manifest's own. A damaged, huge or odd file is a miss, never an error;
- a cache that cannot be written is a warning: the decks are written all the same.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import stat
import sys
import typing
from collections.abc import Callable, Iterable
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from .errors import Qa2AnkiError
from .files import atomic_path
from .manifest import DeckSpec, Manifest
from .models import Diagnostic, Dropped
from .report import BuildReport, Coverage, DeckChanges, DeckReport, RepairStats, SourceSummary

CACHE_DIR = ".qa2anki-cache"
CACHE_FILE = "build.json"
_FORMAT = 5

#: A record larger than this is not read (a miss) nor written; real ones are far smaller.
MAX_RECORD_BYTES = 32 * 2**20
#: The longest text a record may hold in one field.
MAX_TEXT = 100_000

#: The libraries whose versions change what a deck holds (rendering, highlighting, packaging).
_LIBRARIES = ("genanki", "markdown-it-py", "pygments", "pyyaml", "nh3", "rapidfuzz", "pystemmer")

#: Control characters (tab aside), terminal escapes (C0, DEL, C1), line separators, bidi and
#: zero-width formatting, lone surrogates: none of these belong in a summary printed again.
_UNSAFE_TEXT = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]"
)
_SEVERITIES = frozenset({"error", "warning", "note", "info"})
_RECORD_KEYS = frozenset({"format", "fingerprint", "lockfile", "outputs", "images", "decks"})
_DECK_KEYS = frozenset(
    {"name", "output", "cards", "recovered", "source_cards", "sources", "dropped", "diagnostics"}
)
_SOURCE_KEYS = frozenset({"path", "name", "format", "items", "dropped", "repair", "coverage", "title"})
_COVERAGE_KEYS = frozenset({"lines", "carded", "dropped", "skipped", "structure", "unaccounted"})
#: The most lost-line ranges a record keeps per source (each is also a warning in the record).
MAX_RANGES = 10_000


# --- fingerprints ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """qa2anki's modules and templates, Python's and the libraries' versions: new code never
    reuses old output."""
    digest = hashlib.sha256(sys.version.encode())
    for library in _LIBRARIES:
        try:
            digest.update(f"\0{library}={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"\0{library}=-".encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".html", ".css"):
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def file_digest(path: Path) -> str | None:
    """sha256 of a regular file's bytes; ``None`` when missing, unreadable or not a regular file
    (a FIFO or a device could block or never end)."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError):  # ValueError: a NUL in the path
        return None
    try:
        with os.fdopen(handle, "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                return None
            return hashlib.file_digest(file, "sha256").hexdigest()
    except OSError:
        return None


def inputs_fingerprint(manifest: Manifest) -> str:
    """Everything the build reads before rendering: the code, the manifest as parsed, each
    source's bytes. Taken before the build reads them and again once its decks are written."""
    digest = hashlib.sha256(code_fingerprint().encode())
    digest.update(_manifest_text(manifest).encode())
    for deck in manifest.decks:
        for source in deck.sources:
            digest.update(f"\0{source.path}\0{file_digest(source.path) or '-'}".encode())
    return digest.hexdigest()


def _manifest_text(manifest: Manifest) -> str:
    data = dataclasses.asdict(manifest)
    try:
        return json.dumps(data, sort_keys=True, default=str)
    except (TypeError, ValueError):  # option keys of mixed or odd types
        return repr(data)


def image_states(looked_at: Iterable[tuple[Path, str | None]]) -> list[list[Any]] | None:
    """``[path, sha256 or None]`` for every image the decks were rendered with, or ``None`` when
    one changed since rendering read it: a file no longer holds the bytes packed from it, or
    an image that was missing (or refused) is now a file."""
    states: dict[str, str | None] = {}
    for path, packed in looked_at:
        if file_digest(path) != packed:
            return None
        states[os.path.abspath(path)] = packed
    return [[path, digest] for path, digest in sorted(states.items())]


def _images_unchanged(images: object) -> bool:
    if not isinstance(images, list):
        return False
    for entry in images:
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)):
            return False
        if file_digest(Path(entry[0])) != entry[1]:
            return False
    return True


def _output_stamp(path: Path) -> list[int] | None:
    try:
        stat_ = path.stat()
    except OSError:
        return None
    return [stat_.st_size, stat_.st_mtime_ns]


def _stamps(manifest: Manifest) -> list[list[int] | None]:
    return [_output_stamp(deck.output) for deck in manifest.decks]


# --- the file -------------------------------------------------------------------------------


class BuildCache:
    """The last build's fingerprint and summary; a missing, damaged or odd file is simply a miss."""

    def __init__(self, root: Path):
        self.path = root / CACHE_DIR / CACHE_FILE

    def lookup(self, fingerprint: str, manifest: Manifest, lockfile: Path) -> list[dict[str, Any]] | None:
        """The stored deck summaries, if no input changed and the decks on disk are that build's."""
        record = self._read()
        if record is None or set(record) != _RECORD_KEYS or record["format"] != _FORMAT:
            return None
        if record["fingerprint"] != fingerprint or record["lockfile"] != file_digest(lockfile):
            return None
        if record["outputs"] != _stamps(manifest) or not _images_unchanged(record["images"]):
            return None
        return checked_decks(record["decks"], manifest)

    def forget(self) -> None:
        """Drop the record before the decks it describes are replaced (best effort)."""
        try:
            self.path.unlink(missing_ok=True)
        except OSError:
            pass  # then the decks' new stamps no longer match it

    def store(
        self,
        fingerprint: str,
        manifest: Manifest,
        lockfile: Path,
        images: list[list[Any]] | None,
        decks: list[dict[str, Any]],
    ) -> Diagnostic | None:
        """Remember a build just written (every deck and the lockfile in place) unless an input
        changed while it ran; returns a warning when the cache cannot be written."""
        if images is None or inputs_fingerprint(manifest) != fingerprint:
            return None  # an input changed during the build: the next build rebuilds
        record = {
            "format": _FORMAT,
            "fingerprint": fingerprint,
            "lockfile": file_digest(lockfile),
            "outputs": _stamps(manifest),
            "images": images,
            "decks": decks,
        }
        text = json.dumps(record, default=str)
        if len(text) > MAX_RECORD_BYTES:
            return None
        try:
            self._write(text)
        except (OSError, Qa2AnkiError) as exc:
            return Diagnostic(
                str(self.path), None, f"build cache not saved ({self._why(exc)}); the next build rebuilds"
            )
        return None

    def _read(self) -> dict[str, Any] | None:
        try:
            handle = os.open(self.path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            return None
        try:
            with os.fdopen(handle, "rb") as file:
                if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                    return None
                data = file.read(MAX_RECORD_BYTES + 1)
        except OSError:
            return None
        if len(data) > MAX_RECORD_BYTES:
            return None
        try:
            record = json.loads(data.decode("utf-8"))
        except (ValueError, RecursionError):
            return None
        return record if isinstance(record, dict) else None

    def _write(self, text: str) -> None:
        folder = self.path.parent
        if folder.is_symlink():
            raise OSError(f"{folder} is a link; not followed")
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_path(self.path) as temporary:
            temporary.write_text(text, encoding="utf-8")

    def _why(self, exc: Exception) -> str:
        folder = self.path.parent
        if folder.exists() and not folder.is_dir():
            return f"{folder} is a file, not a folder"
        if isinstance(exc, Qa2AnkiError):
            return exc.message
        return getattr(exc, "strerror", None) or str(exc)


# --- what a record may hold -----------------------------------------------------------------


def checked_decks(decks: object, manifest: Manifest) -> list[dict[str, Any]] | None:
    """The record's deck summaries, if each is exactly what a build of the manifest's deck writes."""
    if not isinstance(decks, list) or len(decks) != len(manifest.decks):
        return None
    if not all(_deck_ok(deck, spec) for deck, spec in zip(decks, manifest.decks, strict=True)):
        return None
    return decks


def _deck_ok(deck: object, spec: DeckSpec) -> bool:
    if not isinstance(deck, dict) or set(deck) != _DECK_KEYS:
        return False
    if deck["name"] != spec.name or deck["output"] != str(spec.output):
        return False
    paths = {str(source.path): source.name for source in spec.sources}
    counts = deck["source_cards"]
    return (
        _count(deck["cards"])
        and isinstance(counts, dict)
        and all(_text(name) and _pair(pair) for name, pair in counts.items())
        and sum(pair[0] for pair in counts.values()) == deck["cards"]
        and _pair(deck["recovered"]) and sum(deck["recovered"]) <= deck["cards"]
        and _each(deck["sources"], lambda source: _source_ok(source, paths))
        and _each(deck["dropped"], lambda entry: _fields_ok(entry, Dropped))
        and _each(deck["diagnostics"], _diagnostic_ok)
    )


def _source_ok(source: object, paths: dict[str, str]) -> bool:
    return (
        isinstance(source, dict)
        and set(source) == _SOURCE_KEYS
        and source["path"] in paths
        and source["name"] == paths[source["path"]]
        and _text(source["format"])
        and _count(source["items"])
        and _count(source["dropped"])
        and _fields_ok(source["repair"], RepairStats)
        and (source["coverage"] is None or _coverage_ok(source["coverage"]))
        and isinstance(source["title"], str)
    )


def _coverage_ok(coverage: object) -> bool:
    """Counts that add up within the source's lines, and ordered, disjoint ranges inside them."""
    if not isinstance(coverage, dict) or set(coverage) != _COVERAGE_KEYS:
        return False
    counts = [coverage[key] for key in ("lines", "carded", "dropped", "skipped", "structure")]
    ranges = coverage["unaccounted"]
    if not all(_count(value) for value in counts) or sum(counts[1:]) > counts[0]:
        return False
    if not isinstance(ranges, list) or len(ranges) > MAX_RANGES or not all(_pair(pair) for pair in ranges):
        return False
    previous = 0
    for first, last in ranges:
        if not previous < first <= last:
            return False
        previous = last
    return True


def _diagnostic_ok(entry: object) -> bool:
    return _fields_ok(entry, Diagnostic) and entry["severity"] in _SEVERITIES  # type: ignore[index]


def _fields_ok(entry: object, kind: type) -> bool:
    """``entry`` is ``dataclasses.asdict`` of a ``kind`` made of text and counts."""
    hints = _hints(kind)
    return (
        isinstance(entry, dict)
        and set(entry) == set(hints)
        and all(_value_ok(entry[name], hint) for name, hint in hints.items())
    )


@lru_cache(maxsize=8)
def _hints(kind: type) -> dict[str, Any]:
    types = typing.get_type_hints(kind)
    return {field.name: types[field.name] for field in dataclasses.fields(kind)}


def _value_ok(value: object, hint: Any) -> bool:
    if hint is str:
        return _text(value)
    if hint is int:
        return _count(value)
    if hint is bool:
        return isinstance(value, bool)
    if hint == int | None:
        return value is None or _count(value)
    return False


def _each(entries: object, check: Callable[[object], bool]) -> bool:
    return isinstance(entries, list) and all(check(entry) for entry in entries)


def _text(value: object) -> bool:
    return isinstance(value, str) and len(value) <= MAX_TEXT and not _UNSAFE_TEXT.search(value)


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _pair(value: object) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(_count(number) for number in value)


def plain(entries: tuple[Dropped, ...] | tuple[Diagnostic, ...]) -> list[dict[str, Any]]:
    """Flat dataclasses as JSON-ready dicts."""
    return [dataclasses.asdict(entry) for entry in entries]


# --- the build summary, recorded and replayed ------------------------------------------------


def deck_record(report: DeckReport) -> dict[str, Any]:
    """What the build summary needs of a deck, to print it again when nothing changed."""
    return {
        "name": report.name,
        "output": str(report.output),
        "cards": report.card_count,
        "recovered": list(report.recovered()),
        "source_cards": report.source_cards(),
        "sources": [
            {"path": str(s.path), "name": s.key, "format": s.format, "items": s.items,
             "dropped": s.dropped, "repair": dataclasses.asdict(s.repair),
             "coverage": s.coverage.summary() if s.coverage else None, "title": s.title}
            for s in report.sources
        ],
        "dropped": plain(report.dropped),
        "diagnostics": plain(report.diagnostics),
    }


def replayed_report(decks: list[dict[str, Any]] | None) -> BuildReport | None:
    """The last build's report, for decks kept as they were; ``None`` if the record is unusable."""
    if not decks:
        return None
    try:
        return BuildReport(tuple(
            DeckReport(
                name=deck["name"],
                output=Path(deck["output"]),
                notes=(),
                sources=tuple(
                    SourceSummary(Path(s["path"]), s["format"], s["items"], s["dropped"],
                                  RepairStats(**s["repair"]), s["name"], coverage_from(s["coverage"]),
                                  str(s.get("title") or ""))
                    for s in deck["sources"]
                ),
                dropped=tuple(Dropped(**entry) for entry in deck["dropped"]),
                diagnostics=tuple(Diagnostic(**entry) for entry in deck["diagnostics"]),
                written=False,
                changes=DeckChanges(unchanged=deck["cards"]),
                cached=(deck["cards"], {k: tuple(v) for k, v in deck["source_cards"].items()}),
                cached_recovered=(deck["recovered"][0], deck["recovered"][1]),
            )
            for deck in decks
        ))
    except (KeyError, TypeError, ValueError):
        return None


def coverage_from(summary: Any) -> Coverage | None:
    """A coverage summary read back (from the cache): counts and lost ranges, no per-line detail."""
    if summary is None:
        return None
    return Coverage(summary["lines"], summary["carded"], summary["dropped"], summary["skipped"],
                    summary["structure"], tuple((first, last) for first, last in summary["unaccounted"]))
