"""The one pipeline: manifest -> adapters -> repair -> dedup -> render -> package.

Each stage is a module with a small typed interface; this module only wires them together
and collects what happened into a :class:`BuildReport` the CLI prints and tests inspect.
"""

from __future__ import annotations

import dataclasses
import multiprocessing as mp
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from .adapters import DEFAULT_LIMITS, UnsupportedFormatError, read_source
from .cache import BuildCache, build_fingerprint, plain
from .dedup import DedupResult, deduplicate
from .errors import OutputError
from .identity import DeckChanges, Ledger, carry_removed
from .lockfile import Lock, lockfile_path, read_lock, write_lock
from .manifest import DeckSpec, Limits, Manifest, SourceSpec
from .models import Card, Diagnostic, Dropped, Item, Note, SourceResult
from .package import NOTE_TYPE_NAME, ensure_writable, notetype_fingerprint, read_apkg_notes, write_apkg
from .render import render_notes
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
    changes: DeckChanges = DeckChanges()  # new/updated/unchanged/removed since the last build
    removed_notes: tuple[Note, ...] = ()  # removed cards, tagged, carried for this one build
    media: dict[str, Path] = field(default_factory=dict)  # media name -> image file to pack
    #: Set when nothing changed since the last build and the deck on disk was kept (see cache.py):
    #: its card count and per-source card counts, since ``notes`` is then empty.
    cached: tuple[int, dict[str, tuple[int, int]]] | None = None

    @property
    def card_count(self) -> int:
        return self.cached[0] if self.cached else len(self.notes)

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
    use_cache: bool = True,
) -> BuildReport:
    """Build every deck of ``manifest``; with ``write=False`` nothing is written (``check``).

    When no input changed since the last build of a manifest and its decks are still on disk,
    the decks are kept and the last summary is returned (``cached`` set on each deck; see
    :mod:`qa2anki.cache`); ``use_cache=False`` always rebuilds.

    Identities come from the lockfile, which is rewritten only after every deck is written.
    """
    _check_outputs(manifest)
    lock_path = lockfile_path(manifest)
    cache = BuildCache(manifest.root) if write and use_cache and manifest.path else None
    if cache:
        replayed = _replay(cache.lookup(build_fingerprint(manifest, lock_path), _outputs(manifest)))
        if replayed:
            return replayed
    ledger = Ledger(read_lock(lock_path), decks=[deck.name for deck in manifest.decks])
    reports = [build_deck(deck, progress=progress, ledger=ledger, limits=manifest.limits)
               for deck in manifest.decks]
    if write:
        for report in reports:
            _refuse_empty(report)
            ensure_writable(report.output)  # fail before any deck is replaced, not halfway
        ensure_writable(lock_path)
        notetype_mtime = ledger.notetype_mtime(NOTE_TYPE_NAME, notetype_fingerprint())
        for index, report in enumerate(reports):
            if progress:
                progress("write", index, len(reports))
            write_apkg(
                report.notes + report.removed_notes,
                report.output,
                notetype_mtime=notetype_mtime,
                media=report.media,
            )
            reports[index] = DeckReport(**{**report.__dict__, "written": True})
        write_lock(ledger.lock(), lock_path)
        if cache:
            fingerprint = build_fingerprint(manifest, lock_path)
            cache.store(fingerprint, _outputs(manifest), [_summary(report) for report in reports])
    return BuildReport(tuple(reports))


def _outputs(manifest: Manifest) -> list[Path]:
    return [deck.output for deck in manifest.decks]


def _summary(report: DeckReport) -> dict[str, Any]:
    """What the build summary needs of a deck, to print it again when nothing changed."""
    return {
        "name": report.name,
        "output": str(report.output),
        "cards": report.card_count,
        "source_cards": report.source_cards(),
        "sources": [
            {"path": str(s.path), "format": s.format, "items": s.items, "dropped": s.dropped,
             "repair": dataclasses.asdict(s.repair)}
            for s in report.sources
        ],
        "dropped": plain(report.dropped),
        "diagnostics": plain(report.diagnostics),
    }


def _replay(decks: list[dict[str, Any]] | None) -> BuildReport | None:
    """The last build's report, for decks kept as they were; ``None`` if the record is unusable."""
    if not decks:
        return None
    try:
        return BuildReport(tuple(
            DeckReport(
                name=deck["name"],
                output=Path(deck["output"]),
                notes=(),
                sources=tuple(
                    SourceSummary(Path(s["path"]), s["format"], s["items"], s["dropped"],
                                  RepairStats(**s["repair"]))
                    for s in deck["sources"]
                ),
                dropped=tuple(Dropped(**entry) for entry in deck["dropped"]),
                diagnostics=tuple(Diagnostic(**entry) for entry in deck["diagnostics"]),
                written=False,
                changes=DeckChanges(unchanged=deck["cards"]),
                cached=(deck["cards"], {k: tuple(v) for k, v in deck["source_cards"].items()}),
            )
            for deck in decks
        ))
    except (KeyError, TypeError, ValueError):
        return None


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
    deck: DeckSpec, progress: Progress | None = None, limits: Limits = DEFAULT_LIMITS
) -> tuple[list[Item], list[SourceSummary], list[Dropped], list[Diagnostic]]:
    """Run every source of ``deck`` through its adapter, within ``limits``; unsupported ones are
    skipped, with a warning."""
    items: list[Item] = []
    summaries: list[SourceSummary] = []
    dropped: list[Dropped] = []
    diagnostics: list[Diagnostic] = []
    read = _read_each(deck.sources, limits)
    for done, (spec, result) in enumerate(zip(deck.sources, read, strict=True)):
        if progress:
            progress("read", done, len(deck.sources))
        if isinstance(result, UnsupportedFormatError):
            diagnostics.append(Diagnostic(str(spec.path), None, f"skipped: {result.message}"))
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


#: Reading in worker processes pays once the sources hold this much text and there are several.
PARALLEL_READ_BYTES = 2_000_000


def _read_one(spec: SourceSpec, limits: Limits) -> SourceResult | UnsupportedFormatError:
    try:
        return read_source(spec.path, spec.format, spec.options, limits)
    except UnsupportedFormatError as exc:
        return exc  # skipped with a warning, not an error


def _read_each(
    specs: tuple[SourceSpec, ...], limits: Limits
) -> Iterator[SourceResult | UnsupportedFormatError]:
    """Every source through its adapter, in order; large decks of many files on every core.

    Parsing is pure CPU work per file, so forked workers divide it by the cores. An error
    still surfaces for the first failing source in manifest order, as when reading one by one.
    """
    read_one = partial(_read_one, limits=limits)
    workers = os.cpu_count() or 1
    if workers < 2 or len(specs) < 4 or "fork" not in mp.get_all_start_methods():
        yield from map(read_one, specs)
        return
    total = sum(spec.path.stat().st_size for spec in specs if spec.path.is_file())
    if total < PARALLEL_READ_BYTES:
        yield from map(read_one, specs)
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork")) as pool:
        yield from pool.map(read_one, specs)


def find_duplicates(deck: DeckSpec, limits: Limits = DEFAULT_LIMITS) -> tuple[DedupResult, list[Diagnostic]]:
    """Read, repair and deduplicate one deck without rendering it (``qa2anki dups``)."""
    items, _, _, diagnostics = read_deck_sources(deck, limits=limits)
    repaired = repair_items(items)
    merged = deduplicate(repaired.items, deck.dedup)
    return merged, [*diagnostics, *repaired.diagnostics, *merged.diagnostics]


def build_deck(
    deck: DeckSpec,
    progress: Progress | None = None,
    ledger: Ledger | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> DeckReport:
    """Everything up to the ``.apkg``: the notes of one deck and what happened on the way."""
    ledger = ledger or Ledger(Lock(), decks=[deck.name])
    items, summaries, dropped, diagnostics = read_deck_sources(deck, progress, limits)
    repaired = repair_items(items)
    diagnostics.extend(repaired.diagnostics)
    summaries = [
        SourceSummary(s.path, s.format, s.items, s.dropped, repaired.stats.get(s.path.name, RepairStats()))
        for s in summaries
    ]
    merged = deduplicate(repaired.items, deck.dedup)
    dropped.extend(merged.dropped)
    made = notes_for_cards(deck, merged.cards, ledger, progress)
    diagnostics.extend(made.diagnostics)
    diagnostics.extend(merged.diagnostics)
    return DeckReport(
        name=deck.name,
        output=deck.output,
        notes=made.notes,
        changes=made.changes,
        removed_notes=made.removed_notes,
        sources=tuple(summaries),
        dropped=tuple(dropped),
        diagnostics=tuple(diagnostics),
        media=made.media,
    )


@dataclass(frozen=True)
class DeckNotes:
    notes: tuple[Note, ...]
    changes: DeckChanges
    removed_notes: tuple[Note, ...]
    diagnostics: tuple[Diagnostic, ...]
    media: dict[str, Path] = field(default_factory=dict)  # media name -> image file to pack


def notes_for_cards(
    deck: DeckSpec,
    cards: tuple[Card, ...],
    ledger: Ledger,
    progress: Progress | None = None,
) -> DeckNotes:
    """Cards to notes: GUIDs from the ledger, rendered, stamped with when their content last changed."""
    identities = ledger.assign(deck.name, cards)
    if progress:
        progress("render", 0, len(cards))
    jobs = [
        (card, dict(guid=identities.guids[position], deck=deck.name, subdecks=deck.subdecks,
                    tags=deck.tags, position=position))
        for position, card in enumerate(cards)
    ]
    rendered = render_notes(jobs, {spec.path.name: spec.path.parent for spec in deck.sources})
    if progress:
        progress("render", len(cards), len(cards))
    stamped, changes = ledger.settle(identities, rendered.notes)
    removed_notes: tuple[Note, ...] = ()
    if changes.removed:  # their last fields are in the deck this build replaces
        removed_notes = carry_removed(deck.name, changes.removed, read_apkg_notes(deck.output))
    return DeckNotes(
        stamped, changes, removed_notes, identities.diagnostics + rendered.diagnostics, rendered.media
    )
