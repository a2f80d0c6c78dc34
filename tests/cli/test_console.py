"""What the command line shows: summary table, -q/-v, progress bar and colour on a terminal only."""

from __future__ import annotations

import io
import os
import pty
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bigsource import write_markdown
from conftest import DATA
from qa2anki.check import Finding
from qa2anki.cli import main
from qa2anki.console import (
    WARNING_LIMIT,
    ProgressBar,
    bar_line,
    colour_wanted,
    deck_lines,
    format_finding,
    table,
)
from qa2anki.identity import REMOVED_TAG, DeckChanges
from qa2anki.identity.lockfile import LockedItem, LockRecord
from qa2anki.report import DeckReport

FIXTURES = DATA / "everyday"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


# --- progress bar ----------------------------------------------------------------------------


def test_progress_waits_a_second_then_draws_and_wipes_itself():
    stream, clock = Terminal(), Clock()
    with ProgressBar(stream, clock=clock) as progress:
        progress("read", 0, 4)
        clock.now += 0.5
        progress("read", 2, 4)
        assert stream.getvalue() == ""  # a quick build never sees a bar
        clock.now += 0.6
        progress("render", 1, 4)
        assert stream.getvalue() == "\r" + bar_line("render", 1, 4)
        clock.now += 0.01
        progress("render", 2, 4)  # throttled: drawn at most ten times a second
        assert stream.getvalue().count("\r") == 1
        progress("render", 4, 4)  # the last step is always drawn
        assert stream.getvalue().endswith(bar_line("render", 4, 4))
    assert stream.getvalue().endswith("\r" + " " * len(bar_line("render", 4, 4)) + "\r")


def test_progress_never_draws_off_a_terminal_or_when_disabled():
    clock = Clock()
    for stream, enabled in ((io.StringIO(), True), (Terminal(), False)):
        with ProgressBar(stream, clock=clock, enabled=enabled) as progress:
            clock.now += 5
            progress("render", 3, 4)
        assert stream.getvalue() == ""


def test_bar_line():
    assert bar_line("render", 5, 10, width=10) == "render   [#####     ] 5/10"
    assert bar_line("write", 0, 0, width=4) == "write    [####] 0/0"


# --- colour -----------------------------------------------------------------------------------


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert colour_wanted(Terminal())
    assert not colour_wanted(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not colour_wanted(Terminal())
    monkeypatch.setenv("NO_COLOR", "")  # https://no-color.org: only a non-empty value counts
    assert colour_wanted(Terminal())


def test_only_the_severity_is_coloured():
    finding = Finding("warning", "a.md", 3, "odd")
    assert format_finding(finding) == "warning: a.md:3: odd"
    coloured = format_finding(finding, colour=True)
    assert coloured.startswith("\x1b[") and coloured.endswith(" a.md:3: odd")


#: The CLI with the progress bar's one-second wait turned off, so the test need not be slow.
NO_DELAY = "import sys, qa2anki.console as c; c.PROGRESS_DELAY = 0; from qa2anki.cli import main; main()"


def _run_on_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run the CLI with stdout and stderr on a pseudo-terminal; everything it drew."""
    leader, follower = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-c", NO_DELAY, *args], cwd=cwd, stdin=subprocess.DEVNULL,
        stdout=follower, stderr=follower, env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            child.kill()
            raise AssertionError("no output for 60 s")
        try:
            data = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    assert child.wait(timeout=60) == 0
    return b"".join(chunks).decode()


@pytest.fixture
def terminal_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    return env


def test_on_a_terminal_a_build_shows_progress_and_colour(tmp_path: Path, terminal_env: dict[str, str]):
    write_markdown(tmp_path / "big.md", items=200)
    (tmp_path / "odd.txt").write_text("no questions here\n")
    drawn = _run_on_terminal(["build", "big.md", "odd.txt", "-o", "big.apkg"], tmp_path, terminal_env)
    assert "\r" + bar_line("render", 200, 200) in drawn
    assert "\x1b[33mwarning:\x1b[0m odd.txt: skipped" in drawn
    assert "qa2anki: 200 cards from 1 source -> big.apkg" in drawn


def test_no_color_turns_colour_off_even_on_a_terminal(tmp_path: Path, terminal_env: dict[str, str]):
    (tmp_path / "odd.txt").write_text("no questions here\n")
    shutil.copy(FIXTURES / "good.md", tmp_path)
    terminal_env["NO_COLOR"] = "1"
    drawn = _run_on_terminal(["check", "good.md", "odd.txt"], tmp_path, terminal_env)
    assert "warning: odd.txt: skipped" in drawn
    assert "\x1b[" not in drawn


def test_piped_output_has_no_colour(tmp_path: Path, terminal_env: dict[str, str]):
    write_markdown(tmp_path / "big.md", items=20)
    (tmp_path / "odd.txt").write_text("no questions here\n")
    done = subprocess.run(
        [sys.executable, "-m", "qa2anki", "build", "big.md", "odd.txt", "-o", "big.apkg"],
        cwd=tmp_path, env=terminal_env, capture_output=True, text=True, check=True,
    )
    assert "\x1b[" not in done.stderr + done.stdout
    assert "\r" not in done.stderr
    assert done.stderr.startswith("warning: odd.txt: skipped")


# --- summary table and verbosity --------------------------------------------------------------


def test_summary_table_per_source_and_per_deck(everyday_dir: Path):
    result = CliRunner().invoke(main, ["build", "good.md", "problems.md", "-o", "out.apkg", "--deck", "Py"])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "source       format    items  cards  merged  dropped",
        "good.md      markdown      3      3       0        0",
        "problems.md  markdown      2      2       0        1",
        "",
        "Py: 5 cards from 2 sources, 1 item dropped -> out.apkg",
        "  5 new, 0 updated, 0 unchanged, 0 removed since the last build",
    ]
    assert result.stderr == (
        "1 item made no card: 1 no-answer (--verbose lists them; fix them in the source, or list their "
        "reason under the source's accept_dropped: in the manifest)\n"
    )


def test_quiet_prints_nothing_on_success(everyday_dir: Path):
    args = ["build", "good.md", "problems.md", "cp1252.md", "-o", "out.apkg", "-q"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0
    assert (result.stdout, result.stderr) == ("", "")
    assert (everyday_dir / "out.apkg").exists()


def test_verbose_lists_every_dropped_item(everyday_dir: Path):
    result = CliRunner().invoke(main, ["build", "problems.md", "cp1252.md", "-o", "out.apkg", "-v"])
    assert result.stderr.splitlines() == [
        "warning: cp1252.md: not valid UTF-8 (first bad byte on line 1); read as cp1252, "
        "check accented letters and save it as UTF-8 to be sure",
        'warning: problems.md:7: Q2 "What is a race condition?": question without an answer; no card made',
    ]


def test_many_warnings_are_cut_short_unless_verbose(everyday_dir: Path):
    names = []
    for n in range(WARNING_LIMIT + 2):
        names.append(f"odd{n:02}.txt")
        (everyday_dir / names[-1]).write_text("nothing to see\n")
    normal = CliRunner().invoke(main, ["build", "good.md", *names, "-o", "out.apkg"])
    assert normal.stderr.count("warning: ") == WARNING_LIMIT
    assert "... and 2 more warnings (--verbose shows them all)" in normal.stderr
    verbose = CliRunner().invoke(main, ["build", "good.md", *names, "-o", "out.apkg", "-v"])
    assert verbose.stderr.count("warning: ") == WARNING_LIMIT + 2


def test_table_aligns_numbers_right_and_text_left():
    assert table([{"name": "a", "n": 1}, {"name": "long", "n": 100, "extra": "x"}]) == [
        "name    n  extra",
        "a       1",
        "long  100  x",
    ]
    assert table([]) == []


def test_deck_lines_say_what_changed_and_how_to_find_removed_cards():
    gone = LockRecord("D", "g1", 1, 0, 0, "x", (LockedItem("a.md#Q1", "What was it?", ""),))
    deck = DeckReport("D", Path("d.apkg"), (), (), (), (), changes=DeckChanges(1, 2, 3, (gone,)))
    assert deck_lines(deck) == [
        "D: 0 cards from 0 sources -> d.apkg",
        "  1 new, 2 updated, 3 unchanged, 1 removed since the last build",
        "  removed: What was it?",
        f"  to delete them: search tag:{REMOVED_TAG} in the Anki browser after importing",
    ]
