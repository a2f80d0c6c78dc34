"""Where a build may write, decided before anything is written.

Every file a command writes (decks, lockfile, report, preview page) is checked against every
file it reads or writes: no output may be a source, the manifest, the lockfile or another
output, however it is spelled (``./x``, ``a/../x``, a symlink or a hard link). The outputs a
manifest names must stay inside the manifest's folder, so a manifest from someone else cannot
replace ``~/.bashrc``; paths named on the command line are the user's own choice. And an
existing file is replaced only when qa2anki wrote it, unless ``force``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import OutputError
from .identity.lockfile import lockfile_path
from .manifest import Manifest
from .report import REPORT_FORMAT

#: The report's first key, so an existing report is recognised before it is replaced.
#: In the preview page's ``<head>``, for the same reason.
PREVIEW_MARKER = '<meta name="generator" content="qa2anki preview">'

_REPORT_START = re.compile(rb'^\{\s*"format":\s*"' + REPORT_FORMAT.encode() + rb'"')
_OLD_REPORT_START = re.compile(rb'^\{\n  "cards": \[')  # reports written before the marker
_OLD_PREVIEW_TITLE = "— qa2anki preview</title>"


@dataclass(frozen=True)
class Target:
    """One file a command will write, and how to name it in an error."""

    path: Path
    kind: str  # "deck", "lockfile", "report" or "preview"
    label: str  # "deck 'Basics'", "the lockfile"…
    key: str | None = None  # the manifest key that named it ("output", "lockfile"), if one did
    line: int | None = None  # that key's line; set only for a manifest's paths, kept in its folder


class PathIndex:
    """Paths by resolved name (``..`` and symlinks) and, for files that exist, by inode (hard links)."""

    def __init__(self) -> None:
        self._by_name: dict[Path, str] = {}
        self._by_inode: dict[tuple[int, int], str] = {}

    def add(self, path: Path, label: str) -> None:
        self._by_name.setdefault(real_path(path), label)
        inode = _inode(path)
        if inode:
            self._by_inode.setdefault(inode, label)

    def find(self, path: Path) -> str | None:
        """The label of a path added earlier that is the same file as ``path``, if any."""
        inode = _inode(path)
        return self._by_name.get(real_path(path)) or (self._by_inode.get(inode) if inode else None)


def real_path(path: Path) -> Path:
    """``path`` with ``..`` and symlinks resolved; never raises (a symlink loop stays as it is)."""
    return Path(os.path.realpath(path))


def _inode(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except (OSError, ValueError):
        return None
    return (stat.st_dev, stat.st_ino)


def check_outputs(
    manifest: Manifest,
    *,
    decks: bool = True,
    report: Path | None = None,
    preview: Path | None = None,
    force: bool = False,
    allow_outside: bool = False,
) -> None:
    """Raise :class:`OutputError` unless every output of this command may be written.

    ``decks`` says the decks and lockfile are written (a build; not ``check`` or ``preview``,
    whose decks are still checked against the inputs). ``force`` allows replacing a file
    qa2anki did not write; ``allow_outside`` a manifest's outputs outside its folder.
    Neither ever allows an output to be an input or another output.
    """
    targets = manifest_targets(manifest)
    if report is not None:
        targets.append(Target(Path(report), "report", "the report"))
    if preview is not None:
        targets.append(Target(Path(preview), "preview", "the preview page"))
    written = [t for t in targets if decks or t.kind in ("report", "preview")]
    for target in targets:
        _check_name(target, manifest)
    _check_collisions(targets, manifest)
    if not allow_outside and manifest.path is not None:
        for target in written:
            _check_inside(target, manifest)
    if not force:
        for target in written:
            _check_ours(target)


def manifest_targets(manifest: Manifest) -> list[Target]:
    """The lockfile and the decks a build of ``manifest`` writes (the lockfile first: it is read too)."""
    key = "lockfile" if manifest.lockfile_line else None
    targets = [Target(lockfile_path(manifest), "lockfile", "the lockfile", key, manifest.lockfile_line)]
    targets.extend(
        Target(deck.output, "deck", f"deck '{deck.name}'", "output", deck.output_line)
        for deck in manifest.decks
    )
    return targets


def _fail(target: Target, manifest: Manifest, message: str) -> OutputError:
    """An error at the manifest line that named ``target``, else at the target's own path."""
    if target.line and manifest.path is not None:
        subject = f"'{target.key}' of {target.label}" if target.kind == "deck" else f"'{target.key}'"
        return OutputError(f"{subject} ({target.path}) {message}", file=str(manifest.path), line=target.line)
    return OutputError(f"{target.label} {message}", file=str(target.path))


def _check_name(target: Target, manifest: Manifest) -> None:
    if target.kind == "deck" and not target.path.name.lower().endswith(".apkg"):
        raise _fail(target, manifest, "must be an .apkg file")
    if target.path.is_dir():
        raise _fail(target, manifest, "is a folder; name a file to write")


def _check_collisions(targets: list[Target], manifest: Manifest) -> None:
    """No output is a file read, or a file another output writes."""
    seen = PathIndex()
    if manifest.path is not None:
        seen.add(manifest.path, f"the manifest ({manifest.path})")
    for source in dict.fromkeys(spec.path for deck in manifest.decks for spec in deck.sources):
        seen.add(source, f"a source ({source})")
    for target in targets:
        other = seen.find(target.path)
        if other:
            raise _fail(target, manifest, f"would overwrite {other}; choose another file")
        name = target.label if target.kind != "deck" else f"the output of {target.label}"
        seen.add(target.path, f"{name} ({target.path})")


def _check_inside(target: Target, manifest: Manifest) -> None:
    """A path the manifest named stays in its folder (after ``..`` and symlinks)."""
    if target.line is None:
        return
    if not real_path(target.path).is_relative_to(real_path(manifest.root)):
        raise _fail(
            target, manifest, "is outside the manifest's folder; pass --allow-outside to write there"
        )


def _check_ours(target: Target) -> None:
    """An existing file is replaced only when qa2anki wrote it (a lockfile is checked when read)."""
    path = target.path
    if target.kind == "lockfile" or not path.is_file():
        return
    from .apkg import is_qa2anki_deck

    ours = {"deck": is_qa2anki_deck, "report": _is_report, "preview": _is_preview}[target.kind](path)
    if not ours:
        what = {"deck": "a deck", "report": "a report", "preview": "a preview page"}[target.kind]
        raise OutputError(
            f"exists and is not {what} qa2anki wrote; pass --force to replace it", file=str(path)
        )


def _head(path: Path, size: int) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(size)
    except OSError:
        return b""


def _is_report(path: Path) -> bool:
    head = _head(path, 256)
    return bool(_REPORT_START.match(head) or _OLD_REPORT_START.match(head))


def _is_preview(path: Path) -> bool:
    head = _head(path, 8192).decode("utf-8", "replace")
    return PREVIEW_MARKER in head or _OLD_PREVIEW_TITLE in head

