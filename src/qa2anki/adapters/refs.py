"""Item refs: a short id for each item, unique within its source, stable across rebuilds."""

from __future__ import annotations

import re


def slug(text: str) -> str:
    """``"What is a Pod?"`` -> ``what-is-a-pod`` (at most 60 characters; ``item`` when empty)."""
    out = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return out[:60].rstrip("-") or "item"


class RefAllocator:
    """Hands out refs unique within one source: a repeated ref gets ``-2``, ``-3``..."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}

    def __call__(self, ref: str) -> str:
        count = self._counts.get(ref, 0) + 1
        self._counts[ref] = count
        return ref if count == 1 else f"{ref}-{count}"
