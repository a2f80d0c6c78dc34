"""Writing files safely: every file qa2anki writes appears whole or not at all.

Decks, the lockfile, reports, the cache and the preview page are written to a hidden temporary
file beside their target and renamed into place once complete (:class:`atomic_path`); a
target that could not be written is found before any work is done (:func:`ensure_writable`).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import OutputError

#: Temporary files are hidden and end in this, so a killed build never leaves a file that
#: looks like a deck (``*.apkg``) or a report (``*.json``).
TEMP_SUFFIX = ".tmp"


def _temporary_beside(target: Path) -> Path:
    """A new empty file in ``target``'s folder (created if missing), or an :class:`OutputError`."""
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write here: {_why_not(folder, exc)}", file=str(target)) from None
    os.close(handle)
    return Path(name)


def _why_not(folder: Path, exc: OSError) -> str:
    """The reason a folder cannot be written, naming a file that stands where a folder should."""
    for ancestor in (folder, *folder.parents):
        if ancestor.exists():
            if not ancestor.is_dir():
                return f"'{ancestor}' is a file, not a folder"
            break
    return exc.strerror or str(exc)


def ensure_writable(target: str | Path) -> None:
    """Fail now, with the path, if ``target`` could not be written later (checked before building)."""
    target = Path(target)
    if target.is_dir():
        raise OutputError("is a folder; name a file to write", file=str(target))
    _temporary_beside(target).unlink()


class atomic_path:  # noqa: N801 (used as a context manager, reads as a function)
    """A temporary path beside ``target`` that replaces it on success and vanishes on failure.

    Every file qa2anki writes (deck, report, lockfile, cache) goes through this, so a failed
    or killed build leaves the previous file byte for byte as it was.
    """

    def __init__(self, target: Path):
        self.target = Path(target)
        self.temporary: Path | None = None

    def __enter__(self) -> Path:
        name = _temporary_beside(self.target)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(name, 0o666 & ~umask)  # mkstemp's 0600 would surprise a user sharing decks
        self.temporary = name
        return self.temporary

    def __exit__(self, kind, value, traceback) -> None:  # type: ignore[no-untyped-def]
        assert self.temporary is not None
        if kind is None:
            try:
                os.replace(self.temporary, self.target)
                return
            except OSError as exc:
                self.temporary.unlink(missing_ok=True)
                raise OutputError(
                    f"cannot write here: {exc.strerror or exc}", file=str(self.target)
                ) from None
        self.temporary.unlink(missing_ok=True)
        if isinstance(value, OSError):  # disk full, quota, I/O error while writing
            raise OutputError(f"cannot write: {value.strerror or value}", file=str(self.target)) from None
