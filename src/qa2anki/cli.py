"""The ``qa2anki`` command: a thin shell over the library (every command is a few lines)."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import click

from . import __version__
from .adapters import ADAPTERS
from .errors import Qa2AnkiError
from .identity import REMOVED_TAG
from .inspect_sources import describe, inspect_source
from .manifest import DEFAULT_MANIFEST, Manifest, default_output, load_manifest, manifest_for_files
from .normalize import normalize
from .pipeline import BuildReport, build
from .preview import preview_path, write_preview
from .report import write_report


class _Group(click.Group):
    """Turns the library's own errors into one line on stderr and exit 1, never a traceback."""

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except Qa2AnkiError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qa2anki")
def main() -> None:
    """Turn interview Q&A from many sources into one clean Anki deck.

    \b
    Quick start:
      qa2anki build                      # every deck in ./qa2anki.yaml
      qa2anki build notes.md -o my.apkg  # one deck from the files named
    """


def _manifest(
    files: tuple[str, ...], config: str | None, output: str | None, deck: str | None, lock: str | None = None
) -> Manifest:
    if files:
        if not output:
            raise click.UsageError("with FILE arguments, name the deck file with -o OUT.apkg")
        manifest = manifest_for_files(list(files), output, deck or "qa2anki")
    else:
        if output or deck:
            raise click.UsageError("-o and --deck go with FILE arguments; the manifest names its own decks")
        manifest = load_manifest(config or DEFAULT_MANIFEST)
    return dataclasses.replace(manifest, lockfile=Path(lock)) if lock else manifest


def _print_summary(report: BuildReport) -> None:
    for diagnostic in report.diagnostics:
        click.echo(f"warning: {diagnostic}", err=True)
    for deck in report.decks:
        dropped = len(deck.dropped)
        click.echo(
            f"{deck.name}: {len(deck.notes)} cards from {len(deck.sources)} sources"
            f"{f', {dropped} items dropped' if dropped else ''} -> {deck.output}"
        )
        click.echo(f"  {deck.changes.summary()}")
        for record in deck.changes.removed:
            click.echo(f"  removed: {record.items[0].question if record.items else record.guid}")
        if deck.changes.removed:
            click.echo(f"  to delete them: search tag:{REMOVED_TAG} in the Anki browser after importing")


@main.command(name="build")
@click.argument("files", nargs=-1, type=click.Path())
@click.option("-c", "--config", type=click.Path(), help=f"Manifest to read (default: ./{DEFAULT_MANIFEST}).")
@click.option("-o", "--output", type=click.Path(), help="The .apkg to write when FILEs are named.")
@click.option("--deck", help="Deck name when FILEs are named (default: qa2anki).")
@click.option("--lock", type=click.Path(),
              help="Lockfile of note identities (default: beside the manifest, or OUT.lock).")
@click.option("--report", "report_path", type=click.Path(), help="Also write a JSON report of every card and dropped item.")
def build_command(files: tuple[str, ...], config: str | None, output: str | None, deck: str | None, lock: str | None, report_path: str | None) -> None:
    """Build the decks: every deck of the manifest, or one deck from FILEs.

    \b
    Examples:
      qa2anki build
      qa2anki build --config interview.yaml --report decks/report.json
      qa2anki build notes.md faq.json -o decks/mine.apkg --deck "Interview"
    """
    report = build(_manifest(files, config, output, deck, lock))
    if report_path:
        write_report(report, report_path)
    _print_summary(report)


@main.command(name="preview")
@click.argument("files", nargs=-1, type=click.Path())
@click.option("-c", "--config", type=click.Path(), help=f"Manifest to read (default: ./{DEFAULT_MANIFEST}).")
@click.option("-o", "--output", type=click.Path(),
              help="The HTML page to write (default: decks/<deck>-preview.html).")
@click.option("--deck", help="Deck name when FILEs are named (default: qa2anki).")
@click.option("--open", "open_page", is_flag=True, help="Open the page in the default browser.")
def preview_command(
    files: tuple[str, ...], config: str | None, output: str | None, deck: str | None, open_page: bool
) -> None:
    """Write one HTML page showing every card as Anki will (front, back, light and dark).

    \b
    Examples:
      qa2anki preview --open
      qa2anki preview notes.md -o /tmp/cards.html
    """
    manifest = _manifest(files, config, default_output(deck or "qa2anki") if files else None, deck)
    report = build(manifest, write=False)
    for diagnostic in report.diagnostics:
        click.echo(f"warning: {diagnostic}", err=True)
    path = write_preview(report, output or preview_path(manifest))
    click.echo(str(path))
    if open_page:
        click.launch(str(path))


@main.command(name="normalize")
@click.argument("sources", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder for the YAML files (one per source).")
@click.option("--format", "format_", default="auto", show_default=True, help="Format of the sources.")
def normalize_command(sources: tuple[str, ...], out_dir: str, format_: str) -> None:
    """Rewrite SOURCES in the common schema (YAML you can diff, edit and build from).

    \b
    Example:
      qa2anki normalize sources/* -o normalized/
      qa2anki build normalized/*.yaml -o decks/mine.apkg
    """
    result = normalize(sources, out_dir, format_)
    for diagnostic in result.skipped:
        click.echo(f"warning: {diagnostic}", err=True)
    for path in result.written:
        click.echo(str(path))


@main.command(name="inspect")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--format", "format_", type=click.Choice(["auto", *ADAPTERS]), default="auto",
              show_default=True, help="Read the files as this format instead of detecting it.")
@click.option("--items", "show_items", is_flag=True,
              help="Also list every item: ref, line, question, answer start.")
@click.pass_context
def inspect_command(ctx: click.Context, files: tuple[str, ...], format_: str, show_items: bool) -> None:
    """Show how FILEs are read: detected format, how sure, items, code, dropped.

    \b
    Examples:
      qa2anki inspect sources/*
      qa2anki inspect notes.md --items
      qa2anki inspect faq.txt --format markdown
    """
    failed = False
    for path in files:
        try:
            click.echo(describe(inspect_source(path, format_), items=show_items))
        except Qa2AnkiError as exc:
            click.echo(f"error: {exc}", err=True)
            failed = True
    ctx.exit(1 if failed else 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
