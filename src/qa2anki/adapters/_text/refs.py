"""Item refs: a short id for each item, unique within its source, stable across rebuilds."""

from __future__ import annotations

import re

from ...qalabels import fold

#: Letters and digits of any script; underscores separate like punctuation.
_WORD = re.compile(r"[^\W_]+")


def slug(text: str) -> str:
    """``"What is a Pod?"`` -> ``what-is-a-pod``, ``"¿Qué es?"`` -> ``que-es``, ``"什么是闭包？"`` ->
    ``什么是闭包`` (at most 60 characters; ``item`` when empty).

    Accents come off Latin letters and full-width forms are narrowed; other scripts stay as
    written, so a heading in Chinese or Russian gets a ref of its own, not a shared ``item``."""
    out = "-".join(_WORD.findall(fold(text).lower()))
    return out[:60].rstrip("-") or "item"


class RefAllocator:
    """Hands out refs unique within one source: a repeated ref gets ``-2``, ``-3``..."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}

    def __call__(self, ref: str) -> str:
        count = self._counts.get(ref, 0) + 1
        self._counts[ref] = count
        return ref if count == 1 else f"{ref}-{count}"
