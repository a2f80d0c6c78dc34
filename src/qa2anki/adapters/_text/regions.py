"""Skipped regions: the source lines an adapter passed over on purpose, grouped by reason."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ...models import Skipped


def skipped_regions(
    source: str, lines: Sequence[str], marked: Iterable[tuple[int, str]]
) -> tuple[Skipped, ...]:
    """``(0-based line, reason)`` marks as :class:`Skipped` regions, in line order: one region per
    run of lines with one reason (blank lines between them do not break a run). A line marked
    twice keeps its last mark."""
    by_line = {index: reason for index, reason in marked if 0 <= index < len(lines)}
    regions: list[tuple[int, int, str]] = []  # first, last (0-based), reason
    for index, reason in sorted(by_line.items()):
        if not lines[index].strip():
            continue
        if regions and regions[-1][2] == reason and _only_blank(lines, regions[-1][1] + 1, index):
            regions[-1] = (regions[-1][0], index, reason)
        else:
            regions.append((index, index, reason))
    return tuple(Skipped(source, first + 1, last + 1, reason) for first, last, reason in regions)


def _only_blank(lines: Sequence[str], start: int, stop: int) -> bool:
    return all(not lines[index].strip() for index in range(start, stop))
