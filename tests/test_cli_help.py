"""Every command explains itself: help text, an example, and help for each option."""

from __future__ import annotations

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
