"""Turning a source file into text: the one place that knows about bytes, BOMs and encodings."""

from __future__ import annotations

from pathlib import Path

from .errors import SourceError

#: Tried in order; cp1252 decodes any byte, so it is the stated last resort (with a warning).
FALLBACK_ENCODING = "cp1252"


def read_text(path: str | Path) -> tuple[str, list[str]]:
    """The file's text with a BOM stripped and line ends made ``\\n``, plus warnings.

    Fails with one clear line for what cannot be a source: a missing file, a folder,
    an empty or binary file.
    """
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise SourceError("no such file", file=name)
    if path.is_dir():
        raise SourceError("is a folder, not a file (name the files inside it)", file=name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read: {exc.strerror or exc}", file=name) from None
    return decode(data, name)


def decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decode source bytes (see :func:`read_text`)."""
    warnings: list[str] = []
    if not data.strip():
        raise SourceError("file is empty", file=name)
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceError("binary file, not text (is this the right file?)", file=name)
    for encoding in ("utf-8-sig", "utf-16"):
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode(FALLBACK_ENCODING, errors="replace")
        warnings.append(f"not valid UTF-8; read as {FALLBACK_ENCODING} (save it as UTF-8 to be sure)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, warnings
