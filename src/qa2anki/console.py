"""What the command line shows: findings, a summary table, a progress bar, colour.

Kept apart from the library (which prints nothing) so every command stays a few lines.
Colour only on a terminal and never when ``NO_COLOR`` is set (https://no-color.org);
the progress bar only on a terminal and only once a build has run for about a second.
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any

import click

from .check import (
    ERROR,
    INFO,
    NOTE,
    WARNING,
    CheckReport,
    Finding,
    diagnostic_findings,
    findings,
    plural,
)
from .models import RECOVERED_SUBDECK, RECOVERED_TAG, REMOVED_TAG
from .report import BuildReport, DeckReport

if TYPE_CHECKING:
    from .identity.lockfile import LockRecord

QUIET, NORMAL, VERBOSE = 0, 1, 2

#: Seconds a build runs before the progress bar appears (quick builds never show one).
PROGRESS_DELAY = 1.0

#: In normal mode, at most this many warnings are printed; ``--verbose`` prints them all.
WARNING_LIMIT = 10

STYLES: Mapping[str, Mapping[str, Any]] = {
    ERROR: {"fg": "red", "bold": True},
    WARNING: {"fg": "yellow"},
    NOTE: {"fg": "cyan"},
    INFO: {"dim": True},
}


def colour_wanted(stream: IO[str]) -> bool:
    """Colour on a terminal, unless ``NO_COLOR`` is set to anything non-empty."""
    if os.environ.get("NO_COLOR", ""):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def format_finding(finding: Finding, colour: bool = False) -> str:
    """``warning: FILE:LINE: message`` with the severity coloured when ``colour``."""
    text = str(finding)
    if not colour or finding.severity not in STYLES:
        return text
    head = f"{finding.severity}:"
    return click.style(head, **STYLES[finding.severity]) + text[len(head):]


# --- progress ------------------------------------------------------------------------------


class ProgressBar:
    """A ``progress(stage, done, total)`` callback drawing ``render [#####    ] 120/400`` on stderr.

    Silent unless the stream is a terminal, and until ``delay`` seconds have passed, so quick
    builds and piped output never see it. Used as a context manager, it wipes itself at the end.
    """

    def __init__(
        self,
        stream: IO[str] | None = None,
        *,
        delay: float | None = None,
        width: int = 30,
        enabled: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.stream = stream or sys.stderr
        self.enabled = enabled and bool(getattr(self.stream, "isatty", lambda: False)())
        self.delay = PROGRESS_DELAY if delay is None else delay
        self.width = width
        self.clock = clock
        self.started = clock()
        self.last_draw = 0.0
        self.drawn = 0  # length of the line on screen, to wipe it

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = self.clock()
        if now - self.started < self.delay:
            return
        if self.drawn and done < total and now - self.last_draw < 0.1:
            return  # redraw at most ten times a second
        self.last_draw = now
        self._draw(bar_line(stage, done, total, self.width))

    def _draw(self, line: str) -> None:
        padding = " " * max(0, self.drawn - len(line))
        self.stream.write(f"\r{line}{padding}")
        self.stream.flush()
        self.drawn = len(line)

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r" + " " * self.drawn + "\r")
            self.stream.flush()
            self.drawn = 0

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def bar_line(stage: str, done: int, total: int, width: int = 30) -> str:
    filled = width * done // total if total else width
    return f"{stage:<8} [{'#' * filled}{' ' * (width - filled)}] {done}/{total}"


# --- summary table -------------------------------------------------------------------------

def source_rows(report: BuildReport) -> list[dict[str, object]]:
    """Per source: items read, cards it heads, items merged into other cards, items dropped."""
    rows: list[dict[str, object]] = []
    for deck in report.decks:
        cards = deck.source_cards()
        dropped = Counter(entry.source for entry in deck.dropped)
        for summary in deck.sources:
            name = summary.key
            heads, merged = cards.get(name, (0, 0))
            rows.append({
                "source": str(summary.path), "format": summary.format, "items": summary.items,
                "cards": heads, "merged": merged, "dropped": dropped[name],
            })
    return rows


def deck_lines(deck: DeckReport) -> list[str]:
    """Per deck: cards, sources, dropped items, what changed since the last build, what was removed."""
    dropped = f", {plural(len(deck.dropped), 'item')} dropped" if deck.dropped else ""
    lines = [
        f"{deck.name}: {plural(deck.card_count, 'card')} from {plural(len(deck.sources), 'source')}"
        f"{dropped} -> {deck.output}"
        f"{' (up to date: no input changed, deck kept)' if deck.cached else ''}"
    ]
    questions, clozes = deck.recovered()
    if questions or clozes:
        lines.append(
            f"  {questions + clozes} of them recovered from answers whose question was lost "
            f"({questions} questions, {clozes} clozes): subdeck {RECOVERED_SUBDECK}, tag {RECOVERED_TAG}"
        )
    changes = getattr(deck, "changes", None)
    if changes is not None:
        lines.append(f"  {changes.summary()}")
        lines += [f"  removed: {_removed_name(record)}" for record in changes.removed]
        if changes.removed:
            lines.append(f"  to delete them: search tag:{REMOVED_TAG} in the Anki browser after importing")
    return lines


def _removed_name(record: LockRecord) -> str:
    """A removed card by its question; a recovered one (it asked no source's question) by its item."""
    if not record.items:
        return record.guid
    first = record.items[0]
    return first.question or f"{first.key} (recovered {record.kind})"


def table(rows: Sequence[Mapping[str, object]]) -> list[str]:
    """Rows as aligned text columns (numbers right, text left); columns in first-seen order."""
    if not rows:
        return []
    columns = list(dict.fromkeys(key for row in rows for key in row))
    cells = [[str(row.get(column, "")) for column in columns] for row in rows]
    widths = [max(len(column), *(len(line[i]) for line in cells)) for i, column in enumerate(columns)]
    numeric = [all(isinstance(row.get(column), int) for row in rows) for column in columns]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            value.rjust(width) if is_number else value.ljust(width)
            for value, width, is_number in zip(values, widths, numeric, strict=True)
        ).rstrip()

    return [line(columns), *(line(values) for values in cells)]


# --- whole outputs -------------------------------------------------------------------------


def build_output(
    report: BuildReport, verbosity: int, colour: bool = False, paths: Mapping[str, str] | None = None
) -> tuple[list[str], list[str]]:
    """``(stdout lines, stderr lines)`` after a build: the summary table out, problems err."""
    paths = paths or {}
    if verbosity == VERBOSE:
        err = [format_finding(f, colour) for f in findings(report, paths)]
    else:
        diagnostics = diagnostic_findings(report, paths)
        err = [format_finding(f, colour) for f in diagnostics if f.severity == ERROR]
        if verbosity == QUIET:
            return [], err
        warnings = [format_finding(f, colour) for f in diagnostics if f.severity == WARNING]
        err += warnings[:WARNING_LIMIT]
        if len(warnings) > WARNING_LIMIT:
            err.append(f"... and {len(warnings) - WARNING_LIMIT} more warnings (--verbose shows them all)")
        err += dropped_summary(report)
    out = [*table(source_rows(report)), ""]
    out += [line for deck in report.decks for line in deck_lines(deck)]
    return out, err


def dropped_summary(report: BuildReport) -> list[str]:
    """Lines counting dropped items by reason, and what to do about them (``--verbose`` and
    ``check`` list them); those the manifest accepts (``accept_dropped:``) are counted apart."""
    lines = []
    for accepted in (False, True):
        reasons = Counter(entry.reason for entry in report.dropped if entry.accepted == accepted)
        if not reasons:
            continue
        parts = ", ".join(f"{count} {reason}" for reason, count in reasons.most_common())
        total = plural(sum(reasons.values()), "item")
        lines.append(
            f"{total} made no card, as the manifest accepts: {parts}" if accepted else
            f"{total} made no card: {parts} (--verbose lists them; fix them in the source, or list "
            "their reason under the source's accept_dropped: in the manifest)"
        )
    return lines


def check_output(report: CheckReport, verbosity: int, colour: bool = False) -> list[str]:
    """The findings ``check`` prints (merges and info only with ``--verbose``), then the tally."""
    shown = {QUIET: (ERROR,), NORMAL: (ERROR, WARNING)}.get(verbosity)
    lines = [format_finding(f, colour) for f in report.findings if shown is None or f.severity in shown]
    return [*lines, report.tally()]


def echo_lines(lines: Iterable[str], err: bool = False) -> None:
    for line in lines:
        click.echo(line, err=err)
