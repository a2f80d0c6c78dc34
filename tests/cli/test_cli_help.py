"""Every command explains itself: help text, an example, and help for each option."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from qa2anki.cli import main

Walked = Iterator[tuple[tuple[str, ...], click.Command]]


def walk(command: click.Command, path: tuple[str, ...] = ()) -> Walked:
    """Every command under ``command`` (itself included) with the words that invoke it."""
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from walk(sub, (*path, name))


COMMANDS = list(walk(main))


def test_there_are_commands_to_walk():
    assert {" ".join(path) for path, _ in COMMANDS} >= {"", "build", "check"}


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) or "qa2anki" for p, _ in COMMANDS])
def test_every_command_has_help_with_an_example(path: tuple[str, ...], command: click.Command):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert (command.help or "").strip(), f"'{' '.join(path)}' has no help text"
    assert command.get_short_help_str().strip()
    assert "qa2anki " in result.output.split("Options:")[0].split("\n", 2)[-1], "no example invocation"
    assert "example" in result.output.lower() or "quick start" in result.output.lower()
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help, f"option {param.opts} of '{' '.join(path)}' has no help"


HEAVY = ("markdown", "markdown_it", "pygments", "genanki", "nh3", "rapidfuzz", "yaml")


def test_help_and_version_load_none_of_the_heavy_libraries():
    """``--help`` and ``--version`` answer before markdown, pygments or genanki load (their
    time is measured by ``make bench``); what they load is checked here, not how long it takes."""
    probe = (
        "import sys\nfrom qa2anki.cli import main\n"
        "for args in (['--help'], ['--version']):\n"
        "    try:\n        main(args)\n    except SystemExit:\n        pass\n"
        f"print('loaded:', [m for m in {HEAVY!r} if m in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert "Usage: " in result.stdout and "version" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "loaded: []"


def test_the_library_names_still_import_from_the_package():
    import qa2anki

    assert callable(qa2anki.build) and "markdown" in qa2anki.ADAPTERS
    from qa2anki import Item, load_manifest  # noqa: F401

    with pytest.raises(AttributeError):
        qa2anki.no_such_name  # noqa: B018
