"""The ``qa2anki`` command: a thin shell over the library (every command is a few lines).

Each command imports the library parts it uses when it runs, so ``qa2anki --help`` and
``--version`` answer at once instead of loading markdown, pygments and genanki first.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from .defaults import DEFAULT_MANIFEST
from .errors import Qa2AnkiError

if TYPE_CHECKING:  # pragma: no cover
    from .manifest import Manifest

#: ``check FILE...`` needs a deck file name for the one-deck manifest; nothing is written to it.
CHECK_ONLY_OUTPUT = "qa2anki-check.apkg"


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
      qa2anki check                      # list problems in the sources, write nothing
    """


@dataclasses.dataclass(frozen=True)
class FileFormat:
    """How to read the FILEs named on the command line (``--format``, ``--option``)."""

    format: str = "auto"
    options: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def given(self) -> bool:
        return self.format != "auto" or bool(self.options)


def _manifest(
    files: tuple[str, ...], config: str | None, output: str | None, deck: str | None, lock: str | None = None,
    reading: FileFormat = FileFormat(),
) -> Manifest:
    from .manifest import load_manifest, manifest_for_files

    _files_or_config(files, config, reading)
    if files:
        if not output:
            raise click.UsageError("with FILE arguments, name the deck file with -o OUT.apkg")
        if not output.lower().endswith(".apkg"):
            raise click.UsageError(f"-o names the deck file, which must end in .apkg (got '{output}')")
        manifest = manifest_for_files(list(files), output, deck or "qa2anki", reading.format, reading.options)
    else:
        if output or deck:
            raise click.UsageError("-o and --deck go with FILE arguments; the manifest names its own decks")
        manifest = load_manifest(config or DEFAULT_MANIFEST)
    # --lock is the user's own path, not the manifest's: no folder restriction (lockfile_line=None)
    return dataclasses.replace(manifest, lockfile=Path(lock), lockfile_line=None) if lock else manifest


def _files_or_config(files: tuple[str, ...], config: str | None, reading: FileFormat = FileFormat()) -> None:
    if files and config:
        raise click.UsageError("name source FILEs or a --config manifest, not both")
    if reading.given and not files:
        raise click.UsageError("--format and --option go with FILE arguments; in a manifest, "
                               "set 'format:' and 'options:' on each source")


def _options(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, Any]:
    """``--option KEY=VALUE`` pairs as a manifest's ``options:``; each VALUE is read as a YAML
    scalar (``3``, ``true``, ``heading``), as it would be in the manifest."""
    options: dict[str, Any] = {}
    for text in values:
        key, equals, raw = text.partition("=")
        if not equals or not key.strip():
            raise click.BadParameter(f"'{text}' is not KEY=VALUE (e.g. --option question=title)")
        options[key.strip()] = _scalar(raw)
    return options


def _scalar(raw: str) -> Any:
    """VALUE as a manifest reads it: a YAML scalar (``3``, ``true``, ``null``); text that YAML
    reads as a list or a mapping, or as nothing (``x: y``, ``[Q]``, ``#1``), stays as written."""
    import yaml

    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw
    nothing = value is None and raw.strip() not in ("null", "Null", "NULL", "~")
    if isinstance(value, (dict, list)) or nothing:
        return raw
    return value


def _reading(format_: str, options: dict[str, Any]) -> FileFormat:
    return FileFormat(format_, options)


def _verbosity(quiet: bool, verbose: bool) -> int:
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose cannot be used together")
    from . import console

    return console.QUIET if quiet else console.VERBOSE if verbose else console.NORMAL


_quiet = click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
_verbose = click.option("-v", "--verbose", is_flag=True, help="Print every warning, dropped item and merge.")
_config = click.option(
    "-c", "--config", type=click.Path(), help=f"Manifest to read (default: ./{DEFAULT_MANIFEST})."
)
_force = click.option("--force", is_flag=True, help="Replace existing files that qa2anki did not write.")


class _FormatChoice(click.Choice):  # type: ignore[type-arg]
    """``auto`` or a registered format, looked up only when a command needs the list."""

    def __init__(self) -> None:
        super().__init__(["auto"])

    @property
    def choices(self) -> tuple[str, ...]:
        from .adapters import ADAPTERS

        return ("auto", *ADAPTERS)

    @choices.setter
    def choices(self, value: Any) -> None:  # click sets it in __init__; the registry decides
        pass

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if value == "auto":  # the default: no need to load every format to accept it
            return value
        return super().convert(value, param, ctx)


_format = click.option(
    "--format", "format_", type=_FormatChoice(), default="auto", show_default=True,
    help="Read the FILEs as this format instead of detecting it.",
)
_option = click.option(
    "--option", "options", multiple=True, metavar="KEY=VALUE", callback=_options,
    help="An option for reading the FILEs, as under 'options:' in a manifest (repeatable).",
)
_max_source_mb = click.option(
    "--max-source-mb", type=click.FloatRange(min=0, min_open=True), metavar="MB",
    help="Refuse sources bigger than this (default: the manifest's 'limits: source_mb:', or 100).",
)


@main.command(name="build")
@click.argument("files", nargs=-1, type=click.Path())
@_config
@click.option("-o", "--output", type=click.Path(), help="The .apkg to write when FILEs are named.")
@click.option("--deck", help="Deck name when FILEs are named (default: qa2anki).")
@click.option("--lock", type=click.Path(),
              help="Lockfile of note identities (default: beside the manifest, or OUT.lock).")
@click.option(
    "--report", "report_path", type=click.Path(),
    help="Also write a JSON report of every card and dropped item.",
)
@click.option("--no-cache", is_flag=True, help="Rebuild even when no input changed since the last build.")
@click.option("--rebuild-lock", is_flag=True,
              help="Accept a damaged lockfile: keep the identities it still holds, give the rest new ones.")
@click.option("--allow-outside", is_flag=True,
              help="Let the manifest write its decks and lockfile outside its own folder.")
@_force
@_max_source_mb
@_format
@_option
@_quiet
@_verbose
def build_command(
    files: tuple[str, ...], config: str | None, output: str | None, deck: str | None, lock: str | None,
    report_path: str | None, no_cache: bool, rebuild_lock: bool, allow_outside: bool, force: bool,
    max_source_mb: float | None, format_: str, options: dict[str, Any], quiet: bool, verbose: bool,
) -> None:
    """Build the decks: every deck of the manifest, or one deck from FILEs.

    A manifest build whose inputs did not change since the last one keeps the decks on disk
    (the cache is .qa2anki-cache/ beside the manifest; --no-cache always rebuilds).

    \b
    Examples:
      qa2anki build
      qa2anki build --config interview.yaml --report decks/report.json
      qa2anki build notes.md faq.json -o decks/mine.apkg --deck "Interview"
      qa2anki build sheet.txt --format csv --option question=Front -o decks/sheet.apkg
    """
    from . import console
    from .manifest import with_source_mb
    from .pipeline import build

    verbosity = _verbosity(quiet, verbose)
    manifest = _manifest(files, config, output, deck, lock, _reading(format_, options))
    manifest = with_source_mb(manifest, max_source_mb)
    with console.ProgressBar(enabled=verbosity != console.QUIET) as progress:
        report = build(
            manifest, progress=progress, use_cache=not (no_cache or rebuild_lock), report_path=report_path,
            force=force, allow_outside=allow_outside, rebuild_lock=rebuild_lock,
        )
    out, err = console.build_output(report, verbosity, console.colour_wanted(sys.stderr))
    console.echo_lines(err, err=True)
    console.echo_lines(out)


@main.command(name="check")
@click.argument("files", nargs=-1, type=click.Path())
@_config
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too, not only on errors.")
@_max_source_mb
@_format
@_option
@_quiet
@_verbose
def check_command(
    files: tuple[str, ...], config: str | None, strict: bool, max_source_mb: float | None,
    format_: str, options: dict[str, Any], quiet: bool, verbose: bool,
) -> None:
    """Check the manifest and every source without writing anything.

    Prints each problem as `warning: FILE:LINE: message` (or `error: ...`), then a tally,
    and exits 1 on errors (and on warnings with --strict).

    \b
    Examples:
      qa2anki check
      qa2anki check --strict --config interview.yaml
      qa2anki check notes.md faq.json -v
    """
    from . import console
    from .check import check, check_config
    from .manifest import manifest_for_files, with_source_mb

    verbosity = _verbosity(quiet, verbose)
    _files_or_config(files, config, _reading(format_, options))
    with console.ProgressBar(enabled=verbosity != console.QUIET) as progress:
        if files:
            manifest = manifest_for_files(list(files), CHECK_ONLY_OUTPUT, format=format_, options=options)
            result = check(with_source_mb(manifest, max_source_mb), progress)
        else:
            result = check_config(config or DEFAULT_MANIFEST, progress, max_source_mb)
    console.echo_lines(console.check_output(result, verbosity, console.colour_wanted(sys.stdout)))
    if result.failed(strict):
        sys.exit(1)


@main.command(name="dups")
@click.argument("files", nargs=-1, type=click.Path())
@_config
@_format
@_option
def dups_command(files: tuple[str, ...], config: str | None, format_: str, options: dict[str, Any]) -> None:
    """List the questions merged into one card, with their members and similarity.

    \b
    Examples:
      qa2anki dups
      qa2anki dups notes.md faq.json
    To split or join clusters, add keep_separate: or merge: under the deck's dedup: in the manifest.
    """
    from .dedup import describe_clusters
    from .manifest import default_output
    from .pipeline import find_duplicates

    manifest = _manifest(files, config, default_output("qa2anki") if files else None, None,
                         reading=_reading(format_, options))
    for deck in manifest.decks:
        result, diagnostics = find_duplicates(deck, manifest.limits)
        for diagnostic in diagnostics:
            click.echo(f"{diagnostic.severity}: {diagnostic}", err=True)
        members = sum(len(cluster.card.items) for cluster in result.clusters)
        click.echo(
            f"{deck.name}: {len(result.clusters)} merged cards from {members} items, "
            f"{len(result.cards)} cards in all (threshold {result.threshold:.2f})\n"
        )
        click.echo(describe_clusters(result))


@main.command(name="preview")
@click.argument("files", nargs=-1, type=click.Path())
@click.option("-c", "--config", type=click.Path(), help=f"Manifest to read (default: ./{DEFAULT_MANIFEST}).")
@click.option("-o", "--output", type=click.Path(),
              help="The HTML page to write (default: decks/<deck>-preview.html).")
@click.option("--deck", help="Deck name when FILEs are named (default: qa2anki).")
@click.option("--open", "open_page", is_flag=True, help="Open the page in the default browser.")
@_force
@_max_source_mb
@_format
@_option
@_quiet
def preview_command(
    files: tuple[str, ...], config: str | None, output: str | None, deck: str | None, open_page: bool,
    force: bool, max_source_mb: float | None, format_: str, options: dict[str, Any], quiet: bool,
) -> None:
    """Write one HTML page showing every card as Anki will (front, back, light and dark).

    \b
    Examples:
      qa2anki preview --open
      qa2anki preview notes.md -o /tmp/cards.html
    """
    from .manifest import default_output, with_source_mb
    from .preview import build_preview

    manifest = _manifest(files, config, default_output(deck or "qa2anki") if files else None, deck,
                         reading=_reading(format_, options))
    report, path = build_preview(with_source_mb(manifest, max_source_mb), output, force=force)
    shown = ("error",) if quiet else ("error", "warning")  # notes and info: check -v
    for diagnostic in report.diagnostics:
        if diagnostic.severity in shown:
            click.echo(f"{diagnostic.severity}: {diagnostic}", err=True)
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
    from .normalize import normalize

    result = normalize(sources, out_dir, format_)
    for diagnostic in result.skipped:
        click.echo(f"warning: {diagnostic}", err=True)
    for path in result.written:
        click.echo(str(path))


@main.command(name="inspect")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@_format
@_option
@click.option("--items", "show_items", is_flag=True,
              help="Also list every item: ref, line, question, answer start.")
@click.pass_context
def inspect_command(
    ctx: click.Context, files: tuple[str, ...], format_: str, options: dict[str, Any], show_items: bool
) -> None:
    """Show how FILEs are read: detected format, how sure, items, code, dropped.

    \b
    Examples:
      qa2anki inspect sources/*
      qa2anki inspect notes.md --items
      qa2anki inspect faq.txt --format markdown
    """
    from .inspect_sources import describe, inspect_source

    failed = False
    for path in files:
        try:
            click.echo(describe(inspect_source(path, format_, options), items=show_items))
        except Qa2AnkiError as exc:
            click.echo(f"error: {exc}", err=True)
            failed = True
    ctx.exit(1 if failed else 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
