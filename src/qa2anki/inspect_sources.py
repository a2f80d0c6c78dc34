"""What qa2anki reads from source files, without building a deck (``qa2anki inspect``).

Shows which adapter a file goes to and how sure detection was, so a user can see at once
whether a file is read as intended or needs ``format:`` in the manifest.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .adapters import DEFAULT_LIMITS, binary_scores, detect, read_binary_as, read_text_as, sniff_scores
from .coverage import Coverage, coverage_of
from .models import Item, SourceResult
from .textio import decode, read_source_bytes

FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})", re.MULTILINE)
PREVIEW_CHARS = 60


@dataclass(frozen=True)
class Inspection:
    """One file as an adapter read it, with the detection scores behind the choice."""

    path: str
    result: SourceResult
    detected: bool  # False when the format was given rather than detected
    scores: Mapping[str, float]  # every adapter's sniff score
    coverage: Coverage | None = None  # where its lines went; None for a package (no lines)

    @property
    def format(self) -> str:
        return self.result.format

    @property
    def confidence(self) -> float:
        return self.scores.get(self.format, 0.0)

    @property
    def runner_up(self) -> tuple[str, float] | None:
        """The most confident of the other adapters, if any."""
        others = [(name, score) for name, score in self.scores.items() if name != self.format]
        return max(others, key=lambda pair: pair[1]) if others else None

    @property
    def items_with_code(self) -> int:
        return sum(1 for item in self.result.items if has_code(item))

    @property
    def dropped_by_reason(self) -> dict[str, int]:
        return dict(Counter(d.reason for d in self.result.dropped).most_common())


def has_code(item: Item) -> bool:
    """Whether the answer holds a fenced code block."""
    return bool(FENCE.search(item.answer))


def inspect_source(path: str | Path, format: str = "auto", options: Mapping[str, Any] | None = None
                   ) -> Inspection:
    """Read one file the way a build would; raises :class:`~qa2anki.errors.SourceError` if it cannot."""
    path = Path(path)
    data = read_source_bytes(path, DEFAULT_LIMITS.source_mb)
    detected = format == "auto"
    packaged = read_binary_as(data, path.name, format, options, str(path))
    if packaged is not None:
        return Inspection(str(path), packaged, detected, binary_scores(data))
    text, warnings = decode(data, str(path))
    scores = sniff_scores(text)
    if detected:
        format = detect(text, str(path), named_by_flag=True).format
    result = read_text_as(text, path.name, format, options, str(path), warnings)
    return Inspection(str(path), result, detected, scores, coverage_of(text, result, path.name))


def describe(inspection: Inspection, items: bool = False) -> str:
    """A few lines for a person: format and certainty, counts, and optionally every item."""
    result = inspection.result
    runner_up = inspection.runner_up
    how = "detected" if inspection.detected else "as given"
    second = f"runner-up {runner_up[0]} {runner_up[1]:.2f}" if runner_up else "no runner-up"
    dropped = ", ".join(f"{reason}: {count}" for reason, count in inspection.dropped_by_reason.items())
    lines = [
        inspection.path,
        f"  format:  {inspection.format} ({how}; sniff {inspection.confidence:.2f}, {second})",
        f"  items:   {len(result.items)} ({inspection.items_with_code} with code)",
        f"  dropped: {len(result.dropped)}" + (f" ({dropped})" if dropped else ""),
    ]
    if inspection.coverage is not None:
        lines.append(_lines_row(inspection.coverage))
    lines += [f"  warning: {diagnostic}" for diagnostic in result.diagnostics]
    if items:
        lines += _listing(result)
    return "\n".join(lines)


def _lines_row(coverage: Coverage) -> str:
    """Where the file's lines went, and the ranges that went nowhere (text on no card)."""
    lost = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in coverage.unaccounted)
    return (f"  lines:   {coverage.lines} ({coverage.carded} on cards, {coverage.dropped} dropped, "
            f"{coverage.skipped} skipped, {coverage.structure} markup; "
            + (f"lost: {lost})" if lost else "none lost)"))


def _listing(result: SourceResult) -> list[str]:
    """Items and dropped entries in source order: ref, line, question, start of the answer."""
    rows = [(item.line, item.ref, item.question or "(answer only)", f"— {_preview(item.answer)}")
            for item in result.items]
    rows += [(d.line, d.ref, d.question, f"[dropped: {d.reason}]") for d in result.dropped]
    rows.sort(key=lambda row: (row[0] is None, row[0] or 0))
    return [f"    {ref}  line {line or '-'}  {question}  {tail}" for line, ref, question, tail in rows]


def _preview(answer: str) -> str:
    words = " ".join(answer.split())
    return words if len(words) <= PREVIEW_CHARS else words[:PREVIEW_CHARS].rstrip() + "…"
