"""``qa2anki check``: everything a build would say about the sources, with nothing written.

Findings come from the build report's own data (diagnostics, dropped items, merged cards),
so whatever a later adapter, repair or dedup stage reports shows up here without changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ManifestError, OutputError, Qa2AnkiError
from .manifest import Manifest, load_manifest, missing_source, with_source_mb
from .models import Card, Dropped, location
from .report import BuildReport

if TYPE_CHECKING:
    from .pipeline import Progress

ERROR = "error"
WARNING = "warning"
NOTE = "note"  # a merged card: shown with -v, never counted against the sources
INFO = "info"  # a diagnostic an adapter marks as informational: shown with -v, never counted

#: What each ``Dropped.reason`` means to the user; unknown reasons get a generic message.
DROP_MESSAGES: Mapping[str, str] = {
    "placeholder": "placeholder answer (e.g. lorem ipsum)",
    "no-question": "answer with no matching question in any source",
    "empty-answer": "empty answer",
    "no-answer": "question without an answer",
    "not-a-question": "heading among the questions that asks nothing (end it with '?' if it is a question)",
    "not-a-record": "entry without the question and answer fields the records around it have",
}


@dataclass(frozen=True)
class Finding:
    """One line of ``check`` output: ``warning: FILE:LINE: message``."""

    severity: str
    file: str
    line: int | None
    message: str
    end_line: int | None = None  # a finding about several lines: ``FILE:LINE-LINE``

    def __str__(self) -> str:
        where = location(self.file, self.line, self.end_line)
        return f"{self.severity}: {where}: {self.message}" if where else f"{self.severity}: {self.message}"


@dataclass(frozen=True)
class CheckReport:
    findings: tuple[Finding, ...]
    sources: int  # how many source files the manifest lists
    recovered: int = 0  # cards made of answers whose question was lost (listed as info)
    accepted: int = 0  # dropped items the manifest's accept_dropped: expects (listed as info)

    def count(self, severity: str) -> int:
        return sum(1 for finding in self.findings if finding.severity == severity)

    @property
    def errors(self) -> int:
        return self.count(ERROR)

    @property
    def warnings(self) -> int:
        return self.count(WARNING)

    def tally(self) -> str:
        """``2 errors, 20 warnings in 5 sources`` (plus merged cards, when there are any)."""
        text = (
            f"{plural(self.errors, 'error')}, {plural(self.warnings, 'warning')} "
            f"in {plural(self.sources, 'source')}"
        )
        notes = self.count(NOTE)
        if notes:
            text += f"; {plural(notes, 'card')} merged"
        if self.accepted:
            text += f"; {plural(self.accepted, 'item')} dropped as the manifest accepts"
        return f"{text}; {plural(self.recovered, 'card')} recovered" if self.recovered else text

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors or (strict and self.warnings))


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def dropped_message(entry: Dropped) -> str:
    """A readable sentence for a dropped item, naming the item."""
    reason = DROP_MESSAGES.get(entry.reason, f"dropped ({entry.reason.replace('-', ' ')})")
    what = entry.ref
    if entry.question:
        question = entry.question if len(entry.question) <= 70 else entry.question[:67] + "..."
        what = f'{entry.ref} "{question}"'
    return f"{what}: {reason}; no card made"


def findings(report: BuildReport, paths: Mapping[str, str] | None = None) -> list[Finding]:
    """Every diagnostic, dropped item and merged card of ``report``, in source order.

    ``paths`` maps a source's file name to the path the user wrote, so lines read
    ``sources/001.txt:212`` and an editor can jump there.
    """
    paths = paths or {}
    out = [
        *diagnostic_findings(report, paths),
        *dropped_findings(report, paths),
        *merge_findings(report, paths),
    ]
    return in_source_order(out, paths)


def in_source_order(found: list[Finding], paths: Mapping[str, str]) -> list[Finding]:
    """Sources in manifest order, lines ascending; findings about no file last."""
    order = {path: index for index, path in enumerate(dict.fromkeys(paths.values()))}
    return sorted(found, key=lambda f: (not f.file, order.get(f.file, len(order)), f.file, f.line or 0))


def diagnostic_findings(report: BuildReport, paths: Mapping[str, str]) -> list[Finding]:
    return [Finding(d.severity, paths.get(d.source, d.source), d.line, d.message, d.end_line)
            for d in report.diagnostics]


def dropped_findings(report: BuildReport, paths: Mapping[str, str]) -> list[Finding]:
    """A warning per dropped item; a note where the manifest's ``accept_dropped:`` expects it."""
    return [
        Finding(INFO if d.accepted else WARNING, paths.get(d.source, d.source), d.line,
                dropped_message(d) + (" (accept_dropped in the manifest)" if d.accepted else ""))
        for d in report.dropped
    ]


def merge_findings(report: BuildReport, paths: Mapping[str, str]) -> list[Finding]:
    """A note per card made of several items, at the item shown."""
    def where(source: str) -> str:
        return paths.get(source, source)

    cards = [note.card for deck in report.decks for note in deck.notes if len(note.card.items) > 1]
    return [
        Finding(NOTE, where(card.primary.source), card.primary.line, _merge_message(card, where))
        for card in cards
    ]


def _merge_message(card: Card, where: Callable[[str], str]) -> str:
    others = ", ".join(
        f"{where(item.source)}:{item.line}" if item.line else f"{where(item.source)}#{item.ref}"
        for item in card.others
    )
    return (
        f"{card.primary.ref}: merged with {others} into one card "
        f"(similarity {card.similarity:.2f})"
    )


def source_paths(manifest: Manifest) -> dict[str, str]:
    """Source key (as items carry it) -> path as written; the path itself maps to itself."""
    paths: dict[str, str] = {}
    for deck in manifest.decks:
        for spec in deck.sources:
            paths.setdefault(spec.name, str(spec.path))
            paths.setdefault(str(spec.path), str(spec.path))
    return paths


def check(manifest: Manifest, progress: Progress | None = None) -> CheckReport:
    """Run the build without writing and collect what it says; never raises for bad sources.

    A source that cannot be read at all would stop a build; here it becomes an error finding
    and the other sources are still checked.
    """
    from .pipeline import build  # the stages load when a check runs, not when a build prints

    sources = len({spec.path.resolve() for deck in manifest.decks for spec in deck.sources})
    paths = source_paths(manifest)
    refusals = _output_findings(manifest)
    try:
        report = build(manifest, write=False, progress=progress)
        found = tuple(refusals + _report_findings(report, paths))
        return CheckReport(found, sources, _recovered(report), _accepted(report))
    except Qa2AnkiError:
        pass  # find every unreadable source, not just the first, then check the rest
    errors, readable = _unreadable_sources(manifest)
    try:
        report = build(readable, write=False, progress=progress)
    except Qa2AnkiError as exc:
        errors.append(_finding_of(exc))
        return CheckReport(tuple(errors), sources)
    ordered = in_source_order(errors + _report_findings(report, paths), paths)
    return CheckReport(tuple(ordered), sources, _recovered(report), _accepted(report))


def _recovered(report: BuildReport) -> int:
    return sum(sum(deck.recovered()) for deck in report.decks)


def _accepted(report: BuildReport) -> int:
    return sum(entry.accepted for entry in report.dropped)


def _report_findings(report: BuildReport, paths: Mapping[str, str]) -> list[Finding]:
    empty = [
        Finding(ERROR, "", None, f"deck '{deck.name}' has no cards: every source was skipped or empty")
        for deck in report.decks
        if not deck.notes
    ]
    return findings(report, paths) + empty


def check_config(
    path: str | Path, progress: Progress | None = None, max_source_mb: float | None = None
) -> CheckReport:
    """:func:`check` for a manifest file; a broken manifest is reported as an error finding.

    ``max_source_mb`` overrides the manifest's ``limits: source_mb:`` (``--max-source-mb``).
    """
    try:
        manifest = load_manifest(path)
    except ManifestError as exc:
        return CheckReport((_finding_of(exc),), 0)
    return check(with_source_mb(manifest, max_source_mb), progress)


def _output_findings(manifest: Manifest) -> list[Finding]:
    """What a plain ``qa2anki build`` would refuse to write (outside the folder, not its file),
    as a warning: the build may mean it, with --allow-outside or --force."""
    from .outputs import check_outputs

    try:
        check_outputs(manifest)
    except OutputError as exc:
        return [replace(_finding_of(exc), severity=WARNING)]
    return []


def _finding_of(exc: Qa2AnkiError) -> Finding:
    return Finding(ERROR, exc.file or "", exc.line, exc.message)


def _unreadable_sources(manifest: Manifest) -> tuple[list[Finding], Manifest]:
    """Error findings for every source that cannot be read, and the manifest without them.

    Only runs when a build failed, so the sources are read a second time only then.
    """
    from .adapters import UnsupportedFormatError, read_source

    errors: list[Finding] = []
    bad: set[Path] = set()
    for spec in (spec for deck in manifest.decks for spec in deck.sources):
        if spec.path in bad:
            continue
        try:
            missing = missing_source(spec)
            if missing:
                raise missing
            read_source(spec.path, spec.format, spec.options, manifest.limits)
        except UnsupportedFormatError:
            continue  # the build warns about it and goes on
        except Qa2AnkiError as exc:
            errors.append(_finding_of(exc))
            bad.add(spec.path)
    decks = tuple(
        replace(deck, sources=tuple(s for s in deck.sources if s.path not in bad)) for deck in manifest.decks
    )
    return errors, replace(manifest, decks=decks)
