"""The one pipeline: manifest -> adapters -> repair -> dedup -> recover -> render -> package.

Each stage is a module with a small typed interface; this module only wires them together
and collects what happened into a :class:`BuildReport` the CLI prints and tests inspect.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from .cache import BuildCache, deck_record, image_states, inputs_fingerprint, replayed_report
from .errors import OutputError
from .files import ensure_writable
from .identity.lockfile import Lock, lockfile_path, read_lock, write_lock
from .manifest import DEFAULT_LIMITS, DeckSpec, Limits, Manifest, SourceSpec, missing_source
from .models import Card, Diagnostic, Dropped, Item, Note, SourceResult
from .outputs import check_outputs
from .read_cache import Outcome, ReadCache
from .render_cache import RenderCache
from .report import BuildReport, Coverage, DeckChanges, DeckReport, RepairStats, SourceSummary, write_report

if TYPE_CHECKING:
    from .adapters import UnsupportedFormatError
    from .dedup import DedupResult
    from .identity import Ledger
    from .recover import Recovery

# The stages are imported where they run: a build whose inputs did not change loads none of
# them (its decks are kept; see :mod:`.cache`).

#: Called as ``progress(stage, done, total)`` so a shell can draw a bar; the library prints nothing.
Progress = Callable[[str, int, int], None]


def build(
    manifest: Manifest,
    *,
    write: bool = True,
    progress: Progress | None = None,
    use_cache: bool = True,
    rebuild_lock: bool = False,
    report_path: str | Path | None = None,
    force: bool = False,
    allow_outside: bool = False,
) -> BuildReport:
    """Build every deck of ``manifest``; with ``write=False`` nothing is written (``check``).

    When no input changed since the last build of a manifest and its decks are still on disk,
    the decks are kept and the last summary is returned (``cached`` set on each deck; see
    :mod:`qa2anki.cache`); ``use_cache=False`` always rebuilds (and remembers this build).

    Identities come from the lockfile, which is rewritten only after every deck is written;
    ``report_path`` also writes the JSON report, last. Before anything is read every output is
    checked (:func:`qa2anki.outputs.check_outputs`): none may be an input or another output;
    ``allow_outside`` lets a manifest's outputs leave its folder and ``force`` replaces files
    qa2anki did not write.
    A damaged lockfile stops the build, unless ``rebuild_lock``: then the records still readable
    are kept, the rest of the cards get new identities, and a warning says which lines were lost.
    """
    report_path = Path(report_path) if report_path is not None and write else None
    check_outputs(manifest, decks=write, report=report_path, force=force, allow_outside=allow_outside)
    lock_path = lockfile_path(manifest)
    may_replay = use_cache and report_path is None  # a kept build has no cards to report
    # every written build is remembered (after --no-cache too, so the next plain build is quick)
    cache = BuildCache(manifest.root) if write and manifest.path else None
    fingerprint = inputs_fingerprint(manifest) if cache else ""  # before any input is read
    if cache and may_replay:
        replayed = replayed_report(cache.lookup(fingerprint, manifest, lock_path))
        if replayed:
            return replayed
    from .identity import Ledger

    lock = read_lock(lock_path, rebuild=rebuild_lock)
    ledger = Ledger(lock, decks=[deck.name for deck in manifest.decks])
    kept = cache.path.parent if cache else None  # sources read and fields rendered: beside the record
    reports = [
        build_deck(deck, progress=progress, ledger=ledger, root=manifest.root, limits=manifest.limits,
                   render_cache=RenderCache(kept, deck.name, reuse=use_cache) if kept else None,
                   read_cache=ReadCache(kept, reuse=use_cache) if kept else None)
        for deck in manifest.decks
    ]
    if lock.damaged:
        reports[0] = _with_diagnostics(reports[0], _lock_damage(lock_path, lock))
    if not write:
        return BuildReport(tuple(reports))
    for report in reports:
        _refuse_empty(report)
    for path in (*_outputs(reports), lock_path, *([report_path] if report_path else [])):
        ensure_writable(path)  # fail before any deck is replaced, not halfway
    if cache:
        cache.forget()  # the decks it describes are about to be replaced
    written = _write_decks(reports, ledger, progress)
    write_lock(ledger.lock(), lock_path)
    if report_path:
        write_report(BuildReport(written), report_path)
    return BuildReport(written, notices=_remember(cache, fingerprint, manifest, reports) if cache else ())


def _outputs(reports: list[DeckReport]) -> list[Path]:
    return [report.output for report in reports]


def _write_decks(
    reports: list[DeckReport], ledger: Ledger, progress: Progress | None
) -> tuple[DeckReport, ...]:
    """Every deck to its ``.apkg`` (atomically, one by one), with its removed cards carried."""
    from .package import NOTE_TYPE_NAME, notetype_fingerprint, notetype_of, write_apkg

    used = {NOTE_TYPE_NAME} | {notetype_of(note) for report in reports for note in report.notes}
    mtimes = {name: ledger.notetype_mtime(name, notetype_fingerprint(name)) for name in sorted(used)}
    written = []
    for index, report in enumerate(reports):
        if progress:
            progress("write", index, len(reports))
        notes = report.notes + report.removed_notes
        write_apkg(notes, report.output, notetype_mtimes=mtimes, media=report.media)
        written.append(dataclasses.replace(report, written=True))
    return tuple(written)


def _lock_damage(path: Path, lock: Lock) -> list[Diagnostic]:
    return [
        Diagnostic(str(path), line or None, f"{why}; left out, its cards get new identities (--rebuild-lock)")
        for line, why in lock.damaged
    ]


def _with_diagnostics(report: DeckReport, extra: list[Diagnostic]) -> DeckReport:
    return dataclasses.replace(report, diagnostics=(*extra, *report.diagnostics))


def _remember(
    cache: BuildCache, fingerprint: str, manifest: Manifest, reports: list[DeckReport]
) -> tuple[Diagnostic, ...]:
    """Record the build just written, unless an input changed while it ran (see cache.py)."""
    images = image_states(path_digest for report in reports for path_digest in report.image_paths.items())
    summaries = [deck_record(report) for report in reports]
    notice = cache.store(fingerprint, manifest, lockfile_path(manifest), images, summaries)
    return (notice,) if notice else ()


def _refuse_empty(report: DeckReport) -> None:
    """A deck with no cards would replace a good one with nothing: keep the old one instead."""
    if not report.notes:
        why = f": {report.diagnostics[0]}" if report.diagnostics else ""
        raise OutputError(
            f"deck '{report.name}' would have no cards, nothing written{why}", file=str(report.output)
        )


def read_deck_sources(
    deck: DeckSpec, progress: Progress | None = None, limits: Limits = DEFAULT_LIMITS,
    cache: ReadCache | None = None,
) -> tuple[list[Item], list[SourceSummary], list[Dropped], list[Diagnostic]]:
    """Run every source of ``deck`` through its adapter, within ``limits``; unsupported ones are
    skipped, with a warning. With a ``cache`` (:mod:`.read_cache`), a source whose bytes did not
    change since an earlier build comes back as it was read then."""
    from .adapters import UnsupportedFormatError

    items: list[Item] = []
    summaries: list[SourceSummary] = []
    dropped: list[Dropped] = []
    diagnostics: list[Diagnostic] = []
    read = _read_each(deck.sources, limits) if cache is None else _read_kept(deck.sources, limits, cache)
    for done, (spec, outcome) in enumerate(zip(deck.sources, read, strict=True)):
        if progress:
            progress("read", done, len(deck.sources))
        if isinstance(outcome, UnsupportedFormatError):
            diagnostics.append(Diagnostic(str(spec.path), None, f"skipped: {outcome.message}"))
            continue
        result, coverage = outcome
        extra = tuple(spec.tags)
        items.extend(
            dataclasses.replace(item, tags=item.tags + extra) if extra else item
            for item in result.items
        )
        dropped.extend(result.dropped)
        diagnostics.extend(result.diagnostics)
        diagnostics.extend(lost_lines(spec.name, coverage))
        summaries.append(SourceSummary(spec.path, result.format, len(result.items), len(result.dropped),
                                       name=spec.name, coverage=coverage, title=spec.title or result.title,
                                       origin=result.source if result.source != spec.name else ""))
    if progress:
        progress("read", len(deck.sources), len(deck.sources))
    return items, summaries, dropped, diagnostics


def _accepted(dropped: list[Dropped], deck: DeckSpec) -> list[Dropped]:
    """``dropped``, each marked whether the manifest accepts its reason for its source."""
    reasons = {spec.name: spec.accept_dropped for spec in deck.sources}
    return [
        dataclasses.replace(entry, accepted=entry.reason in reasons.get(entry.source, frozenset()))
        for entry in dropped
    ]


#: Reading in worker processes pays once the sources hold this much text and there are several.
PARALLEL_READ_BYTES = 2_000_000


#: What reading one source gives: its items and where its lines went, or why it was skipped.
ReadOutcome: TypeAlias = "tuple[SourceResult, Coverage] | UnsupportedFormatError"


def _read_one(spec: SourceSpec, limits: Limits) -> ReadOutcome:
    from .adapters import UnsupportedFormatError, read_source_text
    from .coverage import coverage_of

    missing = missing_source(spec)
    if missing:
        raise missing
    try:
        result, text = read_source_text(spec.path, spec.format, spec.options, limits, key=spec.name,
                                        named_by_flag=spec.named_by_flag)
    except UnsupportedFormatError as exc:
        return exc  # skipped with a warning, not an error
    return result, coverage_of(text, result, spec.name)


#: The warning for source lines that reached no card and were not reported dropped or skipped.
LOST_LINES = ("text on no card, and not dropped or skipped with a reason: it would be lost without a word "
              "(see how the file is read with 'qa2anki inspect --items')")


def lost_lines(source: str, coverage: Coverage) -> list[Diagnostic]:
    """A warning at every range of lines the coverage could not account for."""
    return [Diagnostic(source, first, LOST_LINES, end_line=last) for first, last in coverage.unaccounted]


def _read_each(specs: tuple[SourceSpec, ...], limits: Limits) -> Iterator[ReadOutcome]:
    """Every source through its adapter, in order; large decks of many files on every core.

    Parsing is pure CPU work per file, so forked workers divide it by the cores. An error
    still surfaces for the first failing source in manifest order, as when reading one by one.
    """
    from .workers import fork_iter

    read_one = partial(_read_one, limits=limits)
    if sum(spec.path.stat().st_size for spec in specs if spec.path.is_file()) < PARALLEL_READ_BYTES:
        yield from map(read_one, specs)
        return
    # a file at a time: files vary in size, and each is a lot of work
    yield from fork_iter(lambda chunk: list(map(read_one, chunk)), list(specs), minimum=4, chunk=1)


def _read_kept(specs: tuple[SourceSpec, ...], limits: Limits, cache: ReadCache) -> Iterator[ReadOutcome]:
    """:func:`_read_each`, the sources read by an earlier build taken from ``cache``."""
    from .adapters import UnsupportedFormatError

    keys = [cache.key(spec, limits) for spec in specs]
    stored = cache.lookup(keys)
    unread = tuple(spec for spec, key in zip(specs, keys, strict=True) if key not in stored)
    fresh = _read_each(unread, limits)
    read: dict[str, tuple[str, Outcome]] = {}  # what this build read, to keep
    for spec, key in zip(specs, keys, strict=True):
        kept = stored.get(key) if key else None
        if isinstance(kept, str):
            yield UnsupportedFormatError(kept, file=str(spec.path))
            continue
        if kept is not None:
            yield kept  # type: ignore[misc]  # a source has coverage once it has lines
            continue
        outcome = next(fresh)
        if key:
            kept_as: Outcome = outcome.message if isinstance(outcome, UnsupportedFormatError) else outcome
            read[key] = (spec.name, kept_as)
        yield outcome
    cache.store(read)


def find_duplicates(deck: DeckSpec, limits: Limits = DEFAULT_LIMITS) -> tuple[DedupResult, list[Diagnostic]]:
    """Read, repair and deduplicate one deck without rendering it (``qa2anki dups``)."""
    from .dedup import deduplicate
    from .repair import repair_items

    items, _, _, diagnostics = read_deck_sources(deck, limits=limits)
    repaired = repair_items(items)
    merged = deduplicate(repaired.items, deck.dedup)
    return merged, [*diagnostics, *repaired.diagnostics, *merged.diagnostics]


def build_deck(
    deck: DeckSpec,
    progress: Progress | None = None,
    ledger: Ledger | None = None,
    *,
    root: Path = Path("."),
    limits: Limits = DEFAULT_LIMITS,
    render_cache: RenderCache | None = None,
    read_cache: ReadCache | None = None,
) -> DeckReport:
    """Everything up to the ``.apkg``: the notes of one deck and what happened on the way.

    ``root`` is the manifest's folder (the current one without a manifest): images may come
    from anywhere under it, for the sources inside it (see :func:`.media.allowed_root`).
    ``render_cache`` keeps rendered fields across builds (see :mod:`.render_cache`), and
    ``read_cache`` what each source read as (see :mod:`.read_cache`).
    """
    from .dedup import deduplicate
    from .identity import Ledger
    from .repair import repair_items

    ledger = ledger or Ledger(Lock(), decks=[deck.name])
    items, summaries, dropped, diagnostics = read_deck_sources(deck, progress, limits, read_cache)
    repaired = repair_items(items)
    diagnostics.extend(repaired.diagnostics)
    merged = deduplicate(repaired.items, deck.dedup)
    recovered = recover_units(deck, merged, repaired.items)
    unclaimed = _still_dropped(merged.dropped, recovered)
    summaries = [
        dataclasses.replace(s, repair=repaired.stats.get(s.key, RepairStats()),
                            coverage=_after_dedup(s.coverage, s.key, unclaimed))
        for s in summaries
    ]
    dropped = _accepted([*dropped, *unclaimed], deck)
    made = notes_for_cards(deck, merged.cards + recovered.cards, ledger, progress, root=root, limits=limits,
                           titles={summary.origin or summary.key: summary.title for summary in summaries},
                           render_cache=render_cache)
    diagnostics.extend(made.diagnostics)
    diagnostics.extend(merged.diagnostics)
    diagnostics.extend(recovered.diagnostics)
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
        image_paths=made.image_paths,
    )


def recover_units(deck: DeckSpec, merged: DedupResult, items: Sequence[Item]) -> Recovery:
    """Cards for the units dedup left unclaimed, from the sources the manifest lets recover."""
    from .recover import recover

    return recover((unit for unit in merged.unattached if deck.recovers(unit.source)), items)


def _still_dropped(dropped: tuple[Dropped, ...], recovered: Recovery) -> tuple[Dropped, ...]:
    """Dedup's drops, but for the units the recover stage made cards of."""
    carded = {(card.primary.source, card.primary.ref) for card in recovered.cards}
    return tuple(entry for entry in dropped if (entry.source, entry.ref) not in carded)


def _after_dedup(coverage: Coverage | None, source: str, dropped: tuple[Dropped, ...]) -> Coverage | None:
    """A source's coverage once dedup dropped some of its items (answers no question claimed)."""
    spans = [(entry.line, entry.end_line) for entry in dropped if entry.source == source]
    return coverage.with_dropped(spans) if coverage and spans else coverage


@dataclass(frozen=True)
class DeckNotes:
    notes: tuple[Note, ...]
    changes: DeckChanges
    removed_notes: tuple[Note, ...]
    diagnostics: tuple[Diagnostic, ...]
    media: dict[str, bytes] = field(default_factory=dict)  # media name -> the checked bytes to pack
    #: every image file looked for -> sha256 of the bytes packed from it (None: not packed)
    image_paths: dict[Path, str | None] = field(default_factory=dict)


def notes_for_cards(
    deck: DeckSpec,
    cards: tuple[Card, ...],
    ledger: Ledger,
    progress: Progress | None = None,
    *,
    root: Path = Path("."),
    limits: Limits | None = None,
    titles: Mapping[str, str] | None = None,
    render_cache: RenderCache | None = None,
) -> DeckNotes:
    """Cards to notes: GUIDs from the ledger, rendered, stamped with when their content last changed.

    ``titles`` maps source keys to their titles (:attr:`SourceSummary.title`), for the names
    cards show; a source without one is named by its file (see :func:`.render.source_names`).
    """
    from .identity import carry_removed
    from .media import allowed_root
    from .package import read_apkg_notes
    from .render import NoteSpec, render_notes, source_labels, source_names

    identities = ledger.assign(deck.name, cards)
    if progress:
        progress("render", 0, len(cards))
    labels = source_labels(spec.name for spec in deck.sources)
    names = source_names(titles if titles is not None else {spec.name: spec.title for spec in deck.sources})
    jobs = [
        (card, NoteSpec(guid=identities.guids[position], deck=deck.name, position=position,
                        subdecks=deck.subdecks, tags=deck.tags, labels=labels, names=names,
                        code_wrap=deck.code_wrap))
        for position, card in enumerate(cards)
    ]
    sources = {spec.name: spec.path for spec in deck.sources}  # keyed as Item.source
    rendered = render_notes(
        jobs,
        {name: path.parent for name, path in sources.items()},
        roots={name: allowed_root(path, root) for name, path in sources.items()},
        image_mb=(limits or Limits()).image_mb,
        cache=render_cache,
    )
    if progress:
        progress("render", len(cards), len(cards))
    stamped, changes = ledger.settle(identities, rendered.notes)
    removed_notes: tuple[Note, ...] = ()
    if changes.removed:  # their last fields are in the deck this build replaces
        removed_notes = carry_removed(deck.name, changes.removed, read_apkg_notes(deck.output))
    return DeckNotes(
        stamped, changes, removed_notes, identities.diagnostics + rendered.diagnostics, rendered.media,
        rendered.image_paths,
    )
