"""The one pipeline: manifest -> adapters -> repair -> dedup -> render -> package.

Each stage is a module with a small typed interface; this module only wires them together
and collects what happened into a :class:`BuildReport` the CLI prints and tests inspect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .adapters import UnsupportedFormat, read_source
from .dedup import deduplicate
from .errors import OutputError
from .identity import card_guid
from .manifest import DeckSpec, Manifest
from .models import Diagnostic, Dropped, Item, Note
from .package import ensure_writable, write_apkg
from .render import Renderer, render_note
from .repair import RepairStats, repair_items

#: Called as ``progress(stage, done, total)`` so a shell can draw a bar; the library prints nothing.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class SourceSummary:
    path: Path
    format: str
    items: int
    dropped: int
    repair: RepairStats = RepairStats()


@dataclass(frozen=True)
class DeckReport:
    name: str
    output: Path
    notes: tuple[Note, ...]
    sources: tuple[SourceSummary, ...]
    dropped: tuple[Dropped, ...]
    diagnostics: tuple[Diagnostic, ...]
    written: bool = False


@dataclass(frozen=True)
class BuildReport:
    decks: tuple[DeckReport, ...] = field(default_factory=tuple)

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return tuple(d for deck in self.decks for d in deck.diagnostics)

    @property
    def dropped(self) -> tuple[Dropped, ...]:
        return tuple(d for deck in self.decks for d in deck.dropped)


def build(
    manifest: Manifest,
    *,
    write: bool = True,
    progress: Progress | None = None,
) -> BuildReport:
    """Build every deck of ``manifest``; with ``write=False`` nothing is written (``check``)."""
    _check_outputs(manifest)
    renderer = Renderer()
    reports = [build_deck(deck, renderer, progress=progress) for deck in manifest.decks]
    if write:
        for report in reports:
            _refuse_empty(report)
            ensure_writable(report.output)  # fail before any deck is replaced, not halfway
        for index, report in enumerate(reports):
            if progress:
                progress("write", index, len(reports))
            write_apkg(report.notes, report.output)
            reports[index] = DeckReport(**{**report.__dict__, "written": True})
    return BuildReport(tuple(reports))


def _refuse_empty(report: DeckReport) -> None:
    """A deck with no cards would replace a good one with nothing: keep the old one instead."""
    if not report.notes:
        why = f": {report.diagnostics[0]}" if report.diagnostics else ""
        raise OutputError(
            f"deck '{report.name}' would have no cards, nothing written{why}", file=str(report.output)
        )


def _check_outputs(manifest: Manifest) -> None:
    """An output path that is a source or the manifest would destroy the user's data: refuse it."""
    inputs = {source.path.resolve() for deck in manifest.decks for source in deck.sources}
    if manifest.path is not None:
        inputs.add(manifest.path.resolve())
    for deck in manifest.decks:
        target = deck.output.resolve()
        if target in inputs:
            raise OutputError(
                f"deck '{deck.name}' would overwrite one of its inputs; choose another output",
                file=str(deck.output),
            )
        if target.exists() and target.is_dir():
            raise OutputError("output is a folder; name an .apkg file", file=str(deck.output))


def read_deck_sources(
    deck: DeckSpec, progress: Progress | None = None
) -> tuple[list[Item], list[SourceSummary], list[Dropped], list[Diagnostic]]:
    """Run every source of ``deck`` through its adapter; unsupported ones are skipped, with a warning."""
    items: list[Item] = []
    summaries: list[SourceSummary] = []
    dropped: list[Dropped] = []
    diagnostics: list[Diagnostic] = []
    for done, spec in enumerate(deck.sources):
        if progress:
            progress("read", done, len(deck.sources))
        try:
            result = read_source(spec.path, spec.format, spec.options)
        except UnsupportedFormat as exc:
            diagnostics.append(Diagnostic(str(spec.path), None, f"skipped: {exc.message}"))
            continue
        extra = tuple(spec.tags)
        items.extend(
            Item(**{**item.__dict__, "tags": item.tags + extra}) if extra else item
            for item in result.items
        )
        dropped.extend(result.dropped)
        diagnostics.extend(result.diagnostics)
        summaries.append(SourceSummary(spec.path, result.format, len(result.items), len(result.dropped)))
    if progress:
        progress("read", len(deck.sources), len(deck.sources))
    return items, summaries, dropped, diagnostics


def build_deck(
    deck: DeckSpec, renderer: Renderer | None = None, progress: Progress | None = None
) -> DeckReport:
    """Everything up to the ``.apkg``: the notes of one deck and what happened on the way."""
    renderer = renderer or Renderer()
    items, summaries, dropped, diagnostics = read_deck_sources(deck, progress)
    repaired = repair_items(items)
    diagnostics.extend(repaired.diagnostics)
    summaries = [
        SourceSummary(s.path, s.format, s.items, s.dropped, repaired.stats.get(s.path.name, RepairStats()))
        for s in summaries
    ]
    merged = deduplicate(repaired.items, deck.dedup)
    dropped.extend(merged.dropped)
    notes = []
    for position, card in enumerate(merged.cards):
        if progress and position % 50 == 0:
            progress("render", position, len(merged.cards))
        notes.append(
            render_note(
                card,
                renderer,
                guid=card_guid(deck.name, card),
                deck=deck.name,
                subdecks=deck.subdecks,
                tags=deck.tags,
                position=position,
            )
        )
    if progress:
        progress("render", len(merged.cards), len(merged.cards))
    return DeckReport(
        name=deck.name,
        output=deck.output,
        notes=tuple(notes),
        sources=tuple(summaries),
        dropped=tuple(dropped),
        diagnostics=tuple(diagnostics),
    )
