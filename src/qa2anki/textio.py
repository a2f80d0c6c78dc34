"""Turning a source file into text: the one place that knows about bytes, BOMs and encodings."""

from __future__ import annotations

from pathlib import Path

from .errors import SourceError

#: UTF-8 (with or without a BOM) and BOM-marked UTF-16 are read as such; anything else is read
#: as cp1252, which decodes almost any byte, and the user is warned (the stated fallback).
FALLBACK_ENCODING = "cp1252"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def read_text(path: str | Path, max_mb: float | None = None) -> tuple[str, list[str]]:
    """The file's text with a BOM stripped and line ends made ``\\n``, plus warnings.

    Fails with one clear line for what cannot be a source: a missing file, a folder,
    an empty or binary file, or one over ``max_mb`` (checked before a byte is read).
    """
    return decode(read_source_bytes(path, max_mb), str(path))


def read_source_bytes(path: str | Path, max_mb: float | None = None) -> bytes:
    """The file's bytes, or one clear line for a missing file, a folder, a device, or a file
    over ``max_mb`` (checked before a byte is read)."""
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise SourceError("no such file", file=name)
    if path.is_dir():
        raise SourceError("is a folder, not a file (name the files inside it)", file=name)
    if not path.is_file():  # a FIFO or a device would block or never end
        raise SourceError("not a regular file", file=name)
    if max_mb is not None:
        _check_size(path, max_mb)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}", file=name) from None


def _check_size(path: Path, max_mb: float) -> None:
    """A runaway or wrong file (a dump, a log) fails at once instead of filling memory for minutes."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None
    if size > max_mb * 2**20:
        raise SourceError(
            f"file is {human_size(size)}, over the {max_mb:g} MB limit for a source; to read it, "
            "raise 'limits: source_mb:' in the manifest (or pass --max-source-mb)",
            file=str(path),
        )


def human_size(size: int) -> str:
    """``1.5 KB``, ``200.0 MB``: a size as a person reads it."""
    if size < 2**10:
        return f"{size} bytes"
    return f"{size / 2**10:.1f} KB" if size < 2**20 else f"{size / 2**20:.1f} MB"


def decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decode source bytes (see :func:`read_text`)."""
    if not data or data.isspace():
        raise SourceError("file is empty", file=name)
    if data.startswith(UTF16_BOMS):
        try:
            return _normalise(data.decode("utf-16"), name), []
        except UnicodeDecodeError as exc:
            raise SourceError(
                f"not valid UTF-16 despite its byte-order mark: {exc.reason}", file=name
            ) from None
    if b"\x00" in data[:8192]:
        raise SourceError("binary file, not text (is this the right file?)", file=name)
    try:
        return _normalise(data.decode("utf-8-sig"), name), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        warning = (
            f"not valid UTF-8 (first bad byte on line {line}); read as {FALLBACK_ENCODING}, "
            "check accented letters and save it as UTF-8 to be sure"
        )
    return _normalise(data.decode(FALLBACK_ENCODING, errors="replace"), name), [warning]


def _normalise(text: str, name: str) -> str:
    """Line ends as ``\\n`` (CRLF from Windows, lone CR from old Macs); nothing but a BOM is empty."""
    if not text or text.isspace():
        raise SourceError("file is empty", file=name)
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")
