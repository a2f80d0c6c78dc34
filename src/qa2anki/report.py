"""What a build did: :class:`BuildReport` (per deck, per source), and it as the JSON report.

The pipeline fills these in, the shell prints them, ``check`` turns them into findings, the
cache replays them; ``--report`` writes them as JSON (:func:`write_report`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .files import atomic_path
from .models import RECOVERED_CLOZE, RECOVERED_QUESTION, Diagnostic, Dropped, Item, Note

if TYPE_CHECKING:
    from .identity.lockfile import LockRecord


#: The first key of every JSON report, so a report is recognised before it is replaced.
REPORT_FORMAT = "qa2anki-report"


#: One letter per source line in :attr:`Coverage.kinds`.
KINDS = {"carded": "c", "dropped": "d", "skipped": "s", "structure": "m", "unaccounted": "u", "blank": " "}


@dataclass(frozen=True)
class Coverage:
    """Where a source's non-blank lines went, counted once each (the first that applies of
    carded, dropped, skipped, structure), and the ranges of lines that went nowhere."""

    lines: int  # non-blank lines; 0 for a source without lines (a binary deck)
    carded: int
    dropped: int
    skipped: int
    structure: int
    unaccounted: tuple[tuple[int, int], ...] = ()  # 1-based inclusive ranges
    #: One letter of :data:`KINDS` per line, so later stages can move lines (see
    #: :meth:`with_dropped`); "" when only the counts are known (a summary read back).
    kinds: str = field(default="", repr=False, compare=False)

    @property
    def unaccounted_lines(self) -> int:
        return self.lines - self.carded - self.dropped - self.skipped - self.structure

    @classmethod
    def of_kinds(cls, kinds: str) -> Coverage:
        counts = Counter(kinds)
        lost = [number for number, kind in enumerate(kinds, start=1) if kind == KINDS["unaccounted"]]
        return cls(
            lines=len(kinds) - counts[KINDS["blank"]], carded=counts[KINDS["carded"]],
            dropped=counts[KINDS["dropped"]], skipped=counts[KINDS["skipped"]],
            structure=counts[KINDS["structure"]], unaccounted=_ranges(lost, kinds), kinds=kinds,
        )

    def with_dropped(self, spans: Iterable[tuple[int | None, int | None]]) -> Coverage:
        """This coverage once items read from ``spans`` (1-based ``(line, end_line)``) were
        dropped after reading (an answer no question claimed): their carded lines are dropped."""
        if not self.kinds:
            return self
        kinds = list(self.kinds)
        for index in sorted(regions(spans, len(kinds))):
            if kinds[index] == KINDS["carded"]:
                kinds[index] = KINDS["dropped"]
        return Coverage.of_kinds("".join(kinds))

    def summary(self) -> dict[str, Any]:
        """As plain data (the report's and the cache's ``coverage``)."""
        return {"lines": self.lines, "carded": self.carded, "dropped": self.dropped, "skipped": self.skipped,
                "structure": self.structure, "unaccounted": [list(pair) for pair in self.unaccounted]}


def regions(entries: Iterable[tuple[int | None, int | None]], count: int) -> set[int]:
    """0-based lines inside ``(line, end_line)`` regions (an end of None: the one line)."""
    lines: set[int] = set()
    for first, last in entries:
        if first and 1 <= first <= count:
            lines.update(range(first - 1, min(max(last or first, first), count)))
    return lines


def _ranges(lost: list[int], kinds: str) -> tuple[tuple[int, int], ...]:
    """Lost line numbers as ranges; lines separated only by blank lines share a range."""
    ranges: list[list[int]] = []
    for number in lost:
        if ranges and all(kinds[i] == KINDS["blank"] for i in range(ranges[-1][1], number - 1)):
            ranges[-1][1] = number
        else:
            ranges.append([number, number])
    return tuple((first, last) for first, last in ranges)


@dataclass(frozen=True)
class RepairStats:
    """Per source: damaged blocks found, mended, and kept as they were."""

    found: int = 0
    repaired: int = 0
    unrepaired: int = 0

    def __add__(self, other: RepairStats) -> RepairStats:
        return RepairStats(
            self.found + other.found,
            self.repaired + other.repaired,
            self.unrepaired + other.unrepaired,
        )


@dataclass(frozen=True)
class DeckChanges:
    """What a rebuild changed in one deck, as Anki will see it on import."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: tuple[LockRecord, ...] = ()

    def summary(self) -> str:
        return (
            f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.removed)} removed since the last build"
        )


@dataclass(frozen=True)
class SourceSummary:
    path: Path
    format: str
    items: int
    dropped: int
    repair: RepairStats = RepairStats()
    name: str = ""  # the source's key in items and reports (SourceSpec.name); "": the file's name
    coverage: Coverage | None = None  # where its lines went (see qa2anki.coverage)
    title: str = ""  # what cards call it: the manifest's name:, else the document's own title
    origin: str = ""  # the source its items name, when not its key (a normalized file's original)

    @property
    def key(self) -> str:
        return self.name or self.path.name


@dataclass(frozen=True)
class DeckReport:
    name: str
    output: Path
    notes: tuple[Note, ...]
    sources: tuple[SourceSummary, ...]
    dropped: tuple[Dropped, ...]
    diagnostics: tuple[Diagnostic, ...]
    written: bool = False
    changes: DeckChanges = DeckChanges()  # new/updated/unchanged/removed since the last build
    removed_notes: tuple[Note, ...] = ()  # removed cards, tagged, carried for this one build
    media: dict[str, bytes] = field(default_factory=dict)  # media name -> the checked bytes to pack
    #: every image file looked for -> sha256 of the bytes packed from it (None: not packed)
    image_paths: dict[Path, str | None] = field(default_factory=dict)
    #: Set when nothing changed since the last build and the deck on disk was kept (see cache.py):
    #: its card count and per-source card counts, since ``notes`` is then empty.
    cached: tuple[int, dict[str, tuple[int, int]]] | None = None
    cached_recovered: tuple[int, int] = (0, 0)  # with ``cached``: its recovered questions and clozes

    @property
    def card_count(self) -> int:
        return self.cached[0] if self.cached else len(self.notes)

    def recovered(self) -> tuple[int, int]:
        """How many cards the recover stage made: (recovered questions, clozes)."""
        if self.cached:
            return self.cached_recovered
        kinds = Counter(note.card.recovered for note in self.notes)
        return kinds[RECOVERED_QUESTION], kinds[RECOVERED_CLOZE]

    def source_cards(self) -> dict[str, tuple[int, int]]:
        """Per source file name: (cards it heads, items it adds to other cards)."""
        if self.cached:
            return self.cached[1]
        counts: dict[str, list[int]] = {}
        for note in self.notes:
            counts.setdefault(note.card.primary.source, [0, 0])[0] += 1
            for item in note.card.others:
                counts.setdefault(item.source, [0, 0])[1] += 1
        return {name: (heads, merged) for name, (heads, merged) in counts.items()}


@dataclass(frozen=True)
class BuildReport:
    decks: tuple[DeckReport, ...] = field(default_factory=tuple)
    notices: tuple[Diagnostic, ...] = ()  # warnings about the build, not a deck (cache not saved)

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return tuple(d for deck in self.decks for d in deck.diagnostics) + self.notices

    @property
    def dropped(self) -> tuple[Dropped, ...]:
        return tuple(d for deck in self.decks for d in deck.dropped)




def _member(item: Item) -> dict[str, Any]:
    return {"file": item.source, "ref": item.ref, "line": item.line, "question": item.question}


def _dropped(entry: Dropped) -> dict[str, Any]:
    return {"file": entry.source, "ref": entry.ref, "line": entry.line, "end_line": entry.end_line,
            "reason": entry.reason}


def _card(note: Note) -> dict[str, Any]:
    """A card as reported; a recovered one says how (``recovered: question|cloze``) and, for a
    cloze, which terms it hides (its question is then "")."""
    data: dict[str, Any] = {
        "guid": note.guid,
        "deck": note.deck,
        "question": note.card.shown_question,
        "similarity": note.card.similarity,
        "tags": list(note.tags),
        "sources": [_member(item) for item in note.card.items],
    }
    if note.card.recovered:
        data["recovered"] = note.card.recovered
    if note.card.cloze:
        data["cloze"] = list(note.card.cloze)
    return data


def report_data(report: BuildReport) -> dict[str, Any]:
    """The report as plain data (the ``--report`` JSON)."""
    cards = [_card(note) for deck in report.decks for note in deck.notes]
    return {
        "format": REPORT_FORMAT,  # first, so an existing report is recognised before it is replaced
        "cards": cards,
        "dropped": [_dropped(entry) for entry in report.dropped],
        "sources": [
            {
                "file": summary.key,
                "title": summary.title,
                "format": summary.format,
                "items": summary.items,
                "dropped": summary.dropped,
                "damaged_code": {
                    "found": summary.repair.found,
                    "repaired": summary.repair.repaired,
                    "unrepaired": summary.repair.unrepaired,
                },
                "coverage": summary.coverage.summary() if summary.coverage else None,
            }
            for deck in report.decks
            for summary in deck.sources
        ],
        "warnings": [
            {"file": d.source, "line": d.line, "end_line": d.end_line, "ref": d.ref, "message": d.message}
            for d in report.diagnostics
        ],
        "decks": [
            {
                "name": deck.name,
                "output": str(deck.output),
                "cards": deck.card_count,
                "new": deck.changes.new,
                "updated": deck.changes.updated,
                "unchanged": deck.changes.unchanged,
                "removed": [record.guid for record in deck.changes.removed],
            }
            for deck in report.decks
        ],
    }


def write_report(report: BuildReport, path: str | Path) -> None:
    """Write the JSON report (unchecked: :func:`qa2anki.build` checks ``report_path`` first)."""
    with atomic_path(Path(path)) as temporary:
        temporary.write_text(json.dumps(report_data(report), indent=2, ensure_ascii=False) + "\n")
