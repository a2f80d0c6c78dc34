"""What every adapter module exposes as its ``ADAPTER``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..models import SourceResult


@dataclass(frozen=True)
class Adapter:
    """A format: its registry name, a one-line summary, and its two functions.

    ``sniff(text)`` returns 0.0-1.0, how sure it is that ``text`` is this format.
    ``read(text, source, options)`` returns the items (``source`` is the file name).
    Both must raise nothing but :class:`~qa2anki.errors.SourceError`.
    ``too_deep(text, limit)``, for formats whose parser recurses per level, is the line where
    ``text`` first nests deeper than ``limit`` (None if it does not); it runs before ``read``.

    Binary formats (a zip package) also give ``sniff_bytes(data)`` and
    ``read_bytes(data, source, options, max_bytes)``: a file such an adapter claims is never
    decoded as text, and ``max_bytes`` bounds what reading may unpack from it.

    ``yields_to`` names formats that read the same kind of document more closely: where any of
    them claims a text at all, this format's claim drops to ``YIELDED`` (the registry applies it,
    so no format module imports another).
    """

    name: str
    summary: str
    sniff: Callable[[str], float]
    read: Callable[[str, str, Mapping[str, Any]], SourceResult]
    too_deep: Callable[[str, int], int | None] | None = None
    sniff_bytes: Callable[[bytes], float] | None = None
    read_bytes: Callable[[bytes, str, Mapping[str, Any], int], SourceResult] | None = None
    yields_to: tuple[str, ...] = ()


#: What a format that yields (see :attr:`Adapter.yields_to`) still claims: never enough to win.
YIELDED = 0.05
